// Tables read ahead on a thread of their own (issue 15 item 2), for the streaming
// stages: IndicatorStream (indicators.csv) and ProjectStream (projects.csv).
// Internal to src/.
//
// Reading (decoding, splitting, converting cells: two thirds of `evaluate`'s time)
// runs on a reader thread that fills batches of 1,024 rows, while the caller
// uses the rows of the batch before. The rows arrive in file order, each with
// its own problems, and an error the reader throws is rethrown after the rows
// read before it: the results and messages are the same bytes as reading on the
// caller's thread. The caller reads each row in place, in the batch it holds:
// no row is copied from one thread to the other, and the batch rows keep their
// strings' capacity, so no row allocates once the batches have grown.
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

/// A reader's rows, read ahead. `Source` names the row type (`Source::Row`) and
/// reads one: `bool Source::read(Row&, bool& ok, std::vector<Diagnostic>&)`.
template <class Source>
class ReadAhead {
public:
    using Row = typename Source::Row;

    /// Reads `source`'s rows; on a thread of their own when `threads` (threads_to_use) is 2 or more.
    ReadAhead(Source source, unsigned threads) : source_(source), ahead_(threads >= 2) {}
    ~ReadAhead() { stop(); }
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    /// The next row, read in place: valid until the next call (the caller may
    /// change it); `ok` as the reader says, its problems appended to `problems`;
    /// null at the end.
    Row* next(bool& ok, std::vector<Diagnostic>& problems) {
        if (!ahead_) return source_.read(own_, ok, problems) ? &own_ : nullptr;
        if (!thread_.joinable()) thread_ = std::thread([this] { produce(); }); // after the caller's setup
        if (!batch_ || next_ == batch_->size) {
            if (batch_ && batch_->last) return finish();
            batch_ = &ring_.take(batch_ != nullptr);
            next_ = 0;
            if (batch_->size == 0 && batch_->last) return finish();
        }
        Slot& slot = batch_->rows[next_++];
        ok = slot.ok;
        for (std::uint32_t k = slot.problems_begin; k < slot.problems_end; ++k) problems.push_back(std::move(batch_->problems[k]));
        return &slot.row;
    }

private:
    struct Slot {
        Row row;
        bool ok = true;
        std::uint32_t problems_begin = 0, problems_end = 0;
    };
    struct Batch {
        static constexpr std::size_t capacity = 1024;
        std::vector<Slot> rows = std::vector<Slot>(capacity);
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
                    Slot& slot = b->rows[b->size];
                    slot.problems_begin = static_cast<std::uint32_t>(b->problems.size());
                    if (!source_.read(slot.row, slot.ok, b->problems)) {
                        b->last = true;
                        break;
                    }
                    slot.problems_end = static_cast<std::uint32_t>(b->problems.size());
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

    Row* finish() {
        std::exception_ptr error = batch_->error;
        stop();
        if (error) std::rethrow_exception(error);
        return nullptr;
    }

    void stop() {
        if (!thread_.joinable()) return;
        ring_.stop();
        thread_.join();
    }

    Source source_;
    const bool ahead_;
    Row own_; // the row read on the caller's thread (one thread)
    Ring ring_;
    Batch* batch_ = nullptr; // held by the caller
    std::size_t next_ = 0;
    std::thread thread_;
};

struct IndicatorRows {
    struct Row {
        std::string project_id;
        Indicator indicator;
    };
    IndicatorReader* reader;
    bool read(Row& row, bool& ok, std::vector<Diagnostic>& problems) {
        return reader->next(row.project_id, row.indicator, ok, problems);
    }
};

struct ProjectRows {
    using Row = Project;
    ProjectReader* reader;
    bool read(Project& row, bool& ok, std::vector<Diagnostic>& problems) { return reader->next(row, ok, problems); }
};

/// indicators.csv read ahead.
class IndicatorStream : public ReadAhead<IndicatorRows> {
public:
    IndicatorStream(IndicatorReader& reader, unsigned threads) : ReadAhead(IndicatorRows{&reader}, threads) {}

    /// The next row, read in place: `project_id` and `out` point at it until the
    /// next call; `ok` as IndicatorReader::next, its problems appended to
    /// `problems`; false at the end.
    bool next(const std::string*& project_id, const Indicator*& out, bool& ok, std::vector<Diagnostic>& problems) {
        const IndicatorRows::Row* row = ReadAhead::next(ok, problems);
        if (!row) return false;
        project_id = &row->project_id;
        out = &row->indicator;
        return true;
    }
};

/// projects.csv read ahead: ProjectReader::next's rows, each valid (and the
/// caller's to change) until the next call.
class ProjectStream : public ReadAhead<ProjectRows> {
public:
    ProjectStream(ProjectReader& reader, unsigned threads) : ReadAhead(ProjectRows{&reader}, threads) {}
};

} // namespace perfbudget::detail
