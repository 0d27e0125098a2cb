// src/monitor_text.hpp — wording shared by the monitoring explanations
// (project and department). INTERNAL: not installed.
#pragma once

#include "perfbudget/explain.hpp"
#include "perfbudget/monitoring_rules.hpp"
#include "perfbudget/number.hpp"

#include <string>

namespace perfbudget::detail {

/// A rate as a percentage with up to 2 decimals, "≈" when rounded: 50%, ≈83.33%.
std::string percent_label(const Number& n);
/// "red" / "红灯".
std::string light_label(Light l, Lang lang);

} // namespace perfbudget::detail
