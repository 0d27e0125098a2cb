// The one output layer of the result tables of evaluate, monitor, review and
// assess (internal): each command formats its rows as CSV, as it always has, and
// hands them here; TableWriter writes them as they are (the default, for
// programs: not a byte changes and nothing is copied) or as people want them
// (TableStyle, MoneyUnit, OutputFormat::xlsx; docs/output.md): with a BOM, in
// GBK, with Chinese headers and the project-name column, money in 万元, or as a
// workbook with typed cells. What each column holds (text, money, rate, score,
// count, flag) and its Chinese header come from the column's identifier, so the
// commands need no table of their own.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/output.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget::detail {

/// The command whose table is written: a few identifiers mean different things
/// in different commands (evaluate's `cut` is money, the others' a rate).
enum class TableOf : std::uint8_t { evaluate, monitor, review, assess };

class TableWriter {
public:
    /// Writes into `out` (which the caller commits after finish()). `projects` is
    /// the projects file, named in the message of a row GBK cannot hold.
    TableWriter(OutputFile& out, OutputFormat format, const TableStyle& style, MoneyUnit unit, TableOf table,
                std::string projects);
    ~TableWriter();
    TableWriter(const TableWriter&) = delete;
    TableWriter& operator=(const TableWriter&) = delete;

    /// Whether rows carry the project's name (end_row's `name` is used).
    bool names() const;
    /// Whether rows go to the output as they are formatted (CSV for programs):
    /// row() is the output's buffer and end_row() only flushes it.
    bool passthrough() const { return passthrough_; }
    /// The header: the column identifiers, comma-separated, ending in '\n'.
    void header(std::string_view identifiers);
    /// Where to append the next row (CSV, ending in '\n'); then call end_row().
    std::string& row() { return passthrough_ ? out_.buffer() : line_; }
    /// Ends the row of the project `name` on line `line` of the projects file.
    void end_row(std::string_view name, std::uint32_t line);
    /// Completes the table: throws Error listing every row GBK cannot hold (then
    /// nothing is written), closes the workbook into the output.
    void finish();

private:
    struct Transform;
    OutputFile& out_;
    bool passthrough_;
    std::string line_;
    std::unique_ptr<Transform> transform_; // null when passthrough_
};

} // namespace perfbudget::detail
