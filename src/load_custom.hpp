// src/load_custom.hpp — compiles a rule file's `custom:` section (decision tables
// and custom rules, docs/rules.md) into CustomRules. INTERNAL: not installed.
#pragma once

#include "rule_tree.hpp"

namespace perfbudget::detail::rules_yaml {

/// Compiles the `custom:` list at `f` into `out`, reporting every problem to ctx
/// (unknown keys and fields, expression errors with file:line:column, table rows
/// that match nothing, first-hit rows the earlier rows cover together, unique-hit
/// rows that can match together, unused table columns, a step reading a field that
/// a later step changes) and filling out.notes (first-hit rows that partly overlap
/// with different outputs: not errors). `grades` is
/// the compiled grade scale, used to check grade names in table cells; pass null
/// when the grades themselves had problems (the names are then not checked).
void compile_custom(Ctx& ctx, const Field& f, const GradeScale* grades, CustomRules& out);

/// The same for any stage: tables and rules compile against `stage` (its inputs,
/// outputs and what sets the inputs, stage_schema.hpp); `indicator_rule:` items only
/// where the stage allows them. Monitoring's `custom:` list is compiled this way.
void compile_custom(Ctx& ctx, const Field& f, const custom::StageSchema& stage, CustomRules& out);

} // namespace perfbudget::detail::rules_yaml
