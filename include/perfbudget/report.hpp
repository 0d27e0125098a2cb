// perfbudget/report.hpp — `perfbudget report`: the figures for leadership (SPEC §9).
//
// build_report() runs the stages over the files once each, feeding the roll-ups
// in the pass that produces the results: evaluation (EvaluationRollup, rollup.hpp)
// and, with an as-of date, monitoring (MonitorRollup, monitor.hpp); on request the
// target review of the same files (ReviewSummary, review.hpp) and the ex-ante
// assessment of an assessments.csv (AssessSummary, assess.hpp). It keeps sums,
// the flagged projects worth listing (a bounded number, the lowest scores first),
// the chart data and the footnotes on figures that rest on a rule value the rule
// file marks `[assumption]`. The writers turn a Report into JSON (SPEC §9's keys),
// Markdown or one self-contained HTML page (docs/report.md).
#pragma once

#include "perfbudget/assess.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/review.hpp"
#include "perfbudget/rollup.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace perfbudget {

enum class ReportFormat : std::uint8_t { json, markdown, html, xlsx };

/// The format an output path names by its extension (.json, .md/.markdown, .html/.htm, .xlsx); empty otherwise.
std::optional<ReportFormat> report_format_of_path(const std::string& path);



/// A project listed for rectification, a cut, a recovery or a warning.
struct ReportProject {
    std::size_t order = 0;          // position in the projects file (0-based)
    std::uint32_t line = 0;         // its line in the projects file
    std::string id, department;
    std::string name;               // listed projects only: read again from the projects file after the run
    Money budget, spent;
    Decimal total;                  // as reported
    std::size_t grade = 0;          // index into RollupSummary::grades
    bool rectify = false, failed = false;
    Money cut, recover;
    Decimal cut_rate;
    std::string reasons_zh, reasons_en; // the custom steps that fired, in their words
    std::optional<Light> light;     // with monitoring
    std::uint8_t monitor_reasons = 0; // bit k: MonitorRule k gave a non-green light
};

struct ReportOptions {
    EvaluateOptions files;          // projects, indicators, out, encoding, lang, year (format and explain unused)
    ReportFormat format = ReportFormat::markdown;
    std::optional<Date> as_of;      // adds monitoring as of this date
    bool review = false;            // adds the target review (绩效目标审核) of the same files' targets
    std::string assessments;        // adds the ex-ante assessment (事前绩效评估) of this assessments.csv
    std::size_t max_listed = 200;   // projects listed in Markdown and HTML (the lowest scores first)
    /// Called for every project, in the order of the projects file, in the
    /// evaluation pass (the workbook's project sheet), with its grade; valid during the call.
    std::function<void(const ReportProject&, const RollupGrade&)> each;
};

/// A figure's footnote: a rule value the rule file marks `[assumption]`.
struct ReportAssumption {
    std::string figure;   // "grades", "rectify", "cut", "recover", "custom", "warning", "criticise", "review", "assessment"
    std::string source;   // "rules/wuchang.yaml:44"
    std::string text;     // the rule file's words after [assumption]
};

/// Execution rate (x) against overall completion (y), counted in 5-point cells:
/// index min(floor(rate × 20), 20), so the last cell holds 100% and above.
inline constexpr std::size_t grid_cells = 21;

struct ReportMonitoring {
    Date as_of{};
    Fraction time_progress;          // of the as-of date's rules
    MonitorSummary summary;          // MonitorRollup's, as `perfbudget monitor --summary` writes it
    std::array<std::array<std::uint32_t, grid_cells>, grid_cells> grid{}; // [x][y]
    std::size_t not_plotted = 0;     // projects without an execution rate or completion
    bool deviation = false;          // the deviation rule is on: its threshold shades the chart
    Decimal deviation_threshold;
    Decimal yellow_below;            // the execution rule's yellow threshold (of v = exec / time progress)
    CountMoney mid_year_cut;         // cuts the monitoring custom steps recommended: projects and Σ amount (budget field)
};

struct Report {
    std::string rules_name;
    std::vector<std::string> rule_files;
    std::size_t indicators = 0;
    RollupSummary evaluation;
    std::optional<ReportMonitoring> monitoring;
    std::optional<ReviewSummary> review;       // with ReportOptions::review: per grade, admission, department
    std::optional<AssessSummary> assessment;   // with ReportOptions::assessments
    std::vector<ReportProject> listed;   // at most max_listed, the lowest totals first (ties: file order)
    std::size_t listed_total = 0;        // how many projects qualified
    std::size_t max_listed = 0;
    std::optional<Decimal> rectify_line; // the score below which projects rectify, when the rectify grades are the bottom bands
    std::optional<Decimal> criticise_above; // rollup.criticise's threshold, when the rule is on (apply_rollup_rules)
    std::vector<ReportAssumption> assumptions;
    std::vector<Diagnostic> notices;
    std::size_t notices_dropped = 0;
};

/// Evaluates (and with as_of monitors) the files and rolls them up. Throws Error
/// listing every problem, as evaluate_files() and monitor_files() do.
Report build_report(const ReportOptions& options, const RuleBook& rules);

/// SPEC §9's JSON: {"projects", "budget", "spent", "exec_rate", "mean_score",
/// "weighted_mean_score", "by_grade", "rectify", "cut", "recover", "departments": […]},
/// with monitoring "by_level" and "warning" at both levels; "review" and "assessment"
/// hold review_summary_json() and assess_summary_json() when those stages ran.
std::string report_json(const Report& report);
/// Markdown: the summary, a paragraph in the seed reports' style, the grade and
/// department tables, the listed projects and the footnotes.
std::string report_markdown(const Report& report, Lang lang);
/// One self-contained HTML page with inline SVG charts and a print stylesheet.
std::string report_html(const Report& report, Lang lang);

/// The workbook (.xlsx, Debian's libxlsxwriter) written to the file `path`: sheets
/// 汇总/Summary, 部门/Departments and 项目/Projects (every project, in file order),
/// numeric cells typed, money in yuan, frozen header rows, headers in options.files.lang.
Report report_xlsx(const ReportOptions& options, const RuleBook& rules, const std::string& path);

/// `perfbudget report`: build_report(), then writes options.files.out in
/// options.format (nothing on failure). Returns the report (for the stderr summary).
Report report_files(const ReportOptions& options, const RuleBook& rules);

/// The one-line stderr summary.
std::string report_summary_text(const Report& report, Lang lang);

} // namespace perfbudget
