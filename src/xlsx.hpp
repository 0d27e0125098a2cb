// src/xlsx.hpp — INTERNAL (not installed): reading .xlsx workbooks (SPEC §3a).
//
// A workbook is a zip archive of XML parts; both are read with Debian libraries
// (minizip for the archive, expat for the XML), never by hand. The reader gives
// each cell as the text a user would have typed into the same cell of a CSV
// file, so everything downstream (header mapping, value rules, messages) is the
// one path CSV input takes:
//
//   * shared and inline strings: their text (rich-text runs joined);
//   * numbers: the exact decimal of the cell's stored text, never through
//     double ("0.1" is 1/10; "1.5E-2" is "0.015"); stored text with more than
//     15 significant digits is a binary artefact and is rounded (half up) to 15
//     significant digits, as Excel displays it ("0.30000000000000004" → "0.3");
//   * numbers in a date format: "YYYY-MM-DD" (1900 and 1904 date systems, the
//     1900 leap-year bug honoured); a time of day that is not midnight is kept
//     as " HH:MM:SS" after the date, so a date column refuses it by name;
//   * numbers in a percent format: the percentage they display ("0.9" → "90%");
//   * booleans "TRUE"/"FALSE", error cells as written ("#N/A"), formulas by
//     their cached value (a formula without one is an empty cell);
//   * merged ranges: every cell of the range holds the top-left cell's text.
//
// Files are untrusted: every limit below is checked before the memory it
// guards is spent, and breaking one is an Error naming the file and the part
// (docs/limits.md lists them).
#pragma once

#include "perfbudget/error.hpp"

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget::detail::xlsx {

struct Limits {
    /// Uncompressed bytes of any one part (a sheet's XML, the shared strings).
    std::uint64_t max_part_bytes = std::uint64_t{2} << 30;
    /// Uncompressed bytes of all parts read from one workbook.
    std::uint64_t max_total_bytes = std::uint64_t{4} << 30;
    /// Uncompressed ÷ compressed size of a part (a zip bomb inflates far more).
    std::uint32_t max_ratio = 1000;
    /// Excel's own sheet size: 1,048,576 rows × 16,384 columns (XFD).
    std::uint32_t max_rows = 1'048'576;
    std::uint32_t max_columns = 16'384;
    /// Merged ranges in one sheet, and cells they may cover in all.
    std::uint32_t max_merged_ranges = 100'000;
    std::uint64_t max_merged_cells = 10'000'000;
    /// Bytes of one cell's text (Excel's own limit is 32,767 characters).
    std::uint32_t max_cell_bytes = 1u << 20;
    /// Entries in the archive.
    std::uint32_t max_entries = 10'000;
};

/// Whether sheets' rows take the fast path (pugixml, src/xml_fragment.hpp; the
/// default) or expat alone. Tests and the differential fuzz target switch it to
/// compare the two; they must give the same rows and the same errors.
void set_fast_rows(bool on);

/// Counts since the program started, for tests: fragments the fast path replayed,
/// sheets it handed back to expat to read again from the start, sheets inflated
/// first to look for merged ranges (MergeScan::first), and sheets read at once
/// that met one (MergesAfterRows).
struct FastRowCounts {
    std::uint64_t fragments = 0, restarts = 0;
    std::uint64_t merge_scans = 0, merges_after_rows = 0;
};
FastRowCounts fast_row_counts();

/// True when the file starts with a zip archive's signature ("PK\3\4"): how an
/// input option tells a workbook from a CSV file whatever its name.
bool is_workbook(const std::string& path);

class Sheet;

/// How a sheet's merged ranges are found. They are written after the rows, yet
/// fill cells of any row, so by default the part is inflated once just to look
/// for them before the first row is handed out (about a seventh of reading a
/// large sheet). A reader that hands no row on before the sheet ends (a stage
/// that reads every row before any result leaves) may skip that: the rows are
/// read at once, and MergesAfterRows is thrown if the sheet turns out to have a
/// merged range, for the reader to start again with MergeScan::first.
enum class MergeScan : std::uint8_t {
    first,      ///< look for merged ranges first (always right)
    none_found, ///< assume there are none; throw MergesAfterRows when one is met
};

/// Thrown by Sheet::next() when a sheet opened with MergeScan::none_found has a
/// merged range: the rows handed out so far lacked what it fills. Not an Error:
/// nothing is wrong with the file.
struct MergesAfterRows : std::exception {
    const char* what() const noexcept override { return "the sheet has merged ranges: read it again, scanning first"; }
};

/// An open workbook: its sheet names (in workbook order), shared strings and
/// styles. Reading a sheet opens its part afresh, so one Workbook can give any
/// number of Sheets, one after another or at once.
class Workbook {
public:
    /// Opens `path` and reads the workbook, relationships, shared strings and
    /// styles parts. Throws Error naming the file (not a zip, not a workbook,
    /// a broken part, a limit reached).
    explicit Workbook(const std::string& path, const Limits& limits = {});
    ~Workbook();
    Workbook(Workbook&&) noexcept;
    Workbook& operator=(Workbook&&) noexcept;

    const std::string& path() const;
    std::size_t sheet_count() const;
    /// The name shown on the sheet's tab.
    const std::string& sheet_name(std::size_t index) const;
    /// The index of the sheet named `name` (exact match), if any.
    std::optional<std::size_t> find_sheet(std::string_view name) const;
    /// Starts reading sheet `index`. Throws Error on a broken or oversized part.
    /// With `parse_ahead`, a sheet's XML is inflated and parsed on a thread of its
    /// own, a few fragments ahead of the rows handed out (the same rows and errors).
    /// `merges`: see MergeScan.
    Sheet open(std::size_t index, bool parse_ahead = false, MergeScan merges = MergeScan::first) const;

private:
    friend class Sheet;
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

/// One sheet, read row by row in row order.
class Sheet {
public:
    ~Sheet();
    Sheet(Sheet&&) noexcept;
    Sheet& operator=(Sheet&&) noexcept;

    /// The next row that has at least one cell with text (merged-range fill
    /// counts), as cells by column: `cells[c]` is column c+1 ("A" is 0), "" for
    /// an empty cell, no trailing empty cells. Views stay valid until the next
    /// call. Returns false after the last row. Throws Error naming the cell on
    /// broken XML or a limit reached.
    bool next(std::vector<std::string_view>& cells);
    /// The 1-based row number of the row last returned.
    std::uint32_t row() const;
    /// "book.xlsx!sheet name", the file part of a cell's SourceLocation.
    const std::string& location() const;
    const std::string& name() const;

private:
    friend class Workbook;
    struct Impl;
    explicit Sheet(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// Every row of a sheet at once (for small sheets such as a self-evaluation
/// form, whose parts are found by their labels): grid[r][c] is the cell in row
/// r+1, column c+1; rows and cells beyond the last text are absent.
std::vector<std::vector<std::string>> read_grid(Sheet& sheet);

} // namespace perfbudget::detail::xlsx
