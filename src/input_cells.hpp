// src/input_cells.hpp — INTERNAL (not installed): the projects.csv / indicators.csv
// value rules (input.cpp) applied to records given field by field, as YAML project
// data (yaml_data.cpp) gives them. One set of rules for both forms: a value that is
// wrong in a CSV cell is wrong, with the same message, in a YAML field.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace perfbudget::detail {

/// One field of a record: its identifier (a CSV column id such as "budget"), its
/// text exactly as it would be written in the CSV cell, and where it is written.
struct FieldCell {
    std::string_view key;
    std::string_view value;
    SourceLocation where;
};

/// The fields a project may have: the projects.csv column ids, in column order.
std::vector<std::string_view> project_field_ids();
/// The fields an indicator may have: the indicators.csv column ids except project_id.
std::vector<std::string_view> indicator_field_ids();

/// Fills `out` (indicators cleared, source_line = record.line) from `cells`; keys
/// that are not field ids are ignored (the caller reports them). A field not given
/// counts as an empty cell, reported at `record`. Bad values are appended to
/// `problems` (located at their cell); returns false when there was one.
bool project_from_cells(const std::vector<FieldCell>& cells, const SourceLocation& record, Project& out,
                        std::vector<Diagnostic>& problems);
/// The same for an indicator of project `project_id`.
bool indicator_from_cells(const std::vector<FieldCell>& cells, const SourceLocation& record,
                          const std::string& project_id, Indicator& out, std::vector<Diagnostic>& problems);

} // namespace perfbudget::detail
