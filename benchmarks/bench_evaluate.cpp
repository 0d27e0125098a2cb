// In-memory evaluation cost per project (issue targets: ≤ 400 ns on one core with
// the national rules; a profile's custom steps at most 1.5× the national time).
//
//   bench_evaluate DATA_DIR [--profile=RULES.yaml] [google-benchmark flags]
//
// DATA_DIR holds projects.csv and indicators.csv from gen_data. Files are read
// once, outside the timed loop. Each loop scores every project twice over: with
// the national rules and with a profile that has custom steps (by default
// rules/urumqi-county.yaml: national scoring plus its commend / criticize /
// deviation rules), each
//   - as evaluate() (in-memory results, what JSON and --explain use), and
//   - as the streaming pieces the CLI uses (score_indicator + ScoreAccumulator +
//     CustomAccumulator + finish_project + apply_custom), inlined from the
//     library's internal src/evaluate_engine.hpp as src/batch.cpp inlines them.
// BM_evaluate_each runs evaluate_each() over the projects (the same results, the
// next projects' indicators prefetched): issue 15 item 4's figure at 100,000.
// It also reviews every project's targets (review_project(), the target review of
// `perfbudget review`) with the national rules and with county review steps that
// use the rule language's quantifiers over the indicators (BM_review/national,
// BM_review/county). After the runs it prints, per benchmark, ns per project, the
// profile's time relative to the national rules, and the review's relative to the
// evaluation's.
#include <perfbudget/evaluate.hpp>
#include <perfbudget/input.hpp>
#include <perfbudget/load.hpp>
#include <perfbudget/review.hpp>

#include "../src/evaluate_engine.hpp" // internal: the inline engine the CLI's streaming loop uses

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace perfbudget;

std::vector<Project>& projects() {
    static std::vector<Project> ps;
    return ps;
}

std::string& profile_path() {
    static std::string path = PERFBUDGET_SOURCE_DIR "/rules/urumqi-county.yaml";
    return path;
}

const RuleSet& profile_rules() {
    static const RuleBook book = load_rules_file(profile_path());
    return book.only(); // nothing dated: one period for every year
}

/// National review rules plus county checks written with quantifiers (docs/review.md).
const RuleSet& review_county_rules() {
    static const RuleBook book = load_rules_text(
        "base: national\nprofile: bench\nreview:\n  custom:\n"
        "    - rule: cost_in_money\n      zh: 成本指标应以万元或元计\n      en: cost indicators in 万元 or 元\n"
        "      when: not indicators.all(i, i.level2 != \"cost\" or i.unit in [\"万元\", \"元\"])\n"
        "      then: {deduct.relevance: 2}\n"
        "    - rule: two_benefits\n      zh: 效益指标至少两个且可量化\n      en: two quantified benefit indicators\n"
        "      when: indicators.count(i, i.level1 == \"benefit\" and i.quantified) < 2\n"
        "      then: {deduct.completeness: 3}\n"
        "    - rule: revised_still_failing\n      zh: 修改后仍为中或差\n      en: still fair or poor after revision\n"
        "      when: revision == \"revised\" and grade in [\"fair\", \"poor\"]\n      then: {admission: reject}\n",
        "bench-review.yaml");
    return book.only();
}

void set_counters(benchmark::State& state, std::size_t n, std::size_t indicators) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    // Seconds per project, printed with an SI prefix: "352n" is 352 ns per project.
    state.counters["time_per_project"] = benchmark::Counter(
        static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["indicators_per_project"] = static_cast<double>(indicators) / static_cast<double>(n);
}

std::size_t indicator_count() {
    std::size_t n = 0;
    for (const auto& p : projects()) n += p.indicators.size();
    return n;
}

/// Runs `stage(project, result)` on every project per iteration, reusing one Result.
template <class Result, class Stage>
void per_project(benchmark::State& state, const Stage& stage) {
    const auto& ps = projects();
    Result r;
    for (auto _ : state)
        for (const Project& p : ps) stage(p, r);
    set_counters(state, ps.size(), indicator_count());
}

void BM_evaluate(benchmark::State& state, const RuleSet* rules) {
    per_project<ProjectResult>(state, [rules](const Project& p, ProjectResult& r) {
        evaluate(p, *rules, r);
        benchmark::DoNotOptimize(r.total);
    });
}

/// evaluate_each(): the same results, with the indicators of the project
/// prefetch_distance places ahead fetched while one is scored (issue 15 item 4).
void BM_evaluate_each(benchmark::State& state, const RuleSet* rules) {
    const auto& ps = projects();
    for (auto _ : state)
        evaluate_each(std::span<const Project>(ps), *rules,
                      [](const Project&, const ProjectResult& r) { benchmark::DoNotOptimize(r.total); });
    set_counters(state, ps.size(), indicator_count());
}

/// The streaming pieces for a rule set without custom steps (the CLI's streaming loop).
void streaming_national(benchmark::State& state, const RuleSet& rules) {
    const auto& ps = projects();
    ProjectResult r;
    IndicatorResult ir;
    for (auto _ : state) {
        for (const Project& p : ps) {
            ScoreAccumulator acc;
            for (const Indicator& ind : p.indicators)
                if (detail::score_indicator(ind, rules, ir) == Issue::none) acc.add(ind, ir);
            benchmark::DoNotOptimize(detail::finish_project({p.budget, p.spent, p.fund_source}, acc, rules, r));
            benchmark::DoNotOptimize(r.total);
        }
    }
}

/// The same with custom steps: the indicator aggregates are summed as rows are
/// scored, and apply_custom() runs after finish_project(), as in the CLI. A
/// separate function: custom code in the national loop, even not run, changes
/// how GCC compiles it (measured: up to 20 % slower).
void streaming_custom(benchmark::State& state, const RuleSet& rules) {
    const auto& ps = projects();
    ProjectResult r;
    IndicatorResult ir;
    for (auto _ : state) {
        for (const Project& p : ps) {
            ScoreAccumulator acc;
            CustomAccumulator aggregates;
            for (const Indicator& ind : p.indicators) {
                if (detail::score_indicator(ind, rules, ir) != Issue::none) continue;
                acc.add(ind, ir);
                aggregates.add(ir, rules);
            }
            benchmark::DoNotOptimize(detail::finish_project({p.budget, p.spent, p.fund_source}, acc, rules, r));
            apply_custom(CustomInput::of(p), aggregates.view(), rules, r);
            benchmark::DoNotOptimize(r.total);
        }
    }
}

void BM_streaming_pieces(benchmark::State& state, const RuleSet* rules) {
    if (rules->custom.empty()) streaming_national(state, *rules);
    else streaming_custom(state, *rules);
    set_counters(state, projects().size(), indicator_count());
}

void BM_review(benchmark::State& state, const RuleSet* rules) {
    per_project<ReviewResult>(state, [rules](const Project& p, ReviewResult& r) {
        review_project(p, *rules, r);
        benchmark::DoNotOptimize(r.score);
    });
}

/// Prints the usual table, then a summary: ns per project and profile / national.
class Reporter : public benchmark::ConsoleReporter {
public:
    Reporter() : ConsoleReporter(OO_Tabular) {} // no colour codes: run.sh greps the lines
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const Run& run : runs) {
            if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
            const auto it = run.counters.find("time_per_project");
            if (it == run.counters.end()) continue;
            // The counter is already per project; keep the fastest repetition.
            const double ns = it->second.value * 1e9;
            auto [slot, fresh] = best_.emplace(run.benchmark_name(), ns);
            if (!fresh && ns < slot->second) slot->second = ns;
        }
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        std::printf("\nns per project (fastest repetition):\n");
        for (const char* bm : {"BM_evaluate", "BM_evaluate_each", "BM_streaming_pieces"}) {
            const auto national = best_.find(std::string(bm) + "/national");
            const auto profile = best_.find(std::string(bm) + "/profile");
            if (national == best_.end() || profile == best_.end()) continue;
            std::printf("  %-20s national %6.0f ns   %s %6.0f ns   ratio %.2f\n", bm, national->second,
                        profile_rules().name.c_str(), profile->second, profile->second / national->second);
        }
        const auto review = best_.find("BM_review/national"), county = best_.find("BM_review/county"),
                   evaluation = best_.find("BM_evaluate/national");
        if (review != best_.end() && county != best_.end())
            std::printf("  %-20s national %6.0f ns   county   %6.0f ns   ratio %.2f\n", "BM_review", review->second,
                        county->second, county->second / review->second);
        if (review != best_.end() && evaluation != best_.end())
            std::printf("  review / evaluate (national): %.2f\n", review->second / evaluation->second);
    }

private:
    std::map<std::string, double> best_;
};

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-') {
        std::fprintf(stderr, "usage: bench_evaluate DATA_DIR [--profile=RULES.yaml] [benchmark flags]\n");
        return 2;
    }
    const std::string dir = argv[1];
    std::vector<char*> args{argv[0]};
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--profile=", 0) == 0) profile_path() = a.substr(10);
        else args.push_back(argv[i]);
    }
    try {
        projects() = read_projects(dir + "/projects.csv", dir + "/indicators.csv");
        if (profile_rules().custom.empty())
            std::fprintf(stderr, "note: %s has no custom steps\n", profile_path().c_str());
    } catch (const Error& e) {
        for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.to_string(Lang::en).c_str());
        return 1;
    }
    std::fprintf(stderr, "loaded %zu projects from %s; profile %s\n", projects().size(), dir.c_str(),
                 profile_path().c_str());
    // Named by rule set, so the summary can pair them: BM_evaluate/national, BM_evaluate/profile.
    for (const auto& [suffix, rules] : {std::pair{"national", &national_rules().only()}, std::pair{"profile", &profile_rules()}}) {
        benchmark::RegisterBenchmark((std::string("BM_evaluate/") + suffix).c_str(), BM_evaluate, rules)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark((std::string("BM_evaluate_each/") + suffix).c_str(), BM_evaluate_each, rules)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark((std::string("BM_streaming_pieces/") + suffix).c_str(), BM_streaming_pieces, rules)
            ->Unit(benchmark::kMillisecond);
    }
    for (const auto& [suffix, rules] :
         {std::pair{"national", &national_rules().only()}, std::pair{"county", &review_county_rules()}})
        benchmark::RegisterBenchmark((std::string("BM_review/") + suffix).c_str(), BM_review, rules)
            ->Unit(benchmark::kMillisecond);
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    Reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
