// `perfbudget report` (report.hpp) on the example county: SPEC §9's JSON keys, the
// footnotes on [assumption] values, the listing's cap. Expected figures are hand-computed (tests/test_rollup.cpp, and the
// monitoring lights of tests/golden/monitor-examples-national.csv, hand-checked in
// tests/test_monitor.cpp), never taken from the program.
#include "perfbudget/load.hpp"
#include "perfbudget/report.hpp"

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>


using namespace perfbudget;
using namespace perfbudget::test;

namespace {

ReportOptions example_options() {
    ReportOptions opt;
    opt.files.projects = example_projects;
    opt.files.indicators = example_indicators;
    return opt;
}

Report example_report(const RuleBook& rules, bool monitoring, std::size_t max_listed = 200) {
    ReportOptions opt = example_options();
    if (monitoring) opt.as_of = Date(2023, 12, 31);
    opt.max_listed = max_listed;
    return build_report(opt, rules);
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
    std::vector<std::string> k;
    for (const auto& [key, value] : j.items()) k.push_back(key);
    return k;
}

} // namespace

TEST_CASE("report: JSON has SPEC §9's keys, in order, at both levels") {
    const Report r = example_report(national_rules(), true);
    const auto j = nlohmann::ordered_json::parse(report_json(r));
    const std::vector<std::string> spec{"projects", "budget", "spent", "exec_rate", "mean_score", "weighted_mean_score",
                                        "by_grade", "rectify", "cut", "recover"};
    const std::vector<std::string> top = keys(j);
    REQUIRE(top.size() > spec.size());
    CHECK(std::vector<std::string>(top.begin(), top.begin() + 10) == spec);
    for (const char* k : {"by_level", "warning", "departments", "failed_share"}) CHECK_MESSAGE(j.contains(k), k);
    // Figures as strings: money in yuan with 2 places, rates 4, scores 2 (hand-computed in test_rollup.cpp).
    CHECK(j["budget"] == "37150000.00");
    CHECK(j["exec_rate"] == "0.7492");
    CHECK(j["mean_score"] == "78.07");
    CHECK(j["weighted_mean_score"] == "75.85");
    CHECK(j["by_grade"]["fair"]["projects"] == 4);
    CHECK(j["by_grade"]["fair"]["budget"] == "10750000.00");
    CHECK(j["rectify"]["budget"] == "21750000.00");
    CHECK(j["cut"] == "12075000.00");
    CHECK(j["recover"] == "5168000.00");
    CHECK(j["failed_share"] == "0.5000");
    // Monitoring as of 2023-12-31: 10 red (all but JY-02 green and WJ-01 yellow): 3,715 − 450 − 580 = 2,685 万;
    // warning = red + yellow = 11, 2,685 + 580 = 3,265 万.
    CHECK(j["by_level"]["red"]["projects"] == 10);
    CHECK(j["by_level"]["red"]["budget"] == "26850000.00");
    CHECK(j["warning"]["projects"] == 11);
    CHECK(j["warning"]["budget"] == "32650000.00");
    REQUIRE(j["departments"].size() == 5);
    const auto& edu = j["departments"][0];
    CHECK(edu["department"] == "县教育局");
    const std::vector<std::string> dk = keys(edu);
    CHECK(dk.front() == "department");
    CHECK(std::vector<std::string>(dk.begin() + 1, dk.begin() + 11) == spec);
    CHECK(edu["failed_share"] == "0.3333");
    CHECK(edu["weighted_mean_score"] == "87.02");
    // 县教育局: W1 red (100 万) and JY-03 red (185 万); JY-02 green.
    CHECK(edu["warning"]["projects"] == 2);
    CHECK(edu["warning"]["budget"] == "2850000.00");
    CHECK(j["departments"][4]["failed_share"] == "1.0000");
}

TEST_CASE("report: without --as-of there are no monitoring keys") {
    const auto j = nlohmann::ordered_json::parse(report_json(example_report(national_rules(), false)));
    CHECK_FALSE(j.contains("by_level"));
    CHECK_FALSE(j.contains("warning"));
    CHECK_FALSE(j["departments"][0].contains("warning"));
    CHECK(j["assumptions"].empty()); // the national rules mark nothing [assumption]
}

TEST_CASE("report: figures resting on [assumption] values get footnotes citing the rule file") {
    const RuleBook wuchang = load_rules_file(source_dir + "/rules/wuchang.yaml");
    const Report r = example_report(wuchang, false);
    REQUIRE(r.assumptions.size() == 4);
    CHECK(r.assumptions[0].figure == "grades");
    CHECK(r.assumptions[0].source == source_dir + "/rules/wuchang.yaml:22");
    CHECK(r.assumptions[0].text.rfind("The seed does NOT state the band boundaries.", 0) == 0);
    CHECK(r.assumptions[1].figure == "rectify");
    CHECK(r.assumptions[1].text == "中 is kept in the list as in the national rules (rectify below 80); the seed does not mention 中.");
    CHECK(r.assumptions[2].figure == "cut");
    // the [national] sentence after it is not part of the assumption
    CHECK(r.assumptions[2].text ==
          "The seed gives no percentages: 低 \"reduce\" → 50%, 差 \"no longer budget\" → 100% of this year's budget.");
    CHECK(r.assumptions[3].figure == "recover");
    const std::string md = report_markdown(r, Lang::zh);
    CHECK(md.find("下年核减³") != std::string::npos);
    CHECK(md.find("³ 下年核减：依据 " + source_dir + "/rules/wuchang.yaml:43，规则文件标注为假设") != std::string::npos);

    // A custom step with its own comments (Urumqi County's `commend`, which fires on 优).
    const RuleBook urumqi = load_rules_file(source_dir + "/rules/urumqi-county.yaml");
    const Report u = example_report(urumqi, false);
    REQUIRE(u.assumptions.size() == 1);
    CHECK(u.assumptions[0].figure == "custom");
    CHECK(u.assumptions[0].text == "\"评价好\" read as grade 优 (excellent) for the commendation.");
}

TEST_CASE("report: the project listing keeps the lowest scores, up to the limit") {
    // Flagged (rectify, cut or recover) with national rules: the 中 and 差 projects, 6 in all;
    // the two lowest totals are SL-02 56.05 and NY-02 56.50.
    const Report r = example_report(national_rules(), false, 2);
    CHECK(r.listed_total == 6);
    REQUIRE(r.listed.size() == 2);
    CHECK(r.listed[0].id == "SL-02");
    CHECK(r.listed[1].id == "NY-02");
    CHECK(r.listed[1].recover.to_string() == "4800000.00");
    const std::string md = report_markdown(r, Lang::en);
    CHECK(md.find("6 projects, lowest score first; the 2 lowest are listed (limit 2)") != std::string::npos);
    // With monitoring the warnings join: 11 flagged or warned (all but JY-02).
    CHECK(example_report(national_rules(), true).listed_total == 11);
}

TEST_CASE("report: output format by extension") {
    CHECK(report_format_of_path("a/report.HTML") == ReportFormat::html);
    CHECK(report_format_of_path("report.md") == ReportFormat::markdown);
    CHECK(report_format_of_path("report.json") == ReportFormat::json);
    CHECK_FALSE(report_format_of_path("report.txt"));
    CHECK_FALSE(report_format_of_path(""));
}
