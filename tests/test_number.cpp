// Number (number.hpp): exact rationals that widen past 128 bits instead of
// overflowing, and a property test of every aggregate and expression result
// against an independent arbitrary-precision computation written here.
#include "perfbudget/custom_rules.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/expr.hpp"
#include "perfbudget/load.hpp"
#include "support.hpp"

#include "../src/evaluate_engine.hpp" // internal: CustomAccumulator, the streaming path's aggregates

#include <boost/multiprecision/cpp_int.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace perfbudget;
using namespace perfbudget::test;
using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

namespace {

Number big_power_of_two(int k) { // 2^k, built from 128-bit pieces
    Number n = Number::integer(1);
    for (; k >= 60; k -= 60) n = n * Number::integer(std::int64_t{1} << 60);
    return n * Number::integer(std::int64_t{1} << k);
}

/// The reference: a Number's value as a cpp_rational, read back from its exact text.
cpp_rational rational_of(const std::string& text) {
    const auto slash = text.find('/');
    if (slash != std::string::npos) return cpp_rational(cpp_int(text.substr(0, slash)), cpp_int(text.substr(slash + 1)));
    const auto dot = text.find('.');
    if (dot == std::string::npos) return cpp_rational(cpp_int(text));
    std::string digits = text.substr(0, dot) + text.substr(dot + 1);
    cpp_int den = 1;
    for (std::size_t i = dot + 1; i < text.size(); ++i) den *= 10;
    return cpp_rational(cpp_int(digits), den);
}
cpp_rational rational_of(const Number& n) { return rational_of(n.to_string()); }

cpp_rational rational_of(Decimal d) { return cpp_rational(cpp_int(d.units()), cpp_int(Decimal::one_units)); }

/// Half-up rounding to `digits` places of a non-negative rational, independently of the library.
cpp_rational round_half_up(const cpp_rational& x, int digits) {
    cpp_int p = 1;
    for (int i = 0; i < digits; ++i) p *= 10;
    const cpp_rational scaled = x * p;
    const cpp_int q = (2 * numerator(scaled) + denominator(scaled)) / (2 * denominator(scaled)); // floor(x + 1/2)
    return cpp_rational(q, p);
}

} // namespace

TEST_CASE("number: arithmetic past 128 bits is exact and comes back when it fits") {
    const Number a = big_power_of_two(100) + Number::integer(1); // 2^100 + 1
    const Number b = big_power_of_two(90) - Number::integer(3);
    const Number product = a * b; // ≈ 2^190: needs more than 128 bits
    CHECK(product.is_big());
    const cpp_rational pa = rational_of(a), pb = rational_of(b);
    CHECK(rational_of(product) == pa * pb);
    CHECK(rational_of(product + a) == pa * pb + pa);
    CHECK(rational_of(product - product * Number::integer(2)) == -(pa * pb));
    CHECK(product / b == a); // back to 128 bits...
    CHECK_FALSE((product / b).is_big()); // ...and small again
    CHECK(product > a);
    CHECK(-product < a);
    CHECK(abs(-product) == product);
    CHECK(product.sign() == 1);
    CHECK((product - product).is_zero());
    // 1/3 of it: not a finite decimal, shown in lowest terms.
    const Number third = product / Number::integer(3);
    CHECK(third * Number::integer(3) == product);
    CHECK(third.to_string().find('/') != std::string::npos);
    CHECK_THROWS_AS(third / Number(), ArithmeticError);
    CHECK(third.exact_decimal() == std::nullopt);
    CHECK_THROWS_AS(product.rounded(2, RoundingMode::half_up), ArithmeticError); // beyond Decimal's range
    CHECK_THROWS_AS(product / Number::integer(0), Error);                     // one error type
}

TEST_CASE("number: rounding a wide value") {
    // (2^130 + 1) / 2^130 = 1.000…0007…: rounds to 1 at any Decimal precision.
    const Number one_and_a_bit = (big_power_of_two(130) + Number::integer(1)) / big_power_of_two(130);
    CHECK(one_and_a_bit.is_big());
    CHECK(one_and_a_bit.rounded(6, RoundingMode::half_up) == Decimal::whole(1));
    CHECK(one_and_a_bit.round_to(18, RoundingMode::half_up) == Number::integer(1));
    // x.5 exactly, with a 130-bit denominator: half-up goes up, half-even to the even neighbour, down truncates.
    const Number half = (big_power_of_two(130) * Number::integer(5) + big_power_of_two(129)) / big_power_of_two(130);
    CHECK(half.rounded(0, RoundingMode::half_up) == Decimal::whole(6)); // 5.5
    CHECK(half.rounded(0, RoundingMode::half_even) == Decimal::whole(6));
    CHECK(half.rounded(0, RoundingMode::down) == Decimal::whole(5));
    CHECK((-half).rounded(0, RoundingMode::half_up) == Decimal::whole(-6));
    CHECK(half.to_string() == "5.5");
}

TEST_CASE("number: a sum over thousands of unrelated denominators") {
    // Σ 1/p for the first 200 odd numbers p > 10^12: the lowest-terms denominator is
    // far beyond 128 bits. Summed with Number and with cpp_rational independently.
    Number sum;
    cpp_rational expected = 0;
    for (std::int64_t p = 1'000'000'000'001; p < 1'000'000'000'401; p += 2) {
        sum += Fraction(1, p);
        expected += cpp_rational(1, p);
    }
    CHECK(sum.is_big());
    CHECK(rational_of(sum) == expected);
    CHECK(sum.round_to(12, RoundingMode::half_up).to_string() == "0.0000000002"); // 1.9999996…e-10
    CHECK(sum.rounded(6, RoundingMode::half_up) == Decimal{});
}

namespace {

struct Generated {
    Project project;
    cpp_rational exec_rate;
    cpp_rational completion;  // Σ w × rc / Σ w
    cpp_rational indicator_sum_rounded; // Σ round(w × rc, 2)
    cpp_rational exact_total;           // exec part + Σ w × rc, exact
};

/// A random project: 3–50 indicators, values with 0–6 decimals and magnitudes
/// up to 10^12, weights with 2 decimals totalling 90. Its expected aggregates are
/// computed here with cpp_rational from the definitions of SPEC §4 and §5.
Generated generate(std::mt19937_64& rng) {
    auto below = [&](std::uint64_t n) { return static_cast<std::int64_t>(rng() % n); };
    Generated g;
    Project& p = g.project;
    p.id = "R";
    p.budget = Money::from_fen(1 + below(100'000'000'000'000)); // up to 10^12 yuan
    p.spent = Money::from_fen(below(p.budget.fen() + p.budget.fen() / 4));
    g.exec_rate = cpp_rational(p.spent.fen(), p.budget.fen());
    const std::size_t n = static_cast<std::size_t>(3 + below(48));
    // 9000 hundredths of a point, split among n indicators (each ≥ 0.01).
    std::vector<std::int64_t> cuts{0, 9000};
    for (std::size_t i = 1; i < n; ++i) cuts.push_back(1 + below(8999));
    std::sort(cuts.begin(), cuts.end());
    auto value = [&] { // units of 10^-6: up to 12 integer digits and 0–6 decimals
        const int decimals = static_cast<int>(below(7));
        std::int64_t v = below(detail::pow10[1 + below(12)]) * detail::pow10[6];
        v += below(detail::pow10[decimals]) * detail::pow10[6 - decimals];
        return v;
    };
    cpp_rational weighted = 0, weights = 0;
    for (std::size_t i = 0; i < n; ++i) {
        Indicator ind;
        ind.level1 = i == 0 ? Level1::output : i == 1 ? Level1::benefit : i == 2 ? Level1::satisfaction
                                                                                   : static_cast<Level1>(below(3));
        ind.level2 = ind.level1 == Level1::output ? Level2::quantity : ind.level1 == Level1::benefit ? Level2::social
                                                                                                      : Level2::satisfaction;
        ind.direction = static_cast<Direction>(below(3)); // ge, le, eq
        ind.name = "i" + std::to_string(i);
        const std::int64_t t = below(10) == 0 ? 0 : value(), a = value();
        ind.target = Decimal::from_units(t);
        ind.actual = Decimal::from_units(a);
        const std::int64_t w = (cuts[i + 1] - cuts[i]) * 10'000; // hundredths → units
        ind.weight = Decimal::from_units(w);
        p.indicators.push_back(ind);

        cpp_rational r; // SPEC §4, capped at 1
        switch (ind.direction) {
        case Direction::ge: r = t == 0 ? 1 : cpp_rational(a, t); break;
        case Direction::le: r = a <= t ? cpp_rational(1) : t == 0 ? cpp_rational(0) : cpp_rational(t, a); break;
        default: r = t == 0 ? cpp_rational(a == 0 ? 1 : 0) : cpp_rational(a, t); break;
        }
        if (r > 1) r = 1;
        const cpp_rational weight(w, Decimal::one_units);
        weighted += weight * r;
        weights += weight;
        g.indicator_sum_rounded += round_half_up(weight * r, 2);
    }
    g.completion = weighted / weights;
    g.exact_total = 10 * (g.exec_rate > 1 ? cpp_rational(1) : g.exec_rate) + weighted;
    return g;
}

} // namespace

TEST_CASE("number: property — every aggregate and expression result equals an independent exact computation") {
    std::mt19937_64 rng(20261130);
    const RuleSet& national = national_rules().only();
    RuleSet once = national;
    once.evaluation.rounding.apply = RoundApply::total_only;

    // The expressions a county writes on these values (SPEC §5's deviation, and more).
    const expr::Schema& schema = custom::schema();
    const SourceLocation here{"test", 1, 1};
    const expr::CompiledExpr deviation = expr::compile("abs(exec_rate - completion)", schema, here);
    const expr::CompiledExpr warn = expr::compile("abs(exec_rate - completion) > 20%", schema, here);
    const expr::CompiledExpr rounded = expr::compile("round(completion * 100, 4)", schema, here);
    const expr::CompiledExpr money = expr::compile("budget * completion - spent * exec_rate / 3", schema, here);
    const auto slot = [&](const char* name) { return *schema.find(name); };
    std::vector<expr::Value> values(schema.size());

    int wide = 0;
    for (int k = 0; k < 300; ++k) {
        const Generated g = generate(rng);
        CAPTURE(k);
        // The stage: rounded per part, and total_only (the exact sum rounded once).
        const ProjectResult r = evaluate(g.project, national);
        CHECK(rational_of(r.indicator_score) == g.indicator_sum_rounded);
        const ProjectResult exact = evaluate(g.project, once);
        CHECK(rational_of(exact.total) == round_half_up(g.exact_total, 2));
        CHECK(exact.total <= Decimal::whole(100));

        // The completion aggregate, summed one indicator at a time as the streaming path does.
        CustomAccumulator acc;
        RuleSet reads = national;
        reads.custom.reads = ~std::uint32_t{0};
        for (const IndicatorResult& ir : r.indicators) acc.add(ir, reads);
        const Number completion = acc.completion.over(r.weight_total);
        wide += completion.is_big();
        REQUIRE(rational_of(completion) == g.completion);

        values[slot("exec_rate")] = expr::Value::number(r.exec_rate);
        values[slot("completion")] = expr::Value::number(completion);
        values[slot("budget")] = expr::Value::number(g.project.budget);
        values[slot("spent")] = expr::Value::number(g.project.spent);
        const cpp_rational dev = abs(g.exec_rate - g.completion);
        CHECK(rational_of(expr::evaluate(deviation, values).as_number()) == dev);
        CHECK(expr::evaluate(warn, values).as_bool() == (dev > cpp_rational(1, 5)));
        CHECK(rational_of(expr::evaluate(rounded, values).as_number()) == round_half_up(g.completion * 100, 4));
        const cpp_rational m = cpp_rational(g.project.budget.fen(), 100) * g.completion -
                               cpp_rational(g.project.spent.fen(), 100) * g.exec_rate / 3;
        CHECK(rational_of(expr::evaluate(money, values).as_number()) == m);
    }
    // The test means something only if many projects needed more than 128 bits.
    CHECK(wide > 100);
}
