// Exact numbers: parsing, rounding, overflow. Expected values are worked by hand.
#include "support.hpp"
#include "perfbudget/decimal.hpp"

#include <doctest/doctest.h>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

TEST_CASE("decimal: parsing plain decimals and percentages") {
    CHECK(dec("1234567.89").units() == 1234567890000);
    CHECK(dec("95%").units() == 950000);
    CHECK(dec("98.5%").units() == 985000);
    CHECK(dec("12.3456%").units() == 123456);
    CHECK(dec("-3").units() == -3000000);
    CHECK(dec(" 7 ").units() == 7000000);
    CHECK(dec("0.000001").units() == 1);

    Decimal d;
    CHECK_FALSE(parse_decimal("1,200", d).ok());
    CHECK(std::string(parse_decimal("1,200", d).en).find("thousands separators") != std::string::npos);
    CHECK_FALSE(parse_decimal("1e3", d).ok());
    CHECK_FALSE(parse_decimal("0x10", d).ok());
    CHECK_FALSE(parse_decimal("", d).ok());
    CHECK_FALSE(parse_decimal("+5", d).ok());
    CHECK_FALSE(parse_decimal("0.0000001", d).ok());  // 7 decimals
    CHECK_FALSE(parse_decimal("12.34567%", d).ok());  // 7 decimals once divided by 100
    CHECK_FALSE(parse_decimal("99999999999999", d).ok()); // beyond int64 at 6 decimals
    CHECK_FALSE(parse_decimal("5%", d, false).ok());
}

TEST_CASE("decimal: money has at most two decimals and stays within ±10^15 yuan") {
    CHECK(yuan("812345.67").fen() == 81234567);
    CHECK(yuan("1000000").fen() == 100000000);
    CHECK(yuan("1000000000000000").fen() == Money::max_fen);
    Money m;
    CHECK(std::string(parse_money("0.005", m).en) == "at most 2 decimal places (yuan and fen)");
    CHECK_FALSE(parse_money("1000000000000000.01", m).ok());
    CHECK_FALSE(parse_money("95%", m).ok());
    CHECK_THROWS_AS(Money::from_fen(Money::max_fen) + Money::from_fen(1), ArithmeticError);
    // 20 digits overflow the mantissa: the limit is still the one named.
    CHECK(std::string(parse_money("12345678901234567890", m).en) == "an amount within ±10^15 yuan");
}

TEST_CASE("decimal: too many decimals and too large say which, with the limit (found by fuzzing)") {
    Decimal d;
    // 20 and more decimals once overflowed the mantissa first and were "out of range".
    CHECK(std::string(parse_decimal("0.12345678901234567890", d).en) == "at most 6 decimal places");
    CHECK(std::string(parse_decimal("0.1234567", d).en) == "at most 6 decimal places");
    CHECK(std::string(parse_decimal("1.23456%", d).en) == "at most 6 decimal places"); // 0.0123456
    CHECK(parse_decimal("1.2345%", d).ok());
    CHECK(d == Decimal::from_units(12'345));
    // The largest Decimal is (2^63 − 1) / 10^6 = 9223372036854.775807.
    CHECK(parse_decimal("9223372036854.775807", d).ok());
    CHECK(d.units() == INT64_MAX);
    CHECK(std::string(parse_decimal("9223372036854.775808", d).en) ==
          "a number within ±9.2×10^12 (at most 9223372036854.775807)");
    CHECK(std::string(parse_decimal("10000000000000", d).en) == "a number within ±9.2×10^12 (at most 9223372036854.775807)");
    CHECK(std::string(parse_decimal("100000000000000000000", d).zh) ==
          "数值超出范围（绝对值最大为 9223372036854.775807，约 9.2×10^12）");
}

TEST_CASE("decimal: rounding is once, from the exact value") {
    // 9 × 92 / 96 = 8.625 exactly: half-up gives 8.63, half-even 8.62, down 8.62.
    const Fraction f = dec("9") * Fraction::of(dec("92"), dec("96"));
    CHECK(f.rounded(2, RoundingMode::half_up).to_string(2) == "8.63");
    CHECK(f.rounded(2, RoundingMode::half_even).to_string(2) == "8.62");
    CHECK(f.rounded(2, RoundingMode::down).to_string(2) == "8.62");
    // 8.635 half-even rounds to the even neighbour 8.64.
    CHECK(Fraction::of(dec("8.635")).rounded(2, RoundingMode::half_even).to_string(2) == "8.64");
    // Ties away from zero for negatives under half-up: −2.5 → −3.
    CHECK(Fraction(-5, 2).rounded(0, RoundingMode::half_up).to_string(0) == "-3");
    // No double rounding: 8.53459 → 8.53 (rounding to 3 first would give 8.535 → 8.54).
    CHECK(dec("8.53459").rounded(2, RoundingMode::half_up).to_string(2) == "8.53");
    // 0.005 yuan rounds up to a fen; 0.0049999 does not.
    CHECK(Fraction::of(dec("0.005")).rounded(2, RoundingMode::half_up).to_string(2) == "0.01");
    CHECK(Fraction::of(dec("0.004999")).rounded(2, RoundingMode::half_up).to_string(2) == "0.00");
}

TEST_CASE("decimal: weight × ratio (times_rounded) rounds once on each of its paths") {
    using M = RoundingMode;
    const auto score = [](const char* weight, const Fraction& r, int digits, M mode) {
        return r.times_rounded(dec(weight), digits, mode).to_string(digits);
    };
    // A ratio of exactly 1 (capped at 1, or n == m) is the weight itself, with no division.
    CHECK(score("20", Fraction::one(), 2, M::half_up) == "20.00");
    CHECK(score("20", Fraction::of(dec("95"), dec("95")), 2, M::half_up) == "20.00");
    // The common path, a whole number of steps: 20 × 2/3 = 13.333… → 13.33; 10 × 5/6 = 8.333… → 8.33.
    CHECK(score("20", Fraction::positive(2, 3), 2, M::half_up) == "13.33");
    CHECK(score("10", Fraction::positive(5, 6), 2, M::half_up) == "8.33");
    // Ties: 1 × 1/8 = 0.125 → 0.13 half-up, 0.12 half-even and down.
    CHECK(score("1", Fraction::positive(1, 8), 2, M::half_up) == "0.13");
    CHECK(score("1", Fraction::positive(1, 8), 2, M::half_even) == "0.12");
    CHECK(score("1", Fraction::positive(1, 8), 2, M::down) == "0.12");
    // A weight that is not a whole number of steps (the out-of-line path):
    // 12.345 × 2/3 = 8.23 exactly; 0.005 × 1/1 = 0.005 → 0.01 half-up, 0.00 half-even.
    CHECK(score("12.345", Fraction::positive(2, 3), 2, M::half_up) == "8.23");
    CHECK(score("0.005", Fraction::one(), 2, M::half_up) == "0.01");
    CHECK(score("0.005", Fraction::one(), 2, M::half_even) == "0.00");
    // A product past 64 bits: 9000000 × (10^12 − 1)/(3 × 10^12) = 2999999.999997 → 3000000.00.
    CHECK(score("9000000", Fraction::positive(999'999'999'999, 3'000'000'000'000), 2, M::half_up) == "3000000.00");
    CHECK(score("9000000", Fraction::positive(999'999'999'999, 3'000'000'000'000), 2, M::down) == "2999999.99");
    // Negative values (a custom step's deduction): −20 × 1/3 = −6.666… → −6.67 (ties and
    // halves away from zero under half-up).
    CHECK(score("-20", Fraction::positive(1, 3), 2, M::half_up) == "-6.67");
    // Other digits take the general step: 7 × 1/3 to 0 and 6 decimals.
    CHECK(score("7", Fraction::positive(1, 3), 0, M::half_up) == "2");
    CHECK(score("7", Fraction::positive(1, 3), 6, M::half_up) == "2.333333");
    // Every path agrees with rounding the exact product once.
    for (const char* w : {"20", "12.345", "0.000001", "100"})
        for (const Fraction& r : {Fraction::one(), Fraction::zero(), Fraction::positive(7, 9), Fraction::positive(9, 7)})
            for (int digits : {0, 2, 4, 6})
                for (M mode : {M::half_up, M::half_even, M::down})
                    CHECK(r.times_rounded(dec(w), digits, mode) == (dec(w) * r).rounded(digits, mode));
}

TEST_CASE("decimal: money times a rate rounds half-up to the fen") {
    // 333.33 × 10% = 33.333 → 33.33; 0.05 × 10% = 0.005 → 0.01.
    CHECK(yuan("333.33").times(dec("10%")).to_string() == "33.33");
    CHECK(yuan("0.05").times(dec("10%")).to_string() == "0.01");
    CHECK(yuan("1000000.00").times(dec("100%")).to_string() == "1000000.00");
}

TEST_CASE("decimal: overflow is an error, never a wrap") {
    CHECK_THROWS_AS(Decimal::from_units(INT64_MAX) + Decimal::from_units(1), ArithmeticError);
    CHECK_THROWS_AS(Decimal::whole(INT64_MAX / 10), ArithmeticError);
    CHECK_THROWS_AS(Fraction(1, 0), ArithmeticError);
    // A product beyond 128 bits throws from Boost's checked integer.
    const Fraction big(Fraction::wide(INT64_MAX) * INT64_MAX, 1);
    CHECK_THROWS(big * big);
}

TEST_CASE("decimal: text forms") {
    CHECK(dec("20").to_string() == "20");
    CHECK(dec("0.8123").to_string() == "0.8123");
    CHECK(dec("-0.5").to_string(2) == "-0.50");
    CHECK(Fraction(1, 3).to_string(4) == "0.3333");
    CHECK(Fraction(2, 3).to_string(4) == "0.6667");
    CHECK(Fraction(1, 3).inexact_at(8));
    CHECK_FALSE(Fraction(1, 4).inexact_at(2));
}
