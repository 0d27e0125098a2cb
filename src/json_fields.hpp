// src/json_fields.hpp — the project fields every JSON output starts with, and the
// explanation lines it ends with. INTERNAL.
#pragma once

#include "perfbudget/explain.hpp"
#include "perfbudget/model.hpp"

#include <nlohmann/json.hpp>

namespace perfbudget::detail {

/// project_id, name, department, budget, spent (money as strings in yuan, 2 places).
inline void add_project_fields(nlohmann::ordered_json& j, const Project& p) {
    j["project_id"] = p.id;
    j["name"] = p.name;
    j["department"] = p.department;
    j["budget"] = p.budget.to_string();
    j["spent"] = p.spent.to_string();
}

/// [{"rule", "source", "text"}]: a stage's explanation as its JSON output carries it.
inline nlohmann::ordered_json explanation_json(const std::vector<ExplanationLine>& lines) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ExplanationLine& l : lines) out.push_back({{"rule", l.rule}, {"source", l.source}, {"text", l.text}});
    return out;
}

} // namespace perfbudget::detail
