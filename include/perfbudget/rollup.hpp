// perfbudget/rollup.hpp — roll-up (汇总) of evaluation results, SPEC §9: per
// department and for the whole file, the figures the seed reports count by hand
// ("自评项目834项…审核评分平均89.13分", "低于80分（不含）的项目120个，涉及资金12,309.00万元",
// "调减24家单位39个预算项目").
//
// EvaluationRollup is an EvaluateSink (sink.hpp): it takes results one by one, in
// the pass that produces them, and keeps only sums (nothing per project):
//
//   EvaluationRollup rollup;
//   evaluate_files(options, book, rollup.sink());   // or rollup.add(view, result) yourself
//   const RollupSummary& s = rollup.summary();
//   s.mean_score();  s.departments[0].failed_share();
//
// Monitoring's roll-up is MonitorRollup (monitor.hpp), filled by monitor_files().
//
// Every sum is exact. Money adds the per-project amounts as the project table
// reports them (fen), so a column adds up to its total; the mean scores add the
// totals as reported (rounded to the rules' digits). Rates and means are exact
// quotients of those sums, rounded once, half-up, only when they are shown.
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/detail/department_index.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/number.hpp"
#include "perfbudget/rules.hpp"
#include "perfbudget/sink.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace perfbudget {

/// A number of projects and the budget they hold.
struct CountMoney {
    std::size_t projects = 0;
    Money budget;
    void add(Money b) {
        ++projects;
        budget += b;
    }
};

/// Score histogram bins: [0, 10), [10, 20), … [80, 90), [90, 100] (the top bin holds 100).
inline constexpr std::size_t score_bins = 10;

/// The evaluation figures of a set of projects (the file, or one department).
struct RollupTotals {
    std::size_t projects = 0;
    Money budget;                  // Σ budget
    Money spent;                   // Σ spent
    Decimal total_sum;             // Σ total, each as reported (rounded to the rules' digits)
    Number weighted_sum;           // Σ budget (yuan) × total
    std::vector<CountMoney> by_grade; // per grade of RollupSummary::grades (may be shorter: missing = 0)
    CountMoney rectify;            // projects flagged 限期整改 (the rectify column: grade or a custom step)
    CountMoney failed;             // below the rectification line: grade in results.rectify.grades
    std::size_t cut_projects = 0;  // projects with a next-year cut > 0
    Money cut;                     // Σ cut
    std::size_t recover_projects = 0; // projects with funds recovered > 0
    Money recover;                 // Σ recover
    std::array<std::size_t, score_bins> histogram{}; // projects per 10-point bin of their total

    /// Σ spent / Σ budget, exact; empty when Σ budget is 0.
    std::optional<Fraction> exec_rate() const;
    /// The mean of the reported totals, exact; empty without projects.
    std::optional<Number> mean_score() const;
    /// Σ budget × total / Σ budget, exact; empty when Σ budget is 0.
    std::optional<Number> weighted_mean_score() const;
    /// 部门因素 (seed 000: "以部分（单位）项目自评不合格率计算分数"): the share of the
    /// projects below the rectification line, failed / projects, exact; empty without projects.
    std::optional<Fraction> failed_share() const;
    /// Projects of grade `g` (0 when none).
    CountMoney grade(std::size_t g) const { return g < by_grade.size() ? by_grade[g] : CountMoney{}; }

    /// Adds one project: its funds, reported total, grade (index into the roll-up's
    /// grades), whether it is below the rectification line, and its result application.
    void add(Money budget, Money spent, Decimal total, std::size_t grade, bool failed, const ProjectResult& r);
};

/// One department's figures.
struct DepartmentRollup : RollupTotals {
    std::string department;
    bool criticised = false; // 通报批评 by the rules' rollup.criticise (apply_rollup_rules)
};

/// A grade of the roll-up: the scale of the rules the projects were graded with
/// (grades of other periods with other ids are appended).
struct RollupGrade {
    std::string id, zh, en;
    Decimal from, to; // the band, for charts
};

/// The whole file's figures, and each department's in order of first appearance.
struct RollupSummary : RollupTotals {
    std::vector<RollupGrade> grades;
    std::vector<DepartmentRollup> departments;
    /// Departments with at least one project cut (seed 000: "调减24家单位39个预算项目").
    std::size_t departments_with_cut() const;
    /// Departments criticised (DepartmentRollup::criticised).
    std::size_t departments_criticised() const;
};

/// Applies the rules' `rollup:` section to each department once the roll-up is
/// complete: with `criticise` on, a department whose failed share is above
/// `failed_share_above` (strictly, exact) is criticised (通报批评).
void apply_rollup_rules(RollupSummary& summary, const RuleSet& rules);

/// The evaluation roll-up as a sink (sink.hpp): add() each project's result in the
/// order of the projects file.
class EvaluationRollup {
public:
    /// `scale`: rules whose grade scale the summary lists even before (or without)
    /// any project, e.g. the latest period of the run's rules; null: the first project's.
    explicit EvaluationRollup(const RuleSet* scale = nullptr) {
        if (scale) (void)grade_index(*scale, 0);
    }
    void add(const ProjectView& project, const ProjectResult& result);
    /// A sink that adds to this roll-up (which must outlive it).
    EvaluateSink sink() {
        return [this](const ProjectView& p, const ProjectResult& r) { add(p, r); };
    }
    const RollupSummary& summary() const { return summary_; }
    RollupSummary take() { return std::move(summary_); }
    /// The index into summary().grades of grade `grade` of the period `rules` (added when new).
    std::size_t grade_index(const RuleSet& rules, std::size_t grade);

private:
    RollupSummary summary_;
    detail::DepartmentIndex index_;
    const RuleSet* mapped_ = nullptr; // the period grade_map_ maps
    std::vector<std::size_t> grade_map_; // its grade index → summary_.grades index
};

/// The histogram bin of a total: floor(total / 10), the top bin holding 100 (and above).
std::size_t score_bin(Decimal total);

} // namespace perfbudget
