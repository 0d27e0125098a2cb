// IndicatorStream: indicators.csv read ahead on a thread of its own (issue 15
// item 2), for the streaming stages. Internal to src/.
//
// Reading (decoding, splitting, converting cells: two thirds of `evaluate`'s time)
// runs on a reader thread that fills batches of 1,024 rows, while the caller
// scores the rows of the batch before. The rows arrive in file order, each with
// its own problems, and an error the reader throws is rethrown after the rows
// read before it: the results and messages are the same bytes as reading on the
// caller's thread. Rows are handed over by swapping: the caller's strings go back
// to the batch with their capacity, so no row allocates once the batches have grown.
#pragma once

#include "perfbudget/input.hpp"

#include <array>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
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

class IndicatorStream {
public:
    /// Reads `reader`'s rows; on a thread of their own when `threads` (threads_to_use) is 2 or more.
    IndicatorStream(IndicatorReader& reader, unsigned threads) : reader_(reader), ahead_(threads >= 2) {}
    ~IndicatorStream() { stop(); }
    IndicatorStream(const IndicatorStream&) = delete;
    IndicatorStream& operator=(const IndicatorStream&) = delete;

    /// The next row, read in place: `project_id` and `out` point at it until the
    /// next call (no copy of the row changes hands); `ok` as IndicatorReader::next,
    /// its problems appended to `problems`; false at the end.
    bool next(const std::string*& project_id, const Indicator*& out, bool& ok, std::vector<Diagnostic>& problems) {
        if (!ahead_) {
            if (!reader_.next(own_id_, own_row_, ok, problems)) return false;
            project_id = &own_id_;
            out = &own_row_;
            return true;
        }
        if (!thread_.joinable()) thread_ = std::thread([this] { produce(); }); // after the caller's setup
        if (!batch_ || next_ == batch_->size) {
            if (batch_ && batch_->last) return finish();
            batch_ = &ring_.take(batch_ != nullptr);
            next_ = 0;
            if (batch_->size == 0 && batch_->last) return finish();
        }
        const Row& row = batch_->rows[next_++];
        project_id = &row.project_id;
        out = &row.indicator;
        ok = row.ok;
        for (std::uint32_t k = row.problems_begin; k < row.problems_end; ++k) problems.push_back(std::move(batch_->problems[k]));
        return true;
    }

    /// IndicatorReader::next: the next row into `project_id`, `out`, `ok`, its
    /// problems appended to `problems`; false at the end.
    bool next(std::string& project_id, Indicator& out, bool& ok, std::vector<Diagnostic>& problems) {
        if (!ahead_) return reader_.next(project_id, out, ok, problems);
        if (!thread_.joinable()) thread_ = std::thread([this] { produce(); }); // after the caller's setup
        if (!batch_ || next_ == batch_->size) {
            if (batch_ && batch_->last) return finish();
            batch_ = &ring_.take(batch_ != nullptr);
            next_ = 0;
            if (batch_->size == 0 && batch_->last) return finish();
        }
        Row& row = batch_->rows[next_++];
        std::swap(project_id, row.project_id);
        std::swap(out, row.indicator);
        ok = row.ok;
        for (std::uint32_t k = row.problems_begin; k < row.problems_end; ++k) problems.push_back(std::move(batch_->problems[k]));
        return true;
    }

private:
    struct Row {
        std::string project_id;
        Indicator indicator;
        bool ok = true;
        std::uint32_t problems_begin = 0, problems_end = 0;
    };
    struct Batch {
        static constexpr std::size_t capacity = 1024;
        std::vector<Row> rows = std::vector<Row>(capacity);
        std::size_t size = 0;
        std::vector<Diagnostic> problems;
        bool last = false;        // no batch follows
        std::exception_ptr error; // what reading the row after these threw
    };

    /// Batches between the reader thread and next(): the caller holds the batch it
    /// reads until it takes the next, so the reader fills at most two ahead.
    class Ring {
    public:
        Batch* to_fill() {
            std::unique_lock lock(mutex_);
            has_room_.wait(lock, [&] { return stopped_ || queued_ < slots_.size(); });
            return stopped_ ? nullptr : &slots_[(head_ + queued_) % slots_.size()];
        }
        void filled() {
            {
                const std::lock_guard lock(mutex_);
                ++queued_;
            }
            has_batch_.notify_one();
        }
        Batch& take(bool release) {
            std::unique_lock lock(mutex_);
            if (release) {
                head_ = (head_ + 1) % slots_.size();
                --queued_;
                has_room_.notify_one();
            }
            has_batch_.wait(lock, [&] { return queued_ > 0; });
            return slots_[head_];
        }
        void stop() {
            {
                const std::lock_guard lock(mutex_);
                stopped_ = true;
            }
            has_room_.notify_one();
        }

    private:
        std::mutex mutex_;
        std::condition_variable has_room_, has_batch_;
        std::array<Batch, 3> slots_;
        std::size_t head_ = 0, queued_ = 0; // queued_: filled and not given back, the held one included
        bool stopped_ = false;
    };

    void produce() {
        for (;;) {
            Batch* b = ring_.to_fill();
            if (!b) return; // the caller stopped
            b->size = 0;
            b->problems.clear();
            b->error = nullptr;
            b->last = false;
            try {
                while (b->size < Batch::capacity) {
                    Row& row = b->rows[b->size];
                    row.problems_begin = static_cast<std::uint32_t>(b->problems.size());
                    if (!reader_.next(row.project_id, row.indicator, row.ok, b->problems)) {
                        b->last = true;
                        break;
                    }
                    row.problems_end = static_cast<std::uint32_t>(b->problems.size());
                    ++b->size;
                }
            } catch (...) {
                b->error = std::current_exception();
                b->last = true;
            }
            const bool last = b->last;
            ring_.filled();
            if (last) return;
        }
    }

    bool finish() {
        std::exception_ptr error = batch_->error;
        stop();
        if (error) std::rethrow_exception(error);
        return false;
    }

    void stop() {
        if (!thread_.joinable()) return;
        ring_.stop();
        thread_.join();
    }

    IndicatorReader& reader_;
    const bool ahead_;
    std::string own_id_; // the row read on the caller's thread (next() in place, one thread)
    Indicator own_row_;
    Ring ring_;
    Batch* batch_ = nullptr; // held by the caller
    std::size_t next_ = 0;
    std::thread thread_;
};

} // namespace perfbudget::detail
