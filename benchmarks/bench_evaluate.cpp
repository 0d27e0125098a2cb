// In-memory evaluation cost per project (issue target: ≤ 400 ns on one core).
//
//   bench_evaluate DATA_DIR [google-benchmark flags]
// DATA_DIR holds projects.csv and indicators.csv from gen_data. Files are read
// once, outside the timed loop; the loop scores every project with the national
// rules, as evaluate() (in-memory results) and as the streaming pieces the CLI
// uses (score_indicator + ScoreAccumulator + finish_project).
#include <perfbudget/evaluate.hpp>
#include <perfbudget/input.hpp>
#include <perfbudget/load.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace perfbudget;

std::vector<Project>& projects() {
    static std::vector<Project> ps;
    return ps;
}

void set_counters(benchmark::State& state, std::size_t n, std::size_t indicators) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    // Seconds per project, printed with an SI prefix: "352n" is 352 ns per project.
    state.counters["time_per_project"] = benchmark::Counter(
        static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["indicators_per_project"] = static_cast<double>(indicators) / static_cast<double>(n);
}

void BM_evaluate(benchmark::State& state) {
    const RuleSet& rules = national_rules();
    const auto& ps = projects();
    std::size_t indicators = 0;
    for (const auto& p : ps) indicators += p.indicators.size();
    ProjectResult r;
    for (auto _ : state) {
        for (const Project& p : ps) {
            evaluate(p, rules, r);
            benchmark::DoNotOptimize(r.total);
        }
    }
    set_counters(state, ps.size(), indicators);
}

void BM_streaming_pieces(benchmark::State& state) {
    const RuleSet& rules = national_rules();
    const auto& ps = projects();
    std::size_t indicators = 0;
    for (const auto& p : ps) indicators += p.indicators.size();
    ProjectResult r;
    IndicatorResult ir;
    for (auto _ : state) {
        for (const Project& p : ps) {
            ScoreAccumulator acc;
            for (const Indicator& ind : p.indicators)
                if (score_indicator(ind, rules, ir) == Issue::none) acc.add(ind, ir);
            benchmark::DoNotOptimize(finish_project({p.budget, p.spent, p.fund_source}, acc, rules, r));
            benchmark::DoNotOptimize(r.total);
        }
    }
    set_counters(state, ps.size(), indicators);
}

} // namespace

BENCHMARK(BM_evaluate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_streaming_pieces)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') {
        std::fprintf(stderr, "usage: bench_evaluate DATA_DIR [benchmark flags]\n");
        return 2;
    }
    const std::string dir = argv[1];
    try {
        projects() = read_projects(dir + "/projects.csv", dir + "/indicators.csv");
    } catch (const Error& e) {
        for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.to_string(Lang::en).c_str());
        return 1;
    }
    std::fprintf(stderr, "loaded %zu projects from %s\n", projects().size(), dir.c_str());
    argv[1] = argv[0];
    --argc;
    ++argv;
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
