// Indicator rules (`indicator_rule:` in `custom:`, docs/rules.md): adjusting one
// indicator's score. Every expected value is computed by hand beside it.
#include "support.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/load.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

namespace {

/// total = 48 + 50 × min(actual / 50, 1) (test::sample_project); the output indicator is 数量.
Project project(const char* actual) {
    Project p = perfbudget::test::sample_project("50", actual);
    p.indicators[0].name = "数量";
    return p;
}

/// An over-completion deduction as a county rule: r ≥ 150% on a `ge` indicator
/// (the target was set far too low) costs 10% of the indicator's points.
const std::string kRules = "base: national\n"                                               // 1
                           "profile: t\n"                                                   // 2
                           "evaluation:\n"                                                  // 3
                           "  custom:\n"                                                    // 4
                           "  - indicator_rule: over_target\n"                              // 5
                           "    zh: 完成值高于指标值较多，指标值设定明显偏低，调减分值\n"   // 6
                           "    en: far above target, the target was set too low\n"         // 7
                           "    when: indicator.ratio >= 150% and indicator.direction == \"ge\"\n" // 8
                           "    then: {adjust: -(indicator.weight * 10%)}\n"               // 9
                           "  - rule: below_95\n"                                           // 10
                           "    zh: 总分低于95\n"                                           // 11
                           "    en: total below 95\n"                                       // 12
                           "    when: total < 95\n";                                        // 13

std::string reasons(const ProjectResult& r, const RuleSet& rules) {
    std::string s;
    for (std::string_view id : reason_ids(r, rules)) s += (s.empty() ? "" : ";") + std::string(id);
    return s;
}

std::string load_error(const std::string& text) {
    try {
        load_rules_text(text, "t.yaml");
    } catch (const Error& e) {
        std::string all;
        for (const Diagnostic& d : e.diagnostics()) all += d.to_string(Lang::en) + "\n";
        return all;
    }
    FAIL("expected the rules to be refused");
    return {};
}

} // namespace

TEST_CASE("indicator rules: an adjusted indicator score flows into the total, the grade and later steps") {
    const RuleSet r = load_rules_text(kRules, "t.yaml").only();
    REQUIRE(r.custom.indicator_rules.size() == 1);
    // actual 100: r = 2 ≥ 150% → 50 − 50 × 10% = 45.00; total 8 + 45 + 40 = 93.00 → 优, below 95
    const ProjectResult a = evaluate(project("100"), r);
    CHECK(a.indicators[0].score == dec("45"));
    CHECK(a.indicators[0].custom_adjustment == dec("-5"));
    CHECK(a.indicators[1].custom_fired == 0); // benefit r = 1: not fired
    CHECK(a.indicator_score == dec("85"));
    CHECK(a.total == dec("93"));
    CHECK(r.grades.bands[a.grade].id == "excellent");
    CHECK(reasons(a, r) == "over_target;below_95");
    // actual 74: r = 1.48 < 150% → no deduction; 48 + 50 = 98.00
    const ProjectResult b = evaluate(project("74"), r);
    CHECK(b.total == dec("98"));
    CHECK(reasons(b, r) == "");
    // actual 75: r = 1.5 exactly → deducted (≥): 93.00
    CHECK(evaluate(project("75"), r).total == dec("93"));
    // nationally the same project scores 98.00 (over-completion earns and costs nothing)
    CHECK(evaluate(project("100"), national_rules()).total == dec("98"));
}

TEST_CASE("indicator rules: the score stays within [0, weight]; adjustments are rounded like scores") {
    const std::string head = "base: national\nprofile: t\nevaluation:\n  custom:\n  - indicator_rule: x\n    zh: 调整\n    en: adjust\n";
    // −80 on a 50-point indicator at 20.00 (actual 20): 20 − 80 → 0, not −60; total 8 + 0 + 40 = 48
    const RuleSet down = load_rules_text(head + "    when: indicator.level1 == \"output\"\n    then: {adjust: -80}\n", "t.yaml").only();
    const ProjectResult d = evaluate(project("20"), down);
    CHECK(d.indicators[0].score == dec("0"));
    CHECK(d.indicators[0].custom_adjustment == dec("-20"));
    CHECK(d.total == dec("48"));
    // +1/3 point on the 30-point benefit indicator already at 30.00: stays 30.00;
    // on the output indicator at 20.00: 20 + 0.333… → 20.33 (half-up, 2 decimals)
    const RuleSet up = load_rules_text(head + "    when: indicator.level1 != \"satisfaction\"\n    then: {adjust: 1 / 3}\n", "t.yaml").only();
    const ProjectResult u = evaluate(project("20"), up);
    CHECK(u.indicators[0].score == dec("20.33"));
    CHECK(u.indicators[1].score == dec("30"));
    CHECK(u.indicators[1].custom_adjustment == dec("0"));
    CHECK(u.total == dec("68.33"));
}

TEST_CASE("indicator rules: project fields are readable; the explanation cites the rule and shows the change") {
    const RuleSet r = load_rules_text(kRules, "t.yaml").only();
    const Project p = project("100");
    const auto lines = explain(p, evaluate(p, r), r, Lang::en);
    bool indicator_line = false, rule_line = false;
    for (const auto& l : lines) {
        if (l.rule == "数量")
            indicator_line = l.text.find("→ 50.00 (half-up, 2 decimals); indicator rules adjust it: 50.00 − 5.00 = 45.00") !=
                             std::string::npos;
        if (l.rule == "evaluation.custom.over_target")
            rule_line = l.source == "t.yaml:5" &&
                        l.text == "far above target, the target was set too low: indicator \"数量\", completion rate 200% is at "
                                  "least 150%, and direction is ge; the score is adjusted by -(weight 50 × 10%) = -5 points";
    }
    CHECK(indicator_line);
    CHECK(rule_line);
    // In Chinese, with the values the rule saw: ratio 100 / 50 = 200%, 10% of 50 points.
    bool zh_line = false;
    for (const auto& l : explain(p, evaluate(p, r), r, Lang::zh))
        if (l.rule == "evaluation.custom.over_target")
            zh_line = l.text == "完成值高于指标值较多，指标值设定明显偏低，调减分值：指标“数量”，完成率 200% 不低于 150%，"
                                "且指标方向为正向，得分调整 -(分值 50 × 10%) = -5 分";
    CHECK(zh_line);
    const RuleSet cat = load_rules_text("base: national\nprofile: t\nevaluation:\n  custom:\n  - indicator_rule: it\n    zh: 信息化\n    en: IT\n"
                                        "    when: category == \"信息化\" and indicator.level1 == \"output\"\n"
                                        "    then: {adjust: -1}\n",
                                        "t.yaml").only();
    Project it = project("50");
    it.category = "信息化";
    CHECK(evaluate(it, cat).total == dec("97"));  // 8 + 49 + 40
    CHECK(evaluate(project("50"), cat).total == dec("98"));
}

TEST_CASE("indicator rules: load-time errors") {
    const std::string head = "base: national\nprofile: t\nevaluation:\n  custom:\n";
    const std::string rule = "  - indicator_rule: x\n    zh: a\n    en: b\n";
    CHECK(load_error(head + "  - rule: first\n    zh: a\n    en: b\n    when: total < 60\n" + rule +
                     "    when: indicator.ratio > 1\n    then: {adjust: -1}\n")
              .find("t.yaml:9:5: error: indicator rule `x` comes after the step `first`") != std::string::npos);
    CHECK(load_error(head + rule + "    when: indicator.ratoi > 1\n    then: {adjust: -1}\n")
              .find("unknown name \"indicator.ratoi\" — did you mean \"indicator.ratio\"?") != std::string::npos);
    CHECK(load_error(head + rule + "    when: indicator.ratio\n    then: {adjust: -1}\n")
              .find("must be a boolean, not a number") != std::string::npos);
    CHECK(load_error(head + rule + "    when: indicator.ratio > 1\n    then: {cut: 10%}\n")
              .find("unknown key `cut` in `evaluation.custom[1].then`; expected one of: adjust") != std::string::npos);
    CHECK(load_error(head + rule + "    when: total > 1\n    then: {adjust: -1}\n").find("t.yaml:8:11: error: unknown name \"total\"") !=
          std::string::npos);
}

TEST_CASE("indicator rules: a failing expression names the project, the indicator and the rule") {
    const RuleSet r = load_rules_text("base: national\nprofile: t\nevaluation:\n  custom:\n  - indicator_rule: x\n    zh: a\n    en: b\n"
                                      "    when: 1 / (indicator.weight - 50) > 0\n    then: {adjust: -1}\n",
                                      "t.yaml").only();
    try {
        evaluate(project("50"), r);
        FAIL("expected an error");
    } catch (const Error& e) {
        const std::string m = e.diagnostics().front().en;
        CHECK(m.find("project P, indicator \"数量\": indicator rule at t.yaml:5: ") != std::string::npos);
        CHECK(m.find("division by zero") != std::string::npos);
    }
}

TEST_CASE("indicator rules: total_only rounding adds the adjustment exactly") {
    const RuleSet r = load_rules_text("base: national\nprofile: t\nevaluation:\n  rounding: {apply: total_only}\n"
                                      "  custom:\n  - indicator_rule: x\n    zh: a\n    en: b\n"
                                      "    when: indicator.level1 == \"output\"\n    then: {adjust: -1.5}\n",
                                      "t.yaml").only();
    // output 50 × 20/50 = 20 − 1.5 = 18.5; total 8 + 18.5 + 40 = 66.50
    CHECK(evaluate(project("20"), r).total == dec("66.5"));
}
