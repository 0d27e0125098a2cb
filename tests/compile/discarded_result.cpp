// Compiled by the ctest entries `nodiscard_*` (tests/CMakeLists.txt) with
// -Werror=unused-result: ignoring a parse or scoring result must not compile.
// Without either macro the same code checks its results and compiles (the
// control), which proves each failure is the discarded result and nothing else.
#include <perfbudget/evaluate.hpp>
#include <perfbudget/load.hpp>

int main() {
    using namespace perfbudget;
    Money budget;
    IndicatorResult r;
#if defined(DISCARD_MONEY)
    parse_money("1,000.00", budget); // would leave budget at 0 unnoticed
#else
    if (!parse_money("1,000.00", budget).ok()) return 1;
#endif
#if defined(DISCARD_ISSUE)
    score_indicator(Indicator{}, national_rules().only(), r); // would use an unscored result
#else
    if (score_indicator(Indicator{}, national_rules().only(), r) != Issue::none) return 1;
#endif
    return 0;
}
