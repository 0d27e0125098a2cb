// Roll-up (汇总, SPEC §9) of the example county (examples/data), national rules.
// Every expected figure below is computed by hand from the per-project results
// (tests/golden/examples-national.csv, themselves hand-computed in
// examples/data/README.md), never by the program.
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/rollup.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

using namespace perfbudget;
using namespace perfbudget::test;

namespace {

RollupSummary example_rollup() {
    EvaluateOptions opt;
    opt.projects = example_projects;
    opt.indicators = example_indicators;
    EvaluationRollup rollup;
    (void)evaluate_files(opt, national_rules(), rollup.sink());
    return rollup.take();
}

std::string r4(const std::optional<Fraction>& f) { return f ? f->to_string(4) : "-"; }
std::string r2(const std::optional<Number>& n) { return n ? n->rounded(2, RoundingMode::half_up).to_string(2) : "-"; }

} // namespace

// The example county's projects, budget in 万元 (1 万元 = 10,000 yuan), total, grade:
//   县教育局          W1 100 85.32 良   JY-02 450 98.50 优   JY-03 185 60.00 中
//   县水利局          SL-01 250 96.55 优   SL-02 300 56.05 差
//   县卫生健康委员会  WJ-01 580 90.00 优   WJ-02 40 88.41 良   WJ-03 200 79.99 中
//   县农业农村局      NY-01 120 80.00 良   NY-02 800 56.50 差
//   县民政局          MZ-01 600 73.00 中   MZ-02 90 72.50 中
TEST_CASE("rollup: the example county, whole file (hand-computed)") {
    const RollupSummary s = example_rollup();
    CHECK(s.projects == 12);
    // budget 100+450+185+250+300+580+40+200+120+800+600+90 = 3,715 万元
    CHECK(s.budget.to_string() == "37150000.00");
    // spent 812,345.67 + 4,500,000 + 1,702,000 + 2,650,000 + 900,000 + 5,336,000
    //       + 350,600 + 1,960,000 + 1,200,000 + 3,200,000 + 4,500,000 + 720,000 = 27,830,945.67
    CHECK(s.spent.to_string() == "27830945.67");
    // 27,830,945.67 / 37,150,000 = 0.74915062… → 0.7492
    CHECK(r4(s.exec_rate()) == "0.7492");
    // Σ totals = 936.82; / 12 = 78.068333… → 78.07
    CHECK(s.total_sum.to_string(2) == "936.82");
    CHECK(r2(s.mean_score()) == "78.07");
    // Σ budget(万) × total = 8,532 + 44,325 + 11,100 + 24,137.5 + 16,815 + 52,200 + 3,536.4
    //   + 15,998 + 9,600 + 45,200 + 43,800 + 6,525 = 281,768.9; / 3,715 = 75.846272… → 75.85
    CHECK(r2(s.weighted_mean_score()) == "75.85");
    REQUIRE(s.grades.size() == 4);
    CHECK(s.grades[0].id == "excellent");
    CHECK(s.grades[3].zh == "差");
    // 优 JY-02, SL-01, WJ-01: 450 + 250 + 580 = 1,280 万; 良 W1, WJ-02, NY-01: 100 + 40 + 120 = 260 万;
    // 中 JY-03, WJ-03, MZ-01, MZ-02: 185 + 200 + 600 + 90 = 1,075 万; 差 SL-02, NY-02: 300 + 800 = 1,100 万
    CHECK(s.grade(0).projects == 3);
    CHECK(s.grade(0).budget.to_string() == "12800000.00");
    CHECK(s.grade(1).projects == 3);
    CHECK(s.grade(1).budget.to_string() == "2600000.00");
    CHECK(s.grade(2).projects == 4);
    CHECK(s.grade(2).budget.to_string() == "10750000.00");
    CHECK(s.grade(3).projects == 2);
    CHECK(s.grade(3).budget.to_string() == "11000000.00");
    // below 80 (中 and 差) rectify: 4 + 2 = 6 projects, 1,075 + 1,100 = 2,175 万
    CHECK(s.rectify.projects == 6);
    CHECK(s.rectify.budget.to_string() == "21750000.00");
    CHECK(s.failed.projects == 6);
    CHECK(r4(s.failed_share()) == "0.5000"); // 6 / 12
    // cut: JY-03 185,000 + SL-02 3,000,000 + WJ-03 200,000 + NY-02 8,000,000 + MZ-01 600,000
    //      + MZ-02 90,000 = 12,075,000.00 in 6 projects of 5 departments
    CHECK(s.cut_projects == 6);
    CHECK(s.cut.to_string() == "12075000.00");
    CHECK(s.departments_with_cut() == 5);
    // recover (local 中/差 only): JY-03 148,000 + WJ-03 40,000 + NY-02 4,800,000 + MZ-02 180,000
    //      = 5,168,000.00 in 4 projects (SL-02 and MZ-01 are transfers: exempt)
    CHECK(s.recover_projects == 4);
    CHECK(s.recover.to_string() == "5168000.00");
    // histogram: [50,60) 56.05 56.50; [60,70) 60.00; [70,80) 72.50 73.00 79.99;
    //            [80,90) 80.00 85.32 88.41; [90,100] 90.00 96.55 98.50
    const std::array<std::size_t, score_bins> bins{0, 0, 0, 0, 0, 2, 1, 3, 3, 3};
    CHECK(s.histogram == bins);
}

TEST_CASE("rollup: the example county, per department in order of first appearance (hand-computed)") {
    const RollupSummary s = example_rollup();
    REQUIRE(s.departments.size() == 5);
    const DepartmentRollup& edu = s.departments[0];
    CHECK(edu.department == "县教育局");
    CHECK(edu.projects == 3);
    CHECK(edu.budget.to_string() == "7350000.00");  // 100 + 450 + 185 万
    CHECK(edu.spent.to_string() == "7014345.67");   // 812,345.67 + 4,500,000 + 1,702,000
    CHECK(r4(edu.exec_rate()) == "0.9543");         // 0.95433274…
    CHECK(r2(edu.mean_score()) == "81.27");         // 243.82 / 3 = 81.2733…
    CHECK(r2(edu.weighted_mean_score()) == "87.02"); // 63,957 / 735 = 87.01632…
    CHECK(edu.grade(0).projects == 1);
    CHECK(edu.grade(1).projects == 1);
    CHECK(edu.grade(2).projects == 1);
    CHECK(edu.grade(3).projects == 0);
    CHECK(edu.rectify.budget.to_string() == "1850000.00");
    CHECK(edu.cut.to_string() == "185000.00");
    CHECK(edu.recover.to_string() == "148000.00");
    CHECK(r4(edu.failed_share()) == "0.3333"); // 1 / 3

    const DepartmentRollup& water = s.departments[1];
    CHECK(water.department == "县水利局");
    CHECK(r4(water.exec_rate()) == "0.6455");          // 3,550,000 / 5,500,000 = 0.645454…
    CHECK(r2(water.mean_score()) == "76.30");          // 152.60 / 2
    CHECK(r2(water.weighted_mean_score()) == "74.46"); // 40,952.5 / 550 = 74.45909…
    CHECK(water.cut.to_string() == "3000000.00");
    CHECK(water.recover.to_string() == "0.00");        // SL-02 is a transfer
    CHECK(r4(water.failed_share()) == "0.5000");

    const DepartmentRollup& health = s.departments[2];
    CHECK(health.department == "县卫生健康委员会");
    CHECK(health.spent.to_string() == "7646600.00");    // 5,336,000 + 350,600 + 1,960,000
    CHECK(r4(health.exec_rate()) == "0.9325");          // / 8,200,000 = 0.93251219…
    CHECK(r2(health.mean_score()) == "86.13");          // 258.40 / 3 = 86.1333…
    CHECK(r2(health.weighted_mean_score()) == "87.48"); // 71,734.4 / 820 = 87.48097…

    const DepartmentRollup& farm = s.departments[3];
    CHECK(farm.department == "县农业农村局");
    CHECK(r4(farm.exec_rate()) == "0.4783");          // 4,400,000 / 9,200,000 = 0.47826…
    CHECK(r2(farm.mean_score()) == "68.25");          // 136.50 / 2
    CHECK(r2(farm.weighted_mean_score()) == "59.57"); // 54,800 / 920 = 59.5652…
    CHECK(farm.recover.to_string() == "4800000.00");

    const DepartmentRollup& civil = s.departments[4];
    CHECK(civil.department == "县民政局");
    CHECK(r4(civil.exec_rate()) == "0.7565");          // 5,220,000 / 6,900,000 = 0.756521…
    CHECK(r2(civil.mean_score()) == "72.75");          // 145.50 / 2
    CHECK(r2(civil.weighted_mean_score()) == "72.93"); // 50,325 / 690 = 72.93478…
    CHECK(civil.grade(2).projects == 2);
    CHECK(r4(civil.failed_share()) == "1.0000");       // both below 80: the department factor's worst
    CHECK(civil.cut_projects == 2);
    CHECK(civil.cut.to_string() == "690000.00");       // 600,000 + 90,000
}

TEST_CASE("rollup: the department factor counts the rectification line, not a custom rectify flag") {
    // Two projects of one department, 85.00 (良) and 70.00 (中); a custom step also
    // flags the 良 one for rectification (a refusal to rectify, rules/changji.yaml).
    // failed: 1 of 2 (only 中 is below the line) → 0.5000; rectify: both, 200.00.
    const RuleSet& rules = national_rules().only();
    EvaluationRollup rollup;
    ProjectResult good;
    good.total = dec("85");
    good.grade = 1;
    good.rectify = true;
    ProjectResult fair;
    fair.total = dec("70");
    fair.grade = 2;
    fair.rectify = true;
    const ProjectFunds funds{Money::from_fen(10000), Money::from_fen(5000), FundSource::local};
    rollup.add(ProjectView{"A", "局", funds, 2024, 2, &rules, nullptr}, good);
    rollup.add(ProjectView{"B", "局", funds, 2024, 3, &rules, nullptr}, fair);
    const RollupSummary& s = rollup.summary();
    CHECK(s.rectify.projects == 2);
    CHECK(s.rectify.budget.to_string() == "200.00");
    CHECK(s.failed.projects == 1);
    CHECK(r4(s.departments.at(0).failed_share()) == "0.5000");
    CHECK(r2(s.mean_score()) == "77.50");          // (85 + 70) / 2
    CHECK(r2(s.weighted_mean_score()) == "77.50"); // equal budgets
    CHECK(r4(s.exec_rate()) == "0.5000");          // 100.00 / 200.00
}

TEST_CASE("rollup: empty and zero-budget sets have no rates") {
    RollupTotals t;
    CHECK_FALSE(t.exec_rate());
    CHECK_FALSE(t.mean_score());
    CHECK_FALSE(t.weighted_mean_score());
    CHECK_FALSE(t.failed_share());
    CHECK(score_bin(dec("100")) == 9);
    CHECK(score_bin(dec("89.99")) == 8);
    CHECK(score_bin(dec("90")) == 9);
    CHECK(score_bin(dec("0")) == 0);
    CHECK(score_bin(dec("9.99")) == 0);
    CHECK(score_bin(dec("10")) == 1);
}

TEST_CASE("rollup: rollup.criticise criticises departments above the failed share, strictly") {
    // Failed shares (hand-computed above): 县教育局 1/3, 县水利局 1/2, 县卫生健康委员会 1/3,
    // 县农业农村局 1/2, 县民政局 2/2. Above 50%: only 县民政局 (1/2 is not above 50%).
    const RuleBook rules = load_rules_text("base: national\nprofile: t\nrollup:\n  criticise: {enabled: true, failed_share_above: 50%}\n",
                                           "t.yaml");
    RollupSummary s = example_rollup();
    apply_rollup_rules(s, rules.only());
    CHECK(s.departments_criticised() == 1);
    CHECK(s.departments[4].criticised);
    CHECK_FALSE(s.departments[1].criticised);
    // Above 1/3 exactly (33.3333%, a 6-decimal share just below 1/3): 1/3 is above it, so all five.
    const RuleBook third = load_rules_text("base: national\nprofile: t\nrollup:\n  criticise: {enabled: true, failed_share_above: 33.3333%}\n",
                                           "t.yaml");
    apply_rollup_rules(s, third.only());
    CHECK(s.departments_criticised() == 5);
    // Off (the national rules): nobody.
    apply_rollup_rules(s, national_rules().only());
    CHECK(s.departments_criticised() == 0);
}

TEST_CASE("rollup: the rollup section is checked strictly") {
    const auto unknown = rule_problems("base: national\nprofile: t\nrollup:\n  critcise: {enabled: true, failed_share_above: 30%}\n");
    REQUIRE_FALSE(unknown.empty());
    CHECK(unknown.front().en.find("did you mean `criticise`") != std::string::npos);
    const auto share = rule_problems("base: national\nprofile: t\nrollup:\n  criticise: {enabled: true, failed_share_above: 130%}\n");
    REQUIRE_FALSE(share.empty());
    CHECK(share.front().where.line == 4);
    CHECK(national_rules().only().rollup.criticise.enabled == false);
}
