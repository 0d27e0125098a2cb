// src/json_fields.hpp — the project fields every JSON output starts with. INTERNAL.
#pragma once

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

} // namespace perfbudget::detail
