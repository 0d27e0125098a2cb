// The C++ surface for people (issue 12, item 4): values from text and checked
// literals, a Project written with designated initialisers, results read by name,
// and dates as std::chrono::year_month_day.
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/load.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace perfbudget;

namespace {

/// The English message of the Error `f` throws ("" when it throws none).
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const Error& e) {
        return e.diagnostics().front().en;
    }
    return "";
}

/// SPEC §4 worked example W1, written the way the README shows it.
Project w1() {
    return Project{
        .id = "W1",
        .department = "县人社局",
        .budget = 1'000'000.00_yuan,
        .spent = Money::yuan("812345.67"),
        .year = 2023,
        .indicators = {
            {.level1 = Level1::output, .level2 = Level2::quantity, .weight = 20_dec, .target = 1200_dec, .actual = 1000_dec, .name = "培训人次"},
            {.level1 = Level1::output, .level2 = Level2::quality, .weight = 10_dec, .target = 95_pct, .actual = 98_pct, .name = "合格率"},
            {.direction = Direction::date, .level1 = Level1::output, .level2 = Level2::timeliness, .weight = 10_dec,
             .target = make_date(2023, 10, 31), .actual = make_date(2023, 12, 15), .name = "完成时间"},
            {.direction = Direction::le, .level1 = Level1::output, .level2 = Level2::cost, .weight = 10_dec, .target = 500_dec, .actual = 550_dec, .name = "单位成本"},
            {.level1 = Level1::benefit, .level2 = Level2::social, .weight = 30_dec, .target = 3000_dec, .actual = 2400_dec, .name = "受益人数"},
            {.level1 = Level1::satisfaction, .level2 = Level2::satisfaction, .weight = 10_dec, .target = 90_pct, .actual = 85_pct, .name = "满意度"},
        },
    };
}

} // namespace

TEST_CASE("surface: Money::yuan and Decimal::parse read text exactly") {
    CHECK(Money::yuan("812345.67").fen() == 81234567);
    CHECK(Money::yuan(" 0.5 ").fen() == 50);
    CHECK(Money::yuan(1'000'000).to_string() == "1000000.00");
    CHECK(Money::yuan(-3).fen() == -300);
    CHECK(Decimal::parse("98.5").units() == 98'500'000);
    CHECK(Decimal::parse("95%").to_string() == "0.95");
}

TEST_CASE("surface: bad text throws perfbudget::Error saying what was expected") {
    CHECK_THROWS_AS((void)Money::yuan("1,000.00"), Error);
    CHECK(error_of([] { (void)Money::yuan("1,000.00"); }) ==
          "\"1,000.00\": expected a number without thousands separators (1234567.89, not 1,234,567.89)");
    CHECK(error_of([] { (void)Money::yuan("12.345"); }) == "\"12.345\": expected at most 2 decimal places (yuan and fen)");
    CHECK(error_of([] { (void)Money::yuan("95%"); }) == "\"95%\": expected a plain amount without '%'");
    CHECK(error_of([] { (void)Money::yuan(""); }) == "\"\": expected a number, not an empty field");
    CHECK(error_of([] { (void)Decimal::parse("abc"); }) == "\"abc\": expected a plain decimal number such as 1234.56 or 95%");
    CHECK(error_of([] { (void)Decimal::parse("1e6"); }) == "\"1e6\": expected a plain decimal number such as 1234.56 or 95%");
    // Chinese too.
    try {
        (void)Money::yuan("1,000.00");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.diagnostics().front().zh == "“1,000.00”：数字不能含千位分隔符（应写 1234567.89）");
    }
    // Whole yuan beyond ±10^15: an ArithmeticError, which is a perfbudget::Error.
    CHECK_THROWS_AS((void)Money::yuan(std::int64_t{1'000'000'000'000'001}), ArithmeticError);
    CHECK_THROWS_AS((void)Money::yuan(INT64_MAX), Error);
}

TEST_CASE("surface: checked literals are exact and read at compile time") {
    static_assert((812'345.67_yuan).fen() == 81'234'567);
    static_assert((1'000'000_yuan).fen() == 100'000'000);
    static_assert((20_dec).units() == 20'000'000);
    static_assert((0.000001_dec).units() == 1);
    static_assert((95_pct).units() == 950'000);
    static_assert((12.5_pct).units() == 125'000);
    CHECK(812345.67_yuan == Money::yuan("812345.67"));
    CHECK(98.5_dec == Decimal::parse("98.5"));
    CHECK(95_pct == Decimal::parse("95%"));
    // 0.001_yuan, 1e6_yuan and 0x10_dec do not compile: ctest literal_rejected_*.
}

TEST_CASE("surface: a Project from designated initialisers scores W1, read by name") {
    const Project p = w1();
    const RuleSet& rules = national_rules().for_year(p.year);
    const ProjectResult r = evaluate(p, rules);
    CHECK(r.total.to_string(2) == "85.32");
    const GradeBand& grade = grade_of(r, rules);
    CHECK(grade.id == "good");
    CHECK(grade.zh == "良");
    CHECK(grade.en == "good");
    CHECK(reasons_text(r, rules).empty()); // the national rules have no custom steps
    CHECK(to_string(std::get<Date>(p.indicators[2].target)) == "2023-10-31");

    // A copy is a value like any other.
    Project copy = p;
    copy.spent = 1'000'000.00_yuan;
    CHECK(evaluate(copy, rules).total.to_string(2) == "87.20");
    CHECK(p.spent == 812'345.67_yuan);
}

TEST_CASE("surface: reasons read as text, the output's reasons column") {
    const RuleBook book = load_rules_file(PERFBUDGET_SOURCE_DIR "/rules/urumqi-county.yaml");
    Project p = w1();
    p.spent = 100'000.00_yuan; // 10% executed: a 差 and the county's reasons
    const RuleSet& rules = book.for_year(p.year);
    const ProjectResult r = evaluate(p, rules);
    const auto ids = reason_ids(r, rules);
    REQUIRE(!ids.empty());
    std::string joined;
    for (std::string_view id : ids) joined += (joined.empty() ? "" : ";") + std::string(id);
    CHECK(reasons_text(r, rules) == joined);
    CHECK(reasons_text(r, rules, ", ").find(ids.front()) == 0);
}

TEST_CASE("surface: dates are std::chrono::year_month_day") {
    using namespace std::chrono_literals;
    static_assert(std::is_same_v<Date, std::chrono::year_month_day>);
    CHECK(make_date(2024, 2, 29) == 2024y / 2 / 29);
    CHECK(!make_date(2023, 2, 29).ok());
    CHECK(days_between(make_date(2023, 12, 31), make_date(2024, 12, 31)) == 366);
    CHECK(days_between(make_date(2024, 3, 1), make_date(2024, 2, 28)) == -2);
    CHECK(to_string(2023y / 10 / 31) == "2023-10-31");
}
