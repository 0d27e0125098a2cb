// IndicatorReader::next() in two steps, so that two threads can share the reading
// of indicators.csv (issue 15 item 2): split() takes a row's cells from the file,
// in file order on one thread (it depends on the rows before: the CSV or sheet
// stream, merged cells), and convert() reads their values into an Indicator, on
// any thread and for rows in any order (it depends on the row alone). The two
// together give exactly what next() gives: the same row, `ok` and problems, in
// the same order. Internal to src/.
#pragma once

#include "perfbudget/input.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perfbudget::detail {

struct IndicatorSplit {
    /// What split() leaves for convert(): a row's place, whether split() refused
    /// it already, and its problems so far.
    struct RowInfo {
        std::uint32_t line = 0;
        std::uint32_t problems_begin = 0, problems_end = 0; // in Rows::problems
        bool ok = true;
    };
    /// Rows split and not yet converted: their trimmed cells by known column, as
    /// (offset, size) in `text`, the same number of cells for every row. Keeps
    /// its capacity from batch to batch: once grown, splitting allocates nothing.
    class Rows {
    public:
        std::vector<char> text;
        std::vector<Diagnostic> problems;

        std::size_t size() const { return count_; }
        RowInfo& row(std::size_t k) { return rows_[k]; }
        std::pair<std::uint32_t, std::uint32_t>* cells_of(std::size_t k, std::size_t width) { return &cells_[k * width]; }
        /// A new row of `width` cells.
        RowInfo& add_row(std::size_t width) {
            if (rows_.size() <= count_) rows_.resize(std::max<std::size_t>(64, rows_.size() * 2));
            if (cells_.size() < (count_ + 1) * width) cells_.resize(rows_.size() * width);
            rows_[count_] = RowInfo{};
            return rows_[count_++];
        }
        /// Room for `bytes` more bytes of text: where they go.
        char* add_text(std::size_t bytes) {
            if (text.size() < used_ + bytes) text.resize(std::max(text.size() * 2, used_ + bytes));
            char* at = text.data() + used_;
            used_ += bytes;
            return at;
        }
        void clear() {
            count_ = 0;
            used_ = 0;
            problems.clear();
        }

    private:
        std::vector<std::pair<std::uint32_t, std::uint32_t>> cells_;
        std::vector<RowInfo> rows_;
        std::size_t count_ = 0, used_ = 0;
    };

    /// Reads `reader`'s rows. Keeps its state's address (the reader object itself
    /// may share a cache line with what the calling thread writes for every row),
    /// and a copy of what convert() reads (the header, the file's name): the
    /// state beside them is written for every row split.
    explicit IndicatorSplit(IndicatorReader& reader);
    ~IndicatorSplit();
    IndicatorSplit(const IndicatorSplit&) = delete;
    IndicatorSplit& operator=(const IndicatorSplit&) = delete;

    /// Splits the next row onto `rows`; false at the end. Throws where next() would.
    bool split(Rows& rows);
    /// Row `k` of `rows`, as next() would give it: its problems (those of split()
    /// moved out of `rows`, then the values') appended to `problems`. Reads only
    /// the reader's header: threads may convert different rows at once.
    /// `project_id` views the row's cell in `rows`, valid until the rows are cleared.
    void convert(Rows& rows, std::size_t k, std::string_view& project_id, Indicator& out, bool& ok,
                 std::vector<Diagnostic>& problems) const;

private:
    struct Frozen;
    IndicatorReader::Impl* impl_;
    std::unique_ptr<const Frozen> frozen_;
};

} // namespace perfbudget::detail
