// Tests for the monitor stage (monitor.hpp), SPEC §5: every expected value is
// computed by hand. As of 2023-06-30 the time progress is exactly 1/2, so an
// execution rate r gives v = 2r and a ge indicator of target 100 gives v = actual / 50.
#include "perfbudget/input.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

namespace {

Date day(int y, int m, int d) { return make_date(y, m, d); }
const Date june30 = make_date(2023, 6, 30);

Fraction frac(std::int64_t n, std::int64_t d) { return Fraction::positive(n, d); }

/// An indicator with a target and (unless empty) an actual, no weight.
Indicator ind(Direction dir, const char* target, const char* actual) {
    Indicator i;
    i.direction = dir;
    i.name = "指标";
    if (dir == Direction::qual) {
        i.actual = QualRating{*parse_tier(actual)};
    } else if (dir == Direction::date) {
        i.target = *parse_date(target);
        if (*actual) i.actual = *parse_date(actual);
    } else {
        i.target = dec(target);
        if (*actual) i.actual = dec(actual);
    }
    return i;
}

/// A project with budget 1000.00 and `spent`, holding `indicators`.
Project project(const char* spent, std::vector<Indicator> indicators = {}) {
    Project p;
    p.id = "P";
    p.department = "县教育局";
    p.budget = yuan("1000.00");
    p.spent = yuan(spent);
    p.indicators = std::move(indicators);
    return p;
}

Light exec_light(const char* spent) {
    return monitor_project(project(spent), june30, national_rules().only()).rule_light[0];
}

Light pace_light(Direction dir, const char* target, const char* actual, Date as_of = june30) {
    const MonitorResult r = monitor_project(project("500.00", {ind(dir, target, actual)}), as_of, national_rules().only());
    return r.indicators.at(0).pace_light;
}

/// National rules with the deviation warning of seed 000 switched on.
RuleSet with_deviation() {
    RuleSet r = national_rules().only();
    r.monitoring.deviation.enabled = true;
    return r;
}

} // namespace

TEST_CASE("monitor: time progress by months, every month end is m/12") {
    CHECK(time_progress(day(2023, 6, 30), TimeProgressMethod::months) == frac(1, 2));
    CHECK(time_progress(day(2023, 1, 31), TimeProgressMethod::months) == frac(1, 12));
    CHECK(time_progress(day(2023, 12, 31), TimeProgressMethod::months) == frac(1, 1));
    // Mid-month: (5 + 15/30) / 12 = 11/24.
    CHECK(time_progress(day(2023, 6, 15), TimeProgressMethod::months) == frac(11, 24));
    // February's end is 2/12 in a common and in a leap year; 28 Feb 2024 is (1 + 28/29)/12.
    CHECK(time_progress(day(2023, 2, 28), TimeProgressMethod::months) == frac(1, 6));
    CHECK(time_progress(day(2024, 2, 29), TimeProgressMethod::months) == frac(1, 6));
    CHECK(time_progress(day(2024, 2, 28), TimeProgressMethod::months) == frac(57, 348));
    CHECK(time_progress(day(2023, 1, 1), TimeProgressMethod::months) == frac(1, 372));
}

TEST_CASE("monitor: time progress by days of the year") {
    CHECK(time_progress(day(2023, 6, 30), TimeProgressMethod::days) == frac(181, 365));
    CHECK(time_progress(day(2023, 2, 28), TimeProgressMethod::days) == frac(59, 365));
    CHECK(time_progress(day(2024, 2, 29), TimeProgressMethod::days) == frac(60, 366));
    CHECK(time_progress(day(2024, 12, 31), TimeProgressMethod::days) == frac(1, 1));
    RuleSet r = national_rules().only();
    r.monitoring.time_progress.method = TimeProgressMethod::days;
    CHECK(monitor_project(project("500.00"), day(2024, 2, 29), r).time_progress == frac(60, 366));
}

TEST_CASE("monitor: time progress of a date that is not one is an error, not a number") {
    // A program can build any year_month_day; the readers never hand one on.
    CHECK_THROWS_AS(time_progress(make_date(2023, 2, 29), TimeProgressMethod::months), Error);
    CHECK_THROWS_AS(time_progress(make_date(2023, 13, 1), TimeProgressMethod::days), Error);
    CHECK_THROWS_AS(time_progress(make_date(1399, 12, 31), TimeProgressMethod::months), Error);
    CHECK(time_progress(make_date(1400, 1, 31), TimeProgressMethod::months) == frac(1, 12));
}

TEST_CASE("monitor: execution light at its boundaries (v = exec_rate / time progress)") {
    CHECK(exec_light("299.99") == Light::red);    // v = 59.998%
    CHECK(exec_light("300.00") == Light::yellow); // v = 60% exactly
    CHECK(exec_light("399.99") == Light::yellow); // v = 79.998%
    CHECK(exec_light("400.00") == Light::green);  // v = 80% exactly
    CHECK(exec_light("1200.00") == Light::green); // ahead: never blue
    const MonitorResult r = monitor_project(project("300.00"), june30, national_rules().only());
    CHECK(r.exec_rate == frac(3, 10));
    CHECK(r.exec_pace == frac(3, 5));
    CHECK(r.level == Light::yellow);
    CHECK(r.warning());
    CHECK(r.action == MonitorAction::follow_up);
    CHECK(monitor_reasons(r) == "execution");
    const MonitorResult red = monitor_project(project("100.00"), june30, national_rules().only());
    CHECK(red.action == MonitorAction::suspend);
}

TEST_CASE("monitor: a budget of 0 leaves the execution rule out") {
    Project p = project("0.00", {ind(Direction::ge, "100", "50")});
    p.budget = yuan("0.00");
    const MonitorResult r = monitor_project(p, june30, with_deviation());
    CHECK_FALSE(r.exec_applicable);
    CHECK(r.rule_light[0] == Light::green);
    CHECK_FALSE(r.deviation_applied);
    CHECK(r.level == Light::green);
}

TEST_CASE("monitor: pace of ge and eq indicators at its boundaries") {
    CHECK(pace_light(Direction::ge, "100", "29.999999") == Light::red);
    CHECK(pace_light(Direction::ge, "100", "30") == Light::yellow); // v = 60%
    CHECK(pace_light(Direction::ge, "100", "39.999999") == Light::yellow);
    CHECK(pace_light(Direction::ge, "100", "40") == Light::green); // v = 80%
    CHECK(pace_light(Direction::ge, "100", "59.999999") == Light::green);
    CHECK(pace_light(Direction::ge, "100", "60") == Light::blue); // v = 120%
    CHECK(pace_light(Direction::eq, "100", "30") == Light::yellow);
    CHECK(pace_light(Direction::eq, "100", "60") == Light::blue);
    CHECK(pace_light(Direction::ge, "0", "0") == Light::green); // target 0
    CHECK(pace_light(Direction::eq, "0", "5") == Light::green);
    const MonitorResult r = monitor_project(project("500.00", {ind(Direction::ge, "100", "30")}), june30, national_rules().only());
    CHECK(r.indicators[0].pace == frac(3, 5));
    CHECK(r.indicators[0].rc == frac(3, 10));
}

TEST_CASE("monitor: le red once over its target; qual by tier") {
    CHECK(pace_light(Direction::le, "100", "100") == Light::green);
    CHECK(pace_light(Direction::le, "100", "100.000001") == Light::red);
    CHECK(pace_light(Direction::le, "100", "0") == Light::green);
    CHECK(pace_light(Direction::qual, "", "A") == Light::green);
    CHECK(pace_light(Direction::qual, "", "B") == Light::yellow);
    CHECK(pace_light(Direction::qual, "", "C") == Light::red);
}

TEST_CASE("monitor: date indicators not yet due, past due, done late") {
    // Due 2023-10-31. Not done as of June 30: not yet due, green, left out of the completion.
    MonitorResult r = monitor_project(project("500.00", {ind(Direction::date, "2023-10-31", "")}), june30, national_rules().only());
    CHECK(r.indicators[0].pace_case == PaceCase::not_due);
    CHECK(r.indicators[0].light == Light::green);
    CHECK_FALSE(r.indicators[0].counted);
    CHECK_FALSE(r.has_completion);
    // Due on the as-of date itself: still not due.
    CHECK(pace_light(Direction::date, "2023-06-30", "") == Light::green);
    // Past due and not done: red, counted as 0.
    r = monitor_project(project("500.00", {ind(Direction::date, "2023-06-29", ""), ind(Direction::ge, "100", "50")}),
                        june30, national_rules().only());
    CHECK(r.indicators[0].pace_case == PaceCase::overdue);
    CHECK(r.indicators[0].light == Light::red);
    CHECK(r.indicators[0].days_late == 1);
    CHECK(r.completion == Number(frac(1, 4))); // (0 + 50%) / 2
    CHECK(r.level == Light::red);
    CHECK(monitor_reasons(r) == "pace");
    // Done on time and done late.
    CHECK(pace_light(Direction::date, "2023-05-31", "2023-05-31") == Light::green);
    CHECK(pace_light(Direction::date, "2023-05-31", "2023-06-01") == Light::red);
    r = monitor_project(project("500.00", {ind(Direction::date, "2023-05-31", "2023-06-15")}), june30, national_rules().only());
    CHECK(r.indicators[0].pace_case == PaceCase::late);
    CHECK(r.indicators[0].rc == frac(9, 10)); // 15 days late: one period, 10% off
}

TEST_CASE("monitor: likelihood impossible is red") {
    Indicator i = ind(Direction::ge, "100", "50"); // on pace: green
    i.likelihood = 2;
    const MonitorResult r = monitor_project(project("500.00", {i}), june30, national_rules().only());
    CHECK(r.indicators[0].pace_light == Light::green);
    CHECK(r.indicators[0].impossible);
    CHECK(r.indicators[0].light == Light::red);
    CHECK(r.level == Light::red);
    CHECK(monitor_reasons(r) == "impossible");
    i.likelihood = 1; // possible: no light
    CHECK(monitor_project(project("500.00", {i}), june30, national_rules().only()).level == Light::green);
}

TEST_CASE("monitor: the project's light is the worst of its rules") {
    // Blue alone: not a warning project.
    MonitorResult r = monitor_project(project("500.00", {ind(Direction::ge, "100", "70")}), june30, national_rules().only());
    CHECK(r.level == Light::blue);
    CHECK_FALSE(r.warning());
    CHECK(r.action == MonitorAction::none);
    CHECK(monitor_reasons(r) == "pace");
    // Blue indicator, yellow execution: yellow; both rules are reasons.
    r = monitor_project(project("350.00", {ind(Direction::ge, "100", "70")}), june30, national_rules().only());
    CHECK(r.level == Light::yellow);
    CHECK(monitor_reasons(r) == "execution;pace");
    // A red indicator beside a blue one: red.
    r = monitor_project(project("500.00", {ind(Direction::ge, "100", "70"), ind(Direction::qual, "", "C")}), june30,
                        national_rules().only());
    CHECK(r.indicators[0].light == Light::blue);
    CHECK(r.level == Light::red);
    // A rule switched off gives no light.
    RuleSet off = national_rules().only();
    off.monitoring.pace.enabled = false;
    off.monitoring.execution.enabled = false;
    r = monitor_project(project("0.00", {ind(Direction::qual, "", "C")}), june30, off);
    CHECK(r.level == Light::green);
    CHECK(r.indicators[0].pace_case == PaceCase::off);
    CHECK(r.completion == Number(frac(3, 10))); // still counted: C's default 30%
}

TEST_CASE("monitor: overall completion, weighted or a simple mean") {
    Indicator a = ind(Direction::ge, "100", "100"), b = ind(Direction::ge, "100", "50");
    MonitorResult r = monitor_project(project("500.00", {a, b}), june30, national_rules().only());
    CHECK_FALSE(r.weighted);
    CHECK(r.completion == Number(frac(3, 4)));
    a.weight = dec("30");
    b.weight = dec("10");
    r = monitor_project(project("500.00", {a, b}), june30, national_rules().only());
    CHECK(r.weighted);
    CHECK(r.completion == Number(frac(7, 8))); // (30 × 1 + 10 × 0.5) / 40
    // Over-completion is capped as in evaluation.
    r = monitor_project(project("500.00", {ind(Direction::ge, "100", "150")}), june30, national_rules().only());
    CHECK(r.completion == Number(frac(1, 1)));
}

TEST_CASE("monitor: deviation above 20 points is yellow; exactly 20 is not") {
    const RuleSet rules = with_deviation();
    // exec_rate 50% (v = 100%, green); completion 70%: 20 points exactly.
    RuleSet no_pace = rules;
    no_pace.monitoring.pace.enabled = false;
    MonitorResult r = monitor_project(project("500.00", {ind(Direction::ge, "100", "70")}), june30, no_pace);
    CHECK(r.deviation_applied);
    CHECK(r.deviation == Number(frac(1, 5)));
    CHECK(r.level == Light::green);
    // 70.01%: 20.01 points.
    r = monitor_project(project("500.00", {ind(Direction::ge, "100", "70.01")}), june30, no_pace);
    CHECK(r.deviation == Number(frac(2001, 10000)));
    CHECK(r.level == Light::yellow);
    CHECK(r.warning());
    CHECK(monitor_reasons(r) == "deviation");
    // Below the rate by more than 20 points too.
    r = monitor_project(project("500.00", {ind(Direction::ge, "100", "29.99")}), june30, no_pace);
    CHECK(r.reason(MonitorRule::deviation));
    // Off nationally.
    r = monitor_project(project("500.00", {ind(Direction::ge, "100", "70.01")}), june30, national_rules().only());
    CHECK_FALSE(r.deviation_applied);
    CHECK_FALSE(r.reason(MonitorRule::deviation));
}

TEST_CASE("monitor: no indicator counted leaves completion blank and deviation out") {
    const RuleSet rules = with_deviation();
    MonitorResult r = monitor_project(project("100.00"), june30, rules); // no indicators
    CHECK_FALSE(r.has_completion);
    CHECK_FALSE(r.deviation_applied);
    CHECK(r.level == Light::red); // execution v = 40%
    CHECK(monitor_reasons(r) == "execution");
    r = monitor_project(project("500.00", {ind(Direction::date, "2023-12-31", "")}), june30, rules);
    CHECK(r.counted == 0);
    CHECK_FALSE(r.has_completion);
    CHECK_FALSE(r.deviation_applied);
    CHECK(r.level == Light::green);
}

TEST_CASE("monitor: bad data is an error naming the project and the line") {
    Indicator missing = ind(Direction::ge, "100", "");
    missing.source_line = 7;
    try {
        (void)monitor_project(project("500.00", {missing}), june30, national_rules().only());
        FAIL("expected an error");
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].where.line == 7);
        CHECK(e.diagnostics()[0].en.find("project P, indicator \"指标\": the indicator has no actual value") == 0);
        CHECK(!e.diagnostics()[0].zh.empty());
    }
    Indicator a = ind(Direction::ge, "100", "50"), b = ind(Direction::ge, "100", "50");
    a.weight = dec("10");
    CHECK_THROWS_AS((void)monitor_project(project("500.00", {a, b}), june30, national_rules().only()), Error);
    // Done after the as-of date.
    CHECK_THROWS_WITH_AS((void)monitor_project(project("500.00", {ind(Direction::date, "2023-10-31", "2023-07-01")}),
                                               june30, national_rules().only()),
                         doctest::Contains("after the as-of date 2023-06-30"), Error);
    CHECK_THROWS_AS((void)monitor_project(project("-1.00"), june30, national_rules().only()), Error);
}

TEST_CASE("monitor: the explanation cites each reason's rule, values and thresholds") {
    const MonitorResult r = monitor_project(project("250.00", {ind(Direction::ge, "300", "50")}), june30, national_rules().only());
    CHECK(r.level == Light::red);
    const auto en = explain_monitoring(project("250.00", {ind(Direction::ge, "300", "50")}), r, national_rules().only(), Lang::en);
    REQUIRE(en.size() == 4); // time progress, execution, pace, level
    CHECK(en[0].text == "as of 2023-06-30, time progress (by months) is 50%");
    CHECK(en[1].rule == "monitoring.execution");
    CHECK(en[1].source.rfind("rules/national.yaml:", 0) == 0);
    // 250.00 / 1000.00 = 25%; 25% / 50% = 50% < 60%: red
    CHECK(en[1].text == "execution rate = spent 250.00 yuan / budget 1000.00 yuan = 25%; execution pace = execution rate 25% / "
                        "time progress 50% = 50%, below 60%: red");
    // 50 / (300 × 50%) = 1/3 = 33.33%, below 60%: red
    CHECK(en[2].text == "pace = actual 50 / (target 300 × time progress 50%) = 33.33%, below 60%: red");
    CHECK(en[3].text == "level red, action: suspend");
    const auto zh = explain_monitoring(project("250.00", {ind(Direction::ge, "300", "50")}), r, national_rules().only(), Lang::zh);
    CHECK(zh[0].text == "截至 2023-06-30，按月计算的序时进度为 50%");
    CHECK(zh[1].text == "预算执行率 = 执行数 250.00 元 / 预算数 1000.00 元 = 25%；执行进度 = 执行率 25% / 序时进度 50% = 50%，"
                        "低于 60%，亮红灯");
    CHECK(zh[2].text == "完成进度 = 实际完成值 50 / (年度指标值 300 × 序时进度 50%) = 33.33%，低于 60%，亮红灯");
    CHECK(zh[3].text == "预警等级 红灯，处理措施：暂缓或停止拨款");
    // No English word or symbol inside the Chinese text.
    for (const auto& l : zh)
        for (const char* word : {"v =", "≈", "red", "ge", "le "}) CHECK(l.text.find(word) == std::string::npos);
}

TEST_CASE("monitor: the summary in seed 000's words, money in 万元") {
    MonitorSummary s;
    s.projects = 120;
    s.indicators = 900;
    s.by_level = {8, 1, 100, 11};
    s.budget_by_level = {yuan("50000.00"), yuan("0.00"), yuan("100000000.00"), yuan("23492000.00")};
    const std::string zh = monitor_summary_text(s, Lang::zh);
    CHECK(zh.find("预警项目 111 个，资金 12,349.20 万元\n") != std::string::npos);
    CHECK(zh.find("绿灯 8 个（5.00 万元）") != std::string::npos);
    const std::string en = monitor_summary_text(s, Lang::en);
    CHECK(en.find("warning projects 111, funds 12,349.20 万元\n") != std::string::npos);
    // 0.5 fen of a 万元 rounds half-up: 0.005 万元 = 50.00 yuan → 0.01.
    s.budget_by_level = {Money{}, Money{}, yuan("50.00"), Money{}};
    CHECK(monitor_summary_text(s, Lang::en).find("funds 0.01 万元") != std::string::npos);
}

// examples/data as of 2023-12-31 with the national rules: the CLI reports 绿灯 1
// (450.00 万元), 黄灯 1 (580.00 万元), 红灯 10 (2,685.00 万元). Summed by hand from
// projects.csv and tests/golden/monitor-examples-national.csv.
TEST_CASE("monitor: the summary's totals and departments, and --summary as JSON") {
    namespace fs = std::filesystem;
    const std::string ex = std::string(PERFBUDGET_SOURCE_DIR) + "/examples/data/";
    const fs::path dir = fs::temp_directory_path() / ("perfbudget-summary-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    MonitorOptions opt;
    opt.files.projects = ex + "projects.csv";
    opt.files.indicators = ex + "indicators.csv";
    opt.files.out = (dir / "out.csv").string();
    opt.summary = (dir / "summary.json").string();
    opt.as_of = make_date(2023, 12, 31);
    const MonitorSummary s = monitor_files(opt, national_rules());

    CHECK(s.projects == 12);
    CHECK(s.budget == yuan("37150000.00"));
    // 812,345.67 + 4,500,000 + 1,702,000 + 2,650,000 + 900,000 + 5,336,000 + 350,600
    //   + 1,960,000 + 1,200,000 + 3,200,000 + 4,500,000 + 720,000
    CHECK(s.spent == yuan("27830945.67"));
    CHECK(s.by_level == std::array<std::size_t, light_count>{1, 0, 1, 10});
    CHECK(s.budget_by_level[0] == yuan("4500000.00"));
    CHECK(s.budget_by_level[2] == yuan("5800000.00"));
    CHECK(s.budget_by_level[3] == yuan("26850000.00"));
    CHECK(s.warning_projects() == 11);
    CHECK(s.warning_budget() == yuan("32650000.00"));

    REQUIRE(s.departments.size() == 5); // in order of first appearance
    const DepartmentMonitor& edu = s.departments[0];
    CHECK(edu.department == "县教育局");
    CHECK(edu.projects == 3);
    CHECK(edu.budget == yuan("7350000.00"));
    CHECK(edu.spent == yuan("7014345.67"));
    CHECK(edu.by_level == std::array<std::size_t, light_count>{1, 0, 0, 2});
    CHECK(edu.warning_budget() == yuan("2850000.00"));
    const DepartmentMonitor& health = s.departments[2];
    CHECK(health.department == "县卫生健康委员会");
    CHECK(health.spent == yuan("7646600.00"));
    CHECK(health.budget_by_level[2] == yuan("5800000.00"));
    CHECK(health.warning_projects() == 3);
    CHECK(s.departments[4].department == "县民政局");
    CHECK(s.departments[4].budget == yuan("6900000.00"));

    std::ifstream in(opt.summary);
    const auto j = nlohmann::json::parse(in);
    CHECK(j["projects"] == 12);
    CHECK(j["budget"] == "37150000.00");
    CHECK(j["spent"] == "27830945.67");
    CHECK(j["by_level"]["red"]["projects"] == 10);
    CHECK(j["by_level"]["red"]["budget"] == "26850000.00");
    CHECK(j["by_level"]["blue"]["budget"] == "0.00");
    CHECK(j["warning"]["budget"] == "32650000.00");
    CHECK(j["departments"][1]["department"] == "县水利局");
    CHECK(j["departments"][1]["warning"]["projects"] == 2);
    CHECK(j.size() == 6); // projects, budget, spent, by_level, warning, departments

    // A failed run writes neither file; a summary over an input is refused.
    fs::remove(opt.summary);
    fs::remove(opt.files.out);
    MonitorOptions bad = opt;
    bad.as_of = june30; // completion dates after the as-of date
    CHECK_THROWS_AS(monitor_files(bad, national_rules()), Error);
    CHECK_FALSE(fs::exists(opt.summary));
    CHECK_FALSE(fs::exists(opt.files.out));
    bad = opt;
    bad.summary = opt.files.indicators;
    CHECK_THROWS_AS(monitor_files(bad, national_rules()), OptionsError);
    bad.summary = opt.files.out;
    CHECK_THROWS_AS(monitor_files(bad, national_rules()), OptionsError);
    fs::remove_all(dir);
}

TEST_CASE("monitor: one project allocates nothing once the rules are loaded and the result is reused") {
    // The payment-request check of issue 8: a budget system monitors one project
    // at a time. Every kind of indicator and light, and the deviation rule (it
    // reads the exact completion), after one warm-up call that sizes the result.
    const RuleSet& rules = with_deviation();
    Project p = project("350.00", {ind(Direction::ge, "100", "30"), ind(Direction::le, "500", "550"),
                                   ind(Direction::eq, "90%", "50%"), ind(Direction::qual, "", "B"),
                                   ind(Direction::date, "2023-10-31", ""), ind(Direction::date, "2023-03-31", "2023-03-15")});
    p.indicators[1].likelihood = 2; // impossible
    MonitorResult out;
    monitor_project(p, june30, rules, out);
    const long before = test::allocation_count();
    for (int i = 0; i < 100; ++i) monitor_project(p, june30, rules, out);
    CHECK(test::allocation_count() - before == 0);
    CHECK(out.level == Light::red);
    // The count is live: a fresh result allocates its per-indicator vector.
    const MonitorResult fresh = monitor_project(p, june30, rules);
    CHECK(test::allocation_count() > before);
    CHECK(fresh.level == out.level);
    CHECK(out.indicators.size() == 6);
}
