// The `custom:` section of a rule file: decision tables and custom rules
// (custom_rules.hpp; the format is in docs/rules.md, "Custom rules and decision tables").
#include "load_custom.hpp"

#include "perfbudget/custom_rules.hpp"
#include "perfbudget/expr.hpp"

#include <array>
#include <string>
#include <vector>

namespace perfbudget::detail::rules_yaml {

namespace {

using custom::Slot;
using custom::Target;

/// The position of `at` (1-based line, character column, as an expression
/// diagnostic gives it) inside the file of `start`, found by scanning from `start`'s line.
Pos pos_at(const Ctx& ctx, const Pos& start, const SourceLocation& at) {
    if (start.line < 0 || start.file >= ctx.sources.texts.size() || at.line == 0) return start;
    const std::string_view text = ctx.sources.texts[start.file];
    std::size_t b = static_cast<std::size_t>(start.pos - start.column);
    int line = start.line;
    while (line + 1 < static_cast<int>(at.line) && b < text.size()) {
        const std::size_t nl = text.find('\n', b);
        if (nl == std::string_view::npos) return start;
        b = nl + 1;
        ++line;
    }
    const std::size_t line_start = b;
    for (std::uint32_t c = 1; c < at.column && b < text.size() && text[b] != '\n'; ++c) {
        ++b;
        while (b < text.size() && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) ++b;
    }
    return Pos{start.file, line, static_cast<int>(b - line_start), static_cast<int>(b)};
}

/// Where the text of a scalar starts (after an opening quote).
SourceLocation text_start(const Ctx& ctx, const Node& n) {
    SourceLocation w = ctx.sources.where(n.pos);
    if (n.pos.file < ctx.sources.texts.size()) {
        const std::string_view t = ctx.sources.texts[n.pos.file];
        const auto p = static_cast<std::size_t>(n.pos.pos);
        if (p < t.size() && (t[p] == '"' || t[p] == '\'')) ++w.column;
    }
    return w;
}

/// Compiles an expression, reporting its error (with the diagnostic's own position) to ctx.
std::optional<expr::CompiledExpr> compile_at(Ctx& ctx, const Node& n, const std::string& text, SourceLocation where,
                                             const expr::Schema& schema) {
    try {
        return expr::compile(text, schema, where);
    } catch (const Error& e) {
        for (const Diagnostic& d : e.diagnostics()) ctx.error(pos_at(ctx, n.pos, d.where), d.en, d.zh);
    }
    return std::nullopt;
}

const char* type_en(expr::Type t) { return expr::type_name(t, Lang::en); }
const char* type_zh(expr::Type t) { return expr::type_name(t, Lang::zh); }

std::vector<std::string_view> slot_names() {
    std::vector<std::string_view> v;
    for (std::size_t i = 0; i < custom::slot_count; ++i) v.push_back(custom::slot_name(static_cast<Slot>(i)));
    return v;
}
std::vector<std::string_view> target_names() {
    std::vector<std::string_view> v;
    for (std::size_t i = 0; i < custom::target_count; ++i) v.push_back(custom::target_name(static_cast<Target>(i)));
    return v;
}

std::optional<Target> read_target(Ctx& ctx, const Node& n, const std::string& path) {
    const auto names = target_names();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (n.text == names[i]) return static_cast<Target>(i);
    const auto [en, zh] = suggestion(n.text, names);
    ctx.error(n.pos, "unknown output field " + quote(n.text) + " in " + quote(path) + en,
              quote(path) + " 中有未知的输出字段 " + quote(n.text) + zh);
    return std::nullopt;
}

/// An output value: an expression of the target's type. A constant cut must be a share 0–100%.
std::optional<custom::Output> compile_output(Ctx& ctx, Target t, const Node& n, const std::string& path) {
    if (n.kind != Node::Kind::scalar) {
        ctx.error(n.pos, quote(path) + " must be a single value or expression, found " + kind_en(n.kind),
                  quote(path) + " 应为单个值或表达式，实际为" + kind_zh(n.kind));
        return std::nullopt;
    }
    auto e = compile_at(ctx, n, n.text, text_start(ctx, n), custom::schema());
    if (!e) return std::nullopt;
    const expr::Type want = custom::target_type(t);
    if (e->result_type() != want) {
        ctx.error(n.pos,
                  "type error: " + quote(path) + " (" + std::string(custom::target_name(t)) + ") must be a " + type_en(want) +
                      ", not a " + type_en(e->result_type()),
                  "类型错误：" + quote(path) + "（" + std::string(custom::target_name_zh(t)) + "）应为" + type_zh(want) +
                      "，实际为" + type_zh(e->result_type()));
        return std::nullopt;
    }
    if (t == Target::cut && e->reads().empty()) {
        try {
            const std::array<expr::Value, custom::slot_count> none{};
            const expr::Value v = expr::evaluate(*e, none);
            if (v.as_number() < Fraction::zero() || v.as_number() > Fraction::one())
                ctx.error(n.pos, quote(path) + ": the cut must be a share from 0% to 100%, found " + v.to_string(),
                          quote(path) + "：核减比例应在 0% 至 100% 之间，实际为 " + v.to_string());
        } catch (const Error& err) {
            ctx.error(n.pos, err.diagnostics().front().en, err.diagnostics().front().zh);
        }
    }
    return custom::Output{t, std::move(*e), ctx.ref(n.pos)};
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

/// A cell written as a comparison (`< 60%`, `== "local"`, `in ["a", "b"]`) rather than a literal.
bool is_condition(std::string_view s) {
    return starts_with(s, "<") || starts_with(s, ">") || starts_with(s, "==") || starts_with(s, "!=") ||
           starts_with(s, "in ") || starts_with(s, "in[") || starts_with(s, "not in");
}

/// The allowed literal texts of a text input, or empty when any text is allowed.
std::vector<std::string_view> text_choices(Slot s, const GradeScale* grades) {
    std::vector<std::string_view> v;
    switch (s) {
    case Slot::grade:
        if (grades)
            for (const GradeBand& b : grades->bands) v.push_back(b.id);
        break;
    case Slot::fund_source: v.assign(names::fund_source.begin(), names::fund_source.end()); break;
    case Slot::budget_kind: v.assign(names::budget_kind.begin(), names::budget_kind.end()); break;
    default: break;
    }
    return v;
}

std::optional<custom::Cell> compile_cell(Ctx& ctx, Slot input, const Node& n, const std::string& path,
                                         const GradeScale* grades) {
    custom::Cell cell;
    cell.where = ctx.ref(n.pos);
    if (n.kind != Node::Kind::scalar) {
        ctx.error(n.pos, quote(path) + " must be a single value, a comparison or -, found " + kind_en(n.kind),
                  quote(path) + " 应为单个值、比较式或 -，实际为" + kind_zh(n.kind));
        return std::nullopt;
    }
    const std::string& s = n.text;
    cell.text = s;
    if (s == "-") return cell;
    const std::string_view name = custom::slot_name(input);
    const expr::Type type = custom::schema().type(static_cast<std::size_t>(input));
    if (is_condition(s)) {
        // Compiled as `input <cell>`; positions are shifted back so errors point into the cell.
        SourceLocation w = text_start(ctx, n);
        const auto shift = static_cast<std::uint32_t>(name.size() + 1);
        w.column = w.column > shift ? w.column - shift : 1;
        auto e = compile_at(ctx, n, std::string(name) + " " + s, w, custom::schema());
        if (!e) return std::nullopt;
        if (e->result_type() != expr::Type::boolean) {
            ctx.error(n.pos, quote(path) + ": " + quote(std::string(name) + " " + s) + " is not a condition",
                      quote(path) + "：" + quote(std::string(name) + " " + s) + " 不是条件");
            return std::nullopt;
        }
        cell.kind = custom::Cell::Kind::condition;
        cell.condition = std::move(*e);
        return cell;
    }
    cell.kind = custom::Cell::Kind::literal;
    if (type == expr::Type::text) {
        const auto choices = text_choices(input, grades);
        if (choices.empty()) return cell;
        if (input == Slot::grade && grades) {
            const std::size_t g = grades->find(s); // an id or a zh label; compared as the id
            if (g < grades->size()) {
                cell.text = grades->bands[g].id;
                return cell;
            }
        } else if (std::find(choices.begin(), choices.end(), s) != choices.end()) {
            return cell;
        }
        const auto [en, zh] = suggestion(s, choices);
        ctx.error(n.pos, "unknown " + std::string(name) + " " + quote(s) + " in " + quote(path) + en,
                  quote(path) + " 中有未知的 " + std::string(name) + " " + quote(s) + zh);
        return std::nullopt;
    }
    // A number, boolean or date literal: an expression without names.
    auto e = compile_at(ctx, n, s, text_start(ctx, n), expr::Schema{});
    if (!e) return std::nullopt;
    if (e->result_type() != type) {
        ctx.error(n.pos,
                  "type error: " + quote(path) + " compares " + std::string(name) + " (a " + type_en(type) + ") with a " +
                      type_en(e->result_type()),
                  "类型错误：" + quote(path) + " 将 " + std::string(name) + "（" + type_zh(type) + "）与" +
                      type_zh(e->result_type()) + "比较");
        return std::nullopt;
    }
    try {
        cell.literal = expr::evaluate(*e, {});
    } catch (const Error& err) {
        ctx.error(n.pos, err.diagnostics().front().en, err.diagnostics().front().zh);
        return std::nullopt;
    }
    return cell;
}

/// Two cells of the same input that match exactly the same values (equal literals or identical conditions).
bool same_cell(const custom::Cell& a, const custom::Cell& b, bool text_input) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
    case custom::Cell::Kind::any: return true;
    case custom::Cell::Kind::literal: return text_input ? a.text == b.text : a.literal == b.literal;
    case custom::Cell::Kind::condition: return a.condition.text() == b.condition.text();
    }
    return false;
}

/// Row `early` matches every project row `late` matches (so, first-hit, `late` is never reached).
bool covers(const custom::Table& t, const custom::Row& early, const custom::Row& late) {
    for (std::size_t c = 0; c < early.inputs.size() && c < late.inputs.size(); ++c) {
        const custom::Cell& a = early.inputs[c];
        if (a.kind == custom::Cell::Kind::any) continue;
        const bool text_input = custom::schema().type(static_cast<std::size_t>(t.inputs[c])) == expr::Type::text;
        if (!same_cell(a, late.inputs[c], text_input)) return false;
    }
    return true;
}

std::optional<custom::Table> compile_table(Ctx& ctx, const MapView& m, const GradeScale* grades) {
    custom::Table t;
    bool ok = true;
    const Field idf = m.get("table");
    if (auto id = read_identifier(ctx, idf)) t.id = *id;
    else ok = false;
    t.where = ctx.ref(idf.rule_pos());
    if (const Field f = m.find("zh"); f.value) t.zh = read_text(ctx, f).value_or("");
    if (const Field f = m.find("en"); f.value) t.en = read_text(ctx, f).value_or("");
    if (auto hit = read_choice<custom::HitPolicy>(ctx, m.get("hit"),
                                                  {{"first", custom::HitPolicy::first}, {"collect", custom::HitPolicy::collect}}))
        t.hit = *hit;
    else ok = false;

    const Field inf = m.get("inputs");
    if (expect_kind(ctx, inf, Node::Kind::list)) {
        const auto known = slot_names();
        for (const Node& n : inf.value->children) {
            const auto it = n.kind == Node::Kind::scalar ? std::find(known.begin(), known.end(), n.text) : known.end();
            if (it == known.end()) {
                const auto [en, zh] = suggestion(n.text, known);
                ctx.error(n.pos, "unknown input " + quote(n.text) + " in " + inf.name() + en,
                          inf.name_zh() + " 中有未知的输入 " + quote(n.text) + zh);
                ok = false;
                continue;
            }
            t.inputs.push_back(static_cast<Slot>(it - known.begin()));
        }
    } else ok = false;
    const Field outf = m.get("outputs");
    if (expect_kind(ctx, outf, Node::Kind::list)) {
        for (const Node& n : outf.value->children) {
            auto target = read_target(ctx, n, outf.path);
            if (!target) {
                ok = false;
                continue;
            }
            if (std::find(t.outputs.begin(), t.outputs.end(), *target) != t.outputs.end()) {
                ctx.error(n.pos, "output " + quote(n.text) + " is listed twice in " + outf.name(),
                          outf.name_zh() + " 中输出 " + quote(n.text) + " 重复");
                ok = false;
            }
            t.outputs.push_back(*target);
        }
        if (t.outputs.empty()) {
            ctx.error(outf.pos(), outf.name() + " must list at least one output field",
                      outf.name_zh() + " 至少应列出一个输出字段");
            ok = false;
        }
    } else ok = false;
    const Field rowsf = m.get("rows");
    if (!expect_kind(ctx, rowsf, Node::Kind::list) || !ok) return std::nullopt;
    if (rowsf.value->children.size() > custom::max_rows) {
        ctx.error(rowsf.pos(), rowsf.name() + " has more than 1000 rows", rowsf.name_zh() + " 超过 1000 行");
        return std::nullopt;
    }
    const std::size_t width = t.inputs.size() + t.outputs.size();
    for (std::size_t r = 0; r < rowsf.value->children.size(); ++r) {
        const Node& rn = rowsf.value->children[r];
        const std::string rpath = rowsf.path + "[" + std::to_string(r + 1) + "]";
        if (rn.kind != Node::Kind::list || rn.children.size() != width) {
            ctx.error(rn.pos,
                      quote(rpath) + " must be a list of " + std::to_string(width) + " cells (" +
                          std::to_string(t.inputs.size()) + " inputs, then " + std::to_string(t.outputs.size()) + " outputs)",
                      quote(rpath) + " 应为 " + std::to_string(width) + " 个单元格的列表（" + std::to_string(t.inputs.size()) +
                          " 个输入，其后 " + std::to_string(t.outputs.size()) + " 个输出）");
            ok = false;
            continue;
        }
        custom::Row row;
        row.where = ctx.ref(rn.pos);
        bool row_ok = true;
        for (std::size_t c = 0; c < t.inputs.size(); ++c) {
            auto cell = compile_cell(ctx, t.inputs[c], rn.children[c], rpath, grades);
            if (cell) row.inputs.push_back(std::move(*cell));
            else row_ok = false;
        }
        for (std::size_t c = 0; c < t.outputs.size(); ++c) {
            const Node& cn = rn.children[t.inputs.size() + c];
            if (cn.kind == Node::Kind::scalar && cn.text == "-") continue;
            auto o = compile_output(ctx, t.outputs[c], cn, rpath);
            if (o) row.outputs.push_back(std::move(*o));
            else row_ok = false;
        }
        if (!row_ok) {
            ok = false;
            continue;
        }
        if (t.hit == custom::HitPolicy::first) {
            for (std::size_t e = 0; e < t.rows.size(); ++e) {
                if (!covers(t, t.rows[e], row)) continue;
                const std::string earlier = std::to_string(t.rows[e].where.line);
                ctx.error(rn.pos,
                          "row " + std::to_string(r + 1) + " of first-hit table " + quote(t.id) +
                              " can never be reached: the earlier row at line " + earlier +
                              " matches every project it matches (same or broader conditions)",
                          "首个命中决策表 " + quote(t.id) + " 的第 " + std::to_string(r + 1) + " 行永远不会命中：第 " + earlier +
                              " 行的条件相同或更宽，已匹配其全部项目");
                break;
            }
        }
        t.rows.push_back(std::move(row));
    }
    if (!ok) return std::nullopt;
    return t;
}

std::optional<custom::Rule> compile_rule(Ctx& ctx, const MapView& m) {
    custom::Rule r;
    bool ok = true;
    const Field idf = m.get("rule");
    if (auto id = read_identifier(ctx, idf)) r.id = *id;
    else ok = false;
    r.where = ctx.ref(idf.rule_pos());
    if (auto zh = read_text(ctx, m.get("zh"))) r.zh = *zh;
    else ok = false;
    if (auto en = read_text(ctx, m.get("en"))) r.en = *en;
    else ok = false;
    const Field whenf = m.get("when");
    if (const std::string* s = scalar_text(ctx, whenf, "a condition", "条件")) {
        auto e = compile_at(ctx, *whenf.value, *s, text_start(ctx, *whenf.value), custom::schema());
        if (e && e->result_type() != expr::Type::boolean) {
            ctx.error(whenf.pos(),
                      "type error: " + whenf.name() + " must be a condition (boolean), not a " + type_en(e->result_type()),
                      "类型错误：" + whenf.name_zh() + " 应为条件（布尔值），实际为" + type_zh(e->result_type()));
            e.reset();
        }
        if (e) r.when = std::move(*e);
        else ok = false;
    } else ok = false;
    if (const Field thenf = m.find("then"); thenf.value) {
        if (expect_kind(ctx, thenf, Node::Kind::map)) {
            for (std::size_t i = 0; i < thenf.value->size(); ++i) {
                const Node& k = thenf.value->key(i);
                auto target = read_target(ctx, k, thenf.path);
                if (!target) {
                    ok = false;
                    continue;
                }
                auto o = compile_output(ctx, *target, thenf.value->value(i), child_path(thenf.path, k.text));
                if (!o) {
                    ok = false;
                    continue;
                }
                o->where = ctx.ref(k.pos);
                r.then.push_back(std::move(*o));
            }
        } else ok = false;
    }
    if (!ok) return std::nullopt;
    return r;
}

/// The slots a step reads and writes, as bit masks over Slot.
std::pair<std::uint32_t, std::uint32_t> reads_writes(const custom::Step& s) {
    std::uint32_t reads = 0, writes = 0;
    auto read = [&](const expr::CompiledExpr& e) {
        for (std::size_t slot : e.reads()) reads |= std::uint32_t{1} << slot;
    };
    if (s.kind == custom::Step::Kind::rule) {
        read(s.rule.when);
        for (const auto& o : s.rule.then) {
            read(o.value);
            writes |= custom::target_writes(o.target);
        }
    } else {
        for (Slot in : s.table.inputs) reads |= std::uint32_t{1} << static_cast<unsigned>(in);
        for (Target t : s.table.outputs) writes |= custom::target_writes(t);
        for (const auto& row : s.table.rows) {
            for (const auto& c : row.inputs)
                if (c.kind == custom::Cell::Kind::condition) read(c.condition);
            for (const auto& o : row.outputs) read(o.value);
        }
    }
    return {reads, writes};
}

std::string slot_list(std::uint32_t mask) {
    std::string s;
    for (std::size_t i = 0; i < custom::slot_count; ++i)
        if (mask >> i & 1U) s += (s.empty() ? "" : ", ") + std::string(custom::slot_name(static_cast<Slot>(i)));
    return s;
}

} // namespace

void compile_custom(Ctx& ctx, const Field& f, const GradeScale* grades, CustomRules& out) {
    out.steps.clear();
    if (!expect_kind(ctx, f, Node::Kind::list)) return;
    out.where = ctx.ref(f.rule_pos());
    if (f.value->children.size() > custom::max_steps) {
        ctx.error(f.pos(), f.name() + " has more than 1000 steps", f.name_zh() + " 超过 1000 项");
        return;
    }
    std::vector<Pos> step_pos;
    bool ok = true;
    for (std::size_t i = 0; i < f.value->children.size(); ++i) {
        const Node& n = f.value->children[i];
        const Field item{nullptr, &n, f.path + "[" + std::to_string(i + 1) + "]"};
        if (!expect_kind(ctx, item, Node::Kind::map)) {
            ok = false;
            continue;
        }
        bool is_table = false, is_rule = false;
        for (std::size_t k = 0; k < n.size(); ++k) {
            is_table = is_table || n.key(k).text == "table";
            is_rule = is_rule || n.key(k).text == "rule";
        }
        if (is_table == is_rule) {
            ctx.error(n.pos, item.name() + " must have exactly one of `table: ID` (a decision table) or `rule: ID` (a rule)",
                      item.name_zh() + " 应有且仅有 `table: ID`（决策表）或 `rule: ID`（规则）之一");
            ok = false;
            continue;
        }
        custom::Step step;
        if (is_table) {
            const MapView m(ctx, item, {"table", "zh", "en", "hit", "inputs", "outputs", "rows"});
            auto t = compile_table(ctx, m, grades);
            if (!t) {
                ok = false;
                continue;
            }
            step.kind = custom::Step::Kind::table;
            step.table = std::move(*t);
        } else {
            const MapView m(ctx, item, {"rule", "zh", "en", "when", "then"});
            auto r = compile_rule(ctx, m);
            if (!r) {
                ok = false;
                continue;
            }
            step.kind = custom::Step::Kind::rule;
            step.rule = std::move(*r);
        }
        for (std::size_t e = 0; e < out.steps.size(); ++e)
            if (out.steps[e].id() == step.id()) {
                ctx.error(n.pos, "the id " + quote(step.id()) + " is used twice in " + f.name() + " (first at line " +
                                     std::to_string(out.steps[e].where().line) + ")",
                          f.name_zh() + " 中 id " + quote(step.id()) + " 重复（首次在第 " +
                              std::to_string(out.steps[e].where().line) + " 行）");
                ok = false;
            }
        out.steps.push_back(std::move(step));
        step_pos.push_back(n.pos);
    }
    if (!ok) {
        out.steps.clear();
        return;
    }
    // Order: a step may read only what grading and earlier steps set.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> rw;
    out.reads = 0;
    for (const auto& s : out.steps) {
        rw.push_back(reads_writes(s));
        out.reads |= rw.back().first;
    }
    for (std::size_t j = 0; j < out.steps.size(); ++j)
        for (std::size_t i = 0; i < j; ++i) {
            const std::uint32_t clash = rw[i].first & rw[j].second;
            if (!clash) continue;
            const std::string fields = slot_list(clash);
            const std::string earlier = quote(out.steps[i].id()) + " (line " + std::to_string(out.steps[i].where().line) + ")";
            const std::string earlier_zh =
                quote(out.steps[i].id()) + "（第 " + std::to_string(out.steps[i].where().line) + " 行）";
            ctx.error(step_pos[j],
                      quote(out.steps[j].id()) + " changes " + fields + ", which the earlier step " + earlier +
                          " reads: a step may only read what grading and earlier steps set; move " + quote(out.steps[j].id()) +
                          " before " + quote(out.steps[i].id()),
                      quote(out.steps[j].id()) + " 会改变 " + fields + "，而前面的 " + earlier_zh +
                          " 读取了它：每一步只能读取评级和前面各步设定的字段；请把 " + quote(out.steps[j].id()) + " 移到 " +
                          quote(out.steps[i].id()) + " 之前");
            break;
        }
}

} // namespace perfbudget::detail::rules_yaml
