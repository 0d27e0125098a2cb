// perfbudget/number.hpp — Number: an exact rational of any size.
//
// Fraction (decimal.hpp) is bounded to 128 bits on purpose: one indicator's
// ratio always fits. What is summed or computed from many values does not: the
// overall completion Σ(weight × rc) / Σ weight of a project with unrelated
// targets has a denominator up to the product of the targets, so no fixed width
// holds it. Number is what sums, aggregates and rule expressions compute with:
//
//   * small: a Fraction (checked 128-bit numerator and denominator, not kept in
//     lowest terms), the case of nearly every value; operations on small
//     numbers never allocate;
//   * big:   when an operation would overflow 128 bits it is redone on its
//     operands in lowest terms and, when those overflow too, the result moves to
//     an arbitrary-precision rational (Boost.Multiprecision, kept inside the
//     library: this header does not include Boost). Big values are immutable and
//     shared, so copying a Number never copies digits.
//
// Every operation is exact, whatever the size: there is no overflow error for a
// sum, a product, a comparison or a rounding. Only leaving a *bounded* type
// fails (to_decimal(), to_money(), rounded() beyond Decimal's range), with an
// ArithmeticError.
#pragma once

#include "perfbudget/decimal.hpp"

#include <compare>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace perfbudget {

namespace detail {
struct BigRational; // src/number.cpp: arbitrary-precision numerator and denominator
} // namespace detail

class Number {
public:
    Number() = default; // 0
    Number(const Fraction& f) : small_(f) {} // NOLINT: every Fraction is a Number
    static Number of(Decimal d) { return Fraction::of(d); }
    static Number of(Money m) { return Fraction(m.fen(), 100); }
    static Number integer(std::int64_t n) { return Fraction::integer(n); }
    /// num/den of two unsigned 128-bit values (den > 0), e.g. a sum kept in native integers.
    static Number ratio(detail::uint128_native num, detail::uint128_native den);

    /// True once the value needed more than 128 bits (it may fit again later: see normalised()).
    bool is_big() const { return big_ != nullptr; }
    /// The value as a Fraction; only when !is_big().
    const Fraction& small() const { return small_; }

    /// -1, 0 or 1.
    int sign() const;
    bool is_zero() const { return sign() == 0; }

    friend Number operator+(const Number& a, const Number& b);
    friend Number operator-(const Number& a, const Number& b);
    friend Number operator*(const Number& a, const Number& b);
    /// Throws ArithmeticError when b is 0.
    friend Number operator/(const Number& a, const Number& b);
    Number operator-() const;
    friend Number abs(const Number& a) { return a.sign() < 0 ? -a : a; }
    Number& operator+=(const Number& b);

    friend std::strong_ordering operator<=>(const Number& a, const Number& b);
    friend bool operator==(const Number& a, const Number& b) { return (a <=> b) == 0; }

    /// The value rounded to `digits` decimals (0..18), still exact and unbounded.
    Number round_to(int digits, RoundingMode mode) const;
    /// The value rounded to `digits` decimals (0..6) as a Decimal; throws
    /// ArithmeticError when the result is beyond Decimal's range.
    Decimal rounded(int digits, RoundingMode mode) const;
    /// The value as a Decimal when it has at most 6 decimals and is in range, else nothing.
    std::optional<Decimal> exact_decimal() const;
    /// The value as Money when it is a whole number of fen within ±10^15 yuan, else nothing.
    std::optional<Money> exact_money() const;

    /// Shortest exact text: "0.2", "8.63", "-3"; "1/3" (lowest terms) when the
    /// decimal expansion does not end.
    std::string to_string() const;

private:
    explicit Number(std::shared_ptr<const detail::BigRational> big) : big_(std::move(big)) {}
    friend struct detail::BigRational;

    Fraction small_;                                // the value when big_ is null
    std::shared_ptr<const detail::BigRational> big_; // the value when it needed more than 128 bits
};

namespace detail {
[[gnu::cold]] int big_sign(const Number& a);
[[gnu::cold]] Number big_negate(const Number& a);
} // namespace detail

// The arithmetic operators and the comparison are compiled in the library
// (src/number.cpp); its engine inlines their 128-bit fast paths from the internal
// src/number_fast.hpp, which no consumer's include reaches.

inline int Number::sign() const {
    if (big_) return detail::big_sign(*this);
    const auto n = small_.num().native(); // the denominator is positive
    return (n > 0) - (n < 0);
}
inline Number Number::operator-() const {
    const auto n = small_.num().native();
    constexpr auto min128 = static_cast<detail::int128_native>(static_cast<detail::uint128_native>(1) << 127);
    if (big_ || n == min128) return detail::big_negate(*this); // −min128 needs 129 bits
    return Fraction(detail::wide::from_native(-n), small_.den());
}

} // namespace perfbudget
