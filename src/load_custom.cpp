// The `custom:` section of a rule file: decision tables and custom rules
// (custom_rules.hpp; the format is in docs/rules.md, "Custom rules and decision tables").
#include "load_custom.hpp"

#include "perfbudget/custom_rules.hpp"
#include "perfbudget/expr.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
/// `prefix` bytes of `text` (a table cell's input name) are not in the file: `where`
/// is where the rest starts, and positions are moved back by them.
std::optional<expr::CompiledExpr> compile_at(Ctx& ctx, const Node& n, const std::string& text, SourceLocation where,
                                             const expr::Schema& schema, std::uint32_t prefix = 0) {
    try {
        return expr::compile(text, schema, where);
    } catch (const Error& e) {
        for (Diagnostic d : e.diagnostics()) {
            if (prefix && d.where.line == where.line)
                d.where.column = d.where.column >= where.column + prefix ? d.where.column - prefix : where.column;
            ctx.error(pos_at(ctx, n.pos, d.where), d.en, d.zh);
        }
    }
    return std::nullopt;
}

const char* type_en(expr::Type t) { return expr::type_name(t, Lang::en); }
const char* type_zh(expr::Type t) { return expr::type_name(t, Lang::zh); }

std::vector<std::string_view> input_names(const custom::StageSchema& stage) {
    std::vector<std::string_view> v;
    for (const custom::InputDef& in : stage.inputs()) v.push_back(in.name);
    return v;
}
std::vector<std::string_view> output_names(const custom::StageSchema& stage) {
    std::vector<std::string_view> v;
    for (const custom::OutputDef& o : stage.outputs()) v.push_back(o.name);
    return v;
}

/// An output named in `then:` or a table's `outputs:`, as an index into the stage's outputs.
std::optional<Target> read_target(Ctx& ctx, const custom::StageSchema& stage, const Node& n, const std::string& path) {
    const auto names = output_names(stage);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (n.text == names[i]) return static_cast<Target>(i);
    const auto [en, zh] = suggestion(n.text, names);
    ctx.error(n.pos, "unknown output field " + quote(n.text) + " in " + quote(path) + en,
              quote(path) + " 中有未知的输出字段 " + quote(n.text) + zh);
    return std::nullopt;
}

/// Letters, digits, '_' and non-ASCII only: a bare word, not an expression.
bool is_word(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (!(u >= 0x80 || std::isalnum(u) || c == '_')) return false;
    }
    return true;
}

void unknown_choice(Ctx& ctx, const Node& n, const custom::OutputDef& def, std::string_view text, const std::string& path) {
    std::vector<std::string_view> ids;
    for (const expr::Choice& c : def.values) ids.push_back(c.id);
    const auto [en, zh] = suggestion(std::string(text), ids);
    ctx.error(n.pos, quote(path) + ": unknown " + def.name + " " + quote(std::string(text)) + en,
              quote(path) + "：未知的" + def.zh + " " + quote(std::string(text)) + zh);
}

/// An output value: an expression of the output's type. A constant share must be
/// 0–100%; a choice is a bare value of its set (`red`, 红灯) or a text expression,
/// whose constant must be one of the set.
std::optional<custom::Output> compile_output(Ctx& ctx, const custom::StageSchema& stage, Target t, const Node& n,
                                             const std::string& path) {
    if (n.kind != Node::Kind::scalar) {
        ctx.error(n.pos, quote(path) + " must be a single value or expression, found " + kind_en(n.kind),
                  quote(path) + " 应为单个值或表达式，实际为" + kind_zh(n.kind));
        return std::nullopt;
    }
    const custom::OutputDef& def = stage.outputs()[static_cast<std::size_t>(t)];
    std::optional<expr::CompiledExpr> e;
    if (def.kind == custom::OutputKind::choice) {
        if (const auto i = custom::choice_index(def.values, n.text)) { // a bare value: the id as a text literal
            e = expr::compile("\"" + def.values[*i].id + "\"", expr::Schema{}, text_start(ctx, n));
        } else if (is_word(n.text) && !stage.input(n.text)) { // a bare word that is no value and no name
            unknown_choice(ctx, n, def, n.text, path);
            return std::nullopt;
        }
    }
    if (!e) e = compile_at(ctx, n, n.text, text_start(ctx, n), stage.expr());
    if (!e) return std::nullopt;
    const expr::Type want = def.type();
    if (e->result_type() != want) {
        ctx.error(n.pos,
                  "type error: " + quote(path) + " (" + def.name + ") must be a " + type_en(want) + ", not a " +
                      type_en(e->result_type()),
                  "类型错误：" + quote(path) + "（" + def.zh + "）应为" + type_zh(want) + "，实际为" +
                      type_zh(e->result_type()));
        return std::nullopt;
    }
    // A constant is checked here; it reads no name, but evaluate() wants a value per name compiled against.
    const std::vector<expr::Value> none(e->slot_count());
    if (def.kind == custom::OutputKind::choice && e->reads().empty()) {
        const expr::Value v = expr::evaluate(*e, none);
        if (!custom::choice_index(def.values, v.as_text())) {
            unknown_choice(ctx, n, def, v.as_text(), path);
            return std::nullopt;
        }
    }
    if (def.kind == custom::OutputKind::share && e->reads().empty()) {
        try {
            const expr::Value v = expr::evaluate(*e, none);
            if (v.as_number() < Number() || v.as_number() > Number::integer(1))
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

std::optional<custom::Cell> compile_cell(Ctx& ctx, const expr::Schema& schema, Slot input, const Node& n,
                                         const std::string& path) {
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
    const auto slot = static_cast<std::size_t>(input);
    const std::string_view name = schema.name(slot);
    const expr::Type type = schema.type(slot);
    if (is_condition(s)) {
        // Compiled as `input <cell>`; positions are shifted back so errors point into the cell.
        const auto prefix = static_cast<std::uint32_t>(name.size() + 1);
        auto e = compile_at(ctx, n, std::string(name) + " " + s, text_start(ctx, n), schema, prefix);
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
        // A literal of an input with a fixed set of values is one of them, or a
        // synonym the CSV accepts (a grade's zh label), compared as the id.
        if (const auto id = schema.canonical(slot, s)) {
            cell.text = std::string(*id);
            return cell;
        }
        std::vector<std::string_view> choices;
        for (const expr::Choice& c : schema.values(slot)) choices.push_back(c.id);
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
bool covers(const expr::Schema& schema, const custom::Table& t, const custom::Row& early, const custom::Row& late) {
    for (std::size_t c = 0; c < early.inputs.size() && c < late.inputs.size(); ++c) {
        const custom::Cell& a = early.inputs[c];
        if (a.kind == custom::Cell::Kind::any) continue;
        const bool text_input = schema.type(static_cast<std::size_t>(t.inputs[c])) == expr::Type::text;
        if (!same_cell(a, late.inputs[c], text_input)) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Tables as sets: reachability, overlaps, unused columns (docs/rules.md, "Checks").
//
// Every analysable input cell is a set of values: `-` everything; a literal or
// `== x` one value; `!= x` all but one; `< x`, `<= x`, `> x`, `>= x` a half-line
// of exact rationals; `in [...]` / `not in [...]` a finite / co-finite set. Any
// other condition (a general expression) is "unknown". Each input's axis is cut
// at every constant the table's cells mention into elementary regions — for a
// number: (−∞, p1), {p1}, (p1, p2), {p2}, …, (pk, +∞); for text: each value of a
// finite universe (grades, fund sources, budget kinds, true/false), or each
// mentioned value plus "any other text" — so every analysable cell is exactly a
// union of regions (a bit set) and a row is a box of them. Inputs are treated as
// independent (the loader does not know that a grade follows the total).

/// What an input cell matches: `op` applied to constants.
struct CellSet {
    enum class Op : std::uint8_t { any, eq, ne, lt, le, gt, ge, in, not_in, unknown };
    Op op = Op::any;
    std::vector<Fraction> numbers;  // number inputs
    std::vector<std::string> texts; // text inputs; booleans as "true" / "false"
};

bool blank_char(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && blank_char(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank_char(s.back())) s.remove_suffix(1);
    return s;
}

/// Adds the constant `text` (no names) of type `type` to `out`; false when it is not one.
bool add_constant(std::string_view text, expr::Type type, CellSet& out) {
    text = trim(text);
    // A boolean right side must be a bare literal: `== false and false` is `(x == false) and false`.
    if (type == expr::Type::boolean && text != "true" && text != "false") return false;
    try {
        const expr::CompiledExpr e = expr::compile(text, expr::Schema{}, SourceLocation{});
        if (e.result_type() != type || !e.reads().empty()) return false;
        const expr::Value v = expr::evaluate(e, {});
        switch (type) {
        case expr::Type::number: // the analysis works in 128 bits: a larger constant is left unanalysed
            if (v.as_number().is_big()) return false;
            out.numbers.push_back(v.as_number().small());
            return true;
        case expr::Type::boolean: out.texts.emplace_back(v.as_bool() ? "true" : "false"); return true;
        case expr::Type::text: out.texts.emplace_back(v.as_text()); return true;
        default: return false;
        }
    } catch (const std::exception&) {
        return false; // not a constant we can read: the cell is unknown
    }
}

/// The items of the list literal that makes up all of `s` (`["a", "b"]`), or nothing.
std::optional<std::vector<std::string_view>> list_items(std::string_view s) {
    s = trim(s);
    if (s.empty() || s.front() != '[') return std::nullopt;
    std::vector<std::string_view> items;
    char quote_char = 0;
    int depth = 0;
    std::size_t start = 1;
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char ch = s[i];
        if (quote_char) {
            if (ch == quote_char) quote_char = 0;
            continue;
        }
        if (ch == '"' || ch == '\'') quote_char = ch;
        else if (ch == '(') ++depth;
        else if (ch == ')') --depth;
        else if (depth == 0 && (ch == ',' || ch == ']')) {
            const std::string_view item = trim(s.substr(start, i - start));
            if (ch == ']' && item.empty() && items.empty()) return trim(s.substr(i + 1)).empty() ? std::optional(items) : std::nullopt;
            if (item.empty()) return std::nullopt;
            items.push_back(item);
            start = i + 1;
            if (ch == ']') return trim(s.substr(i + 1)).empty() ? std::optional(items) : std::nullopt;
        }
    }
    return std::nullopt;
}

/// The set a compiled cell of input type `type` matches, its texts as written.
CellSet describe_as_written(const custom::Cell& cell, expr::Type type) {
    using Op = CellSet::Op;
    CellSet out;
    switch (cell.kind) {
    case custom::Cell::Kind::any: return out;
    case custom::Cell::Kind::literal:
        out.op = Op::eq;
        if (type == expr::Type::text) out.texts.push_back(cell.text);
        else if (type == expr::Type::boolean) out.texts.emplace_back(cell.literal.as_bool() ? "true" : "false");
        else if (type == expr::Type::number && !cell.literal.as_number().is_big()) out.numbers.push_back(cell.literal.as_number().small());
        else out.op = Op::unknown;
        return out;
    case custom::Cell::Kind::condition: break;
    }
    const std::string_view s = trim(cell.text);
    static constexpr std::pair<std::string_view, Op> ops[] = {{"not in", Op::not_in}, {"in", Op::in}, {"<=", Op::le},
                                                              {">=", Op::ge},         {"==", Op::eq}, {"!=", Op::ne},
                                                              {"<", Op::lt},          {">", Op::gt}};
    out.op = Op::unknown;
    for (const auto& [text, op] : ops) {
        if (!starts_with(s, text)) continue;
        const std::string_view rest = s.substr(text.size());
        bool ok = false;
        if (op == Op::in || op == Op::not_in) {
            if (auto items = list_items(rest)) {
                ok = true;
                for (std::string_view item : *items) ok = ok && add_constant(item, type, out);
            }
        } else if (op == Op::eq || op == Op::ne || type == expr::Type::number) {
            ok = add_constant(rest, type, out);
        }
        if (ok) out.op = op;
        else out = CellSet{CellSet::Op::unknown, {}, {}};
        return out;
    }
    return out;
}

/// The set a compiled cell of input `slot` matches.
CellSet describe(const custom::Cell& cell, const expr::Schema& schema, std::size_t slot) {
    CellSet out = describe_as_written(cell, schema.type(slot));
    // A condition's text may spell a value by a synonym (`== "本级"`); the sets compare ids.
    for (std::string& t : out.texts)
        if (const auto id = schema.canonical(slot, t)) t = std::string(*id);
    return out;
}

/// A bit set over an axis's regions.
struct Bits {
    std::vector<std::uint64_t> w;
    Bits() = default;
    explicit Bits(std::size_t n) : w((n + 63) / 64) {}
    void set(std::size_t i) { w[i / 64] |= std::uint64_t{1} << (i % 64); }
    void set_range(std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) set(i);
    }
    bool test(std::size_t i) const { return (w[i / 64] >> (i % 64) & 1U) != 0; }
    bool any() const {
        for (std::uint64_t x : w)
            if (x) return true;
        return false;
    }
    bool intersects(const Bits& o) const {
        for (std::size_t i = 0; i < w.size(); ++i)
            if (w[i] & o.w[i]) return true;
        return false;
    }
    bool subset_of(const Bits& o) const {
        for (std::size_t i = 0; i < w.size(); ++i)
            if (w[i] & ~o.w[i]) return false;
        return true;
    }
    Bits operator&(const Bits& o) const {
        Bits r = *this;
        for (std::size_t i = 0; i < w.size(); ++i) r.w[i] &= o.w[i];
        return r;
    }
    /// `domain` without this set's members.
    Bits complement_in(const Bits& domain) const {
        Bits r = domain;
        for (std::size_t i = 0; i < w.size(); ++i) r.w[i] &= ~w[i];
        return r;
    }
    /// The lowest member, or SIZE_MAX.
    std::size_t first() const {
        for (std::size_t i = 0; i < w.size(); ++i)
            if (w[i]) return i * 64 + static_cast<std::size_t>(__builtin_ctzll(w[i]));
        return SIZE_MAX;
    }
    template <class F>
    void each(F&& f) const {
        for (std::size_t i = 0; i < w.size(); ++i)
            for (std::uint64_t x = w[i]; x; x &= x - 1) f(i * 64 + static_cast<std::size_t>(__builtin_ctzll(x)));
    }
};

Fraction floor_of(const Fraction& f) {
    const Fraction::wide n = f.num(), d = f.den(); // d > 0
    Fraction::wide q = n / d;
    if (n % d != Fraction::wide(0) && n < Fraction::wide(0)) q = q - Fraction::wide(1);
    return Fraction(q, 1);
}
bool is_integer(const Fraction& f) { return f.num() % f.den() == Fraction::wide(0); }

/// One input (a slot; a slot listed twice in `inputs` is one axis) cut into regions.
struct Axis {
    Slot slot{};
    std::string name;
    /// From the schema: whole numbers (a count: never negative) leave regions
    /// without such a value empty; shares are shown as percentages ("exec_rate = 55%").
    custom::NumberKind kind = custom::NumberKind::any;
    expr::Type type = expr::Type::number;
    std::vector<Fraction> points;    // numbers: the constants, ascending; regions 2i+1 = {points[i]}
    std::vector<std::string> values; // text: region i is values[i]; when !finite, region values.size() is "any other"
    bool finite = false;
    std::size_t size = 0;
    Bits domain;                     // the regions holding a possible value
    std::vector<std::string> shown;  // an example value of each region, as a message writes it

    std::size_t point_index(const Fraction& f) const {
        return static_cast<std::size_t>(std::lower_bound(points.begin(), points.end(), f) - points.begin());
    }
    std::size_t value_index(const std::string& s) const {
        return static_cast<std::size_t>(std::find(values.begin(), values.end(), s) - values.begin());
    }

    /// The regions a described cell matches (an unknown cell: all of them).
    Bits bits(const CellSet& c) const {
        using Op = CellSet::Op;
        if (c.op == Op::any || c.op == Op::unknown) return domain;
        Bits b(size);
        if (type == expr::Type::number) {
            const std::size_t j = c.numbers.empty() ? 0 : point_index(c.numbers.front());
            switch (c.op) {
            case Op::lt: b.set_range(0, 2 * j + 1); break;
            case Op::le: b.set_range(0, 2 * j + 2); break;
            case Op::gt: b.set_range(2 * j + 2, size); break;
            case Op::ge: b.set_range(2 * j + 1, size); break;
            default:
                for (const Fraction& f : c.numbers) b.set(2 * point_index(f) + 1);
            }
        } else {
            for (const std::string& s : c.texts)
                if (const std::size_t i = value_index(s); i < values.size()) b.set(i);
        }
        if (c.op == Op::ne || c.op == Op::not_in) return b.complement_in(domain);
        return b & domain;
    }
};

std::string show_number(const Axis& a, const Fraction& f) {
    if (a.kind == custom::NumberKind::share) return expr::Value::number(f * Fraction::integer(100)).to_string() + "%";
    return expr::Value::number(f).to_string();
}

/// An example value of numeric region `r` of `a`, or nothing when the region holds no possible value.
std::optional<Fraction> number_example(const Axis& a, std::size_t r) {
    const bool counting = a.kind == custom::NumberKind::count;
    const bool integer = counting || a.kind == custom::NumberKind::integer;
    const std::size_t k = a.points.size();
    std::optional<Fraction> x;
    if (r % 2 == 1) {
        x = a.points[r / 2];
        if (integer && !is_integer(*x)) return std::nullopt;
    } else {
        const std::optional<Fraction> lo = r == 0 ? std::nullopt : std::optional(a.points[r / 2 - 1]);
        const std::optional<Fraction> hi = r == 2 * k ? std::nullopt : std::optional(a.points[r / 2]);
        const Fraction zero = Fraction::zero(), one = Fraction::one();
        if ((!lo || *lo < zero) && (!hi || *hi > zero)) x = zero;
        else if (integer) x = lo ? floor_of(*lo) + one : Fraction::zero() - floor_of(Fraction::zero() - *hi) - one;
        else if (lo && hi) x = (*lo + *hi) * Fraction(1, 2);
        else if (lo) x = *lo < one ? (*lo + one) * Fraction(1, 2) : *lo + one;
        else x = *hi - one;
        if ((lo && !(*x > *lo)) || (hi && !(*x < *hi))) return std::nullopt;
    }
    if (counting && *x < Fraction::zero()) return std::nullopt;
    return x;
}

/// Builds the axis of `slot` from the described cells of its columns.
Axis make_axis(const custom::StageSchema& stage, Slot slot, const std::vector<const CellSet*>& cells) {
    const expr::Schema& schema = stage.expr();
    const custom::InputDef& in = stage.inputs()[static_cast<std::size_t>(slot)];
    Axis a;
    a.slot = slot;
    a.name = in.name;
    a.kind = in.number;
    a.type = in.type;
    if (a.type == expr::Type::number) {
        for (const CellSet* c : cells)
            if (c->op != CellSet::Op::unknown) a.points.insert(a.points.end(), c->numbers.begin(), c->numbers.end());
        std::sort(a.points.begin(), a.points.end());
        a.points.erase(std::unique(a.points.begin(), a.points.end()), a.points.end());
        a.size = 2 * a.points.size() + 1;
        a.domain = Bits(a.size);
        a.shown.resize(a.size);
        for (std::size_t r = 0; r < a.size; ++r)
            if (auto x = number_example(a, r)) {
                a.domain.set(r);
                a.shown[r] = show_number(a, *x);
            }
        return a;
    }
    if (a.type == expr::Type::boolean) {
        a.values = {"false", "true"};
        a.finite = true;
    } else {
        for (const expr::Choice& c : schema.values(static_cast<std::size_t>(slot))) a.values.push_back(c.id);
        a.finite = !a.values.empty();
        if (!a.finite) {
            for (const CellSet* c : cells)
                if (c->op != CellSet::Op::unknown) a.values.insert(a.values.end(), c->texts.begin(), c->texts.end());
            std::sort(a.values.begin(), a.values.end());
            a.values.erase(std::unique(a.values.begin(), a.values.end()), a.values.end());
        }
    }
    a.size = a.values.size() + (a.finite ? 0 : 1);
    a.domain = Bits(a.size);
    a.domain.set_range(0, a.size);
    for (const std::string& v : a.values) a.shown.push_back(a.type == expr::Type::text && !a.finite ? "\"" + v + "\"" : v);
    if (!a.finite) {
        std::string other = "other";
        for (int n = 2; std::find(a.values.begin(), a.values.end(), other) != a.values.end(); ++n) other = "other" + std::to_string(n);
        a.shown.push_back("\"" + other + "\"");
    }
    return a;
}

/// The exact test gives up (the table falls back to the single-row test) past this many steps.
constexpr std::size_t max_analysis_steps = 20'000'000;
struct TooLarge {};

/// A table's rows as boxes over its axes.
class TableSets {
public:
    struct RowSet {
        std::vector<CellSet> cells; // per column
        std::vector<Bits> over;     // per axis: what the row can match (an unknown cell: anything)
        bool known = true;          // every cell analysable: `over` is exact
        bool all_any = true;        // every cell `-`
        std::size_t empty_axis = SIZE_MAX; // an axis no value of which the row matches
    };

    TableSets(const custom::Table& t, const custom::StageSchema& stage) : t_(t) {
        const expr::Schema& schema = stage.expr();
        for (Slot s : t.inputs)
            if (std::find(slots_.begin(), slots_.end(), s) == slots_.end()) slots_.push_back(s);
        for (const custom::Row& row : t.rows) {
            RowSet rs;
            for (std::size_t c = 0; c < row.inputs.size() && c < t.inputs.size(); ++c) {
                rs.cells.push_back(describe(row.inputs[c], schema, static_cast<std::size_t>(t.inputs[c])));
                rs.known = rs.known && rs.cells.back().op != CellSet::Op::unknown;
                rs.all_any = rs.all_any && row.inputs[c].kind == custom::Cell::Kind::any;
            }
            rows_.push_back(std::move(rs));
        }
        for (Slot s : slots_) {
            std::vector<const CellSet*> cells;
            for (const RowSet& rs : rows_)
                for (std::size_t c = 0; c < rs.cells.size(); ++c)
                    if (t.inputs[c] == s) cells.push_back(&rs.cells[c]);
            axes_.push_back(make_axis(stage, s, cells));
        }
        for (RowSet& rs : rows_) {
            for (std::size_t x = 0; x < axes_.size(); ++x) {
                Bits b = axes_[x].domain;
                for (std::size_t c = 0; c < rs.cells.size(); ++c)
                    if (t.inputs[c] == axes_[x].slot) b = b & axes_[x].bits(rs.cells[c]);
                if (!b.any() && rs.empty_axis == SIZE_MAX) rs.empty_axis = x;
                rs.over.push_back(std::move(b));
            }
        }
    }

    const std::vector<RowSet>& rows() const { return rows_; }
    const std::vector<Axis>& axes() const { return axes_; }
    /// The column of axis `x` whose cell in row `r` leaves nothing (for messages).
    std::size_t empty_column(std::size_t r) const {
        const RowSet& rs = rows_[r];
        for (std::size_t c = 0; c < rs.cells.size(); ++c)
            if (t_.inputs[c] == axes_[rs.empty_axis].slot && !axes_[rs.empty_axis].bits(rs.cells[c]).any()) return c;
        for (std::size_t c = 0; c < rs.cells.size(); ++c)
            if (t_.inputs[c] == axes_[rs.empty_axis].slot && rs.cells[c].op != CellSet::Op::any) return c;
        return 0;
    }

    /// Rows `a` and `b` can both match a project (`a` and `b` exact).
    bool overlap(std::size_t a, std::size_t b) const {
        for (std::size_t x = 0; x < axes_.size(); ++x)
            if (!rows_[a].over[x].intersects(rows_[b].over[x])) return false;
        return true;
    }
    /// Every project row `a` matches, row `b` matches.
    bool inside(std::size_t a, std::size_t b) const {
        for (std::size_t x = 0; x < axes_.size(); ++x)
            if (!rows_[a].over[x].subset_of(rows_[b].over[x])) return false;
        return true;
    }
    /// "exec_rate = 55%, grade = any": a project both rows match, one value per input.
    std::pair<std::string, std::string> example(std::size_t a, std::size_t b) const {
        std::string en, zh;
        for (std::size_t x = 0; x < axes_.size(); ++x) {
            const std::string& name = axes_[x].name;
            bool constrained = false;
            for (std::size_t c = 0; c < t_.inputs.size(); ++c)
                if (t_.inputs[c] == axes_[x].slot)
                    constrained = constrained || rows_[a].cells[c].op != CellSet::Op::any || rows_[b].cells[c].op != CellSet::Op::any;
            const std::size_t r = (rows_[a].over[x] & rows_[b].over[x]).first();
            const bool shown = constrained && r != SIZE_MAX;
            en += (en.empty() ? "" : ", ") + name + " = " + (shown ? axes_[x].shown[r] : std::string("any"));
            zh += (zh.empty() ? "" : "，") + name + " = " + (shown ? axes_[x].shown[r] : std::string("任意值"));
        }
        return {en, zh};
    }

    /// Whether the rows `by` (exact, earlier) together match every project row `r` can
    /// match. Throws TooLarge when the step budget runs out.
    bool covered(std::size_t r, const std::vector<std::size_t>& by) {
        std::vector<std::size_t> relevant;
        for (std::size_t e : by) {
            spend(axes_.size());
            if (overlap_box(e, rows_[r].over)) relevant.push_back(e);
        }
        memo_.clear(); // the memo holds for one box
        return cover(rows_[r].over, relevant, 0);
    }
    /// The earlier exact rows that can match some project row `r` matches.
    std::vector<std::size_t> touching(std::size_t r, const std::vector<std::size_t>& by) const {
        std::vector<std::size_t> v;
        for (std::size_t e : by)
            if (overlap_box(e, rows_[r].over)) v.push_back(e);
        return v;
    }

private:
    void spend(std::size_t n) {
        if (n > budget_) throw TooLarge{};
        budget_ -= n;
    }
    bool overlap_box(std::size_t e, const std::vector<Bits>& box) const {
        for (std::size_t x = 0; x < axes_.size(); ++x)
            if (!rows_[e].over[x].intersects(box[x])) return false;
        return true;
    }
    /// The union of rows `rs` (each meeting the box) holds the box, on axes from `x` on.
    bool cover(const std::vector<Bits>& box, const std::vector<std::size_t>& rs, std::size_t x) {
        if (rs.empty()) return false;
        if (x == axes_.size()) return true;
        for (std::size_t e : rs) { // one row holding the rest of the box settles it
            spend(axes_.size() - x);
            bool all = true;
            for (std::size_t y = x; y < axes_.size() && all; ++y) all = box[y].subset_of(rows_[e].over[y]);
            if (all) return true;
        }
        // Split the box on axis x into groups of regions that the same rows hold. Only
        // where a row's set or the box changes can the group change: mark those
        // regions (word-wise), then look at one region of each stretch.
        const Bits& b = box[x];
        Bits change(axes_[x].size);
        auto mark = [&](const Bits& v) {
            for (std::size_t i = 0; i < v.w.size(); ++i)
                change.w[i] |= v.w[i] ^ ((v.w[i] << 1) | (i > 0 ? v.w[i - 1] >> 63 : 0));
        };
        spend(rs.size() + 1);
        mark(b);
        for (std::size_t e : rs) mark(rows_[e].over[x]);
        change.set(0);
        std::vector<std::vector<std::size_t>> groups;
        bool hole = false;
        change.each([&](std::size_t region) {
            if (hole || !b.test(region)) return;
            spend(rs.size());
            std::vector<std::size_t> holding;
            for (std::size_t e : rs)
                if (rows_[e].over[x].test(region)) holding.push_back(e);
            if (holding.empty()) hole = true;
            else if (std::find(groups.begin(), groups.end(), holding) == groups.end()) {
                spend(groups.size());
                groups.push_back(std::move(holding));
            }
        });
        if (hole) return false;
        for (auto& g : groups) {
            if (x + 1 < axes_.size()) {
                auto key = std::make_pair(x + 1, g);
                if (const auto it = memo_.find(key); it != memo_.end()) {
                    if (!it->second) return false;
                    continue;
                }
                const bool held = cover(box, g, x + 1);
                memo_.emplace(std::move(key), held);
                if (!held) return false;
            } else if (!cover(box, g, x + 1)) {
                return false;
            }
        }
        return true;
    }

    const custom::Table& t_;
    std::vector<Slot> slots_;
    std::vector<Axis> axes_;
    std::vector<RowSet> rows_;
    std::size_t budget_ = max_analysis_steps;
    std::map<std::pair<std::size_t, std::vector<std::size_t>>, bool> memo_; // (axis, rows) → cover() for the current box
};

std::string line_of(const custom::Row& row) { return std::to_string(row.where.line); }

SourceLocation located(const Ctx& ctx, const RuleRef& r) {
    return SourceLocation{r.file < ctx.sources.names.size() ? ctx.sources.names[r.file] : std::string(), r.line, r.column};
}

/// "line 7", "lines 7 and 8", "lines 7, 8 and 9" (en) / "第 7、8 行" (zh); past 20
/// rows, the first 20 and how many more.
std::pair<std::string, std::string> lines_text(const custom::Table& t, const std::vector<std::size_t>& rows) {
    constexpr std::size_t max_listed = 20;
    const std::size_t listed = std::min(rows.size(), max_listed);
    std::string en = rows.size() == 1 ? "line " : "lines ", zh = "第 ";
    for (std::size_t i = 0; i < listed; ++i) {
        const std::string l = line_of(t.rows[rows[i]]);
        en += (i == 0 ? "" : i + 1 == rows.size() ? " and " : ", ") + l;
        zh += (i == 0 ? "" : "、") + l;
    }
    if (rows.size() > listed) {
        const std::string more = std::to_string(rows.size() - listed);
        return {en + " and " + more + " more", zh + " 行等 " + std::to_string(rows.size()) + " 行"};
    }
    return {en, zh + " 行"};
}

bool same_outputs(const custom::Row& a, const custom::Row& b) {
    if (a.outputs.size() != b.outputs.size()) return false;
    for (std::size_t i = 0; i < a.outputs.size(); ++i)
        if (a.outputs[i].target != b.outputs[i].target || a.outputs[i].value.text() != b.outputs[i].value.text()) return false;
    return true;
}

const char* policy_name(custom::HitPolicy h) {
    switch (h) {
    case custom::HitPolicy::first: return "first-hit";
    case custom::HitPolicy::collect: return "collect";
    case custom::HitPolicy::unique: return "unique-hit";
    }
    return "";
}
const char* policy_name_zh(custom::HitPolicy h) {
    switch (h) {
    case custom::HitPolicy::first: return "首个命中";
    case custom::HitPolicy::collect: return "全部命中";
    case custom::HitPolicy::unique: return "唯一命中";
    }
    return "";
}

/// At most this many overlap notes per table (then one saying how many more).
constexpr std::size_t max_notes_per_table = 20;

/// The set checks of a compiled table (rows that failed to compile are left out):
/// rows that match nothing; first-hit rows that earlier rows cover together;
/// unique-hit rows that can match together (errors); first-hit rows that partly
/// overlap with different outputs (notes). `number[i]` is row i's 1-based number as written.
void check_rows(Ctx& ctx, const custom::StageSchema& stage, const custom::Table& t, const std::vector<std::size_t>& number,
                std::vector<Diagnostic>& notes) {
    const expr::Schema& schema = stage.expr();
    const std::string id = quote(t.id);
    const std::string policy = policy_name(t.hit), policy_zh = policy_name_zh(t.hit);
    auto row_name = [&](std::size_t r) { return "row " + std::to_string(number[r]); };
    auto row_name_zh = [&](std::size_t r) { return "第 " + std::to_string(number[r]) + " 行"; };

    // A unique-hit table must be checkable: every cell `-`, a literal or a comparison with a constant.
    if (t.hit == custom::HitPolicy::unique)
        for (const custom::Row& row : t.rows)
            for (std::size_t c = 0; c < row.inputs.size(); ++c) {
                if (describe(row.inputs[c], schema, static_cast<std::size_t>(t.inputs[c])).op != CellSet::Op::unknown)
                    continue;
                ctx.problems.add_at(located(ctx, row.inputs[c].where),
                                    "cell " + quote(row.inputs[c].text) + " of unique-hit table " + id +
                                        " is not `-`, a literal or a comparison with a constant (< <= > >= == != in, not in), "
                                        "so the loader cannot prove that at most one row matches",
                                    "唯一命中决策表 " + id + " 的单元格 " + quote(row.inputs[c].text) +
                                        " 不是 -、字面值或与常量的比较（< <= > >= == != in、not in），无法证明至多一行命中");
            }

    std::optional<TableSets> sets;
    try {
        sets.emplace(t, stage);
    } catch (const std::exception&) {
        sets.reset(); // a constant beyond exact arithmetic: only the single-row test below
        if (t.hit == custom::HitPolicy::unique)
            ctx.problems.add_at(located(ctx, t.where),
                                "the rows of unique-hit table " + id +
                                    " cannot be checked for overlaps: a constant is beyond exact arithmetic",
                                "唯一命中决策表 " + id + " 的各行无法检查是否重叠：有常量超出精确计算范围");
    }

    bool exact = sets.has_value();
    std::vector<bool> dead(t.rows.size(), false);
    std::size_t noted = 0, more_notes = 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        const custom::Row& row = t.rows[r];
        const SourceLocation at = located(ctx, row.where);
        if (sets && sets->rows()[r].empty_axis != SIZE_MAX) {
            dead[r] = true;
            const std::size_t c = sets->empty_column(r);
            const std::string& name = schema.name(static_cast<std::size_t>(t.inputs[c]));
            ctx.problems.add_at(at,
                                row_name(r) + " of " + policy + " table " + id + " can never match: no value of " + name +
                                    " satisfies its cells (" + quote(row.inputs[c].text) + ")",
                                policy_zh + "决策表 " + id + " 的" + row_name_zh(r) + "永远不会命中：" + name +
                                    " 没有满足其单元格（" + quote(row.inputs[c].text) + "）的取值");
            continue;
        }
        if (t.hit == custom::HitPolicy::first) {
            std::vector<std::size_t> cover_rows;
            if (exact) {
                try {
                    std::vector<std::size_t> earlier;
                    for (std::size_t e = 0; e < r; ++e)
                        if (!dead[e] && sets->rows()[e].known) earlier.push_back(e);
                    if (sets->covered(r, earlier)) {
                        cover_rows = sets->touching(r, earlier);
                        // Name a minimal set: drop each row the others do without.
                        for (std::size_t i = 0; cover_rows.size() > 1 && cover_rows.size() <= 32 && i < cover_rows.size();) {
                            std::vector<std::size_t> fewer = cover_rows;
                            fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
                            if (sets->covered(r, fewer)) cover_rows = std::move(fewer);
                            else ++i;
                        }
                    }
                } catch (const TooLarge&) {
                    exact = false; // from here on, the single-row test (a set already proved stands, unpruned)
                }
            }
            // The single-row test as well: it also knows identical unknown cells.
            if (cover_rows.empty())
                for (std::size_t e = 0; e < r; ++e)
                    if (covers(schema, t, t.rows[e], row)) {
                        cover_rows = {e};
                        break;
                    }
            if (!cover_rows.empty()) {
                dead[r] = true;
                const auto [lines_en, lines_zh] = lines_text(t, cover_rows);
                if (cover_rows.size() == 1)
                    ctx.problems.add_at(at,
                                        row_name(r) + " of first-hit table " + id +
                                            " can never be reached: the earlier row at " + lines_en +
                                            " matches every project it matches (same or broader conditions)",
                                        "首个命中决策表 " + id + " 的" + row_name_zh(r) + "永远不会命中：" + lines_zh +
                                            "的条件相同或更宽，已匹配其全部项目");
                else
                    ctx.problems.add_at(at,
                                        row_name(r) + " of first-hit table " + id +
                                            " can never be reached: the earlier rows at " + lines_en +
                                            " together match every project it matches",
                                        "首个命中决策表 " + id + " 的" + row_name_zh(r) + "永远不会命中：" + lines_zh +
                                            "合起来已匹配其全部项目");
                continue;
            }
        }
        if (!sets || !sets->rows()[r].known) continue;
        if (t.hit == custom::HitPolicy::unique) {
            for (std::size_t e = 0; e < r; ++e) {
                if (dead[e] || !sets->overlap(e, r)) continue;
                const auto [ex_en, ex_zh] = sets->example(e, r);
                ctx.problems.add_at(at,
                                    row_name(e) + " (line " + line_of(t.rows[e]) + ") and " + row_name(r) + " (line " +
                                        line_of(row) + ") of unique-hit table " + id + " both match a project with " + ex_en +
                                        ": with `hit: unique` at most one row may match any project",
                                    "唯一命中决策表 " + id + " 的" + row_name_zh(e) + "（第 " + line_of(t.rows[e]) + " 行）与" +
                                        row_name_zh(r) + "（第 " + line_of(row) + " 行）同时匹配 " + ex_zh +
                                        " 的项目：`hit: unique` 要求任何项目至多匹配一行");
                break;
            }
        }
        if (t.hit == custom::HitPolicy::first && !sets->rows()[r].all_any) {
            for (std::size_t e = 0; e < r; ++e) {
                if (dead[e] || !sets->rows()[e].known || same_outputs(t.rows[e], row) || !sets->overlap(e, r) ||
                    sets->inside(e, r))
                    continue;
                if (noted == max_notes_per_table) {
                    ++more_notes;
                    continue;
                }
                ++noted;
                const auto [ex_en, ex_zh] = sets->example(e, r);
                Diagnostic d;
                d.where = at;
                d.severity = Diagnostic::Severity::notice;
                d.en = row_name(r) + " of first-hit table " + id + " partly overlaps the earlier " + row_name(e) + " (line " +
                       line_of(t.rows[e]) + ") with different outputs, e.g. " + ex_en + ": where both match, the earlier row wins";
                d.zh = "首个命中决策表 " + id + " 的" + row_name_zh(r) + "与前面的" + row_name_zh(e) + "（第 " +
                       line_of(t.rows[e]) + " 行）部分重叠且输出不同，如 " + ex_zh + "：两行都匹配时适用前面的行";
                notes.push_back(std::move(d));
            }
        }
    }
    if (more_notes > 0) {
        Diagnostic d;
        d.where = located(ctx, t.where);
        d.severity = Diagnostic::Severity::notice;
        d.en = std::to_string(more_notes) + " more partly overlapping row pairs in first-hit table " + id + " not listed";
        d.zh = "首个命中决策表 " + id + " 另有 " + std::to_string(more_notes) + " 对部分重叠的行未列出";
        notes.push_back(std::move(d));
    }
}

std::optional<custom::Table> compile_table(Ctx& ctx, const custom::StageSchema& stage, const MapView& m,
                                           std::vector<Diagnostic>& notes) {
    const expr::Schema& schema = stage.expr();
    custom::Table t;
    bool ok = true;
    const Field idf = m.get("table");
    if (auto id = read_identifier(ctx, idf)) t.id = *id;
    else ok = false;
    t.where = ctx.ref(idf.rule_pos());
    if (const Field f = m.find("zh"); f.value) t.zh = read_text(ctx, f).value_or("");
    if (const Field f = m.find("en"); f.value) t.en = read_text(ctx, f).value_or("");
    if (auto hit = read_choice<custom::HitPolicy>(ctx, m.get("hit"),
                                                  {{"first", custom::HitPolicy::first},
                                                   {"collect", custom::HitPolicy::collect},
                                                   {"unique", custom::HitPolicy::unique}}))
        t.hit = *hit;
    else ok = false;

    std::vector<Pos> input_pos, output_pos; // where each input and output is named
    std::vector<std::size_t> number;        // each compiled row's number as written (1-based)
    const Field inf = m.get("inputs");
    if (expect_kind(ctx, inf, Node::Kind::list)) {
        const auto known = input_names(stage);
        for (const Node& n : inf.value->children) {
            const auto it = n.kind == Node::Kind::scalar ? std::find(known.begin(), known.end(), n.text) : known.end();
            if (it == known.end()) {
                const auto [en, zh] = suggestion(n.text, known);
                ctx.error(n.pos, "unknown input " + quote(n.text) + " in " + inf.name() + en,
                          inf.name_zh() + " 中有未知的输入 " + quote(n.text) + zh);
                ok = false;
                continue;
            }
            if (stage.expr().type(static_cast<std::size_t>(it - known.begin())) == expr::Type::list) {
                ctx.error(n.pos,
                          quote(n.text) + " in " + inf.name() + " is a list: a table column holds one value; test the list in a rule, e.g. `" +
                              n.text + ".exists(i, …)`",
                          inf.name_zh() + " 中的 " + quote(n.text) + " 是列表：决策表的一列只能是单个值；请在规则中用 `" + n.text +
                              ".exists(i, …)` 等检查");
                ok = false;
                continue;
            }
            t.inputs.push_back(static_cast<Slot>(it - known.begin()));
            input_pos.push_back(n.pos);
        }
    } else ok = false;
    const Field outf = m.get("outputs");
    if (expect_kind(ctx, outf, Node::Kind::list)) {
        for (const Node& n : outf.value->children) {
            auto target = read_target(ctx, stage, n, outf.path);
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
            output_pos.push_back(n.pos);
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
            auto cell = compile_cell(ctx, schema, t.inputs[c], rn.children[c], rpath);
            if (cell) row.inputs.push_back(std::move(*cell));
            else row_ok = false;
        }
        for (std::size_t c = 0; c < t.outputs.size(); ++c) {
            const Node& cn = rn.children[t.inputs.size() + c];
            if (cn.kind == Node::Kind::scalar && cn.text == "-") continue;
            auto o = compile_output(ctx, stage, t.outputs[c], cn, rpath);
            if (o) row.outputs.push_back(std::move(*o));
            else row_ok = false;
        }
        if (!row_ok) {
            ok = false;
            continue;
        }
        t.rows.push_back(std::move(row));
        number.push_back(r + 1);
    }
    check_rows(ctx, stage, t, number, notes);
    if (ok && !t.rows.empty()) {
        // Unused definitions: a column every row leaves `-`.
        for (std::size_t c = 0; c < t.inputs.size(); ++c) {
            bool used = false;
            for (const custom::Row& row : t.rows) used = used || row.inputs[c].kind != custom::Cell::Kind::any;
            if (used) continue;
            const std::string& name = schema.name(static_cast<std::size_t>(t.inputs[c]));
            ctx.error(input_pos[c],
                      "input " + quote(name) + " of table " + quote(t.id) +
                          " is never used: every row's cell for it is `-`; remove it from " + inf.name() + " and the rows",
                      "决策表 " + quote(t.id) + " 的输入 " + quote(name) + " 从未使用：每一行的该单元格都是 -；请从 " +
                          inf.name_zh() + " 和各行中删除");
            ok = false;
        }
        for (std::size_t c = 0; c < t.outputs.size(); ++c) {
            bool used = false;
            for (const custom::Row& row : t.rows)
                for (const custom::Output& o : row.outputs) used = used || o.target == t.outputs[c];
            if (used) continue;
            const std::string& name = stage.outputs()[static_cast<std::size_t>(t.outputs[c])].name;
            ctx.error(output_pos[c],
                      "output " + quote(name) + " of table " + quote(t.id) +
                          " is never set: every row's cell for it is `-`; remove it from " + outf.name() + " and the rows",
                      "决策表 " + quote(t.id) + " 的输出 " + quote(name) + " 从未设定：每一行的该单元格都是 -；请从 " +
                          outf.name_zh() + " 和各行中删除");
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return t;
}

/// The id (under `key`), place and bilingual reason every rule item has; false
/// when one of them is missing or malformed (already reported).
template <class R>
bool read_rule_head(Ctx& ctx, const MapView& m, std::string_view key, R& r) {
    bool ok = true;
    const Field idf = m.get(key);
    if (auto id = read_identifier(ctx, idf)) r.id = *id;
    else ok = false;
    r.where = ctx.ref(idf.rule_pos());
    if (auto zh = read_text(ctx, m.get("zh"))) r.zh = *zh;
    else ok = false;
    if (auto en = read_text(ctx, m.get("en"))) r.en = *en;
    else ok = false;
    return ok;
}

std::optional<custom::Rule> compile_rule(Ctx& ctx, const custom::StageSchema& stage, const MapView& m) {
    const expr::Schema& schema = stage.expr();
    custom::Rule r;
    bool ok = read_rule_head(ctx, m, "rule", r);
    const Field whenf = m.get("when");
    if (const std::string* s = scalar_text(ctx, whenf, "a condition", "条件")) {
        auto e = compile_at(ctx, *whenf.value, *s, text_start(ctx, *whenf.value), schema);
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
                auto target = read_target(ctx, stage, k, thenf.path);
                if (!target) {
                    ok = false;
                    continue;
                }
                auto o = compile_output(ctx, stage, *target, thenf.value->value(i), child_path(thenf.path, k.text));
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

/// An `indicator_rule:` item: `when` and `then: {adjust: …}` over the indicator schema.
std::optional<custom::IndicatorRule> compile_indicator_rule(Ctx& ctx, const MapView& m) {
    custom::IndicatorRule r;
    bool ok = read_rule_head(ctx, m, "indicator_rule", r);
    // Both expressions must have `want` type over the indicator schema.
    auto compile_typed = [&](const Field& f, expr::Type want, const char* what_en, const char* what_zh)
        -> std::optional<expr::CompiledExpr> {
        const std::string* s = scalar_text(ctx, f, what_en, what_zh);
        if (!s) return std::nullopt;
        auto e = compile_at(ctx, *f.value, *s, text_start(ctx, *f.value), custom::indicator_schema());
        if (e && e->result_type() != want) {
            ctx.error(f.pos(), "type error: " + f.name() + " must be a " + type_en(want) + ", not a " + type_en(e->result_type()),
                      "类型错误：" + f.name_zh() + " 应为" + type_zh(want) + "，实际为" + type_zh(e->result_type()));
            return std::nullopt;
        }
        return e;
    };
    if (auto e = compile_typed(m.get("when"), expr::Type::boolean, "a condition", "条件")) r.when = std::move(*e);
    else ok = false;
    const Field thenf = m.get("then");
    if (thenf.value && expect_kind(ctx, thenf, Node::Kind::map)) {
        const MapView t(ctx, thenf, {"adjust"});
        if (!t.ok()) return std::nullopt;
        const Field adj = t.get("adjust");
        if (auto e = compile_typed(adj, expr::Type::number, "a number of points", "分值")) {
            r.adjust = std::move(*e);
            r.adjust_where = ctx.ref(adj.rule_pos());
        } else ok = false;
    } else ok = false;
    if (!ok) return std::nullopt;
    return r;
}

/// The slots a step reads and writes, as bit masks over Slot.
std::pair<std::uint32_t, std::uint32_t> reads_writes(const custom::StageSchema& stage, const custom::Step& s) {
    auto writes_of = [&](Target t) { return stage.outputs()[static_cast<std::size_t>(t)].writes; };
    std::uint32_t reads = 0, writes = 0;
    auto read = [&](const expr::CompiledExpr& e) {
        for (std::size_t slot : e.reads()) reads |= std::uint32_t{1} << slot;
    };
    if (s.kind == custom::Step::Kind::rule) {
        read(s.rule.when);
        for (const auto& o : s.rule.then) {
            read(o.value);
            writes |= writes_of(o.target);
        }
    } else {
        for (Slot in : s.table.inputs) reads |= std::uint32_t{1} << static_cast<unsigned>(in);
        for (Target t : s.table.outputs) writes |= writes_of(t);
        for (const auto& row : s.table.rows) {
            for (const auto& c : row.inputs)
                if (c.kind == custom::Cell::Kind::condition) read(c.condition);
            for (const auto& o : row.outputs) read(o.value);
        }
    }
    return {reads, writes};
}

std::string slot_list(const custom::StageSchema& stage, std::uint32_t mask) {
    std::string s;
    for (std::size_t i = 0; i < stage.inputs().size(); ++i)
        if (mask >> i & 1U) s += (s.empty() ? "" : ", ") + stage.inputs()[i].name;
    return s;
}

} // namespace

void compile_custom(Ctx& ctx, const Field& f, const GradeScale* grades, CustomRules& out) {
    // Grade literals are checked against this rule set's scale (when it is usable).
    if (grades) compile_custom(ctx, f, custom::evaluation_schema(custom::grade_values(*grades)), out);
    else compile_custom(ctx, f, custom::evaluation_schema(), out);
}

void compile_custom(Ctx& ctx, const Field& f, const custom::StageSchema& stage, CustomRules& out) {
    out.steps.clear();
    out.indicator_rules.clear();
    out.notes.clear();
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
        bool is_table = false, is_rule = false, is_indicator = false;
        for (std::size_t k = 0; k < n.size(); ++k) {
            is_table = is_table || n.key(k).text == "table";
            is_rule = is_rule || n.key(k).text == "rule";
            is_indicator = is_indicator || n.key(k).text == "indicator_rule";
        }
        if (int(is_table) + int(is_rule) + int(is_indicator) != 1) {
            ctx.error(n.pos,
                      item.name() + " must have exactly one of `table: ID` (a decision table), `rule: ID` (a rule) or "
                                    "`indicator_rule: ID` (a rule on each indicator)",
                      item.name_zh() + " 应有且仅有 `table: ID`（决策表）、`rule: ID`（规则）或 `indicator_rule: ID`（指标规则）之一");
            ok = false;
            continue;
        }
        if (is_indicator && !stage.indicator_rules()) {
            ctx.error(n.pos,
                      item.name() + ": indicator rules score indicators at evaluation; the " + stage.stage() +
                          " stage has tables and rules only",
                      item.name_zh() + "：指标规则用于评价时的指标计分；" + stage.stage() + " 阶段只能使用决策表和规则");
            ok = false;
            continue;
        }
        if (is_indicator) {
            const MapView m(ctx, item, {"indicator_rule", "zh", "en", "when", "then"});
            auto r = compile_indicator_rule(ctx, m);
            if (!r) {
                ok = false;
                continue;
            }
            // Indicator rules run while indicators are scored, before any step:
            // written first, the order on the page is the order they run in.
            if (!out.steps.empty()) {
                ctx.error(n.pos,
                          "indicator rule " + quote(r->id) + " comes after the step " + quote(out.steps.back().id()) +
                              ": indicator rules run while indicators are scored, before every table and rule; "
                              "write them first",
                          "指标规则 " + quote(r->id) + " 写在 " + quote(out.steps.back().id()) +
                              " 之后：指标规则在指标计分时运行，先于所有决策表和规则；请写在最前面");
                ok = false;
            }
            if (out.indicator_rules.size() == custom::max_indicator_rules) {
                ctx.error(n.pos, f.name() + " has more than 32 indicator rules", f.name_zh() + " 的指标规则超过 32 条");
                ok = false;
            }
            for (const auto& e : out.indicator_rules)
                if (e.id == r->id) {
                    ctx.error(n.pos, "the id " + quote(r->id) + " is used twice in " + f.name() + " (first at line " +
                                         std::to_string(e.where.line) + ")",
                              f.name_zh() + " 中 id " + quote(r->id) + " 重复（首次在第 " + std::to_string(e.where.line) + " 行）");
                    ok = false;
                }
            out.indicator_rules.push_back(std::move(*r));
            continue;
        }
        custom::Step step;
        if (is_table) {
            const MapView m(ctx, item, {"table", "zh", "en", "hit", "inputs", "outputs", "rows"});
            auto t = compile_table(ctx, stage, m, out.notes);
            if (!t) {
                ok = false;
                continue;
            }
            step.kind = custom::Step::Kind::table;
            step.table = std::move(*t);
        } else {
            const MapView m(ctx, item, {"rule", "zh", "en", "when", "then"});
            auto r = compile_rule(ctx, stage, m);
            if (!r) {
                ok = false;
                continue;
            }
            step.kind = custom::Step::Kind::rule;
            step.rule = std::move(*r);
        }
        for (const auto& e : out.indicator_rules)
            if (e.id == step.id()) {
                ctx.error(n.pos, "the id " + quote(step.id()) + " is used twice in " + f.name() + " (first at line " +
                                     std::to_string(e.where.line) + ")",
                          f.name_zh() + " 中 id " + quote(step.id()) + " 重复（首次在第 " + std::to_string(e.where.line) + " 行）");
                ok = false;
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
        out.indicator_rules.clear();
        out.notes.clear();
        return;
    }
    // Every step that can fire on one project must fit ProjectResult::fired (a
    // fixed array, so evaluation does not allocate): a rule fires once, a first- or
    // unique-hit table one row, a collect table every row. Refused here, not cut short.
    std::size_t could_fire = 0;
    for (std::size_t j = 0; j < out.steps.size(); ++j) {
        const custom::Step& s = out.steps[j];
        const bool collect = s.kind == custom::Step::Kind::table && s.table.hit == custom::HitPolicy::collect;
        could_fire += collect ? s.table.rows.size() : 1;
        if (could_fire <= custom::max_fired) continue;
        const std::string limit = std::to_string(custom::max_fired), n = std::to_string(could_fire);
        ctx.error(step_pos[j],
                  "too many steps can fire on one project: with " + quote(s.id()) + ", up to " + n +
                      " rules and table rows (every row of a collect table) can fire, and a result records at most " +
                      limit + "; merge rules, or use a first-hit table",
                  "一个项目上可命中的步骤过多：到 " + quote(s.id()) + " 为止，最多可有 " + n +
                      " 条规则和决策表行（全部命中决策表的每一行）命中，而结果至多记录 " + limit +
                      " 项；请合并规则，或改用首个命中决策表");
        return;
    }
    // Order: a step may read only what grading and earlier steps set.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> rw;
    out.reads = 0;
    for (const auto& s : out.steps) {
        rw.push_back(reads_writes(stage, s));
        out.reads |= rw.back().first;
    }
    for (std::size_t j = 0; j < out.steps.size(); ++j)
        for (std::size_t i = 0; i < j; ++i) {
            const std::uint32_t clash = rw[i].first & rw[j].second;
            if (!clash) continue;
            const std::string fields = slot_list(stage, clash);
            const std::string earlier = quote(out.steps[i].id()) + " (line " + std::to_string(out.steps[i].where().line) + ")";
            const std::string earlier_zh =
                quote(out.steps[i].id()) + "（第 " + std::to_string(out.steps[i].where().line) + " 行）";
            ctx.error(step_pos[j],
                      quote(out.steps[j].id()) + " changes " + fields + ", which the earlier step " + earlier +
                          " reads: a step may only read what " + stage.before_en() + " and earlier steps set; move " + quote(out.steps[j].id()) +
                          " before " + quote(out.steps[i].id()),
                      quote(out.steps[j].id()) + " 会改变 " + fields + "，而前面的 " + earlier_zh +
                          " 读取了它：每一步只能读取" + stage.before_zh() + "和前面各步设定的字段；请把 " + quote(out.steps[j].id()) + " 移到 " +
                          quote(out.steps[i].id()) + " 之前");
            break;
        }
}

} // namespace perfbudget::detail::rules_yaml
