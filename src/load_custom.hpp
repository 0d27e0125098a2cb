// src/load_custom.hpp — compiles a rule file's `custom:` section (decision tables
// and custom rules, docs/rules.md) into CustomRules. INTERNAL: not installed.
#pragma once

#include "rule_tree.hpp"

namespace perfbudget::detail::rules_yaml {

/// Compiles the `custom:` list at `f` into `out`, reporting every problem to ctx
/// (unknown keys and fields, expression errors with file:line:column, unreachable
/// first-hit rows, a step reading a field that a later step changes). `grades` is
/// the compiled grade scale, used to check grade names in table cells; pass null
/// when the grades themselves had problems (the names are then not checked).
void compile_custom(Ctx& ctx, const Field& f, const GradeScale* grades, CustomRules& out);

} // namespace perfbudget::detail::rules_yaml
