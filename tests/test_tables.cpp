// Decision tables as sets (src/load_custom.cpp, docs/rules.md "Checks"): a first-hit
// row the earlier rows cover together, exact comparison boundaries, finite text
// universes, `hit: unique` overlaps, first-hit overlap notes, unused columns; and
// `reasons` in test files (src/testing.cpp). Every expected value is worked out by
// hand in the comment beside it.
#include "support.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/testing.hpp"

#include "support_custom.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace perfbudget;
using perfbudget::test::yaml_p1;
using perfbudget::test::dec;
using perfbudget::test::yuan;
using perfbudget::test::with_custom;
namespace ry = perfbudget::detail::rules_yaml;

namespace {

/// Every problem as "file:line:column: message", one a line; "no error" when it loads.
std::string errors(const std::string& yaml) {
    try {
        with_custom(yaml);
    } catch (const Error& e) {
        std::string s;
        for (const Diagnostic& d : e.diagnostics()) s += d.where.to_string() + ": " + d.en + "\n";
        return s;
    }
    return "no error";
}

/// A one-table custom section: `head` gives hit, inputs and outputs; the rows start on line 7.
std::string table(const std::string& head, const std::string& rows) {
    return "custom:\n  - table: t\n" + head + "    rows:\n" + rows; // lines 1, 2, head (3–5), 6, rows from 7
}

/// Budget 1,000,000.00, spent 800,000.00 (exec_rate 80%); output indicator 50 points at
/// `output`/100, benefit 30 and satisfaction 10 met: total = 8 + output/2 + 40.
Project project(const char* output) {
    Project p;
    p.id = "P";
    p.budget = yuan("1000000.00");
    p.spent = yuan("800000.00");
    auto ind = [](Level1 l1, Level2 l2, const char* target, const char* actual, const char* weight) {
        Indicator i;
        i.level1 = l1;
        i.level2 = l2;
        i.direction = Direction::ge;
        i.target = dec(target);
        i.actual = dec(actual);
        i.weight = dec(weight);
        i.name = "indicator";
        return i;
    };
    p.indicators = {ind(Level1::output, Level2::quantity, "100", output, "50"),
                    ind(Level1::benefit, Level2::social, "1", "1", "30"),
                    ind(Level1::satisfaction, Level2::satisfaction, "90", "90", "10")};
    return p;
}

const std::string rate_cut = "    hit: first\n    inputs: [exec_rate]\n    outputs: [cut]\n";

} // namespace

TEST_CASE("tables: earlier rows together cover a later first-hit row (one input)") {
    // `< 60%` ∪ `>= 60%` is every number: the default row 3 is never reached, and the
    // message names both earlier rows (lines 7 and 8).
    CHECK(errors(table(rate_cut, "      - [\"< 60%\", 30%]\n"
                                 "      - [\">= 60%\", 0%]\n"
                                 "      - [\"-\", 10%]\n")) ==
          "county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8 "
          "together match every project it matches\n");
    // `< 60%` alone covers a later `< 50%` (every x < 50% is < 60%).
    CHECK(errors(table(rate_cut, "      - [\"< 60%\", 30%]\n"
                                 "      - [\"< 50%\", 50%]\n")) ==
          "county.yaml:8:9: row 2 of first-hit table `t` can never be reached: the earlier row at line 7 matches every "
          "project it matches (same or broader conditions)\n");
    // A literal and `in` are points: 60% ∪ {50%, 70%} covers `in [50%, 60%]`.
    CHECK(errors(table(rate_cut, "      - [60%, 30%]\n"
                                 "      - [\"in [50%, 70%]\", 20%]\n"
                                 "      - [\"in [50%, 60%]\", 10%]\n")) ==
          "county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8 "
          "together match every project it matches\n");
    // Only the rows needed are named: row 1 (`< 10%`) is not needed to cover `>= 20%`.
    CHECK(errors(table(rate_cut, "      - [\"< 10%\", 90%]\n"
                                 "      - [\">= 20%\", 30%]\n"
                                 "      - [\"> 50%\", 0%]\n")) ==
          "county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier row at line 8 matches every "
          "project it matches (same or broader conditions)\n");
    // A condition that is a general expression is never claimed to cover: row 2
    // (`exec_rate < 60% and exec_rate > 0`) is unknown, so row 3 stays reachable (it is, at exec_rate ≤ 0)…
    CHECK(errors(table(rate_cut, "      - [\">= 60%\", 0%]\n"
                                 "      - [\"< 60% and exec_rate > 0\", 30%]\n"
                                 "      - [\"-\", 10%]\n")) == "no error");
    // Two identical unknown cells: the later row is unreachable (the single-row test).
    CHECK(errors(table(rate_cut, "      - [\"< total / 100\", 30%]\n"
                                 "      - [\"< total / 100\", 20%]\n")) ==
          "county.yaml:8:9: row 2 of first-hit table `t` can never be reached: the earlier row at line 7 matches every "
          "project it matches (same or broader conditions)\n");
    // An unknown later row inside the known union of earlier rows is unreachable.
    CHECK(errors(table(rate_cut, "      - [\"< 60%\", 30%]\n"
                                 "      - [\">= 60%\", 0%]\n"
                                 "      - [\"< 60% and exec_rate > 0\", 10%]\n")) ==
          "county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8 "
          "together match every project it matches\n");
}

TEST_CASE("tables: union coverage over two inputs is exact") {
    const std::string head = "    hit: first\n    inputs: [exec_rate, fund_source]\n    outputs: [cut]\n";
    // (x < 60%, local) ∪ (x ≥ 60%, any) ∪ (any, transfer) is every (x, source): with
    // x < 60% and local → row 1, transfer → row 3; x ≥ 60% → row 2. All three needed.
    CHECK(errors(table(head, "      - [\"< 60%\", local, 30%]\n"
                             "      - [\">= 60%\", \"-\", 0%]\n"
                             "      - [\"-\", transfer, 5%]\n"
                             "      - [\"-\", \"-\", 10%]\n")) ==
          "county.yaml:10:9: row 4 of first-hit table `t` can never be reached: the earlier rows at lines 7, 8 and 9 "
          "together match every project it matches\n");
    // Without row 3, (x < 60%, transfer) reaches the default: no error.
    CHECK(errors(table(head, "      - [\"< 60%\", local, 30%]\n"
                             "      - [\">= 60%\", \"-\", 0%]\n"
                             "      - [\"-\", \"-\", 10%]\n")) == "no error");
    // A box split across both axes: (x < 50%, any) ∪ (x ≥ 50%, local) ∪ (x ≥ 40%, transfer)
    // covers (x ≥ 30%, any): [30%, 50%) by row 1, x ≥ 50% by rows 2 and 3.
    CHECK(errors(table(head, "      - [\"< 50%\", \"-\", 30%]\n"
                             "      - [\">= 50%\", local, 0%]\n"
                             "      - [\">= 40%\", transfer, 5%]\n"
                             "      - [\">= 30%\", \"-\", 10%]\n")) ==
          "county.yaml:10:9: row 4 of first-hit table `t` can never be reached: the earlier rows at lines 7, 8 and 9 "
          "together match every project it matches\n");
    // The same with row 3 from 60%: (x in [50%, 60%), transfer) is a hole.
    CHECK(errors(table(head, "      - [\"< 50%\", \"-\", 30%]\n"
                             "      - [\">= 50%\", local, 0%]\n"
                             "      - [\">= 60%\", transfer, 5%]\n"
                             "      - [\">= 30%\", \"-\", 10%]\n")) == "no error");
}

TEST_CASE("tables: `< 60%` and `<= 60%` differ exactly at 60%") {
    // `< 60%` does not cover `<= 60%` (60% itself reaches row 2); both rows stay.
    CHECK(errors(table(rate_cut, "      - [\"< 60%\", 30%]\n"
                                 "      - [\"<= 60%\", 20%]\n")) == "no error");
    // `< 60%` ∪ `> 60%` misses exactly 60%: the default is reachable…
    CHECK(errors(table(rate_cut, "      - [\"< 60%\", 30%]\n"
                                 "      - [\"> 60%\", 0%]\n"
                                 "      - [\"-\", 10%]\n")) == "no error");
    // …until `== 60%` closes the gap (the three rows are needed).
    CHECK(errors(table(rate_cut, "      - [\"< 60%\", 30%]\n"
                                 "      - [\"> 60%\", 0%]\n"
                                 "      - [\"== 60%\", 5%]\n"
                                 "      - [\"-\", 10%]\n")) ==
          "county.yaml:10:9: row 4 of first-hit table `t` can never be reached: the earlier rows at lines 7, 8 and 9 "
          "together match every project it matches\n");
    // 0.6 and 60% are the same number: `<= 0.6` covers a later `<= 60%`.
    CHECK(errors(table(rate_cut, "      - [\"<= 0.6\", 30%]\n"
                                 "      - [\"<= 60%\", 20%]\n")).rfind("county.yaml:8:9: row 2 of first-hit table `t` can never be reached", 0) == 0);
    // Counts are whole numbers: `< 1` and `>= 1` cover them, and so does `<= 0` with `> 0`.
    CHECK(errors(table("    hit: first\n    inputs: [indicators.count]\n    outputs: [cut]\n",
                       "      - [\"<= 0\", 30%]\n"
                       "      - [\">= 1\", 0%]\n"
                       "      - [\"-\", 10%]\n")) ==
          "county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8 "
          "together match every project it matches\n");
    // A row no value satisfies (no count is 1.5) is an error in any table.
    CHECK(errors(table("    hit: collect\n    inputs: [indicators.count]\n    outputs: [adjust]\n",
                       "      - [1.5, -1]\n")) ==
          "county.yaml:7:9: row 1 of collect table `t` can never match: no value of indicators.count satisfies its cells "
          "(`1.5`)\n");
}

TEST_CASE("tables: text and boolean universes") {
    const std::string by_grade = "    hit: first\n    inputs: [grade]\n    outputs: [cut]\n";
    // The national grades are excellent, good, fair, poor: all four listed (by id or
    // label) leave nothing for the default row.
    CHECK(errors(table(by_grade, "      - [excellent, 0%]\n"
                                 "      - [良, 0%]\n"
                                 "      - [fair, 10%]\n"
                                 "      - [poor, 100%]\n"
                                 "      - [\"-\", 50%]\n")) ==
          "county.yaml:11:9: row 5 of first-hit table `t` can never be reached: the earlier rows at lines 7, 8, 9 and 10 "
          "together match every project it matches\n");
    // Three of four: the default is reached by poor.
    CHECK(errors(table(by_grade, "      - [excellent, 0%]\n"
                                 "      - [good, 0%]\n"
                                 "      - [fair, 10%]\n"
                                 "      - [\"-\", 50%]\n")) == "no error");
    // `in` and `not in` over grades: {excellent, good} ∪ not {excellent, good} is all.
    CHECK(errors(table(by_grade, "      - [\"in [\\\"excellent\\\", \\\"good\\\"]\", 0%]\n"
                                 "      - [\"not in [\\\"excellent\\\", \\\"good\\\"]\", 10%]\n"
                                 "      - [\"-\", 50%]\n")) ==
          "county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8 "
          "together match every project it matches\n");
    // A comparison with a label means the grade's id, as a literal cell and an
    // expression do: `== "良"` is good, so after a `good` row it is never reached.
    CHECK(errors(table(by_grade, "      - [good, 0%]\n      - [\"== \\\"良\\\"\", 10%]\n")) ==
          "county.yaml:8:9: row 2 of first-hit table `t` can never be reached: the earlier row at line 7 "
          "matches every project it matches (same or broader conditions)\n");
    // Fund sources (local, transfer) and booleans (true, false) are finite too.
    CHECK(errors(table("    hit: first\n    inputs: [fund_source]\n    outputs: [cut]\n",
                       "      - [local, 10%]\n      - [transfer, 0%]\n      - [\"-\", 5%]\n"))
              .rfind("county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8", 0) == 0);
    CHECK(errors(table("    hit: first\n    inputs: [rectify]\n    outputs: [cut]\n",
                       "      - [true, 10%]\n      - [\"!= true\", 0%]\n      - [\"-\", 5%]\n"))
              .rfind("county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8", 0) == 0);
    // Category is any text: "a" and "b" leave every other category to the default…
    const std::string by_category = "    hit: first\n    inputs: [category]\n    outputs: [cut]\n";
    CHECK(errors(table(by_category, "      - [a, 10%]\n      - [b, 0%]\n      - [\"-\", 5%]\n")) == "no error");
    // …but "a" and everything but "a" leave nothing.
    CHECK(errors(table(by_category, "      - [a, 10%]\n      - [\"!= \\\"a\\\"\", 0%]\n      - [\"-\", 5%]\n"))
              .rfind("county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier rows at lines 7 and 8", 0) == 0);
}

TEST_CASE("tables: hit unique — overlapping rows are an error naming both lines and a project") {
    const std::string head = "    hit: unique\n    inputs: [exec_rate, fund_source]\n    outputs: [cut]\n";
    // Rows 1 (x ≥ 50%, local) and 2 (x < 60%, any) share [50%, 60%) × {local}; the least
    // such rate is 50% itself.
    CHECK(errors(table(head, "      - [\">= 50%\", local, 30%]\n"
                             "      - [\"< 60%\", \"-\", 20%]\n")) ==
          "county.yaml:8:9: row 1 (line 7) and row 2 (line 8) of unique-hit table `t` both match a project with "
          "exec_rate = 50%, fund_source = local: with `hit: unique` at most one row may match any project\n");
    // An input both rows leave `-` is "any"; an open interval's example is inside it:
    // (40%, 60%) → 50%. Row 3 (x < 10%, transfer) misses row 1 but meets row 2 at
    // (−∞, 10%) × {transfer}, whose example is 0%.
    CHECK(errors(table(head, "      - [\"> 40%\", \"-\", 30%]\n"
                             "      - [\"< 60%\", \"-\", 20%]\n"
                             "      - [\"< 10%\", transfer, 0%]\n")) ==
          "county.yaml:8:9: row 1 (line 7) and row 2 (line 8) of unique-hit table `t` both match a project with "
          "exec_rate = 50%, fund_source = any: with `hit: unique` at most one row may match any project\n"
          "county.yaml:9:9: row 2 (line 8) and row 3 (line 9) of unique-hit table `t` both match a project with "
          "exec_rate = 0%, fund_source = transfer: with `hit: unique` at most one row may match any project\n");
    // Disjoint rows load, and the one matching row applies: exec_rate 80% → row 2, cut 5%
    // of 1,000,000.00 = 50,000.00.
    const RuleSet rules = with_custom(table(head, "      - [\"< 60%\", local, 30%]\n"
                                                  "      - [\">= 60%\", \"-\", 5%]\n"
                                                  "      - [\"< 60%\", transfer, 0%]\n"));
    CHECK(rules.custom.steps.front().table.hit == custom::HitPolicy::unique);
    const ProjectResult r = evaluate(project("90"), rules);
    CHECK(r.cut_rate == dec("0.05"));
    CHECK(r.cut == yuan("50000.00"));
    CHECK(r.fired_count == 1);
    // A cell the loader cannot reason about is refused in a unique table (at the cell's
    // opening quote, column 10).
    CHECK(errors(table(head, "      - [\"< total / 100\", local, 30%]\n"
                             "      - [\">= 60%\", transfer, 5%]\n")) ==
          "county.yaml:7:10: cell `< total / 100` of unique-hit table `t` is not `-`, a literal or a comparison with a "
          "constant (< <= > >= == != in, not in), so the loader cannot prove that at most one row matches\n");
}

TEST_CASE("tables: first-hit partial overlaps with different outputs are notes, not errors") {
    const std::string head = "    hit: first\n    inputs: [grade, fund_source]\n    outputs: [cut]\n";
    // Row 2 (any grade, local) and row 1 (excellent, any source) share (excellent, local),
    // where row 1 wins; row 3 is a pure default and is never noted.
    const RuleSet rules = with_custom(table(head, "      - [excellent, \"-\", 0%]\n"
                                                  "      - [\"-\", local, 30%]\n"
                                                  "      - [\"-\", \"-\", 10%]\n"));
    REQUIRE(rules.custom.notes.size() == 1);
    const Diagnostic& n = rules.custom.notes.front();
    CHECK(n.severity == Diagnostic::Severity::notice);
    CHECK(n.where.to_string() == "county.yaml:8:9");
    CHECK(n.en == "row 2 of first-hit table `t` partly overlaps the earlier row 1 (line 7) with different outputs, "
                  "e.g. grade = excellent, fund_source = local: where both match, the earlier row wins");
    CHECK_FALSE(n.zh.empty());
    // The same outputs: nothing to note.
    CHECK(with_custom(table(head, "      - [excellent, \"-\", 30%]\n"
                                  "      - [\"-\", local, 30%]\n"))
              .custom.notes.empty());
    // A staircase (the earlier row lies inside the later one) is not a partial overlap.
    CHECK(with_custom(table(rate_cut, "      - [\"< 50%\", 30%]\n"
                                      "      - [\"< 60%\", 20%]\n"
                                      "      - [\"-\", 0%]\n"))
              .custom.notes.empty());
    // Partial overlap of two ranges: [50%, 70%] and [60%, 80%] share [60%, 70%]; example 60%.
    const RuleSet ranges = with_custom(table("    hit: first\n    inputs: [exec_rate, exec_rate]\n    outputs: [cut]\n",
                                             "      - [\">= 50%\", \"<= 70%\", 30%]\n"
                                             "      - [\">= 60%\", \"<= 80%\", 20%]\n"));
    REQUIRE(ranges.custom.notes.size() == 1);
    CHECK(ranges.custom.notes.front().en.find("e.g. exec_rate = 60%:") != std::string::npos);
    // The same input twice is one axis: [50%, 60%) then [60%, 70%) do not overlap at all.
    CHECK(with_custom(table("    hit: unique\n    inputs: [exec_rate, exec_rate]\n    outputs: [cut]\n",
                            "      - [\">= 50%\", \"< 60%\", 30%]\n"
                            "      - [\">= 60%\", \"< 70%\", 20%]\n"))
              .custom.notes.empty());
}

TEST_CASE("tables: a column every row leaves `-` is an unused definition") {
    // inputs: [grade, fund_source] on line 4; `fund_source` starts at column 21.
    CHECK(errors(table("    hit: first\n    inputs: [grade, fund_source]\n    outputs: [cut]\n",
                       "      - [poor, \"-\", 100%]\n"
                       "      - [fair, \"-\", 10%]\n")) ==
          "county.yaml:4:21: input `fund_source` of table `t` is never used: every row's cell for it is `-`; remove it "
          "from `custom[1].inputs` and the rows\n");
    // outputs: [cut, priority] on line 5; `priority` starts at column 20.
    CHECK(errors(table("    hit: collect\n    inputs: [grade]\n    outputs: [cut, priority]\n",
                       "      - [poor, 100%, \"-\"]\n"
                       "      - [fair, 10%, \"-\"]\n")) ==
          "county.yaml:5:20: output `priority` of table `t` is never set: every row's cell for it is `-`; remove it from "
          "`custom[1].outputs` and the rows\n");
}

namespace {
const std::string kData = PERFBUDGET_TEST_DATA;

} // namespace

TEST_CASE("tables: test files compare `reasons` and `accountability`, with a diff") {
    // tests/data/testing/custom.yaml: `low_exec` (collect: exec_rate < 90% and < 85% both
    // fire at 80%, set accountability; listed once), then `excellent` (grade 优).
    // actual 100 → 98.00 优: [low_exec, excellent]; actual 74 → 85.00 良: [low_exec].
    const std::string yaml = "rules: custom.yaml\n"
                             "cases:\n"
                             "  - name: excellent\n"
                             "    projects:\n" +
                             yaml_p1("100") +
                             "    expect:\n"
                             "      P1: {total: 98.00, accountability: true, reasons: [low_exec, excellent]}\n"
                             "  - name: good, expected wrongly\n"
                             "    projects:\n" +
                             yaml_p1("74") +
                             "    expect:\n"
                             "      P1: {accountability: false, reasons: [excellent]}\n";
    const TestReport r = run_test_text(yaml, kData + "/testing/t.yaml");
    REQUIRE(r.cases.size() == 2);
    CHECK(r.cases[0].passed);
    CHECK_FALSE(r.cases[1].passed);
    // Case 2 starts on line 16 (case 1: lines 3–15, its project 5–13); its expectations
    // are on line 28: `false` at column 28 (6 + "P1: {" + "accountability: "), the
    // `reasons` list at column 44.
    CHECK(r.cases[1].diff() == "FAIL " + kData + "/testing/t.yaml:16:5: good, expected wrongly\n"
                               "  P1 accountability: expected false, got true  (" + kData + "/testing/t.yaml:28:28)\n"
                               "  P1 reasons: expected [excellent], got [low_exec]  (" + kData + "/testing/t.yaml:28:44)\n");
    // No step fired: `reasons: []`.
    const std::string none = "rules: national\ncases:\n  - name: n\n    projects:\n" + yaml_p1("74") +
                             "    expect:\n      P1: {reasons: []}\n";
    CHECK(run_test_text(none, kData + "/testing/t.yaml").cases.at(0).passed);
    // An id the rules do not have is an error of the test file, with a suggestion.
    const std::string typo = "rules: custom.yaml\ncases:\n  - name: n\n    projects:\n" + yaml_p1("74") +
                             "    expect:\n      P1: {reasons: [low_exc]}\n";
    try {
        run_test_text(typo, kData + "/testing/t.yaml");
        FAIL("expected an Error");
    } catch (const Error& e) {
        REQUIRE(!e.diagnostics().empty());
        // line 15: "      P1: {reasons: [low_exc]}", the id at column 22.
        CHECK(e.diagnostics().front().where.to_string() == kData + "/testing/t.yaml:15:22");
        CHECK(e.diagnostics().front().en.find("no custom rule or table `low_exc` in the rules; did you mean `low_exec`?") !=
              std::string::npos);
    }
    // The shipped file passes as a whole.
    const TestReport shipped = run_test_file(kData + "/testing/reasons.yaml");
    CHECK(shipped.failed() == 0);
    CHECK(shipped.passed() == 2);
}
