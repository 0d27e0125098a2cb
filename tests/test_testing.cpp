// YAML project data (input.hpp, read_projects_yaml*) and the YAML test runner
// (testing.hpp, `perfbudget test`).
#include "support.hpp"
#include "perfbudget/input.hpp"
#include "perfbudget/testing.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace perfbudget;
using perfbudget::test::yaml_p1;

namespace {

const std::string kSource = PERFBUDGET_SOURCE_DIR;
/// A test file name inside rules/tests/, so `rules: ../wuchang.yaml` resolves.
const std::string kTestName = kSource + "/rules/tests/t.yaml";

/// The problems reported; fails the test when there are none.
template <class F>
std::vector<Diagnostic> problems_of(F&& run) {
    try {
        run();
    } catch (const Error& e) {
        return e.diagnostics();
    }
    FAIL("expected an Error");
    return {};
}

bool has(const std::vector<Diagnostic>& list, const std::string& file, std::uint32_t line, std::uint32_t column,
         const std::string& part) {
    for (const Diagnostic& d : list)
        if (d.where.file == file && d.where.line == line && d.where.column == column &&
            d.en.find(part) != std::string::npos && !d.zh.empty())
            return true;
    return false;
}

std::string dump(const std::vector<Diagnostic>& list) {
    std::string s;
    for (const Diagnostic& d : list) s += d.to_string(Lang::en) + "\n";
    return s;
}

} // namespace

// --- YAML project data ----------------------------------------------------------

TEST_CASE("yaml data: projects and indicators read with the CSV value rules") {
    const std::string text =
        "- project_id: P1\n"                                          // 1
        "  name: 培训项目\n"                                          // 2
        "  department: 县人社局\n"                                    // 3
        "  budget: 1000000.00\n"                                      // 4
        "  spent: \"812345.67\"\n"                                    // 5
        "  fund_source: 上级转移支付\n"                               // 6
        "  year: 2023\n"                                              // 7
        "  indicators:\n"                                             // 8
        "    - level1: output\n"                                      // 9
        "      level2: 数量指标\n"                                    // 10
        "      name: 培训人次\n"                                      // 11
        "      direction: ge\n"                                       // 12
        "      target: 1200\n"                                        // 13
        "      actual: 1000\n"                                        // 14
        "      weight: 20\n"                                          // 15
        "    - {level1: output, level2: timeliness, name: 完成时间, direction: date, target: 2023-10-31, actual: 2023-12-15, weight: 10}\n"
        "    - {level1: output, level2: quality, name: 质量, direction: qual, target: 达到预期, actual: \"B:75%\", weight: 10}\n"
        "- {project_id: P2, name: 空项目, department: 县财政局, budget: 0, spent: 0, indicators: []}\n";
    const std::vector<Project> ps = read_projects_yaml_text(text, "data.yaml");
    REQUIRE(ps.size() == 2);
    const Project& p = ps[0];
    CHECK(p.id == "P1");
    CHECK(p.name == "培训项目");
    CHECK(p.budget.to_string() == "1000000.00");
    CHECK(p.spent.to_string() == "812345.67");
    CHECK(p.fund_source == FundSource::transfer);
    CHECK(p.year == 2023);
    CHECK(p.source_line == 1);
    REQUIRE(p.indicators.size() == 3);
    CHECK(p.indicators[0].level2 == Level2::quantity);
    CHECK(std::get<Decimal>(p.indicators[0].target).to_string() == "1200");
    CHECK(p.indicators[0].weight->to_string() == "20");
    CHECK(p.indicators[0].source_line == 9);
    CHECK(p.indicators[1].direction == Direction::date);
    CHECK(std::holds_alternative<Date>(p.indicators[1].actual));
    CHECK(p.indicators[1].source_line == 16);
    CHECK(std::holds_alternative<QualRating>(p.indicators[2].actual));
    CHECK(ps[1].indicators.empty());
}

TEST_CASE("yaml data: bad values, unknown and missing keys, duplicates, with file:line:column") {
    const std::string text =
        "- project_id: P1\n"                                                   // 1
        "  name: 项目\n"                                                       // 2
        "  department: 县财政局\n"                                             // 3
        "  budget: 1,20.00\n"                                                  // 4
        "  spent: 100.00\n"                                                    // 5
        "  budjet: 3\n"                                                        // 6
        "  indicators:\n"                                                      // 7
        "    - {level1: output, level2: social, name: x, direction: ge, target: 1, actual: 1, weight: 20%}\n"  // 8
        "    - {level1: output, level2: quantity, direction: ge, target: [1]}\n"                                // 9
        "- {project_id: P1, name: 项目, department: 县财政局, spent: 1, indicators: []}\n";                     // 10
    const auto list = problems_of([&] { read_projects_yaml_text(text, "data.yaml"); });
    INFO(dump(list));
    CHECK(has(list, "data.yaml", 4, 11, "key \"budget\": \"1,20.00\""));
    CHECK(has(list, "data.yaml", 6, 3, "unknown key `budjet` in `[0]`; did you mean `budget`?"));
    CHECK(has(list, "data.yaml", 8, 32, "key \"level2\": \"social\" — expected a level-2 indicator under output"));
    CHECK(has(list, "data.yaml", 8, 94, "key \"weight\": \"20%\""));
    CHECK(has(list, "data.yaml", 9, 7, "missing key `name` in `[0].indicators[1]`"));
    CHECK(has(list, "data.yaml", 9, 65, "`[0].indicators[1].target` must be a value as written in the CSV file"));
    CHECK(has(list, "data.yaml", 10, 3, "missing key `budget` in `[1]`"));
    CHECK(has(list, "data.yaml", 10, 16, "project_id `P1` appears again (first on line 1)"));
    // a missing required key is reported once, not also as an empty value
    CHECK(std::count_if(list.begin(), list.end(), [](const Diagnostic& d) { return d.where.line == 10; }) == 2);
}

TEST_CASE("yaml data: percentages and weights follow the CSV rules, located at their keys") {
    const std::string text =
        "- project_id: P1\n"                                                                                  // 1
        "  name: 项目\n"                                                                                      // 2
        "  department: 县财政局\n"                                                                            // 3
        "  budget: 100.00\n"                                                                                  // 4
        "  spent: 100.00\n"                                                                                   // 5
        "  indicators:\n"                                                                                     // 6
        "    - {level1: output, level2: quantity, name: x, direction: ge, target: 100, actual: 86.7%, weight: 20}\n"  // 7
        "    - {level1: output, level2: quality, name: y, direction: ge, target: 95, actual: 86.7%, unit: '%', weight: 12.857}\n"; // 8
    const auto list = problems_of([&] { read_projects_yaml_text(text, "data.yaml"); });
    INFO(dump(list));
    REQUIRE(list.size() == 2);
    CHECK(has(list, "data.yaml", 7, 87,
              "key \"target\": \"100\" and key \"actual\": \"86.7%\" — one is written with % and the other is not"));
    CHECK(list[0].zh.find("键“target”的值“100”与键“actual”的值“86.7%”矛盾") == 0);
    CHECK(has(list, "data.yaml", 8, 111, "key \"weight\": \"12.857\" — expected points with at most 2 decimals"));
    // With unit %, 95 is 95%.
    const auto ps = read_projects_yaml_text(
        "- {project_id: P1, name: 项目, department: 县财政局, budget: 1, spent: 1, indicators: [\n"
        "    {level1: output, level2: quality, name: y, direction: ge, target: 95, actual: 86.7%, unit: '%', weight: 20}]}\n",
        "d.yaml");
    CHECK(std::get<Decimal>(ps.at(0).indicators.at(0).target) == Decimal::from_units(950'000));
    CHECK(std::get<Decimal>(ps.at(0).indicators.at(0).actual) == Decimal::from_units(867'000));
}

TEST_CASE("yaml data: the file must be a list; YAML limits apply") {
    CHECK(has(problems_of([] { read_projects_yaml_text("project_id: P1\n", "d.yaml"); }), "d.yaml", 1, 1,
              "the file must be a list, found a map"));
    // A data or test file is not told it is a rule file (found by fuzzing).
    CHECK(has(problems_of([] { read_projects_yaml_text("- &a {project_id: P1}\n- *a\n", "d.yaml"); }), "d.yaml", 1, 3,
              "YAML anchors and aliases (&a) are not allowed in perfbudget's YAML files (rules, tests, data)"));
    const auto empty = problems_of([] { read_projects_yaml_text("# nothing\n", "d.yaml"); });
    REQUIRE(empty.size() == 1);
    CHECK(empty[0].en.find("the file has no projects") != std::string::npos);
    const auto missing = problems_of([] { read_projects_yaml("/nonexistent/p.yaml"); });
    CHECK(missing[0].en == "cannot open the file: no such file or directory");
}

// --- the test runner --------------------------------------------------------------

TEST_CASE("testing: the shipped test files pass") {
    for (const char* name : {"national.yaml", "wuchang.yaml", "urumqi-county.yaml"}) {
        const TestReport r = run_test_file(kSource + "/rules/tests/" + name);
        INFO(name << "\n" << r.diff());
        CHECK(r.failed() == 0);
        CHECK(r.passed() >= 5);
        CHECK(r.diff().empty());
    }
    const TestReport n = run_test_file(kSource + "/rules/tests/national.yaml");
    CHECK(n.rules == "national");
    REQUIRE(n.cases.size() == 17); // 8 evaluation, 4 monitoring, 3 assessment, 2 review
    CHECK(n.cases[0].name == "SPEC §4 worked example W1, to the fen");
    CHECK(n.cases[0].where.line == 7);
}

TEST_CASE("testing: a profile named relative to the test file, and a failing expectation's diff") {
    const std::string text = "rules: ../wuchang.yaml\n"                                  // 1
                             "cases:\n"                                                  // 2
                             "  - name: 65.00 is low\n"                                  // 3
                             "    projects:\n" +                                         // 4
                             yaml_p1("34") +                                                  // 5-13
                             "    expect:\n"                                             // 14
                             "      P1: {total: 65.00, grade: low, cut: 500.00, accountability: false}\n"  // 15
                             "  - name: wrong on purpose\n"                              // 16
                             "    projects:\n" +                                         // 17
                             yaml_p1("34") +                                                  // 18-26
                             "    expect:\n"                                             // 27
                             "      P1:\n"                                               // 28
                             "        total: 66.00\n"                                    // 29
                             "        grade: fair\n"                                     // 30
                             "        rectify: true\n"                                   // 31
                             "        indicators: [17.00, 30.00, 9.99]\n"                // 32
                             "        exec_rate: 0.8000\n";                              // 33
    const TestReport r = run_test_text(text, kTestName);
    CHECK(r.rules == "wuchang");
    REQUIRE(r.cases.size() == 2);
    CHECK(r.cases[0].passed);
    CHECK(r.passed() == 1);
    CHECK(r.failed() == 1);
    const TestCaseResult& c = r.cases[1];
    CHECK_FALSE(c.passed);
    REQUIRE(c.mismatches.size() == 3);
    CHECK(c.mismatches[0].field == "total");
    CHECK(c.mismatches[0].expected == "66.00");
    CHECK(c.mismatches[0].got == "65.00");
    CHECK(c.mismatches[0].where.line == 29);
    CHECK(c.mismatches[0].where.column == 16);
    CHECK(c.mismatches[1].field == "grade");
    CHECK(c.mismatches[1].got == "low (低)");
    CHECK(c.mismatches[2].field == "indicators[2]");
    CHECK(c.diff() == "FAIL " + kTestName + ":16:5: wrong on purpose\n"
                      "  P1 total: expected 66.00, got 65.00  (" + kTestName + ":29:16)\n"
                      "  P1 grade: expected fair, got low (低)  (" + kTestName + ":30:16)\n"
                      "  P1 indicators[2]: expected 9.99, got 10.00  (" + kTestName + ":32:36)\n");
    CHECK(r.diff() == c.diff());
    CHECK(c.diff(Lang::zh).find("P1 total：期望 66.00，实际 65.00") != std::string::npos);
}

TEST_CASE("testing: expect_error matches part of an error message; a missing error fails") {
    const std::string text = "rules: national\n"
                             "cases:\n"
                             "  - name: no weight\n"
                             "    projects:\n" +
                             yaml_p1("34").replace(yaml_p1("34").find(", weight: 50"), 12, "") +
                             "    expect_error: has no weight\n"
                             "  - name: no error at all\n"
                             "    projects:\n" +
                             yaml_p1("34") +
                             "    expect_error: has no weight\n"
                             "  - name: an unexpected error\n"
                             "    projects:\n" +
                             yaml_p1("-5") +
                             "    expect: {P1: {total: 65.00}}\n";
    const TestReport r = run_test_text(text, kTestName);
    REQUIRE(r.cases.size() == 3);
    CHECK(r.cases[0].passed);
    CHECK_FALSE(r.cases[1].passed);
    CHECK(r.cases[1].error_missing);
    CHECK(r.cases[1].diff().find("expected an error containing \"has no weight\", but there was none") !=
          std::string::npos);
    CHECK_FALSE(r.cases[2].passed);
    REQUIRE_FALSE(r.cases[2].errors.empty());
    CHECK(r.cases[2].diff().find("unexpected error:\n    " + kTestName + ":") != std::string::npos);
}

TEST_CASE("testing: a bad test file is an Error with file:line:column") {
    const std::string head = "rules: national\ncases:\n  - name: c\n    projects:\n" + yaml_p1("34");   // lines 1-13
    const auto wrong_places = problems_of([&] { run_test_text(head + "    expect: {P1: {total: 65}}\n", "t.yaml"); });
    INFO(dump(wrong_places));
    CHECK(has(wrong_places, "t.yaml", 14, 26,
              "`cases[0].expect.P1.total` must be a number written with exactly 2 decimals, such as 65.00"));

    const auto typo = problems_of([&] { run_test_text(head + "    expct: {P1: {total: 65.00}}\n", "t.yaml"); });
    INFO(dump(typo));
    CHECK(has(typo, "t.yaml", 14, 5, "unknown key `expct` in `cases[0]`; did you mean `expect`?"));

    const auto field = problems_of([&] { run_test_text(head + "    expect: {P1: {totl: 65.00}}\n", "t.yaml"); });
    INFO(dump(field));
    CHECK(has(field, "t.yaml", 14, 19, "unknown key `totl` in `cases[0].expect.P1`; did you mean `total`?"));

    const auto rules = problems_of([&] { run_test_text("rules: nope.yaml\ncases: []\n", kTestName); });
    INFO(dump(rules));
    CHECK(has(rules, kTestName, 1, 8, "the rules `nope.yaml` cannot be loaded"));

    const auto syntax = problems_of([&] { run_test_text("rules: national\ncases: [\n", "t.yaml"); });
    REQUIRE_FALSE(syntax.empty());
    CHECK(syntax[0].where.line >= 2);
    CHECK(syntax[0].en.find("YAML syntax error") != std::string::npos);

    const auto missing = problems_of([] { run_test_file("/nonexistent/t.yaml"); });
    CHECK(missing[0].en == "cannot open the test file: no such file or directory");
}

// --- monitoring cases -----------------------------------------------------------

// yaml_p1("34") as of June 30 (time progress 0.5): execution 0.8 / 0.5 = 1.6 green;
// pace 34 / 50 = 0.68 yellow, 1 / 0.5 = 2 and 90% / 45% = 2 blue → yellow by `pace`;
// completion (50 × 0.34 + 30 + 10) / 90 = 57 / 90 = 0.6333…
TEST_CASE("testing: a monitoring case compares the monitoring CSV's fields") {
    const std::string text = "rules: national\n"                              // 1
                             "cases:\n"                                       // 2
                             "  - name: monitoring, wrong on purpose\n"       // 3
                             "    stage: monitoring\n"                        // 4
                             "    as_of: 2023-06-30\n"                        // 5
                             "    projects:\n" +                              // 6
                             yaml_p1("34") +                                  // 7-15
                             "    expect:\n"                                  // 16
                             "      P1:\n"                                    // 17
                             "        level: red\n"                           // 18
                             "        reasons: [execution]\n"                 // 19
                             "        action: follow_up\n"                    // 20
                             "        completion: 0.6333\n"                   // 21
                             "        time_progress: 0.5000\n"                // 22
                             "        exec_rate: ~\n";                        // 23
    const TestReport r = run_test_text(text, kTestName);
    REQUIRE(r.cases.size() == 1);
    const TestCaseResult& c = r.cases[0];
    CHECK_FALSE(c.passed);
    INFO(c.diff());
    REQUIRE(c.mismatches.size() == 3);
    CHECK(c.mismatches[0].field == "level");
    CHECK(c.mismatches[0].got == "yellow");
    CHECK(c.mismatches[0].where.line == 18);
    CHECK(c.mismatches[0].where.column == 16);
    CHECK(c.mismatches[1].field == "reasons");
    CHECK(c.mismatches[1].expected == "[execution]");
    CHECK(c.mismatches[1].got == "[pace]");
    CHECK(c.mismatches[2].field == "exec_rate");
    CHECK(c.mismatches[2].expected == "~ (not applicable)");
    CHECK(c.mismatches[2].got == "0.8000");
    CHECK(c.mismatches[2].where.line == 23);
    CHECK(c.diff().find("  P1 level: expected red, got yellow  (" + kTestName + ":18:16)\n") != std::string::npos);
}

TEST_CASE("testing: a monitoring case needs as_of; its fields and ids are checked") {
    const std::string head = "rules: national\ncases:\n  - name: c\n    stage: monitoring\n"; // lines 1-4
    const std::string body = "    projects:\n" + yaml_p1("34");
    const auto no_date = problems_of([&] { run_test_text(head + body + "    expect: {P1: {level: yellow}}\n", "t.yaml"); });
    INFO(dump(no_date));
    CHECK(has(no_date, "t.yaml", 4, 12, "case `c` has `stage: monitoring` and needs `as_of: YYYY-MM-DD`"));

    const std::string dated = head + "    as_of: 2023-06-30\n" + body; // expect on line 16
    const auto field = problems_of([&] { run_test_text(dated + "    expect: {P1: {levl: yellow, total: 65.00}}\n", "t.yaml"); });
    INFO(dump(field));
    CHECK(has(field, "t.yaml", 16, 19, "unknown key `levl` in `cases[0].expect.P1`; did you mean `level`?"));
    CHECK(has(field, "t.yaml", 16, 33, "unknown key `total` in `cases[0].expect.P1`"));

    const auto ids = problems_of([&] { run_test_text(dated + "    expect: {P1: {level: yelow, reasons: [pase]}}\n", "t.yaml"); });
    INFO(dump(ids));
    CHECK(has(ids, "t.yaml", 16, 26, "did you mean `yellow`?"));
    CHECK(has(ids, "t.yaml", 16, 43, "no monitoring rule `pase`"));

    const auto bad_date = problems_of([&] {
        run_test_text("rules: national\ncases:\n  - name: c\n    stage: monitoring\n    as_of: 2023-02-30\n" + body +
                          "    expect: {P1: {level: yellow}}\n", "t.yaml");
    });
    CHECK(has(bad_date, "t.yaml", 5, 12, "must be a date YYYY-MM-DD"));

    const auto eval_date = problems_of([&] {
        run_test_text("rules: national\ncases:\n  - name: c\n    as_of: 2023-06-30\n" + body +
                          "    expect: {P1: {total: 65.00}}\n", "t.yaml");
    });
    CHECK(has(eval_date, "t.yaml", 4, 5, "`as_of` applies to `stage: monitoring` cases only"));
}
