// perfbudget/output.hpp — writing evaluate results as CSV or JSON (SPEC §11).
//
// CSV columns (header names exact): project_id, department, budget, spent,
// exec_rate, exec_score, indicator_score, total, grade, grade_label, rectify,
// priority, cut, recover, then `accountability` and `reasons` when the rules
// have custom steps, and `explanation` with --explain. Rates have 4
// decimals, money and scores 2, every rounding half-up; flags are 0/1.
// JSON writes exact numbers as strings ("85.32") so no consumer reads them as
// binary floating point; each project carries its indicators and explanation.
//
// OutputFile makes a failed run leave no output: it writes to a temporary file
// beside the target and renames it only on commit().
//
// TableStyle (with MoneyUnit and OutputFormat::xlsx) is the output for people who
// open it in Excel (SPEC §11, docs/output.md): a BOM, GBK, Chinese headers with a
// project-name column, money in 万元, or a workbook. Its defaults are the
// machine-facing CSV above, byte for byte.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/input.hpp"
#include "perfbudget/money_unit.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace perfbudget {

/// csv and xlsx are the same table (columns, rows); json keeps every detail.
enum class OutputFormat : std::uint8_t { csv, json, xlsx };

/// How the table of evaluate, monitor, review and assess is written for people
/// (CSV and xlsx; JSON keys and values never change). The defaults are the
/// machine-facing CSV: UTF-8 without a BOM, identifier headers, no name column.
struct TableStyle {
    /// A UTF-8 byte-order mark first (`--excel`): Excel on Chinese Windows reads
    /// UTF-8 without one as GBK and shows mojibake. Not with GBK (it has none).
    bool bom = false;
    /// The CSV's encoding (`--output-encoding gbk`). A character GBK cannot
    /// encode is an error naming the project's row; nothing is written then.
    Encoding encoding = Encoding::utf8;
    /// Chinese column headers (项目编号, 项目名称, 预算数…; docs/output.md), and
    /// the name column. The CLI sets it only for `--lang zh` on the command line
    /// (and for a workbook unless `--lang en`), never from the locale.
    bool chinese_headers = false;
    /// The project-name column (`name`, 项目名称) after project_id, also with
    /// identifier headers. Implied by chinese_headers and by xlsx.
    bool names = false;
};

/// Whether a table in `format` with `style` has the project-name column (then the
/// streaming paths keep each project's name: its bytes and 8 more per project).
constexpr bool table_has_names(OutputFormat format, const TableStyle& style) {
    return format == OutputFormat::xlsx || style.names || style.chinese_headers;
}

/// Appends the CSV header line. Rules with a `custom:` section add the columns
/// `accountability` (0/1) and `reasons` (ids of the custom rules and tables that
/// fired, `;`-separated); the national columns stay as they are.
/// (when some period of `book` has custom steps, every row has them).
void write_csv_header(std::string& out, bool with_explanation, const RuleBook& book);

/// Appends one CSV row for a project result of budget year `year`, with the
/// period of `book` the project was evaluated with (RuleBook::for_year).
/// `explanation` may be null.
void write_csv_row(std::string& out, std::string_view project_id, std::string_view department, const ProjectFunds& funds,
                   const ProjectResult& result, const RuleBook& book, std::optional<int> year, Lang lang,
                   const std::vector<ExplanationLine>* explanation = nullptr);

/// Appends one project as a JSON object (no trailing comma or newline), with the
/// period of `book` for the project's budget year.
void write_json_project(std::string& out, const Project& project, const ProjectResult& result, const RuleBook& book,
                        Lang lang);

/// Appends a CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
void append_csv_field(std::string& out, std::string_view text);
/// Appends `d` with `digits` decimals, half-up (digits ≤ 6).
void append_decimal(std::string& out, Decimal d, int digits);
/// Appends an amount with 2 decimals: 1234.50.
void append_money(std::string& out, Money m);
/// Appends a ratio as a decimal fraction with 4 places, half-up from the exact value: 0.8123.
void append_rate(std::string& out, const Fraction& f);

/// An output that appears only when the run succeeds: a temporary file renamed
/// into place on commit(), or standard output (buffered until commit) when the
/// path is empty or "-". Destroying it uncommitted removes the temporary file.
class OutputFile {
public:
    explicit OutputFile(std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    /// Appends text; flushes to the temporary file in large blocks.
    void write(std::string_view text);
    /// The append buffer, for writers that format in place; call flush_if_full() after.
    std::string& buffer() { return buffer_; }
    void flush_if_full();
    /// Makes the output visible (rename, or write to stdout). Throws Error on I/O failure.
    void commit();

private:
    void flush();
    [[noreturn]] void cannot_write(int err) const;
    std::string path_;
    std::string temp_;
    std::FILE* file_ = nullptr;
    std::string buffer_;
    bool committed_ = false;
};

} // namespace perfbudget
