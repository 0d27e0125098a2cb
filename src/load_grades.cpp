// src/load_grades.cpp — grade names in rule files (load_grades.hpp).
#include "load_grades.hpp"

#include <string>

namespace perfbudget::detail::rules_yaml {

/// Grade index named by a scalar (id or zh label), reporting an unknown name.
std::optional<std::size_t> find_grade(Ctx& ctx, const GradeScale& scale, bool usable, const Node& name,
                                      const std::string& path) {
    if (!usable) return std::nullopt; // the grade scale is broken; it is reported already
    const Field f{nullptr, &name, path};
    const std::string* s = scalar_text(ctx, f, "a grade id", "等级 id");
    if (!s) return std::nullopt;
    const std::size_t g = scale.find(*s);
    if (g < scale.size()) return g;
    std::vector<std::string_view> ids;
    for (const GradeBand& b : scale.bands) ids.push_back(b.id);
    const auto [en, zh] = suggestion(*s, ids);
    ctx.error(name.pos, "unknown grade " + quote(*s) + " in " + quote(path) + en,
              quote(path) + " 中有未知的等级 " + quote(*s) + zh);
    return std::nullopt;
}

GradeSet read_grade_list(Ctx& ctx, const Field& f, const GradeScale& scale, bool usable) {
    GradeSet set;
    if (!expect_kind(ctx, f, Node::Kind::list)) return set;
    for (std::size_t i = 0; i < f.value->size(); ++i) {
        const Node& item = f.value->children[i];
        const auto g = find_grade(ctx, scale, usable, item, f.path);
        if (!g) continue;
        if (set.contains(*g)) {
            ctx.error(item.pos, "grade " + quote(scale.bands[*g].id) + " is listed twice in " + f.name(),
                      f.name_zh() + " 中等级 " + quote(scale.bands[*g].id) + " 重复");
            continue;
        }
        set.add(*g);
    }
    return set;
}

std::vector<Decimal> read_rates_by_grade(Ctx& ctx, const Field& f, const GradeScale& scale, bool usable,
                                         std::string_view what_en, std::string_view what_zh) {
    std::vector<Decimal> rates(scale.size(), Decimal());
    if (!expect_kind(ctx, f, Node::Kind::map)) return rates;
    GradeSet seen;
    for (std::size_t i = 0; i < f.value->size(); ++i) {
        const Node& key = f.value->key(i);
        const auto g = find_grade(ctx, scale, usable, key, f.path);
        const auto rate = read_number(ctx, Field{&key, &f.value->value(i), child_path(f.path, key.text)}, share());
        if (!g || !rate) continue;
        if (seen.contains(*g)) {
            ctx.error(key.pos, "the " + std::string(what_en) + " for grade " + quote(scale.bands[*g].id) + " is given twice",
                      "等级 " + quote(scale.bands[*g].id) + " 的" + std::string(what_zh) + "重复");
            continue;
        }
        seen.add(*g);
        rates[*g] = *rate;
    }
    return rates;
}

} // namespace perfbudget::detail::rules_yaml
