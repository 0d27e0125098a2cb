// Tests for the ex-ante assessment (事前绩效评估, assess.hpp, SPEC §7): rules, input,
// the stage and the command. Every expected value is computed by hand.
//
// Worked example A1 (national rules: weights 25/20/20/20/15, five experts, so one
// highest and one lowest score per dimension are left out):
//   necessity   90 85 88 70 95    − 95 − 70  → (90 + 85 + 88)/3     = 263/3   = 87.666… → 87.67
//   economy     80 80 80 80 80    − 80 − 80  → 240/3                = 80      → 80.00 (a tie: one each)
//   targets     75.5 82 90 60 88  − 90 − 60  → (75.5 + 82 + 88)/3   = 245.5/3 = 81.833… → 81.83
//   feasibility 70 72 74 76 78    − 78 − 70  → 222/3                = 74      → 74.00
//   financing   100 95 95 90 85   − 100 − 85 → 280/3                = 93.333… → 93.33
//   score = (25 × 263/3 + 20 × 80 + 20 × 245.5/3 + 20 × 74 + 15 × 280/3) / 100
//         = (15685/3 + 3080) / 100 = 24925/300 = 83.08333… → 83.08 → good 良, approved.
#include "perfbudget/assess.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/testing.hpp"

#include "support.hpp"
#include "support_problems.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

using namespace perfbudget;
using perfbudget::test::any_contains;
using perfbudget::test::dec;
using perfbudget::test::problems;
using perfbudget::test::yuan;

namespace {

const std::string data = std::string(PERFBUDGET_TEST_DATA) + "/assess/";

Project project(const char* budget = "1000000.00") {
    Project p;
    p.id = "A1";
    p.department = "县消防救援大队";
    p.budget = yuan(budget);
    return p;
}

/// Experts E1, E2… with one row of five scores (necessity … financing) each.
ProjectAssessment scores(std::initializer_list<std::array<const char*, 5>> experts) {
    ProjectAssessment a;
    a.project_id = "A1";
    a.source_line = 2;
    int k = 0;
    for (const auto& row : experts) {
        ExpertScores& e = a.experts.emplace_back();
        e.expert = "E" + std::to_string(++k);
        for (std::size_t d = 0; d < assess_dimension_count; ++d) e.set(static_cast<AssessDimension>(d), dec(row[d]));
    }
    return a;
}

/// One expert giving `s` on every dimension: the score is `s`.
ProjectAssessment flat(const char* s) { return scores({{s, s, s, s, s}}); }

const RuleSet& national() { return national_rules().only(); }

std::string grade_id(const AssessResult& r, const RuleSet& rules = national()) { return rules.grades.bands[r.grade].id; }

/// Worked example A1 (the comment at the top). A function: dec() needs a running test.
const ProjectAssessment& worked_example() {
    static const ProjectAssessment a = scores({{"90", "80", "75.5", "70", "100"},
                                               {"85", "80", "82", "72", "95"},
                                               {"88", "80", "90", "74", "95"},
                                               {"70", "80", "60", "76", "90"},
                                               {"95", "80", "88", "78", "85"}});
    return a;
}


std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string profile(const std::string& assessment) {
    return "base: national\nprofile: t\nassessment:\n" + assessment;
}

std::vector<Diagnostic> load_problems(const std::string& text) {
    return problems([&] { (void)load_rules_text(text, "t.yaml"); });
}

} // namespace

// --- rules -------------------------------------------------------------------

TEST_CASE("assessment rules: national defaults (SPEC §7)") {
    const AssessmentRules& a = national().assessment;
    CHECK(a.weights.points == std::array<Decimal, 5>{dec("25"), dec("20"), dec("20"), dec("20"), dec("15")});
    CHECK(a.drop_extremes.enabled);
    CHECK(a.drop_extremes.min_experts == 5);
    CHECK_FALSE(a.approve.defaulted);
    CHECK(a.approve.approves(0, 4));
    CHECK(a.approve.approves(2, 4));
    CHECK_FALSE(a.approve.approves(3, 4)); // poor
    CHECK_FALSE(a.mid_year_cut.any());
    CHECK(national().cite(a.weights.where[4]).rfind("rules/national.yaml:", 0) == 0);
}

TEST_CASE("assessment rules: a profile overrides key by key; without the section, every grade but the lowest is approved") {
    const RuleBook book = load_rules_text(profile("  weights: {necessity: 30, financing: 10}\n"
                                                  "  drop_extremes: {min_experts: 3}\n"),
                                          "t.yaml");
    const AssessmentRules& a = book.only().assessment;
    CHECK(a.weights.points == std::array<Decimal, 5>{dec("30"), dec("20"), dec("20"), dec("20"), dec("10")});
    CHECK(book.cite(a.weights.where[0]) == "t.yaml:4");
    CHECK(book.cite(a.weights.where[1]).rfind("rules/national.yaml:", 0) == 0);
    CHECK(a.drop_extremes.enabled);
    CHECK(a.drop_extremes.min_experts == 3);

    // A complete file without `assessment:` (a test's own rules).
    std::string text(national_rules_text());
    text = text.substr(0, text.find("\nassessment:")) + "\n";
    const RuleBook full = load_rules_text(text, "full.yaml"); // kept: `d` refers into it
    const AssessmentRules& d = full.only().assessment;
    CHECK(d.approve.defaulted);
    CHECK(d.approve.approves(2, 4));
    CHECK_FALSE(d.approve.approves(3, 4));
    CHECK(d.weights.points[0] == dec("25"));
}

TEST_CASE("assessment rules: a bad section is an error with file:line:column") {
    SUBCASE("unknown key, with a suggestion") {
        const auto list = load_problems(profile("  drop_extreme: {enabled: false}\n"));
        REQUIRE(list.size() == 1);
        CHECK(list[0].where.to_string() == "t.yaml:4:3");
        CHECK(list[0].en.find("did you mean `drop_extremes`") != std::string::npos);
    }
    SUBCASE("weights must total 100") {
        const auto list = load_problems(profile("  weights: {necessity: 30}\n"));
        REQUIRE(list.size() == 1);
        CHECK(list[0].where.to_string() == "t.yaml:4:3");
        CHECK(list[0].en.find("must total 100, found 105.00") != std::string::npos);
        CHECK(list[0].zh.find("权重之和应为 100") != std::string::npos);
    }
    SUBCASE("at most 2 decimals") {
        const auto list = load_problems(profile("  weights: {necessity: 24.995, economy: 20.005}\n"));
        REQUIRE(list.size() == 2);
        CHECK(list[0].where.to_string() == "t.yaml:4:24");
    }
    SUBCASE("min_experts below 3") {
        const auto list = load_problems(profile("  drop_extremes: {min_experts: 2}\n"));
        REQUIRE(list.size() == 1);
        CHECK(list[0].en.find("from 3 to") != std::string::npos);
    }
    SUBCASE("an unknown grade in approve") {
        const auto list = load_problems(profile("  approve: {grades: [excellent, goood]}\n"));
        REQUIRE(list.size() == 1);
        CHECK(list[0].en.find("unknown grade `goood`") != std::string::npos);
    }
    SUBCASE("a cut rate above 100%") {
        const auto list = load_problems(profile("  mid_year_cut: {poor: 120%}\n"));
        REQUIRE(list.size() == 1);
        CHECK(list[0].where.to_string() == "t.yaml:4:24");
    }
}

// --- the stage ---------------------------------------------------------------

TEST_CASE("assess: worked example A1 (five experts: one highest and one lowest left out)") {
    const AssessResult r = assess_project(project(), worked_example(), national());
    CHECK(r.experts == 5);
    const std::array<const char*, 5> shown{"87.67", "80.00", "81.83", "74.00", "93.33"};
    for (std::size_t d = 0; d < 5; ++d) {
        CHECK(r.dimensions[d].dropped);
        CHECK(r.dimensions[d].counted == 3);
        CHECK(r.dimensions[d].shown.to_string(2) == shown[d]);
    }
    CHECK(r.dimensions[0].mean == Fraction::positive(263, 3));
    CHECK(r.dimensions[0].high == 4); // E5's 95
    CHECK(r.dimensions[0].low == 3);  // E4's 70
    // economy: all 80: one highest (the first, E1) and one lowest (E2) only.
    CHECK(r.dimensions[1].high == 0);
    CHECK(r.dimensions[1].low == 1);
    CHECK(r.dimensions[1].sum == dec("240"));
    CHECK(r.exact_score == Fraction::positive(24925, 300));
    CHECK(r.score == dec("83.08"));
    CHECK(grade_id(r) == "good");
    CHECK(r.approved);
    CHECK(r.cut_amount == Money());
}

TEST_CASE("assess: four experts are not trimmed, five are") {
    // necessity 60 80 90 100: with 4 experts the mean of all = 82.5; the 5th (70) makes
    // 5: drop 100 and 60 → (80 + 90 + 70)/3 = 80.
    const ProjectAssessment four = scores({{"60", "80", "80", "80", "80"},
                                           {"80", "80", "80", "80", "80"},
                                           {"90", "80", "80", "80", "80"},
                                           {"100", "80", "80", "80", "80"}});
    const AssessResult r4 = assess_project(project(), four, national());
    CHECK_FALSE(r4.dimensions[0].dropped);
    CHECK(r4.dimensions[0].counted == 4);
    CHECK(r4.dimensions[0].shown == dec("82.5"));
    // score = (25 × 82.5 + 75 × 80) / 100 = 80.625 → 80.63
    CHECK(r4.score == dec("80.63"));

    ProjectAssessment five = four;
    ExpertScores& e = five.experts.emplace_back();
    e.expert = "E5";
    for (std::size_t d = 0; d < 5; ++d) e.set(static_cast<AssessDimension>(d), dec(d == 0 ? "70" : "80"));
    const AssessResult r5 = assess_project(project(), five, national());
    CHECK(r5.dimensions[0].dropped);
    CHECK(r5.dimensions[0].shown == dec("80"));
    CHECK(r5.score == dec("80"));

    // Switched off, five experts are not trimmed either: (60+80+90+100+70)/5 = 80 too,
    // so use the exact mean to tell: 400/5.
    RuleSet off = national();
    off.assessment.drop_extremes.enabled = false;
    const AssessResult r5off = assess_project(project(), five, off);
    CHECK_FALSE(r5off.dimensions[0].dropped);
    CHECK(r5off.dimensions[0].counted == 5);
}

TEST_CASE("assess: a tie in the highest score drops only one of them") {
    // 95 95 80 70 85 → drop one 95 and the 70 → (95 + 80 + 85)/3 = 260/3 = 86.666… → 86.67
    const ProjectAssessment a = scores({{"95", "80", "80", "80", "80"},
                                        {"95", "80", "80", "80", "80"},
                                        {"80", "80", "80", "80", "80"},
                                        {"70", "80", "80", "80", "80"},
                                        {"85", "80", "80", "80", "80"}});
    const AssessResult r = assess_project(project(), a, national());
    CHECK(r.dimensions[0].sum == dec("260"));
    CHECK(r.dimensions[0].shown == dec("86.67"));
    CHECK(r.dimensions[0].high == 0);
    CHECK(r.dimensions[0].low == 3);
    // (25 × 260/3 + 75 × 80)/100 = (6500/3 + 6000)/100 = 24500/300 = 81.666… → 81.67
    CHECK(r.score == dec("81.67"));
}

TEST_CASE("assess: every grade boundary (lower bounds inclusive)") {
    const std::pair<const char*, const char*> cases[] = {{"100", "excellent"}, {"90", "excellent"}, {"89.99", "good"},
                                                         {"80", "good"},       {"79.99", "fair"},   {"60", "fair"},
                                                         {"59.99", "poor"},    {"0", "poor"}};
    for (const auto& c : cases) {
        const char* s = c.first; // not a structured binding: clang 14 cannot capture one (CAPTURE is a lambda)
        const char* grade = c.second;
        CAPTURE(s);
        const AssessResult r = assess_project(project(), flat(s), national());
        CHECK(r.score == dec(s));
        CHECK(grade_id(r) == grade);
        CHECK(r.approved == (std::string(grade) != "poor"));
    }
}

TEST_CASE("assess: the score is rounded once, from the exact means") {
    // Two experts: E1 89.99 everywhere; E2 90 on four dimensions, 89.99 on financing.
    // Four means are 89.995 (shown 90.00), financing 89.99. Exact: (85 × 89.995 + 15 ×
    // 89.99)/100 = 89.99425 → 89.99 good. Rounding the means first would give
    // (85 × 90 + 15 × 89.99)/100 = 89.9985 → 90.00 excellent: the SPEC rounds once.
    const ProjectAssessment a = scores({{"89.99", "89.99", "89.99", "89.99", "89.99"}, {"90", "90", "90", "90", "89.99"}});
    const AssessResult r = assess_project(project(), a, national());
    CHECK(r.dimensions[0].shown == dec("90"));
    CHECK(r.dimensions[4].shown == dec("89.99"));
    CHECK(r.score == dec("89.99"));
    CHECK(grade_id(r) == "good");
}

TEST_CASE("assess: approval follows assessment.approve, and a cut follows assessment.mid_year_cut") {
    const RuleBook book = load_rules_text(profile("  approve: {grades: [excellent, good]}\n"
                                                  "  mid_year_cut: {fair: 10%, poor: 100%}\n"),
                                          "t.yaml");
    const RuleSet& rules = book.only();
    const AssessResult fair = assess_project(project("1234567.89"), flat("75"), rules);
    CHECK(grade_id(fair, rules) == "fair");
    CHECK_FALSE(fair.approved);
    CHECK(fair.cut_rate == dec("0.1"));
    CHECK(fair.cut_amount == yuan("123456.79")); // 123456.789 → half-up
    const AssessResult good = assess_project(project(), flat("85"), rules);
    CHECK(good.approved);
    CHECK(good.cut_amount == Money());
}

TEST_CASE("assess: an expert without every dimension is an error naming the missing pairs") {
    ProjectAssessment a = flat("80");
    ExpertScores& e = a.experts.emplace_back();
    e.expert = "李";
    e.set(AssessDimension::necessity, dec("80"));
    const auto list = problems([&] { (void)assess_project(project(), a, national()); });
    REQUIRE(list.size() == 1);
    CHECK(list[0].en.find("expert \"李\": economy (投入经济性), targets (绩效目标合理性), feasibility (实施方案可行性), "
                          "financing (筹资合规性)") != std::string::npos);
}

TEST_CASE("assess: the explanation cites each rule's line") {
    const AssessResult r = assess_project(project(), worked_example(), national());
    const auto en = explain_assessment(project(), worked_example(), r, national(), Lang::en);
    REQUIRE(en.size() == 9); // drop, five dimensions, score, grade, approval
    CHECK(en[0].text == "5 experts ≥ 5: one highest and one lowest score left out per dimension");
    CHECK(en[1].rule == "assessment.weights.necessity");
    CHECK(en[1].text == "necessity: scores 90, 85, 88, 70, 95; left out the highest 95 (E5) and the lowest 70 (E4); "
                        "mean 263 / 3 = 263/3, rounded 87.67; weight 25");
    CHECK(en[6].text.find("= 997/12, rounded half-up to 2 places 83.08") != std::string::npos);
    CHECK(en[7].text == "83.08 is in [80, 90) → good");
    CHECK(en[8].text == "grade good: approved");
    for (const ExplanationLine& l : en) CHECK(l.source.rfind("rules/national.yaml:", 0) == 0);
    const auto zh = explain_assessment(project(), worked_example(), r, national(), Lang::zh);
    CHECK(zh[8].text == "等级良：予以通过");
}

TEST_CASE("assess: one project allocates nothing once the rules are loaded and the result is reused") {
    const RuleSet& rules = national();
    const Project p = project();
    AssessResult r;
    assess_project(p, worked_example(), rules, r);
    const long before = test::allocation_count();
    assess_project(p, worked_example(), rules, r);
    CHECK(test::allocation_count() - before == 0);
    CHECK(r.score == dec("83.08"));
}

// --- assessments.csv ---------------------------------------------------------

TEST_CASE("assessments.csv: Chinese headers, BOM, short dimension names; an unknown column is a notice") {
    const auto projects = read_projects(data + "projects.csv", "");
    std::vector<Diagnostic> notices;
    const auto list = read_assessments(data + "chinese.csv", projects, "projects.csv", Encoding::utf8, &notices);
    REQUIRE(list.size() == 1);
    REQUIRE(list[0].experts.size() == 1);
    CHECK(list[0].experts[0].expert == "张");
    CHECK(list[0].experts[0].score[2] == dec("85.5"));
    CHECK(list[0].experts[0].line[4] == 6);
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].en.find("\"备注\" is not used") != std::string::npos);
}

TEST_CASE("assessments.csv: every bad row is reported with file:line") {
    const auto projects = read_projects(data + "projects.csv", "");
    const auto list = problems([&] { (void)read_assessments(data + "errors.csv", projects, "projects.csv"); });
    CHECK(any_contains(list, "errors.csv:3: column \"score\": \"abc\" — expected a score: a number from 0 to 100"));
    CHECK(any_contains(list, "errors.csv:4: column \"score\": \"100.5\" — expected a score from 0 to 100"));
    CHECK(any_contains(list, "errors.csv:5: column \"score\": \"85.125\" — expected a score with at most 2 decimals"));
    CHECK(any_contains(list, "errors.csv:6: column \"score\": \"-1\""));
    CHECK(any_contains(list, "errors.csv:7: column \"dimension\": \"benefit\""));
    CHECK(any_contains(list, "errors.csv:8: project_id \"A9\" is not in projects.csv"));
    CHECK(any_contains(list, "errors.csv:10: project A2: expert \"李\" scores necessity (立项必要性) twice (first at line 9)"));
    // A1's bad rows are not reported again as missing pairs; A2 really lacks four.
    CHECK_FALSE(any_contains(list, "project A1: every expert must score"));
    CHECK(any_contains(list, "errors.csv:9: project A2: every expert must score every dimension; missing expert \"李\": economy"));
    CHECK(list.size() == 8);
}

TEST_CASE("assessments.csv: a project's experts must each score every dimension") {
    const auto projects = read_projects(data + "projects.csv", "");
    const auto list = problems([&] { (void)read_assessments(data + "missing.csv", projects, "projects.csv"); });
    REQUIRE(list.size() == 1);
    CHECK(list[0].where.to_string() == data + "missing.csv:2");
    CHECK(list[0].en == "project A2: every expert must score every dimension; missing expert \"王\": economy (投入经济性), "
                        "financing (筹资合规性); expert \"赵\": financing (筹资合规性)");
    CHECK(list[0].zh == "项目 A2：每位专家须对每个维度评分；缺少 专家“王”：投入经济性、筹资合规性；专家“赵”：筹资合规性");
}

// --- assess_files --------------------------------------------------------------

TEST_CASE("assess_files: the example county (CSV, summary) and no output on failure") {
    const std::string ex = std::string(PERFBUDGET_SOURCE_DIR) + "/examples/data/";
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("pb-assess-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    AssessOptions o;
    o.projects = ex + "projects.csv";
    o.assessments = ex + "assessments.csv";
    o.out = (dir / "out.csv").string();
    o.summary = (dir / "summary.json").string();
    const AssessSummary s = assess_files(o, national_rules());
    CHECK(s.projects == 5);
    CHECK(s.not_assessed == 7);
    CHECK(s.scores == 110);
    CHECK(s.by_grade == std::vector<std::size_t>{1, 4, 0, 0});
    CHECK(s.budget == yuan("16050000.00"));
    CHECK(s.approved == 5);
    const std::string csv = read(o.out);
    CHECK(csv.rfind("project_id,department,budget,experts,necessity,economy,targets,feasibility,financing,score,grade,approved\n", 0) == 0);
    // Hand-checked: JY-03 three experts, no trimming: necessity (92+88+95)/3 = 91.67 …
    CHECK(csv.find("JY-03,县教育局,1850000.00,3,91.67,81.00,84.83,88.00,92.33,87.53,good,1\n") != std::string::npos);
    CHECK(csv.find("WJ-03,县卫生健康委员会,2000000.00,5,92.00,86.33,88.33,89.67,93.67,89.92,good,1\n") != std::string::npos);
    CHECK(assess_summary_text(s, Lang::zh).find("均为良及以上") != std::string::npos);

    // A bad file: an error, and the earlier outputs are not replaced.
    o.assessments = data + "missing.csv";
    o.projects = data + "projects.csv";
    CHECK_THROWS_AS(assess_files(o, national_rules()), Error);
    CHECK(read(o.out) == csv);
    // The output cannot be an input.
    o.out = o.assessments;
    CHECK_THROWS_AS(assess_files(o, national_rules()), OptionsError);
    std::filesystem::remove_all(dir);
}

// --- `perfbudget test`: stage assessment ------------------------------------------

TEST_CASE("testing: a stage assessment case reads `assessments:` and compares the assessment's fields") {
    const std::string head = "rules: national\n"                                          // 1
                             "cases:\n"                                                   // 2
                             "  - name: one expert\n"                                     // 3
                             "    stage: assessment\n"                                    // 4
                             "    projects:\n"                                            // 5
                             "      - {project_id: P1, name: n, department: d, budget: 1000.00, spent: 0, indicators: []}\n"
                             "    assessments:\n";                                        // 7
    std::string rows;
    for (const char* d : {"necessity", "economy", "targets", "feasibility", "financing"})
        rows += "      - {project_id: P1, expert: E1, dimension: " + std::string(d) + ", score: 59.99}\n";
    const TestReport ok = run_test_text(head + rows + "    expect:\n      P1: {score: 59.99, grade: 差, approved: false}\n", "t.yaml");
    CHECK(ok.failed() == 0);
    const TestReport wrong = run_test_text(head + rows + "    expect:\n      P1: {necessity: 60.00, approved: true}\n", "t.yaml");
    REQUIRE(wrong.failed() == 1);
    CHECK(wrong.diff().find("P1 necessity: expected 60.00, got 59.99") != std::string::npos);
    CHECK(wrong.diff().find("P1 approved: expected true, got false") != std::string::npos);

    // `assessments:` belongs to stage assessment, and stage assessment needs it.
    const auto misplaced = problems([&] {
        (void)run_test_text("rules: national\ncases:\n  - name: x\n    projects: []\n    assessments: []\n"
                            "    expect: {}\n",
                            "t.yaml");
    });
    CHECK(any_contains(misplaced, "t.yaml:5:5: `assessments` applies to `stage: assessment` cases only"));
    const auto missing = problems([&] {
        (void)run_test_text("rules: national\ncases:\n  - name: x\n    stage: assessment\n    projects: []\n"
                            "    expect: {}\n",
                            "t.yaml");
    });
    CHECK(any_contains(missing, "needs `assessments:`"));
}

TEST_CASE("assess_files: yuechi's mid-year cut adds the cut and cut_amount columns") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("pb-assess-y-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    AssessOptions o;
    o.projects = data + "projects.csv";
    o.assessments = data + "fair.csv";
    o.out = (dir / "out.csv").string();
    o.lang = Lang::en;
    const RuleBook yuechi = load_rules_file(std::string(PERFBUDGET_SOURCE_DIR) + "/rules/yuechi.yaml");
    const AssessSummary s = assess_files(o, yuechi);
    // A1: 75 → fair → 1000000.00 × 10% = 100000.00; A3: 85 → good, not cut.
    CHECK(read(o.out) == "project_id,department,budget,experts,necessity,economy,targets,feasibility,financing,score,grade,approved,cut,cut_amount\n"
                         "A1,县消防救援大队,1000000.00,1,75.00,75.00,75.00,75.00,75.00,75.00,fair,1,0.1000,100000.00\n"
                         "A3,县民政局,800000.00,1,85.00,85.00,85.00,85.00,85.00,85.00,good,1,0.0000,0.00\n");
    CHECK(s.cut == yuan("100000.00"));
    CHECK(s.not_assessed == 1);
    CHECK(assess_summary_text(s, Lang::en).find("mid-year cut 10.00 万元") != std::string::npos);
    CHECK(assess_summary_json(s).find("\"cut\": \"100000.00\"") != std::string::npos);
    // Nationally there is no cut, and no cut columns.
    (void)assess_files(o, national_rules());
    CHECK(read(o.out).find(",approved\nA1,") != std::string::npos);
    std::filesystem::remove_all(dir);
}
