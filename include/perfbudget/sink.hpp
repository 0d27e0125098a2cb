// perfbudget/sink.hpp — receiving a batch run's results one project at a time.
//
// evaluate_files(), monitor_files(), review_files() and assess_files() hand each project's result to a sink as
// they produce it: their own CSV/JSON writers and the monitoring summary are such
// sinks, and a caller may pass its own to get every result without writing a file:
//
//   MonitorTotals reds;
//   monitor_files(options, rules, [&](const ProjectView& p, const MonitorResult& r) {
//       if (r.level == Light::red) reds.add(p, r.level);
//   });
//
// A sink is called once per project, in the order of the projects file, after the
// project has been checked in full. The views and the result are valid only during
// the call (the streaming paths reuse them): copy what you keep. A run that fails
// throws Error (every problem listed) and may already have called the sink for
// some projects: a caller that needs all or nothing discards them then, as the
// writers do with their temporary files.
#pragma once

#include "perfbudget/evaluate.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace perfbudget {

struct MonitorResult;
struct ReviewResult;
struct AssessResult;

/// A project as a sink sees it. The streaming paths keep only these fields of a
/// project; `project` is set where the whole project is held in memory.
struct ProjectView {
    std::string_view id;
    std::string_view department;
    ProjectFunds funds;              // budget, spent, fund source
    std::optional<int> year;         // budget year (or the --year the run used for it)
    std::uint32_t line = 0;          // the project's line in the projects file
    const RuleSet* rules = nullptr;  // the period of rules the project was handled with
    const Project* project = nullptr; // with its indicators, when held in memory (JSON, --explain, in_memory); else null
    /// The project's name where the run keeps it: always in memory, and on the
    /// streaming paths when the table has a name column (table_has_names); else empty.
    std::string_view name = {};
};

/// A project held in memory as a sink sees it, handled with `rules`.
inline ProjectView view_of(const Project& p, const RuleSet* rules) {
    return ProjectView{p.id, p.department, {p.budget, p.spent, p.fund_source}, p.year, p.source_line, rules, &p, p.name};
}

/// Receives each evaluated project.
using EvaluateSink = std::function<void(const ProjectView&, const ProjectResult&)>;
/// Receives each monitored project. On the streaming path MonitorResult::indicators
/// is empty (indicator rows are not kept); the project-level fields are complete.
using MonitorSink = std::function<void(const ProjectView&, const MonitorResult&)>;
/// Receives each reviewed project (review_files(), review.hpp).
using ReviewSink = std::function<void(const ProjectView&, const ReviewResult&)>;
/// Receives each assessed project (assess_files(), assess.hpp): only projects with scores.
using AssessSink = std::function<void(const ProjectView&, const AssessResult&)>;

} // namespace perfbudget
