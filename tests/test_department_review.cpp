// Tests for monitoring checkpoints and the department review (monitoring_calendar.hpp,
// department_review.hpp; seed 001 昌吉市 monthly monitoring and the June-30 review of
// whole departments, seed 000 乌鲁木齐县 quarterly monitoring). Every expected value
// is computed by hand; as of 2023-06-30 the time progress is exactly 1/2.
#include "perfbudget/department_review.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitoring_calendar.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

namespace {

const Date june30 = make_date(2023, 6, 30);
const std::string kRules = std::string(PERFBUDGET_SOURCE_DIR) + "/rules/";

MonitoringRules every(CheckpointEvery e) {
    MonitoringRules r;
    r.checkpoints.every = e;
    return r;
}

/// A project of `department` with one `ge` indicator of target 100 (none when `actual` is empty).
Project project(const char* department, const char* budget, const char* spent, const char* actual) {
    Project p;
    p.id = std::string(department) + budget + spent;
    p.department = department;
    p.budget = yuan(budget);
    p.spent = yuan(spent);
    if (*actual) {
        Indicator i;
        i.name = "数量";
        i.direction = Direction::ge;
        i.target = dec("100");
        i.actual = dec(actual);
        p.indicators.push_back(i);
    }
    return p;
}

/// Monitors `projects` as of June 30 with the national rules and reviews their departments.
std::vector<DepartmentReview> review(const std::vector<Project>& projects) {
    const RuleSet& rules = national_rules().only();
    std::vector<MonitorResult> results;
    for (const Project& p : projects) results.push_back(monitor_project(p, june30, rules));
    return review_departments(projects, results, june30, rules);
}

std::vector<Diagnostic> load_problems(const std::string& text) { return perfbudget::test::rule_problems(text); }

} // namespace

TEST_CASE("checkpoints: any date nationally; month ends (28 and 29 February); quarter ends") {
    const MonitoringRules& national = national_rules().only().monitoring;
    CHECK(national.checkpoints.every == CheckpointEvery::any);
    CHECK(is_checkpoint(make_date(2023, 6, 15), national));
    CHECK(checkpoints_of_year(2023, national).empty());

    const MonitoringRules month = every(CheckpointEvery::month);
    CHECK(is_checkpoint(make_date(2023, 6, 30), month));
    CHECK_FALSE(is_checkpoint(make_date(2023, 6, 29), month));
    CHECK(is_checkpoint(make_date(2023, 2, 28), month));
    CHECK_FALSE(is_checkpoint(make_date(2024, 2, 28), month)); // 2024 is a leap year
    CHECK(is_checkpoint(make_date(2024, 2, 29), month));
    const auto months = checkpoints_of_year(2024, month);
    REQUIRE(months.size() == 12);
    CHECK(months[0] == make_date(2024, 1, 31));
    CHECK(months[1] == make_date(2024, 2, 29));
    CHECK(months[11] == make_date(2024, 12, 31));

    const MonitoringRules quarter = every(CheckpointEvery::quarter);
    CHECK(is_checkpoint(make_date(2023, 3, 31), quarter));
    CHECK(is_checkpoint(make_date(2023, 6, 30), quarter));
    CHECK_FALSE(is_checkpoint(make_date(2023, 5, 31), quarter));
    CHECK_FALSE(is_checkpoint(make_date(2023, 9, 29), quarter));
    const auto quarters = checkpoints_of_year(2023, quarter);
    REQUIRE(quarters.size() == 4);
    CHECK(quarters[1] == june30);
    CHECK(quarters[2] == make_date(2023, 9, 30));
    CHECK(describe(CheckpointEvery::month, false) == "every month end");
    CHECK(describe(CheckpointEvery::month, true) == "每月末");
}

TEST_CASE("checkpoints and department review in the profiles: Changji monthly with a June-30 review, Urumqi quarterly") {
    const RuleSet changji = load_rules_file(kRules + "changji.yaml").only();
    CHECK(changji.monitoring.checkpoints.every == CheckpointEvery::month);
    CHECK(changji.monitoring.department_review.enabled);
    REQUIRE(changji.monitoring.department_review.on.size() == 1);
    CHECK(to_string(changji.monitoring.department_review.on[0]) == "06-30");
    CHECK(changji.cite(changji.monitoring.department_review.where).find("changji.yaml:") != std::string::npos);
    CHECK(is_department_review_date(june30, changji.monitoring));
    CHECK_FALSE(is_department_review_date(make_date(2023, 6, 29), changji.monitoring));
    CHECK_FALSE(is_department_review_date(make_date(2023, 7, 31), changji.monitoring));
    // Nationally there is no department review, whatever the date.
    CHECK_FALSE(is_department_review_date(june30, national_rules().only().monitoring));

    const RuleSet urumqi = load_rules_file(kRules + "urumqi-county.yaml").only();
    CHECK(urumqi.monitoring.checkpoints.every == CheckpointEvery::quarter);
    CHECK_FALSE(urumqi.monitoring.department_review.enabled);
}

TEST_CASE("department review rules: MM-DD days, no repeats, known checkpoint words") {
    const std::string head = "base: national\nprofile: t\nmonitoring:\n";
    auto one = [&](const std::string& body, std::uint32_t line, std::uint32_t column, const std::string& part) {
        const auto list = load_problems(head + body);
        REQUIRE(list.size() == 1);
        INFO(list[0].to_string(Lang::en));
        CHECK(list[0].where.line == line);
        CHECK(list[0].where.column == column);
        CHECK(list[0].en.find(part) != std::string::npos);
        CHECK(!list[0].zh.empty());
    };
    one("  department_review: {enabled: true, on: [6-30]}\n", 4, 43,
        "`monitoring.department_review.on[0]` must be a day of the year MM-DD such as 06-30, found `6-30`");
    one("  department_review: {enabled: true, on: [02-30]}\n", 4, 43, "found `02-30`");
    one("  department_review: {enabled: true, on: [06-30, 12-31, 06-30]}\n", 4, 57,
        "`06-30` is listed twice in `monitoring.department_review.on`");
    one("  department_review: {enabled: true, on: 06-30}\n", 4, 42, "must be a list");
    one("  checkpoints: {every: weekly}\n", 4, 24, "must be one of any | month | quarter; found `weekly`");
    // 02-29 is a day of some years: it matches only in leap years.
    const RuleSet leap =
        load_rules_text(head + "  department_review: {enabled: true, on: [02-29, 12-31]}\n", "t.yaml").only();
    CHECK(is_department_review_date(make_date(2024, 2, 29), leap.monitoring));
    CHECK_FALSE(is_department_review_date(make_date(2023, 2, 28), leap.monitoring));
    CHECK(is_department_review_date(make_date(2023, 12, 31), leap.monitoring));
}

TEST_CASE("department review: execution over the department's sums, completion weighted by budget (hand-computed)") {
    // As of June 30 (time progress 1/2), national thresholds:
    //   P1 1000.00, spent 300.00, actual 40 of 100: rc 0.4; exec v = 0.3 / 0.5 = 60% → yellow (a warning project)
    //   P2 3000.00, spent 1200.00, actual 50: rc 0.5; exec v = 80% → green; pace 50/50 = 100% green
    //   P3 1000.00, spent 500.00, no indicator: no completion
    // Department: execution 2000.00 / 5000.00 = 0.4, v = 80%: exactly the yellow threshold, green.
    // Completion (1000 × 0.4 + 3000 × 0.5) / (1000 + 3000) = 1900 / 4000 = 0.475, v = 95% → green.
    const auto reviews = review({project("教育局", "1000.00", "300.00", "40"), project("卫健委", "800.00", "100.00", "10"),
                                 project("教育局", "3000.00", "1200.00", "50"), project("教育局", "1000.00", "500.00", "")});
    REQUIRE(reviews.size() == 2);
    const DepartmentReview& d = reviews[0];
    CHECK(d.department == "教育局");
    CHECK(d.totals.projects == 3);
    CHECK(d.totals.budget == yuan("5000.00"));
    CHECK(d.totals.spent == yuan("2000.00"));
    CHECK(d.totals.warning_projects == 1);
    CHECK(d.totals.warning_budget == yuan("1000.00"));
    CHECK(d.totals.with_completion == 2);
    CHECK(d.exec_rate == Fraction::positive(2, 5));
    CHECK(d.exec_pace == Fraction::positive(4, 5));
    CHECK(d.exec_light == Light::green);
    CHECK(d.budget_weighted);
    CHECK(d.completion == Number(Fraction::positive(19, 40)));
    CHECK(d.completion_pace == Number(Fraction::positive(19, 20)));
    CHECK(d.completion_light == Light::green);
    CHECK(d.level == Light::green);
    CHECK(d.action == MonitorAction::none);
    const DepartmentReviewText t = department_review_text(d);
    CHECK(t.time_progress == "0.5000");
    CHECK(t.exec_rate == "0.4000");
    CHECK(t.completion == "0.4750");
    const auto en = explain_department_review(d, national_rules().only(), Lang::en);
    REQUIRE(en.size() == 4);
    CHECK(en[0].text == "department review: 教育局 as of 2023-06-30, 3 projects, time progress 50%");
    CHECK(en[1].rule == "monitoring.execution");
    CHECK(en[1].text == "department execution rate = Σ spent / Σ budget = 2000.00 / 5000.00 = 40%; v = 40% / 50% = 80%; "
                        "below 60% red, below 80% yellow → green");
    CHECK(en[2].text == "overall completion weighted by budget Σ(budget × completion) / Σ budget (2 projects) = 47.5%; "
                        "v = 47.5% / 50% = 95%; below 60% red, below 80% yellow, from 120% blue → green");
    CHECK(en[3].text == "department level green, action: none; 1 warning projects, 1000.00 yuan");
    const auto zh = explain_department_review(d, national_rules().only(), Lang::zh);
    CHECK(zh[3].text == "部门预警等级 绿灯，处理措施：无；其中预警项目 1 个，资金 1000.00 元");

    // 卫健委: 100.00 / 800.00 = 0.125, v = 25% → red; completion 0.1, v = 20% → red: suspend.
    const DepartmentReview& h = reviews[1];
    CHECK(h.exec_light == Light::red);
    CHECK(h.completion_light == Light::red);
    CHECK(h.level == Light::red);
    CHECK(h.action == MonitorAction::suspend);
    CHECK(h.warning());
}

TEST_CASE("department review: boundaries — just below 60% red, completion from 120% blue, worst of both; budgets of 0") {
    // 599.99 / 2000.00 = 0.299995, v = 0.59999 < 60% → red; completion 0.6, v = 120% → blue. Level red.
    const auto red = review({project("A", "2000.00", "599.99", "60")});
    REQUIRE(red.size() == 1);
    CHECK(red[0].exec_light == Light::red);
    CHECK(red[0].completion_light == Light::blue);
    CHECK(red[0].level == Light::red);
    CHECK(department_review_text(red[0]).exec_rate == "0.3000");
    // 600.00 / 2000.00 = 0.3, v = 60% exactly → yellow, not red.
    CHECK(review({project("A", "2000.00", "600.00", "60")})[0].exec_light == Light::yellow);

    // Every budget 0: no execution rate; completions 0.2 and 0.4 averaged simply = 0.3, v = 60% → yellow.
    const auto zero = review({project("B", "0.00", "0.00", "20"), project("B", "0.00", "0.00", "40")});
    REQUIRE(zero.size() == 1);
    CHECK_FALSE(zero[0].exec_applicable);
    CHECK(zero[0].exec_light == Light::green);
    CHECK_FALSE(zero[0].budget_weighted);
    CHECK(zero[0].completion == Number(Fraction::positive(3, 10)));
    CHECK(zero[0].completion_light == Light::yellow);
    CHECK(zero[0].level == Light::yellow);
    CHECK(zero[0].action == MonitorAction::follow_up);
    CHECK(department_review_text(zero[0]).exec_rate.empty());

    // No indicator counted anywhere: completion blank, only execution lights the department.
    const auto none = review({project("C", "100.00", "50.00", "")});
    CHECK_FALSE(none[0].has_completion);
    CHECK(department_review_text(none[0]).completion.empty());
    CHECK(none[0].level == Light::green);
}

TEST_CASE("monitor_files: the department review in the summary on a review date; a notice off the checkpoints") {
    const auto write = [](const std::string& name, const std::string& text) {
        const std::string path = perfbudget::test::scratch_file("department-review", name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    };
    MonitorOptions o;
    o.files.projects = write("projects.csv", "project_id,name,department,budget,spent\n"
                                             "E1,a,县教育局,1000.00,300.00\n"
                                             "E2,b,县教育局,3000.00,1200.00\n"
                                             "H1,c,县卫健委,800.00,100.00\n");
    o.files.indicators = write("indicators.csv", "project_id,level1,level2,name,direction,target,actual\n"
                                                 "E1,output,quantity,n,ge,100,40\n"
                                                 "E2,output,quantity,n,ge,100,50\n"
                                                 "H1,output,quantity,n,ge,100,10\n");
    o.files.out = perfbudget::test::scratch_file("department-review", "out.csv").string();
    o.summary = perfbudget::test::scratch_file("department-review", "summary.json").string();
    const RuleBook changji = load_rules_file(kRules + "changji.yaml");

    // June 30: 县教育局 1500.00 / 4000.00 = 0.375, v = 75% → yellow; completion
    // (1000 × 0.4 + 3000 × 0.5) / 4000 = 0.475, v = 95% → green; level yellow.
    o.as_of = june30;
    const MonitorSummary s = monitor_files(o, changji);
    CHECK(s.notices.empty()); // a month end
    REQUIRE(s.department_reviews.size() == 2);
    CHECK(s.department_reviews[0].department == "县教育局");
    CHECK(s.department_reviews[0].exec_rate == Fraction::positive(3, 8));
    CHECK(s.department_reviews[0].level == Light::yellow);
    CHECK(s.department_reviews[1].level == Light::red);
    const std::string json = perfbudget::test::slurp(o.summary);
    CHECK(json.find("\"department_review\"") != std::string::npos);
    CHECK(json.find("\"exec_rate\": \"0.3750\"") != std::string::npos);
    CHECK(json.find("\"completion\": \"0.4750\"") != std::string::npos);
    CHECK(monitor_summary_text(s, Lang::en).find("  县教育局: execution 0.3750, completion 0.4750, yellow, follow_up; "
                                                 "1 warning projects") != std::string::npos);

    // June 15: not a Changji checkpoint (a notice), not a review date (no review).
    o.as_of = make_date(2023, 6, 15);
    const MonitorSummary mid = monitor_files(o, changji);
    CHECK(mid.department_reviews.empty());
    REQUIRE(mid.notices.size() == 1);
    CHECK(mid.notices[0].en == "2023-06-15 is not a monitoring checkpoint of the rules changji (every month end): the "
                               "figures are as of that date");
    CHECK(mid.notices[0].where.file.find("changji.yaml") != std::string::npos);
    CHECK(perfbudget::test::slurp(o.summary).find("department_review") == std::string::npos);
    // Nationally every date is a checkpoint and there is no review.
    const MonitorSummary national = monitor_files(o, national_rules());
    CHECK(national.notices.empty());
    CHECK(national.department_reviews.empty());
}
