// perfbudget/input.hpp — reading projects.csv and indicators.csv (SPEC §3).
//
// Streaming readers: each next() fills a caller-owned object, reusing its string
// capacity, so reading millions of rows allocates nothing per row. Files are
// UTF-8 (a BOM is accepted) or GBK (`Encoding::gbk`, converted while reading);
// RFC 4180 quoting; columns in any order, named by identifier or Chinese term;
// unknown columns are ignored with a notice. Every problem is a Diagnostic with
// file and line; a reader keeps going after a bad row so one run lists them all.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/model.hpp"
#include "perfbudget/money_unit.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget {

namespace detail {
struct IndicatorSplit;
struct SheetsAtOnce;
}

enum class Encoding : std::uint8_t { utf8, gbk };

/// How input tables are read (SPEC §3, §3a): what every reader and every
/// command shares. Constructible from an Encoding alone, as readers took before.
struct InputOptions {
    Encoding encoding = Encoding::utf8; ///< CSV text (`--encoding`); workbooks are always UTF-8 inside
    /// Money columns whose header names no unit (`--money-unit`); a header such as
    /// `全年预算数（万元）` decides for its own column.
    MoneyUnit money_unit = MoneyUnit::yuan;
    /// A blank project_id, level1, level2 (indicators) or department (projects)
    /// cell takes the value of the row above: merged cells saved as CSV (`--fill-down`).
    bool fill_down = false;
    /// The sheet of a workbook to read (`--sheet`); empty: the sheet named for
    /// the table (projects/项目, indicators/指标, assessments/评审), else the first.
    std::string sheet;
    /// Threads a run may use (`--threads N`): 1 reads everything on the caller's
    /// thread; with 2 or more the input is read ahead on threads of its own
    /// (indicators.csv on one while the rows before are scored; a workbook sheet's
    /// XML parsed on another while its rows are converted); 0 = the cores
    /// available. The results and the messages are the same bytes for any count.
    unsigned threads = 0;

    InputOptions() = default;
    InputOptions(Encoding e) : encoding(e) {} // NOLINT(google-explicit-constructor): as readers took before

private:
    // Set only by the library's own stages (src/sheets_at_once.hpp): a workbook
    // sheet is read without first looking for merged ranges, and the stage starts
    // again if it has one.
    friend struct detail::SheetsAtOnce;
    bool sheets_at_once_ = false;
};

/// A streaming RFC 4180 CSV reader over a file.
class CsvReader {
public:
    /// Opens `path`; throws Error when it cannot be opened.
    CsvReader(const std::string& path, Encoding encoding = Encoding::utf8);
    ~CsvReader();
    CsvReader(CsvReader&&) noexcept;
    CsvReader& operator=(CsvReader&&) noexcept;

    /// Reads the next record into `fields` (views valid until the next call).
    /// Returns false at end of file. Throws Error on malformed input (bad UTF-8 or
    /// GBK, an unterminated quote), naming the line.
    bool next(std::vector<std::string_view>& fields);
    /// Line (1-based) where the last record returned by next() starts.
    std::uint32_t line() const;
    /// The bytes of the last record returned by next(), as decoded (UTF-8), quotes
    /// and line end included: every field's view that is not an unescaped copy
    /// (a quoted field with "") lies inside it. Valid until the next call.
    std::string_view record() const;
    const std::string& file() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Reads projects.csv rows into Project values (indicators left empty).
class ProjectReader {
public:
    /// Opens the file and maps its header; throws Error on a missing required column.
    ProjectReader(const std::string& path, const InputOptions& options = {});
    ~ProjectReader();
    ProjectReader(ProjectReader&&) noexcept;
    ProjectReader& operator=(ProjectReader&&) noexcept;

    /// Fills `out` with the next row. Returns false at end of file. A row with bad
    /// values adds Diagnostics to `problems` and returns true with `ok == false`.
    bool next(Project& out, bool& ok, std::vector<Diagnostic>& problems);
    /// Notices about the header (unknown columns ignored).
    const std::vector<Diagnostic>& notices() const;
    /// The file as messages name it: the path, or "book.xlsx!sheet" for a workbook.
    const std::string& file() const;
    /// Where line (CSV) or row (workbook sheet) `line` of this table is, for a message about it.
    SourceLocation where(std::uint32_t line) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Reads indicators.csv rows; each row names its project by id.
class IndicatorReader {
public:
    IndicatorReader(const std::string& path, const InputOptions& options = {});
    ~IndicatorReader();
    IndicatorReader(IndicatorReader&&) noexcept;
    IndicatorReader& operator=(IndicatorReader&&) noexcept;

    /// Fills `project_id` and `out` with the next row (out.source_line set).
    /// Returns false at end of file; a bad row adds Diagnostics and sets ok = false.
    bool next(std::string& project_id, Indicator& out, bool& ok, std::vector<Diagnostic>& problems);
    const std::vector<Diagnostic>& notices() const;
    const std::string& file() const;
    SourceLocation where(std::uint32_t line) const;

private:
    friend struct detail::IndicatorSplit; // next() in two steps, for reading on two threads (src/)
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Reads both files and joins them: every project with its indicators, in file
/// order. Throws Error listing every problem (unknown project ids, duplicates,
/// bad values). Holds everything in memory: for batch work use the streaming
/// readers or evaluate_files() (batch.hpp). An empty `indicators_csv` reads the
/// projects alone (their indicators empty), as `perfbudget assess` does.
std::vector<Project> read_projects(const std::string& projects_csv, const std::string& indicators_csv,
                                   const InputOptions& options = {});

/// Reads projects with their indicators from a YAML file (SPEC §3's YAML form, for
/// small cases and tests): a list of projects, each a map of the projects.csv
/// fields (project_id, name, department, budget, spent, and optionally
/// budget_kind, fund_source, category, year, goal) with `indicators:`, a list of
/// maps of the indicators.csv fields (level1, level2, name, direction, and
/// optionally target, actual, unit, weight, expected, likelihood,
/// last_year_actual). Values are written as in the CSV files and read by the same
/// rules. Parsed strictly like rule files (no aliases, no duplicate keys, size and
/// depth limits). Throws Error listing every problem with file:line:column.
std::vector<Project> read_projects_yaml(const std::string& path);
/// The same from text; `file_name` is used in messages and Project::source_line is its line.
std::vector<Project> read_projects_yaml_text(std::string_view yaml, const std::string& file_name);

/// Parses a date in strict YYYY-MM-DD form; nullopt otherwise.
[[nodiscard]] std::optional<Date> parse_date(std::string_view s);

} // namespace perfbudget
