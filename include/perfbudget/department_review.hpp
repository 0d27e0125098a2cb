// perfbudget/department_review.hpp — 部门整体绩效监控: a department's targets
// reviewed as a whole, as of a review date (seed 001, 昌吉市: "以每年6月底为节点，
// 全市各部门、单位…对本部门单位年度整体绩效目标实现程度进行监控").
//
// perfbudget has no department-level targets as input, so a department's whole-year
// target attainment is read from its projects, exactly:
//   execution  = Σ spent / Σ budget, v = execution / time progress, lit by the
//                project rule `monitoring.execution` (red_below, yellow_below);
//   completion = Σ (budget × completion) / Σ budget over the projects that have a
//                completion (a simple mean when all their budgets are 0),
//                v = completion / time progress, lit by the `monitoring.pace`
//                thresholds (red_below, yellow_below, blue_from);
//   level      = the worse of the two; action by `monitoring.actions`.
// Totals are summed per project as results arrive (DepartmentReviewTotals::add), so a
// streaming run needs no project list. monitor.hpp includes this header (a
// MonitorSummary holds the reviews); include monitor.hpp to call review_departments().
#pragma once

#include "perfbudget/explain.hpp"
#include "perfbudget/model.hpp"
#include "perfbudget/monitoring_rules.hpp"
#include "perfbudget/number.hpp"

#include <string>
#include <vector>

namespace perfbudget {

struct MonitorResult; // monitor.hpp, which includes this header (MonitorSummary holds reviews)

/// One department's sums, added project by project.
struct DepartmentReviewTotals {
    std::size_t projects = 0;
    Money budget, spent;
    std::size_t warning_projects = 0; // red or yellow projects
    Money warning_budget;
    std::size_t with_completion = 0;  // projects with a completion (an indicator counted)
    Money completion_budget;          // Σ budget over them
    Number completion_by_budget;      // Σ budget × completion over them (yuan)
    Number completion_sum;            // Σ completion over them (for the simple mean)

    void add(Money project_budget, Money project_spent, const MonitorResult& r);
};

/// The review of one department as of a date.
struct DepartmentReview {
    std::string department;
    DepartmentReviewTotals totals;
    Date as_of{};
    Fraction time_progress;
    bool exec_applicable = false; // Σ budget > 0
    Fraction exec_rate;           // Σ spent / Σ budget
    Fraction exec_pace;           // exec_rate / time_progress
    Light exec_light = Light::green;
    bool has_completion = false;  // some project has a completion
    bool budget_weighted = false; // false: every such budget is 0, a simple mean
    Number completion;
    Number completion_pace;       // completion / time_progress
    Light completion_light = Light::green;
    Light level = Light::green;   // the worse of exec_light and completion_light
    MonitorAction action = MonitorAction::none;

    bool warning() const { return level == Light::red || level == Light::yellow; }
};

/// Reviews a department from its totals with one period's rules (the as-of year's).
/// Does not check that `as_of` is a review date (is_department_review_date).
DepartmentReview review_department(std::string department, const DepartmentReviewTotals& totals, Date as_of,
                                   const RuleSet& rules);

/// Every department of monitored projects (results[i] is projects[i]'s), in order of
/// first appearance.
std::vector<DepartmentReview> review_departments(const std::vector<Project>& projects,
                                                 const std::vector<MonitorResult>& results, Date as_of,
                                                 const RuleSet& rules);

/// The review's CSV-style figures: 4 places half-up, blank when not applicable.
struct DepartmentReviewText {
    std::string time_progress, exec_rate, completion;
};
DepartmentReviewText department_review_text(const DepartmentReview& r);

/// Why: the sums, both lights with their thresholds and rule file:line, the action.
std::vector<ExplanationLine> explain_department_review(const DepartmentReview& r, const RuleSet& rules, Lang lang);

} // namespace perfbudget
