// Profiles: `base:` inheritance (merge, citations, chains, errors) and the county
// profiles in rules/ (SPEC §10). Every expected value is computed by hand in the
// comment beside it.
#include "support.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/load.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;
namespace fs = std::filesystem;

namespace {

const std::string kRules = std::string(PERFBUDGET_SOURCE_DIR) + "/rules/";


/// The 1-based line of the only line of `text` that contains `needle`.
std::uint32_t line_of(std::string_view text, std::string_view needle) {
    const auto at = text.find(needle);
    REQUIRE_MESSAGE(at != std::string_view::npos, "text lacks: " << needle);
    REQUIRE_MESSAGE(text.find(needle, at + 1) == std::string_view::npos, "text has twice: " << needle);
    return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A fresh, empty directory under the system temp directory, removed at the end.
struct TempDir {
    fs::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() /
               ("perfbudget-profiles-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        const fs::path p = path / name;
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
};

/// The one period of undated rules.
RuleSet load_text(const std::string& text, const LoadLimits& limits = {}) {
    return load_rules_text(text, "t.yaml", limits).only();
}

/// The problems reported when loading; fails the test when it loads.
template <class F>
std::vector<Diagnostic> problems_of(F&& load) {
    try {
        load();
    } catch (const Error& e) {
        return e.diagnostics();
    }
    FAIL("expected the rules to be refused");
    return {};
}

/// Exactly one problem, at file:line:column, containing `part`.
template <class F>
void check_one_error(F&& load, const std::string& file, std::uint32_t line, std::uint32_t column, std::string_view part) {
    const auto list = problems_of(load);
    REQUIRE(list.size() == 1);
    const Diagnostic& d = list[0];
    INFO(d.to_string(Lang::en));
    CHECK(d.where.file == file);
    CHECK(d.where.line == line);
    CHECK(d.where.column == column);
    CHECK(d.en.find(part) != std::string::npos);
    CHECK(!d.zh.empty());
}

std::uint32_t national_line(std::string_view needle) { return line_of(national_rules_text(), needle); }

/// Budget 1000.00, spent 800.00 (execution 10 × 0.8 = 8.00), benefit and satisfaction
/// met in full (30 + 10), and one 50-point output indicator at actual / 50:
/// total = 8 + 50 × actual / 50 + 40 = 48 + actual.
Project project(const char* actual, FundSource source = FundSource::local) {
    Project p = perfbudget::test::sample_project("50", actual);
    p.fund_source = source;
    return p;
}

const std::string kHead = "base: national\nprofile: t\n";

} // namespace

// --- merge semantics ---------------------------------------------------------

TEST_CASE("profile: overriding one scalar keeps everything else national") {
    const RuleSet r = load_text(kHead + "evaluation:\n  cap: 110%\n");
    CHECK(r.name == "t");
    REQUIRE(r.files == std::vector<std::string>{"t.yaml", "rules/national.yaml"});
    CHECK(r.evaluation.cap.max_ratio == dec("1.1"));
    // inherited: execution 10, weights 50/30/10, four grades, cut 中 10% / 差 100%
    const RuleSet& n = national_rules().only();
    CHECK(r.evaluation.execution.points == dec("10"));
    CHECK(r.evaluation.weights.level1 == n.evaluation.weights.level1);
    CHECK(r.evaluation.rounding.digits == 2);
    REQUIRE(r.grades.size() == 4);
    CHECK(r.grades.bands[2].id == "fair");
    CHECK(r.application.cut.rate_by_grade == std::vector<Decimal>{dec("0"), dec("0"), dec("0.1"), dec("1")});
    CHECK(r.application.recover.fund_sources == std::array<bool, 2>{true, false});
}

TEST_CASE("profile: a list is replaced whole, not merged item by item") {
    const std::string text = kHead +
                             "evaluation:\n"                                               // 3
                             "  grades:\n"                                                 // 4
                             "    - {id: pass, zh: 合格, en: pass, range: [60, 100]}\n"    // 5
                             "    - {id: fail, zh: 不合格, en: fail, range: [0, 60]}\n"    // 6
                             "  results:\n"                                                // 7
                             "    rectify: {grades: [fail]}\n"                             // 8
                             "    priority: {grades: [pass]}\n"                            // 9
                             "    cut: {fail: 100%}\n"                                     // 10
                             "    recover: {grades: [fail]}\n"                             // 11
                             "assessment:\n"                                               // 12
                             "  approve: {grades: [pass]}\n"                               // 13
                             "review:\n"                                                   // 14
                             "  admission: {pass: proceed, fail: reject}\n";               // 15
    const RuleSet r = load_text(text);
    // Merged item by item there would be 4 grades; replaced whole there are 2.
    REQUIRE(r.grades.size() == 2);
    CHECK(r.grades.bands[0].id == "pass");
    CHECK(r.grades.bands[1].id == "fail");
    CHECK(r.cite(r.grades.bands[1].where) == "t.yaml:6");
    CHECK(r.application.rectify.grades.bits == 0b10);
    CHECK(r.application.priority.grades.bits == 0b01);
    // `cut` (keyed by grade) is replaced whole too: national's fair/poor are gone.
    CHECK(r.application.cut.rate_by_grade == std::vector<Decimal>{dec("0"), dec("1")});
    // recover.grades replaced; recover.fund_sources inherited ([local]).
    CHECK(r.application.recover.grades.bits == 0b10);
    CHECK(r.application.recover.fund_sources == std::array<bool, 2>{true, false});
    // assessment.approve names grades too, so a new scale restates it.
    CHECK(r.assessment.approve.approves(0, 2));
    CHECK_FALSE(r.assessment.approve.approves(1, 2));
    // So does review.admission (keyed by grade, replaced whole).
    CHECK(r.review.admission_by_grade == std::vector<Admission>{Admission::proceed, Admission::reject});
}

TEST_CASE("profile: a replaced grade list leaves base lists naming old grades as errors in the base") {
    // National's `rectify: {grades: [fair, poor]}` is inherited but names grades that
    // no longer exist: the error points at the national line that names them.
    const auto list = problems_of([&] {
        load_text(kHead + "evaluation:\n  grades:\n    - {id: pass, zh: 合格, en: pass, range: [60, 100]}\n"
                          "    - {id: fail, zh: 不合格, en: fail, range: [0, 60]}\n"
                          "  results:\n    cut: {}\n    recover: {grades: []}\n    priority: {grades: [pass]}\n"
                          "assessment:\n  approve: {grades: [pass]}\n"
                          "review:\n  admission: {pass: proceed, fail: reject}\n");
    });
    REQUIRE(list.size() == 2); // `fair` and `poor` in results.rectify
    CHECK(list[0].where.file == "rules/national.yaml");
    CHECK(list[0].where.line == national_line("rectify: {grades: [fair, poor]}"));
    CHECK(list[0].en.find("unknown grade `fair` in `evaluation.results.rectify.grades`") != std::string::npos);
}

TEST_CASE("profile: nested maps merge key by key") {
    const std::string text = kHead +
                             "evaluation:\n"                                   // 3
                             "  weights: {output: 40, benefit: 40}\n"          // 4
                             "  over_completion:\n"                            // 5
                             "    enabled: true\n"                             // 6
                             "  results:\n"                                    // 7
                             "    recover: {fund_sources: [local, transfer]}\n"; // 8
    const RuleSet r = load_text(text);
    const auto& ev = r.evaluation;
    // weights: output and benefit overridden, satisfaction and missing_level1 inherited;
    // 10 + 40 + 40 + 10 = 100 passes the total check.
    CHECK(ev.weights.level1 == std::array<Decimal, level1_count>{dec("40"), dec("40"), dec("10")});
    CHECK(ev.weights.missing == MissingLevel1::error);
    CHECK(r.cite(ev.weights.where) == "t.yaml:4");
    CHECK(r.cite(ev.weights.missing_where) == "rules/national.yaml:" + std::to_string(national_line("missing_level1: error")));
    // over_completion: enabled overridden; threshold 120%, fixed, 10% inherited.
    CHECK(ev.over_completion.enabled);
    CHECK(ev.over_completion.threshold == dec("1.2"));
    CHECK(ev.over_completion.mode == OverCompletionMode::fixed);
    CHECK(ev.over_completion.deduction == dec("0.1"));
    CHECK(r.cite(ev.over_completion.where) == "t.yaml:5");
    // the rest of evaluation is inherited, cited in the national file
    CHECK(r.cite(ev.execution.where) == "rules/national.yaml:" + std::to_string(national_line("  execution:\n")));
    CHECK(r.cite(ev.cap.where) == "rules/national.yaml:" + std::to_string(national_line("  cap: 100%")));
    CHECK(r.cite(ev.rounding.where) == "rules/national.yaml:" + std::to_string(national_line("  rounding:")));
    // recover: fund_sources overridden, grades inherited ([fair, poor] = bits 2 and 3)
    CHECK(r.application.recover.fund_sources == std::array<bool, 2>{true, true});
    CHECK(r.application.recover.grades.bits == 0b1100);
    CHECK(r.cite(r.application.recover.where) == "t.yaml:8");
    CHECK(r.cite(r.application.rectify.where) == "rules/national.yaml:" + std::to_string(national_line("  rectify:")));
}

TEST_CASE("profile: a merged rule is checked like a complete file, errors in the override") {
    // 10 + 60 + 30 + 10 = 110: reported at the override's `weights:` line.
    check_one_error([&] { load_text(kHead + "evaluation:\n  weights: {output: 60}\n"); }, "t.yaml", 4, 3,
                    "must total 100, found 110 (10 + 60 + 30 + 10)");
    // a scalar where the schema wants a map
    check_one_error([&] { load_text(kHead + "evaluation:\n  rounding: 2\n"); }, "t.yaml", 4, 13,
                    "`evaluation.rounding` must be a map (key: value), found a single value");
}

// --- errors ----------------------------------------------------------------

TEST_CASE("profile: an unknown key in the override is an error, with did-you-mean") {
    check_one_error([&] { load_text(kHead + "evaluation:\n  over_completion: {treshold: 130%}\n"); }, "t.yaml", 4, 21,
                    "unknown key `treshold` in `evaluation.over_completion`; did you mean `threshold`?");
    check_one_error([&] { load_text(kHead + "evaluation:\n  result:\n    cut: {}\n"); }, "t.yaml", 4, 3,
                    "unknown key `result` in `evaluation`; did you mean `results`?");
    check_one_error([&] { load_text(kHead + "evaluation:\n  base: national\n"); }, "t.yaml", 4, 3,
                    "unknown key `base` in `evaluation`");
}

TEST_CASE("profile: `profile:` is required in a derived file; `base:` must be first and a plain name") {
    check_one_error([&] { load_text("base: national\nevaluation: {cap: 100%}\n"); }, "t.yaml", 1, 1,
                    "missing key `profile`: a profile with `base:` must still name itself");
    check_one_error([&] { load_text("profile: t\nbase: national\n"); }, "t.yaml", 2, 1,
                    "`base:` must be the first key of the file");
    check_one_error([&] { load_text("base: ../secret\nprofile: t\n"); }, "t.yaml", 1, 7,
                    "`base` must be an identifier");
}

TEST_CASE("profile: a missing base is an error at the `base:` line") {
    TempDir dir;
    const std::string a = dir.write("a.yaml", "base: nowhere\nprofile: a\n");
    check_one_error([&] { load_rules_file(a); }, a, 1, 7,
                    "base profile `nowhere` not found: there is no file " + (dir.path / "nowhere.yaml").string());
    // text loading: only `national` resolves without LoadLimits::base_dir…
    check_one_error([&] { load_text("base: a\nprofile: t\n"); }, "t.yaml", 1, 7, "LoadLimits::base_dir, which is not set");
    // …and with it, bases are files in that directory.
    LoadLimits limits;
    limits.base_dir = dir.path.string();
    check_one_error([&] { load_text("base: b\nprofile: t\n", limits); }, "t.yaml", 1, 7,
                    "base profile `b` not found");
}

TEST_CASE("profile: a cycle of bases is an error with its location") {
    TempDir dir;
    const std::string a = dir.write("a.yaml", "base: b\nprofile: a\n");
    const std::string b = dir.write("b.yaml", "# b\nbase: a\nprofile: b\n");
    // a → b → a: reported where b names a, the link that closes the cycle.
    check_one_error([&] { load_rules_file(a); }, b, 2, 7, "`base: a` makes a cycle: " + a + " → " + b + " → " + a);
    const std::string c = dir.write("c.yaml", "base: c\nprofile: c\n");
    check_one_error([&] { load_rules_file(c); }, c, 1, 7, "`base: c` makes a cycle");
}

TEST_CASE("profile: chains resolve and cite each file") {
    TempDir dir;
    const std::string a = dir.write("a.yaml", "base: national\n"    // 1
                                              "profile: a\n"        // 2
                                              "evaluation:\n"       // 3
                                              "  cap: 110%\n"       // 4
                                              "  rounding:\n"       // 5
                                              "    digits: 1\n");   // 6
    const std::string b = dir.write("b.yaml", "base: a\n"           // 1
                                              "profile: b\n"        // 2
                                              "evaluation:\n"       // 3
                                              "  rounding:\n"       // 4
                                              "    mode: down\n");  // 5
    const RuleSet r = load_rules_file(b).only();
    CHECK(r.name == "b");
    REQUIRE(r.files == std::vector<std::string>{b, a, "rules/national.yaml"});
    CHECK(r.evaluation.cap.max_ratio == dec("1.1"));             // from a
    CHECK(r.cite(r.evaluation.cap.where) == a + ":4");
    CHECK(r.evaluation.rounding.digits == 1);                    // from a
    CHECK(r.evaluation.rounding.mode == RoundingMode::down);     // from b
    CHECK(r.evaluation.rounding.apply == RoundApply::per_part);  // from national
    CHECK(r.cite(r.evaluation.rounding.where) == b + ":4");      // b wrote last in `rounding`
    CHECK(r.evaluation.execution.where.file == 2);
    CHECK(r.cite(r.evaluation.execution.where) == "rules/national.yaml:" + std::to_string(national_line("  execution:\n")));
    // the same through load_rules_text with base_dir
    LoadLimits limits;
    limits.base_dir = dir.path.string();
    const RuleSet t = load_rules_text(read_file(b), "b-text.yaml", limits).only();
    CHECK(t.files == std::vector<std::string>{"b-text.yaml", a, "rules/national.yaml"});
    CHECK(t.evaluation.rounding.mode == RoundingMode::down);
    CHECK(t.evaluation.cap.max_ratio == dec("1.1"));
}

TEST_CASE("profile: errors in a base file are reported in that file") {
    TempDir dir;
    dir.write("a.yaml", "base: national\nprofile: a\nevaluation:\n  cap: 90%\n");
    const std::string b = dir.write("b.yaml", "base: a\nprofile: b\n");
    check_one_error([&] { load_rules_file(b); }, (dir.path / "a.yaml").string(), 4, 8, "`evaluation.cap` must be at least 100%");
}

// --- the county profiles ----------------------------------------------------------

TEST_CASE("profile: rules/wuchang.yaml — five grades, 低 cut 50%") {
    const std::string path = kRules + "wuchang.yaml";
    const std::string text = read_file(path);
    const RuleSet r = load_rules_file(path).only();
    CHECK(r.name == "wuchang");
    REQUIRE(r.files.size() == 2);
    CHECK(r.files[1] == "rules/national.yaml");
    REQUIRE(r.grades.size() == 5);
    const char* ids[] = {"excellent", "good", "fair", "low", "poor"};
    const char* zh[] = {"优", "良", "中", "低", "差"};
    const char* from[] = {"90", "80", "70", "60", "0"};
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(r.grades.bands[i].id == ids[i]);
        CHECK(r.grades.bands[i].zh == zh[i]);
        CHECK(r.grades.bands[i].from == dec(from[i]));
    }
    // overridden rules cite wuchang.yaml, inherited ones national.yaml
    CHECK(r.cite(r.grades.bands[3].where) == path + ":" + std::to_string(line_of(text, "{id: low,")));
    CHECK(r.cite(r.application.cut.where) == path + ":" + std::to_string(line_of(text, "  cut:")));
    CHECK(r.cite(r.evaluation.execution.where) == "rules/national.yaml:" + std::to_string(national_line("  execution:\n")));

    // total = 48 + 17 = 65.00 → 低 [60, 70)
    const ProjectResult p = evaluate(project("17"), r);
    CHECK(p.total == dec("65"));
    CHECK(r.grades.bands[p.grade].id == "low");
    CHECK(p.rectify);
    CHECK_FALSE(p.priority);
    CHECK(p.cut == yuan("500.00"));     // 1000.00 × 50%
    CHECK(p.recover == yuan("200.00")); // 1000.00 − 800.00, local
    // the same project nationally is 中: cut 10%
    const ProjectResult n = evaluate(project("17"), national_rules());
    CHECK(national_rules().only().grades.bands[n.grade].id == "fair");
    CHECK(n.cut == yuan("100.00"));
    // 75.00 is 中 in Wuchang (assumed band [70, 80)): cut 10% as nationally
    const ProjectResult f = evaluate(project("27"), r);
    CHECK(r.grades.bands[f.grade].id == "fair");
    CHECK(f.cut == yuan("100.00"));
    // 59.00 is 差: cut 100%
    const ProjectResult q = evaluate(project("11"), r);
    CHECK(r.grades.bands[q.grade].id == "poor");
    CHECK(q.cut == yuan("1000.00"));
    // 90.00 is 优: priority, no cut, no recovery
    const ProjectResult e = evaluate(project("42"), r);
    CHECK(r.grades.bands[e.grade].id == "excellent");
    CHECK(e.priority);
    CHECK(e.cut == Money{});
    CHECK(e.recover == Money{});
}

TEST_CASE("profile: rules/urumqi-county.yaml — all unspent local funds recovered, transfers exempt") {
    const std::string path = kRules + "urumqi-county.yaml";
    const std::string text = read_file(path);
    const RuleSet r = load_rules_file(path).only();
    CHECK(r.name == "urumqi-county");
    REQUIRE(r.grades.size() == 4); // national scale
    CHECK(r.cite(r.application.recover.where) == path + ":" + std::to_string(line_of(text, "  recover:")));
    CHECK(r.cite(r.application.rectify.where) == path + ":" + std::to_string(line_of(text, "  rectify:")));
    CHECK(r.cite(r.application.cut.where) == "rules/national.yaml:" + std::to_string(national_line("  cut:")));

    // total = 48 + 32 = 80.00 → 良: "低于80分（不含）" — 80 itself is not rectified
    const ProjectResult g = evaluate(project("32"), r);
    CHECK(g.total == dec("80"));
    CHECK(r.grades.bands[g.grade].id == "good");
    CHECK_FALSE(g.rectify);
    CHECK(g.recover == yuan("200.00")); // 1000.00 − 800.00: every grade, local
    const ProjectResult gn = evaluate(project("32"), national_rules());
    CHECK(gn.recover == Money{}); // nationally 良 is not recovered
    // a transfer project keeps its balance
    const ProjectResult t = evaluate(project("32", FundSource::transfer), r);
    CHECK(t.recover == Money{});
    // 79.00 → 中: rectify, recover, national cut 10%
    const ProjectResult f = evaluate(project("31"), r);
    CHECK(f.total == dec("79"));
    CHECK(f.rectify);
    CHECK(f.recover == yuan("200.00"));
    CHECK(f.cut == yuan("100.00"));
}

namespace {
/// The ids of the custom steps that fired for a project, `;`-separated.
std::string fired_ids(const ProjectResult& p, const RuleSet& r) {
    std::string s;
    for (std::size_t i = 0; i < p.fired_count; ++i)
        s += (s.empty() ? "" : ";") + r.custom.steps[p.fired[i].step].id();
    return s;
}
} // namespace

TEST_CASE("profile: rules/urumqi-county.yaml — commend, criticize and the 20-point deviation at year end") {
    const RuleSet r = load_rules_file(kRules + "urumqi-county.yaml").only();
    // exec_rate 0.8; completion = (50 × min(a/50, 1) + 30 + 10) / 90 = (a + 40) / 90.
    // a = 14: completion 54/90 = 0.6, |0.8 − 0.6| = 0.20 exactly → not a deviation.
    const ProjectResult at = evaluate(project("14"), r);
    CHECK(at.total == dec("62"));
    CHECK(fired_ids(at, r) == "");
    // a = 13: completion 53/90 = 0.5888…, 0.2111… > 0.20 → deviation (total 61, 中)
    const ProjectResult over = evaluate(project("13"), r);
    CHECK(fired_ids(over, r) == "deviation");
    CHECK(over.recover == yuan("200.00")); // the reasons change no amount
    // a = 11: total 59 → 差, criticised; completion 51/90 → deviation too
    const ProjectResult poor = evaluate(project("11"), r);
    CHECK(r.grades.bands[poor.grade].id == "poor");
    CHECK(fired_ids(poor, r) == "criticize;deviation");
    CHECK(poor.cut == yuan("1000.00"));
    // a = 42: total 90 → 优, commended; completion 82/90, 0.111… apart → no deviation
    const ProjectResult good = evaluate(project("42"), r);
    CHECK(fired_ids(good, r) == "commend");
    CHECK_FALSE(good.accountability);
    // over-completion does not raise completion: rc is capped at 1 (a = 100 → 90/90 = 1, |0.8 − 1| = 0.2)
    const ProjectResult capped = evaluate(project("100"), r);
    CHECK(fired_ids(capped, r) == "commend");
}
