// Values by budget year (`effective:`, docs/rules.md "Values by budget year"):
// periods, the choice of a period by a project's year, citations of the effective
// date, and every error class. Expected values are computed by hand beside them.
#include "support.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/load.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>

#include <unistd.h>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

namespace {

/// total = 48 + actual (test::sample_project, output target 50), of budget year `year`.
Project project(const char* actual, std::optional<int> year) {
    Project p = perfbudget::test::sample_project("50", actual);
    p.year = year;
    return p;
}

/// The 中 cut rate changes in 2023: 10% of the budget until 2022, 20% from 2023.
const std::string kDated = "base: national\n"               // 1
                           "profile: dated\n"               // 2
                           "evaluation:\n"                  // 3
                           "  results:\n"                   // 4
                           "    cut:\n"                     // 5
                           "      fair:\n"                  // 6
                           "        effective:\n"           // 7
                           "          2020-01-01: 10%\n"    // 8
                           "          2023: 20%\n"          // 9
                           "      poor: 100%\n";            // 10

std::vector<Diagnostic> problems_of(const std::string& text) { return perfbudget::test::rule_problems(text); }

void check_one_error(const std::string& text, std::uint32_t line, std::uint32_t column, std::string_view part) {
    const auto list = problems_of(text);
    REQUIRE(list.size() == 1);
    INFO(list[0].to_string(Lang::en));
    CHECK(list[0].where.line == line);
    CHECK(list[0].where.column == column);
    CHECK(list[0].en.find(part) != std::string::npos);
    CHECK(!list[0].zh.empty());
}

std::string error_of(const Project& p, const RuleBook& r) {
    try {
        evaluate(p, r);
    } catch (const Error& e) {
        return e.diagnostics().front().en;
    }
    FAIL("expected an error");
    return {};
}

} // namespace

TEST_CASE("effective: one period per date; each budget year uses the values in effect on 1 January") {
    const RuleBook r = load_rules_text(kDated, "t.yaml");
    CHECK(r.dated());
    REQUIRE(r.periods().size() == 2);
    CHECK(to_string(*r.periods()[0].effective_from) == "2020-01-01");
    CHECK(to_string(*r.periods()[1].effective_from) == "2023-01-01");
    const RuleSet& latest = r.periods()[1];
    REQUIRE(latest.effective.size() == 1);
    CHECK(latest.effective[0].path == "evaluation.results.cut.fair");
    CHECK(latest.cite(latest.effective[0].where) == "t.yaml:9");
    CHECK(&r.for_year(2020) == &r.periods()[0]);
    CHECK(&r.for_year(2022) == &r.periods()[0]);
    CHECK(&r.for_year(2023) == &r.periods()[1]);
    CHECK(&r.for_year(2040) == &r.periods()[1]);

    // total 48 + 20 = 68.00 → 中: cut 1000.00 × 10% = 100.00 in 2022, × 20% = 200.00 in 2023
    const ProjectResult y22 = evaluate(project("20", 2022), r);
    CHECK(y22.total == dec("68"));
    CHECK(y22.cut == yuan("100.00"));
    const ProjectResult y23 = evaluate(project("20", 2023), r);
    CHECK(y23.cut == yuan("200.00"));
    // 差 is not dated: 100% in both periods (48 + 10 = 58.00)
    CHECK(evaluate(project("10", 2020), r).cut == yuan("1000.00"));
    CHECK(evaluate(project("10", 2024), r).cut == yuan("1000.00"));
}

TEST_CASE("effective: the explanation names the period and each dated value's effective date and line") {
    const RuleBook r = load_rules_text(kDated, "t.yaml");
    const Project p = project("20", 2023);
    const auto lines = explain(p, evaluate(p, r), r, Lang::en);
    REQUIRE(!lines.empty());
    // One line per dated value, citing the entry taken; the value's path in the citation.
    CHECK(lines[0].rule == "effective: evaluation.results.cut.fair");
    CHECK(lines[0].source == "t.yaml:9");
    CHECK(lines[0].text == "budget year 2023 uses the value in effect from 2023-01-01");
    CHECK(cited_line(lines[0], Lang::en) ==
          "budget year 2023 uses the value in effect from 2023-01-01 [t.yaml:9, effective: evaluation.results.cut.fair]");
    const Project old = project("20", 2021);
    const auto zh = explain(old, evaluate(old, r), r, Lang::zh);
    CHECK(zh[0].source == "t.yaml:8");
    CHECK(cited_line(zh[0], Lang::zh) ==
          "预算年度 2021 适用自 2020-01-01 起施行的取值〔t.yaml 第 8 行，effective: evaluation.results.cut.fair〕");
    bool cut_line = false;
    for (const auto& l : lines)
        if (l.rule == "evaluation.results.cut") cut_line = l.text.find("budget 1000.00 yuan × cut rate 20% = 200.00 yuan") != std::string::npos;
    CHECK(cut_line);
}

TEST_CASE("effective: a year before the first date, or no year, is an error naming the project") {
    const RuleBook r = load_rules_text(kDated, "t.yaml");
    CHECK(error_of(project("20", 2019), r).find("project P: no rules in effect for budget year 2019: the rules `dated` "
                                                "take effect from 2020-01-01 (t.yaml:8)") != std::string::npos);
    CHECK(error_of(project("20", std::nullopt), r).find("project P: no budget year") != std::string::npos);
    // Undated rules need no year.
    CHECK(evaluate(project("20", std::nullopt), national_rules()).cut == yuan("100.00"));
    CHECK_FALSE(national_rules().dated());
    CHECK(national_rules().periods().size() == 1);
    CHECK(&national_rules().for_year(1990) == &national_rules().only());
    // A first date later in the year: 1 January of that year is before it.
    const RuleBook mid = load_rules_text("base: national\nprofile: mid\nevaluation:\n  cap:\n    effective: {2020-07-01: 100%}\n",
                                        "t.yaml");
    CHECK(error_of(project("20", 2020), mid).find("no rules in effect on 1 January 2020") != std::string::npos);
    CHECK(evaluate(project("20", 2021), mid).total == dec("68"));
}

TEST_CASE("effective: malformed values by date are errors at their place") {
    const std::string head = "base: national\nprofile: t\nevaluation:\n  cap:\n";
    check_one_error(head + "    effective: {2023-02-30: 100%}\n", 5, 17, "is not an effective date");
    check_one_error(head + "    effective: {20x3: 100%}\n", 5, 17, "is not an effective date");
    check_one_error(head + "    effective: {2023: 100%, 2021: 100%}\n", 5, 29, "ascending order; 2021-01-01 comes after 2023-01-01");
    check_one_error(head + "    effective: {2023: 100%, 2023-01-01: 100%}\n", 5, 29, "2023-01-01 is given twice");
    check_one_error(head + "    effective: {}\n", 5, 16, "expects a map of dates to values");
    check_one_error(head + "    effective: {2020: 100%}\n    other: 1\n", 5, 5, "must be the only key of its map");
    check_one_error(head + "    effective: {2020: {effective: {2021: 100%}}}\n", 5, 23, "cannot nest");
    check_one_error("profile: {effective: {2020: a}}\nevaluation: {}\n", 1, 1, "`profile` cannot have values by date");
}

TEST_CASE("effective: every dated value needs a value from the first date") {
    const std::string text = "base: national\nprofile: t\n"                       // 1-2
                             "evaluation:\n"                                       // 3
                             "  cap:\n"                                            // 4
                             "    effective: {2020: 100%}\n"                       // 5
                             "  results:\n"                                        // 6
                             "    cut:\n"                                          // 7
                             "      fair:\n"                                       // 8
                             "        effective: {2022: 20%}\n"                    // 9
                             "      poor: 100%\n";                                 // 10
    check_one_error(text, 9, 21,
                    "`evaluation.results.cut.fair` has no value before 2022-01-01, but `evaluation.cap` is dated from "
                    "2020-01-01 (line 5): give `evaluation.results.cut.fair` a value from 2020-01-01 too");
}

TEST_CASE("effective: each period is checked; a problem of some periods names the first of them") {
    // Output weight 40 from 2023: 10 + 40 + 30 + 10 = 90 ≠ 100 in that period only.
    const std::string text = "base: national\nprofile: t\n"
                             "evaluation:\n"
                             "  weights:\n"
                             "    output:\n"
                             "      effective: {2020: 50, 2023: 40}\n";
    const auto list = problems_of(text);
    REQUIRE(list.size() == 1);
    INFO(list[0].to_string(Lang::en));
    CHECK(list[0].en.find("(in the rules in effect from 2023-01-01)") != std::string::npos);
    CHECK(list[0].zh.find("（自 2023-01-01 起施行的规则）") != std::string::npos);
    // A problem outside the dated values is reported once, without a period.
    const auto once = problems_of("base: national\nprofile: t\nevaluation:\n  cap: {effective: {2020: 100%, 2023: 100%}}\n"
                                  "  rounding: {digits: 9}\n");
    REQUIRE(once.size() == 1);
    CHECK(once[0].en.find("in the rules in effect") == std::string::npos);
}

TEST_CASE("effective: any value can be dated — a whole grade list") {
    const std::string text = "base: national\nprofile: t\n"
                             "evaluation:\n"
                             "  grades:\n"
                             "    effective:\n"
                             "      2020:\n"
                             "        - {id: excellent, zh: 优, en: excellent, range: [90, 100]}\n"
                             "        - {id: good, zh: 良, en: good, range: [80, 90]}\n"
                             "        - {id: fair, zh: 中, en: fair, range: [60, 80]}\n"
                             "        - {id: poor, zh: 差, en: poor, range: [0, 60]}\n"
                             "      2024:\n"
                             "        - {id: excellent, zh: 优, en: excellent, range: [85, 100]}\n"
                             "        - {id: good, zh: 良, en: good, range: [80, 85]}\n"
                             "        - {id: fair, zh: 中, en: fair, range: [60, 80]}\n"
                             "        - {id: poor, zh: 差, en: poor, range: [0, 60]}\n";
    const RuleBook r = load_rules_text(text, "t.yaml");
    // 48 + 38 = 86.00: 良 until 2023, 优 from 2024
    const ProjectResult a = evaluate(project("38", 2023), r);
    CHECK(r.for_year(2023).grades.bands[a.grade].id == "good");
    const ProjectResult b = evaluate(project("38", 2024), r);
    CHECK(r.for_year(2024).grades.bands[b.grade].id == "excellent");
}

namespace {
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("perfbudget-effective-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return (path / name).string();
    }
};
std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
} // namespace

TEST_CASE("effective: evaluate_files takes each row's year, and --year for rows without one") {
    const TempDir dir;
    EvaluateOptions opt;
    opt.projects = dir.write("p.csv", "project_id,name,department,budget,spent,year\n"
                                      "A,a,d,1000.00,800.00,2022\n"
                                      "B,b,d,1000.00,800.00,\n");
    std::string inds = "project_id,level1,level2,name,direction,target,actual,weight\n";
    for (const char* id : {"A", "B"})
        inds += std::string(id) + ",output,quantity,q,ge,50,20,50\n" + id + ",benefit,social,b,ge,1,1,30\n" + id +
                ",satisfaction,satisfaction,s,ge,90%,90%,10\n";
    opt.indicators = dir.write("i.csv", inds);
    opt.out = (dir.path / "out.csv").string();
    const RuleBook r = load_rules_text(kDated, "t.yaml");
    // B has no year and there is no --year: an error at its line, and no output file
    try {
        evaluate_files(opt, r);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.diagnostics().front().where.line == 3);
        CHECK(e.diagnostics().front().en.find("project B: no budget year") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(opt.out));
    opt.year = 2023;
    evaluate_files(opt, r);
    const std::string out = slurp(opt.out);
    CHECK(out.find("A,d,1000.00,800.00,0.8000,8.00,60.00,68.00,fair,中,1,0,100.00,") != std::string::npos); // 2022: 10%
    CHECK(out.find("B,d,1000.00,800.00,0.8000,8.00,60.00,68.00,fair,中,1,0,200.00,") != std::string::npos); // 2023: 20%
}

// Issue 7, item 7: the building blocks take one period, so they cannot read
// another year's values. Before, the loaded object was the latest period (with
// the others inside it), and score_indicator/finish_project given it cut a 2022
// project by 20% where evaluate() cut 10%.
static_assert(!std::is_convertible_v<const RuleBook&, const RuleSet&>, "a RuleBook is not one period");
static_assert(!std::is_convertible_v<const RuleBook&, RuleSet>, "a RuleBook is not one period");
static_assert(!std::is_invocable_v<decltype(&score_indicator), const Indicator&, const RuleBook&, IndicatorResult&>,
              "score_indicator takes a period");

TEST_CASE("effective: the streaming building blocks with the period for_year gives agree with evaluate()") {
    const RuleBook book = load_rules_text(kDated, "t.yaml");
    // 2022: total 48 + 20 = 68.00 → 中, cut 1000.00 × 10% = 100.00 (not the 2023 rate 20%: 200.00).
    const Project p = project("20", 2022);
    const RuleSet& period = book.for_year(p.year);
    ScoreAccumulator acc;
    for (const Indicator& ind : p.indicators) {
        IndicatorResult ir;
        REQUIRE(score_indicator(ind, period, ir) == Issue::none);
        acc.add(ind, ir);
    }
    ProjectResult pieces;
    REQUIRE(finish_project({p.budget, p.spent, p.fund_source}, acc, period, pieces) == Issue::none);
    CHECK(pieces.total == dec("68"));
    CHECK(pieces.cut == yuan("100.00"));
    CHECK(evaluate(p, book).cut == yuan("100.00"));
    CHECK(evaluate(p, period).cut == yuan("100.00"));
    // The same project in 2023 uses the other period: 20%.
    const RuleSet& later = book.for_year(2023);
    CHECK(&later != &period);
    ProjectResult y23;
    REQUIRE(finish_project({p.budget, p.spent, p.fund_source}, acc, later, y23) == Issue::none);
    CHECK(y23.cut == yuan("200.00"));
    // only() is for rules with nothing dated: here it is the missing-year error.
    CHECK_THROWS_AS(book.only(), Error);
}
