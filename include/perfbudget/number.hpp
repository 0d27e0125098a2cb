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
//     numbers are inline and never allocate;
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

/// The operations on two small numbers, without exceptions: false when the
/// result would overflow 128 bits (the caller then takes the slow path).
inline bool mul128(int128_native a, int128_native b, int128_native& out) {
    if (a == static_cast<std::int64_t>(a) && b == static_cast<std::int64_t>(b)) {
        out = a * b; // two 64-bit values: cannot overflow 128 bits
        return true;
    }
    return !__builtin_mul_overflow(a, b, &out);
}

inline bool try_add(const Fraction& a, const Fraction& b, bool subtract, Fraction& out) {
    const int128_native an = a.num().native(), ad = a.den().native(), bn = b.num().native(), bd = b.den().native();
    int128_native l, r, n, d;
    if (ad == bd) {
        l = an;
        r = bn;
        d = ad;
    } else if (!mul128(an, bd, l) || !mul128(bn, ad, r) || !mul128(ad, bd, d)) {
        return false;
    }
    if (subtract ? __builtin_sub_overflow(l, r, &n) : __builtin_add_overflow(l, r, &n)) return false;
    out = Fraction(wide::from_native(n), wide::from_native(d));
    return true;
}

inline bool try_mul(const Fraction& a, const Fraction& b, Fraction& out) {
    int128_native n, d;
    if (!mul128(a.num().native(), b.num().native(), n) || !mul128(a.den().native(), b.den().native(), d)) return false;
    out = Fraction(wide::from_native(n), wide::from_native(d));
    return true;
}

/// -1, 0, 1 as a <, ==, > b; false when a cross product overflows.
inline bool try_compare(const Fraction& a, const Fraction& b, int& out) {
    int128_native l, r;
    if (!mul128(a.num().native(), b.den().native(), l) || !mul128(b.num().native(), a.den().native(), r)) return false;
    out = l < r ? -1 : l > r ? 1 : 0;
    return true;
}

/// The slow paths (src/number.cpp): operands in lowest terms, then arbitrary precision.
enum class NumberOp : std::uint8_t { add, sub, mul, div };
[[gnu::cold]] Number number_slow(const Number& a, const Number& b, NumberOp op);
[[gnu::cold]] int compare_slow(const Number& a, const Number& b);
[[gnu::cold]] int big_sign(const Number& a);
[[gnu::cold]] Number big_negate(const Number& a);

} // namespace detail

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

inline Number operator+(const Number& a, const Number& b) {
    Fraction r;
    if (!a.is_big() && !b.is_big() && detail::try_add(a.small_, b.small_, false, r)) return r;
    return detail::number_slow(a, b, detail::NumberOp::add);
}
inline Number operator-(const Number& a, const Number& b) {
    Fraction r;
    if (!a.is_big() && !b.is_big() && detail::try_add(a.small_, b.small_, true, r)) return r;
    return detail::number_slow(a, b, detail::NumberOp::sub);
}
inline Number operator*(const Number& a, const Number& b) {
    Fraction r;
    if (!a.is_big() && !b.is_big() && detail::try_mul(a.small_, b.small_, r)) return r;
    return detail::number_slow(a, b, detail::NumberOp::mul);
}
inline Number operator/(const Number& a, const Number& b) {
    if (!a.is_big() && !b.is_big()) {
        if (b.small_.num() == 0) detail::arithmetic_error("division by zero", "除数为零");
        // a/b = (an × bd) / (ad × bn)
        const Fraction inverse(b.small_.den(), b.small_.num());
        Fraction r;
        if (detail::try_mul(a.small_, inverse, r)) return r;
    }
    return detail::number_slow(a, b, detail::NumberOp::div);
}
inline Number& Number::operator+=(const Number& b) { return *this = *this + b; }

inline std::strong_ordering operator<=>(const Number& a, const Number& b) {
    int o;
    if (a.is_big() || b.is_big() || !detail::try_compare(a.small_, b.small_, o)) o = detail::compare_slow(a, b);
    return o < 0 ? std::strong_ordering::less : o > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}


} // namespace perfbudget
