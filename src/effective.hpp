// src/effective.hpp — values by budget year (`effective:`), INTERNAL.
//
// Any value of a rule file may be written as a map with the single key
// `effective`, whose keys are the dates each value takes effect from
// (docs/rules.md, "Values by budget year"):
//
//   threshold:
//     effective:
//       2020-01-01: 120%
//       2023-01-01: 110%
//
// The loader resolves these after merging a profile onto its bases and before
// compiling: for each distinct date it makes a copy of the tree with every dated
// value replaced by the entry in effect on that date, and compiles that copy into
// one period (a RuleSet of the RuleBook). Compiling a whole period, not patching single
// numbers, is what makes *any* value datable — a grade list, a cut rate, a custom
// rule — and keeps every period checked exactly like an undated file.
#pragma once

#include "rule_tree.hpp"

#include <string>
#include <vector>

namespace perfbudget::detail::rules_yaml {

/// One dated value of a merged tree.
struct DatedValue {
    std::string path;                // "evaluation.over_completion.threshold"
    const Node* node = nullptr;      // the map holding `effective:`
    std::vector<Date> dates;         // ascending, one per entry of the `effective` map
};

/// Finds and checks every dated value of a merged tree. Problems (a key that is
/// not a date, dates not ascending, `effective` beside other keys, nested dated
/// values, an empty map, a dated `base`/`profile`) are reported through `ctx`.
std::vector<DatedValue> find_dated(Ctx& ctx, const Node& root);

/// `root` with every dated value replaced by its entry in effect on `day` (the
/// last entry dated on or before it; find_dated has checked that one exists). Each
/// substitution is recorded in `used`.
Node resolve_at(const Node& root, Date day, const Sources& sources, std::vector<EffectiveValue>& used);

} // namespace perfbudget::detail::rules_yaml
