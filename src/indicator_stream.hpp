// indicators.csv read on two threads (issue 15 item 2), for the streaming
// stages: IndicatorStream. Internal to src/.
//
// Reading (decoding, splitting, converting cells) is most of `evaluate`'s time.
// A reader thread splits the rows into batches of 1,024 while the caller uses
// the rows of the batch before, and the two share converting the cells. The
// rows arrive in file order, each with its own problems, and an error the reader
// throws is rethrown after the rows read before it: the results and messages are
// the same bytes as reading on the caller's thread. The caller reads each row in
// place, in the batch it holds, and the batches keep their strings' capacity, so
// no row allocates once the batches have grown.
//
// projects.csv is read on the caller's thread: handing its rows to another
// thread cost more than reading them (docs/decisions.md).
#pragma once

#include "perfbudget/input.hpp"

#include "indicator_split.hpp"

#include <array>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace perfbudget::detail {

/// The threads a batch run uses: `requested`, or with 0 the cores available.
inline unsigned threads_to_use(unsigned requested) {
    if (requested) return requested;
    const unsigned cores = std::thread::hardware_concurrency();
    return cores ? cores : 1;
}


/// indicators.csv read on two threads (threads_to_use ≥ 2): the reader thread
/// splits rows from the file in batches of 1,024 (IndicatorSplit::split, which
/// must follow the file), and the two threads share converting the batches'
/// values (IndicatorSplit::convert, most of the reading's time): the caller
/// converts the batch it needs next when nobody has begun it, or helps with a
/// later one while it waits; the reader thread converts the newest batch nobody
/// has begun whenever it cannot split (no free batch, or the file is done). The
/// caller uses the batches in file order, so rows, `ok`, problems and a thrown
/// error are the same as IndicatorReader::next gives on one thread.
class IndicatorStream {
public:
    IndicatorStream(IndicatorReader& reader, unsigned threads) : reader_(reader), ahead_(threads >= 2), split_(reader) {}
    ~IndicatorStream() { stop(); }
    IndicatorStream(const IndicatorStream&) = delete;
    IndicatorStream& operator=(const IndicatorStream&) = delete;

    /// The next row, read in place: `project_id` and `out` point at it until the
    /// next call; `ok` as IndicatorReader::next, its problems appended to
    /// `problems`; false at the end.
    bool next(std::string_view& project_id, const Indicator*& out, bool& ok, std::vector<Diagnostic>& problems) {
        if (!ahead_) {
            if (!reader_.next(own_id_, own_, ok, problems)) return false;
            project_id = own_id_;
            out = &own_;
            return true;
        }
        if (!thread_.joinable()) thread_ = std::thread([this] { produce(); }); // after the caller's setup
        if (!held_ || next_ == held_->size) {
            if (held_ && held_->last) return finish();
            held_ = &take();
            next_ = 0;
            if (held_->size == 0 && held_->last) return finish();
        }
        Slot& slot = held_->rows[next_++];
        ok = slot.ok;
        for (std::uint32_t k = slot.problems_begin; k < slot.problems_end; ++k) problems.push_back(std::move(held_->problems[k]));
        project_id = slot.project_id;
        out = &slot.indicator;
        return true;
    }

private:
    struct Slot {
        std::string_view project_id; // in the batch's split rows
        Indicator indicator;
        bool ok = true;
        std::uint32_t problems_begin = 0, problems_end = 0;
    };
    enum class State : std::uint8_t { free, splitting, split, converting, ready };
    struct alignas(64) Batch {
        static constexpr std::size_t capacity = 1024;
        State state = State::free;
        IndicatorSplit::Rows split;
        std::vector<Slot> rows = std::vector<Slot>(capacity);
        std::size_t size = 0;               // rows converted (all split rows, unless converting one threw)
        std::vector<Diagnostic> problems;
        bool last = false;                  // no batch follows
        std::exception_ptr error;           // what splitting or converting the row after these threw
    };
    // Batches in flight. A batch's split rows are written on one core and read on
    // the other; a ring too small to leave the caller's cache before the reader
    // writes it again made splitting twice as slow on some days (4 batches:
    // 1.9 s for the rows of a million projects; 16: 1.45 s; 32: 1.34 s, but 0.1 s
    // slower than 4 or 16 on the days when 4 was fast). docs/decisions.md.
    static constexpr std::size_t ring_size = 16;

    Batch& at(std::uint64_t sequence) { return ring_[sequence % ring_size]; }

    /// Converts batch `b`'s split rows (outside the lock). A row whose conversion
    /// throws ends the batch there, the error kept for the caller after the rows
    /// before it, as on one thread.
    void convert(Batch& b) {
        b.problems.clear();
        b.size = 0;
        try {
            for (; b.size < b.split.size(); ++b.size) {
                Slot& slot = b.rows[b.size];
                slot.problems_begin = static_cast<std::uint32_t>(b.problems.size());
                split_.convert(b.split, b.size, slot.project_id, slot.indicator, slot.ok, b.problems);
                slot.problems_end = static_cast<std::uint32_t>(b.problems.size());
            }
        } catch (...) {
            b.error = std::current_exception();
            b.last = true;
        }
    }

    /// Converts the batch with sequence number `s` on this thread, then marks it ready.
    void convert_unlocked(std::unique_lock<std::mutex>& lock, std::uint64_t s) {
        Batch& b = at(s);
        b.state = State::converting;
        lock.unlock();
        convert(b);
        lock.lock();
        b.state = State::ready;
        changed_.notify_all();
    }

    /// The caller's next batch, in file order: converted by this thread if nobody
    /// has begun it; while the reader thread is splitting or converting it, this
    /// thread converts a later split batch, or waits.
    Batch& take() {
        std::unique_lock lock(mutex_);
        if (holding_) { // give back the batch used up
            at(taken_).state = State::free;
            ++taken_;
            changed_.notify_all();
        }
        holding_ = true;
        for (;;) {
            Batch& b = at(taken_);
            if (b.state == State::ready && taken_ < split_count_) return b;
            if (b.state == State::split && taken_ < split_count_) {
                convert_unlocked(lock, taken_);
                continue;
            }
            bool helped = false;
            for (std::uint64_t s = taken_ + 1; s < split_count_; ++s)
                if (at(s).state == State::split) {
                    convert_unlocked(lock, s);
                    helped = true;
                    break;
                }
            if (!helped) changed_.wait(lock);
        }
    }

    /// The reader thread: splits into every free batch, converts (the newest
    /// first) when it cannot split, stops when there is nothing left for it.
    void produce() {
        std::unique_lock lock(mutex_);
        for (;;) {
            if (stopped_) return;
            if (!split_done_ && split_count_ < taken_ + ring_size) {
                Batch& b = at(split_count_);
                b.state = State::splitting;
                lock.unlock();
                split(b);
                lock.lock();
                b.state = State::split;
                ++split_count_;
                if (b.last) split_done_ = true;
                changed_.notify_all();
                continue;
            }
            std::uint64_t newest = split_count_;
            for (std::uint64_t s = split_count_; s-- > taken_;)
                if (at(s).state == State::split) {
                    newest = s;
                    break;
                }
            if (newest != split_count_) {
                convert_unlocked(lock, newest);
                continue;
            }
            if (split_done_) return;
            changed_.wait(lock);
        }
    }

    /// Splits the next rows into `b` (outside the lock); an error ends the file.
    void split(Batch& b) {
        b.split.clear();
        b.error = nullptr;
        b.last = false;
        try {
            while (b.split.size() < Batch::capacity)
                if (!split_.split(b.split)) {
                    b.last = true;
                    break;
                }
        } catch (...) {
            b.error = std::current_exception();
            b.last = true;
        }
    }

    bool finish() {
        std::exception_ptr error = held_->error;
        stop();
        if (error) std::rethrow_exception(error);
        return false;
    }

    void stop() {
        if (!thread_.joinable()) return;
        {
            const std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }

    IndicatorReader& reader_;
    const bool ahead_;
    std::string own_id_; // the row read on the caller's thread (one thread)
    Indicator own_;
    // On a cache line of its own: the caller writes beside the stream (its own
    // fields, its stack) for every row, and the reader thread reads this for every row.
    alignas(64) IndicatorSplit split_;
    alignas(64) std::mutex mutex_;
    std::condition_variable changed_; // a batch changed state, or the caller stopped
    std::array<Batch, ring_size> ring_;
    std::uint64_t split_count_ = 0; // batches split so far (by sequence number)
    std::uint64_t taken_ = 0;       // the sequence number of the caller's batch
    bool holding_ = false;          // the caller holds batch taken_
    bool split_done_ = false;       // the last batch is split
    bool stopped_ = false;
    Batch* held_ = nullptr;
    std::size_t next_ = 0;
    std::thread thread_;
};

} // namespace perfbudget::detail
