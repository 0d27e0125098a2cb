// src/load_review.cpp — the `review:` section of a rule file (SPEC §6).
#include "load_review.hpp"

#include "load_custom.hpp"
#include "load_grades.hpp"
#include "perfbudget/review_custom.hpp"

#include <string>

namespace perfbudget::detail::rules_yaml {
namespace {

void compile_points(Ctx& ctx, const Field& f, ReviewRules& out) {
    std::vector<std::string_view> keys(names::review_dimension.begin(), names::review_dimension.end());
    MapView m(ctx, f, keys);
    if (!m.ok()) return;
    Decimal total;
    bool all = true;
    for (std::size_t d = 0; d < review_dimension_count; ++d) {
        const Field p = m.get(names::review_dimension[d]);
        out.points_where[d] = ctx.ref(p.rule_pos());
        if (const auto v = read_number(ctx, p, points())) {
            out.points[d] = *v;
            total += *v;
        } else {
            all = false;
        }
    }
    if (all && total != Decimal::whole(100))
        ctx.error(f.rule_pos(), f.name() + ": the four dimension points must total 100, found " + total.to_string(2),
                  f.name_zh() + "：四个维度的分值之和应为 100，实际为 " + total.to_string(2));
}

void compile_check(Ctx& ctx, const Field& f, ReviewCheck c, ReviewRules& out) {
    std::vector<std::string_view> keys{"enabled", "deduction"};
    // The thresholds SPEC §6 marks configurable live with their check.
    if (c == ReviewCheck::satisfaction_target || c == ReviewCheck::quantification_low) keys.push_back("min");
    if (c == ReviewCheck::indicator_count) keys.insert(keys.end(), {"min", "max"});
    MapView m(ctx, f, keys);
    ReviewRules::Check& check = out.checks[static_cast<std::size_t>(c)];
    check.where = ctx.ref(f.rule_pos());
    if (!m.ok()) return;
    if (auto v = read_bool(ctx, m.get("enabled"))) check.enabled = *v;
    const Decimal limit = out.points[static_cast<std::size_t>(dimension_of(c))];
    // A deduction above its dimension's points could never be taken in full.
    if (auto v = read_number(ctx, m.get("deduction"), points(limit))) check.deduction = *v;
    if (c == ReviewCheck::satisfaction_target)
        if (auto v = read_number(ctx, m.get("min"), share())) out.satisfaction_min = *v;
    if (c == ReviewCheck::quantification_low)
        if (auto v = read_number(ctx, m.get("min"), share())) out.quantification_min = *v;
    if (c == ReviewCheck::indicator_count) {
        const auto lo = read_int(ctx, m.get("min"), 0, 100000);
        const auto hi = read_int(ctx, m.get("max"), 0, 100000);
        if (lo) out.min_indicators = *lo;
        if (hi) out.max_indicators = *hi;
        if (lo && hi && *lo > *hi)
            ctx.error(f.rule_pos(), f.name() + ": min (" + std::to_string(*lo) + ") is above max (" + std::to_string(*hi) + ")",
                      f.name_zh() + "：min（" + std::to_string(*lo) + "）大于 max（" + std::to_string(*hi) + "）");
    }
}

void compile_admission(Ctx& ctx, const Field& f, const GradeScale& grades, bool usable, ReviewRules& out) {
    out.admission_where = ctx.ref(f.rule_pos());
    if (!expect_kind(ctx, f, Node::Kind::map)) return;
    static const Choices<Admission> choices{{"proceed", Admission::proceed},
                                            {"fix", Admission::fix},
                                            {"resubmit", Admission::resubmit},
                                            {"reject", Admission::reject}};
    GradeSet seen;
    for (std::size_t i = 0; i < f.value->size(); ++i) {
        const Node& key = f.value->key(i);
        const auto g = find_grade(ctx, grades, usable, key, f.path);
        const auto a = read_choice(ctx, Field{&key, &f.value->value(i), child_path(f.path, key.text)}, choices);
        if (!g || !a) continue;
        if (seen.contains(*g)) {
            ctx.error(key.pos, "the admission for grade " + quote(grades.bands[*g].id) + " is given twice",
                      "等级 " + quote(grades.bands[*g].id) + " 的审核结论重复");
            continue;
        }
        seen.add(*g);
        out.admission_by_grade[*g] = *a;
    }
    if (!usable) return;
    // Every grade must say what it leads to: a silent default would decide a budget.
    for (std::size_t g = 0; g < grades.size(); ++g)
        if (!seen.contains(g))
            ctx.error(f.rule_pos(), f.name() + ": no admission for grade " + quote(grades.bands[g].id),
                      f.name_zh() + "：缺少等级 " + quote(grades.bands[g].id) + " 的审核结论");
}

} // namespace

void compile_review(Ctx& ctx, const Field& f, const GradeScale& grades, bool usable, ReviewRules& out) {
    default_review(grades, out);
    MapView m(ctx, f, {"points", "checks", "admission", "custom"});
    if (!m.ok()) return;
    compile_points(ctx, m.get("points"), out);
    std::vector<std::string_view> ids(names::review_check.begin(), names::review_check.end());
    MapView checks(ctx, m.get("checks"), ids);
    if (checks.ok())
        for (std::size_t c = 0; c < review_check_count; ++c)
            compile_check(ctx, checks.get(names::review_check[c]), static_cast<ReviewCheck>(c), out);
    compile_admission(ctx, m.get("admission"), grades, usable, out);
    // Grade literals are checked against the scale when it is usable.
    if (const Field c = m.find("custom"); c.value)
        compile_custom(ctx, c, usable ? review_schema(custom::grade_values(grades)) : review_schema(), out.custom);
}

void default_review(const GradeScale& grades, ReviewRules& out) {
    out.custom = CustomRules{};
    const std::size_t n = grades.size();
    out.admission_by_grade.assign(n, Admission::resubmit);
    if (n == 0) return;
    out.admission_by_grade[0] = Admission::proceed;
    if (n > 2) out.admission_by_grade[1] = Admission::fix;
    out.admission_by_grade[n - 1] = Admission::reject;
}

} // namespace perfbudget::detail::rules_yaml
