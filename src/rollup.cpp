// The evaluation roll-up (rollup.hpp): sums per department and for the file.
#include "perfbudget/rollup.hpp"

#include <algorithm>

namespace perfbudget {

std::size_t score_bin(Decimal total) {
    if (total.units() <= 0) return 0;
    const std::int64_t bin = total.units() / Decimal::whole(10).units();
    return static_cast<std::size_t>(std::min<std::int64_t>(bin, score_bins - 1));
}

void RollupTotals::add(Money b, Money s, Decimal total, std::size_t g, bool below_line, const ProjectResult& r) {
    ++projects;
    budget += b;
    spent += s;
    total_sum += total;
    weighted_sum += Number::of(b) * Number::of(total);
    if (by_grade.size() <= g) by_grade.resize(g + 1);
    by_grade[g].add(b);
    if (r.rectify) rectify.add(b);
    if (below_line) failed.add(b);
    if (r.cut.fen() != 0) ++cut_projects;
    cut += r.cut;
    if (r.recover.fen() != 0) ++recover_projects;
    recover += r.recover;
    ++histogram[score_bin(total)];
}

std::optional<Fraction> RollupTotals::exec_rate() const {
    if (budget.fen() == 0) return std::nullopt;
    return Fraction::of(spent, budget);
}

std::optional<Number> RollupTotals::mean_score() const {
    if (projects == 0) return std::nullopt;
    return Number::of(total_sum) / Number::integer(static_cast<std::int64_t>(projects));
}

std::optional<Number> RollupTotals::weighted_mean_score() const {
    if (budget.fen() == 0) return std::nullopt;
    return weighted_sum / Number::of(budget);
}

std::optional<Fraction> RollupTotals::failed_share() const {
    if (projects == 0) return std::nullopt;
    return Fraction::positive(static_cast<std::int64_t>(failed.projects), static_cast<std::int64_t>(projects));
}

std::size_t RollupSummary::departments_with_cut() const {
    return static_cast<std::size_t>(
        std::count_if(departments.begin(), departments.end(), [](const DepartmentRollup& d) { return d.cut_projects > 0; }));
}

std::size_t RollupSummary::departments_criticised() const {
    return static_cast<std::size_t>(
        std::count_if(departments.begin(), departments.end(), [](const DepartmentRollup& d) { return d.criticised; }));
}

void apply_rollup_rules(RollupSummary& summary, const RuleSet& rules) {
    const RollupRules::Criticise& c = rules.rollup.criticise;
    for (DepartmentRollup& d : summary.departments) {
        const std::optional<Fraction> share = d.failed_share();
        d.criticised = c.enabled && share && *share > Fraction::of(c.failed_share_above);
    }
}

std::size_t EvaluationRollup::grade_index(const RuleSet& rules, std::size_t grade) {
    if (mapped_ != &rules) { // a period's grades, by id, onto the roll-up's (usually one period: once)
        mapped_ = &rules;
        grade_map_.clear();
        for (const GradeBand& band : rules.grades.bands) {
            auto it = std::find_if(summary_.grades.begin(), summary_.grades.end(),
                                   [&](const RollupGrade& g) { return g.id == band.id; });
            if (it == summary_.grades.end()) {
                summary_.grades.push_back({band.id, band.zh, band.en, band.from, band.to});
                it = summary_.grades.end() - 1;
            }
            grade_map_.push_back(static_cast<std::size_t>(it - summary_.grades.begin()));
        }
    }
    return grade_map_.empty() ? 0 : grade_map_[grade];
}

void EvaluationRollup::add(const ProjectView& p, const ProjectResult& r) {
    const RuleSet& rules = *p.rules;
    const Decimal total = r.total.rounded(rules.evaluation.rounding.digits, RoundingMode::half_up); // as reported
    const std::size_t g = grade_index(rules, r.grade);
    const bool below_line = rules.application.rectify.grades.contains(r.grade);
    summary_.add(p.funds.budget, p.funds.spent, total, g, below_line, r);
    const std::size_t d = index_.find_or_add(summary_.departments, p.department);
    summary_.departments[d].add(p.funds.budget, p.funds.spent, total, g, below_line, r);
}

} // namespace perfbudget
