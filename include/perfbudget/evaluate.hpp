// perfbudget/evaluate.hpp — the evaluate stage: year-end self-evaluation (绩效自评).
//
// Model + compiled rules in, result out (SPEC §4, grading, and §8 result
// application). evaluate() scores a Project held in memory. Underneath it are
// three steps, which a caller may also call one by one to stream indicator rows
// without holding a project's indicators in memory:
//
//   score_indicator()   one indicator → ratio r, capped rc, score      (pure)
//   ScoreAccumulator    adds indicator scores per level-1 kind          (64 bytes)
//   finish_project()    execution score, total, grade, cut, recovery
//
// and apply_custom() after finish_project() for a profile with custom steps
// (custom_rules.hpp).
//
// This header holds the types and declares the functions: the scoring code is
// compiled into the library (src/evaluate.cpp, src/evaluate_engine.hpp, where
// the library's own streaming loops inline it), so a program that includes this
// header compiles no scoring code.
//
// Every step takes one period of rules (a RuleSet). A loaded rule file is a
// RuleBook: take the period for the project's budget year with
// book.for_year(project.year), or call evaluate(project, book), which does.
//
// Nothing here allocates except the caller's ProjectResult::indicators vector
// (reused across calls) and the error path. Each result records which case of
// which rule fired, so explain.hpp can say why in Chinese or English.
#pragma once
#include "perfbudget/decimal.hpp"
#include "perfbudget/error.hpp"
#include "perfbudget/model.hpp"
#include "perfbudget/number.hpp"
#include "perfbudget/rules.hpp"

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perfbudget {

/// Which formula produced an indicator's completion ratio r.
enum class RatioCase : std::uint8_t {
    ratio,            // ge/eq: actual / target
    target_zero,      // ge: target 0 → 1
    le_met,           // le: actual ≤ target → 1
    le_ratio,         // le: target / actual
    le_linear,        // le (linear): 2 − actual / target, clipped to [0, 1]
    le_target_zero,   // le: target 0 and actual > 0 → 0
    eq_zero_met,      // eq: target 0 and actual 0 → 1
    eq_zero_missed,   // eq: target 0 and actual ≠ 0 → 0
    tier_default,     // qual: the tier's default share
    tier_percent,     // qual: the evaluator's percentage within the tier
    on_time,          // date: on or before the target date → 1
    late,             // date: 1 − penalty × ceil(days late / period), at least 0
};

/// Why an indicator (or project) cannot be scored with these rules. [[nodiscard]]:
/// score_indicator() and finish_project() report failure only by returning one.
enum class [[nodiscard]] Issue : std::uint8_t {
    none,
    missing_weight,         // no 分值
    negative_weight,
    missing_actual,         // no 实际完成值
    missing_target,         // no 年度指标值
    wrong_measure,          // e.g. a date where a number is expected
    negative_value,         // numeric targets and actuals are ≥ 0
    tier_percent_out_of_range,
    zero_budget,            // execution rate undefined and the rules say error
    missing_level1,         // no indicator of some level-1 kind and the rules say error
    weights_not_100,        // indicator weights + execution points ≠ 100
    weights_over_100,       // rescaling: weights + execution points > 100
    no_indicators,
    spent_negative,
};

/// The result for one indicator.
struct IndicatorResult {
    Fraction ratio;       // r, exact
    Fraction capped;      // rc = min(max(r, 0), cap), after any over-completion deduction
    Decimal score;        // rounded per the rounding rule (exact to 6 places in total_only mode)
    Decimal deduction;    // over-completion deduction as a share of the weight (0 when none)
    std::int32_t days_late = 0;
    std::int32_t periods = 0;
    Decimal weight;
    Decimal custom_adjustment;      // points indicator rules added to `score` (negative: deducted)
    std::uint32_t custom_fired = 0; // bit k: CustomRules::indicator_rules[k] fired on this indicator
    // Last, beside the other small field: 112 bytes instead of 128, no padding
    // inside (the reused results of evaluate_each() copy fewer bytes).
    RatioCase ratio_case = RatioCase::ratio;

    /// weight × rc, exact (computed on demand: explanations and total_only rounding).
    Fraction exact_score() const { return weight * capped; }
};

/// The result for one project.
struct ProjectResult {
    bool exec_applicable = true; // false: zero budget treated as not applicable
    Fraction exec_rate;          // spent / budget, exact
    Fraction exec_exact;         // points × min(exec_rate, 1), exact
    Decimal exec_score;
    std::array<Decimal, level1_count> level1_weight{};
    std::array<Decimal, level1_count> level1_score{};
    std::array<std::uint32_t, level1_count> level1_counts{};  // indicators per level-1 kind
    Decimal weight_total;        // Σ indicator weights
    Decimal indicator_score;     // Σ indicator scores
    Decimal applicable_points;   // 100, or less when rescaled
    bool rescaled = false;       // total = parts × 100 / applicable_points
    bool split_differs = false;  // level-1 weights differ from the rules' split (a notice)
    Decimal total;
    std::size_t grade = 0;       // index into RuleSet::grades
    bool rectify = false;
    bool priority = false;
    Money cut;
    Money recover;
    Decimal cut_rate;            // the cut as a share of the budget
    // Custom rules and decision tables (RuleSet::custom; all zero/false without them).
    bool accountability = false;  // 问责, set only by custom rules
    Decimal adjustment;           // points custom rules added to the total (negative: deducted)
    Decimal total_before_custom;  // the total before those adjustments
    std::uint16_t fired_count = 0; // rules and table rows that fired, all in `fired` (at most max_fired)
    std::array<custom::Fired, custom::max_fired> fired{};
    /// For cut, rectify, priority, recover, accountability (custom::Target order):
    /// 1 + the index of the custom step that set it last, or 0 when the national rule (results.*) stands.
    std::array<std::uint16_t, custom::flag_target_count> set_by{};
    std::uint32_t indicator_rules_fired = 0; // bit k: indicator rule k fired on some indicator
    std::vector<IndicatorResult> indicators; // evaluate() only; empty when streamed
};

/// Money and source of a project, all finish_project() needs besides the scores.
struct ProjectFunds {
    Money budget;
    Money spent;
    FundSource fund_source = FundSource::local;
};

/// A result's grade by name, from the rules it was computed with (ProjectResult::grade
/// is an index into them): grade_of(r, rules).id is "good", .zh "良", .en "good".
/// Throws std::out_of_range when `r` was not computed with `rules`' grade scale.
inline const GradeBand& grade_of(const ProjectResult& r, const RuleSet& rules) { return rules.grades.bands.at(r.grade); }

/// Per-project sums of indicator weights and (rounded) scores, by level-1 kind.
struct ScoreAccumulator {
    std::array<Decimal, level1_count> weight{};
    std::array<Decimal, level1_count> score{};
    std::array<std::uint32_t, level1_count> count{};

    void add(const Indicator& ind, const IndicatorResult& r) {
        const auto k = static_cast<std::size_t>(ind.level1);
        weight[k] += r.weight;
        score[k] += r.score;
        ++count[k];
    }
};

/// Scores one indicator. Returns Issue::none, or why it cannot be scored (out is then unspecified).
[[nodiscard]] Issue score_indicator(const Indicator& ind, const RuleSet& rules, IndicatorResult& out);

/// Completes a project's evaluation from its funds and accumulated indicator scores:
/// execution score, total (rescaled where the rules allow), grade and result
/// application. `exact_indicator_sum` is used only in total_only rounding mode
/// (the exact sum of the indicators' exact scores, a Number because a dozen
/// unrelated denominators overflow 128 bits). Returns why it cannot.
[[nodiscard]] Issue finish_project(const ProjectFunds& funds, const ScoreAccumulator& acc, const RuleSet& rules,
                                   ProjectResult& out, const Number* exact_indicator_sum = nullptr);

/// Runs the RuleSet's custom steps (decision tables and custom rules, custom_rules.hpp)
/// on a graded project held in memory, with the indicator aggregates taken from
/// `out.indicators` (one result per indicator of `project`): may adjust and
/// re-grade the total and override cut, rectify, priority, recover and
/// accountability. Needs `out` as finish_project() left it. evaluate() calls it
/// when `rules.custom` is not empty. Throws Error (naming the project and the
/// rule's file:line) when an expression fails at evaluation (division by zero, a
/// cut outside 0–100%, …).
void apply_custom(const Project& project, const RuleSet& rules, ProjectResult& out);

/// Runs the indicator rules (CustomRules::indicator_rules) on one scored
/// indicator: adds the adjustments of those whose `when` holds to r.score (each
/// rounded like a score; the score kept within [0, weight]) and records which
/// fired. evaluate() calls it for every indicator when there are indicator rules.
/// Throws Error naming the project, the indicator and the rule's file:line when
/// an expression fails.
void apply_indicator_rules(const Project& project, const Indicator& ind, const RuleSet& rules, IndicatorResult& r);

/// English and Chinese text for an issue, e.g. "indicator has no weight (分值)".
std::pair<std::string, std::string> describe(Issue issue);

/// The files a project and its indicators were read from, for messages.
struct InputNames {
    std::string_view projects;
    std::string_view indicators;
};

/// Evaluates a project held in memory with one period of rules. Reuses
/// out.indicators' capacity. Throws Error listing every problem (each naming the
/// project and, where known, its line).
void evaluate(const Project& project, const RuleSet& rules, ProjectResult& out, const InputNames& files = {});

/// The same with the period of `book` for the project's budget year
/// (RuleBook::for_year; a failure to find one is placed at the project's line).
void evaluate(const Project& project, const RuleBook& book, ProjectResult& out, const InputNames& files = {});

/// Convenience forms returning a fresh result.
inline ProjectResult evaluate(const Project& project, const RuleSet& rules) {
    ProjectResult r;
    evaluate(project, rules, r);
    return r;
}
inline ProjectResult evaluate(const Project& project, const RuleBook& book) {
    ProjectResult r;
    evaluate(project, book, r);
    return r;
}

/// Asks the processor to start fetching what scoring reads of `project`: the first
/// cache line of each indicator (model.hpp keeps the scored fields there). A hint:
/// no effect on any result. evaluate_each() calls it a few projects ahead.
inline void prefetch_for_scoring(const Project& project) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    for (const Indicator& ind : project.indicators) __builtin_prefetch(&ind);
#else
    (void)project;
#endif
}

/// How far ahead evaluate_each() prefetches: scoring a project takes 130–250 ns,
/// about one fetch from memory, so the lines asked for 4 projects ahead have arrived
/// when they are needed (4 to 8 measured the same, docs/decisions.md).
inline constexpr std::size_t prefetch_distance = 4;

/// Evaluates each project of `projects` in order with evaluate(project, rules, r,
/// files), handing `on_result(project, r)` every result. One ProjectResult is reused:
/// copy what you keep. The results are evaluate()'s; on a large batch held in memory
/// (100,000 projects, past the caches) it is about twice as fast as calling
/// evaluate() in a loop, because the indicators of the project `prefetch_distance`
/// places ahead are fetched while this one is scored. Stops at the first project
/// that cannot be evaluated, throwing evaluate()'s Error; the projects before it
/// have been handed on. `rules` is a RuleSet (one period for all) or a RuleBook
/// (each project's budget year).
template <class Rules, class OnResult>
    requires(std::same_as<Rules, RuleSet> || std::same_as<Rules, RuleBook>) &&
            std::invocable<OnResult&, const Project&, const ProjectResult&>
void evaluate_each(std::span<const Project> projects, const Rules& rules, OnResult&& on_result,
                   const InputNames& files = {}) {
    ProjectResult r;
    for (std::size_t i = 0; i < projects.size(); ++i) {
        if (i + prefetch_distance < projects.size()) prefetch_for_scoring(projects[i + prefetch_distance]);
        evaluate(projects[i], rules, r, files);
        on_result(projects[i], std::as_const(r));
    }
}

} // namespace perfbudget
