// src/load_monitoring.hpp — compiles a rule file's `monitoring:` section
// (in-year monitoring, SPEC §5) into MonitoringRules. INTERNAL: not installed.
#pragma once

#include "rule_tree.hpp"

namespace perfbudget::detail::rules_yaml {

/// Compiles the `monitoring:` map at `f` into `out`: every key required (a profile
/// inherits the national ones), unknown keys with "did you mean", thresholds in order.
void compile_monitoring(Ctx& ctx, const Field& f, MonitoringRules& out);

} // namespace perfbudget::detail::rules_yaml
