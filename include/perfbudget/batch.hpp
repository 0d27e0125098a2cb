// perfbudget/batch.hpp — scoring whole CSV exports, as `perfbudget evaluate` does.
//
// evaluate_files() is the CLI's evaluate command as a library call: read
// projects.csv, stream indicators.csv, score, write CSV or JSON. For plain CSV
// output it streams: projects are kept compactly (ids, funds and 64 bytes of
// score sums each) while indicator rows are scored as they are read, in any
// order, so memory grows with the number of projects, not indicator rows.
// Custom steps (custom_rules.hpp) stream too: indicator rules adjust each row's
// score as it is read, and the steps' indicator aggregates are summed as rows
// arrive (CustomAccumulator), with a few project fields kept beside the sums.
// Rules with values by year stream too: each kept project remembers its period.
// JSON, --explain and the total_only rounding mode need every indicator's result
// and use the in-memory path (read_projects + evaluate). Both paths use the same
// score_indicator / apply_indicator_rules / CustomAccumulator / finish_project /
// apply_custom code. The workbook (OutputFormat::xlsx) and every TableStyle
// stream as plain CSV does.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/input.hpp"
#include "perfbudget/output.hpp"
#include "perfbudget/rules.hpp"
#include "perfbudget/sink.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget {

struct EvaluateOptions : InputOptions { // and the input options (input.hpp)
    std::string projects;   ///< projects.csv
    std::string indicators; ///< indicators.csv
    std::string out;        ///< output file; empty or "-" for standard output
    OutputFormat format = OutputFormat::csv;
    Lang lang = Lang::zh;
    bool explain = false;
    std::size_t max_problems = 1000; ///< problems listed before "and N more"
    /// Read both files into memory even for plain CSV output (the path JSON and
    /// --explain take). Same results; for tests and comparisons.
    bool in_memory = false;
    /// The indicator rows come grouped by project, in projects.csv's order (the
    /// usual export; `--ordered`): the files are then read side by side and only
    /// the current project is kept, so memory stays flat however many projects
    /// (repeated ids are found through a temporary file in TMPDIR). A row whose
    /// project is not ahead in projects.csv stops the run with an error naming it.
    /// Same results as without. Not used by the in-memory path (JSON, --explain).
    bool ordered = false;
    // Threads (`--threads N`): InputOptions::threads.
    /// The budget year (预算年度) of projects whose `year` cell is empty or absent
    /// (`--year`). Rules with values by year pick each project's values by it.
    std::optional<int> year;
    /// The table for people (CSV with a BOM or in GBK, Chinese headers, names;
    /// the workbook with OutputFormat::xlsx); the default is the CSV for programs.
    /// With InputOptions::money_unit (`--money-unit wan`) the table's money columns
    /// are in 万元 too (JSON stays in yuan).
    TableStyle table;
};

struct BatchSummary {
    std::size_t projects = 0;
    std::size_t indicators = 0;
    std::vector<Diagnostic> notices; ///< unknown columns, level-1 splits that differ…
    std::size_t notices_dropped = 0;
};

/// Options that cannot be carried out as given: bad usage, not bad data (the
/// CLI exits 2). An Error, so callers that catch Error still see it.
class OptionsError : public Error {
public:
    using Error::Error;
};

/// Scores the files with `rules` and writes the results. Throws Error listing
/// every problem (with file and line); on failure no output is written. Throws
/// OptionsError, before reading anything, when the output file is one of the
/// inputs (the same path, or another name for the same file: a symbolic or hard link).
/// The table (CSV or OutputFormat::xlsx) is styled by options.table and money_unit
/// (output.hpp, docs/output.md); JSON is never styled.
BatchSummary evaluate_files(const EvaluateOptions& options, const RuleBook& rules);

/// The same, handing each project's result to `sink` (sink.hpp) instead of
/// writing: options.out, format and explain are not used. Streams unless
/// options.in_memory or the rules need every indicator's result (ProjectView::project
/// is then set and ProjectResult::indicators filled).
BatchSummary evaluate_files(const EvaluateOptions& options, const RuleBook& rules, const EvaluateSink& sink);

/// Throws OptionsError when the output file is one of the inputs (evaluate_files'
/// first check; other commands reading the same inputs make it too).
void check_output_not_input(const EvaluateOptions& options);
/// The same for another file a command writes (`what`: "summary", "汇总").
void check_output_not_input(const EvaluateOptions& options, const std::string& path, std::string_view what_en,
                            std::string_view what_zh);

} // namespace perfbudget
