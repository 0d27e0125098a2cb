// src/load_assessment.cpp — the `assessment:` section of a rule file (SPEC §7).
#include "load_assessment.hpp"

#include "load_grades.hpp"

#include <string>

namespace perfbudget::detail::rules_yaml {
namespace {

void compile_weights(Ctx& ctx, const Field& f, AssessmentRules::Weights& out) {
    std::vector<std::string_view> keys(names::assess_dimension.begin(), names::assess_dimension.end());
    MapView m(ctx, f, keys);
    if (!m.ok()) return;
    Decimal total;
    bool all = true;
    for (std::size_t d = 0; d < assess_dimension_count; ++d) {
        const Field w = m.get(names::assess_dimension[d]);
        out.where[d] = ctx.ref(w.rule_pos());
        if (const auto v = read_number(ctx, w, points())) {
            out.points[d] = *v;
            total += *v;
        } else {
            all = false;
        }
    }
    if (all && total != Decimal::whole(100))
        ctx.error(f.rule_pos(), f.name() + ": the five dimension weights must total 100, found " + total.to_string(2),
                  f.name_zh() + "：五个维度的权重之和应为 100，实际为 " + total.to_string(2));
}

void compile_drop_extremes(Ctx& ctx, const Field& f, AssessmentRules::DropExtremes& out) {
    MapView m(ctx, f, {"enabled", "min_experts"});
    out.where = ctx.ref(f.rule_pos());
    if (auto v = read_bool(ctx, m.get("enabled"))) out.enabled = *v;
    // Dropping two scores must leave one: fewer than 3 experts cannot be trimmed.
    if (auto v = read_int(ctx, m.get("min_experts"), 3, 1000)) out.min_experts = *v;
}

void compile_approve(Ctx& ctx, const Field& f, const GradeScale& grades, bool usable, AssessmentRules::Approve& out) {
    MapView m(ctx, f, {"grades"});
    out.where = ctx.ref(f.rule_pos());
    out.grades = read_grade_list(ctx, m.get("grades"), grades, usable).bits;
    out.defaulted = false;
}

} // namespace

void compile_assessment(Ctx& ctx, const Field& f, const GradeScale& grades, bool usable, AssessmentRules& out) {
    default_assessment(grades, out);
    MapView m(ctx, f, {"weights", "drop_extremes", "approve", "mid_year_cut"});
    if (!m.ok()) return;
    compile_weights(ctx, m.get("weights"), out.weights);
    compile_drop_extremes(ctx, m.get("drop_extremes"), out.drop_extremes);
    compile_approve(ctx, m.get("approve"), grades, usable, out.approve);
    const Field cut = m.get("mid_year_cut");
    out.mid_year_cut.where = ctx.ref(cut.rule_pos());
    if (cut.value) out.mid_year_cut.rate_by_grade = read_rates_by_grade(ctx, cut, grades, usable, "cut rate", "追减比例");
}

void default_assessment(const GradeScale& grades, AssessmentRules& out) {
    out.approve.defaulted = true;
    out.mid_year_cut.rate_by_grade.assign(grades.size(), Decimal());
}

} // namespace perfbudget::detail::rules_yaml
