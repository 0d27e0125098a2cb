// src/load_grades.hpp — reading grade names in rule files: lists of grades and
// rates keyed by grade (evaluation.results, assessment). INTERNAL: not installed.
#pragma once

#include "rule_tree.hpp"

namespace perfbudget::detail::rules_yaml {

/// Grade index named by a scalar (id or zh label), reporting an unknown name.
/// `usable` false: the scale is broken (reported already), nothing is looked up.
std::optional<std::size_t> find_grade(Ctx& ctx, const GradeScale& scale, bool usable, const Node& name,
                                      const std::string& path);

/// `grades: [fair, poor]`: each grade once.
GradeSet read_grade_list(Ctx& ctx, const Field& f, const GradeScale& scale, bool usable);

/// `{fair: 10%, poor: 100%}`: a share per grade (one entry per band; grades not
/// listed 0). `what_en/zh` name the rate in messages ("cut rate", "核减比例").
std::vector<Decimal> read_rates_by_grade(Ctx& ctx, const Field& f, const GradeScale& scale, bool usable,
                                         std::string_view what_en, std::string_view what_zh);

} // namespace perfbudget::detail::rules_yaml
