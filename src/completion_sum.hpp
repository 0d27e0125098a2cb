// src/completion_sum.hpp — detail::CompletionSum: the exact Σ weight × rc
// of a project's indicators in 128 bits, and the 128-bit helpers it needs.
// INTERNAL to the library's accumulators (CustomAccumulator in src/evaluate_engine.hpp,
// MonitorAccumulator in monitor.hpp, which holds one); not for use by programs.
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/number.hpp"
#include "number_sum.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>

namespace perfbudget {

namespace detail {

// --- exact Σ weight × rc without a gcd per term (the `completion` custom slot) ----

using uint128 = uint128_native;

inline int countr_zero(uint128 v) {
    const auto low = static_cast<std::uint64_t>(v);
    return low != 0 ? std::countr_zero(low) : 64 + std::countr_zero(static_cast<std::uint64_t>(v >> 64));
}

/// m⁻¹ modulo 2^bits for odd m (Newton's iteration doubles the correct bits each step).
template <class U>
constexpr U odd_inverse(U m) {
    U x = m; // correct to 3 bits
    for (int i = 0; i < 7; ++i) x *= U(2) - m * x;
    return x;
}

/// Divides a and b by the odd m when it divides both. For odd m, x is a multiple of
/// m exactly when x × m⁻¹ (mod 2^bits) ≤ max / m, and that product is then x / m:
/// two multiplications instead of two divisions, and a select instead of a branch
/// (whether a term has 5^k in common is data, and mispredicted branches cost more
/// than the multiplications).
template <class U, U m>
inline void divide_both(U& a, U& b) {
    constexpr U inv = odd_inverse(m);
    constexpr U limit = std::numeric_limits<U>::max() / m;
    const U x = a * inv, y = b * inv;
    const bool both = (x <= limit) & (y <= limit);
    a = both ? x : a;
    b = both ? y : b;
}

/// Removes the factors 2 and up to 5^11 common to a and b (b > 0). Indicator
/// values are decimals, so a ratio such as 93.45% / 95% arrives as 934500 / 950000:
/// 10^4 in both terms. Without these factors a project's denominators multiply to
/// well within 128 bits (measured: all but 34 of 100,000 generated projects); with
/// them three or four already overflow. Far cheaper than a gcd; a factor left in
/// place only makes the fraction larger, never inexact.
template <class U>
inline void strip_2_5(U& a, U& b) {
    int twos;
    if constexpr (sizeof(U) == 8) twos = std::countr_zero(a | b);
    else twos = countr_zero(a | b);
    a >>= twos;
    b >>= twos;
    divide_both<U, 625>(a, b); // 5^k for every k ≤ 11 = 4 + 4 + 2 + 1
    divide_both<U, 625>(a, b);
    divide_both<U, 25>(a, b);
    divide_both<U, 5>(a, b);
}

/// a × b; false when it overflows.
inline bool mul(uint128 a, uint128 b, uint128& out) {
    if ((a >> 64) == 0 && (b >> 64) == 0) {
        out = a * b;
        return true;
    }
    return !__builtin_mul_overflow(a, b, &out);
}

/// Σ weight × rc over a project's indicators, exact. Kept as one unreduced
/// fraction num/den in 128 bits: a term whose denominator (after strip_2_5) is
/// already den's adds to num; otherwise den is multiplied by it. No gcd: reducing
/// each term cost more than scoring the indicator. When a term would overflow 128
/// bits the sum moves, for good, to a NumberSum (number.hpp: arbitrary
/// precision, rare: a project of many unrelated targets).
class CompletionSum {
public:
    CompletionSum() = default;
    CompletionSum(CompletionSum&&) noexcept = default;
    CompletionSum& operator=(CompletionSum&&) noexcept = default;

    /// Adds weight × rc; weight ≥ 0 and rc ≥ 0 (score_indicator guarantees both).
    void add(Decimal weight, const Fraction& rc) {
        const int128_native rn = rc.num().native(), rd = rc.den().native();
        const std::int64_t w = weight.units();
        if (rn <= 0 || w <= 0) return; // adds nothing
        // Ratios of two indicator values fit 64 bits; 128-bit ones (after an
        // over-completion deduction) and the exact mode take the slower path.
        if (wide_ || (rn >> 63) != 0 || (rd >> 63) != 0) return add_slow(weight, rc);
        auto n = static_cast<std::uint64_t>(rn), d = static_cast<std::uint64_t>(rd);
        if (n == d) n = d = 1; // rc = 1: every met target (half of them, in generated data)
        else strip_2_5(n, d);
        add_term(static_cast<uint128>(w) * n, d, weight, rc); // w × n < 2^126
    }

    /// The sum divided by `total` (> 0), exact. Defined in src/custom.cpp.
    Number over(Decimal total) const;

private:
    /// num/den + term/d = (num × d + term × den) / (den × d), or num + term when
    /// the denominators agree; the exact mode when 128 bits do not suffice.
    void add_term(uint128 term, uint128 d, Decimal weight, const Fraction& rc) {
        uint128 num = get(num_), den = get(den_), a, b;
        if (d == den) {
            if (__builtin_add_overflow(num, term, &a)) return add_exact(weight, rc);
            put(num_, a);
            return;
        }
        if (!mul(num, d, a) || !mul(term, den, b) || !mul(den, d, den) || __builtin_add_overflow(a, b, &a))
            return add_exact(weight, rc);
        put(num_, a);
        put(den_, den);
    }
    void add_slow(Decimal weight, const Fraction& rc);  // src/custom.cpp
    void add_exact(Decimal weight, const Fraction& rc); // src/custom.cpp

    // Kept as 64-bit halves: GCC copies a stored __int128 with one 16-byte load,
    // which stalls on the two 8-byte stores that wrote it (measured: a fifth of
    // the time of add()).
    using halves = std::array<std::uint64_t, 2>;
    static uint128 get(const halves& h) { return static_cast<uint128>(h[1]) << 64 | h[0]; }
    static void put(halves& h, uint128 v) { h = {static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(v >> 64)}; }

    halves num_{0, 0};
    halves den_{1, 0};
    // The sum in weight units once 128 bits did not suffice. A pointer: the
    // streaming path keeps one CompletionSum per project, and a NumberSum in
    // place would add 100 bytes to each of them (160 MB for 1M projects).
    std::unique_ptr<NumberSum> wide_;
};

} // namespace detail

} // namespace perfbudget
