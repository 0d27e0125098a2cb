// src/open_ahead.hpp — INTERNAL: opening the second input while the first is read.
//
// A batch job reads projects.csv whole before indicators.csv, yet opening the
// indicators does not depend on the projects. For a workbook, opening is costly:
// the sheet's part is inflated once just to find its merged ranges, which come
// after the rows (src/xlsx.cpp, "The first pass over a sheet"), about a fifth of
// reading a 100,000-project workbook, all on one core. Opened on a thread of its
// own, it overlaps the projects.
//
// Errors keep their order: the reader's constructor may throw on its thread, and
// the exception is thrown again by get(), where the one-thread job would have
// opened it. A job that stops before get() never sees it.
#pragma once

#include "perfbudget/input.hpp"

#include <exception>
#include <functional>
#include <optional>
#include <thread>
#include <utility>

namespace perfbudget::detail {

template <class Reader>
class OpenAhead {
public:
    /// Calls open(reader), which emplaces the reader into the std::optional it is
    /// given, on a thread of its own when `ahead`, else at get(). What `open`
    /// refers to must outlive get().
    explicit OpenAhead(bool ahead, std::function<void(std::optional<Reader>&)> open) : open_(std::move(open)) {
        if (ahead) thread_ = std::thread([this] { run(); });
    }
    ~OpenAhead() {
        if (thread_.joinable()) thread_.join();
    }
    OpenAhead(const OpenAhead&) = delete;
    OpenAhead& operator=(const OpenAhead&) = delete;

    /// The reader, once open; throws what its constructor threw.
    Reader& get() {
        if (thread_.joinable()) thread_.join();
        else if (!reader_ && !error_) run();
        if (error_) std::rethrow_exception(error_);
        return *reader_;
    }

private:
    void run() noexcept {
        try {
            open_(reader_);
        } catch (...) {
            error_ = std::current_exception();
        }
    }

    std::optional<Reader> reader_;
    std::exception_ptr error_;
    std::function<void(std::optional<Reader>&)> open_;
    std::thread thread_; // last: started once the rest is built
};

/// A batch job's indicators (`opt.indicators`, read with `opt`), opened ahead with
/// 2 or more threads. Guaranteed copy elision builds it in the caller's variable,
/// whose address the opening thread keeps.
template <class Options>
OpenAhead<IndicatorReader> open_indicators_ahead(const Options& opt, unsigned threads) {
    return OpenAhead<IndicatorReader>(threads >= 2, [&opt](std::optional<IndicatorReader>& r) { r.emplace(opt.indicators, opt); });
}

} // namespace perfbudget::detail
