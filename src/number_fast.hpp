// src/number_fast.hpp — Number's 128-bit fast paths, inline, for the library's hot
// code (the rule-expression evaluator, the sums). INTERNAL: not installed. The
// public operators of number.hpp are these same functions compiled once in
// src/number.cpp, so a consumer's include sees no 128-bit arithmetic.
#pragma once

#include "perfbudget/number.hpp"

#include <compare>
#include <cstdint>

namespace perfbudget::detail {

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

/// a + b, a − b, a × b, a ÷ b and the comparison, exactly as the public operators.
inline Number number_add(const Number& a, const Number& b) {
    Fraction r;
    if (!a.is_big() && !b.is_big() && try_add(a.small(), b.small(), false, r)) return r;
    return number_slow(a, b, NumberOp::add);
}
inline Number number_sub(const Number& a, const Number& b) {
    Fraction r;
    if (!a.is_big() && !b.is_big() && try_add(a.small(), b.small(), true, r)) return r;
    return number_slow(a, b, NumberOp::sub);
}
inline Number number_mul(const Number& a, const Number& b) {
    Fraction r;
    if (!a.is_big() && !b.is_big() && try_mul(a.small(), b.small(), r)) return r;
    return number_slow(a, b, NumberOp::mul);
}
inline Number number_div(const Number& a, const Number& b) {
    if (!a.is_big() && !b.is_big()) {
        if (b.small().num() == 0) arithmetic_error("division by zero", "除数为零");
        // a/b = (an × bd) / (ad × bn)
        const Fraction inverse(b.small().den(), b.small().num());
        Fraction r;
        if (try_mul(a.small(), inverse, r)) return r;
    }
    return number_slow(a, b, NumberOp::div);
}
inline int number_compare(const Number& a, const Number& b) {
    int o;
    if (a.is_big() || b.is_big() || !try_compare(a.small(), b.small(), o)) o = compare_slow(a, b);
    return o;
}

} // namespace perfbudget::detail
