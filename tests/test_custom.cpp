// Custom rules and decision tables (custom_rules.hpp, src/load_custom.cpp): loading,
// checks with file:line:column, evaluation after grading, explanations. Every
// expected value is computed by hand in the comment beside it.
#include "support.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/load.hpp"

#include "support_custom.hpp"
#include "../src/load_custom.hpp" // internal: the `custom:` section compiler, tested directly as well

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;
using perfbudget::test::with_custom;
namespace ry = perfbudget::detail::rules_yaml;

namespace {

Indicator ind(Level1 l1, Level2 l2, const char* target, const char* actual, const char* weight) {
    Indicator i;
    i.level1 = l1;
    i.level2 = l2;
    i.direction = Direction::ge;
    i.target = dec(target);
    i.actual = dec(actual);
    i.weight = dec(weight);
    i.name = "indicator";
    return i;
}

/// Budget 1,000,000.00, spent 800,000.00: exec_rate 0.8, exec_score 8.00.
/// Output (50 points) target 100, actual `output`: 50 × output/100.
/// Benefit 30/30 (met), satisfaction 10/10 (actual `sat` of target 90, at least 90).
/// So total = 8 + output/2 + 40: output 90 → 93 (优), 70 → 83 (良), 40 → 68 (中), 0 → 48 (差).
Project project(const char* output, const char* sat = "90", FundSource source = FundSource::local) {
    Project p;
    p.id = "P";
    p.budget = yuan("1000000.00");
    p.spent = yuan("800000.00");
    p.fund_source = source;
    p.indicators = {ind(Level1::output, Level2::quantity, "100", output, "50"),
                    ind(Level1::benefit, Level2::social, "1", "1", "30"),
                    ind(Level1::satisfaction, Level2::satisfaction, "90", sat, "10")};
    return p;
}

/// The first problem's "file:line:column: message" for rules that must fail.
std::string load_error(const std::string& yaml) {
    try {
        with_custom(yaml);
    } catch (const Error& e) {
        return e.diagnostics().front().where.to_string() + ": " + e.diagnostics().front().en;
    }
    return "no error";
}

std::string grade_id(const RuleSet& rules, const ProjectResult& r) { return rules.grades.bands[r.grade].id; }

bool has_line(const std::vector<ExplanationLine>& lines, const std::string& rule, const std::string& source,
              const std::string& text_part) {
    for (const auto& l : lines)
        if (l.rule == rule && l.source == source && l.text.find(text_part) != std::string::npos) return true;
    return false;
}

const std::string first_hit_yaml = R"(custom:
  - table: cut_by_grade
    hit: first
    inputs: [grade, fund_source]
    outputs: [cut, priority]
    rows:
      - [excellent, "-", 0%, true]
      - [fair, local, 30%, false]
      - [中, "-", 20%, "-"]
      - ["-", "-", "-", false]
)";

} // namespace

TEST_CASE("custom: first-hit table overrides cut and priority for matching rows only") {
    const RuleSet rules = with_custom(first_hit_yaml);
    REQUIRE(rules.custom.steps.size() == 1);

    // 68 (中), local: row 2 → cut 30% of 1,000,000.00 = 300,000.00, priority false;
    // rectify and recover stay national (中: rectify, recover 1,000,000 − 800,000 = 200,000.00).
    ProjectResult r = evaluate(project("40"), rules);
    CHECK(r.total == dec("68"));
    CHECK(grade_id(rules, r) == "fair");
    CHECK(r.cut_rate == dec("0.3"));
    CHECK(r.cut == yuan("300000.00"));
    CHECK_FALSE(r.priority);
    CHECK(r.rectify);
    CHECK(r.recover == yuan("200000.00"));
    REQUIRE(r.fired_count == 1);
    CHECK(r.fired[0].step == 0);
    CHECK(r.fired[0].row == 1);

    // 68 (中), transfer: row 3 (中 is the fair grade's label) → cut 20% = 200,000.00;
    // priority `-` keeps national (false); transfers are exempt from recovery.
    r = evaluate(project("40", "90", FundSource::transfer), rules);
    CHECK(r.cut == yuan("200000.00"));
    CHECK(r.fired[0].row == 2);
    CHECK(r.set_by[static_cast<std::size_t>(custom::Target::priority)] == 0);
    CHECK(r.recover == Money{});

    // 83 (良): row 4 → priority false (national: true), cut `-` keeps national 0.
    r = evaluate(project("70"), rules);
    CHECK(grade_id(rules, r) == "good");
    CHECK_FALSE(r.priority);
    CHECK(r.cut == Money{});
    CHECK(r.fired[0].row == 3);

    // 93 (优): row 1 → cut 0, priority true.
    r = evaluate(project("90"), rules);
    CHECK(grade_id(rules, r) == "excellent");
    CHECK(r.priority);
    CHECK(r.fired[0].row == 0);

    // 48 (差): row 4 as well: cut stays national 100% = 1,000,000.00.
    r = evaluate(project("0"), rules);
    CHECK(grade_id(rules, r) == "poor");
    CHECK(r.cut == yuan("1000000.00"));
    CHECK_FALSE(r.priority);
}

TEST_CASE("custom: collect table applies every matching row; adjustments add up and re-grade") {
    const RuleSet rules = with_custom(R"(custom:
  - table: deductions
    en: execution and over-completion deductions
    zh: 执行率与超额完成扣分
    hit: collect
    inputs: [exec_rate, over_completed.count]
    outputs: [adjust]
    rows:
      - ["< 90%", "-", -2]
      - ["< 85%", "-", -3]
      - ["< 50%", "-", -10]
      - ["-", ">= 1", -1]
)");
    // 83 (良), exec_rate 0.8, satisfaction 110/90 = 1.222… ≥ 120% (capped to 1, still 10 points):
    // rows 1, 2 and 4 fire: 83 − 2 − 3 − 1 = 77 → 中: rectify, cut 10% = 100,000.00,
    // recover 200,000.00 (local), priority no.
    ProjectResult r = evaluate(project("70", "110"), rules);
    CHECK(r.total_before_custom == dec("83"));
    CHECK(r.adjustment == dec("-6"));
    CHECK(r.total == dec("77"));
    CHECK(grade_id(rules, r) == "fair");
    CHECK(r.rectify);
    CHECK_FALSE(r.priority);
    CHECK(r.cut == yuan("100000.00"));
    CHECK(r.recover == yuan("200000.00"));
    REQUIRE(r.fired_count == 3);
    CHECK(r.fired[0].row == 0);
    CHECK(r.fired[1].row == 1);
    CHECK(r.fired[2].row == 3);

    // Satisfaction 90/90 = 1: only rows 1 and 2: 93 − 5 = 88 → 良 (priority, no cut).
    r = evaluate(project("90"), rules);
    CHECK(r.total == dec("88"));
    CHECK(grade_id(rules, r) == "good");
    CHECK(r.priority);
    CHECK(r.cut == Money{});

    const auto lines = explain(project("90"), r, rules, Lang::en);
    CHECK(has_line(lines, "evaluation.custom", "county.yaml:1", "custom rules adjust the total: 93.00 − 5.00 = 88.00 (kept within 0 to 100), re-graded"));
    CHECK(has_line(lines, "evaluation.custom.deductions", "county.yaml:9",
                   "execution and over-completion deductions (decision table, row 1): execution rate 80% is below 90% → adjust: -2 points"));
    CHECK(has_line(lines, "evaluation.rounding", "rules/national.yaml:" + std::to_string(rules.evaluation.rounding.where.line),
                   "= 93.00"));
}

TEST_CASE("custom: an adjustment keeps the total within [0, 100] and the explanation says so") {
    const RuleSet up = with_custom(R"(custom:
  - rule: bonus
    zh: 加分
    en: bonus
    when: true
    then: {adjust: 20}
)");
    // 93 + 20 = 113 → 100: the adjustment recorded is what was added, 7.
    ProjectResult r = evaluate(project("90"), up);
    CHECK(r.total_before_custom == dec("93"));
    CHECK(r.adjustment == dec("7"));
    CHECK(r.total == dec("100"));
    CHECK(has_line(explain(project("90"), r, up, Lang::en), "evaluation.custom", "county.yaml:1",
                   "custom rules adjust the total: 93.00 + 7.00 = 100.00 (kept within 0 to 100), re-graded"));
    const RuleSet down = with_custom(R"(custom:
  - rule: penalty
    zh: 扣分
    en: penalty
    when: true
    then: {adjust: -200}
)");
    // 48 − 200 → 0: adjustment −48.
    r = evaluate(project("0"), down);
    CHECK(r.total_before_custom == dec("48"));
    CHECK(r.adjustment == dec("-48"));
    CHECK(r.total == Decimal{});
    CHECK(has_line(explain(project("0"), r, down, Lang::zh), "evaluation.custom", "county.yaml:1",
                   "自定义规则调整总分：48.00 − 48.00 = 0.00（限定在 0 至 100 分之间），重新评级"));
}

TEST_CASE("custom: a rule adjusting the total re-grades; later steps see the new grade") {
    const RuleSet rules = with_custom(R"(custom:
  - rule: over_target
    zh: 完成值高于指标值较多，每个指标扣 2 分
    en: each far over-completed indicator deducts 2 points
    when: over_completed.count >= 1
    then:
      adjust: -2 * over_completed.count
  - table: cut_after
    hit: first
    inputs: [grade]
    outputs: [cut]
    rows:
      - [fair, 25%]
)");
    // 93 with satisfaction 110/90 ≥ 120%: 93 − 2 = 91 → still 优; the table does not fire.
    ProjectResult r = evaluate(project("90", "110"), rules);
    CHECK(r.total == dec("91"));
    CHECK(grade_id(rules, r) == "excellent");
    CHECK(r.fired_count == 1);
    // 81 (output 66: 8 + 33 + 40) − 2 = 79 → 中; table row 1: cut 25% = 250,000.00; rectify (national 中).
    r = evaluate(project("66", "110"), rules);
    CHECK(r.total == dec("79"));
    CHECK(grade_id(rules, r) == "fair");
    CHECK(r.cut == yuan("250000.00"));
    CHECK(r.rectify);
    CHECK(r.fired_count == 2);

    const auto zh = explain(project("66", "110"), r, rules, Lang::zh);
    CHECK(has_line(zh, "evaluation.custom.over_target", "county.yaml:2", "完成值高于指标值较多，每个指标扣 2 分：超额完成较多的指标个数 1 不低于 1；总分调整：-2 × 超额完成较多的指标个数 1 = -2 分"));
    CHECK(has_line(zh, "evaluation.results.cut", "county.yaml:8", "（由自定义决策表设定）"));
    CHECK(has_line(zh, "evaluation.grades", "rules/national.yaml:" + std::to_string(rules.grades.bands[2].where.line), "79.00"));
}

TEST_CASE("custom: flags (recover, accountability, rectify) and the reason in both languages") {
    const RuleSet rules = with_custom(R"(custom:
  - rule: low_exec
    zh: 执行率低于90%的本级项目收回结余并问责
    en: local projects executing below 90% have their balance recovered and are held accountable
    when: exec_rate < 90% and fund_source == "local"
    then: {recover: true, accountability: true, rectify: budget - spent > 100000}
)");
    // 93 (优): nationally no recovery; exec_rate 0.8 < 90%, local → recover 200,000.00,
    // accountability, rectify because 1,000,000 − 800,000 = 200,000 > 100,000.
    const Project p = project("90");
    ProjectResult r = evaluate(p, rules);
    CHECK(grade_id(rules, r) == "excellent");
    CHECK(r.recover == yuan("200000.00"));
    CHECK(r.accountability);
    CHECK(r.rectify);
    CHECK(r.priority);
    const auto en = explain(p, r, rules, Lang::en);
    CHECK(has_line(en, "evaluation.custom.low_exec", "county.yaml:2",
                   "local projects executing below 90% have their balance recovered and are held accountable: execution rate 80% "
                   "is below 90%, and fund source is local; recover: yes, accountability: yes, rectify: yes (budget "
                   "1000000.00 yuan − spent 800000.00 yuan = 200000.00 yuan is above 100000)"));
    CHECK(has_line(en, "evaluation.results.recover", "county.yaml:2", "200000.00 yuan (set by the custom rule \"local projects executing below 90%"));
    CHECK(has_line(en, "evaluation.custom.accountability", "county.yaml:2", "accountability: yes"));
    const auto zh = explain(p, r, rules, Lang::zh);
    CHECK(has_line(zh, "evaluation.custom.low_exec", "county.yaml:2", "执行率低于90%的本级项目收回结余并问责"));

    // A transfer project: the rule does not fire; national results stand.
    r = evaluate(project("90", "90", FundSource::transfer), rules);
    CHECK(r.fired_count == 0);
    CHECK_FALSE(r.accountability);
    CHECK(r.recover == Money{});
    CHECK_FALSE(r.rectify);
}

TEST_CASE("custom: unreachable and repeated first-hit rows are load errors with file:line:column") {
    CHECK(load_error(R"(custom:
  - table: t
    hit: first
    inputs: [grade]
    outputs: [cut]
    rows:
      - ["-", 10%]
      - [poor, 100%]
)") == "county.yaml:8:9: row 2 of first-hit table `t` can never be reached: the earlier row at line 7 matches every "
       "project it matches (same or broader conditions)");
    CHECK(load_error(R"(custom:
  - table: t
    hit: first
    inputs: [grade, exec_rate]
    outputs: [cut]
    rows:
      - [poor, "< 50%", 100%]
      - [good, "-", 0%]
      - [差, "< 50%", 50%]
)").rfind("county.yaml:9:9: row 3 of first-hit table `t` can never be reached: the earlier row at line 7", 0) == 0);
    // The same rows in a collect table are fine (both apply).
    CHECK(load_error(R"(custom:
  - table: t
    hit: collect
    inputs: [grade]
    outputs: [adjust]
    rows:
      - ["-", -1]
      - [poor, -1]
)") == "no error");
}

TEST_CASE("custom: a step reading a field a later step changes is a load error") {
    CHECK(load_error(R"(custom:
  - rule: good_warn
    zh: 良
    en: good
    when: grade == "good"
  - rule: deduct
    zh: 扣分
    en: deduct
    when: exec_rate < 50%
    then: {adjust: -5}
)") == "county.yaml:6:5: `deduct` changes grade, which the earlier step "
       "`good_warn` (line 2) reads: a step may only read what grading and earlier steps set; move `deduct` before "
       "`good_warn`");
    // A table reading grade before a rule that adjusts the total.
    CHECK(load_error(R"(custom:
  - table: t
    hit: first
    inputs: [grade]
    outputs: [priority]
    rows:
      - [good, false]
  - rule: deduct
    zh: 扣分
    en: deduct
    when: true
    then: {adjust: -1}
)").rfind("county.yaml:8:5: `deduct` changes grade, which the earlier step `t` (line 2) reads", 0) == 0);
    // Reading what an earlier step wrote is the intended order.
    CHECK(load_error(R"(custom:
  - rule: deduct
    zh: 扣分
    en: deduct
    when: exec_rate < 50%
    then: {adjust: -5}
  - rule: flag
    zh: 问责
    en: accountable
    when: grade == "poor" and cut > 0
    then: {accountability: true}
)") == "no error");
}

TEST_CASE("custom: expression, field and cell errors carry file:line:column") {
    // Unknown name, at the name's column (line 5, `when: ` is 10 characters).
    CHECK(load_error(R"(custom:
  - rule: r
    zh: 规则
    en: rule
    when: exec_rat < 60%
)") == "county.yaml:5:11: unknown name \"exec_rat\" — did you mean \"exec_rate\"?\n  exec_rat < 60%\n  ^");
    CHECK(load_error(R"(custom:
  - rule: r
    zh: 规则
    en: rule
    when: exec_rate + 1
)") == "county.yaml:5:11: type error: `custom[1].when` must be a condition (boolean), not a number");
    CHECK(load_error(R"(custom:
  - rule: r
    zh: 规则
    en: rule
    when: true
    then: {cutt: 10%}
)") == "county.yaml:6:12: unknown output field `cutt` in `custom[1].then`; did you mean `cut`?");
    CHECK(load_error(R"(custom:
  - rule: r
    zh: 规则
    en: rule
    when: true
    then: {priority: 10%}
)") == "county.yaml:6:22: type error: `custom[1].then.priority` (priority) must be a boolean, not a number");
    // A condition cell: the error points into the cell.
    CHECK(load_error(R"(custom:
  - table: t
    hit: first
    inputs: [exec_rate]
    outputs: [cut]
    rows:
      - ["< 60%%", 10%]
)") == "county.yaml:7:16: unexpected character \"%\"\n  exec_rate < 60%%\n                 ^");
    CHECK(load_error(R"(custom:
  - table: t
    hit: first
    inputs: [grade]
    outputs: [cut]
    rows:
      - [goood, 10%]
)") == "county.yaml:7:10: unknown grade `goood` in `custom[1].rows[1]`; did you mean `good`?");
    CHECK(load_error(R"(custom:
  - table: t
    hit: first
    inputs: [grade]
    outputs: [cut]
    rows:
      - [good, 150%]
)") == "county.yaml:7:16: `custom[1].rows[1]`: the cut must be a share from 0% to 100%, found 1.5");
}

TEST_CASE("custom: a failing expression at evaluation names the project and the rule") {
    const RuleSet rules = with_custom(R"(custom:
  - rule: r
    zh: 规则
    en: rule
    when: true
    then: {cut: exec_rate / (exec_rate - exec_rate)}
)"); // a divisor that is 0 for this project (an always-0 one is refused at load: test_expr)
    try {
        evaluate(project("90"), rules);
        FAIL("no error");
    } catch (const Error& e) {
        const std::string msg = e.diagnostics().front().en;
        CHECK(msg.find("project P: custom rule at county.yaml:6: division by zero") == 0);
    }
}

TEST_CASE("custom: rules without custom steps, or whose steps never fire, give the national results exactly") {
    const RuleSet& national = national_rules().only();
    const RuleSet quiet = with_custom(R"(custom:
  - rule: never
    zh: 不会触发
    en: never fires
    when: category == "no such category"
    then: {cut: 50%, accountability: true}
)");
    for (const char* output : {"90", "70", "40", "0"}) {
        const Project p = project(output);
        const ProjectResult a = evaluate(p, national);
        const ProjectResult b = evaluate(p, quiet);
        CHECK(a.total == b.total);
        CHECK(a.grade == b.grade);
        CHECK(a.rectify == b.rectify);
        CHECK(a.priority == b.priority);
        CHECK(a.cut == b.cut);
        CHECK(a.recover == b.recover);
        CHECK_FALSE(b.accountability);
        CHECK(b.fired_count == 0);
        CHECK(a.fired_count == 0);
        CHECK(a.adjustment == Decimal{});
        for (Lang lang : {Lang::zh, Lang::en}) {
            const auto la = explain(p, a, national, lang);
            const auto lb = explain(p, b, quiet, lang);
            REQUIRE(la.size() == lb.size());
            for (std::size_t i = 0; i < la.size(); ++i) {
                CHECK(la[i].rule == lb[i].rule);
                CHECK(la[i].text == lb[i].text);
            }
        }
    }
    CHECK(national.custom.empty());
}

TEST_CASE("custom: built in C++ without a rule file") {
    RuleSet rules = national_rules().only();
    custom::Rule rule;
    rule.id = "big";
    rule.zh = "大额项目问责";
    rule.en = "large projects are held accountable";
    rule.when = expr::compile("budget >= 1000000 and total < 95", custom::schema(), SourceLocation{"code.yaml", 1, 1});
    rule.then.push_back({custom::Target::accountability, expr::compile("true", custom::schema(), {}), {}});
    custom::Step step;
    step.kind = custom::Step::Kind::rule;
    step.rule = std::move(rule);
    rules.custom.steps.push_back(std::move(step));
    const ProjectResult r = evaluate(project("90"), rules); // budget 1,000,000, total 93
    CHECK(r.accountability);
    CHECK(r.fired_count == 1);
    CHECK(custom::schema().size() == custom::slot_count);
    CHECK(*custom::schema().find("indicators.min_ratio") == static_cast<std::size_t>(custom::Slot::indicators_min_ratio));
}

TEST_CASE("custom: category, year and indicator aggregates; a rule without `then` only records its reason") {
    const RuleSet rules = with_custom(R"(custom:
  - rule: weak_indicator
    zh: 有指标完成率低于50%
    en: an indicator is below 50% complete
    when: indicators.min_ratio < 50% and indicators.count == 3
  - table: by_category
    hit: first
    inputs: [category, year]
    outputs: [accountability]
    rows:
      - ["in [\"roads\", \"bridges\"]", ">= 2023", true]
      - [roads, "-", false]
)");
    REQUIRE(rules.custom.steps.size() == 2);
    // The loader keeps only the slots steps read: indicators.min_ratio, indicators.count, category, year.
    CHECK(rules.custom.reads == ((1U << static_cast<unsigned>(custom::Slot::indicators_min_ratio)) |
                                 (1U << static_cast<unsigned>(custom::Slot::indicators_count)) |
                                 (1U << static_cast<unsigned>(custom::Slot::category)) |
                                 (1U << static_cast<unsigned>(custom::Slot::year))));
    Project p = project("40"); // output 40/100 = 0.4 < 50%
    p.category = "roads";
    p.year = 2024;
    ProjectResult r = evaluate(p, rules);
    REQUIRE(r.fired_count == 2);
    CHECK(r.fired[0].step == 0);
    CHECK(r.fired[1].step == 1);
    CHECK(r.fired[1].row == 0);
    CHECK(r.accountability);
    // National results unchanged (68, 中): rectify, cut 10%, recover 200,000.00.
    CHECK(r.rectify);
    CHECK(r.cut == yuan("100000.00"));
    const auto en = explain(p, r, rules, Lang::en);
    CHECK(has_line(en, "evaluation.custom.weak_indicator", "county.yaml:2",
                   "an indicator is below 50% complete: lowest capped completion rate 40% is below 50%, and number of indicators 3 equals 3"));
    CHECK(has_line(en, "evaluation.custom.by_category", "county.yaml:11", "decision table, row 1: category is roads, one of roads, bridges, and budget year 2024 is at least 2023 → accountability: yes"));

    p.year.reset(); // year 0: row 2 (category literal) → false
    p.indicators[0].actual = dec("60");
    r = evaluate(p, rules);
    REQUIRE(r.fired_count == 1);
    CHECK(r.fired[0].row == 1);
    CHECK_FALSE(r.accountability);
}

TEST_CASE("custom: a rule can clear the national recovery, and the explanation says so") {
    const RuleSet rules = with_custom(R"(custom:
  - rule: keep_balance
    zh: 中等级项目不收回结余
    en: fair projects keep their balance
    when: grade == "fair"
    then: {recover: false}
)");
    const Project p = project("40"); // 68, 中: nationally 200,000.00 recovered
    const ProjectResult r = evaluate(p, rules);
    CHECK(r.recover == Money{});
    CHECK(has_line(explain(p, r, rules, Lang::en), "evaluation.results.recover", "county.yaml:2",
                   "no recovery: 0.00 yuan (set by the custom rule \"fair projects keep their balance\")"));
    CHECK(has_line(explain(p, r, rules, Lang::zh), "evaluation.results.recover", "county.yaml:2",
                   "不收回结余，收回 0.00 元（由自定义规则“中等级项目不收回结余”设定）"));
}

TEST_CASE("custom: the batch command applies custom rules (in memory) to every project") {
    // W1 of examples/data: 85.32, 良, local, category 教育, budget 1,000,000.00 → cut 5% = 50,000.00.
    const RuleSet rules = with_custom(R"(custom:
  - rule: education_cut
    zh: 教育类良等级项目核减5%
    en: good education projects are cut by 5%
    when: category == "教育" and grade == "good"
    then: {cut: 5%}
)");
    const std::string dir = std::string(PERFBUDGET_SOURCE_DIR) + "/examples/data";
    EvaluateOptions opt;
    opt.projects = dir + "/projects.csv";
    opt.indicators = dir + "/indicators.csv";
    opt.out = (std::filesystem::temp_directory_path() / ("perfbudget-test-custom-" + std::to_string(::getpid()) + ".csv")).string();
    evaluate_files(opt, RuleBook(rules));
    std::ifstream in(opt.out);
    std::string line, header, w1, jy02;
    std::getline(in, header);
    while (std::getline(in, line)) {
        if (line.rfind("W1,", 0) == 0) w1 = line;
        if (line.rfind("JY-02,", 0) == 0) jy02 = line;
    }
    std::filesystem::remove(opt.out);
    // Rules with custom steps add the accountability and reasons columns.
    CHECK(header.find(",recover,accountability,reasons") != std::string::npos);
    CHECK(w1 == "W1,县教育局,1000000.00,812345.67,0.8123,8.12,77.20,85.32,good,良,0,1,50000.00,0.00,0,education_cut");
    // JY-02 is 优 (excellent): the rule does not fire, no reason.
    CHECK(jy02.size() > 4);
    CHECK(jy02.substr(jy02.size() - 3) == ",0,");
}

TEST_CASE("custom: a profile's custom section is loaded from YAML and applied") {
    // base national; the W1-like project below: exec 8 (800 of 1000), output 50 × 0.4 = 20,
    // benefit 30, satisfaction 10 → total 68.00, fair. National: cut 10% = 100.00, recover 200.00.
    // The table cuts fair local projects by 30% instead; the rule flags accountability
    // because exec_rate 0.8 < 90%.
    const RuleSet rules = load_rules_text(R"(base: national
profile: county
evaluation:
  custom:
  - table: cut_by_grade
    hit: first
    inputs: [grade, fund_source]
    outputs: [cut]
    rows:
      - [fair, local, 30%]
      - ["-", "-", "-"]
  - rule: slow
    zh: 执行率低于90%
    en: execution below 90%
    when: exec_rate < 90%
    then: {accountability: true}
)", "county.yaml").only();
    Project p;
    p.id = "P";
    REQUIRE(parse_money("1000.00", p.budget).ok());
    REQUIRE(parse_money("800.00", p.spent).ok());
    auto add = [&](Level1 l1, Level2 l2, const char* t, const char* a, const char* w) {
        Indicator i;
        i.level1 = l1;
        i.level2 = l2;
        i.name = "i";
        Decimal dt, da, dw;
        REQUIRE(parse_decimal(t, dt).ok());
        REQUIRE(parse_decimal(a, da).ok());
        REQUIRE(parse_decimal(w, dw).ok());
        i.target = dt;
        i.actual = da;
        i.weight = dw;
        p.indicators.push_back(i);
    };
    add(Level1::output, Level2::quantity, "100", "40", "50");
    add(Level1::benefit, Level2::social, "1", "1", "30");
    add(Level1::satisfaction, Level2::satisfaction, "90%", "90%", "10");
    const ProjectResult r = evaluate(p, rules);
    CHECK(r.total.to_string(2) == "68.00");
    CHECK(rules.grades.bands[r.grade].id == "fair");
    CHECK(r.cut.to_string() == "300.00");
    CHECK(r.recover.to_string() == "200.00");
    CHECK(r.accountability);
    bool cites = false;
    for (const auto& line : explain(p, r, rules, Lang::en))
        if (line.source.rfind("county.yaml:", 0) == 0) cites = true;
    CHECK(cites);
}

// Issue 7, item 4: a text literal compared with an input that has a fixed set of
// values is checked at load, so a typo is an error rather than a rule that never fires.
TEST_CASE("custom: a misspelt grade, fund source or budget kind in an expression is a load error") {
    auto when = [](const std::string& condition) {
        return load_error("custom:\n  - rule: r\n    zh: 规则\n    en: rule\n    when: " + condition + "\n");
    };
    // `    when: ` is 10 characters: the expression starts at column 11.
    CHECK(when("fund_source == \"Local\"") ==
          "county.yaml:5:26: unknown fund_source \"Local\" — did you mean \"local\"? (fund_source is one of \"local\", "
          "\"transfer\")\n  fund_source == \"Local\"\n                 ^");
    CHECK(when("budget_kind in [\"gov-fund\"]") ==
          "county.yaml:5:27: unknown budget_kind \"gov-fund\" — did you mean \"gov_fund\"? (budget_kind is one of "
          "\"general\", \"gov_fund\", \"state_capital\", \"social_insurance\")\n  budget_kind in [\"gov-fund\"]\n"
          "                  ^");
    // The grades are the rule set's scale; the literal may come first (the YAML
    // scalar is then quoted: the expression starts at column 12), and != is checked too.
    CHECK(when("'\"goood\" == grade'") ==
          "county.yaml:5:12: unknown grade \"goood\" — did you mean \"good\"? (grade is one of \"excellent\", \"good\", "
          "\"fair\", \"poor\")\n  \"goood\" == grade\n  ^");
    CHECK(when("grade != \"Poor\"").find("county.yaml:5:20: unknown grade \"Poor\" — did you mean \"poor\"?") == 0);
    CHECK(when("rectification not in [\"done\", \"refuse\"]")
              .find("county.yaml:5:41: unknown rectification \"refuse\" — did you mean \"refused\"?") == 0);
    // Also in a table's condition cell (compiled as `fund_source == "Local"`, pointing into the cell).
    CHECK(load_error(R"(custom:
  - table: t
    hit: first
    inputs: [fund_source]
    outputs: [cut]
    rows:
      - ['== "Local"', 10%]
)")
              .find("county.yaml:7:14: unknown fund_source \"Local\" — did you mean \"local\"?") == 0);
    // Chinese too: the message names the value and the choices.
    try {
        with_custom("custom:\n  - rule: r\n    zh: 规则\n    en: rule\n    when: fund_source == \"本地\"\n");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.diagnostics().front().zh.find("fund_source 没有取值 \"本地\"（可取 \"local\"、\"transfer\"）") == 0);
    }
    // Correct spellings load; free text (category) is not checked.
    CHECK(when("grade == \"good\" and fund_source != \"transfer\" and budget_kind in [\"general\", \"gov_fund\"]") ==
          "no error");
    CHECK(when("category == \"anything at all\"") == "no error");
}

TEST_CASE("custom: the Chinese names the CSV accepts are accepted in expressions and mean the identifier") {
    // project("70"): total 8 + 35 + 40 = 83 → good (良), local, general. project("90"): 93 → excellent.
    auto fires = [](const std::string& condition, const Project& p) {
        const RuleSet rules = with_custom("custom:\n  - rule: r\n    zh: 规则\n    en: rule\n    when: " + condition +
                                          "\n    then: {accountability: true}\n");
        return evaluate(p, rules).accountability;
    };
    CHECK(fires("grade == \"良\"", project("70")));       // the grade's zh label in the scale
    CHECK_FALSE(fires("grade == \"良\"", project("90"))); // 优
    CHECK(fires("'\"本级\" == fund_source'", project("70")));
    CHECK_FALSE(fires("fund_source == \"本级\"", project("70", "90", FundSource::transfer)));
    CHECK(fires("fund_source != \"上级专项转移支付\"", project("70"))); // an alias of transfer
    CHECK(fires("budget_kind in [\"一般公共预算\"]", project("70")));
    CHECK_FALSE(fires("budget_kind not in [\"一般公共预算\", \"gov_fund\"]", project("70")));
    CHECK(fires("rectification == \"无\"", project("70")));

    // A table literal cell takes the same spellings, and the table checks compare
    // ids: `本级` and `== "local"` are the same value, so the second row of this
    // first-hit table can never be reached.
    const std::string by_source = R"(custom:
  - table: t
    hit: first
    inputs: [fund_source]
    outputs: [accountability]
    rows:
      - [本级, true]
)";
    CHECK(evaluate(project("70"), with_custom(by_source)).accountability);
    CHECK(load_error(by_source + "      - ['== \"local\"', false]\n") ==
          "county.yaml:8:9: row 2 of first-hit table `t` can never be reached: the earlier row at line 7 matches every "
          "project it matches (same or broader conditions)");
}

// Issue 7, item 5: no silent truncation of the steps that fired.
namespace {
/// `n` rules r1 … rn that fire on every project.
std::string always_rules(std::size_t n) {
    std::string y = "custom:\n";
    for (std::size_t i = 1; i <= n; ++i)
        y += "  - rule: r" + std::to_string(i) + "\n    zh: 规则\n    en: rule\n    when: true\n";
    return y;
}
} // namespace

TEST_CASE("custom: 17 rules that all fire are all listed in reasons and explanations") {
    const RuleSet rules = with_custom(always_rules(17));
    const Project p = project("90");
    const ProjectResult r = evaluate(p, rules);
    CHECK(r.fired_count == 17);
    const auto ids = reason_ids(r, rules);
    REQUIRE(ids.size() == 17);
    CHECK(ids.front() == "r1");
    CHECK(ids.back() == "r17");
    std::size_t lines = 0;
    for (const auto& l : explain(p, r, rules, Lang::en)) lines += l.rule.rfind("evaluation.custom.r", 0) == 0;
    CHECK(lines == 17);
}

TEST_CASE("custom: a rule file where more steps could fire than a result records is refused at load") {
    // 33 rules: the 33rd passes the limit of 32. Each rule item is 4 lines from line 2.
    CHECK(load_error(always_rules(33)) ==
          "county.yaml:130:5: too many steps can fire on one project: with `r33`, up to 33 rules and table rows (every "
          "row of a collect table) can fire, and a result records at most 32; merge rules, or use a first-hit table");
    CHECK(load_error(always_rules(32)) == "no error");
    // A collect table counts each row; a first-hit table one. 30 rules + a first-hit
    // table of 2 rows = 31 (fine); + a collect table of 2 rows = 33, refused at the
    // collect table (line 2 + 30 × 4 = 122 is the first-hit table, 7 lines).
    const std::string tables = R"(  - table: f
    hit: first
    inputs: [fund_source]
    outputs: [priority]
    rows:
      - [local, true]
      - ["-", false]
  - table: c
    hit: collect
    inputs: [fund_source]
    outputs: [accountability]
    rows:
      - [local, true]
      - ["-", false]
)";
    const std::string e = load_error(always_rules(30) + tables);
    CHECK(e.find("county.yaml:129:5: too many steps can fire on one project: with `c`, up to 33") == 0);
    CHECK(load_error(always_rules(29) + tables) == "no error");
}

TEST_CASE("custom: a step's condition and values in words, from the compiled expression") {
    // project("90"): execution 80%; completion (50 × 90% + 30 + 10) / 90 = 85/90 = 94.44%: 14.44 points apart.
    const RuleSet rules = with_custom(R"(custom:
  - rule: apart
    zh: 执行与完成相差较大
    en: execution and completion far apart
    when: abs(exec_rate - completion) > 10%
    then:
      rectify: true
      cut: max(10%, 1 - exec_rate)
  - rule: low_exec
    zh: 执行率偏低
    en: low execution
    when: exec_rate < 90% and fund_source == "local" and grade in ["excellent", "good"]
    then: {adjust: -2 * indicators.count}
  - table: by_grade
    zh: 按等级
    hit: first
    inputs: [grade]
    outputs: [priority]
    rows:
      - [good, false]
)");
    const Project p = project("90");
    const ProjectResult r = evaluate(p, rules);
    REQUIRE(r.fired_count == 3);
    const auto zh = explain(p, r, rules, Lang::zh);
    CHECK(has_line(zh, "evaluation.custom.apart", "county.yaml:2",
                   "执行与完成相差较大：执行率 80% 与总体完成率 94.44% 相差 14.44 个百分点，超过 10 个百分点；限期整改：是，"
                   "下年核减比例：10%、100% − 执行率 80% 中的较大者 = 20%"));
    CHECK(has_line(zh, "evaluation.custom.low_exec", "county.yaml:9",
                   "执行率偏低：执行率 80% 低于 90%，且资金来源为本级，且等级为优，属于 优、良；总分调整：-2 × 指标个数 3 = -6 分"));
    CHECK(has_line(zh, "evaluation.custom.by_grade", "county.yaml:20", "按等级（决策表第 1 行）：等级为良 → 优先安排：否"));
    const auto en = explain(p, r, rules, Lang::en);
    CHECK(has_line(en, "evaluation.custom.apart", "county.yaml:2",
                   "execution and completion far apart: execution rate 80% and overall completion 94.44% differ by 14.44 "
                   "percentage points, more than 10 percentage points; rectify: yes"));
}
