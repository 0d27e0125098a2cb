// src/number_sum.hpp — NumberSum, the exact sum of many Numbers (the engine's
// completion sums). INTERNAL: not installed; the public Number type stays in
// perfbudget/number.hpp.
#pragma once

#include "number_fast.hpp"

#include <vector>

namespace perfbudget {

/// An exact sum of many terms, in time that grows with the number of terms, not
/// with its square. Adding fractions one by one over unrelated denominators
/// makes every addition as long as the sum so far (N terms of 60-bit
/// denominators: N² word operations). Here terms accumulate in 128 bits while
/// they fit; past that they are kept as they are and summed when value() is
/// asked: terms with equal denominators first, then pairwise in a balanced tree,
/// so the long multiplications are few and Boost's Karatsuba multiplication
/// serves them (docs/decisions.md has the figures).
class NumberSum {
public:
    NumberSum() = default;
    NumberSum& operator+=(const Number& term) {
        Fraction r;
        if (!term.is_big() && detail::try_add(running_, term.small(), false, r)) running_ = r;
        else add_slow(term);
        return *this;
    }
    /// The sum so far, exact.
    Number value() const;

private:
    void add_slow(const Number& term);

    Fraction running_;            // the 128-bit part of the sum
    std::vector<Fraction> terms_; // terms that did not fit beside it
    Number big_terms_;            // terms that alone needed more than 128 bits (rare)
};

} // namespace perfbudget
