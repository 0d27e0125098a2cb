// src/load_rollup.hpp — compiles a rule file's `rollup:` section (the department
// rules of the roll-up, SPEC §9) into RollupRules. INTERNAL: not installed.
#pragma once

#include "rule_tree.hpp"

namespace perfbudget::detail::rules_yaml {

/// Compiles the `rollup:` map at `f` into `out`: `criticise: {enabled, failed_share_above}`
/// (a share 0–100%); unknown keys with "did you mean". Without the section the rules stay off.
void compile_rollup(Ctx& ctx, const Field& f, RollupRules& out);

} // namespace perfbudget::detail::rules_yaml
