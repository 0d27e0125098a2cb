// Stage schemas (stage_schema.hpp): the table of what a stage's custom steps read and set.
#include "perfbudget/stage_schema.hpp"

#include "perfbudget/model.hpp"

#include <array>

namespace perfbudget::custom {

StageSchema::StageSchema(std::string stage, std::string before_en, std::string before_zh, std::vector<InputDef> inputs,
                         std::vector<OutputDef> outputs, bool indicator_rules)
    : stage_(std::move(stage)), before_en_(std::move(before_en)), before_zh_(std::move(before_zh)),
      inputs_(std::move(inputs)), outputs_(std::move(outputs)), indicator_rules_(indicator_rules) {
    if (inputs_.size() > max_stage_inputs)
        throw Error(SourceLocation{}, "the " + stage_ + " schema has more than 32 inputs",
                    stage_ + " 阶段的输入超过 32 个");
    for (const InputDef& in : inputs_) {
        if (in.type != expr::Type::list) {
            expr_.add(in.name, in.type, in.values);
            continue;
        }
        expr::Schema item;
        for (const InputDef& f : in.fields) item.add(f.name, f.type, f.values);
        expr_.add_list(in.name, std::move(item));
    }
}

std::optional<std::size_t> StageSchema::input(std::string_view name) const { return expr_.find(name); }

std::optional<std::size_t> StageSchema::output(std::string_view name) const {
    for (std::size_t i = 0; i < outputs_.size(); ++i)
        if (outputs_[i].name == name) return i;
    return std::nullopt;
}

std::optional<std::size_t> choice_index(const std::vector<expr::Choice>& values, std::string_view text) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i].id == text) return i;
        for (const std::string& s : values[i].synonyms)
            if (s == text) return i;
    }
    return std::nullopt;
}

namespace {
/// The values of an enumerated field and the spellings the CSV accepts for each
/// (model.hpp's parse_*): the Chinese term, without 指标 too, and the aliases.
template <std::size_t N, std::size_t A = 0>
std::vector<expr::Choice> choices(const std::array<std::string_view, N>& ids, const std::array<std::string_view, N>& zh,
                                  const std::array<names::Alias, A>& aliases = {}) {
    std::vector<expr::Choice> out;
    for (std::size_t i = 0; i < N; ++i) {
        expr::Choice c{std::string(ids[i]), {std::string(zh[i])}};
        if (const std::string_view bare = detail::strip_suffix(zh[i], "指标"); bare != zh[i]) c.synonyms.emplace_back(bare);
        for (const names::Alias& a : aliases)
            if (a.index == i) c.synonyms.emplace_back(a.text);
        out.push_back(std::move(c));
    }
    return out;
}
} // namespace

std::vector<expr::Choice> field_values(std::string_view name) {
    if (name == "fund_source") return choices(names::fund_source, names::fund_source_zh, names::fund_source_alias);
    if (name == "budget_kind") return choices(names::budget_kind, names::budget_kind_zh);
    if (name == "rectification") return choices(names::rectification, names::rectification_zh, names::rectification_alias);
    if (name == "revision") return choices(names::revision, names::revision_zh, names::revision_alias);
    if (name == "indicator.direction") return choices(names::direction, names::direction_zh, names::direction_alias);
    if (name == "indicator.level1") return choices(names::level1, names::level1_zh, names::level1_alias);
    if (name == "indicator.level2") return choices(names::level2, names::level2_zh, names::level2_alias);
    return {};
}

namespace {
std::string values_text(const std::vector<expr::Choice>& values) {
    std::string s;
    for (const expr::Choice& c : values) {
        s += (s.empty() ? "" : ", ") + std::string("`") + c.id + "`";
        if (!c.synonyms.empty()) s += " (" + c.synonyms.front() + ")";
    }
    return s;
}
/// One row of an inputs table: `name` | type | what it holds.
std::string input_row(const InputDef& in) {
    std::string type = in.type == expr::Type::list ? "list of items" : expr::type_name(in.type);
    if (in.number == NumberKind::integer) type += ", whole";
    if (in.number == NumberKind::count) type += ", whole ≥ 0";
    if (in.number == NumberKind::share) type += ", a share";
    std::string doc = in.doc;
    if (!in.values.empty()) doc += doc.empty() ? values_text(in.values) : "; one of " + values_text(in.values);
    return "| `" + in.name + "` | " + type + " | " + doc + " |\n";
}
} // namespace

std::string schema_markdown(const StageSchema& sc) {
    std::string s = "| name | type | value |\n|---|---|---|\n";
    for (const InputDef& in : sc.inputs()) s += input_row(in);
    for (const InputDef& in : sc.inputs()) {
        if (in.type != expr::Type::list) continue;
        s += "\nItems of `" + in.name + "`, as `i.name` in `" + in.name + ".all(i, …)`, `" + in.name + ".exists(i, …)`, `" +
             in.name + ".count(i, …)` (docs/expressions.md):\n\n| field | type | value |\n|---|---|---|\n";
        for (const InputDef& f : in.fields) s += input_row(f);
    }
    s += "\n| output | type | effect |\n|---|---|---|\n";
    for (const OutputDef& o : sc.outputs()) {
        std::string type;
        switch (o.kind) {
        case OutputKind::share: type = "number, 0–100%"; break;
        case OutputKind::points: type = "number, points"; break;
        case OutputKind::boolean: type = "boolean"; break;
        case OutputKind::choice: type = "one of " + values_text(o.values); break;
        }
        s += "| `" + o.name + "` | " + type + " | " + o.zh + ": " + o.doc + " |\n";
    }
    return s;
}

} // namespace perfbudget::custom
