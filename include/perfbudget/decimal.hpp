// perfbudget/decimal.hpp — exact numbers: Decimal, Money, Fraction and rounding.
//
// Every computed result in perfbudget is one of these three types; there is no
// binary floating point anywhere. Why three:
//   * Money    — yuan with exactly 2 decimals (fen), int64 mantissa, |x| <= 10^15 yuan.
//   * Decimal  — scores, weights, rates and indicator values, 6 decimals, int64 mantissa.
//   * Fraction — an exact ratio (spent/budget, actual/target, weight x ratio) kept
//                unrounded until the one place a rule says to round it.
// Intermediate products use a checked 128-bit integer, so an overflow throws
// instead of wrapping. Fraction is bounded on purpose: the scoring path divides
// two indicator values, which always fits. Sums and expressions, which can grow
// without bound, use Number (number.hpp), which widens to arbitrary precision.
// Rounding happens once, from the exact value: 9 x 92/96 = 8.625 exactly, so it
// rounds half-up to 8.63.
#pragma once

#include "perfbudget/error.hpp"

#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace perfbudget {

/// Thrown when an exact computation leaves the representable range (never wraps):
/// an amount beyond ±10^15 yuan, a score beyond Decimal's range, a division by
/// zero, or a number that is not exactly a Decimal or Money where one is needed.
/// A perfbudget::Error like every other failure, with a message in zh and en.
class ArithmeticError : public Error {
public:
    ArithmeticError(std::string en, std::string zh) : Error(SourceLocation{}, std::move(en), std::move(zh)) {}
};

/// How a value is rounded to a number of decimals. 四舍五入 is `half_up`
/// (ties away from zero), the national default; `half_even` is GB/T 8170's
/// 四舍六入五成双; `down` truncates toward zero.
enum class RoundingMode : std::uint8_t { half_up, half_even, down };

namespace detail {

/// Out of line so the checked operations stay small enough to inline.
[[noreturn, gnu::cold, gnu::noinline]] inline void arithmetic_error(const char* en, const char* zh) {
    throw ArithmeticError(en, zh);
}

__extension__ typedef __int128 int128_native;
__extension__ typedef unsigned __int128 uint128_native;

/// A checked signed 128-bit integer for intermediate products. Every +, − and ×
/// is checked with the compiler's overflow builtins and throws ArithmeticError
/// instead of wrapping. (Boost's checked_int128_t does the same but measured
/// 2.5× slower on the scoring path; see docs/decisions.md.)
class wide {
public:
    constexpr wide() = default;
    constexpr wide(std::int64_t v) : v_(v) {} // NOLINT: implicit, like an integer
    constexpr wide(int v) : v_(v) {}           // NOLINT
    static constexpr wide from_native(int128_native v) {
        wide w;
        w.v_ = v;
        return w;
    }
    constexpr int128_native native() const { return v_; }

    friend wide operator+(wide a, wide b) {
        int128_native r;
        if (__builtin_add_overflow(a.v_, b.v_, &r)) arithmetic_error("overflow in addition", "加法溢出");
        return from_native(r);
    }
    friend wide operator-(wide a, wide b) {
        int128_native r;
        if (__builtin_sub_overflow(a.v_, b.v_, &r)) arithmetic_error("overflow in subtraction", "减法溢出");
        return from_native(r);
    }
    // The scoring path mostly multiplies and divides values that fit in 64 bits:
    // those take the cheap native instructions, which cannot overflow 128 bits.
    friend wide operator*(wide a, wide b) {
        if (a.fits64() && b.fits64()) return from_native(a.v_ * b.v_);
        int128_native r;
        if (__builtin_mul_overflow(a.v_, b.v_, &r)) arithmetic_error("overflow in multiplication", "乘法溢出");
        return from_native(r);
    }
    friend wide operator/(wide a, wide b) {
        if (b.v_ == 0) arithmetic_error("division by zero", "除数为零");
        if (b.v_ == -1) return wide() - a; // checked: −min overflows
        if (a.fits64() && b.fits64() && a.v_ != INT64_MIN)
            return wide(static_cast<std::int64_t>(a.v_) / static_cast<std::int64_t>(b.v_));
        return from_native(a.v_ / b.v_);
    }
    friend wide operator%(wide a, wide b) {
        if (b.v_ == 0) arithmetic_error("division by zero", "除数为零");
        if (b.v_ == -1) return wide();
        if (a.fits64() && b.fits64() && a.v_ != INT64_MIN)
            return wide(static_cast<std::int64_t>(a.v_) % static_cast<std::int64_t>(b.v_));
        return from_native(a.v_ % b.v_);
    }
    wide operator-() const { return wide() - *this; }
    wide& operator++() { return *this = *this + wide(1); }
    friend constexpr bool operator==(wide a, wide b) { return a.v_ == b.v_; }
    friend constexpr auto operator<=>(wide a, wide b) { return a.v_ <=> b.v_; }
    friend constexpr wide operator&(wide a, wide b) { return from_native(a.v_ & b.v_); }

    /// Decimal digits, for explanations.
    std::string str() const {
        if (v_ == 0) return "0";
        const bool negative = v_ < 0;
        uint128_native a = negative ? static_cast<uint128_native>(0) - static_cast<uint128_native>(v_)
                                       : static_cast<uint128_native>(v_);
        std::string s;
        while (a) {
            s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(a % 10)));
            a /= 10;
        }
        return negative ? "-" + s : s;
    }

private:
    constexpr bool fits64() const { return v_ == static_cast<std::int64_t>(v_); }
    int128_native v_ = 0;
};

inline constexpr std::int64_t pow10[] = {1,
                                         10,
                                         100,
                                         1000,
                                         10000,
                                         100000,
                                         1000000,
                                         10000000,
                                         100000000,
                                         1000000000,
                                         10000000000,
                                         100000000000,
                                         1000000000000,
                                         10000000000000,
                                         100000000000000,
                                         1000000000000000,
                                         10000000000000000,
                                         100000000000000000,
                                         1000000000000000000};

/// The common case of round_div: 0 ≤ num, 0 < den, both below 2^64.
inline std::uint64_t round_div_u64(std::uint64_t num, std::uint64_t den, RoundingMode mode) {
    std::uint64_t q = num / den;
    const std::uint64_t r = num - q * den;
    const std::uint64_t half_gap = den - r; // r * 2 >= den  ⇔  r >= den − r
    switch (mode) {
    case RoundingMode::half_up: q += r >= half_gap; break;
    case RoundingMode::half_even: q += r > half_gap || (r == half_gap && (q & 1)); break;
    case RoundingMode::down: break;
    }
    return q;
}

/// round_div for 0 ≤ num and 0 < den as native unsigned 128-bit values.
inline uint128_native round_div_u128(uint128_native num, uint128_native den, RoundingMode mode) {
    if ((num >> 64) == 0 && (den >> 64) == 0)
        return round_div_u64(static_cast<std::uint64_t>(num), static_cast<std::uint64_t>(den), mode);
    uint128_native q = num / den;
    const uint128_native r = num - q * den;
    const uint128_native half_gap = den - r;
    switch (mode) {
    case RoundingMode::half_up: q += r >= half_gap; break;
    case RoundingMode::half_even: q += r > half_gap || (r == half_gap && (q & 1)); break;
    case RoundingMode::down: break;
    }
    return q;
}

/// num/den rounded to an integer with `mode`; den must be non-zero. `I` is the
/// checked 128-bit type here, or an arbitrary-precision integer inside Number.
template <class I = wide>
I round_div(I num, I den, RoundingMode mode) {
    if constexpr (std::is_same_v<I, wide>) {
        const auto n = num.native(), d = den.native();
        if (n >= 0 && d > 0 && (n >> 64) == 0 && (d >> 64) == 0)
            return wide::from_native(static_cast<int128_native>(
                round_div_u64(static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(d), mode)));
    }
    if (den == 0) arithmetic_error("division by zero", "除数为零");
    if (den < 0) {
        num = -num;
        den = -den;
    }
    const bool negative = num < 0;
    const I a = negative ? I(-num) : num;
    I q = a / den;
    const I r = a - q * den;
    switch (mode) {
    case RoundingMode::half_up:
        if (r * 2 >= den) ++q;
        break;
    case RoundingMode::half_even:
        if (r * 2 > den || (r * 2 == den && (q & I(1)) != I(0))) ++q;
        break;
    case RoundingMode::down:
        break;
    }
    return negative ? I(-q) : q;
}

/// Rounding to Decimal keeps at most Decimal's 6 places.
inline void check_digits(int digits) {
    if (digits < 0 || digits > 6) throw Error(SourceLocation{}, "digits must be 0 to 6", "小数位数应为 0 至 6");
}

inline std::int64_t narrow(wide v) {
    if (v > wide(INT64_MAX) || v < wide(INT64_MIN)) arithmetic_error("value out of range", "数值超出范围");
    return static_cast<std::int64_t>(v.native());
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b) {
    std::int64_t r;
    if (__builtin_add_overflow(a, b, &r)) arithmetic_error("overflow in addition", "加法溢出");
    return r;
}
inline std::int64_t checked_sub(std::int64_t a, std::int64_t b) {
    std::int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) arithmetic_error("overflow in subtraction", "减法溢出");
    return r;
}

/// Writes `units / 10^scale` with exactly `digits` decimals (digits <= scale,
/// value already rounded to that many decimals by the caller).
inline std::string format_scaled(std::int64_t units, int scale, int digits) {
    const bool negative = units < 0;
    // Work in unsigned to print INT64_MIN safely.
    std::uint64_t a = negative ? 0 - static_cast<std::uint64_t>(units) : static_cast<std::uint64_t>(units);
    a /= static_cast<std::uint64_t>(pow10[scale - digits]);
    const auto p = static_cast<std::uint64_t>(pow10[digits]);
    std::string out = negative ? "-" : "";
    out += std::to_string(a / p);
    if (digits > 0) {
        std::string frac = std::to_string(a % p);
        out += '.';
        out.append(static_cast<std::size_t>(digits) - frac.size(), '0');
        out += frac;
    }
    return out;
}

} // namespace detail

class Fraction;

/// An exact decimal with 6 fractional digits: scores, weights, rates, indicator values.
class Decimal {
public:
    static constexpr int scale = 6;
    static constexpr std::int64_t one_units = 1'000'000;

    constexpr Decimal() = default;
    /// From raw units of 10^-6: Decimal::from_units(1'500'000) is 1.5.
    static constexpr Decimal from_units(std::int64_t units) {
        Decimal d;
        d.units_ = units;
        return d;
    }
    /// A whole number: Decimal::whole(90) is 90.
    static Decimal whole(std::int64_t n) {
        std::int64_t u;
        if (__builtin_mul_overflow(n, one_units, &u)) detail::arithmetic_error("overflow in decimal", "小数溢出");
        return from_units(u);
    }
    constexpr std::int64_t units() const { return units_; }
    /// "98.5", "95%", "-2" → the exact value; throws perfbudget::Error on any other text
    /// (parse_decimal() reports instead of throwing).
    static Decimal parse(std::string_view text);

    friend constexpr auto operator<=>(Decimal, Decimal) = default;
    friend Decimal operator+(Decimal a, Decimal b) { return from_units(detail::checked_add(a.units_, b.units_)); }
    friend Decimal operator-(Decimal a, Decimal b) { return from_units(detail::checked_sub(a.units_, b.units_)); }
    Decimal& operator+=(Decimal b) { return *this = *this + b; }
    Decimal& operator-=(Decimal b) { return *this = *this - b; }

    /// This value rounded to `digits` decimals (0..6).
    Decimal rounded(int digits, RoundingMode mode) const {
        detail::check_digits(digits);
        const std::int64_t step = detail::pow10[scale - digits];
        return from_units(detail::narrow(detail::round_div<detail::wide>(units_, step, mode) * step));
    }
    /// Text with exactly `digits` decimals, rounded with `mode` first.
    std::string to_string(int digits, RoundingMode mode = RoundingMode::half_up) const {
        return detail::format_scaled(rounded(digits, mode).units_, scale, digits);
    }
    /// Shortest exact text: 1.5, 20, 0.812346.
    std::string to_string() const {
        std::string s = detail::format_scaled(units_, scale, scale);
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
        return s;
    }

private:
    std::int64_t units_ = 0;
};

/// Yuan with exactly two decimals (分), range ±10^15 yuan. Distinct from Decimal
/// on purpose: a score cannot be added to an amount of money.
class Money {
public:
    static constexpr int scale = 2;
    static constexpr std::int64_t max_fen = 100'000'000'000'000'000; // 10^15 yuan

    constexpr Money() = default;
    static constexpr Money from_fen(std::int64_t fen) {
        if (fen > max_fen || fen < -max_fen) detail::arithmetic_error("amount beyond ±10^15 yuan", "金额超出 ±10^15 元");
        Money m;
        m.fen_ = fen;
        return m;
    }
    constexpr std::int64_t fen() const { return fen_; }
    /// "812345.67" → the amount; throws perfbudget::Error on any other text
    /// (parse_money() reports instead of throwing).
    static Money parse(std::string_view text);
    /// The same, named for reading: Money::yuan("812345.67"). Throws perfbudget::Error
    /// on "1,000.00", "12.345", "" or any other text that is not a plain amount.
    static Money yuan(std::string_view text) { return parse(text); }
    /// Whole yuan: Money::yuan(1'000'000) is 1000000.00. Throws ArithmeticError beyond ±10^15 yuan.
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
    static Money yuan(I whole) {
        std::int64_t fen;
        if (__builtin_mul_overflow(whole, 100, &fen)) detail::arithmetic_error("amount beyond ±10^15 yuan", "金额超出 ±10^15 元");
        return from_fen(fen);
    }

    friend constexpr auto operator<=>(Money, Money) = default;
    friend Money operator+(Money a, Money b) { return from_fen(detail::checked_add(a.fen_, b.fen_)); }
    friend Money operator-(Money a, Money b) { return from_fen(detail::checked_sub(a.fen_, b.fen_)); }
    Money& operator+=(Money b) { return *this = *this + b; }

    /// Amount x rate, rounded to the fen once, from the exact product.
    Money times(Decimal rate, RoundingMode mode = RoundingMode::half_up) const {
        return from_fen(detail::narrow(detail::round_div<detail::wide>(detail::wide(fen_) * rate.units(), Decimal::one_units, mode)));
    }
    std::string to_string() const { return detail::format_scaled(fen_, scale, scale); }

private:
    std::int64_t fen_ = 0;
};

/// An exact non-normalised ratio num/den with den > 0. Kept unrounded until a rule rounds it.
class Fraction {
public:
    using wide = detail::wide;

    Fraction() = default;
    Fraction(wide num, wide den) : num_(num), den_(den) {
        if (den_ == 0) detail::arithmetic_error("division by zero", "除数为零");
        if (den_ < 0) {
            num_ = -num_;
            den_ = -den_;
        }
    }
    /// num/den where den is known to be positive: no check, no normalisation.
    static Fraction positive(std::int64_t num, std::int64_t den) {
        Fraction f;
        f.num_ = num;
        f.den_ = den;
        return f;
    }
    static Fraction of(Decimal a, Decimal b) { return {a.units(), b.units()}; }
    static Fraction of(Money a, Money b) { return {a.fen(), b.fen()}; }
    static Fraction of(Decimal d) { return positive(d.units(), Decimal::one_units); }
    static Fraction integer(std::int64_t n) { return positive(n, 1); }
    static Fraction zero() { return integer(0); }
    static Fraction one() { return integer(1); }

    wide num() const { return num_; }
    wide den() const { return den_; }

    friend std::strong_ordering operator<=>(const Fraction& a, const Fraction& b) {
        const wide l = a.num_ * b.den_, r = b.num_ * a.den_;
        return l < r ? std::strong_ordering::less : l > r ? std::strong_ordering::greater : std::strong_ordering::equal;
    }
    friend bool operator==(const Fraction& a, const Fraction& b) { return (a <=> b) == 0; }

    friend Fraction operator*(const Fraction& a, const Fraction& b) { return {a.num_ * b.num_, a.den_ * b.den_}; }
    friend Fraction operator*(Decimal d, const Fraction& f) { return {f.num_ * d.units(), f.den_ * Decimal::one_units}; }
    friend Fraction operator-(const Fraction& a, const Fraction& b) {
        if (a.den_ == b.den_) return {a.num_ - b.num_, a.den_};
        return {a.num_ * b.den_ - b.num_ * a.den_, a.den_ * b.den_};
    }
    friend Fraction operator+(const Fraction& a, const Fraction& b) {
        if (a.den_ == b.den_) return {a.num_ + b.num_, a.den_};
        return {a.num_ * b.den_ + b.num_ * a.den_, a.den_ * b.den_};
    }

    /// The value rounded to `digits` decimals (0..6) as a Decimal.
    Decimal rounded(int digits, RoundingMode mode) const {
        detail::check_digits(digits);
        const wide q = detail::round_div<wide>(num_ * detail::pow10[digits], den_, mode);
        return Decimal::from_units(detail::narrow(q * detail::pow10[Decimal::scale - digits]));
    }
    /// round(d × this) to `digits` decimals, from the exact product. This is the
    /// scoring hot path (weight × ratio), so the common case, everything
    /// non-negative and within 64 bits, is inlined into the caller and is one
    /// native 64-bit division (none for a ratio of exactly 1):
    ///   units = round(d_units × num / (den × 10^(6 − digits))) × 10^(6 − digits).
    [[gnu::always_inline]] Decimal times_rounded(Decimal d, int digits, RoundingMode mode) const {
        detail::check_digits(digits);
        // Two decimals is the national rule and the common case: a constant step
        // lets the compiler turn the divisibility test into a multiplication.
        if (digits == 2) return times_rounded_step(d, mode, 10'000);
        return times_rounded_step(d, mode, static_cast<std::uint64_t>(detail::pow10[Decimal::scale - digits]));
    }
    /// Text with `digits` decimals, for explanations: "0.8333".
    std::string to_string(int digits, RoundingMode mode = RoundingMode::half_up) const {
        return rounded(digits, mode).to_string(digits, mode);
    }
    /// True when the decimal expansion is longer than `digits` (explanations add "…").
    bool inexact_at(int digits) const { return (num_ * detail::pow10[digits]) % den_ != 0; }

private:
    // d_units × num / den, rounded to a multiple of `step` units. When d is a
    // whole number of steps (a weight of 20 or 12.5 points at 2 decimals), the
    // step cancels and everything usually stays within 64 bits.
    [[gnu::always_inline]] Decimal times_rounded_step(Decimal d, RoundingMode mode, std::uint64_t step) const {
        const auto n = num_.native(), m = den_.native();
        if (d.units() >= 0 && n >= 0 && (n >> 63) == 0 && (m >> 63) == 0) {
            const auto w = static_cast<std::uint64_t>(d.units());
            std::uint64_t product, q;
            // A ratio of exactly 1 (a target met, capped at 1) needs no division.
            if (n == m && w % step == 0) return d;
            if (w % step == 0 && !__builtin_mul_overflow(w / step, static_cast<std::uint64_t>(n), &product) &&
                !__builtin_mul_overflow(detail::round_div_u64(product, static_cast<std::uint64_t>(m), mode), step, &q) &&
                q <= static_cast<std::uint64_t>(INT64_MAX))
                return Decimal::from_units(static_cast<std::int64_t>(q));
        }
        return times_rounded_wide(*this, d, mode, step);
    }
    // The rest of times_rounded: a weight that is not a whole number of steps, a
    // product past 64 bits, or a negative value. Out of line, so the common case
    // above inlines into the scoring loop with the fraction in registers.
    [[gnu::noinline]] static Decimal times_rounded_wide(Fraction f, Decimal d, RoundingMode mode, std::uint64_t step) {
        const auto n = f.num_.native(), m = f.den_.native();
        if (d.units() >= 0 && n >= 0 && (n >> 63) == 0 && (m >> 63) == 0) {
            using u128 = detail::uint128_native;
            const auto w = static_cast<std::uint64_t>(d.units());
            const u128 r = detail::round_div_u128(static_cast<u128>(w) * static_cast<u128>(n), static_cast<u128>(m) * step, mode);
            return Decimal::from_units(detail::narrow(wide::from_native(static_cast<detail::int128_native>(r * step))));
        }
        return (d * f).rounded(static_cast<int>(digits_of(step)), mode);
    }
    static int digits_of(std::uint64_t step) {
        int k = Decimal::scale;
        for (; step > 1; step /= 10) --k;
        return k;
    }

    wide num_ = 0;
    wide den_ = 1;
};

inline Fraction min(const Fraction& a, const Fraction& b) { return b < a ? b : a; }
inline Fraction max(const Fraction& a, const Fraction& b) { return b > a ? b : a; }

// ---------------------------------------------------------------------------
// Parsing. Plain decimals only: "1234567.89", "-3", "98%", "0.5". No exponent,
// no thousands separators, no hex, no leading '+'. Surrounding spaces are ignored.

/// Why a number did not parse; `ok()` when it did. [[nodiscard]]: a parse whose
/// result is not checked would leave its output at 0 (a budget written
/// "1,000.00" scored as 0). Decimal::parse and Money::parse throw instead.
struct [[nodiscard]] NumberError {
    const char* en = nullptr; // e.g. "a plain decimal number such as 1234.56"
    const char* zh = nullptr;
    constexpr bool ok() const { return en == nullptr; }
};

namespace detail {

/// Parses into units of 10^-scale. `allow_percent` accepts a trailing '%' (value / 100).
constexpr NumberError parse_scaled(std::string_view s, int scale, int max_decimals, bool allow_percent,
                                std::int64_t& out) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return {"a number, not an empty field", "应为数字，不能为空"};
    int shift = 0; // extra decimal places from '%'
    if (s.back() == '%') {
        if (!allow_percent) return {"a plain amount without '%'", "应为金额，不能带 %"};
        s.remove_suffix(1);
        shift = 2;
    }
    bool negative = false;
    if (!s.empty() && s.front() == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    // Out of range: the limit is stated (Decimal: |v| < 2^63 / 10^6; Money's own
    // ±10^15 yuan is checked by parse_money).
    const NumberError too_large = scale == 2 ? NumberError{"an amount within ±10^15 yuan", "金额超出 ±10^15 元"}
                                             : NumberError{"a number within ±9.2×10^12 (at most 9223372036854.775807)",
                                                           "数值超出范围（绝对值最大为 9223372036854.775807，约 9.2×10^12）"};
    const NumberError too_many_decimals =
        max_decimals == 2 ? NumberError{"at most 2 decimal places (yuan and fen)", "金额最多两位小数（元、角、分）"}
                          : NumberError{"at most 6 decimal places", "最多六位小数"};
    std::uint64_t mant = 0;
    int decimals = -1, digits = 0;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            if (decimals >= 0 && decimals + shift >= max_decimals) return too_many_decimals; // before it overflows
            if (mant > (UINT64_MAX - 9) / 10) return too_large;
            mant = mant * 10 + static_cast<unsigned>(c - '0');
            ++digits;
            if (decimals >= 0) ++decimals;
        } else if (c == '.' && decimals < 0) {
            decimals = 0;
        } else if (c == ',') {
            return {"a number without thousands separators (1234567.89, not 1,234,567.89)",
                    "数字不能含千位分隔符（应写 1234567.89）"};
        } else {
            return {"a plain decimal number such as 1234.56 or 95%", "应为普通小数，如 1234.56 或 95%"};
        }
    }
    if (digits == 0) return {"a plain decimal number such as 1234.56 or 95%", "应为普通小数，如 1234.56 或 95%"};
    if (decimals < 0) decimals = 0;
    if (decimals + shift > max_decimals) return too_many_decimals; // "5%" with max_decimals 0 and the like
    const int up = scale - decimals - shift;
    if (mant > static_cast<std::uint64_t>(INT64_MAX) / static_cast<std::uint64_t>(pow10[up])) return too_large;
    const auto v = static_cast<std::int64_t>(mant) * pow10[up];
    out = negative ? -v : v;
    return {};
}

} // namespace detail

/// Parses an indicator value, weight, rate or score ("98.5", "95%", "-2").
[[nodiscard]] inline NumberError parse_decimal(std::string_view s, Decimal& out, bool allow_percent = true) {
    std::int64_t u = 0;
    NumberError e = detail::parse_scaled(s, Decimal::scale, Decimal::scale, allow_percent, u);
    if (e.ok()) out = Decimal::from_units(u);
    return e;
}

/// Parses an amount in yuan with at most two decimals ("812345.67").
[[nodiscard]] inline NumberError parse_money(std::string_view s, Money& out) {
    std::int64_t fen = 0;
    NumberError e = detail::parse_scaled(s, Money::scale, Money::scale, false, fen);
    if (!e.ok()) return e;
    if (fen > Money::max_fen || fen < -Money::max_fen) return {"an amount within ±10^15 yuan", "金额超出 ±10^15 元"};
    out = Money::from_fen(fen);
    return e;
}

inline Decimal Decimal::parse(std::string_view text) {
    Decimal d;
    if (const NumberError e = parse_decimal(text, d); !e.ok())
        throw Error(SourceLocation{}, "\"" + std::string(text) + "\": expected " + e.en, "“" + std::string(text) + "”：" + e.zh);
    return d;
}

inline Money Money::parse(std::string_view text) {
    Money m;
    if (const NumberError e = parse_money(text, m); !e.ok())
        throw Error(SourceLocation{}, "\"" + std::string(text) + "\": expected " + e.en, "“" + std::string(text) + "”：" + e.zh);
    return m;
}

namespace detail {

/// The units of a literal's text (digit separators dropped, '%' appended for a
/// percentage). Evaluated by the compiler: text that is not a plain decimal in
/// range reaches a `throw`, which is not a constant expression, so the literal
/// does not compile.
consteval std::int64_t literal_units(const char* text, int scale, bool percent) {
    char buf[48]{};
    std::size_t n = 0;
    for (const char* p = text; *p != '\0'; ++p) {
        if (*p == '\'') continue;
        if (n + 2 >= sizeof buf) throw "perfbudget literal: too many digits";
        buf[n++] = *p;
    }
    if (percent) buf[n++] = '%';
    std::int64_t units = 0;
    if (!parse_scaled(std::string_view(buf, n), scale, scale, percent, units).ok())
        throw "perfbudget literal: not a plain decimal within range (at most 2 decimals for _yuan, 6 for _dec)";
    if (scale == Money::scale && (units > Money::max_fen || units < -Money::max_fen))
        throw "perfbudget literal: an amount beyond 10^15 yuan";
    return units;
}

} // namespace detail

/// Checked literals, exact and read at compile time: 812'345.67_yuan (Money),
/// 98.5_dec and 20_dec (Decimal), 95_pct (Decimal 0.95). A literal that is not a
/// plain decimal in range (0.001_yuan, 1e6_yuan, 0x10_dec) does not compile.
/// `using namespace perfbudget;` brings them in, as does `using namespace perfbudget::literals;`.
inline namespace literals {

consteval Money operator""_yuan(const char* text) { return Money::from_fen(detail::literal_units(text, Money::scale, false)); }
consteval Decimal operator""_dec(const char* text) { return Decimal::from_units(detail::literal_units(text, Decimal::scale, false)); }
consteval Decimal operator""_pct(const char* text) { return Decimal::from_units(detail::literal_units(text, Decimal::scale, true)); }

} // namespace literals

} // namespace perfbudget
