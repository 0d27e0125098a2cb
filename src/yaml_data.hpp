// src/yaml_data.hpp — INTERNAL (not installed): project data written in YAML
// (SPEC §3's YAML form, for small cases and tests), read from a parsed Node tree
// so that other YAML files (test files) can embed it.
#pragma once

#include "rule_tree.hpp"

#include "perfbudget/model.hpp"

#include <vector>

namespace perfbudget::detail::rules_yaml {

/// Reads `f`, a list of projects, each a map of the projects.csv fields plus
/// `indicators:` (a list of maps of the indicators.csv fields, without
/// project_id). Values are scalars written exactly as in the CSV files and read
/// by the same rules (input_cells.hpp); an empty value is an empty cell. Problems
/// go to ctx with file:line:column; projects with a problem are left out.
std::vector<Project> read_project_list(Ctx& ctx, const Field& f);

} // namespace perfbudget::detail::rules_yaml
