// src/indicator_bindings.hpp — the values an indicator rule reads, filled in one
// place for scoring (custom.cpp) and for its explanation (explain_text.cpp), so
// the words state exactly what the rule saw. INTERNAL: not installed.
#pragma once

#include "perfbudget/custom_rules.hpp"
#include "perfbudget/evaluate.hpp"

#include <span>

namespace perfbudget::detail {

/// Fills `b` (custom::indicator_schema()'s slots) for indicator `ind` of project
/// `p`, scored as `r` with `score` points before any indicator rule.
void indicator_bindings(const Project& p, const Indicator& ind, const IndicatorResult& r, Decimal score,
                        std::span<expr::Value, custom::indicator_slot_count> b);

} // namespace perfbudget::detail
