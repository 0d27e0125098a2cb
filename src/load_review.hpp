// src/load_review.hpp — compiles a rule file's `review:` section (target review,
// SPEC §6) into ReviewRules. INTERNAL: not installed.
#pragma once

#include "rule_tree.hpp"

namespace perfbudget::detail::rules_yaml {

/// Compiles the `review:` map at `f` into `out`: every key required (a profile
/// inherits the national ones), unknown keys with "did you mean", dimension points
/// of at most 2 decimals totalling 100, each check's deduction at most its
/// dimension's points, min ≤ max indicators. `admission` names grades of `grades`
/// (the evaluation's scale; `usable` false when it is broken), each once, all of them.
void compile_review(Ctx& ctx, const Field& f, const GradeScale& grades, bool usable, ReviewRules& out);

/// Without the section: the national checks, admission by position on the scale.
void default_review(const GradeScale& grades, ReviewRules& out);

} // namespace perfbudget::detail::rules_yaml
