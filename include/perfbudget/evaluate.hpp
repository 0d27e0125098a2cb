// perfbudget/evaluate.hpp — the evaluate stage: year-end self-evaluation (绩效自评).
//
// Model + compiled rules in, result out (SPEC §4, grading, and §8 result
// application). The stage is three steps so that a caller can stream indicator
// rows without holding a project's indicators in memory:
//
//   score_indicator()   one indicator → ratio r, capped rc, score      (pure)
//   ScoreAccumulator    adds indicator scores per level-1 kind          (64 bytes)
//   finish_project()    execution score, total, grade, cut, recovery
//
// and, for a profile with custom steps (custom_rules.hpp), CustomAccumulator
// beside ScoreAccumulator (the indicator aggregates the steps read) and
// apply_custom() after finish_project().
//
// Every step takes one period of rules (a RuleSet). A loaded rule file is a
// RuleBook: take the period for the project's budget year with
// book.for_year(project.year), or call evaluate(project, book), which does.
//
// evaluate() runs all three for a Project held in memory. Nothing here allocates
// except the caller's ProjectResult::indicators vector (reused across calls) and
// the error path. Each result records which case of which rule fired, so
// explain.hpp can say why in Chinese or English.
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/error.hpp"
#include "perfbudget/model.hpp"
#include "perfbudget/number.hpp"
#include "perfbudget/rules.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
    RatioCase ratio_case = RatioCase::ratio;
    Fraction ratio;       // r, exact
    Fraction capped;      // rc = min(max(r, 0), cap), after any over-completion deduction
    Decimal score;        // rounded per the rounding rule (exact to 6 places in total_only mode)
    Decimal deduction;    // over-completion deduction as a share of the weight (0 when none)
    std::int32_t days_late = 0;
    std::int32_t periods = 0;
    Decimal weight;
    Decimal custom_adjustment;      // points indicator rules added to `score` (negative: deducted)
    std::uint32_t custom_fired = 0; // bit k: CustomRules::indicator_rules[k] fired on this indicator

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

} // namespace detail

/// Scores one indicator. Returns Issue::none, or why it cannot be scored (out is then unspecified).
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
    case Direction::qual: issue = detail::ratio_of_tier(ind, ev, out); break;
    case Direction::date: issue = detail::ratio_of_dates(ind, ev, out); break;
    default: issue = detail::ratio_of_numbers(ind, ev, out); break;
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

namespace detail {

// --- exact Σ weight × rc without a gcd per term (the `completion` custom slot) ----

using uint128 = uint128_native;

inline int countr_zero(uint128 v) {
    const auto low = static_cast<std::uint64_t>(v);
    return low != 0 ? std::countr_zero(low) : 64 + std::countr_zero(static_cast<std::uint64_t>(v >> 64));
}

/// m⁻¹ modulo 2^bits for odd m (Newton's iteration doubles the correct bits each step).
template <class U>
constexpr U odd_inverse(U m) {
    U x = m; // correct to 3 bits
    for (int i = 0; i < 7; ++i) x *= U(2) - m * x;
    return x;
}

/// Divides a and b by the odd m when it divides both. For odd m, x is a multiple of
/// m exactly when x × m⁻¹ (mod 2^bits) ≤ max / m, and that product is then x / m:
/// two multiplications instead of two divisions, and a select instead of a branch
/// (whether a term has 5^k in common is data, and mispredicted branches cost more
/// than the multiplications).
template <class U, U m>
inline void divide_both(U& a, U& b) {
    constexpr U inv = odd_inverse(m);
    constexpr U limit = std::numeric_limits<U>::max() / m;
    const U x = a * inv, y = b * inv;
    const bool both = (x <= limit) & (y <= limit);
    a = both ? x : a;
    b = both ? y : b;
}

/// Removes the factors 2 and up to 5^11 common to a and b (b > 0). Indicator
/// values are decimals, so a ratio such as 93.45% / 95% arrives as 934500 / 950000:
/// 10^4 in both terms. Without these factors a project's denominators multiply to
/// well within 128 bits (measured: all but 34 of 100,000 generated projects); with
/// them three or four already overflow. Far cheaper than a gcd; a factor left in
/// place only makes the fraction larger, never inexact.
template <class U>
inline void strip_2_5(U& a, U& b) {
    int twos;
    if constexpr (sizeof(U) == 8) twos = std::countr_zero(a | b);
    else twos = countr_zero(a | b);
    a >>= twos;
    b >>= twos;
    divide_both<U, 625>(a, b); // 5^k for every k ≤ 11 = 4 + 4 + 2 + 1
    divide_both<U, 625>(a, b);
    divide_both<U, 25>(a, b);
    divide_both<U, 5>(a, b);
}

/// a × b; false when it overflows.
inline bool mul(uint128 a, uint128 b, uint128& out) {
    if ((a >> 64) == 0 && (b >> 64) == 0) {
        out = a * b;
        return true;
    }
    return !__builtin_mul_overflow(a, b, &out);
}

/// Σ weight × rc over a project's indicators, exact. Kept as one unreduced
/// fraction num/den in 128 bits: a term whose denominator (after strip_2_5) is
/// already den's adds to num; otherwise den is multiplied by it. No gcd: reducing
/// each term cost more than scoring the indicator. When a term would overflow 128
/// bits the sum moves, for good, to a NumberSum (number.hpp: arbitrary
/// precision, rare: a project of many unrelated targets).
class CompletionSum {
public:
    CompletionSum() = default;
    CompletionSum(CompletionSum&&) noexcept = default;
    CompletionSum& operator=(CompletionSum&&) noexcept = default;

    /// Adds weight × rc; weight ≥ 0 and rc ≥ 0 (score_indicator guarantees both).
    void add(Decimal weight, const Fraction& rc) {
        const int128_native rn = rc.num().native(), rd = rc.den().native();
        const std::int64_t w = weight.units();
        if (rn <= 0 || w <= 0) return; // adds nothing
        // Ratios of two indicator values fit 64 bits; 128-bit ones (after an
        // over-completion deduction) and the exact mode take the slower path.
        if (wide_ || (rn >> 63) != 0 || (rd >> 63) != 0) return add_slow(weight, rc);
        auto n = static_cast<std::uint64_t>(rn), d = static_cast<std::uint64_t>(rd);
        if (n == d) n = d = 1; // rc = 1: every met target (half of them, in generated data)
        else strip_2_5(n, d);
        add_term(static_cast<uint128>(w) * n, d, weight, rc); // w × n < 2^126
    }

    /// The sum divided by `total` (> 0), exact. Defined in src/custom.cpp.
    Number over(Decimal total) const;

private:
    /// num/den + term/d = (num × d + term × den) / (den × d), or num + term when
    /// the denominators agree; the exact mode when 128 bits do not suffice.
    void add_term(uint128 term, uint128 d, Decimal weight, const Fraction& rc) {
        uint128 num = get(num_), den = get(den_), a, b;
        if (d == den) {
            if (__builtin_add_overflow(num, term, &a)) return add_exact(weight, rc);
            put(num_, a);
            return;
        }
        if (!mul(num, d, a) || !mul(term, den, b) || !mul(den, d, den) || __builtin_add_overflow(a, b, &a))
            return add_exact(weight, rc);
        put(num_, a);
        put(den_, den);
    }
    void add_slow(Decimal weight, const Fraction& rc);  // src/custom.cpp
    void add_exact(Decimal weight, const Fraction& rc); // src/custom.cpp

    // Kept as 64-bit halves: GCC copies a stored __int128 with one 16-byte load,
    // which stalls on the two 8-byte stores that wrote it (measured: a fifth of
    // the time of add()).
    using halves = std::array<std::uint64_t, 2>;
    static uint128 get(const halves& h) { return static_cast<uint128>(h[1]) << 64 | h[0]; }
    static void put(halves& h, uint128 v) { h = {static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(v >> 64)}; }

    halves num_{0, 0};
    halves den_{1, 0};
    // The sum in weight units once 128 bits did not suffice. A pointer: the
    // streaming path keeps one CompletionSum per project, and a NumberSum in
    // place would add 100 bytes to each of them (160 MB for 1M projects).
    std::unique_ptr<NumberSum> wide_;
};

} // namespace detail

/// Per-project aggregates of indicator results that custom steps read
/// (custom::Slot indicators_count, indicators_min_ratio, over_completed_count,
/// completion). Added to like ScoreAccumulator, one indicator result at a time in
/// any order, so the streaming path can run custom steps without keeping the
/// indicators; evaluate() fills one the same way.
struct CustomAccumulator {
    Fraction min_ratio;               // the least capped ratio rc (when count > 0)
    std::uint32_t count = 0;          // indicators added
    std::uint32_t over_completed = 0; // indicators with r ≥ evaluation.over_completion.threshold
    detail::CompletionSum completion; // Σ weight × rc; filled only when a step reads `completion`

    /// Only what some step reads is summed (RuleSet::custom.reads); the rest stays 0.
    /// Not inlined: inlined into the scoring loops (where it runs only for
    /// profiles with custom steps) it made the national rules 20 % slower.
    [[gnu::noinline]] void add(const IndicatorResult& r, const RuleSet& rules) { add_inline(r, rules); }

    /// add(), inlined: for loops that run only with custom steps (apply_custom()'s).
    [[gnu::always_inline]] void add_inline(const IndicatorResult& r, const RuleSet& rules) {
        const std::uint32_t reads = rules.custom.reads;
        if (reads & bit(custom::Slot::indicators_min_ratio))
            if (count == 0 || r.capped < min_ratio) min_ratio = r.capped;
        ++count;
        if (reads & bit(custom::Slot::over_completed_count))
            if (r.ratio >= Fraction::of(rules.evaluation.over_completion.threshold)) ++over_completed;
        if (reads & bit(custom::Slot::completion)) completion.add(r.weight, r.capped);
    }

private:
    static constexpr std::uint32_t bit(custom::Slot s) { return std::uint32_t{1} << static_cast<unsigned>(s); }
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

/// Completes a project's evaluation from its funds and accumulated indicator scores:
/// execution score, total (rescaled where the rules allow), grade and result
/// application. `exact_indicator_sum` is used only in total_only rounding mode
/// (the exact sum of the indicators' exact scores, a Number because a dozen
/// unrelated denominators overflow 128 bits). Returns why it cannot.
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

/// Runs the RuleSet's custom steps (decision tables and custom rules, custom_rules.hpp)
/// on a graded project: may adjust and re-grade the total and override cut,
/// rectify, priority, recover and accountability. Needs `out` as finish_project()
/// left it and the project's indicator aggregates (every indicator result added).
/// evaluate() and the streaming path of evaluate_files() call it when
/// `rules.custom` is not empty. Throws Error (naming the project and the rule's
/// file:line) when an expression fails at evaluation (division by zero, a cut
/// outside 0–100%, …).
void apply_custom(const CustomInput& project, const CustomAccumulator& indicators, const RuleSet& rules,
                  ProjectResult& out);

/// The same for a project held in memory, with the aggregates taken from
/// `out.indicators` (one result per indicator of `project`).
void apply_custom(const Project& project, const RuleSet& rules, ProjectResult& out);

/// Runs the indicator rules (CustomRules::indicator_rules) on one scored
/// indicator: adds the adjustments of those whose `when` holds to r.score (each
/// rounded like a score; the score kept within [0, weight]) and records which
/// fired. evaluate() calls it for every indicator when there are indicator rules.
/// Throws Error naming the project, the indicator and the rule's file:line when
/// an expression fails.
void apply_indicator_rules(const Project& project, const Indicator& ind, const RuleSet& rules, IndicatorResult& r);

/// English and Chinese text for an issue, e.g. "indicator has no weight (分值)".
inline std::pair<std::string, std::string> describe(Issue issue) {
    switch (issue) {
    case Issue::none: return {"no problem", "无问题"};
    case Issue::missing_weight: return {"the indicator has no weight (column weight)", "指标缺少分值（weight 列）"};
    case Issue::negative_weight: return {"the weight must be 0 or more", "分值不能为负数"};
    case Issue::missing_actual: return {"the indicator has no actual value (column actual)", "指标缺少实际完成值（actual 列）"};
    case Issue::missing_target: return {"the indicator has no target value (column target)", "指标缺少年度指标值（target 列）"};
    case Issue::wrong_measure:
        return {"the target or actual value does not fit the direction (a number for ge/le/eq, YYYY-MM-DD for date, a tier A/B/C for qual)",
                "指标值与指标方向不符（正向/反向/等于应为数字，时效应为 YYYY-MM-DD，定性应为 A/B/C 档）"};
    case Issue::negative_value: return {"numeric targets and actual values must be 0 or more", "数值型指标值和完成值不能为负数"};
    case Issue::tier_percent_out_of_range:
        return {"the percentage lies outside its tier's range (A [80%,100%], B [60%,80%), C [0%,60%) by default)",
                "定性指标的百分比超出所在档次的区间（默认 A [80%,100%]、B [60%,80%)、C [0%,60%)）"};
    case Issue::zero_budget:
        return {"the budget is 0, so the execution rate is undefined (rule evaluation.execution.zero_budget: error)",
                "预算数为 0，无法计算预算执行率（规则 evaluation.execution.zero_budget: error）"};
    case Issue::missing_level1:
        return {"the project lacks an output, benefit or satisfaction indicator (rule evaluation.weights.missing_level1: error)",
                "项目缺少产出、效益或满意度一级指标（规则 evaluation.weights.missing_level1: error）"};
    case Issue::weights_not_100:
        return {"indicator weights plus execution points must total exactly 100", "指标分值与预算执行率分值合计应为 100 分"};
    case Issue::weights_over_100:
        return {"indicator weights plus execution points exceed 100", "指标分值与预算执行率分值合计超过 100 分"};
    case Issue::no_indicators: return {"the project has no indicators", "项目没有绩效指标"};
    case Issue::spent_negative: return {"the executed amount must be 0 or more", "执行数不能为负数"};
    }
    return {"unknown problem", "未知问题"};
}

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

} // namespace perfbudget

#include "perfbudget/detail/evaluate-inl.hpp"
