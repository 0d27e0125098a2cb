// Tests for the target review (绩效目标审核, review.hpp, SPEC §6): rules, each check
// failing and passing, the floor at 0, grades and admissions through the score, the
// no-indicator sheet (seed 001), quantification and the command. Hand-computed.
//
// The clean sheet (national rules, 25 points per dimension): budget 100,000.00, year
// 2023, a goal, six indicators — output quantity 培训人次 ge 1200 人次, quality 合格率
// ge 95% %, timeliness 完成时间 date 2023-10-31, cost 人均成本 le 500 元; benefit social
// 受益人数 ge 3000 人; satisfaction 满意度 ge 90% %. Quantified 5 of 6 (the date is not):
// 0.8333; no defect; 25 + 25 + 25 + 25 = 100 → excellent, proceed.
#include "perfbudget/review.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/review_custom.hpp"
#include "perfbudget/testing.hpp"

#include "support.hpp"
#include "support_problems.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <tuple>

using namespace perfbudget;
using perfbudget::test::any_contains;
using perfbudget::test::dec;
using perfbudget::test::problems;
using perfbudget::test::yuan;

namespace {

const RuleSet& national() { return national_rules().only(); }

Indicator ind(Level1 l1, Level2 l2, const char* name, Direction dir, const char* target, const char* unit) {
    Indicator i;
    i.level1 = l1;
    i.level2 = l2;
    i.name = name;
    i.direction = dir;
    i.unit = unit;
    const std::string t = target;
    if (dir == Direction::date) i.target = make_date(std::stoi(t.substr(0, 4)), static_cast<unsigned>(std::stoi(t.substr(5, 2))), static_cast<unsigned>(std::stoi(t.substr(8, 2))));
    else if (dir != Direction::qual) i.target = dec(target);
    return i;
}

Project clean() {
    Project p;
    p.id = "R1";
    p.department = "县教育局";
    p.budget = yuan("100000.00");
    p.year = 2023;
    p.goal = "全年培训教师1200人次";
    p.indicators = {ind(Level1::output, Level2::quantity, "培训人次", Direction::ge, "1200", "人次"),
                    ind(Level1::output, Level2::quality, "合格率", Direction::ge, "0.95", "%"),
                    ind(Level1::output, Level2::timeliness, "完成时间", Direction::date, "2023-10-31", ""),
                    ind(Level1::output, Level2::cost, "人均成本", Direction::le, "500", "元"),
                    ind(Level1::benefit, Level2::social, "受益人数", Direction::ge, "3000", "人"),
                    ind(Level1::satisfaction, Level2::satisfaction, "满意度", Direction::ge, "0.9", "%")};
    return p;
}

Indicator extra(int k, Direction dir = Direction::ge) {
    const std::string name = "效益" + std::to_string(k);
    Indicator i = ind(Level1::benefit, Level2::social, "", dir, "1", dir == Direction::qual ? "" : "个");
    i.name = name;
    return i;
}

std::vector<std::string> ids(const ReviewResult& r) {
    std::vector<std::string> out;
    for (const ReviewDefect& d : r.defects) out.emplace_back(to_string(d.check));
    return out;
}

std::string grade_id(const ReviewResult& r, const RuleSet& rules = national()) { return rules.grades.bands[r.grade].id; }

using Dims = std::array<Decimal, review_dimension_count>;
Dims dims(const char* a, const char* b, const char* c, const char* d) { return {dec(a), dec(b), dec(c), dec(d)}; }


std::string profile(const std::string& review) { return "base: national\nprofile: t\nreview:\n" + review; }

} // namespace

// --- rules -------------------------------------------------------------------

TEST_CASE("review rules: national defaults (SPEC §6)") {
    const ReviewRules& r = national().review;
    CHECK(r.points == dims("25", "25", "25", "25"));
    CHECK(r.check(ReviewCheck::goal_missing).deduction == dec("5"));
    CHECK(r.check(ReviewCheck::indicator_incomplete).deduction == dec("1"));
    CHECK(r.satisfaction_min == dec("0.85"));
    CHECK(r.quantification_min == dec("0.6"));
    CHECK(r.min_indicators == 3);
    CHECK(r.max_indicators == 30);
    CHECK(r.admission_by_grade ==
          std::vector<Admission>{Admission::proceed, Admission::fix, Admission::resubmit, Admission::reject});
    CHECK(national().cite(r.check(ReviewCheck::indicator_count).where).rfind("rules/national.yaml:", 0) == 0);
    CHECK(dimension_of(ReviewCheck::goal_missing) == ReviewDimension::completeness);
    CHECK(dimension_of(ReviewCheck::cost_unit) == ReviewDimension::relevance);
    CHECK(dimension_of(ReviewCheck::target_too_low) == ReviewDimension::appropriateness);
    CHECK(dimension_of(ReviewCheck::date_outside_year) == ReviewDimension::feasibility);
}

TEST_CASE("review rules: a profile overrides a check key by key; without the section the defaults apply") {
    const RuleBook book = load_rules_text(profile("  checks:\n"
                                                  "    goal_missing: {deduction: 7.5}\n"
                                                  "    indicator_count: {min: 2}\n"),
                                          "t.yaml");
    const ReviewRules& r = book.only().review;
    CHECK(r.check(ReviewCheck::goal_missing).deduction == dec("7.5"));
    CHECK(r.check(ReviewCheck::goal_missing).enabled);
    CHECK(book.cite(r.check(ReviewCheck::goal_missing).where) == "t.yaml:5");
    CHECK(r.min_indicators == 2);
    CHECK(r.max_indicators == 30);

    std::string text(national_rules_text());
    text = text.substr(0, text.find("\nreview:")) + "\n";
    const RuleBook full = load_rules_text(text, "full.yaml");
    const ReviewRules& d = full.only().review;
    CHECK(d.admission_by_grade ==
          std::vector<Admission>{Admission::proceed, Admission::fix, Admission::resubmit, Admission::reject});
    CHECK(d.check(ReviewCheck::satisfaction_target).deduction == dec("3"));
}

TEST_CASE("review rules: strict errors with file:line:column") {
    const auto load = [](const std::string& s) { return problems([&] { (void)load_rules_text(profile(s), "t.yaml"); }); };
    CHECK(any_contains(load("  points: {completeness: 30}\n"), "the four dimension points must total 100, found 105.00"));
    CHECK(any_contains(load("  checks: {goal_mising: {deduction: 1}}\n"), "did you mean `goal_missing`"));
    CHECK(any_contains(load("  checks: {goal_missing: {deduction: 26}}\n"), "review.checks.goal_missing.deduction"));
    CHECK(any_contains(load("  checks: {indicator_count: {min: 40}}\n"), "min (40) is above max (30)"));
    CHECK(any_contains(load("  checks: {cost_unit: {min: 1}}\n"), "t.yaml:4:24"));
    CHECK(any_contains(load("  admission: {excellent: proceed, good: fix, fair: resubmit}\n"), "no admission for grade `poor`"));
    CHECK(any_contains(load("  admission: {excellent: proceed, good: fix, fair: resubmit, poor: refuse}\n"),
                       "one of proceed | fix | resubmit | reject"));
    CHECK(any_contains(load("  admission: {excellent: proceed, good: fix, fair: resubmit, poor: reject, great: fix}\n"),
                       "great"));
    // The county with five grades names its fifth (rules/wuchang.yaml).
    const RuleBook w = load_rules_file(test::source_dir + "/rules/wuchang.yaml");
    CHECK(w.periods().back().review.admission_by_grade.size() == 5);
}

// --- the checks ---------------------------------------------------------------

TEST_CASE("review: the clean sheet passes every check") {
    const ReviewResult r = review_project(clean(), national());
    CHECK(r.defects.empty());
    CHECK(r.indicators == 6);
    CHECK(r.quantified == 5);
    CHECK(r.quantification == dec("0.8333"));
    CHECK(r.dimensions == dims("25", "25", "25", "25"));
    CHECK(r.score == dec("100"));
    CHECK(grade_id(r) == "excellent");
    CHECK(r.admission == Admission::proceed);
}

TEST_CASE("review: completeness checks") {
    SUBCASE("level1_missing: no satisfaction indicator, 25 − 5") {
        Project p = clean();
        p.indicators.pop_back();
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"level1_missing"});
        CHECK_FALSE(r.defects[0].indicator);
        CHECK(r.dimensions == dims("20", "25", "25", "25"));
        CHECK(r.score == dec("95"));
    }
    SUBCASE("output_level2_missing: no timeliness, 25 − 2; quantified 5 of 5") {
        Project p = clean();
        p.indicators.erase(p.indicators.begin() + 2);
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"output_level2_missing"});
        CHECK(r.dimensions[0] == dec("23"));
        CHECK(r.quantification == dec("1"));
    }
    SUBCASE("indicator_incomplete: a numeric indicator without a unit, a ge without target; a date and a qual need neither unit") {
        Project p = clean();
        p.indicators[0].unit.clear();
        p.indicators[4].target = std::monostate{};
        p.indicators.push_back(extra(1, Direction::qual));
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"indicator_incomplete", "indicator_incomplete"});
        CHECK(r.defects[0].indicator == 0U);
        CHECK(r.defects[0].en == "indicator “培训人次” has no unit");
        CHECK(r.defects[1].indicator == 4U);
        CHECK(r.defects[1].zh == "指标“受益人数”缺少指标值");
        CHECK(r.dimensions[0] == dec("23"));
    }
    SUBCASE("goal_missing: blank goal, 25 − 5") {
        Project p = clean();
        p.goal = "  ";
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"goal_missing"});
        CHECK(r.dimensions[0] == dec("20"));
    }
}

TEST_CASE("review: relevance checks") {
    SUBCASE("level2_mismatch") {
        Project p = clean();
        p.indicators[4].level2 = Level2::quantity; // under benefit
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"level2_mismatch"});
        CHECK(r.defects[0].indicator == 4U);
        CHECK(r.dimensions[1] == dec("23"));
    }
    SUBCASE("duplicate_name past 64 indicators (a hash set instead of a scan): the same defects") {
        Project p = clean();
        for (int k = 1; k <= 64; ++k) p.indicators.push_back(extra(k)); // 70 indicators, 效益1 … 效益64
        p.indicators.push_back(extra(7));                                 // 效益7 again, index 70
        p.indicators.push_back(extra(64));                                // 效益64 again, index 71
        const ReviewResult r = review_project(p, national());
        // 72 indicators: also more than 30 (indicator_count); two repeats: relevance 25 − 4.
        CHECK(ids(r) == std::vector<std::string>{"duplicate_name", "duplicate_name", "indicator_count"});
        CHECK(r.defects[0].indicator == 70U);
        CHECK(r.defects[1].indicator == 71U);
        CHECK(r.dimensions[1] == dec("21"));
    }
    SUBCASE("duplicate_name: the second occurrence is the defect") {
        Project p = clean();
        p.indicators[4].name = "培训人次";
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"duplicate_name"});
        CHECK(r.defects[0].indicator == 4U);
        CHECK(r.dimensions[1] == dec("23"));
    }
    SUBCASE("cost_unit: 人 is no money unit; 元/人次 is") {
        Project p = clean();
        p.indicators[3].unit = "人";
        CHECK(ids(review_project(p, national())) == std::vector<std::string>{"cost_unit"});
        p.indicators[3].unit = "元/人次";
        CHECK(review_project(p, national()).defects.empty());
    }
    SUBCASE("a dimension never goes below 0: 13 duplicates × 2 = 26 > 25") {
        Project p = clean();
        for (int k = 0; k < 13; ++k) p.indicators.push_back(p.indicators[4]);
        const ReviewResult r = review_project(p, national());
        CHECK(r.defects.size() == 13);
        CHECK(r.dimensions == dims("25", "0", "25", "25"));
        CHECK(r.score == dec("75"));
        CHECK(grade_id(r) == "fair");
    }
}

TEST_CASE("review: appropriateness checks") {
    SUBCASE("satisfaction_target: 84.99% fails, 85% passes") {
        Project p = clean();
        p.indicators[5].target = dec("0.8499");
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"satisfaction_target"});
        CHECK(r.dimensions[2] == dec("22"));
        // A rate is stated as a percentage: 0.8499 → 84.99%, the minimum 0.85 → 85.00%.
        CHECK(r.defects[0].en == "satisfaction target “满意度” 84.99% is below 85.00%");
        CHECK(r.defects[0].zh == "满意度指标“满意度”的指标值 84.99% 低于 85.00%");
        p.indicators[5].target = dec("0.849999"); // 6 decimals: shown exactly, not rounded up to 85.00%
        CHECK(review_project(p, national()).defects[0].en == "satisfaction target “满意度” 84.9999% is below 85.00%");
        p.indicators[5].target = dec("0.85");
        CHECK(review_project(p, national()).defects.empty());
    }
    SUBCASE("cost_over_budget: 元 and 万元 summed against the budget, equal passes") {
        Project p = clean();
        p.indicators[3].target = dec("99500");
        p.indicators.push_back(ind(Level1::output, Level2::cost, "其他成本", Direction::le, "0.05", "万元"));
        CHECK(review_project(p, national()).defects.empty()); // 99,500 + 500 = 100,000.00
        p.indicators.back().target = dec("0.050001");         // + 0.01 yuan
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"cost_over_budget"});
        CHECK(r.defects[0].en == "cost indicators total 100000.01 yuan, above the budget 100000.00");
        CHECK(r.dimensions[2] == dec("20"));
    }
    SUBCASE("target_too_low: a ge target below last year's actual; equal passes; le ignored") {
        Project p = clean();
        p.indicators[0].last_year_actual = dec("1200");
        p.indicators[3].last_year_actual = dec("600");
        CHECK(review_project(p, national()).defects.empty());
        p.indicators[0].last_year_actual = dec("1300");
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"target_too_low"});
        CHECK(r.defects[0].indicator == 0U);
        CHECK(r.dimensions[2] == dec("23"));
    }
    SUBCASE("without last_year_actual the check is skipped, and the explanation says so") {
        bool said = false;
        for (const ExplanationLine& l : explain_review(clean(), review_project(clean(), national()), national(), Lang::en))
            said = said || l.text == "no last_year_actual given: targets not checked for being set too low";
        CHECK(said);
    }
}

TEST_CASE("review: feasibility checks") {
    SUBCASE("date_outside_year: 2024-01-01 in a 2023 budget; no year: not checked") {
        Project p = clean();
        p.indicators[2].target = make_date(2024, 1, 1);
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"date_outside_year"});
        CHECK(r.dimensions[3] == dec("23"));
        p.year.reset();
        CHECK(review_project(p, national()).defects.empty());
    }
    SUBCASE("quantification_low: 5 of 9 = 0.5556 fails; 6 of 10 = 0.6 passes; date and qual not quantified") {
        Project p = clean();
        for (int k = 1; k <= 3; ++k) p.indicators.push_back(extra(k, Direction::qual));
        ReviewResult r = review_project(p, national());
        CHECK(r.quantified == 5);
        CHECK(r.quantification == dec("0.5556"));
        CHECK(ids(r) == std::vector<std::string>{"quantification_low"});
        CHECK(r.dimensions[3] == dec("20"));
        CHECK(r.defects[0].zh == "量化率 5/9 = 55.56% 低于 60.00%");
        CHECK(r.defects[0].en == "quantification 5/9 = 55.56% is below 60.00%");
        p.indicators.push_back(extra(4));
        r = review_project(p, national());
        CHECK(r.quantification == dec("0.6"));
        CHECK(r.defects.empty());
    }
    SUBCASE("indicator_count: 30 passes, 31 fails") {
        Project p = clean();
        for (int k = 1; k <= 24; ++k) p.indicators.push_back(extra(k));
        CHECK(review_project(p, national()).defects.empty());
        p.indicators.push_back(extra(25));
        const ReviewResult r = review_project(p, national());
        CHECK(ids(r) == std::vector<std::string>{"indicator_count"});
        CHECK(r.dimensions[3] == dec("20"));
    }
    SUBCASE("a check switched off deducts nothing") {
        const RuleBook book = load_rules_text(profile("  checks: {goal_missing: {enabled: false}}\n"), "t.yaml");
        Project p = clean();
        p.goal.clear();
        CHECK(review_project(p, book.only()).defects.empty());
        // The explanation says so in words, the check's id only in the line's rule.
        bool said = false;
        for (const ExplanationLine& l : explain_review(p, review_project(p, book.only()), book.only(), Lang::zh))
            if (l.rule == "review.checks.goal_missing") said = l.text == "未启用“填写总体目标”检查";
        CHECK(said);
    }
}

TEST_CASE("review: grades and admissions through the score, at each boundary") {
    // goal_missing deducts d (completeness) and satisfaction_target e (appropriateness).
    const auto run = [](const char* d, const char* e) {
        const RuleBook book = load_rules_text(profile(std::string("  checks:\n    goal_missing: {deduction: ") + d +
                                                      "}\n    satisfaction_target: {deduction: " + e + "}\n"),
                                              "t.yaml");
        Project p = clean();
        p.goal.clear();
        p.indicators[5].target = dec("0.8");
        const ReviewResult r = review_project(p, book.only());
        return std::tuple(r.score, grade_id(r, book.only()), r.admission);
    };
    CHECK(run("10", "0") == std::tuple(dec("90"), std::string("excellent"), Admission::proceed));
    CHECK(run("10.01", "0") == std::tuple(dec("89.99"), std::string("good"), Admission::fix));
    CHECK(run("20", "0") == std::tuple(dec("80"), std::string("good"), Admission::fix));
    CHECK(run("20.01", "0") == std::tuple(dec("79.99"), std::string("fair"), Admission::resubmit));
    CHECK(run("25", "15") == std::tuple(dec("60"), std::string("fair"), Admission::resubmit));
    CHECK(run("25", "15.01") == std::tuple(dec("59.99"), std::string("poor"), Admission::reject));
}

TEST_CASE("review: a sheet without indicators scores 0 in completeness, is graded poor and rejected (seed 001)") {
    Project p = clean();
    p.indicators.clear();
    const ReviewResult r = review_project(p, national());
    CHECK(r.no_indicators);
    CHECK(r.indicators == 0);
    CHECK_FALSE(r.quantification);
    CHECK(ids(r) == std::vector<std::string>{"level1_missing", "level1_missing", "level1_missing", "indicator_count"});
    CHECK(r.dimensions == dims("0", "25", "25", "20"));
    CHECK(r.score == dec("70"));
    CHECK(grade_id(r) == "poor");
    CHECK(r.admission == Admission::reject);
    const auto lines = explain_review(p, r, national(), Lang::zh);
    CHECK(lines.back().text == "审核结论：不予安排预算");
    CHECK(lines.back().source.rfind("rules/national.yaml:", 0) == 0);
}

// --- the command ----------------------------------------------------------------

namespace {
/// The defect sheet of tests/data/review, written to out.csv in a fresh scratch directory `name`.
ReviewOptions defect_sheet(const std::string& name, std::filesystem::path& dir) {
    const std::string data = test::source_dir + "/tests/data/review/";
    dir = test::scratch_file("review", name);
    std::filesystem::create_directories(dir);
    ReviewOptions o;
    o.projects = data + "projects.csv";
    o.indicators = data + "indicators.csv";
    o.out = (dir / "out.csv").string();
    return o;
}
} // namespace

TEST_CASE("review_files: CSV with SPEC §6's columns, the summary, outputs never replace inputs") {
    std::filesystem::path dir;
    ReviewOptions o = defect_sheet("files", dir);
    o.summary = (dir / "summary.json").string();
    const ReviewSummary s = review_files(o, national_rules());
    CHECK(s.projects == 3);
    CHECK(s.indicators == 10);
    CHECK(s.quantified == 7);
    CHECK(s.by_grade == std::vector<std::size_t>{1, 0, 1, 1});
    CHECK(s.by_admission == std::array<std::size_t, 4>{1, 0, 1, 1});
    CHECK(s.budget_by_admission[3] == yuan("200000.00"));
    const std::string csv = test::slurp(o.out);
    // R2: no satisfaction (−5), no quality (−2), no goal (−5) → completeness 13; the qual
    // needs no target; 6 万元 = 60,000 > 50,000 (−5) and 100 < last year's 150 (−2) →
    // appropriateness 18; 2024-03-31 outside 2023 (−2), 2 of 4 quantified = 0.5 (−5),
    // 4 indicators pass → feasibility 18; 13 + 25 + 18 + 18 = 74 → fair, resubmit.
    // R3: no indicator → completeness 0, feasibility 25 − 5 (count) = 20; 70 but poor, reject.
    CHECK(csv == "project_id,department,budget,indicators,quantified,quantification,completeness,relevance,"
                 "appropriateness,feasibility,score,grade,admission,defects\n"
                 "R1,县教育局,100000.00,6,5,0.8333,25.00,25.00,25.00,25.00,100.00,excellent,proceed,\n"
                 "R2,县教育局,50000.00,4,2,0.5000,13.00,25.00,18.00,18.00,74.00,fair,resubmit,"
                 "level1_missing;output_level2_missing;goal_missing;cost_over_budget;target_too_low;"
                 "date_outside_year;quantification_low\n"
                 "R3,县水利局,200000.00,0,0,,0.00,25.00,25.00,20.00,70.00,poor,reject,no_indicators;level1_missing;"
                 "indicator_count\n");
    CHECK(review_summary_text(s, Lang::zh).find("三级绩效指标 10 个，量化率达 70.00%") != std::string::npos);
    // The output cannot be an input.
    o.out = o.indicators;
    CHECK_THROWS_AS(review_files(o, national_rules()), OptionsError);
    std::filesystem::remove_all(dir);
}

// --- `perfbudget test`: stage review ---------------------------------------------------

TEST_CASE("testing: a stage review case compares the review's fields, defects as a list of check ids") {
    const std::string head = "rules: national\n"
                             "cases:\n"
                             "  - name: no indicator\n"
                             "    stage: review\n"
                             "    projects:\n"
                             "      - {project_id: P1, name: n, department: d, budget: 1000.00, spent: 0, goal: g, indicators: []}\n"
                             "    expect:\n";
    const TestReport ok = run_test_text(head + "      P1: {indicators: 0, quantification: ~, completeness: 0.00, feasibility: 20.00,"
                                               " score: 70.00, grade: 差, admission: reject,"
                                               " defects: [no_indicators, level1_missing, indicator_count]}\n",
                                        "t.yaml");
    CHECK(ok.failed() == 0);
    const TestReport wrong = run_test_text(head + "      P1: {admission: resubmit, defects: [indicator_count]}\n", "t.yaml");
    REQUIRE(wrong.failed() == 1);
    CHECK(wrong.diff().find("P1 admission: expected resubmit, got reject") != std::string::npos);
    CHECK(wrong.diff().find("P1 defects: expected indicator_count, got no_indicators;level1_missing;indicator_count") !=
          std::string::npos);
    const auto bad = problems([&] { (void)run_test_text(head + "      P1: {defects: [goal_mising]}\n", "t.yaml"); });
    CHECK(any_contains(bad, "did you mean `goal_missing`"));
}

// --- a county's own steps (review.custom, review_custom.hpp) ----------------------------

namespace {

/// The clean sheet's review with `custom` (the list under `review: custom:`) added to the national rules.
struct County {
    RuleBook book;
    explicit County(const std::string& custom) : book(load_rules_text(profile("  custom:\n" + custom), "t.yaml")) {}
    const RuleSet& rules() const { return book.only(); }
    ReviewResult review(const Project& p) const { return review_project(p, rules()); }
};

const char* cost_in_money = "    - rule: cost_in_money\n"
                            "      zh: 成本指标应以万元或元计\n"
                            "      en: cost indicators must be in 万元 or 元\n"
                            "      when: not indicators.all(i, i.level2 != \"cost\" or i.unit in [\"万元\", \"元\"])\n"
                            "      then: {deduct.relevance: 2.5}\n";

} // namespace

TEST_CASE("review custom: a county's check over the indicators is a defect of its dimension, and re-grades") {
    const County c(cost_in_money);
    SUBCASE("every cost indicator in 元: the step does not fire") {
        const ReviewResult r = c.review(clean());
        CHECK(r.defects.empty());
        CHECK(r.fired_count == 0);
        CHECK(r.score == dec("100"));
        CHECK(review_defect_ids(r, c.rules()).empty());
    }
    SUBCASE("元/人次 passes the national cost_unit (it names 元) but not the county's check: relevance 25 − 2.5") {
        Project p = clean();
        p.indicators[3].unit = "元/人次";
        const ReviewResult r = c.review(p);
        REQUIRE(r.defects.size() == 1);
        const ReviewDefect& d = r.defects[0];
        CHECK(d.custom());
        CHECK(d.dimension() == ReviewDimension::relevance);
        CHECK(review_check_id(d, c.rules()) == "cost_in_money");
        CHECK(d.deduction == dec("2.5"));
        // The row a web page marks: the first indicator failing all(), 人均成本 (index 3).
        CHECK(d.indicator == std::optional<std::uint32_t>(3));
        CHECK(d.zh == "成本指标应以万元或元计（指标“人均成本”）");
        CHECK(d.en == "cost indicators must be in 万元 or 元 (indicator \"人均成本\")");
        CHECK(r.dimensions == dims("25", "22.5", "25", "25"));
        CHECK(r.score == dec("97.5"));
        CHECK(grade_id(r) == "excellent");
        CHECK(review_defect_ids(r, c.rules()) == "cost_in_money");
        CHECK(review_custom_ids(r, c.rules()) == std::vector<std::string_view>{"cost_in_money"});
        // The explanation cites the step: review.custom.<id> at its file:line.
        const auto lines = explain_review(p, r, c.rules(), Lang::en);
        const auto it = std::find_if(lines.begin(), lines.end(), [](const ExplanationLine& l) { return l.rule == "review.custom.cost_in_money"; });
        REQUIRE(it != lines.end());
        CHECK(it->source == "t.yaml:5");
        CHECK(it->text == "cost indicators must be in 万元 or 元 (indicator \"人均成本\"): relevance − 2.50");
    }
    SUBCASE("after the national defects: goal missing (−5) and 元/人次 (−2.5) → 92.50; the county's id comes last") {
        Project p = clean();
        p.goal.clear();
        p.indicators[3].unit = "元/人次";
        const ReviewResult r = c.review(p);
        CHECK(r.score == dec("92.5"));
        CHECK(review_defect_ids(r, c.rules()) == "goal_missing;cost_in_money");
    }
}

TEST_CASE("review custom: a county's check marks the indicator its quantifier stopped at, and only that step's") {
    Project p = clean();
    p.indicators[1].unit = "";   // 合格率 without a unit
    p.indicators[4].unit = "";   // 受益人数 without a unit
    // The national checks find the missing units too; the county's defects come after theirs.
    const auto county = [](const ReviewResult& r) {
        std::vector<ReviewDefect> out;
        for (const ReviewDefect& d : r.defects)
            if (d.custom()) out.push_back(d);
        return out;
    };
    SUBCASE("exists(): the first indicator satisfying it (index 1, not 4)") {
        const County c("    - rule: unit_missing\n      zh: 指标缺少计量单位\n      en: an indicator has no unit\n"
                       "      when: indicators.exists(i, i.quantified and i.unit == \"\")\n"
                       "      then: {deduct.completeness: 1}\n");
        const std::vector<ReviewDefect> d = county(c.review(p));
        REQUIRE(d.size() == 1);
        CHECK(d[0].indicator == std::optional<std::uint32_t>(1));
        CHECK(d[0].zh == "指标缺少计量单位（指标“合格率”）");
        CHECK(d[0].en == "an indicator has no unit (indicator \"合格率\")");
    }
    SUBCASE("a check without a quantifier marks the sheet, even after a step whose quantifier stopped but did not fire") {
        // Step 1 evaluates exists() (true at index 1) and fails on the budget; step 2 fires with no quantifier.
        const County c("    - rule: first\n      zh: 一\n      en: one\n"
                       "      when: indicators.exists(i, i.unit == \"\") and budget > 1000000\n"
                       "      then: {deduct.completeness: 1}\n"
                       "    - rule: second\n      zh: 二\n      en: two\n"
                       "      when: indicators.count >= 6\n"
                       "      then: {deduct.feasibility: 2}\n");
        const std::vector<ReviewDefect> d = county(c.review(p));
        REQUIRE(d.size() == 1);
        CHECK(review_check_id(d[0], c.rules()) == "second");
        CHECK_FALSE(d[0].indicator);
        CHECK(d[0].zh == "二");
    }
    SUBCASE("a decision table's row: the quantifier of the row that matched") {
        // Row 1 does not match (budget 100,000); row 2's cell compares has_goal (true) with exists(), true at index 1.
        const County c("    - table: units\n      zh: 计量单位不规范\n      en: units not standard\n"
                       "      hit: first\n      inputs: [budget, has_goal]\n      outputs: [deduct.relevance]\n      rows:\n"
                       "        - [\"> 1000000\", \"-\", 5]\n"
                       "        - [\"-\", \"== indicators.exists(i, i.quantified and i.unit == \\\"\\\")\", 1]\n");
        const std::vector<ReviewDefect> d = county(c.review(p));
        REQUIRE(d.size() == 1);
        CHECK(d[0].deduction == dec("1"));
        CHECK(d[0].indicator == std::optional<std::uint32_t>(1));
    }
}

TEST_CASE("review custom: a deduction that crosses a grade boundary re-grades and re-admits") {
    // feasibility − d on the clean sheet (100): 10 → 90.00 excellent; 10.01 → 89.99 good, fix.
    const auto run = [](const char* d) {
        const County c(std::string("    - rule: county_check\n      zh: 县级检查\n      en: county check\n"
                                   "      when: indicators.count >= 6\n      then: {deduct.feasibility: ") +
                       d + "}\n");
        const ReviewResult r = c.review(clean());
        return std::tuple(r.dimensions[3], r.score, grade_id(r), r.admission);
    };
    CHECK(run("10") == std::tuple(dec("15"), dec("90"), std::string("excellent"), Admission::proceed));
    CHECK(run("10.01") == std::tuple(dec("14.99"), dec("89.99"), std::string("good"), Admission::fix));
    // A dimension stops at 0: 30 from 25 leaves 0, so 75.00 → fair, resubmit.
    CHECK(run("30") == std::tuple(dec("0"), dec("75"), std::string("fair"), Admission::resubmit));
    CHECK(run("0") == std::tuple(dec("25"), dec("100"), std::string("excellent"), Admission::proceed));
}

TEST_CASE("review custom: admission and cut, read after the deductions") {
    // Steps in dependency order: the deduction first, then what reads the grade.
    const County c("    - rule: few_benefits\n"
                   "      zh: 效益指标不足两个\n"
                   "      en: fewer than two benefit indicators\n"
                   "      when: indicators.count(i, i.level1 == \"效益指标\") < 2\n"
                   "      then: {deduct.completeness: 12}\n"
                   "    - rule: revised_still_failing\n"
                   "      zh: 修改后仍为中或差，不予列入预算\n"
                   "      en: still fair or poor after revision, not budgeted\n"
                   "      when: revision == \"修改后\" and grade in [\"中\", \"差\"]\n"
                   "      then: {admission: reject}\n"
                   "    - rule: trim\n"
                   "      zh: 目标设置不合理，酌情削减\n"
                   "      en: unreasonable targets, cut\n"
                   "      when: appropriateness.defects > 0 and admission != \"reject\"\n"
                   "      then: {cut: 10%}\n");
    SUBCASE("one benefit indicator: completeness 13, score 88.00 good; first submission → fix, no cut") {
        const ReviewResult r = c.review(clean());
        CHECK(r.score == dec("88"));
        CHECK(r.admission == Admission::fix);
        CHECK_FALSE(r.has_cut);
        CHECK(review_custom_ids(r, c.rules()) == std::vector<std::string_view>{"few_benefits"});
    }
    SUBCASE("and no goal (−5): completeness 8, 83.00 good even when revised") {
        Project p = clean();
        p.goal.clear();
        p.revision = Revision::revised;
        const ReviewResult r = c.review(p);
        CHECK(r.score == dec("83"));
        CHECK(r.admission == Admission::fix);
        CHECK_FALSE(r.admission_set);
    }
    SUBCASE("satisfaction 80% (−3 appropriateness) and 5 万元 cost over 40,000.05 budget (−5): 88 − 8 = 80.00 good → cut") {
        Project p = clean();
        p.indicators[5].target = dec("0.8");
        p.indicators[3].unit = "万元";
        p.indicators[3].target = dec("5");
        p.budget = yuan("40000.05");
        const ReviewResult r = c.review(p);
        CHECK(r.score == dec("80"));
        CHECK(grade_id(r) == "good");
        CHECK(r.admission == Admission::fix);
        REQUIRE(r.has_cut);
        CHECK(r.cut_rate == dec("0.1"));
        CHECK(r.cut == yuan("4000.01")); // 40,000.05 × 10% = 4,000.005 → half-up 4,000.01
        CHECK(r.cut_step == 3);
        const auto lines = explain_review(p, r, c.rules(), Lang::zh);
        CHECK(lines.back().text == "建议核减 40000.05 × 10.00% = 4000.01 元");
        CHECK(lines.back().rule == "review.custom.trim");
    }
    SUBCASE("the same sheet revised, one more defect (no goal, −5): 75.00 fair, revised → reject, and no cut") {
        Project p = clean();
        p.indicators[5].target = dec("0.8");
        p.goal.clear();
        p.revision = Revision::revised;
        const ReviewResult r = c.review(p);
        // completeness 25 − 12 − 5 = 8, appropriateness 22: 8 + 25 + 22 + 25 = 80 → good. Take 5 more:
        CHECK(r.score == dec("80"));
        p.indicators[0].last_year_actual = dec("1300"); // 1200 < 1300: target_too_low, −2 → 78.00 fair
        const ReviewResult f = c.review(p);
        CHECK(f.score == dec("78"));
        CHECK(grade_id(f) == "fair");
        CHECK(f.admission == Admission::reject);
        CHECK(f.admission_set);
        CHECK_FALSE(f.has_cut);
        CHECK(review_custom_ids(f, c.rules()) == std::vector<std::string_view>{"few_benefits", "revised_still_failing"});
        const auto lines = explain_review(p, f, c.rules(), Lang::en);
        CHECK(std::any_of(lines.begin(), lines.end(), [](const ExplanationLine& l) {
            return l.rule == "review.custom.revised_still_failing" &&
                   l.text == "admission: reject (still fair or poor after revision, not budgeted)";
        }));
        p.revision = Revision::first;
        CHECK(c.review(p).admission == Admission::resubmit);
    }
}

TEST_CASE("review custom: errors at load and at run time") {
    const auto load = [](const std::string& custom) {
        return problems([&] { (void)load_rules_text(profile("  custom:\n" + custom), "t.yaml"); });
    };
    const std::string head = "    - rule: x\n      zh: 甲\n      en: x\n";
    CHECK(any_contains(load(head + "      when: indicators.all(i, i.unt == \"元\")\n      then: {deduct.relevance: 1}\n"),
                       "unknown field \"unt\" of indicators — did you mean \"i.unit\"?"));
    CHECK(any_contains(load(head + "      when: indicators.all(i, i.unt == \"元\")\n      then: {deduct.relevance: 1}\n"), "t.yaml:8:"));
    CHECK(any_contains(load(head + "      when: revision == \"second\"\n      then: {admission: reject}\n"),
                       "unknown revision \"second\""));
    CHECK(any_contains(load(head + "      when: true\n      then: {admission: approve}\n"), "approve"));
    CHECK(any_contains(load(head + "      when: true\n      then: {deduct.relevence: 1}\n"), "did you mean"));
    // Reading the grade before a step that deducts (and so re-grades) is refused: order is dependency order.
    CHECK(any_contains(load(head + "      when: grade == \"poor\"\n      then: {admission: reject}\n"
                                   "    - rule: y\n      zh: 乙\n      en: y\n      when: true\n      then: {deduct.feasibility: 1}\n"),
                       "grade"));
    CHECK(any_contains(load("    - table: t\n      hit: first\n      inputs: [indicators]\n      outputs: [cut]\n"
                            "      rows:\n        - [\"-\", 10%]\n"),
                       "is a list: a table column holds one value"));
    // At run time: a negative deduction, or one with more than 2 decimals.
    const County neg(head + "      when: true\n      then: {deduct.relevance: \"indicators.count - 7\"}\n");
    try {
        neg.review(clean());
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.diagnostics().front().en == "project R1: review custom rule at t.yaml:9: the deduction must be 0 or more, not -1");
    }
    const County fine(head + "      when: true\n      then: {deduct.relevance: \"indicators.count / 400\"}\n");
    CHECK(problems([&] { (void)fine.review(clean()); }).front().en.find("0.015 has more than 2 decimals; round() it") !=
          std::string::npos);
}

TEST_CASE("review custom: the schema lists every input and output, and docs/rules.md shows it") {
    const custom::StageSchema& s = review_schema();
    REQUIRE(s.inputs().size() == review_slot_count);
    REQUIRE(s.outputs().size() == review_target_count);
    CHECK(*s.input("indicators") == static_cast<std::size_t>(ReviewSlot::indicators));
    CHECK(*s.input("year") == static_cast<std::size_t>(ReviewSlot::year));
    CHECK(*s.output("deduct.feasibility") == static_cast<std::size_t>(ReviewTarget::deduct_feasibility));
    CHECK(*s.output("cut") == static_cast<std::size_t>(ReviewTarget::cut));
    const expr::Schema* item = s.expr().item(static_cast<std::size_t>(ReviewSlot::indicators));
    REQUIRE(item);
    CHECK(*item->find("last_year_actual") == static_cast<std::size_t>(ReviewItem::last_year_actual));
    CHECK_FALSE(s.indicator_rules());
    CHECK(test::slurp(test::source_dir + "/docs/rules.md").find(custom::schema_markdown(s)) != std::string::npos);
}

// --- the county profiles' review rules (rules/*.yaml, seeds 001, 003, 004) ----------------

namespace {

const RuleSet& profile_rules(const char* name) {
    static std::map<std::string, RuleBook> books;
    auto it = books.find(name);
    if (it == books.end()) it = books.emplace(name, load_rules_file(test::source_dir + "/rules/" + name + ".yaml")).first;
    return it->second.only();
}

/// The clean sheet, then 20 points of national defects: no goal (−5), no satisfaction
/// indicator (−5), 受益人数 without unit (−1) → completeness 14; 人均成本 11 万元 =
/// 110,000 > 100,000 (−5), 培训人次 1200 < 1300 and 受益人数 3000 < 3500 last year
/// (−2 × 2) → appropriateness 16; 14 + 25 + 16 + 25 = 80.00 良. `more`: 培训人次 without
/// unit too (−1) → completeness 13, 79.00 中.
Project sheet80(bool more = false) {
    Project p = clean();
    p.goal.clear();
    p.indicators.pop_back();
    p.indicators[4].unit.clear();
    p.indicators[3].unit = "万元";
    p.indicators[3].target = dec("11");
    p.indicators[0].last_year_actual = dec("1300");
    p.indicators[4].last_year_actual = dec("3500");
    if (more) p.indicators[0].unit.clear();
    return p;
}

/// Seven satisfaction indicators all named 满意度, six at 50% and the last at `last`,
/// with a goal: completeness 25 − 5 × 2 = 15 (no output, no benefit); relevance 25 − 2 × 6
/// = 13 (six repeats); appropriateness 25 − 3 × (6, or 7 when `last` < 85%) = 7 or 4;
/// feasibility 25 → 60.00 中, or 57.00 差.
Project satisfaction_sheet(const char* last) {
    Project p = clean();
    p.indicators.assign(7, ind(Level1::satisfaction, Level2::satisfaction, "满意度", Direction::ge, "0.5", "%"));
    p.indicators.back().target = dec(last);
    return p;
}

std::vector<std::string_view> fired(const ReviewResult& r, const RuleSet& rules) { return review_custom_ids(r, rules); }

} // namespace

TEST_CASE("lanzhou-new-area: a revised sheet still graded 中 or 差 is not budgeted (seed 003)") {
    const RuleSet& lz = profile_rules("lanzhou-new-area");
    CHECK(review_project(sheet80(), lz).score == dec("80"));
    CHECK(review_project(sheet80(true), lz).score == dec("79"));
    const auto admission = [&](Project p, Revision rev) {
        p.revision = rev;
        return review_project(p, lz).admission;
    };
    // 80.00 良: fix, first or revised; 79.00 中: resubmit the first time, reject when revised.
    CHECK(admission(sheet80(), Revision::first) == Admission::fix);
    CHECK(admission(sheet80(), Revision::revised) == Admission::fix);
    CHECK(admission(sheet80(true), Revision::first) == Admission::resubmit);
    CHECK(admission(sheet80(true), Revision::revised) == Admission::reject);
    // 60.00 中 revised: reject; 57.00 差: reject either way (the rule fires only when revised).
    CHECK(admission(satisfaction_sheet("0.9"), Revision::revised) == Admission::reject);
    CHECK(admission(satisfaction_sheet("0.9"), Revision::first) == Admission::resubmit);
    Project poor = satisfaction_sheet("0.5");
    CHECK(review_project(poor, lz).score == dec("57"));
    CHECK(fired(review_project(poor, lz), lz).empty());
    poor.revision = Revision::revised;
    const ReviewResult r = review_project(poor, lz);
    CHECK(r.admission == Admission::reject);
    CHECK(fired(r, lz) == std::vector<std::string_view>{"revised_still_failing"});
    // The explanation cites the profile's rule and the seed's words.
    const auto lines = explain_review(poor, r, lz, Lang::zh);
    CHECK(lines.back().rule == "review.custom.revised_still_failing");
    const std::string cited = lines.back().source;
    CHECK(cited.substr(cited.size() - std::string_view("rules/lanzhou-new-area.yaml:113").size()) ==
          "rules/lanzhou-new-area.yaml:113");
    CHECK(lines.back().text == "审核结论：不予安排预算（审核结果为中、差的绩效目标经修改完善后仍达不到要求，一律不予列入预算）");
    // Nationally the revision changes nothing.
    Project fair = sheet80(true);
    fair.revision = Revision::revised;
    CHECK(review_project(fair, national()).admission == Admission::resubmit);
}

TEST_CASE("changji: no targets, or graded 差 → no budget (seed 001)") {
    const RuleSet& cj = profile_rules("changji");
    SUBCASE("a goal and indicators, 100.00: proceed; no goal (or only blanks): 95.00 but reject") {
        CHECK(review_project(clean(), cj).admission == Admission::proceed);
        Project p = clean();
        p.goal = " \t";
        const ReviewResult r = review_project(p, cj);
        CHECK(r.score == dec("95"));
        CHECK(grade_id(r, cj) == "excellent");
        CHECK(r.admission == Admission::reject);
        CHECK(fired(r, cj) == std::vector<std::string_view>{"no_targets"});
        CHECK(review_project(p, national()).admission == Admission::proceed);
    }
    SUBCASE("no indicator: both rules fire") {
        Project p = clean();
        p.indicators.clear();
        const ReviewResult r = review_project(p, cj);
        CHECK(r.admission == Admission::reject);
        CHECK(fired(r, cj) == std::vector<std::string_view>{"no_targets", "unreasonable_targets"});
    }
    SUBCASE("60.00 中: resubmit; 57.00 差: reject, citing the seed") {
        const ReviewResult fair = review_project(satisfaction_sheet("0.9"), cj);
        CHECK(fair.score == dec("60"));
        CHECK(fair.admission == Admission::resubmit);
        CHECK(fired(fair, cj).empty());
        const ReviewResult poor = review_project(satisfaction_sheet("0.5"), cj);
        CHECK(poor.admission == Admission::reject);
        CHECK(fired(poor, cj) == std::vector<std::string_view>{"unreasonable_targets"});
    }
}

TEST_CASE("yuechi: unreasonable targets (an appropriateness defect) → a 10% cut, unless rejected (seed 004)") {
    const RuleSet& yc = profile_rules("yuechi");
    // Satisfaction 85% passes (equal is not below): no defect, no cut; 84% fails:
    // −3 → 97.00 优, proceed, cut 100,000.00 × 10% = 10,000.00.
    Project p = clean();
    p.indicators[5].target = dec("0.85");
    ReviewResult r = review_project(p, yc);
    CHECK(r.defects.empty());
    CHECK_FALSE(r.has_cut);
    p.indicators[5].target = dec("0.84");
    r = review_project(p, yc);
    CHECK(r.score == dec("97"));
    CHECK(r.admission == Admission::proceed);
    REQUIRE(r.has_cut);
    CHECK(r.cut_rate == dec("0.1"));
    CHECK(r.cut == yuan("10000.00"));
    CHECK(fired(r, yc) == std::vector<std::string_view>{"unreasonable_targets_cut"});
    // A defect of another dimension only (no goal: completeness): no cut.
    Project q = clean();
    q.goal.clear();
    CHECK_FALSE(review_project(q, yc).has_cut);
    // 57.00 差 has appropriateness defects but is rejected: no budget, so no cut.
    r = review_project(satisfaction_sheet("0.5"), yc);
    CHECK(r.admission == Admission::reject);
    CHECK_FALSE(r.has_cut);
    // 60.00 中 (six defects of appropriateness): resubmit and cut.
    r = review_project(satisfaction_sheet("0.9"), yc);
    CHECK(r.admission == Admission::resubmit);
    CHECK(r.cut == yuan("10000.00"));
}

TEST_CASE("projects.csv revision: first (default) or revised, in English or Chinese; anything else is an error") {
    const auto dir = test::scratch_file("review", "revision");
    std::filesystem::create_directories(dir);
    const std::string projects = (dir / "projects.csv").string(), indicators = (dir / "indicators.csv").string();
    const auto write = [](const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; };
    write(indicators, "project_id,level1,level2,name,direction,target,unit\nA,output,quantity,人次,ge,1,人\n");
    write(projects, "project_id,name,department,budget,spent,申报批次\nA,a,d,1.00,0,修改后\nB,b,d,1.00,0,\nC,c,d,1.00,0,first\n");
    const std::vector<Project> ps = read_projects(projects, indicators, Encoding::utf8);
    REQUIRE(ps.size() == 3);
    CHECK(ps[0].revision == Revision::revised);
    CHECK(ps[1].revision == Revision::first);
    CHECK(ps[2].revision == Revision::first);
    write(projects, "project_id,name,department,budget,spent,revision\nA,a,d,1.00,0,second\n");
    const auto bad = problems([&] { (void)read_projects(projects, indicators, Encoding::utf8); });
    CHECK(any_contains(bad, "projects.csv:2"));
    CHECK(any_contains(bad, "one of first, revised"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("review_files with a county's steps: reasons, cut and cut_amount after SPEC §6's columns") {
    // tests/data/review with rules/yuechi.yaml: R2 (74.00 中, resubmit) has two appropriateness
    // defects → cut 10% of 50,000.00 = 5,000.00; R1 has no defect; R3 is rejected: no cut.
    std::filesystem::path dir;
    ReviewOptions o = defect_sheet("county", dir);
    const RuleBook yc = load_rules_file(test::source_dir + "/rules/yuechi.yaml");
    (void)review_files(o, yc);
    CHECK(test::slurp(o.out) ==
          "project_id,department,budget,indicators,quantified,quantification,completeness,relevance,"
          "appropriateness,feasibility,score,grade,admission,defects,reasons,cut,cut_amount\n"
          "R1,县教育局,100000.00,6,5,0.8333,25.00,25.00,25.00,25.00,100.00,excellent,proceed,,,,\n"
          "R2,县教育局,50000.00,4,2,0.5000,13.00,25.00,18.00,18.00,74.00,fair,resubmit,"
          "level1_missing;output_level2_missing;goal_missing;cost_over_budget;target_too_low;"
          "date_outside_year;quantification_low,unreasonable_targets_cut,0.1000,5000.00\n"
          "R3,县水利局,200000.00,0,0,,0.00,25.00,25.00,20.00,70.00,poor,reject,no_indicators;level1_missing;"
          "indicator_count,,,\n");
    o.format = OutputFormat::json;
    o.lang = Lang::en;
    (void)review_files(o, yc);
    const std::string json = test::slurp(o.out);
    CHECK(json.find("\"reasons\": [\n    \"unreasonable_targets_cut\"\n  ],\n  \"cut\": \"0.1000\",\n  \"cut_amount\": \"5000.00\"") !=
          std::string::npos);
    CHECK(json.find("\"reasons\": [],\n  \"cut\": null,\n  \"cut_amount\": null") != std::string::npos);
    CHECK(json.find("cut recommended: 50000.00 × 10.00% = 5000.00 yuan") != std::string::npos);
    std::filesystem::remove_all(dir);
}

// --- streaming and in-memory review give the same bytes ---------------------------------

namespace {
/// The output and summary of review_files() with `o`, streamed or in memory.
std::pair<std::string, std::string> review_both_ways(ReviewOptions o, const RuleBook& rules, bool in_memory) {
    o.in_memory = in_memory;
    const std::string tag = in_memory ? "memory" : "stream";
    o.out = test::scratch_file("review-paths", tag + ".out").string();
    o.summary = test::scratch_file("review-paths", tag + ".json").string();
    (void)review_files(o, rules);
    return {test::slurp(o.out), test::slurp(o.summary)};
}
} // namespace

TEST_CASE("review_files: the streamed path writes exactly what the in-memory path writes") {
    // Every shipped rule file, on the example county and on the defect sheets, as CSV for
    // programs and as the Chinese table with names; then the example county's indicator
    // rows in reverse order (not contiguous per project), which the duplicate-name check
    // must still see.
    const std::string reversed = test::scratch_file("review-paths", "reversed.csv").string();
    {
        std::ifstream in(test::example_indicators);
        std::string header, line;
        std::getline(in, header);
        std::vector<std::string> rows;
        while (std::getline(in, line)) rows.push_back(line);
        std::ofstream out(reversed);
        out << header << '\n';
        for (auto it = rows.rbegin(); it != rows.rend(); ++it) out << *it << '\n';
    }
    const std::vector<std::pair<std::string, std::string>> data = {
        {test::example_projects, test::example_indicators},
        {test::source_dir + "/tests/data/review/projects.csv", test::source_dir + "/tests/data/review/indicators.csv"},
        {test::example_projects, reversed},
    };
    for (const char* profile : {"national", "changji", "lanzhou-new-area", "urumqi-county", "wuchang", "yuechi"}) {
        const RuleBook rules = load_rules_file(test::source_dir + "/rules/" + profile + ".yaml");
        for (const auto& files : data) // not a structured binding: clang 14 cannot capture one in CAPTURE
            for (const bool chinese : {false, true}) {
                const std::string& indicators = files.second;
                CAPTURE(profile);
                CAPTURE(indicators);
                CAPTURE(chinese);
                ReviewOptions o;
                o.projects = files.first;
                o.indicators = indicators;
                o.table.chinese_headers = chinese;
                o.lang = chinese ? Lang::zh : Lang::en;
                const auto streamed = review_both_ways(o, rules, false);
                const auto in_memory = review_both_ways(o, rules, true);
                CHECK(streamed.first.size() > 100); // rows were written
                CHECK(streamed.first == in_memory.first);
                CHECK(streamed.second == in_memory.second);
            }
    }
    std::filesystem::remove_all(std::filesystem::path(reversed).parent_path());
}
