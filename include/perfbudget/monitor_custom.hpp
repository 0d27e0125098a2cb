// perfbudget/monitor_custom.hpp — a county's own monitoring steps (SPEC §5, §10).
//
// The `custom:` list inside a rule file's `monitoring:` section holds decision
// tables and when/then rules in the rule language (docs/rules.md), compiled
// against monitoring_schema(): they read what the built-in rules found (rates,
// completion, deviation, each rule's light, the level so far, the project's
// fields, the as-of month) and may set
//
//   light   raises the project's light: combined worst-of with the built-in
//           lights, never lowering one (a county adds warnings to the national
//           rules; it cannot clear a national warning, and steps do not depend on
//           which of them sets a light last);
//   action  the 处理措施, overriding the action of the light (the last step to set it wins);
//   cut     a mid-year cut recommendation (中期调整预算时缩减支出规模), a share of
//           the budget 0–100%; MonitorResult::cut = budget × rate, half-up to the fen.
//
// apply_monitoring_custom() runs them once a project's built-in lights are known
// (the last line of monitor_project). Each fired rule or table row is recorded
// in MonitorResult::fired and appears in the reasons and the explanation.
#pragma once

#include "perfbudget/monitor.hpp"
#include "perfbudget/stage_schema.hpp"

#include <cstdint>
#include <vector>

namespace perfbudget {

/// Monitoring's inputs, in slot order (monitoring_schema() describes each).
enum class MonitorSlot : std::uint8_t {
    budget,
    spent,
    exec_rate,
    time_progress,
    exec_pace,
    exec_applicable,
    completion,
    has_completion,
    deviation,
    level,
    execution_light,
    pace_light,
    impossible_light,
    deviation_light,
    action,
    cut,
    fund_source,
    budget_kind,
    category,
    department,
    year,
    indicators_counted,
    month,
    as_of_year,
};
inline constexpr std::size_t monitor_slot_count = 24;

/// Monitoring's outputs, in order.
enum class MonitorTarget : std::uint8_t { light, action, cut };
inline constexpr std::size_t monitor_target_count = 3;

/// The schema monitoring's custom steps compile against.
const custom::StageSchema& monitoring_schema();

/// Runs rules.monitoring.custom on a project whose built-in lights, level and
/// action are set: raises the level, overrides the action, sets the cut, records
/// the steps that fired. Resets the custom fields first; allocates nothing.
/// Throws Error (project id, rule file:line) when a step fails at run time
/// (division by zero, a cut outside 0–100%, a light or action that is not one).
void apply_monitoring_custom(const Project& project, const RuleSet& rules, MonitorResult& out);

/// The values the custom steps saw on `r` (as monitor_project() left it): one
/// array of bindings (indexed by monitoring_schema()'s slots) per entry of
/// `r.fired`, in order, by running the steps again from the built-in lights, so
/// the explanation can state them. Empty when the steps cannot be replayed.
std::vector<std::vector<expr::Value>> monitor_custom_bindings(const Project& project, const RuleSet& rules,
                                                              const MonitorResult& r);

} // namespace perfbudget
