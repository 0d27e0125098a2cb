// src/load_assessment.hpp — compiles a rule file's `assessment:` section (ex-ante
// assessment, SPEC §7) into AssessmentRules. INTERNAL: not installed.
#pragma once

#include "rule_tree.hpp"

namespace perfbudget::detail::rules_yaml {

/// Compiles the `assessment:` map at `f` into `out`: every key required (a profile
/// inherits the national ones), unknown keys with "did you mean", weights of at
/// most 2 decimals totalling 100, min_experts ≥ 3. `approve` and `mid_year_cut` name grades
/// of `grades` (the evaluation's scale; `usable` false when it is broken).
void compile_assessment(Ctx& ctx, const Field& f, const GradeScale& grades, bool usable, AssessmentRules& out);

/// Without the section: `approve` every grade but the lowest, no cut.
void default_assessment(const GradeScale& grades, AssessmentRules& out);

} // namespace perfbudget::detail::rules_yaml
