// Tests for monitoring custom steps (monitor_custom.hpp): the `custom:` list in a
// rule file's `monitoring:` section, compiled against the monitoring schema, run
// after the built-in lights. Expected values are computed by hand in the comments.
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/monitor_custom.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

namespace {

const Date june30 = make_date(2023, 6, 30);

/// A profile of the national rules whose monitoring section has `steps` as its
/// custom list (line 5 of the file is the first step's first line).
std::string profile(const std::string& steps) {
    return "base: national\nprofile: t\nmonitoring:\n  custom:\n" + steps;
}

RuleSet load(const std::string& steps) { return load_rules_text(profile(steps), "t.yaml").only(); }

std::vector<Diagnostic> load_problems(const std::string& steps) { return perfbudget::test::rule_problems(profile(steps)); }

/// Budget `budget` (1000.00 unless given), `spent`, one ge indicator target 100, actual `actual`.
Project project(const char* spent, const char* actual = "50", const char* budget = "1000.00") {
    Project p;
    p.id = "P";
    p.department = "新区教育局";
    p.budget = yuan(budget);
    p.spent = yuan(spent);
    Indicator i;
    i.name = "数量";
    i.direction = Direction::ge;
    i.target = dec("100");
    i.actual = dec(actual);
    p.indicators.push_back(i);
    return p;
}

} // namespace

TEST_CASE("monitor custom: a step's light is combined worst-of with the built-in lights") {
    // spent 500.00 as of June 30: exec_rate 0.5, v = 1.0 → green; indicator 50/100 at
    // time progress 0.5: v = 1.0 → green. The step raises it to red (红灯, a synonym),
    // and the red action (suspend) follows, since no step set the action.
    const RuleSet rules = load("    - rule: raise\n"
                               "      zh: 执行率低于90%亮红灯\n"
                               "      en: execution below 90% is red\n"
                               "      when: exec_rate < 90%\n"
                               "      then: {light: 红灯}\n"
                               "    - rule: calm\n"
                               "      zh: 不会降低\n"
                               "      en: cannot lower a light\n"
                               "      when: level == \"red\"\n"
                               "      then: {light: green}\n");
    MonitorResult r = monitor_project(project("500.00"), june30, rules);
    CHECK(r.rule_light == std::array<Light, monitor_rule_count>{}); // every built-in rule green
    CHECK(r.level == Light::red);                                   // raised, not lowered by `calm`
    CHECK(r.action == MonitorAction::suspend);
    CHECK_FALSE(r.action_set);
    CHECK_FALSE(r.has_cut);
    CHECK(monitor_reasons(r, rules) == "raise;calm");
    CHECK(monitor_reasons(r) == ""); // the built-in reasons alone
    // spent 950.00: exec_rate 0.95, the rule does not fire; green, no action.
    r = monitor_project(project("950.00"), june30, rules);
    CHECK(r.level == Light::green);
    CHECK(r.action == MonitorAction::none);
    CHECK(r.fired_count == 0);
    // A built-in red is not lowered by a step's green.
    const RuleSet green = load("    - rule: calm\n"
                               "      zh: 绿灯\n"
                               "      en: green\n"
                               "      when: \"true\"\n"
                               "      then: {light: green}\n");
    r = monitor_project(project("100.00"), june30, green); // v = 0.2 → red
    CHECK(r.level == Light::red);
    CHECK(r.action == MonitorAction::suspend);
    CHECK(monitor_reasons(r, green) == "execution;calm");
}

TEST_CASE("monitor custom: action overrides the light's action; later steps read it") {
    // spent 100.00: v = 0.2 → red (execution), action suspend by the light; the
    // step sets follow_up; the table then reads action and level.
    const RuleSet rules = load("    - rule: soften\n"
                               "      zh: 首次预警督促整改\n"
                               "      en: first warning, follow up\n"
                               "      when: execution.light == \"red\" and month <= 6\n"
                               "      then: {action: 督促整改}\n"
                               "    - table: note\n"
                               "      hit: first\n"
                               "      inputs: [action, level]\n"
                               "      outputs: [cut]\n"
                               "      rows:\n"
                               "        - [follow_up, red, 10%]\n"
                               "        - [\"-\", \"-\", \"-\"]\n");
    MonitorResult r = monitor_project(project("100.00"), june30, rules);
    CHECK(r.level == Light::red);
    CHECK(r.action == MonitorAction::follow_up);
    CHECK(r.action_set);
    CHECK(r.has_cut);
    CHECK(r.cut_rate == dec("10%"));
    CHECK(r.cut == yuan("100.00"));
    CHECK(monitor_reasons(r, rules) == "execution;soften;note");
    // As of July 31 the month is 7: the rule does not fire, the table's second row does.
    r = monitor_project(project("100.00"), make_date(2023, 7, 31), rules);
    CHECK(r.action == MonitorAction::suspend);
    CHECK_FALSE(r.has_cut);
    REQUIRE(r.fired_count == 1);
    CHECK(r.fired[0].row == 1);
}

TEST_CASE("monitor custom: the cut amount is budget × rate, half-up to the fen") {
    const RuleSet rules = load("    - rule: cut\n"
                               "      zh: 核减未执行部分\n"
                               "      en: cut the unspent share\n"
                               "      when: exec_rate < 100%\n"
                               "      then:\n"
                               "        cut: round(1 - exec_rate, 4)\n");
    // 1000.01, nothing spent: rate 1 → 1000.01.
    MonitorResult r = monitor_project(project("0.00", "50", "1000.01"), june30, rules);
    CHECK(r.cut_rate == dec("1"));
    CHECK(r.cut == yuan("1000.01"));
    // 1000.01, 500.00 spent: 1 − 500/1000.01 = 0.50000499… → 0.5000; 1000.01 × 0.5 = 500.005 → 500.01.
    r = monitor_project(project("500.00", "50", "1000.01"), june30, rules);
    CHECK(r.cut_rate == dec("0.5"));
    CHECK(r.cut == yuan("500.01"));
    const MonitorRatesText t = monitor_rates_text(r);
    CHECK(t.cut == "0.5000");
    CHECK(t.cut_amount == "500.01");
    // 333.33, 100.00 spent: 1 − 100/333.33 = 0.69999… → 0.7000; 333.33 × 0.7 = 233.331 → 233.33.
    r = monitor_project(project("100.00", "50", "333.33"), june30, rules);
    CHECK(r.cut == yuan("233.33"));
    // No cut: the columns are blank.
    r = monitor_project(project("1000.00"), june30, rules);
    CHECK_FALSE(r.has_cut);
    CHECK(monitor_rates_text(r).cut.empty());
    // An unrounded share (1/3) is refused at run time, naming the project and the rule's line.
    const RuleSet third = load("    - rule: third\n"
                               "      zh: 三分之一\n"
                               "      en: a third\n"
                               "      when: \"true\"\n"
                               "      then: {cut: 1 / 3}\n");
    CHECK_THROWS_WITH_AS((void)monitor_project(project("500.00"), june30, third),
                         doctest::Contains("project P: monitoring custom rule at t.yaml:9"), Error);
}

TEST_CASE("monitor custom: type errors and unknown names are load errors at file:line:column") {
    // `when` must be a condition: line 8, the expression starts at column 13.
    auto d = load_problems("    - rule: bad\n"
                           "      zh: 错\n"
                           "      en: wrong\n"
                           "      when: exec_rate + 1\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.file == "t.yaml");
    CHECK(d[0].where.line == 8);
    CHECK(d[0].where.column == 13);
    CHECK(d[0].en.find("must be a condition (boolean), not a number") != std::string::npos);
    CHECK(!d[0].zh.empty());
    // `total` is an evaluation input, not a monitoring one: the caret is under it (column 13).
    d = load_problems("    - rule: bad\n"
                      "      zh: 错\n"
                      "      en: wrong\n"
                      "      when: total > 90\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 8);
    CHECK(d[0].where.column == 13);
    CHECK(d[0].en.find("total") != std::string::npos);
    // An output of the wrong type, an unknown light, an unknown output, a share over 100%.
    d = load_problems("    - rule: bad\n"
                      "      zh: 错\n"
                      "      en: wrong\n"
                      "      when: \"true\"\n"
                      "      then: {cut: level, light: purple, adjust: 1, action: none}\n"
                      "    - rule: big\n"
                      "      zh: 错\n"
                      "      en: wrong\n"
                      "      when: \"true\"\n"
                      "      then: {cut: 120%}\n");
    REQUIRE(d.size() == 4);
    std::string all;
    for (const Diagnostic& x : d) all += x.where.to_string() + ": " + x.en + "\n";
    INFO(all);
    CHECK(all.find("t.yaml:9:19: type error: `monitoring.custom[1].then.cut` (cut) must be a number, not a text") !=
          std::string::npos);
    CHECK(all.find(": unknown light `purple`") != std::string::npos);
    CHECK(all.find("unknown output field `adjust`") != std::string::npos);
    CHECK(all.find("t.yaml:14:19: `monitoring.custom[2].then.cut`: the cut must be a share from 0% to 100%") !=
          std::string::npos);
    // Indicator rules belong to evaluation.
    d = load_problems("    - indicator_rule: x\n"
                      "      zh: 错\n"
                      "      en: wrong\n"
                      "      when: indicator.ratio > 1\n"
                      "      then: {adjust: -1}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].en.find("the monitoring stage has tables and rules only") != std::string::npos);
    // A step reading what a later step changes: the order is the dependency order.
    d = load_problems("    - rule: reads\n"
                      "      zh: 读\n"
                      "      en: reads\n"
                      "      when: level == \"red\"\n"
                      "    - rule: writes\n"
                      "      zh: 写\n"
                      "      en: writes\n"
                      "      when: \"true\"\n"
                      "      then: {light: yellow}\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].en.find("`writes` changes level, which the earlier step `reads` (line 5) reads: a step may "
                       "only read what the built-in monitoring rules and earlier steps set") == 0);
}

TEST_CASE("monitor custom: the table analysis reads the monitoring schema") {
    // `level` has four values (synonyms included): after all four, a `-` row is unreachable.
    auto d = load_problems("    - table: t\n"
                           "      hit: first\n"
                           "      inputs: [level]\n"
                           "      outputs: [cut]\n"
                           "      rows:\n"
                           "        - [green, 0%]\n"
                           "        - [blue, 0%]\n"
                           "        - [yellow, 10%]\n"
                           "        - [红灯, 20%]\n"
                           "        - [\"-\", 5%]\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 14);
    CHECK(d[0].en.find("row 5 of first-hit table `t` can never be reached: the earlier rows at lines") == 0);
    // `indicators.counted` is a count: 1.5 is no value of it.
    d = load_problems("    - table: c\n"
                      "      hit: first\n"
                      "      inputs: [indicators.counted]\n"
                      "      outputs: [light]\n"
                      "      rows:\n"
                      "        - [1.5, red]\n");
    REQUIRE(d.size() == 1);
    CHECK(d[0].en.find("row 1 of first-hit table `c` can never match: no value of indicators.counted") == 0);
}

TEST_CASE("monitor custom: the explanation cites each fired step, then the cut") {
    const RuleSet rules = load("    - rule: cut\n"
                               "      zh: 核减未执行部分\n"
                               "      en: cut the unspent share\n"
                               "      when: exec_rate < 60%\n"
                               "      then: {cut: 1 - exec_rate}\n");
    const Project p = project("250.00");
    const MonitorResult r = monitor_project(p, june30, rules);
    const auto en = explain_monitoring(p, r, rules, Lang::en);
    REQUIRE(en.size() == 5); // time progress, execution, the step, the cut, level
    CHECK(en[2].rule == "monitoring.custom.cut");
    CHECK(en[2].source == "t.yaml:5");
    // The condition and the value in words with the values the step saw: spent 250.00 of 1000.00.
    CHECK(en[2].text == "cut the unspent share: execution rate 25% is below 60%; cut: 100% − execution rate 25% = 75%");
    CHECK(en[3].rule == "monitoring.cut");
    CHECK(en[3].source == "t.yaml:5"); // the step that set it
    CHECK(en[3].text == "mid-year cut recommended = budget 1000.00 yuan × cut rate 75% = 750.00 yuan (half-up to the fen) "
                        "(set by the custom rule \"cut the unspent share\")");
    const auto zh = explain_monitoring(p, r, rules, Lang::zh);
    CHECK(zh[2].text == "核减未执行部分：执行率 25% 低于 60%；中期核减比例：100% − 执行率 25% = 75%");
    CHECK(zh[3].text == "中期调整预算建议核减 = 预算数 1000.00 元 × 核减比例 75% = 750.00 元（四舍五入到分）"
                        "（由自定义规则“核减未执行部分”设定）");
}

TEST_CASE("monitor custom: a project allocates nothing with custom steps once the result is reused") {
    const RuleSet rules = load("    - rule: far\n"
                               "      zh: 偏离较大\n"
                               "      en: far off\n"
                               "      when: has_completion and abs(exec_rate - completion) > 10% and department != \"\"\n"
                               "      then:\n"
                               "        cut: round(min(abs(exec_rate - completion), 1 - exec_rate), 4)\n"
                               "        light: yellow\n"
                               "    - table: act\n"
                               "      hit: first\n"
                               "      inputs: [level, fund_source, cut]\n"
                               "      outputs: [action]\n"
                               "      rows:\n"
                               "        - [yellow, 本级, \"> 0\", follow_up]\n"
                               "        - [\"-\", \"-\", \"-\", \"-\"]\n");
    const Project p = project("350.00", "30");
    MonitorResult out;
    monitor_project(p, june30, rules, out);
    const long before = test::allocation_count();
    for (int i = 0; i < 100; ++i) monitor_project(p, june30, rules, out);
    CHECK(test::allocation_count() - before == 0);
    // exec_rate 0.35, completion 0.30: 5 points → the rule does not fire; v = 0.7 → yellow
    // (execution); the table's default row (all `-`) fires and sets nothing.
    CHECK(out.level == Light::yellow);
    CHECK(out.action == MonitorAction::follow_up);
    REQUIRE(out.fired_count == 1);
    CHECK(out.fired[0].step == 1);
    CHECK(out.fired[0].row == 1);
}

TEST_CASE("monitor custom: the schemas match their index constants") {
    const custom::StageSchema& m = monitoring_schema();
    REQUIRE(m.inputs().size() == monitor_slot_count);
    REQUIRE(m.outputs().size() == monitor_target_count);
    CHECK(*m.input("level") == static_cast<std::size_t>(MonitorSlot::level));
    CHECK(*m.input("deviation.light") == static_cast<std::size_t>(MonitorSlot::deviation_light));
    CHECK(*m.input("as_of_year") == static_cast<std::size_t>(MonitorSlot::as_of_year));
    CHECK(*m.output("cut") == static_cast<std::size_t>(MonitorTarget::cut));
    CHECK_FALSE(m.indicator_rules());
    const custom::StageSchema& e = custom::evaluation_schema();
    REQUIRE(e.inputs().size() == custom::slot_count);
    REQUIRE(e.outputs().size() == custom::target_count);
    CHECK(*e.input("accountability") == static_cast<std::size_t>(custom::Slot::accountability));
    CHECK(*e.output("adjust") == static_cast<std::size_t>(custom::Target::adjust));
    CHECK(e.indicator_rules());
}

TEST_CASE("monitor custom: docs/rules.md lists each stage's schema as the code has it") {
    std::ifstream f(std::string(PERFBUDGET_SOURCE_DIR) + "/docs/rules.md");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string doc = ss.str();
    CHECK(doc.find(custom::schema_markdown(custom::evaluation_schema())) != std::string::npos);
    CHECK(doc.find(custom::schema_markdown(monitoring_schema())) != std::string::npos);
}
