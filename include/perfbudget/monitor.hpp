// perfbudget/monitor.hpp — the monitor stage: in-year monitoring (绩效运行监控,
// "双监控": budget execution and target progress), SPEC §5.
//
// As of a date, a project's execution rate is set against the time progress
// (序时进度) and each indicator's actual-to-date against its annual target; the
// rules of RuleSet::monitoring (monitoring_rules.hpp) give each a traffic light
// and the project the worst of them. A red or yellow project is a warning project
// (预警项目). Indicator completion `rc` is the evaluation's (evaluate.hpp), so the
// overall completion (总体完成率) is the one a year-end evaluation would start from.
//
//   time_progress()      as-of date → exact fraction of the year
//   monitor_project()    one project (held in memory) → MonitorResult (the per-indicator
//                        and finishing steps are the library's: src/monitor_engine.hpp)
//   explain_monitoring() why, in Chinese or English, citing each rule's file:line
//   monitor_files()      the `perfbudget monitor` command as a library call
#pragma once

#include "perfbudget/batch.hpp"
#include "perfbudget/department_review.hpp"
#include "perfbudget/detail/department_index.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/monitoring_rules.hpp"
#include "perfbudget/number.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace perfbudget {

/// 序时进度 as of `as_of`: months: (m − 1)/12 + (day / days in month)/12, so every
/// month end is m/12; days: day of year / days in year. Always in (0, 1].
Fraction time_progress(Date as_of, TimeProgressMethod method);

/// Which case of the pace rule gave an indicator its light.
enum class PaceCase : std::uint8_t {
    off,          // the pace rule is switched off
    ratio,        // ge/eq: v = actual / (target × time progress)
    target_zero,  // ge/eq: target 0 → green
    le_within,    // le: actual ≤ target → green
    le_over,      // le: actual > target → red
    tier,         // qual: the tier's light
    not_due,      // date: not done, as-of on or before the target date → green, not counted
    on_time,      // date: done on or before the target date → green
    overdue,      // date: not done and past due → red, counted as 0
    late,         // date: done after the target date → red
};

/// The monitoring result for one indicator.
struct IndicatorMonitor {
    bool counted = false;    // in the overall completion
    Fraction rc;             // capped completion ratio, as in evaluation (when counted)
    PaceCase pace_case = PaceCase::off;
    Fraction pace;           // v (PaceCase::ratio only)
    Light pace_light = Light::green;
    bool impossible = false; // likelihood `impossible` and the rule is on
    Light light = Light::green; // the worst of pace_light and the impossible rule's light
    std::int32_t days_late = 0; // PaceCase::late and overdue: days after the target date
};

/// The monitoring result for one project.
struct MonitorResult {
    Date as_of{};
    Fraction time_progress;
    bool exec_applicable = true; // false: budget 0, the execution rule (and deviation) does not apply
    Fraction exec_rate;          // spent / budget, exact
    Fraction exec_pace;          // v = exec_rate / time_progress
    std::uint32_t counted = 0;   // indicators counted in the completion
    bool weighted = false;       // completion weighted by 分值 (else a simple mean)
    bool has_completion = false; // false: no indicator counted (completion blank)
    Number completion;           // Σ(weight × rc) / Σ weight over the counted indicators
    bool deviation_applied = false;
    Number deviation;            // |exec_rate − completion| when applied
    std::array<Light, monitor_rule_count> rule_light{}; // the worst light each rule gave (MonitorRule order)
    Light level = Light::green;  // the worst of all
    MonitorAction action = MonitorAction::none;
    std::vector<IndicatorMonitor> indicators; // one per indicator of the project

    // Set by the rule file's monitoring custom steps (monitor_custom.hpp).
    bool has_cut = false;        // a step recommended a mid-year cut
    Decimal cut_rate;            // the share of the budget to cut (0–100%)
    Money cut;                   // budget × cut_rate, half-up to the fen
    bool action_set = false;     // a step set `action` (else the action is the light's)
    std::uint16_t cut_step = 0, action_step = 0; // the last step that set them, 1-based (0: none), for explanations
    std::uint16_t fired_count = 0; // rules and table rows that fired, in `fired`
    std::array<custom::Fired, custom::max_fired> fired{};

    /// 预警项目: red or yellow.
    bool warning() const { return level == Light::red || level == Light::yellow; }
    /// The rule gave a light other than green: it is one of the project's reasons.
    bool reason(MonitorRule r) const { return rule_light[static_cast<std::size_t>(r)] != Light::green; }
    /// Forgets what custom steps set (cut, action source, fired steps).
    void clear_custom() {
        has_cut = false;
        cut_rate = Decimal{};
        cut = Money{};
        action_set = false;
        cut_step = action_step = 0;
        fired_count = 0;
    }
};

/// Monitors a project held in memory as of `as_of` with one period's rules.
/// Reuses out.indicators' capacity. Throws Error listing every problem, each naming
/// the project and its file:line (missing or mistyped actual values, negative
/// values, a completion date after the as-of date, weights given for some
/// indicators only, a negative executed amount).
void monitor_project(const Project& project, Date as_of, const RuleSet& rules, MonitorResult& out,
                     const InputNames& files = {});

/// Convenience form returning a fresh result.
inline MonitorResult monitor_project(const Project& project, Date as_of, const RuleSet& rules) {
    MonitorResult r;
    monitor_project(project, as_of, rules, r);
    return r;
}

/// The reasons column: ids of the rules that gave a non-green light, `;`-separated.
std::string monitor_reasons(const MonitorResult& r);
/// The same, then the ids of the monitoring custom steps that fired, in order (a
/// table once, however many of its rows fired): "execution;deviation;mid_year_cut".
std::string monitor_reasons(const MonitorResult& r, const RuleSet& rules);
/// The ids of the monitoring custom steps that fired, in order, each once.
std::vector<std::string_view> monitor_custom_ids(const MonitorResult& r, const RuleSet& rules);
namespace detail {
/// monitor_reasons() appended to `out` (the CSV writer's form).
void append_monitor_reasons(std::string& out, const MonitorResult& r);
} // namespace detail

/// The three rates as the CSV writes them: 4 places, half-up; blank when not
/// applicable (exec_rate: budget 0; completion: no indicator counted). Shared by
/// the CSV writer and `perfbudget test`, so a test compares what the CSV shows.
struct MonitorRatesText {
    std::string time_progress, exec_rate, completion;
    std::string cut, cut_amount; // blank when no custom step recommended a cut; cut_amount in yuan, 2 places
};
MonitorRatesText monitor_rates_text(const MonitorResult& r);

/// Why: time progress, then for every reason the rule id, the values, the
/// thresholds and the rule's file:line, then the light and the action.
std::vector<ExplanationLine> explain_monitoring(const Project& project, const MonitorResult& r, const RuleSet& rules,
                                                Lang lang);

/// `perfbudget monitor`: the inputs and options of evaluate, and the as-of date.
struct MonitorOptions {
    EvaluateOptions files; // projects, indicators, out, encoding, format (csv|json), lang, year
    Date as_of{};
    std::string summary;   // --summary: the summary as JSON (monitor_summary_json); empty: none
};

/// Projects and money per light of a set of projects (the run, or one department),
/// and its warning projects (red or yellow). Money adds the per-project amounts as
/// the output reports them, exactly, so a column of the output adds up to its total.
struct MonitorTotals {
    std::size_t projects = 0;
    Money budget;
    Money spent;
    std::array<std::size_t, light_count> by_level{};
    std::array<Money, light_count> budget_by_level{};
    std::size_t warning_projects() const { return by_level[2] + by_level[3]; }
    Money warning_budget() const { return budget_by_level[2] + budget_by_level[3]; }
    /// Counts one project of the given light.
    void add(Money project_budget, Money project_spent, Light level);
    void add(const Project& p, Light level) { add(p.budget, p.spent, level); }
};

/// One department's totals.
struct DepartmentMonitor : MonitorTotals {
    std::string department;
};

/// The run's totals, and each department's in order of first appearance.
struct MonitorSummary : MonitorTotals {
    std::size_t indicators = 0;
    std::vector<DepartmentMonitor> departments;
    /// 部门整体绩效监控, in the departments' order: only when the as-of date is a
    /// review date of the rules (monitoring.department_review; docs/monitoring.md).
    std::vector<DepartmentReview> department_reviews;
    std::vector<Diagnostic> notices;
};

/// The monitoring summary as a sink (sink.hpp): add() each project's result, in the
/// order of the projects file; take() the totals and departments (in order of first
/// appearance). `indicators` and `notices` are left to the caller. monitor_files()
/// fills one in the pass that writes the output.
class MonitorRollup {
public:
    /// `review_departments`: also sum each department's review totals
    /// (DepartmentReviewTotals; only on a review date, since they cost per project).
    explicit MonitorRollup(bool review_departments = false) : review_(review_departments) {}
    void add(const ProjectView& project, const MonitorResult& result);
    /// Each department's review totals, in the departments' order (review_departments only).
    const std::vector<DepartmentReviewTotals>& review_totals() const { return review_totals_; }
    MonitorSummary take() { return std::move(summary_); }

private:
    bool review_;
    MonitorSummary summary_;
    std::vector<DepartmentReviewTotals> review_totals_;
    detail::DepartmentIndex index_;
};

/// The totals and departments of monitored projects (results[i] is projects[i]'s).
/// `indicators` and `notices` are left to the caller.
MonitorSummary monitor_summary(const std::vector<Project>& projects, const std::vector<MonitorResult>& results);

/// Monitors every project of the files and writes CSV (columns project_id,
/// department, budget, spent, time_progress, exec_rate, completion, level,
/// reasons, action) or JSON (with each indicator's light and the explanation).
/// Throws Error listing every problem; a failed run writes nothing (neither the
/// output nor the summary). The rules period of a project is that of its budget
/// year, else --year, else the as-of year.
/// Plain CSV streams (memory grows with the number of projects, not indicator
/// rows); JSON and options.files.in_memory read both files into memory. Same
/// results and the same problems on both paths. The table (CSV or OutputFormat::xlsx)
/// is styled by options.files.table and money_unit (output.hpp, docs/output.md).
MonitorSummary monitor_files(const MonitorOptions& options, const RuleBook& rules);

/// The same, handing each project's result to `sink` (sink.hpp) instead of
/// writing anything (options.files.out, format and options.summary are not used);
/// returns the summary. Streams (MonitorResult::indicators empty) unless
/// options.files.in_memory (then ProjectView::project is set and indicators filled).
MonitorSummary monitor_files(const MonitorOptions& options, const RuleBook& rules, const MonitorSink& sink);

/// The summary in seed 000's words: "预警项目 111 个，资金 12,349.20 万元", with the
/// projects and money of each light.
std::string monitor_summary_text(const MonitorSummary& s, Lang lang);

/// The summary as JSON (`--summary`), in SPEC §9's keys; counts as numbers, money
/// as strings in yuan with 2 places:
/// {"projects", "budget", "spent", "by_level": {green|blue|yellow|red: {"projects",
/// "budget"}}, "warning": {"projects", "budget"}, "departments": [{"department", …}]}.
std::string monitor_summary_json(const MonitorSummary& s);

} // namespace perfbudget
