// The cost of exact arithmetic past 128 bits: one project of N indicators whose
// targets are unrelated 6-decimal values (5831.437219, 61275.000013, …), so the
// overall completion Σ(weight × rc) / Σ weight has a denominator of up to N × 60
// bits. Evaluated with rules/urumqi-county.yaml (its deviation rule reads
// `completion`) and with the national rules in total_only rounding (the exact sum
// of the indicator scores). Prints the time per indicator, which should stay
// flat as N grows when the targets share factors, and grows with the length of
// the exact sum when they are pairwise unrelated (docs/decisions.md).
//
//   bench_wide [google-benchmark flags]
#include "../src/completion_sum.hpp" // internal: the exact completion sum
#include <perfbudget/evaluate.hpp>
#include <perfbudget/load.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

namespace {

using namespace perfbudget;

/// N indicators, 100 points in all (weights of 0.01 … with 2 decimals), targets
/// with 6 decimals drawn from a fixed linear congruential sequence.
/// `distinct` targets repeat cyclically (0: all distinct).
Project wide_project(std::int64_t n, std::int64_t distinct) {
    Project p;
    p.id = "WIDE";
    p.budget = Money::from_fen(100'000'000);
    p.spent = Money::from_fen(81'234'567);
    std::uint64_t x = 88172645463325252ULL;
    const std::int64_t hundredths = 9000;
    for (std::int64_t i = 0; i < n; ++i) {
        Indicator ind;
        ind.level1 = i % 3 == 0 ? Level1::output : i % 3 == 1 ? Level1::benefit : Level1::satisfaction;
        ind.level2 = ind.level1 == Level1::output ? Level2::quantity : ind.level1 == Level1::benefit ? Level2::social
                                                                                                      : Level2::satisfaction;
        ind.direction = Direction::ge;
        ind.name = "i";
        const std::int64_t k = distinct ? i % distinct : i;
        std::uint64_t t = 1'000'000'007ULL + static_cast<std::uint64_t>(k) * 2'654'435'761ULL % 99'999'999'989ULL;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        ind.target = Decimal::from_units(static_cast<std::int64_t>(t));
        ind.actual = Decimal::from_units(static_cast<std::int64_t>(t - x % (t / 2)));
        // Weights: 90 points over n indicators in hundredths, the remainder on the first ones.
        const std::int64_t w = hundredths / n + (i < hundredths % n ? 1 : 0);
        ind.weight = Decimal::from_units(w * 10'000);
        p.indicators.push_back(std::move(ind));
    }
    return p;
}

const RuleSet& urumqi() {
    static const RuleSet r = load_rules_file(PERFBUDGET_SOURCE_DIR "/rules/urumqi-county.yaml").only();
    return r;
}

const RuleSet& total_only() {
    static const RuleSet r = [] {
        RuleSet s = national_rules().only();
        s.evaluation.rounding.apply = RoundApply::total_only;
        return s;
    }();
    return r;
}

void run(benchmark::State& state, const RuleSet& rules, std::int64_t distinct) {
    const Project p = wide_project(state.range(0), distinct);
    ProjectResult r;
    for (auto _ : state) {
        evaluate(p, rules, r);
        benchmark::DoNotOptimize(r.total);
    }
    state.counters["time_per_indicator"] = benchmark::Counter(
        static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

/// The aggregate alone (CustomAccumulator's CompletionSum), for counts beyond
/// what 2-decimal weights allow in one project: N terms weight × actual / target.
void BM_completion_sum(benchmark::State& state) {
    const Project p = wide_project(state.range(0), 0);
    for (auto _ : state) {
        detail::CompletionSum sum;
        for (const Indicator& ind : p.indicators)
            sum.add(Decimal::from_units(10'000), Fraction::of(std::get<Decimal>(ind.actual), std::get<Decimal>(ind.target)));
        benchmark::DoNotOptimize(sum.over(Decimal::from_units(10'000 * state.range(0))));
    }
    state.counters["time_per_indicator"] = benchmark::Counter(
        static_cast<double>(state.range(0)), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_completion_unrelated(benchmark::State& state) { run(state, urumqi(), 0); }
void BM_completion_50_targets(benchmark::State& state) { run(state, urumqi(), 50); }
void BM_total_only_unrelated(benchmark::State& state) { run(state, total_only(), 0); }

} // namespace

BENCHMARK(BM_completion_sum)->Arg(1000)->Arg(10000)->Arg(20000)->Unit(benchmark::kMillisecond);
// Up to 9,000 indicators: the weights are whole hundredths of a point.
BENCHMARK(BM_completion_unrelated)->Arg(100)->Arg(1000)->Arg(3000)->Arg(9000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_completion_50_targets)->Arg(100)->Arg(1000)->Arg(3000)->Arg(9000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_total_only_unrelated)->Arg(100)->Arg(1000)->Arg(3000)->Arg(9000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
