// src/evaluate_engine.hpp — the scoring engine of evaluate.hpp, inline. INTERNAL:
// not installed. The library's own loops (evaluate() in src/evaluate.cpp, the
// streaming path of evaluate_files() in src/batch.cpp, monitoring) include this
// header and inline detail::score_indicator() and detail::finish_project(); the
// public score_indicator() and finish_project() are these compiled once
// (src/evaluate.cpp), so a program that includes evaluate.hpp compiles none of it.
//
// Also here: the custom steps' indicator aggregates (CustomAggregates,
// CustomAccumulator, CustomInput, the streaming form of apply_custom()) and the diagnostics of
// refused indicators and projects.
#pragma once

#include "completion_sum.hpp"
#include "perfbudget/evaluate.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace perfbudget {

namespace detail {

/// Rounds a Fraction with the rules' rounding (digits, mode).
inline Decimal round_part(const Fraction& f, const EvaluationRules::Rounding& r) { return f.rounded(r.digits, r.mode); }

inline const Decimal* number(const Measure& m) { return std::get_if<Decimal>(&m); }

inline Issue ratio_of_numbers(const Indicator& ind, const EvaluationRules& rules, IndicatorResult& out) {
    const Decimal* t = number(ind.target);
    const Decimal* a = number(ind.actual);
    if (!a) return std::holds_alternative<std::monostate>(ind.actual) ? Issue::missing_actual : Issue::wrong_measure;
    if (!t) return std::holds_alternative<std::monostate>(ind.target) ? Issue::missing_target : Issue::wrong_measure;
    if (t->units() < 0 || a->units() < 0) return Issue::negative_value;
    const std::int64_t tu = t->units(), au = a->units();
    switch (ind.direction) {
    case Direction::ge:
        if (tu == 0) {
            out.ratio_case = RatioCase::target_zero;
            out.ratio = Fraction::one();
        } else {
            out.ratio_case = RatioCase::ratio;
            out.ratio = Fraction::positive(au, tu);
        }
        break;
    case Direction::eq:
        if (tu == 0) {
            out.ratio_case = au == 0 ? RatioCase::eq_zero_met : RatioCase::eq_zero_missed;
            out.ratio = au == 0 ? Fraction::one() : Fraction::zero();
        } else {
            out.ratio_case = RatioCase::ratio;
            out.ratio = Fraction::positive(au, tu);
        }
        break;
    default: // le
        if (rules.le.formula == LeFormula::linear) {
            if (tu == 0) {
                out.ratio_case = au == 0 ? RatioCase::le_met : RatioCase::le_target_zero;
                out.ratio = au == 0 ? Fraction::one() : Fraction::zero();
            } else {
                out.ratio_case = RatioCase::le_linear;
                const std::int64_t n = 2 * tu - au; // 2 − a/t = (2t − a)/t; no overflow: both < 2^62
                out.ratio = n <= 0 ? Fraction::zero() : n >= tu ? Fraction::one() : Fraction::positive(n, tu);
            }
        } else if (au <= tu) {
            out.ratio_case = RatioCase::le_met;
            out.ratio = Fraction::one();
        } else if (tu == 0) {
            out.ratio_case = RatioCase::le_target_zero;
            out.ratio = Fraction::zero();
        } else {
            out.ratio_case = RatioCase::le_ratio;
            out.ratio = Fraction::positive(tu, au);
        }
        break;
    }
    return Issue::none;
}

inline Issue ratio_of_tier(const Indicator& ind, const EvaluationRules& rules, IndicatorResult& out) {
    const auto* q = std::get_if<QualRating>(&ind.actual);
    if (!q) return std::holds_alternative<std::monostate>(ind.actual) ? Issue::missing_actual : Issue::wrong_measure;
    const auto& tier = rules.qual.tiers[static_cast<std::size_t>(q->tier)];
    const std::optional<Decimal> percent = q->percent();
    if (!percent) {
        out.ratio_case = RatioCase::tier_default;
        out.ratio = Fraction::of(tier.fraction);
        return Issue::none;
    }
    const Decimal p = *percent;
    if (p < tier.min || p > tier.max || (p == tier.max && !tier.max_inclusive)) return Issue::tier_percent_out_of_range;
    out.ratio_case = RatioCase::tier_percent;
    out.ratio = Fraction::of(p);
    return Issue::none;
}

inline Issue ratio_of_dates(const Indicator& ind, const EvaluationRules& rules, IndicatorResult& out) {
    const auto* t = std::get_if<Date>(&ind.target);
    const auto* a = std::get_if<Date>(&ind.actual);
    if (!a) return std::holds_alternative<std::monostate>(ind.actual) ? Issue::missing_actual : Issue::wrong_measure;
    if (!t) return std::holds_alternative<std::monostate>(ind.target) ? Issue::missing_target : Issue::wrong_measure;
    if (*a <= *t) {
        out.ratio_case = RatioCase::on_time;
        out.ratio = Fraction::one();
        return Issue::none;
    }
    out.ratio_case = RatioCase::late;
    out.days_late = static_cast<std::int32_t>(days_between(*t, *a));
    out.periods = (out.days_late + rules.date.period_days - 1) / rules.date.period_days;
    const std::int64_t lost = rules.date.penalty.units() * out.periods; // penalty ≤ 1, periods < 2^31
    out.ratio = lost >= Decimal::one_units ? Fraction::zero() : Fraction::positive(Decimal::one_units - lost, Decimal::one_units);
    return Issue::none;
}

/// score_indicator(), inline (evaluate.hpp documents it).
[[nodiscard]] inline Issue score_indicator(const Indicator& ind, const RuleSet& rules, IndicatorResult& out) {
    const EvaluationRules& ev = rules.evaluation;
    if (!ind.weight) return Issue::missing_weight;
    if (ind.weight->units() < 0) return Issue::negative_weight;
    out.weight = *ind.weight;
    out.days_late = out.periods = 0;
    out.deduction = Decimal{};
    out.custom_adjustment = Decimal{};
    out.custom_fired = 0;
    Issue issue;
    switch (ind.direction) {
    case Direction::qual: issue = ratio_of_tier(ind, ev, out); break;
    case Direction::date: issue = ratio_of_dates(ind, ev, out); break;
    default: issue = ratio_of_numbers(ind, ev, out); break;
    }
    if (issue != Issue::none) return issue;

    // Capped: rc = min(r, cap); over-completion earns nothing extra.
    const Fraction cap = Fraction::of(ev.cap.max_ratio);
    out.capped = min(out.ratio, cap);
    // Optional over-completion deduction (ge/eq only): r ≥ threshold means the target was set too low.
    const auto& oc = ev.over_completion;
    if (oc.enabled && (ind.direction == Direction::ge || ind.direction == Direction::eq) &&
        out.ratio >= Fraction::of(oc.threshold)) {
        // The deduction is a rate like every rate of the rules: 6 decimals (half-up),
        // the figure the explanation shows. Applying exactly that figure also keeps
        // rc within 128 bits for any valid input (docs/decisions.md).
        Fraction share = oc.mode == OverCompletionMode::fixed ? Fraction::of(oc.deduction)
                                                              : oc.deduction * (out.ratio - Fraction::one());
        share = min(share, Fraction::one());
        out.deduction = share.rounded(Decimal::scale, RoundingMode::half_up);
        out.capped = out.capped * Fraction::positive(Decimal::one_units - out.deduction.units(), Decimal::one_units);
    }
    out.score = out.capped.times_rounded(out.weight, ev.rounding.apply == RoundApply::per_part ? ev.rounding.digits : Decimal::scale,
                                         ev.rounding.mode);
    return Issue::none;
}

/// finish_project(), inline (evaluate.hpp documents it).
[[nodiscard]] inline Issue finish_project(const ProjectFunds& funds, const ScoreAccumulator& acc, const RuleSet& rules,
                                          ProjectResult& out, const Number* exact_indicator_sum = nullptr) {
    const EvaluationRules& ev = rules.evaluation;
    if (funds.spent.fen() < 0) return Issue::spent_negative;
    out.level1_weight = acc.weight;
    out.level1_score = acc.score;
    out.level1_counts = acc.count;
    out.weight_total = acc.weight[0] + acc.weight[1] + acc.weight[2];
    out.indicator_score = acc.score[0] + acc.score[1] + acc.score[2];
    if (acc.count[0] + acc.count[1] + acc.count[2] == 0) return Issue::no_indicators;

    // 1. Budget execution: exec_score = points × min(spent / budget, 1).
    out.exec_applicable = funds.budget.fen() != 0;
    if (!out.exec_applicable) {
        if (ev.execution.zero_budget == ZeroBudget::error) return Issue::zero_budget;
        out.exec_rate = Fraction::zero();
        out.exec_exact = Fraction::zero();
        out.exec_score = Decimal{};
    } else {
        out.exec_rate = Fraction::of(funds.spent, funds.budget);
        const Fraction capped = min(out.exec_rate, Fraction::one());
        out.exec_exact = ev.execution.points * capped;
        out.exec_score = capped.times_rounded(
            ev.execution.points, ev.rounding.apply == RoundApply::per_part ? ev.rounding.digits : Decimal::scale, ev.rounding.mode);
    }

    // 2. Weights: indicator weights + execution points total 100, unless a level-1
    //    kind is missing and the rules allow rescaling to 100.
    const bool all_kinds = acc.count[0] && acc.count[1] && acc.count[2];
    const Decimal hundred = Decimal::whole(100);
    const Decimal declared = out.weight_total + ev.execution.points;
    if (!all_kinds && ev.weights.missing == MissingLevel1::error) return Issue::missing_level1;
    if (all_kinds && declared != hundred) return Issue::weights_not_100;
    if (!all_kinds && declared > hundred) return Issue::weights_over_100;
    out.split_differs = all_kinds && acc.weight != ev.weights.level1;
    out.applicable_points = out.weight_total + (out.exec_applicable ? ev.execution.points : Decimal{});
    out.rescaled = out.applicable_points != hundred;
    if (out.applicable_points.units() <= 0) return Issue::weights_not_100;

    // 3. Total: the exact sum of the rounded parts (or the exact parts, total_only),
    //    scaled to 100 when rescaled, rounded once.
    if (ev.rounding.apply == RoundApply::per_part) {
        const Decimal parts = out.exec_score + out.indicator_score;
        out.total = out.rescaled ? detail::round_part(hundred * Fraction::of(parts, out.applicable_points), ev.rounding)
                                 : parts;
    } else {
        Number exact = Number(out.exec_exact) + (exact_indicator_sum ? *exact_indicator_sum : Number::of(out.indicator_score));
        if (out.rescaled) exact = exact * Number::integer(100) / Number::of(out.applicable_points);
        out.total = exact.rounded(ev.rounding.digits, ev.rounding.mode);
    }

    // 4. Grade, then result application (结果应用).
    out.grade = rules.grades.grade_of(out.total);
    const ApplicationRules& app = rules.application;
    out.rectify = app.rectify.grades.contains(out.grade);
    out.priority = app.priority.grades.contains(out.grade);
    const Decimal cut_rate = out.grade < app.cut.rate_by_grade.size() ? app.cut.rate_by_grade[out.grade] : Decimal{};
    out.cut_rate = cut_rate;
    out.cut = funds.budget.times(cut_rate);
    const bool recovers = app.recover.grades.contains(out.grade) &&
                          app.recover.fund_sources[static_cast<std::size_t>(funds.fund_source)];
    out.recover = recovers && funds.budget > funds.spent ? funds.budget - funds.spent : Money{};
    out.accountability = false; // custom rules' fields: cleared so a reused result never shows stale ones
    out.adjustment = Decimal{};
    out.fired_count = 0;
    out.set_by = {};
    return Issue::none;
}

/// An indicator score_indicator() refused, placed at its line.
inline Diagnostic issue_diagnostic(Issue issue, std::string_view file, std::string_view id, const Indicator& ind) {
    auto [en, zh] = describe(issue);
    return Diagnostic{SourceLocation{std::string(file), ind.source_line, 0},
                      "project " + std::string(id) + ", indicator \"" + ind.name + "\": " + en,
                      "项目 " + std::string(id) + "，指标“" + ind.name + "”：" + zh};
}

/// A project finish_project() refused. A weight total is placed at the project's
/// first indicator line, where the weights are written, and gives the total that
/// was checked (indicator weights plus execution points); anything else is placed
/// at the project's line.
inline Diagnostic project_issue_diagnostic(Issue issue, const ProjectResult& r, const RuleSet& rules,
                                           const InputNames& files, std::string_view id, std::uint32_t project_line,
                                           std::uint32_t first_indicator_line) {
    auto [en, zh] = describe(issue);
    const bool weights = issue == Issue::weights_not_100 || issue == Issue::weights_over_100;
    if (weights) {
        const Decimal exec = rules.evaluation.execution.points;
        const std::string total = (r.weight_total + exec).to_string(), ind = r.weight_total.to_string();
        en += ": total " + total + " points (indicators " + ind + " + execution " + exec.to_string() + ")";
        zh += "，实际合计 " + total + " 分（指标 " + ind + " 分 + 预算执行率 " + exec.to_string() + " 分）";
    }
    return Diagnostic{SourceLocation{std::string(weights ? files.indicators : files.projects),
                                     weights ? first_indicator_line : project_line, 0},
                      "project " + std::string(id) + ": " + en, "项目 " + std::string(id) + "：" + zh};
}

/// The rules for `project`'s budget year (RuleBook::for_year), with a failure
/// placed at the project's line.
inline const RuleSet& rules_for(const Project& project, const RuleBook& book, std::string_view projects_file) {
    if (!book.dated()) return book.only();
    try {
        return book.for_year(project.year);
    } catch (const Error& e) {
        std::vector<Diagnostic> located;
        for (Diagnostic d : e.diagnostics()) {
            d.where = SourceLocation{std::string(projects_file), project.source_line, 0};
            d.en = "project " + project.id + ": " + d.en;
            d.zh = "项目 " + project.id + "：" + d.zh;
            located.push_back(std::move(d));
        }
        throw Error(std::move(located));
    }
}

} // namespace detail

/// The indicator aggregates custom steps read (custom::Slot indicators_count,
/// indicators_min_ratio, over_completed_count, completion), as apply_custom()
/// takes them: the counts by value, the rest where they are kept, null when no
/// step of the rules reads them.
struct CustomAggregates {
    std::uint32_t count = 0;                           // indicators added
    std::uint32_t over_completed = 0;                  // indicators with r ≥ evaluation.over_completion.threshold
    const Fraction* min_ratio = nullptr;               // the least capped ratio rc (read when count > 0)
    const detail::CompletionSum* completion = nullptr; // Σ weight × rc
};

namespace detail {

/// The counts of CustomAggregates.
struct CustomCounts {
    std::uint32_t count = 0;
    std::uint32_t over_completed = 0;
};

/// Where one project's aggregates are kept: null for those no step reads. The
/// streaming path keeps each kind in a vector of its own, made only when some
/// step reads it: a profile that reads only `completion` (Urumqi) keeps 40
/// bytes a project, not 112.
struct AggregatesAt {
    CustomCounts* counts = nullptr;      // when a step reads a count or the least ratio
    Fraction* min_ratio = nullptr;       // when a step reads the least ratio
    CompletionSum* completion = nullptr; // when a step reads completion
};

/// Adds indicator result `r` to the aggregates some step reads
/// (RuleSet::custom.reads); the rest are not touched. The one place both paths
/// add an indicator: evaluate() and the streaming path give the same results.
[[gnu::always_inline]] inline void add_to_aggregates(const AggregatesAt& at, const IndicatorResult& r,
                                                     const RuleSet& rules) {
    constexpr auto bit = [](custom::Slot s) { return std::uint32_t{1} << static_cast<unsigned>(s); };
    constexpr std::uint32_t counted = bit(custom::Slot::indicators_count) | bit(custom::Slot::indicators_min_ratio) |
                                      bit(custom::Slot::over_completed_count);
    const std::uint32_t reads = rules.custom.reads;
    if (reads & bit(custom::Slot::indicators_min_ratio))
        if (at.counts->count == 0 || r.capped < *at.min_ratio) *at.min_ratio = r.capped;
    if (reads & counted) ++at.counts->count;
    if (reads & bit(custom::Slot::over_completed_count))
        if (r.ratio >= Fraction::of(rules.evaluation.over_completion.threshold)) ++at.counts->over_completed;
    if (reads & bit(custom::Slot::completion)) at.completion->add(r.weight, r.capped);
}

} // namespace detail

/// Per-project aggregates of indicator results that custom steps read, all in
/// one place: added to like ScoreAccumulator, one indicator result at a time in
/// any order. evaluate() and custom_bindings() fill one from a project's results.
struct CustomAccumulator {
    Fraction min_ratio;               // the least capped ratio rc (when counts.count > 0)
    detail::CustomCounts counts;
    detail::CompletionSum completion; // Σ weight × rc

    /// Only what some step reads is summed (RuleSet::custom.reads); the rest stays 0.
    /// Inlined: for loops that run only with custom steps (apply_custom()'s).
    [[gnu::always_inline]] void add(const IndicatorResult& r, const RuleSet& rules) {
        detail::add_to_aggregates({&counts, &min_ratio, &completion}, r, rules);
    }

    CustomAggregates view() const { return {counts.count, counts.over_completed, &min_ratio, &completion}; }
};

/// The project fields custom steps read besides the indicator aggregates, as
/// views: the streaming path keeps these few fields instead of whole Projects.
struct CustomInput {
    std::string_view id; // for messages
    ProjectFunds funds;
    BudgetKind budget_kind = BudgetKind::general;
    std::string_view category;
    int year = 0; // 0 when absent
    Rectification rectification = Rectification::none;

    static CustomInput of(const Project& p) {
        return {p.id, {p.budget, p.spent, p.fund_source}, p.budget_kind, p.category, p.year.value_or(0), p.rectification};
    }
};

/// Runs the RuleSet's custom steps (decision tables and custom rules, custom_rules.hpp)
/// on a graded project: may adjust and re-grade the total and override cut,
/// rectify, priority, recover and accountability. Needs `out` as finish_project()
/// left it and the project's indicator aggregates (every indicator result added).
/// evaluate() and the streaming path of evaluate_files() call it when
/// `rules.custom` is not empty. Throws Error (naming the project and the rule's
/// file:line) when an expression fails at evaluation (division by zero, a cut
/// outside 0–100%, …).
void apply_custom(const CustomInput& project, const CustomAggregates& indicators, const RuleSet& rules,
                  ProjectResult& out);

} // namespace perfbudget
