// Number's slow paths (number.hpp): operands in lowest terms, then arbitrary
// precision with Boost.Multiprecision's cpp_int. Kept out of the header so that
// a program using the library does not compile Boost's big integers.
#include "perfbudget/number.hpp"

#include "number_fast.hpp"
#include "number_sum.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <numeric>
#include <utility>

namespace perfbudget {

namespace detail {

using boost::multiprecision::cpp_int;

/// num/den with den > 0, not necessarily in lowest terms: reducing a big value
/// costs a gcd quadratic in its length, and nothing but the display needs it.
struct BigRational {
    cpp_int num;
    cpp_int den;

    static BigRational of(const Number& n);
    /// The value as a Number: small again when both terms fit a Fraction.
    static Number make(cpp_int num, cpp_int den);
};

namespace {

cpp_int to_big(int128_native v) {
    const bool negative = v < 0;
    const uint128_native a = negative ? uint128_native{0} - static_cast<uint128_native>(v) : static_cast<uint128_native>(v);
    cpp_int r = static_cast<std::uint64_t>(a >> 64);
    r <<= 64;
    r += static_cast<std::uint64_t>(a);
    return negative ? cpp_int(-r) : r;
}

/// Fits a Fraction's checked 128-bit term (with room for its sign).
bool fits128(const cpp_int& v) { return v == 0 || msb(abs(v)) < 127; }

int128_native to_native(const cpp_int& v) { return v.convert_to<int128_native>(); }

const cpp_int& pow10_big(int k) {
    static const auto table = [] {
        std::array<cpp_int, 64> t;
        t[0] = 1;
        for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
        return t;
    }();
    if (k < 0 || static_cast<std::size_t>(k) >= table.size())
        throw Error(SourceLocation{}, "decimal places must be 0 to 63", "小数位数应为 0 至 63");
    return table[static_cast<std::size_t>(k)];
}

uint128_native magnitude(int128_native v) {
    return v < 0 ? uint128_native{0} - static_cast<uint128_native>(v) : static_cast<uint128_native>(v);
}

/// In lowest terms: the retry after a 128-bit overflow, as always-reduced
/// arithmetic would compute (and as fast as before for values that fit).
Fraction reduce(const Fraction& f) {
    const int128_native n = f.num().native(), d = f.den().native(); // d > 0
    if (d == 1) return f;
    if (n == 0) return Fraction::zero();
    uint128_native a = magnitude(n), b = static_cast<uint128_native>(d);
    if ((a >> 64) == 0 && (b >> 64) == 0) {
        const std::uint64_t g = std::gcd(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b));
        if (g == 1) return f;
        return Fraction(wide::from_native(n / static_cast<int128_native>(g)), wide::from_native(d / static_cast<int128_native>(g)));
    }
    while (b != 0) {
        const uint128_native t = a % b;
        a = b;
        b = t;
    }
    if (a == 1) return f;
    const auto g = static_cast<int128_native>(a);
    return Fraction(wide::from_native(n / g), wide::from_native(d / g));
}

/// a ± b where b's denominator is small: the sum's denominator is lcm(ad, bd), so a
/// long sum of terms over a few distinct denominators stays as short as its value
/// needs (and each addition costs time linear in the length of the sum).
Number add_big(const BigRational& a, const BigRational& b, bool subtract) {
    const cpp_int bn = subtract ? cpp_int(-b.num) : b.num;
    if (a.den == b.den) return BigRational::make(a.num + bn, a.den);
    if (fits128(b.den)) {
        const cpp_int r = a.den % b.den;
        if (r == 0) return BigRational::make(a.num + bn * (a.den / b.den), a.den);
        const cpp_int g = gcd(r, b.den); // small: r < b.den
        const cpp_int m = b.den / g;
        return BigRational::make(a.num * m + bn * (a.den / g), a.den * m);
    }
    if (fits128(a.den)) {
        BigRational swapped{bn, b.den};
        return add_big(swapped, a, false);
    }
    return BigRational::make(a.num * b.den + bn * a.den, a.den * b.den);
}

} // namespace

BigRational BigRational::of(const Number& n) {
    if (n.big_) return *n.big_;
    return {to_big(n.small_.num().native()), to_big(n.small_.den().native())};
}

Number BigRational::make(cpp_int num, cpp_int den) {
    if (den < 0) {
        num = -num;
        den = -den;
    }
    if (fits128(num) && fits128(den)) return Fraction(wide::from_native(to_native(num)), wide::from_native(to_native(den)));
    // Just past 128 bits (a product of two large 128-bit values, say) the lowest
    // terms often fit again, and a gcd of such short numbers is cheap; a long
    // value (a sum over thousands of targets) is left as it is.
    if (msb(abs(num) + 1) < 384 && msb(den) < 384) {
        const cpp_int g = gcd(num, den);
        if (g > 1) {
            num /= g;
            den /= g;
            if (fits128(num) && fits128(den))
                return Fraction(wide::from_native(to_native(num)), wide::from_native(to_native(den)));
        }
    }
    return Number(std::make_shared<const BigRational>(BigRational{std::move(num), std::move(den)}));
}

Number number_slow(const Number& a, const Number& b, NumberOp op) {
    if (op == NumberOp::div && b.is_zero()) arithmetic_error("division by zero", "除数为零");
    if (!a.is_big() && !b.is_big()) { // the 128-bit attempt overflowed: retry in lowest terms
        const Fraction x = reduce(a.small()), y = reduce(b.small());
        Fraction r;
        switch (op) {
        case NumberOp::add:
            if (try_add(x, y, false, r)) return r;
            break;
        case NumberOp::sub:
            if (try_add(x, y, true, r)) return r;
            break;
        case NumberOp::mul:
            if (try_mul(x, y, r)) return r;
            break;
        case NumberOp::div:
            if (try_mul(x, Fraction(y.den(), y.num()), r)) return r;
            break;
        }
    }
    const BigRational x = BigRational::of(a), y = BigRational::of(b);
    switch (op) {
    case NumberOp::add: return add_big(x, y, false);
    case NumberOp::sub: return add_big(x, y, true);
    case NumberOp::mul: return BigRational::make(x.num * y.num, x.den * y.den);
    case NumberOp::div: return BigRational::make(x.num * y.den, x.den * y.num);
    }
    return Number();
}

int compare_slow(const Number& a, const Number& b) {
    int o;
    if (!a.is_big() && !b.is_big() && try_compare(reduce(a.small()), reduce(b.small()), o)) return o;
    const BigRational x = BigRational::of(a), y = BigRational::of(b);
    return x.num * y.den < y.num * x.den ? -1 : x.num * y.den > y.num * x.den ? 1 : 0;
}

int big_sign(const Number& a) { return BigRational::of(a).num.sign(); }

Number big_negate(const Number& a) {
    BigRational x = BigRational::of(a);
    return BigRational::make(-x.num, x.den);
}

} // namespace detail

using detail::BigRational;
using detail::cpp_int;

// The public operators: the fast paths of number_fast.hpp, compiled once.
Number operator+(const Number& a, const Number& b) { return detail::number_add(a, b); }
Number operator-(const Number& a, const Number& b) { return detail::number_sub(a, b); }
Number operator*(const Number& a, const Number& b) { return detail::number_mul(a, b); }
Number operator/(const Number& a, const Number& b) { return detail::number_div(a, b); }
Number& Number::operator+=(const Number& b) { return *this = detail::number_add(*this, b); }
std::strong_ordering operator<=>(const Number& a, const Number& b) {
    const int o = detail::number_compare(a, b);
    return o < 0 ? std::strong_ordering::less : o > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

Number Number::ratio(detail::uint128_native num, detail::uint128_native den) {
    const auto fits = [](detail::uint128_native v) { return (v >> 127) == 0; };
    if (fits(num) && fits(den))
        return Fraction(detail::wide::from_native(static_cast<detail::int128_native>(num)),
                        detail::wide::from_native(static_cast<detail::int128_native>(den)));
    const auto big = [](detail::uint128_native v) {
        cpp_int r = static_cast<std::uint64_t>(v >> 64);
        r <<= 64;
        return cpp_int(r + static_cast<std::uint64_t>(v));
    };
    return BigRational::make(big(num), big(den));
}

Number Number::round_to(int digits, RoundingMode mode) const {
    if (digits < 0 || digits > 18) throw Error(SourceLocation{}, "round() keeps 0 to 18 decimals", "round() 的小数位数应为 0 至 18");
    if (!big_) {
        detail::int128_native scaled;
        if (detail::mul128(small_.num().native(), detail::pow10[digits], scaled))
            return Fraction(detail::round_div<detail::wide>(detail::wide::from_native(scaled), small_.den(), mode),
                            detail::pow10[digits]);
    }
    const BigRational x = BigRational::of(*this);
    return BigRational::make(detail::round_div<cpp_int>(x.num * detail::pow10_big(digits), x.den, mode),
                             detail::pow10_big(digits));
}

Decimal Number::rounded(int digits, RoundingMode mode) const {
    detail::check_digits(digits);
    const Number r = round_to(digits, mode);
    const std::optional<Decimal> d = r.exact_decimal();
    if (!d) detail::arithmetic_error("value out of range", "数值超出范围");
    return *d;
}

namespace {
/// value × 10^k when that is a whole number within int64, else nothing.
std::optional<std::int64_t> scaled_exactly(const Number& value, int k) {
    const BigRational x = BigRational::of(value);
    const cpp_int scaled = x.num * detail::pow10_big(k);
    if (scaled % x.den != 0) return std::nullopt;
    const cpp_int q = scaled / x.den;
    if (q > INT64_MAX || q < INT64_MIN) return std::nullopt;
    return static_cast<std::int64_t>(q);
}
} // namespace

std::optional<Decimal> Number::exact_decimal() const {
    if (!big_) { // the common case without big integers: units = num × 10^6 / den, exactly
        detail::int128_native scaled;
        const auto n = small_.num().native(), d = small_.den().native();
        if (detail::mul128(n, Decimal::one_units, scaled)) {
            if (scaled % d != 0) return std::nullopt;
            const auto q = scaled / d;
            if (q > INT64_MAX || q < INT64_MIN) return std::nullopt;
            return Decimal::from_units(static_cast<std::int64_t>(q));
        }
    }
    const auto units = scaled_exactly(*this, Decimal::scale);
    if (!units) return std::nullopt;
    return Decimal::from_units(*units);
}

std::optional<Money> Number::exact_money() const {
    const auto fen = scaled_exactly(*this, Money::scale);
    if (!fen || *fen > Money::max_fen || *fen < -Money::max_fen) return std::nullopt;
    return Money::from_fen(*fen);
}

std::string Number::to_string() const {
    BigRational x = BigRational::of(*this);
    const cpp_int g = gcd(x.num, x.den);
    if (g > 1) {
        x.num /= g;
        x.den /= g;
    }
    // A finite decimal exactly when the reduced denominator is 2^a × 5^b; it then has max(a, b) places.
    cpp_int rest = x.den;
    int twos = 0, fives = 0;
    while (rest % 2 == 0) {
        rest /= 2;
        ++twos;
    }
    while (rest % 5 == 0) {
        rest /= 5;
        ++fives;
    }
    if (rest != 1) return x.num.str() + "/" + x.den.str();
    const int k = std::max(twos, fives);
    cpp_int scaled = abs(x.num);
    for (int i = 0; i < k; ++i) scaled *= 10;
    std::string digits = cpp_int(scaled / x.den).str();
    if (k > 0) {
        if (digits.size() <= static_cast<std::size_t>(k)) digits.insert(0, static_cast<std::size_t>(k) + 1 - digits.size(), '0');
        digits.insert(digits.end() - k, '.');
    }
    if (x.num < 0) digits.insert(digits.begin(), '-');
    return digits;
}

void NumberSum::add_slow(const Number& term) {
    if (term.is_big()) big_terms_ += term;
    else terms_.push_back(term.small());
}

namespace {

/// Σ terms[lo, hi) as an unreduced num/den, by halves: the two halves' products
/// are of equal length, which is where Karatsuba multiplication pays.
void sum_range(const std::vector<std::pair<cpp_int, cpp_int>>& terms, std::size_t lo, std::size_t hi, cpp_int& num,
               cpp_int& den) {
    if (hi - lo == 1) {
        num = terms[lo].first;
        den = terms[lo].second;
        return;
    }
    const std::size_t mid = lo + (hi - lo) / 2;
    cpp_int n1, d1, n2, d2;
    sum_range(terms, lo, mid, n1, d1);
    sum_range(terms, mid, hi, n2, d2);
    if (d1 == d2) {
        num = n1 + n2;
        den = std::move(d1);
        return;
    }
    num = n1 * d2 + n2 * d1;
    den = d1 * d2;
}

} // namespace

Number NumberSum::value() const {
    if (terms_.empty()) return Number(running_) + big_terms_;
    // Equal denominators first: their numerators simply add.
    std::vector<Fraction> sorted = terms_;
    sorted.push_back(running_);
    std::sort(sorted.begin(), sorted.end(),
              [](const Fraction& a, const Fraction& b) { return a.den().native() < b.den().native(); });
    std::vector<std::pair<cpp_int, cpp_int>> merged;
    for (std::size_t i = 0; i < sorted.size();) {
        cpp_int num = detail::to_big(sorted[i].num().native());
        const detail::int128_native den = sorted[i].den().native();
        std::size_t j = i + 1;
        for (; j < sorted.size() && sorted[j].den().native() == den; ++j) num += detail::to_big(sorted[j].num().native());
        merged.emplace_back(std::move(num), detail::to_big(den));
        i = j;
    }
    cpp_int num, den;
    sum_range(merged, 0, merged.size(), num, den);
    return BigRational::make(std::move(num), std::move(den)) + big_terms_;
}

} // namespace perfbudget
