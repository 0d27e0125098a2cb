// Compiled by the ctest entries `literal_*` (tests/CMakeLists.txt): a checked
// literal that is not a plain decimal in range must not compile. Without a macro
// the good literals compile (the control).
#include <perfbudget/decimal.hpp>

using namespace perfbudget;

int main() {
    constexpr Money budget = 1'000'000.00_yuan;
    constexpr Decimal weight = 20_dec, target = 95_pct;
#if defined(BAD_FEN)
    constexpr Money bad = 0.001_yuan; // a tenth of a fen
#elif defined(BAD_EXPONENT)
    constexpr Money bad = 1e6_yuan;
#elif defined(BAD_RANGE)
    constexpr Money bad = 1000000000000000.01_yuan; // beyond 10^15 yuan
#elif defined(BAD_HEX)
    constexpr Decimal bad = 0x10_dec;
#endif
    return budget.fen() > 0 && weight.units() > 0 && target.units() > 0 ? 0 : 1;
}
