// src/finish_chunks.hpp — INTERNAL: finishing kept projects on two threads, in order.
//
// After the last indicator row, a streaming stage finishes every kept project
// (scores, grades, custom steps) and formats its row: independent work per
// project, which one thread did in 0.35–0.5 s for a million. Here the caller
// finishes chunks 0, 2, 4, … itself while a second thread finishes chunks 1, 3,
// 5, … into a Part of its own (two at most, so memory does not grow with the
// file); the caller hands each Part on when its turn comes. Whatever is written
// or listed therefore comes in chunk order: the same bytes as on one thread.
#pragma once

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>

namespace perfbudget::detail {

/// Projects per chunk: a chunk's rows (about 0.5 MB of CSV) fit in the cache.
inline constexpr std::uint32_t finish_chunk_projects = 8192;

/// Finishes projects [0, n) in order. On one thread (`two_threads` false, or fewer
/// than two chunks' worth): direct(0, n). Otherwise, for each chunk [first, last) in
/// turn on the caller's thread: direct(first, last) for chunks 0, 2, 4, …, and for
/// chunks 1, 3, 5, … append(first, last, part), where `part` was filled by
/// into(first, last, part) on the second thread (into() clears what a Part held
/// before). An exception from into() is thrown again where its chunk's turn comes;
/// one from direct() or append() stops the second thread and passes through.
template <class Part, class Direct, class Into, class Append>
void finish_in_order(std::uint32_t n, bool two_threads, Direct&& direct, Into&& into, Append&& append) {
    constexpr std::uint32_t chunk = finish_chunk_projects;
    if (!two_threads || n < 2 * chunk) {
        direct(std::uint32_t{0}, n);
        return;
    }
    const std::uint32_t chunks = (n + chunk - 1) / chunk;
    const auto first = [](std::uint32_t c) { return c * chunk; };
    const auto last = [n](std::uint32_t c) { return std::min(n, (c + 1) * chunk); };
    struct Slot {
        Part part{};
        std::exception_ptr error;
        bool ready = false;
    };
    std::array<Slot, 2> slots;
    std::mutex mutex;
    std::condition_variable changed;
    std::uint32_t taken = 0; // the helper's parts handed on so far
    bool stop = false;
    std::thread helper([&] { // chunks 1, 3, 5, … into slots[0], slots[1], slots[0], …
        for (std::uint32_t c = 1, i = 0; c < chunks; c += 2, ++i) {
            Slot& slot = slots[i % 2];
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return stop || i < taken + 2; });
                if (stop) return;
            }
            try {
                into(first(c), last(c), slot.part);
            } catch (...) {
                slot.error = std::current_exception();
            }
            {
                const std::lock_guard lock(mutex);
                slot.ready = true;
            }
            changed.notify_all();
            if (slot.error) return;
        }
    });
    struct Join { // the helper is stopped and joined however this returns
        std::mutex& mutex;
        std::condition_variable& changed;
        bool& stop;
        std::thread& helper;
        ~Join() {
            {
                const std::lock_guard lock(mutex);
                stop = true;
            }
            changed.notify_all();
            helper.join();
        }
    } join{mutex, changed, stop, helper};
    for (std::uint32_t c = 0; c < chunks; ++c) {
        if (c % 2 == 0) {
            direct(first(c), last(c));
            continue;
        }
        Slot& slot = slots[(c / 2) % 2];
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return slot.ready; });
        }
        if (slot.error) std::rethrow_exception(slot.error);
        append(first(c), last(c), slot.part);
        {
            const std::lock_guard lock(mutex);
            slot.ready = false;
            ++taken;
        }
        changed.notify_all();
    }
}

} // namespace perfbudget::detail
