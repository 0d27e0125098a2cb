// Helpers shared by the test files: exact values from text, failing the test
// (not throwing) when the text is not a valid number.
#pragma once

#include "perfbudget/decimal.hpp"

#include <doctest/doctest.h>

namespace perfbudget::test {

/// "98.5", "95%" → Decimal; the test fails on text that does not parse.
inline Decimal dec(const char* s) {
    Decimal d;
    const NumberError e = parse_decimal(s, d);
    REQUIRE_MESSAGE(e.ok(), s);
    return d;
}

/// "812345.67" → Money; the test fails on text that does not parse.
inline Money yuan(const char* s) {
    Money m;
    const NumberError e = parse_money(s, m);
    REQUIRE_MESSAGE(e.ok(), s);
    return m;
}

} // namespace perfbudget::test
