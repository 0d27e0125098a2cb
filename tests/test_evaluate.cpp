// The evaluate stage with the national rules (SPEC §4, §8). Every expected value
// is computed by hand in the comment beside it.
#include "support.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/input.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/output.hpp"

#include <doctest/doctest.h>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

namespace {

Indicator ind(Level1 l1, Level2 l2, Direction dir, Measure target, Measure actual, const char* weight,
              std::string name = "indicator") {
    Indicator i;
    i.level1 = l1;
    i.level2 = l2;
    i.direction = dir;
    i.target = std::move(target);
    i.actual = std::move(actual);
    i.weight = dec(weight);
    i.name = std::move(name);
    return i;
}

/// SPEC §4 worked example W1.
Project w1() {
    Project p;
    p.id = "W1";
    p.department = "县人社局";
    p.budget = yuan("1000000.00");
    p.spent = yuan("812345.67");
    p.indicators = {
        ind(Level1::output, Level2::quantity, Direction::ge, dec("1200"), dec("1000"), "20", "培训人次"),
        ind(Level1::output, Level2::quality, Direction::ge, dec("95%"), dec("98%"), "10", "合格率"),
        ind(Level1::output, Level2::timeliness, Direction::date, make_date(2023, 10, 31), make_date(2023, 12, 15), "10", "完成时间"),
        ind(Level1::output, Level2::cost, Direction::le, dec("500"), dec("550"), "10", "单位成本"),
        ind(Level1::benefit, Level2::social, Direction::ge, dec("3000"), dec("2400"), "30", "受益人数"),
        ind(Level1::satisfaction, Level2::satisfaction, Direction::ge, dec("90%"), dec("85%"), "10", "满意度"),
    };
    return p;
}

/// A project whose only variable part is one 50-point output indicator: the
/// others are met in full (30 + 10) and execution is 100% (10).
Project single(Indicator output50, const char* budget = "100.00", const char* spent = "100.00") {
    Project p;
    p.id = "S";
    p.budget = yuan(budget);
    p.spent = yuan(spent);
    p.indicators = {std::move(output50),
                    ind(Level1::benefit, Level2::social, Direction::ge, dec("1"), dec("1"), "30"),
                    ind(Level1::satisfaction, Level2::satisfaction, Direction::ge, dec("90%"), dec("90%"), "10")};
    return p;
}

IndicatorResult score(const Indicator& i, const RuleSet& rules = national_rules().only()) {
    IndicatorResult r;
    const Issue issue = score_indicator(i, rules, r);
    REQUIRE(issue == Issue::none);
    return r;
}

Issue issue_of(const Indicator& i, const RuleSet& rules = national_rules().only()) {
    IndicatorResult r;
    return score_indicator(i, rules, r);
}

const Indicator out_ge(const char* t, const char* a, const char* w = "50") {
    return ind(Level1::output, Level2::quantity, Direction::ge, dec(t), dec(a), w);
}

} // namespace

TEST_CASE("evaluate: worked example W1 to the fen") {
    const ProjectResult r = evaluate(w1(), national_rules());
    // exec_rate = 812345.67 / 1000000.00 = 0.81234567 → "0.8123"; exec_score = 8.1234567 → 8.12
    CHECK(r.exec_rate == Fraction(81234567, 100000000));
    CHECK(r.exec_rate.to_string(4) == "0.8123");
    CHECK(r.exec_score == dec("8.12"));
    REQUIRE(r.indicators.size() == 6);
    CHECK(r.indicators[0].score == dec("16.67")); // 20 × 1000/1200 = 16.666…
    CHECK(r.indicators[1].score == dec("10"));    // 98/95 = 1.0316 → capped 1
    CHECK(r.indicators[1].capped == Fraction::one());
    CHECK(r.indicators[2].days_late == 45);       // Oct 31 → Dec 15
    CHECK(r.indicators[2].periods == 2);          // ceil(45/30)
    CHECK(r.indicators[2].score == dec("8"));     // 10 × (1 − 0.2)
    CHECK(r.indicators[3].score == dec("9.09"));  // 10 × 500/550 = 9.0909…
    CHECK(r.indicators[4].score == dec("24"));    // 30 × 0.8
    CHECK(r.indicators[5].score == dec("9.44"));  // 10 × 85/90 = 9.444…
    CHECK(r.indicator_score == dec("77.20"));
    CHECK(r.total == dec("85.32"));
    CHECK(national_rules().only().grades.bands[r.grade].id == "good");
    CHECK(national_rules().only().grades.bands[r.grade].zh == "良");
    CHECK_FALSE(r.rectify);
    CHECK(r.priority);
    CHECK(r.cut == Money{});
    CHECK(r.recover == Money{});
    CHECK_FALSE(r.rescaled);
    CHECK_FALSE(r.split_differs); // 50 / 30 / 10
}

TEST_CASE("evaluate: 9 × 92/96 = 8.625 rounds half-up to 8.63, not 8.62") {
    CHECK(score(out_ge("96", "92", "9")).score == dec("8.63"));
    RuleSet even = national_rules().only();
    even.evaluation.rounding.mode = RoundingMode::half_even;
    CHECK(score(out_ge("96", "92", "9"), even).score == dec("8.62"));
}

TEST_CASE("evaluate: ge direction") {
    CHECK(score(out_ge("200", "150")).score == dec("37.5")); // 50 × 0.75
    CHECK(score(out_ge("200", "300")).score == dec("50"));   // 1.5 capped at 1
    const IndicatorResult zero = score(out_ge("0", "5"));    // target 0 → r = 1
    CHECK(zero.ratio_case == RatioCase::target_zero);
    CHECK(zero.score == dec("50"));
    CHECK(score(out_ge("100", "0")).score == dec("0"));
}

TEST_CASE("evaluate: le direction, ratio and linear formulas") {
    auto le = [](const char* t, const char* a) { return ind(Level1::output, Level2::cost, Direction::le, dec(t), dec(a), "50"); };
    CHECK(score(le("500", "450")).score == dec("50"));    // under target → 1
    CHECK(score(le("500", "500")).score == dec("50"));    // equal → 1
    CHECK(score(le("500", "625")).score == dec("40"));    // 500/625 = 0.8
    CHECK(score(le("0", "1")).score == dec("0"));         // target 0, actual above
    CHECK(score(le("0", "0")).score == dec("50"));
    RuleSet linear = national_rules().only();
    linear.evaluation.le.formula = LeFormula::linear;
    CHECK(score(le("500", "625"), linear).score == dec("37.5")); // 2 − 1.25 = 0.75
    CHECK(score(le("500", "450"), linear).score == dec("50"));   // 2 − 0.9 = 1.1 → clipped 1
    CHECK(score(le("500", "1000"), linear).score == dec("0"));   // 2 − 2 = 0
    CHECK(score(le("500", "1500"), linear).score == dec("0"));   // 2 − 3 < 0 → 0
}

TEST_CASE("evaluate: eq direction") {
    auto eq = [](const char* t, const char* a) { return ind(Level1::output, Level2::quantity, Direction::eq, dec(t), dec(a), "50"); };
    CHECK(score(eq("10", "8")).score == dec("40"));  // 0.8
    CHECK(score(eq("10", "12")).score == dec("50")); // 1.2 capped
    CHECK(score(eq("0", "0")).score == dec("50"));
    CHECK(score(eq("0", "1")).score == dec("0"));
}

TEST_CASE("evaluate: qualitative tiers with and without percentages") {
    auto q = [](Tier t, std::optional<Decimal> pct) {
        return ind(Level1::output, Level2::quality, Direction::qual, std::monostate{}, QualRating{t, pct}, "50");
    };
    CHECK(score(q(Tier::A, std::nullopt)).score == dec("50"));    // 100%
    CHECK(score(q(Tier::B, std::nullopt)).score == dec("35"));    // 70%
    CHECK(score(q(Tier::C, std::nullopt)).score == dec("15"));    // 30%
    CHECK(score(q(Tier::B, dec("75%"))).score == dec("37.5"));
    CHECK(score(q(Tier::A, dec("80%"))).score == dec("40"));      // A's lower bound is inclusive
    CHECK(score(q(Tier::A, dec("100%"))).score == dec("50"));     // and so is its upper bound
    CHECK(score(q(Tier::B, dec("60%"))).score == dec("30"));
    CHECK(score(q(Tier::C, dec("0%"))).score == dec("0"));
    CHECK(issue_of(q(Tier::B, dec("80%"))) == Issue::tier_percent_out_of_range); // B is [60%, 80%)
    CHECK(issue_of(q(Tier::C, dec("60%"))) == Issue::tier_percent_out_of_range);
    CHECK(issue_of(q(Tier::A, dec("79.99%"))) == Issue::tier_percent_out_of_range);
}

TEST_CASE("QualRating: the percentage is kept to 2147.483647 (32 bits); more throws rather than wraps") {
    CHECK(QualRating{Tier::B, dec("0.75")}.percent() == dec("0.75"));
    CHECK(QualRating{Tier::A, Decimal::from_units(2'147'483'647)}.percent() == Decimal::from_units(2'147'483'647));
    CHECK_THROWS_AS(QualRating(Tier::A, Decimal::from_units(2'147'483'648)), std::out_of_range);
    QualRating r{Tier::C};
    CHECK_THROWS_AS(r.set_percent(dec("5000")), std::out_of_range);
    CHECK_FALSE(r.percent()); // unchanged by the refused value
    CHECK_FALSE(QualRating(Tier::B, dec("-0.1")).percent()); // negative: not given, as before
    CHECK(QualRating{Tier::B, dec("0.7")} == QualRating{Tier::B, dec("0.70")});
    CHECK_FALSE(QualRating{Tier::B, dec("0.7")} == QualRating{Tier::B});
}

TEST_CASE("Indicator: what scoring reads fills the first cache line") {
    // evaluate_each() prefetches one line per indicator (docs/decisions.md): the
    // fields score_indicator() reads must all lie in it.
    static_assert(alignof(Indicator) == 64);
    const Indicator i;
    const auto end_of = [&i](const auto& field) {
        return reinterpret_cast<const char*>(&field) + sizeof(field) - reinterpret_cast<const char*>(&i);
    };
    CHECK(end_of(i.direction) <= 64);
    CHECK(end_of(i.level1) <= 64);
    CHECK(end_of(i.level2) <= 64);
    CHECK(end_of(i.weight) <= 64);
    CHECK(end_of(i.target) <= 64);
    CHECK(end_of(i.actual) <= 64);
    CHECK(end_of(i.source_line) <= 64); // messages name the line
    if constexpr (sizeof(std::string) == 32) CHECK(sizeof(Indicator) == 192); // libstdc++: three lines, no padding
}

TEST_CASE("evaluate_each: evaluate()'s results, in order, for a batch longer than the prefetch distance") {
    // Twelve copies of W1 (total 85.32, 良) with the spending varied: execution
    // 10 × spent/budget rounded to 2 decimals, the indicators' 77.20 unchanged.
    std::vector<Project> batch;
    for (int k = 0; k < 12; ++k) {
        Project p = w1();
        p.id = "W1-" + std::to_string(k);
        p.spent = Money::from_fen(100'000'00LL * k); // 0, 100,000.00, …, 1,100,000.00 of 1,000,000.00
        batch.push_back(std::move(p));
    }
    REQUIRE(batch.size() > prefetch_distance);
    std::vector<std::string> ids;
    std::vector<Decimal> totals;
    evaluate_each(std::span<const Project>(batch), national_rules(), [&](const Project& p, const ProjectResult& r) {
        ids.push_back(p.id);
        totals.push_back(r.total);
        CHECK(r.indicators.size() == 6);
        CHECK(r.total == evaluate(p, national_rules()).total); // the same as one at a time
    });
    REQUIRE(ids.size() == 12);
    CHECK(ids.front() == "W1-0");
    CHECK(ids.back() == "W1-11");
    CHECK(totals[0] == dec("77.20"));  // nothing spent: execution 0
    CHECK(totals[3] == dec("80.20"));  // 30 %: 3.00
    CHECK(totals[10] == dec("87.20")); // all spent: 10
    CHECK(totals[11] == dec("87.20")); // 110 %: capped at 10
    // One period of rules (a RuleSet) gives the same.
    std::size_t n = 0;
    evaluate_each(std::span<const Project>(batch), national_rules().only(),
                  [&](const Project&, const ProjectResult& r) { CHECK(r.total == totals[n++]); });
    CHECK(n == 12);
}

TEST_CASE("evaluate_each: stops at the first project that cannot be evaluated, with evaluate()'s error") {
    std::vector<Project> batch(7, w1());
    for (std::size_t k = 0; k < batch.size(); ++k) batch[k].id = "P" + std::to_string(k);
    batch[5].budget = Money{}; // execution rate undefined
    batch[6].indicators[0].weight.reset();
    std::vector<std::string> handed;
    CHECK_THROWS_WITH_AS(evaluate_each(std::span<const Project>(batch), national_rules(),
                                       [&](const Project& p, const ProjectResult&) { handed.push_back(p.id); }),
                         doctest::Contains("project P5"), Error);
    CHECK(handed == std::vector<std::string>{"P0", "P1", "P2", "P3", "P4"});
}

TEST_CASE("evaluate: date lateness in 30-day periods, across 29 February") {
    auto d = [](Date t, Date a) { return ind(Level1::output, Level2::timeliness, Direction::date, t, a, "50"); };
    CHECK(score(d(make_date(2023, 10, 31), make_date(2023, 10, 31))).score == dec("50")); // on the day
    CHECK(score(d(make_date(2023, 10, 31), make_date(2023, 9, 1))).score == dec("50"));   // early
    const IndicatorResult one_day = score(d(make_date(2023, 10, 31), make_date(2023, 11, 1)));
    CHECK(one_day.periods == 1); // ceil(1/30)
    CHECK(one_day.score == dec("45"));
    // 2024 is a leap year: Feb 27 → Mar 29 is 2 + 29 = 31 days → 2 periods → 0.8.
    const IndicatorResult leap = score(d(make_date(2024, 2, 27), make_date(2024, 3, 29)));
    CHECK(leap.days_late == 31);
    CHECK(leap.periods == 2);
    CHECK(leap.score == dec("40"));
    // 2023 is not: Feb 27 → Mar 29 is 1 + 29 = 30 days → 1 period → 0.9.
    const IndicatorResult plain = score(d(make_date(2023, 2, 27), make_date(2023, 3, 29)));
    CHECK(plain.days_late == 30);
    CHECK(plain.score == dec("45"));
    // 300 days late → 10 periods → 0; 400 days → still 0, never negative.
    CHECK(score(d(make_date(2023, 1, 1), make_date(2023, 10, 28))).score == dec("0"));
    CHECK(score(d(make_date(2023, 1, 1), make_date(2024, 2, 5))).score == dec("0"));
}

TEST_CASE("evaluate: grade boundaries are inclusive lower bounds") {
    // total = 10 + score(50-point indicator) + 30 + 10; pick actual/target to land exactly.
    auto total_of = [](const char* t, const char* a) { return evaluate(single(out_ge(t, a)), national_rules()); };
    const auto& g = national_rules().only().grades;
    const ProjectResult ninety = total_of("100", "80");      // 50 × 0.8 = 40 → total 90.00
    CHECK(ninety.total == dec("90"));
    CHECK(g.bands[ninety.grade].id == "excellent");
    const ProjectResult just_below = total_of("100", "79.98"); // 50 × 0.7998 = 39.99 → 89.99
    CHECK(just_below.total == dec("89.99"));
    CHECK(g.bands[just_below.grade].id == "good");
    CHECK(g.bands[total_of("100", "60").grade].id == "good");     // 30 + 50 = 80.00
    CHECK(g.bands[total_of("100", "59.98").grade].id == "fair");  // 79.99
    CHECK(g.bands[total_of("100", "20").grade].id == "fair");     // 60.00
    const ProjectResult poor = total_of("100", "19.98");        // 59.99
    CHECK(poor.total == dec("59.99"));
    CHECK(g.bands[poor.grade].id == "poor");
    CHECK(poor.rectify);
    CHECK_FALSE(poor.priority);
}

TEST_CASE("evaluate: spent above budget caps the execution score") {
    const ProjectResult r = evaluate(single(out_ge("1", "1"), "100.00", "105.00"), national_rules());
    CHECK(r.exec_rate.to_string(4) == "1.0500");
    CHECK(r.exec_score == dec("10"));
    CHECK(r.total == dec("100"));
    CHECK(r.recover == Money{});
}

TEST_CASE("evaluate: result application — cut, recovery, transfer exemption") {
    // fair: 10 (exec 100% of 200000 spent? no: spent 150000 of 200000 → 7.5) + 50×0.5 + 40 = 72.50
    Project p = single(out_ge("100", "50"), "200000.00", "150000.00");
    ProjectResult r = evaluate(p, national_rules());
    CHECK(r.exec_score == dec("7.5"));
    CHECK(r.total == dec("72.5"));
    CHECK(national_rules().only().grades.bands[r.grade].id == "fair");
    CHECK(r.rectify);
    CHECK(r.cut == yuan("20000.00"));     // 10% of 200000.00
    CHECK(r.recover == yuan("50000.00")); // 200000 − 150000, local funds
    p.fund_source = FundSource::transfer;
    r = evaluate(p, national_rules());
    CHECK(r.recover == Money{});          // upper-level transfers are exempt
    CHECK(r.cut == yuan("20000.00"));
    // poor: 100% cut.
    Project q = single(out_ge("100", "0"), "333.33", "0.00");
    r = evaluate(q, national_rules());
    CHECK(r.total == dec("40"));          // 0 + 0 + 30 + 10
    CHECK(r.cut == yuan("333.33"));
    CHECK(r.recover == yuan("333.33"));
}

TEST_CASE("evaluate: a five-level scale (Wuchang 优/良/中/低/差)") {
    RuleSet five = national_rules().only();
    five.grades.bands = {{"excellent", "优", "excellent", dec("90"), dec("100"), {}},
                         {"good", "良", "good", dec("80"), dec("90"), {}},
                         {"fair", "中", "fair", dec("70"), dec("80"), {}},
                         {"low", "低", "low", dec("60"), dec("70"), {}},
                         {"poor", "差", "poor", dec("0"), dec("60"), {}}};
    five.application.cut.rate_by_grade = {dec("0"), dec("0"), dec("0"), dec("50%"), dec("100%")};
    five.application.rectify.grades = {};
    five.application.rectify.grades.add(3);
    five.application.rectify.grades.add(4);
    const ProjectResult r = evaluate(single(out_ge("100", "40"), "1000.00", "1000.00"), five); // 10 + 20 + 30 + 10 = 70 → fair [70, 80)
    CHECK(r.total == dec("70"));
    CHECK(five.grades.bands[r.grade].id == "fair");
    const ProjectResult low = evaluate(single(out_ge("100", "38"), "1000.00", "1000.00"), five); // 10+19+40 = 69
    CHECK(five.grades.bands[low.grade].id == "low");
    CHECK(low.cut == yuan("500.00"));
    CHECK(low.rectify);
}

TEST_CASE("evaluate: problems are errors naming the project and indicator") {
    Project p = w1();
    p.indicators[0].weight.reset();
    p.indicators[3].actual = std::monostate{};
    try {
        evaluate(p, national_rules());
        FAIL("expected an error");
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() == 2); // both problems, not just the first
        CHECK(e.diagnostics()[0].en == "project W1, indicator \"培训人次\": the indicator has no weight (column weight)");
        CHECK(e.diagnostics()[1].zh == "项目 W1，指标“单位成本”：指标缺少实际完成值（actual 列）");
    }
    Project zero = w1();
    zero.budget = Money{};
    CHECK_THROWS_WITH_AS(evaluate(zero, national_rules()),
                         doctest::Contains("the budget is 0, so the execution rate is undefined"), Error);
    Project heavy = w1();
    heavy.indicators[0].weight = dec("21");
    CHECK_THROWS_WITH_AS(evaluate(heavy, national_rules()), doctest::Contains("must total exactly 100"), Error);
    Project no_satisfaction = w1();
    no_satisfaction.indicators.pop_back();
    CHECK_THROWS_WITH_AS(evaluate(no_satisfaction, national_rules()), doctest::Contains("lacks an output, benefit or satisfaction"),
                         Error);
    CHECK(issue_of(ind(Level1::output, Level2::quantity, Direction::ge, dec("1"), make_date(2023, 1, 1), "5")) == Issue::wrong_measure);
    CHECK(issue_of(ind(Level1::output, Level2::quantity, Direction::ge, dec("-1"), dec("1"), "5")) == Issue::negative_value);
}

TEST_CASE("evaluate: with weights of at most 2 decimals no rounded score exceeds its weight") {
    // Why the readers refuse a third decimal: 12.857 × 99.99% = 12.8557143 rounds up to 12.86.
    IndicatorResult r;
    REQUIRE(score_indicator(ind(Level1::output, Level2::quantity, Direction::ge, dec("1"), dec("99.99%"), "12.857"),
                            national_rules().only(), r) == Issue::none);
    CHECK(r.score == dec("12.86"));
    // A weight on the 0.01 grid is itself a rounded value at or above weight × rc, so
    // half-up rounding never passes it: every weight from 0.01 to 30.00, just under 100%.
    for (std::int64_t cents = 1; cents <= 3000; ++cents) {
        const Decimal w = Decimal::from_units(cents * 10'000);
        for (const char* actual : {"99.9999%", "99.995%", "99.99%", "99.5%"}) {
            Indicator i = ind(Level1::output, Level2::quantity, Direction::ge, dec("1"), dec(actual), "1");
            i.weight = w;
            REQUIRE(score_indicator(i, national_rules().only(), r) == Issue::none);
            if (r.score > w) FAIL_CHECK("weight " << w.to_string() << " at " << actual << " scores " << r.score.to_string());
        }
    }
}

TEST_CASE("evaluate: optional rescaling to 100 when a level-1 kind is missing or budget is 0") {
    RuleSet rescale = national_rules().only();
    rescale.evaluation.weights.missing = MissingLevel1::rescale;
    Project p = w1();
    p.indicators.pop_back(); // no satisfaction: 8.12 + 67.76 = 75.88 of 90 → × 100/90 = 84.3111… → 84.31
    const ProjectResult r = evaluate(p, rescale);
    CHECK(r.rescaled);
    CHECK(r.applicable_points == dec("90"));
    CHECK(r.total == dec("84.31"));
    RuleSet zero_ok = national_rules().only();
    zero_ok.evaluation.execution.zero_budget = ZeroBudget::not_applicable;
    Project z = w1();
    z.budget = Money{};
    z.spent = Money{};
    const ProjectResult rz = evaluate(z, zero_ok); // 77.20 of 90 → 85.7777… → 85.78
    CHECK_FALSE(rz.exec_applicable);
    CHECK(rz.total == dec("85.78"));
}

TEST_CASE("evaluate: total_only rounding rounds the exact sum once") {
    RuleSet once = national_rules().only();
    once.evaluation.rounding.apply = RoundApply::total_only;
    // W1 exact: 8.1234567 + 16.6666… + 10 + 8 + 9.0909… + 24 + 9.4444… = 85.32547690… → 85.33
    // (per part it is 85.32: rounding each part first loses 0.0054769…).
    CHECK(evaluate(w1(), once).total == dec("85.33"));
}

TEST_CASE("evaluate: optional over-completion deduction") {
    RuleSet oc = national_rules().only();
    oc.evaluation.over_completion.enabled = true; // threshold 120%, fixed 10% of the weight
    CHECK(score(out_ge("100", "119.99"), oc).score == dec("50")); // below threshold
    const IndicatorResult r = score(out_ge("100", "130"), oc);   // 1.3 ≥ 1.2 → 50 × 0.9
    CHECK(r.score == dec("45"));
    CHECK(r.deduction == dec("10%"));
    oc.evaluation.over_completion.mode = OverCompletionMode::proportional;
    oc.evaluation.over_completion.deduction = dec("50%"); // 50% per 100% over: 1.3 → 15% off
    CHECK(score(out_ge("100", "130"), oc).score == dec("42.5"));
}

TEST_CASE("explain: W1 in both languages cites the rules") {
    const Project p = w1();
    const ProjectResult r = evaluate(p, national_rules());
    const auto en = explain(p, r, national_rules(), Lang::en);
    REQUIRE(en.size() >= 8);
    CHECK(en[0].rule == "evaluation.execution");
    CHECK(en[0].source.find("national.yaml:") != std::string::npos);
    CHECK(en[0].text == "execution rate = spent 812345.67 yuan / budget 1000000.00 yuan = 81.23%; execution score = 10 × 81.23% = "
                        "8.1234567 → 8.12 (half-up, 2 decimals)");
    CHECK(en[1].text == "output/quantity, completion rate = actual 1000 / target 1200 = 83.33%; score = weight 20 × completion rate "
                        "83.33% = 16.66666666… → 16.67 (half-up, 2 decimals)");
    CHECK(en[3].text.find("done 2023-12-15, 45 days after the target date 2023-10-31: 2 periods of 30 days") != std::string::npos);
    const auto zh = explain(p, r, national_rules(), Lang::zh);
    CHECK(zh[0].text.find("预算执行率 = 执行数 812345.67 元 / 预算数 1000000.00 元 = 81.23%") == 0);
    CHECK(zh[1].text == "产出指标/数量指标，完成率 = 实际完成值 1000 / 年度指标值 1200 = 83.33%；得分 = 分值 20 × 完成率 83.33% = "
                        "16.66666666… → 16.67（四舍五入，保留 2 位小数）");
    bool grade_line = false;
    for (const auto& l : zh)
        if (l.rule == "evaluation.grades") grade_line = l.text == "总分 85.32 不低于 80 且低于 90，等级 良";
    CHECK(grade_line);
}

TEST_CASE("explain: percentages as percentages, values with their unit") {
    CHECK(detail::percent(Fraction(17, 18)) == "94.44%");
    CHECK(detail::percent(dec("95%")) == "95%");
    CHECK(detail::percent(Fraction(1, 8)) == "12.50%");
    CHECK(detail::percent(Fraction::integer(1)) == "100%");
    CHECK(detail::percent(Fraction(2, 3)) == "66.67%"); // half-up

    const std::vector<Project> ps = read_projects_yaml_text(R"(- project_id: Q
  name: 质量项目
  department: 县教育局
  budget: 1000.00
  spent: 1000.00
  indicators:
    - {level1: output, level2: quantity, name: 培训人次, direction: ge, target: "1,200", actual: "1,000", unit: 人次, weight: 40}
    - {level1: output, level2: quality, name: 合格率, direction: ge, target: 95%, actual: 98%, unit: "%", weight: 10}
    - {level1: benefit, level2: social, name: 社会效益, direction: qual, target: 达到预期, actual: A, weight: 30}
    - {level1: satisfaction, level2: satisfaction, name: 满意度, direction: ge, target: 90, actual: 85, unit: "%", weight: 10}
)", "q.yaml");
    REQUIRE(ps.size() == 1);
    const Project& p = ps[0];
    const ProjectResult r = evaluate(p, national_rules());
    const auto zh = explain(p, r, national_rules(), Lang::zh);
    const auto en = explain(p, r, national_rules(), Lang::en);
    auto line = [](const std::vector<ExplanationLine>& lines, const std::string& rule) {
        for (const auto& l : lines)
            if (l.rule == rule) return l.text;
        return std::string();
    };
    CHECK(line(zh, "培训人次").find("完成率 = 实际完成值 1000 人次 / 年度指标值 1200 人次 = 83.33%") != std::string::npos);
    CHECK(line(zh, "合格率").find("完成率 = 实际完成值 98% / 年度指标值 95% = 103.16%；超额完成不加分，封顶后的完成率为 100%；"
                                 "得分 = 分值 10 × 封顶后的完成率 100% = 10 → 10.00") != std::string::npos);
    // A qualitative target keeps its text (issue 14): 达到预期, not —.
    CHECK(p.indicators[2].target_text == "达到预期");
    CHECK(p.indicators[0].target_text.empty()); // only a qualitative target is kept as text
    std::string json;
    write_json_project(json, p, r, national_rules(), Lang::zh);
    CHECK(json.find("\"target\": \"达到预期\"") != std::string::npos); // the JSON output's target too
    CHECK(line(zh, "社会效益") == "效益指标/社会效益指标，定性指标，年度指标值“达到预期”，评为 A 档（达成年度指标），"
                                 "未给出百分比，按 A 档计 100%；得分 = 分值 30 × 完成率 100% = 30 → 30.00（四舍五入，保留 2 位小数）");
    CHECK(line(zh, "满意度").find("实际完成值 85% / 年度指标值 90% = 94.44%") != std::string::npos); // bare numbers under a % unit
    CHECK(line(en, "社会效益").find("qualitative, target \"达到预期\", rated tier A without a percentage: tier A counts 100%") !=
          std::string::npos);
    // No English word, rule symbol or id inside the Chinese text.
    for (const auto& l : zh) {
        CAPTURE(l.text);
        for (const char* word : {"rc", "r =", "min(", "good", "exec_", "ge", "（good）", "按该档默认"})
            CHECK(l.text.find(word) == std::string::npos);
    }
    // The citation at the end, with the rule's key.
    CHECK(cited_line(zh[0], Lang::zh).ends_with("行，evaluation.execution〕"));
    CHECK(cited_line(zh[1], Lang::zh).starts_with("培训人次：产出指标/数量指标，"));
}
