// src/monitor_row.hpp — monitor_indicator() for the common indicator, inlined
// into the streaming row loop (monitor_batch.cpp) and used by monitor_indicator()
// itself (monitor.cpp). INTERNAL: not installed.
//
// Two in three generated indicator rows are `ge` or `eq` with a positive target.
// For them everything is native integers: r = actual / target, rc = min(r, cap),
// v = r / tp and v's light. The rules' figures and the time progress are folded,
// once per rules period, into one 64-bit factor per comparison, so that each
// comparison is two 64 × 64 → 128-bit products:
//   rc:     cap < r  ⟺  cap · t < a · 10^6
//   pace:   v < x    ⟺  a · (tp_den · 10^6) < t · (x · tp_num)
// (a, t: the actual and target in units of 10^-6). These are the comparisons
// monitor_value() and pace_light() make through Fractions, exactly. Every other
// row takes the general path, detail::monitor_indicator_general().
#pragma once

#include "perfbudget/monitor.hpp"

#include "monitor_engine.hpp"
#include "evaluate_engine.hpp"

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

namespace perfbudget::detail {

/// A rules period's factors for the fast path at one time progress.
struct MonitorRowRules {
    bool fast = false;         // the factors fit 64 bits (else every row takes the general path)
    bool pace_enabled = false; // monitoring.pace.enabled
    bool impossible_enabled = false;
    Light impossible_light = Light::green;
    std::int64_t cap = 0;      // evaluation.cap.max_ratio, units
    std::int64_t left = 0;     // tp_den · 10^6
    std::int64_t blue = 0, red = 0, yellow = 0; // x · tp_num for the pace rule's thresholds
    std::int64_t tp_num = 0, tp_den = 0;

    static MonitorRowRules of(const Fraction& tp, const RuleSet& rules) {
        MonitorRowRules r;
        const MonitoringRules& mr = rules.monitoring;
        r.pace_enabled = mr.pace.enabled;
        r.impossible_enabled = mr.impossible.enabled;
        r.impossible_light = mr.impossible.light;
        r.cap = rules.evaluation.cap.max_ratio.units();
        const int128_native n = tp.num().native(), d = tp.den().native();
        if (n <= 0 || d <= 0 || n > INT32_MAX || d > INT32_MAX) return r;
        r.tp_num = static_cast<std::int64_t>(n);
        r.tp_den = static_cast<std::int64_t>(d);
        r.fast = !__builtin_mul_overflow(r.tp_den, Decimal::one_units, &r.left) &&
                 !__builtin_mul_overflow(mr.pace.blue_from.units(), r.tp_num, &r.blue) &&
                 !__builtin_mul_overflow(mr.pace.red_below.units(), r.tp_num, &r.red) &&
                 !__builtin_mul_overflow(mr.pace.yellow_below.units(), r.tp_num, &r.yellow);
        return r;
    }
};

/// Every row the fast path does not take (and every row of monitor_indicator()
/// when the factors do not fit): monitor_indicator() without the fast path. Out
/// of line (monitor.cpp).
bool monitor_indicator_general(std::string_view id, const Indicator& ind, Date as_of, const Fraction& tp, const RuleSet& rules,
                               MonitorAccumulator& acc, IndicatorMonitor& m, std::vector<Diagnostic>& problems,
                               std::string_view file);

/// The light of v from its three comparisons: v ≥ blue_from: blue; else below
/// red_below: red; else below yellow_below: yellow; else green. All three are
/// compared, then combined without branches: which band v falls in is data, and a
/// mispredicted branch per indicator costs more than the comparisons.
[[gnu::always_inline]] inline Light pace_band(int below_blue, int red, int yellow) {
    static_assert(static_cast<int>(Light::green) == 0 && static_cast<int>(Light::blue) == 1 &&
                  static_cast<int>(Light::yellow) == 2 && static_cast<int>(Light::red) == 3);
    const int blue = 1 - below_blue;
    const int below = 3 * red + 2 * yellow * (1 - red);
    return static_cast<Light>(blue + (1 - blue) * below);
}

/// acc.sum.add(w, n/d) for 0 ≤ n, 0 < d < 2^63, flattened into the row loop: GCC
/// otherwise calls CompletionSum::add out of line there, and cannot drop its
/// checks for 128-bit ratios.
[[gnu::always_inline, gnu::flatten]] inline void add_completion(MonitorAccumulator& acc, Decimal w, std::int64_t n, std::int64_t d) {
    acc.sum.add(w, Fraction::positive(n, d));
}

/// monitor_indicator() with the period's factors `row` (MonitorRowRules::of(tp, rules)).
/// `Fill` false: `m` is scratch the caller does not read (the streaming path), so
/// the fast path does not write it.
template <bool Fill = true>
[[gnu::always_inline]] inline bool monitor_indicator_row(std::string_view id, const Indicator& ind, Date as_of, const Fraction& tp,
                                                         const RuleSet& rules, const MonitorRowRules& row,
                                                         MonitorAccumulator& acc, IndicatorMonitor& m,
                                                         std::vector<Diagnostic>& problems, std::string_view file) {
    const Decimal* target = std::get_if<Decimal>(&ind.target);
    const Decimal* actual = std::get_if<Decimal>(&ind.actual);
    if (!row.fast || (ind.direction != Direction::ge && ind.direction != Direction::eq) || !target || !actual ||
        target->units() <= 0 || actual->units() < 0 || (ind.weight && ind.weight->units() < 0)) [[unlikely]]
        return monitor_indicator_general(id, ind, as_of, tp, rules, acc, m, problems, file);
    (ind.weight ? acc.weighted : acc.unweighted) = true; // every indicator, good or bad, decides weighted or not
    const int128_native a = actual->units(), t = target->units();
    const bool capped = row.cap * t < a * Decimal::one_units;
    const std::int64_t rc_num = capped ? row.cap : actual->units(), rc_den = capped ? Decimal::one_units : target->units();
    Light pace = Light::green;
    if (row.pace_enabled) {
        const int128_native v = a * row.left; // v < x ⟺ a · left < t · (x · tp_num)
        pace = pace_band(v < t * row.blue, v < t * row.red, v < t * row.yellow);
        acc.pace = acc.pace > pace ? acc.pace : pace;
    }
    const bool impossible = row.impossible_enabled && ind.likelihood == 2;
    if (impossible) acc.impossible = acc.impossible > row.impossible_light ? acc.impossible : row.impossible_light;
    if constexpr (Fill) {
        m.counted = true;
        m.rc = Fraction::positive(rc_num, rc_den);
        m.pace_case = row.pace_enabled ? PaceCase::ratio : PaceCase::off;
        // v = (actual × tp_den) / (target × tp_num), as monitor_value() keeps it.
        const int128_native n = a * row.tp_den, d = t * row.tp_num;
        m.pace = Fraction::positive(static_cast<std::int64_t>(n), static_cast<std::int64_t>(d));
        if (n != static_cast<std::int64_t>(n) || d != static_cast<std::int64_t>(d)) [[unlikely]]
            m.pace = Fraction(Fraction::wide::from_native(n), Fraction::wide::from_native(d));
        m.pace_light = pace;
        m.impossible = impossible;
        m.light = impossible && row.impossible_light > pace ? row.impossible_light : pace;
        m.days_late = 0;
    }
    // A project's weights are all given or none (else an error): 1 each for a simple mean.
    const Decimal w = ind.weight ? *ind.weight : Decimal::from_units(Decimal::one_units);
    add_completion(acc, w, rc_num, rc_den);
    acc.weight_total += w;
    ++acc.counted;
    return true;
}

} // namespace perfbudget::detail
