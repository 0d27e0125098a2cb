// src/monitor_engine.hpp — the monitoring stage's per-indicator and finishing
// steps, shared by monitor_project() (monitor.cpp) and the streaming monitor_files()
// (monitor_batch.cpp, monitor_row.hpp). INTERNAL: not installed, so the exact
// completion sum and its 128-bit helpers (completion_sum.hpp) reach no program
// that includes perfbudget/monitor.hpp.
#pragma once

#include "perfbudget/monitor.hpp"

#include "completion_sum.hpp"

#include <string_view>
#include <vector>

namespace perfbudget {

/// What a project's indicators add up to while they are monitored one at a time,
/// in any order: the per-indicator rules' worst lights, the exact completion sum,
/// and how many indicators have a weight. monitor_project() fills one from a
/// project held in memory; monitor_files() keeps one per project while indicator
/// rows stream (so it stays small: 56 bytes). Both then call finish_monitoring().
struct MonitorAccumulator {
    detail::CompletionSum sum;      // Σ weight × rc over the counted indicators
    Decimal weight_total;           // Σ weight over the counted indicators
    std::uint32_t counted = 0;      // indicators counted in the completion
    bool weighted = false;          // some indicator has a weight
    bool unweighted = false;        // some indicator has none
    Light pace = Light::green;      // the worst light of the pace rule so far
    Light impossible = Light::green; // of the impossible rule

    /// Some indicators have a weight and some not: an error (which weight would the others get?).
    bool mixed_weights() const { return weighted && unweighted; }
};

/// Monitors one indicator of project `project_id` as of `as_of` (time progress `tp`)
/// and adds it to `acc`; `m` receives its result. Returns false, with the problems
/// appended to `problems` (placed in `indicators_file`), when it cannot be monitored.
/// May throw ArithmeticError (unplaced).
bool monitor_indicator(std::string_view project_id, const Indicator& ind, Date as_of, const Fraction& tp,
                       const RuleSet& rules, MonitorAccumulator& acc, IndicatorMonitor& m,
                       std::vector<Diagnostic>& problems, std::string_view indicators_file = {});

/// Completes a project from its funds and its indicators' sums: time progress,
/// overall completion, execution, deviation, the level and the action. The one
/// finishing step of both monitor_files() paths and monitor_project(); leaves
/// out.indicators alone. Call only when no indicator had a problem.
void finish_monitoring(Money budget, Money spent, const MonitorAccumulator& acc, Date as_of, const Fraction& tp,
                       const RuleSet& rules, MonitorResult& out);

namespace detail {
/// The problem of a negative executed amount, at the project's line.
Diagnostic monitor_spent_problem(std::string_view projects_file, std::string_view id, std::uint32_t line);
/// The problem of weights given for some indicators only, naming the first without one.
Diagnostic monitor_weights_problem(std::string_view indicators_file, std::string_view id, const Indicator& first_unweighted);
} // namespace detail

} // namespace perfbudget
