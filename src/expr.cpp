// The rule expression language: tokenizer, recursive-descent parser with type
// checking, and a tree evaluator over one vector of nodes. See expr.hpp and
// docs/expressions.md.
#include "perfbudget/expr.hpp"
#include "expr_trace.hpp"
#include "number_fast.hpp"

#include "perfbudget/input.hpp" // parse_date

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

namespace perfbudget::expr {

namespace detail {
enum class Op : std::uint8_t {
    lit_number, // a: numbers_ index
    lit_text,   // a: offset in texts_, b: length
    lit_bool,   // a: 0 or 1
    lit_date,   // a: dates_ index
    name,       // a: slot
    neg,        // a
    not_,       // a
    add, sub, mul, div,       // a, b
    lt, le, gt, ge, eq, ne,   // a, b
    in, not_in,               // a: left; b, c: range in lists_
    and_, or_,                // a, b
    cond,                     // if a then b else c
    min, max,                 // b, c: range in lists_
    abs,                      // a
    round,                    // a: value, b: digits; mode
    days,                     // a, b
    field,                    // a: field slot in the item Schema, b: variable index, c: list slot
    all, exists, count,       // a: list slot, b: predicate, c: variable index
};
} // namespace detail

using detail::Node;
using detail::Op;

namespace {

// --- exact numbers --------------------------------------------------------------
//
// Number (number.hpp) does the arithmetic: exact, not kept in lowest terms (a gcd
// per operation cost several times the scoring itself), inline while values fit
// 128 bits, and arbitrary precision beyond, so no rule can overflow.

/// A literal in lowest terms (0.5 as 1/2), so rules compute with small terms.
Fraction lowest(Decimal d) {
    const std::int64_t g = std::gcd(d.units(), Decimal::one_units); // > 0: one_units is
    return Fraction::positive(d.units() / g, Decimal::one_units / g);
}

// --- text helpers -----------------------------------------------------------------

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }

/// Length of the dotted name starting at s[i], or 0.
std::size_t scan_name(std::string_view s, std::size_t i) {
    const std::size_t start = i;
    for (;;) {
        if (i >= s.size() || !name_start(s[i])) return 0;
        while (i < s.size() && name_char(s[i])) ++i;
        if (i + 1 < s.size() && s[i] == '.' && name_start(s[i + 1])) {
            ++i;
            continue;
        }
        return i - start;
    }
}

constexpr std::string_view keywords[] = {"and", "or", "not", "in", "if", "then", "else", "true", "false"};
constexpr std::string_view functions[] = {"min", "max", "abs", "round", "days", "date"};

/// Length of the UTF-8 sequence starting with byte c (1 for stray bytes).
std::size_t utf8_len(unsigned char c) { return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

std::uint32_t decode(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_len(c);
    if (n == 1 || i + n > s.size()) return c;
    std::uint32_t cp = c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return cp;
}

/// Terminal columns a code point takes: 2 for CJK and full-width forms.
int display_width(std::uint32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                   (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD)
               ? 2
               : 1;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

/// The closest candidate within a third of the name's length (at least 1), or "".
template <class Range>
std::string suggest(std::string_view name, const Range& candidates) {
    std::size_t best = std::max<std::size_t>(1, name.size() / 3) + 1;
    std::string found;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(name, c);
        if (d < best) {
            best = d;
            found = std::string(c);
        }
    }
    return found;
}

std::string dquote(std::string_view s) { return '"' + std::string(s) + '"'; }

/// Where byte `pos` of the expression is in the file, and the message with the
/// expression's line and a caret under that byte.
[[noreturn]] void fail_at(const std::string& text, const SourceLocation& where, std::size_t pos, std::string en,
                          std::string zh) {
    pos = std::min(pos, text.size());
    SourceLocation at = where;
    const std::size_t nl = text.rfind('\n', pos == 0 ? std::string::npos : pos - 1);
    const std::size_t line_start = (pos == 0 || nl == std::string::npos) ? 0 : nl + 1;
    std::uint32_t newlines = 0;
    for (std::size_t i = 0; i < line_start; ++i) newlines += text[i] == '\n';
    std::uint32_t chars = 0;
    std::string pad;
    for (std::size_t i = line_start; i < pos; i += utf8_len(static_cast<unsigned char>(text[i]))) {
        ++chars;
        if (text[i] == '\t') pad += '\t';
        else pad.append(static_cast<std::size_t>(display_width(decode(text, i))), ' ');
    }
    if (newlines == 0) {
        at.column = (where.column ? where.column : 1) + chars;
    } else {
        if (at.line) at.line += newlines;
        at.column = 1 + chars;
    }
    if (text.size() <= max_length) {
        std::size_t line_end = text.find('\n', line_start);
        if (line_end == std::string::npos) line_end = text.size();
        std::string line = text.substr(line_start, line_end - line_start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string shown = "\n  " + line + "\n  " + pad + "^";
        en += shown;
        zh += shown;
    }
    throw Error(std::move(at), std::move(en), std::move(zh));
}

} // namespace

// --- Type, Value, Schema -----------------------------------------------------------

const char* type_name(Type t, Lang lang) {
    const bool zh = lang == Lang::zh;
    switch (t) {
    case Type::number: return zh ? "数字" : "number";
    case Type::boolean: return zh ? "布尔值" : "boolean";
    case Type::text: return zh ? "文本" : "text";
    case Type::date: return zh ? "日期" : "date";
    case Type::list: return zh ? "列表" : "list";
    }
    return "?";
}

Decimal Value::to_decimal() const {
    if (const std::optional<Decimal> d = number_.exact_decimal()) return *d;
    throw ArithmeticError("number " + number_.to_string() + " has more than 6 decimals or is out of range; round() it first",
                          "数值 " + number_.to_string() + " 超过 6 位小数或超出范围，请先用 round()");
}

Money Value::to_money() const {
    if (const std::optional<Money> m = number_.exact_money()) return *m;
    throw ArithmeticError("amount " + number_.to_string() + " is not a whole number of fen within ±10^15 yuan; round() it to 2 decimals first",
                          "金额 " + number_.to_string() + " 不是整分或超出 ±10^15 元，请先用 round() 保留两位小数");
}

std::string Value::to_string() const {
    switch (type_) {
    case Type::boolean: return bool_ ? "true" : "false";
    case Type::text: return dquote(as_text());
    case Type::date: return perfbudget::to_string(date_);
    case Type::list: return "[" + std::to_string(as_list().count) + " items]";
    case Type::number: break;
    }
    return number_.to_string(); // "1/3", not "2/6", when there is no finite decimal
}

bool operator==(const Value& a, const Value& b) {
    if (a.type() != b.type()) return false;
    switch (a.type()) {
    case Type::number: return perfbudget::detail::number_compare(a.as_number(), b.as_number()) == 0;
    case Type::boolean: return a.as_bool() == b.as_bool();
    case Type::text: return a.as_text() == b.as_text();
    case Type::date: return a.as_date() == b.as_date();
    case Type::list: return &a.as_list() == &b.as_list();
    }
    return false;
}

std::size_t Schema::add(std::string name, Type type, std::vector<Choice> values) {
    auto bad = [&](const char* en, const char* zh) {
        throw Error(SourceLocation{}, "expression name \"" + name + "\" " + en, "表达式名称 \"" + name + "\" " + zh);
    };
    if (!values.empty() && type != Type::text) bad("has a value set but is not text", "有取值集合，却不是文本");
    if (name.empty() || scan_name(name, 0) != name.size())
        bad("is not letters, digits and '_' (dotted parts allowed)", "应由字母、数字和 '_' 组成（可用 . 分段）");
    if (std::find(std::begin(keywords), std::end(keywords), name) != std::end(keywords)) bad("is a reserved word", "是保留字");
    if (find(name)) bad("is declared twice", "重复声明");
    names_.push_back(std::move(name));
    types_.push_back(type);
    values_.push_back(std::move(values));
    items_.emplace_back();
    return names_.size() - 1;
}

std::size_t Schema::add_list(std::string name, Schema item) {
    for (std::size_t i = 0; i < item.size(); ++i)
        if (item.type(i) == Type::list)
            throw Error(SourceLocation{}, "list \"" + name + "\": its item field \"" + item.name(i) + "\" cannot be a list",
                        "列表 \"" + name + "\" 的字段 \"" + item.name(i) + "\" 不能是列表");
    const std::size_t slot = add(std::move(name), Type::list);
    items_[slot] = std::make_shared<const Schema>(std::move(item));
    return slot;
}

std::optional<std::string_view> Schema::canonical(std::size_t slot, std::string_view text) const {
    const std::vector<Choice>& vs = values_[slot];
    if (vs.empty()) return text;
    for (const Choice& c : vs)
        if (c.id == text) return std::string_view(c.id);
    for (const Choice& c : vs)
        if (std::find(c.synonyms.begin(), c.synonyms.end(), text) != c.synonyms.end()) return std::string_view(c.id);
    return std::nullopt;
}

std::optional<std::size_t> Schema::find(std::string_view name) const {
    for (std::size_t i = 0; i < names_.size(); ++i)
        if (names_[i] == name) return i;
    return std::nullopt;
}

// --- tokens ------------------------------------------------------------------------

namespace {
enum class Tok : std::uint8_t {
    end, number, string, name, lparen, rparen, lbracket, rbracket, comma,
    plus, minus, star, slash, lt, le, gt, ge, eq, ne,
    kw_and, kw_or, kw_not, kw_in, kw_if, kw_then, kw_else, kw_true, kw_false,
};
struct Token {
    Tok kind = Tok::end;
    std::uint32_t pos = 0, len = 0;
};
} // namespace

// --- the compiler --------------------------------------------------------------------

class Compiler {
public:
    Compiler(CompiledExpr& out, const Schema& schema) : e_(out), schema_(schema) {}

    void run() {
        const std::string& s = e_.text_;
        if (s.size() > max_length)
            fail(0, "expression is longer than " + std::to_string(max_length) + " bytes",
                 "表达式超过 " + std::to_string(max_length) + " 字节");
        tokenize();
        if (tokens_.front().kind == Tok::end) fail(0, "empty expression", "表达式为空");
        e_.root_ = parse_expr();
        if (cur().kind != Tok::end)
            fail(cur().pos, "unexpected " + describe(cur()) + " after the end of the expression",
                 "表达式结束后出现多余的 " + describe(cur(), Lang::zh));
        std::sort(e_.reads_.begin(), e_.reads_.end());
        e_.reads_.erase(std::unique(e_.reads_.begin(), e_.reads_.end()), e_.reads_.end());
    }

private:
    [[noreturn]] void fail(std::size_t pos, std::string en, std::string zh) const {
        fail_at(e_.text_, e_.where_, pos, std::move(en), std::move(zh));
    }

    std::string_view lexeme(const Token& t) const { return std::string_view(e_.text_).substr(t.pos, t.len); }
    std::string describe(const Token& t, Lang lang = Lang::en) const {
        return t.kind != Tok::end ? dquote(lexeme(t)) : lang == Lang::zh ? "表达式结尾" : "end";
    }

    // -- tokenizer
    void tokenize() {
        const std::string_view s = e_.text_;
        std::size_t i = 0;
        auto push = [&](Tok k, std::size_t len) {
            tokens_.push_back({k, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(len)});
            i += len;
        };
        while (i < s.size()) {
            const char c = s[i];
            const char next = i + 1 < s.size() ? s[i + 1] : '\0';
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++i;
            } else if (digit(c)) {
                std::size_t j = i;
                while (j < s.size() && (digit(s[j]) || s[j] == '.')) ++j;
                if (j < s.size() && s[j] == '%') ++j;
                push(Tok::number, j - i);
            } else if (c == '"' || c == '\'') {
                const std::size_t close = s.find(c, i + 1);
                if (close == std::string_view::npos)
                    fail(i, std::string("text has no closing ") + c, std::string("文本缺少结束的 ") + c);
                push(Tok::string, close + 1 - i);
            } else if (name_start(c)) {
                const std::size_t n = scan_name(s, i);
                const std::string_view w = s.substr(i, n);
                Tok k = Tok::name;
                constexpr Tok kw[] = {Tok::kw_and, Tok::kw_or,   Tok::kw_not,   Tok::kw_in,   Tok::kw_if,
                                      Tok::kw_then, Tok::kw_else, Tok::kw_true, Tok::kw_false};
                for (std::size_t k2 = 0; k2 < std::size(keywords); ++k2)
                    if (w == keywords[k2]) k = kw[k2];
                push(k, n);
            } else {
                switch (c) {
                case '(': push(Tok::lparen, 1); break;
                case ')': push(Tok::rparen, 1); break;
                case '[': push(Tok::lbracket, 1); break;
                case ']': push(Tok::rbracket, 1); break;
                case ',': push(Tok::comma, 1); break;
                case '+': push(Tok::plus, 1); break;
                case '-': push(Tok::minus, 1); break;
                case '*': push(Tok::star, 1); break;
                case '/': push(Tok::slash, 1); break;
                case '<': next == '=' ? push(Tok::le, 2) : push(Tok::lt, 1); break;
                case '>': next == '=' ? push(Tok::ge, 2) : push(Tok::gt, 1); break;
                case '=':
                    if (next != '=') fail(i, "unexpected \"=\"; compare with \"==\"", "意外的 \"=\"；比较相等请用 \"==\"");
                    push(Tok::eq, 2);
                    break;
                case '!':
                    if (next != '=') fail(i, "unexpected \"!\"; use \"not\" or \"!=\"", "意外的 \"!\"；请用 \"not\" 或 \"!=\"");
                    push(Tok::ne, 2);
                    break;
                case '&': fail(i, "unexpected \"&\"; use \"and\"", "意外的 \"&\"；请用 \"and\"");
                case '|': fail(i, "unexpected \"|\"; use \"or\"", "意外的 \"|\"；请用 \"or\"");
                default: {
                    const std::string ch(s.substr(i, std::min(utf8_len(static_cast<unsigned char>(c)), s.size() - i)));
                    fail(i, "unexpected character " + dquote(ch), "意外的字符 " + dquote(ch));
                }
                }
            }
        }
        tokens_.push_back({Tok::end, static_cast<std::uint32_t>(s.size()), 0});
    }

    const Token& cur() const { return tokens_[at_]; }
    const Token& peek() const { return tokens_[std::min(at_ + 1, tokens_.size() - 1)]; }
    Token take() { return tokens_[at_ < tokens_.size() - 1 ? at_++ : at_]; }
    void expect(Tok k, const char* what) {
        if (cur().kind != k)
            fail(cur().pos, std::string("expected ") + what + ", found " + describe(cur()),
                 std::string("此处应为 ") + what + "，却是 " + describe(cur(), Lang::zh));
        take();
    }

    // -- nodes
    std::uint32_t node(Op op, Type type, std::uint32_t pos, std::uint32_t a = 0, std::uint32_t b = 0,
                       std::uint32_t c = 0, std::size_t depth = 1) {
        if (depth > max_depth) too_deep(pos);
        e_.nodes_.push_back(Node{op, type, 0, pos, a, b, c});
        depth_.push_back(static_cast<std::uint16_t>(depth));
        return static_cast<std::uint32_t>(e_.nodes_.size() - 1);
    }
    std::size_t depth_of(std::uint32_t n) const { return depth_[n]; }
    Type type_of(std::uint32_t n) const { return e_.nodes_[n].type; }
    std::string_view literal(const Node& n) const { return std::string_view(e_.texts_).substr(n.a, n.b); }
    /// Appends a text literal to texts_; its offset there.
    std::uint32_t store_text(std::string_view s) {
        const auto at = static_cast<std::uint32_t>(e_.texts_.size());
        e_.texts_ += s;
        return at;
    }
    std::uint32_t text_node(std::string_view s, std::uint32_t pos) {
        return node(Op::lit_text, Type::text, pos, store_text(s), static_cast<std::uint32_t>(s.size()));
    }

    /// When `name` is a name with a fixed set of values and `lit` a text literal
    /// compared with it: the literal must be one of them (a typo would never
    /// match), and a synonym ("良") is rewritten to the id the bindings hold.
    void check_choice(std::uint32_t name, std::uint32_t lit) {
        const Node& n = e_.nodes_[name];
        if ((n.op != Op::name && n.op != Op::field) || e_.nodes_[lit].op != Op::lit_text) return;
        // A name of the schema, or a field of a quantifier's item (`i.level2`).
        const Schema& sc = n.op == Op::name ? schema_ : *schema_.item(n.c);
        const std::vector<Choice>& values = sc.values(n.a);
        if (values.empty()) return;
        const std::string_view s = literal(e_.nodes_[lit]);
        if (const std::optional<std::string_view> id = sc.canonical(n.a, s)) {
            if (*id == s) return;
            e_.nodes_[lit].a = store_text(*id);
            e_.nodes_[lit].b = static_cast<std::uint32_t>(id->size());
            return;
        }
        std::vector<std::string_view> spellings;
        std::string ids, ids_zh;
        for (const Choice& c : values) {
            spellings.push_back(c.id);
            spellings.insert(spellings.end(), c.synonyms.begin(), c.synonyms.end());
            ids += (ids.empty() ? "" : ", ") + dquote(c.id);
            ids_zh += (ids_zh.empty() ? "" : "、") + dquote(c.id);
        }
        const std::string name_text = n.op == Op::name ? schema_.name(n.a) : vars_[n.b].name + "." + sc.name(n.a);
        const std::string hint = suggest(s, spellings);
        fail(e_.nodes_[lit].pos,
             "unknown " + name_text + " " + dquote(s) + (hint.empty() ? "" : " — did you mean " + dquote(hint) + "?") +
                 " (" + name_text + " is one of " + ids + ")",
             name_text + " 没有取值 " + dquote(s) + (hint.empty() ? "" : "，是否应为 " + dquote(hint) + "？") + "（可取 " +
                 ids_zh + "）");
    }
    [[noreturn]] void too_deep(std::size_t pos) const {
        fail(pos, "expression nests more than " + std::to_string(max_depth) + " levels deep",
             "表达式嵌套超过 " + std::to_string(max_depth) + " 层");
    }
    /// Guards the parser's own recursion, so a string of "((((" cannot overflow the stack.
    struct Nest {
        Compiler& c;
        Nest(Compiler& comp, std::size_t pos) : c(comp) {
            if (++c.nesting_ > max_depth) c.too_deep(pos);
        }
        ~Nest() { --c.nesting_; }
        Nest(const Nest&) = delete;
        Nest& operator=(const Nest&) = delete;
    };

    static std::string types_en(Type a, Type b) { return std::string(type_name(a)) + " and " + type_name(b); }
    static std::string types_zh(Type a, Type b) {
        return std::string(type_name(a, Lang::zh)) + "和" + type_name(b, Lang::zh);
    }
    [[noreturn]] void cannot_compare(std::size_t pos, Type a, Type b) const {
        fail(pos, std::string("type error: cannot compare ") + type_name(a) + " with " + type_name(b),
             std::string("类型错误：不能比较") + type_name(a, Lang::zh) + "与" + type_name(b, Lang::zh));
    }

    // -- grammar (lowest precedence first)
    std::uint32_t parse_expr() {
        Nest guard(*this, cur().pos);
        return parse_or();
    }

    std::uint32_t parse_logic(Tok kw, Op op, const char* word, std::uint32_t (Compiler::*operand)()) {
        std::uint32_t l = (this->*operand)();
        while (cur().kind == kw) {
            const Token t = take();
            const std::uint32_t r = (this->*operand)();
            for (std::uint32_t side : {l, r})
                if (type_of(side) != Type::boolean)
                    fail(t.pos,
                         std::string("type error: \"") + word + "\" needs true/false on both sides, not " +
                             type_name(type_of(side)),
                         std::string("类型错误：\"") + word + "\" 两侧须为布尔值，不能是" +
                             type_name(type_of(side), Lang::zh));
            l = node(op, Type::boolean, t.pos, l, r, 0, 1 + std::max(depth_of(l), depth_of(r)));
        }
        return l;
    }
    std::uint32_t parse_or() { return parse_logic(Tok::kw_or, Op::or_, "or", &Compiler::parse_and); }
    std::uint32_t parse_and() { return parse_logic(Tok::kw_and, Op::and_, "and", &Compiler::parse_not); }

    std::uint32_t parse_not() {
        if (cur().kind != Tok::kw_not) return parse_cmp();
        const Token t = take();
        Nest guard(*this, t.pos);
        const std::uint32_t x = parse_not();
        if (type_of(x) != Type::boolean)
            fail(t.pos, std::string("type error: \"not\" needs true/false, not ") + type_name(type_of(x)),
                 std::string("类型错误：\"not\" 须作用于布尔值，不能是") + type_name(type_of(x), Lang::zh));
        return node(Op::not_, Type::boolean, t.pos, x, 0, 0, 1 + depth_of(x));
    }

    static bool is_comparison(Tok k) {
        return k == Tok::lt || k == Tok::le || k == Tok::gt || k == Tok::ge || k == Tok::eq || k == Tok::ne;
    }

    std::uint32_t parse_cmp() {
        const std::uint32_t l = parse_add();
        std::uint32_t result = l;
        if (is_comparison(cur().kind)) {
            const Token t = take();
            const std::uint32_t r = parse_add();
            const Type a = type_of(l), b = type_of(r);
            if (a != b) cannot_compare(t.pos, a, b);
            const bool ordering = t.kind != Tok::eq && t.kind != Tok::ne;
            if (ordering && a != Type::number && a != Type::date)
                fail(t.pos,
                     "type error: " + dquote(lexeme(t)) + " cannot order " + type_name(a) +
                         " values; only numbers and dates have an order",
                     "类型错误：" + dquote(lexeme(t)) + " 不能比较" + type_name(a, Lang::zh) + "的大小，只有数字和日期有大小");
            if (!ordering && a == Type::text) {
                check_choice(l, r);
                check_choice(r, l);
            }
            static constexpr Op ops[] = {Op::lt, Op::le, Op::gt, Op::ge, Op::eq, Op::ne};
            const Op op = ops[static_cast<int>(t.kind) - static_cast<int>(Tok::lt)];
            result = node(op, Type::boolean, t.pos, l, r, 0, 1 + std::max(depth_of(l), depth_of(r)));
        } else if (cur().kind == Tok::kw_in || (cur().kind == Tok::kw_not && peek().kind == Tok::kw_in)) {
            const Token t = take();
            const bool negated = t.kind == Tok::kw_not;
            if (negated) take();
            result = parse_list(l, negated ? Op::not_in : Op::in, t.pos);
        } else {
            return l;
        }
        if (is_comparison(cur().kind) || cur().kind == Tok::kw_in ||
            (cur().kind == Tok::kw_not && peek().kind == Tok::kw_in))
            fail(cur().pos, "comparisons cannot be chained; join them with \"and\"",
                 "比较不能连写；请用 \"and\" 连接");
        return result;
    }

    std::uint32_t parse_list(std::uint32_t left, Op op, std::uint32_t pos) {
        expect(Tok::lbracket, "\"[\" after \"in\"");
        std::vector<std::uint32_t> items;
        for (;;) {
            const Token start = cur();
            const std::uint32_t item = parse_literal();
            if (type_of(item) != type_of(left)) cannot_compare(start.pos, type_of(left), type_of(item));
            check_choice(left, item);
            items.push_back(item);
            if (cur().kind == Tok::comma) {
                take();
                continue;
            }
            expect(Tok::rbracket, "\",\" or \"]\"");
            break;
        }
        const auto first = static_cast<std::uint32_t>(e_.lists_.size());
        e_.lists_.insert(e_.lists_.end(), items.begin(), items.end());
        return node(op, Type::boolean, pos, left, first, static_cast<std::uint32_t>(items.size()), 1 + depth_of(left));
    }

    /// A list item: a number (optionally negative), text, true/false or date("…").
    std::uint32_t parse_literal() {
        const Token t = cur();
        switch (t.kind) {
        case Tok::number:
        case Tok::string:
        case Tok::kw_true:
        case Tok::kw_false: return parse_primary();
        case Tok::minus:
            if (peek().kind == Tok::number) {
                take();
                const std::uint32_t n = parse_primary();
                e_.numbers_[e_.nodes_[n].a] = -e_.numbers_[e_.nodes_[n].a];
                e_.nodes_[n].pos = t.pos;
                return n;
            }
            break;
        case Tok::name:
            if (lexeme(t) == "date" && peek().kind == Tok::lparen) return parse_primary();
            break;
        default: break;
        }
        fail(t.pos, "the list after \"in\" may hold only literal values (numbers, \"text\", true/false, date(\"…\")), found " +
                        describe(t),
             "\"in\" 后的列表只能写常量（数字、\"文本\"、true/false、date(\"…\")），却是 " + describe(t, Lang::zh));
    }

    std::uint32_t parse_arith(Tok k1, Op op1, Tok k2, Op op2, std::uint32_t (Compiler::*operand)()) {
        std::uint32_t l = (this->*operand)();
        while (cur().kind == k1 || cur().kind == k2) {
            const Token t = take();
            const std::uint32_t r = (this->*operand)();
            const Type a = type_of(l), b = type_of(r);
            if (a == Type::date && b == Type::date && t.kind == Tok::minus)
                fail(t.pos, "type error: dates cannot be subtracted; use days(d1, d2)",
                     "类型错误：日期不能相减；请用 days(d1, d2)");
            if (a != Type::number || b != Type::number)
                fail(t.pos, "type error: " + dquote(lexeme(t)) + " needs numbers, not " + types_en(a, b),
                     "类型错误：" + dquote(lexeme(t)) + " 须作用于数字，不能是" + types_zh(a, b));
            l = node(t.kind == k1 ? op1 : op2, Type::number, t.pos, l, r, 0, 1 + std::max(depth_of(l), depth_of(r)));
        }
        return l;
    }
    std::uint32_t parse_add() { return parse_arith(Tok::plus, Op::add, Tok::minus, Op::sub, &Compiler::parse_mul); }
    std::uint32_t parse_mul() { return parse_arith(Tok::star, Op::mul, Tok::slash, Op::div, &Compiler::parse_unary); }

    std::uint32_t parse_unary() {
        if (cur().kind != Tok::minus) return parse_primary();
        const Token t = take();
        Nest guard(*this, t.pos);
        const std::uint32_t x = parse_unary();
        if (type_of(x) != Type::number)
            fail(t.pos, std::string("type error: \"-\" needs a number, not ") + type_name(type_of(x)),
                 std::string("类型错误：\"-\" 须作用于数字，不能是") + type_name(type_of(x), Lang::zh));
        return node(Op::neg, Type::number, t.pos, x, 0, 0, 1 + depth_of(x));
    }

    std::uint32_t parse_primary() {
        const Token t = cur();
        switch (t.kind) {
        case Tok::number: {
            take();
            Decimal d;
            const NumberError err = parse_decimal(lexeme(t), d);
            if (!err.ok())
                fail(t.pos, "invalid number " + dquote(lexeme(t)) + ": expected " + err.en,
                     "数字 " + dquote(lexeme(t)) + " 无效：" + err.zh);
            e_.numbers_.push_back(lowest(d));
            return node(Op::lit_number, Type::number, t.pos, static_cast<std::uint32_t>(e_.numbers_.size() - 1));
        }
        case Tok::string: take(); return text_node(lexeme(t).substr(1, t.len - 2), t.pos);
        case Tok::kw_true:
        case Tok::kw_false: take(); return node(Op::lit_bool, Type::boolean, t.pos, t.kind == Tok::kw_true);
        case Tok::lparen: {
            take();
            const std::uint32_t x = parse_expr();
            expect(Tok::rparen, "\")\"");
            return x;
        }
        case Tok::kw_if: return parse_if();
        case Tok::name:
            take();
            if (cur().kind == Tok::lparen) return parse_call(t);
            return parse_name(t);
        case Tok::end:
            fail(t.pos, "unexpected end of expression; expected a value", "表达式意外结束；此处应为一个值");
        default:
            fail(t.pos, "expected a value, found " + describe(t), "此处应为一个值，却是 " + describe(t, Lang::zh));
        }
    }

    std::uint32_t parse_name(const Token& t) {
        const std::string_view w = lexeme(t);
        // A quantifier's variable, innermost first: `i.unit` is the field `unit` of the item.
        const std::size_t dot = w.find('.');
        for (std::size_t k = vars_.size(); k-- > 0;)
            if (vars_[k].name == w.substr(0, dot)) return parse_field(t, k, dot == std::string_view::npos ? "" : w.substr(dot + 1));
        const std::optional<std::size_t> slot = schema_.find(w);
        if (!slot) {
            std::vector<std::string_view> names;
            for (std::size_t i = 0; i < schema_.size(); ++i) names.push_back(schema_.name(i));
            const std::string s = suggest(w, names);
            fail(t.pos, "unknown name " + dquote(w) + (s.empty() ? "" : " — did you mean " + dquote(s) + "?"),
                 "未知名称 " + dquote(w) + (s.empty() ? "" : "，是否应为 " + dquote(s) + "？"));
        }
        if (schema_.type(*slot) == Type::list)
            fail(t.pos,
                 dquote(w) + " is a list: test its items with " + std::string(w) + ".all(i, …), " + std::string(w) +
                     ".exists(i, …) or " + std::string(w) + ".count(i, …)",
                 dquote(w) + " 是列表：请用 " + std::string(w) + ".all(i, …)、" + std::string(w) + ".exists(i, …) 或 " +
                     std::string(w) + ".count(i, …) 检查其中各项");
        e_.reads_.push_back(*slot);
        return node(Op::name, schema_.type(*slot), t.pos, static_cast<std::uint32_t>(*slot));
    }

    /// `i.field` inside a quantifier over a list: the field of the item being tested.
    std::uint32_t parse_field(const Token& t, std::size_t var, std::string_view field) {
        const Var& v = vars_[var];
        const Schema& item = *schema_.item(v.slot);
        std::vector<std::string> fields;
        for (std::size_t i = 0; i < item.size(); ++i) fields.push_back(v.name + "." + item.name(i));
        if (field.empty())
            fail(t.pos,
                 dquote(v.name) + " is an item of " + schema_.name(v.slot) + ": read one of its fields" +
                     (fields.empty() ? std::string() : ", such as " + dquote(fields.front())),
                 dquote(v.name) + " 是 " + schema_.name(v.slot) + " 的一项：请读取它的字段" +
                     (fields.empty() ? std::string() : "，如 " + dquote(fields.front())));
        const std::optional<std::size_t> f = item.find(field);
        if (!f) {
            const std::string s = suggest(lexeme(t), fields);
            fail(t.pos,
                 "unknown field " + dquote(field) + " of " + schema_.name(v.slot) +
                     (s.empty() ? "" : " — did you mean " + dquote(s) + "?"),
                 schema_.name(v.slot) + " 没有字段 " + dquote(field) + (s.empty() ? "" : "，是否应为 " + dquote(s) + "？"));
        }
        return node(Op::field, item.type(*f), t.pos, static_cast<std::uint32_t>(*f), static_cast<std::uint32_t>(var), v.slot);
    }

    /// `list.all(var, condition)`, `list.exists(var, condition)`, `list.count(var, condition)`.
    std::uint32_t parse_quantifier(const Token& fn, std::uint32_t slot, std::string_view method) {
        const std::string call = std::string(lexeme(fn)) + "()";
        Nest guard(*this, fn.pos);
        take(); // (
        const Token v = cur();
        const std::string_view var = lexeme(v);
        if (v.kind != Tok::name || var.find('.') != std::string_view::npos)
            fail(v.pos, "expected a variable name such as i after \"" + std::string(lexeme(fn)) + "(\", found " + describe(v),
                 "\"" + std::string(lexeme(fn)) + "(\" 后应为变量名（如 i），却是 " + describe(v, Lang::zh));
        if (schema_.find(var))
            fail(v.pos, dquote(var) + " is already a name here; choose another variable name",
                 dquote(var) + " 已是可用名称；请换一个变量名");
        for (const Var& outer : vars_)
            if (outer.name == var)
                fail(v.pos, dquote(var) + " is already the variable of an enclosing quantifier; choose another name",
                     dquote(var) + " 已是外层量词的变量；请换一个变量名");
        if (vars_.size() >= max_quantifier_depth)
            fail(fn.pos, "quantifiers nest more than " + std::to_string(max_quantifier_depth) + " deep",
                 "量词嵌套超过 " + std::to_string(max_quantifier_depth) + " 层");
        take();
        expect(Tok::comma, "\",\" after the variable name");
        const Token start = cur();
        vars_.push_back({std::string(var), slot});
        const std::uint32_t pred = parse_expr();
        vars_.pop_back();
        expect(Tok::rparen, "\")\"");
        if (type_of(pred) != Type::boolean)
            fail(start.pos,
                 "type error: the condition of " + call + " must be true/false, not " + type_name(type_of(pred)),
                 std::string("类型错误：") + call + " 的条件须为布尔值，不能是" + type_name(type_of(pred), Lang::zh));
        e_.reads_.push_back(slot);
        const Op op = method == "all" ? Op::all : method == "exists" ? Op::exists : Op::count;
        return node(op, op == Op::count ? Type::number : Type::boolean, fn.pos, slot, pred,
                    static_cast<std::uint32_t>(vars_.size()), 1 + depth_of(pred));
    }

    std::uint32_t parse_if() {
        const Token t = take();
        Nest guard(*this, t.pos);
        const std::uint32_t c = parse_expr();
        if (type_of(c) != Type::boolean)
            fail(t.pos, std::string("type error: the condition after \"if\" must be true/false, not ") + type_name(type_of(c)),
                 std::string("类型错误：\"if\" 后的条件须为布尔值，不能是") + type_name(type_of(c), Lang::zh));
        expect(Tok::kw_then, "\"then\"");
        const std::uint32_t a = parse_expr();
        const Token else_tok = cur();
        expect(Tok::kw_else, "\"else\"");
        const std::uint32_t b = parse_expr();
        if (type_of(a) != type_of(b))
            fail(else_tok.pos,
                 "type error: \"then\" and \"else\" give different types (" + types_en(type_of(a), type_of(b)) + ")",
                 "类型错误：\"then\" 与 \"else\" 的结果类型不同（" + types_zh(type_of(a), type_of(b)) + "）");
        return node(Op::cond, type_of(a), t.pos, c, a, b,
                    1 + std::max({depth_of(c), depth_of(a), depth_of(b)}));
    }

    std::uint32_t parse_call(const Token& fn) {
        const std::string name(lexeme(fn));
        if (const std::size_t dot = name.rfind('.'); dot != std::string::npos) {
            // `indicators.all(i, …)`: a quantifier over a list of the schema.
            const std::string_view list = std::string_view(name).substr(0, dot), method = std::string_view(name).substr(dot + 1);
            const bool quantifier = method == "all" || method == "exists" || method == "count";
            const std::optional<std::size_t> slot = schema_.find(list);
            const bool is_list = slot && schema_.type(*slot) == Type::list;
            if (is_list && quantifier) return parse_quantifier(fn, static_cast<std::uint32_t>(*slot), method);
            if (is_list)
                fail(fn.pos,
                     "unknown function " + dquote(name) + " — a list has all(), exists() and count()",
                     "未知函数 " + dquote(name) + "；列表只有 all()、exists() 和 count()");
            if (quantifier && slot)
                fail(fn.pos,
                     dquote(list) + " is a " + type_name(schema_.type(*slot)) + ", not a list: " + std::string(method) +
                         "() needs a list",
                     dquote(list) + " 是" + type_name(schema_.type(*slot), Lang::zh) + "，不是列表：" + std::string(method) +
                         "() 须作用于列表");
            if (quantifier) {
                std::vector<std::string_view> lists;
                for (std::size_t i = 0; i < schema_.size(); ++i)
                    if (schema_.type(i) == Type::list) lists.push_back(schema_.name(i));
                const std::string s = suggest(list, lists);
                fail(fn.pos, "unknown list " + dquote(list) + (s.empty() ? "" : " — did you mean " + dquote(s) + "?"),
                     "未知列表 " + dquote(list) + (s.empty() ? "" : "，是否应为 " + dquote(s) + "？"));
            }
        }
        if (std::find(std::begin(functions), std::end(functions), name) == std::end(functions)) {
            const std::string s = suggest(name, functions);
            fail(fn.pos, "unknown function " + dquote(name) + (s.empty() ? "" : " — did you mean " + dquote(s) + "?"),
                 "未知函数 " + dquote(name) + (s.empty() ? "" : "，是否应为 " + dquote(s) + "？"));
        }
        Nest guard(*this, fn.pos);
        take(); // (
        std::vector<std::uint32_t> args;
        std::vector<std::uint32_t> starts;
        if (cur().kind != Tok::rparen) {
            for (;;) {
                starts.push_back(cur().pos);
                args.push_back(parse_expr());
                if (cur().kind != Tok::comma) break;
                take();
            }
        }
        expect(Tok::rparen, "\",\" or \")\"");
        std::size_t depth = 1;
        for (std::uint32_t a : args) depth = std::max(depth, 1 + depth_of(a));

        auto arity = [&](bool ok, const char* en, const char* zh) {
            if (!ok) fail(fn.pos, name + "() takes " + en, name + "() 需要 " + zh);
        };
        auto need = [&](std::size_t i, Type t) {
            if (type_of(args[i]) != t)
                fail(starts[i],
                     "type error: argument " + std::to_string(i + 1) + " of " + name + "() must be a " + type_name(t) +
                         ", not " + type_name(type_of(args[i])),
                     "类型错误：" + name + "() 的第 " + std::to_string(i + 1) + " 个参数须为" + type_name(t, Lang::zh) +
                         "，不能是" + type_name(type_of(args[i]), Lang::zh));
        };

        if (name == "min" || name == "max") {
            arity(args.size() >= 2, "at least 2 arguments", "至少 2 个参数");
            const Type t = type_of(args[0]);
            if (t != Type::number && t != Type::date)
                fail(starts[0], "type error: " + name + "() needs numbers or dates, not " + type_name(t),
                     "类型错误：" + name + "() 须作用于数字或日期，不能是" + type_name(t, Lang::zh));
            for (std::size_t i = 1; i < args.size(); ++i) need(i, t);
            const auto first = static_cast<std::uint32_t>(e_.lists_.size());
            e_.lists_.insert(e_.lists_.end(), args.begin(), args.end());
            return node(name == "min" ? Op::min : Op::max, t, fn.pos, 0, first, static_cast<std::uint32_t>(args.size()),
                        depth);
        }
        if (name == "abs") {
            arity(args.size() == 1, "1 argument", "1 个参数");
            need(0, Type::number);
            return node(Op::abs, Type::number, fn.pos, args[0], 0, 0, depth);
        }
        if (name == "days") {
            arity(args.size() == 2, "2 arguments", "2 个参数");
            need(0, Type::date);
            need(1, Type::date);
            return node(Op::days, Type::number, fn.pos, args[0], args[1], 0, depth);
        }
        if (name == "date") {
            arity(args.size() == 1, "1 argument", "1 个参数");
            const Node& a = e_.nodes_[args[0]];
            if (a.op != Op::lit_text)
                fail(starts[0], "date() takes a text literal such as \"2024-02-29\"",
                     "date() 的参数须为文本常量，如 \"2024-02-29\"");
            const std::string_view s = literal(a);
            const std::optional<Date> d = parse_date(s);
            if (!d)
                fail(starts[0], "invalid date " + dquote(s) + ": expected YYYY-MM-DD that exists in the calendar",
                     "日期 " + dquote(s) + " 无效：应为日历上存在的日期，格式 YYYY-MM-DD");
            e_.nodes_.pop_back(); // the text literal is not needed
            depth_.pop_back();
            e_.dates_.push_back(*d);
            return node(Op::lit_date, Type::date, fn.pos, static_cast<std::uint32_t>(e_.dates_.size() - 1));
        }
        // round
        arity(args.size() == 2 || args.size() == 3, "2 or 3 arguments", "2 或 3 个参数");
        need(0, Type::number);
        const Node& digits = e_.nodes_[args[1]];
        int places = -1;
        if (digits.op == Op::lit_number) {
            const Number& literal = e_.numbers_[digits.a];
            const Fraction& f = literal.small(); // literals are small
            if (f.den() == 1 && f.num() >= 0 && f.num() <= Decimal::scale) places = static_cast<int>(f.num().native());
        }
        if (places < 0)
            fail(starts[1], "round() digits must be a whole number from 0 to 6", "round() 的位数须为 0 到 6 的整数");
        RoundingMode mode = RoundingMode::half_up;
        if (args.size() == 3) {
            const Node& m = e_.nodes_[args[2]];
            const std::string_view s = m.op == Op::lit_text ? literal(m) : "";
            if (m.op == Op::lit_text && s == "half_up") mode = RoundingMode::half_up;
            else if (m.op == Op::lit_text && s == "half_even") mode = RoundingMode::half_even;
            else if (m.op == Op::lit_text && s == "down") mode = RoundingMode::down;
            else if (m.op == Op::lit_text)
                fail(starts[2], "unknown rounding mode " + dquote(s) + " — expected \"half_up\", \"half_even\" or \"down\"",
                     "未知的舍入方式 " + dquote(s) + "；应为 \"half_up\"、\"half_even\" 或 \"down\"");
            else
                fail(starts[2], "round() mode must be \"half_up\", \"half_even\" or \"down\"",
                     "round() 的舍入方式须为 \"half_up\"、\"half_even\" 或 \"down\"");
        }
        const std::uint32_t n =
            node(Op::round, Type::number, fn.pos, args[0], static_cast<std::uint32_t>(places), 0, depth);
        e_.nodes_[n].mode = static_cast<std::uint8_t>(mode);
        return n;
    }

    /// A quantifier's variable in scope: its name and the list slot it ranges over.
    struct Var {
        std::string name;
        std::uint32_t slot = 0;
    };

    CompiledExpr& e_;
    const Schema& schema_;
    std::vector<Var> vars_; // innermost last; its index is the variable's index at evaluation
    std::vector<Token> tokens_;
    std::size_t at_ = 0;
    std::vector<std::uint16_t> depth_;
    std::size_t nesting_ = 0;
};

static void check_constants(const CompiledExpr& e); // after the evaluator

CompiledExpr compile(std::string_view text, const Schema& schema, const SourceLocation& where) {
    CompiledExpr e;
    e.text_ = std::string(text);
    e.where_ = where;
    for (std::size_t i = 0; i < schema.size(); ++i) {
        e.names_.push_back(schema.name(i));
        e.slot_types_.push_back(schema.type(i));
        std::vector<std::string>& fields = e.item_names_.emplace_back();
        if (const Schema* item = schema.item(i))
            for (std::size_t f = 0; f < item->size(); ++f) fields.push_back(item->name(f));
    }
    Compiler(e, schema).run();
    check_constants(e);
    return e;
}

// --- the evaluator ---------------------------------------------------------------------

class Evaluator {
public:
    Evaluator(const CompiledExpr& e, Bindings b) : e_(e), b_(b) {}

    /// The whole expression. An ArithmeticError (numbers never overflow, but a
    /// value can leave a bounded type) is reported at the operator that raised
    /// it: `at_` is set just before each operation that can.
    Value run() { return run_at(e_.root_); }

    static std::optional<Part> trace(const CompiledExpr& e, Bindings b) {
        if (b.size() < e.slot_count() || e.nodes_.empty()) return std::nullopt;
        for (const std::size_t s : e.reads_) // a slot of the wrong type: bindings from elsewhere
            if (s >= b.size() || b[s].type() != e.slot_types_[s]) return std::nullopt;
        return Evaluator(e, b).part(e.root_);
    }

    /// Node `i` with its operands, each evaluated on its own (trace()).
    Part part(std::uint32_t i) {
        const Node& n = e_.nodes_[i];
        Part p;
        try {
            p.value = eval(i);
        } catch (const Error&) {
            p.evaluated = false;
        }
        using K = Part::Kind;
        auto one = [&](K k) {
            p.kind = k;
            p.args.push_back(part(n.a));
        };
        auto two = [&](K k) {
            p.kind = k;
            p.args.push_back(part(n.a));
            p.args.push_back(part(n.b));
        };
        switch (n.op) {
        case Op::lit_number:
        case Op::lit_text:
        case Op::lit_bool:
        case Op::lit_date: p.kind = K::constant; break;
        case Op::name:
            p.kind = K::name;
            p.name = e_.names_[n.a];
            break;
        case Op::neg: one(K::neg); break;
        case Op::not_: one(K::not_); break;
        case Op::abs: one(K::abs); break;
        case Op::add: two(K::add); break;
        case Op::sub: two(K::sub); break;
        case Op::mul: two(K::mul); break;
        case Op::div: two(K::div); break;
        case Op::lt: two(K::lt); break;
        case Op::le: two(K::le); break;
        case Op::gt: two(K::gt); break;
        case Op::ge: two(K::ge); break;
        case Op::eq: two(K::eq); break;
        case Op::ne: two(K::ne); break;
        case Op::and_: two(K::and_); break;
        case Op::or_: two(K::or_); break;
        case Op::in:
        case Op::not_in:
            p.kind = n.op == Op::in ? K::in : K::not_in;
            p.args.push_back(part(n.a));
            for (std::uint32_t k = n.b; k < n.b + n.c; ++k) p.args.push_back(part(e_.lists_[k]));
            break;
        case Op::min:
        case Op::max:
            p.kind = n.op == Op::min ? K::min : K::max;
            for (std::uint32_t k = n.b; k < n.b + n.c; ++k) p.args.push_back(part(e_.lists_[k]));
            break;
        case Op::round:
            p.kind = K::round;
            p.digits = static_cast<int>(n.b);
            p.args.push_back(part(n.a));
            break;
        default: p.kind = K::other; break;
        }
        return p;
    }

    /// Fails at load time on a part of the expression that reads no name and
    /// cannot be computed (`1 / 0 > 1`), and on a division whose divisor is
    /// always 0, where that part is evaluated on every project: `check` would
    /// otherwise accept a rule that fails on all of them. Parts behind `and`,
    /// `or`, `if` and quantifiers may never run (`false and 1 / 0 > 1` is a
    /// valid, if odd, rule) and are left to evaluation.
    static void check_constants(const CompiledExpr& e) {
        std::vector<std::int8_t> known(e.nodes_.size(), -1);
        Evaluator ev(e, {});
        ev.check_always_run(e.root_, known);
    }

private:
    Value run_at(std::uint32_t i) {
        try {
            return eval(i);
        } catch (const ArithmeticError& err) {
            const Diagnostic& d = err.diagnostics().front();
            fail(e_.nodes_[at_], d.en, d.zh);
        }
    }

    /// check_constants() below node i, which runs whenever the expression does.
    void check_always_run(std::uint32_t i, std::vector<std::int8_t>& known) {
        const Node& n = e_.nodes_[i];
        const bool literal = n.op == Op::lit_number || n.op == Op::lit_text || n.op == Op::lit_bool || n.op == Op::lit_date;
        if (constant(e_, i, known)) {
            if (!literal) run_at(i); // computed once, here; its failure is the rule's
            return;
        }
        switch (n.op) {
        case Op::and_:
        case Op::or_:
        case Op::cond: check_always_run(n.a, known); return; // the rest may not run
        case Op::all:
        case Op::exists:
        case Op::count:
        case Op::name:
        case Op::field: return; // a predicate runs only on items there may not be
        case Op::neg:
        case Op::not_:
        case Op::abs:
        case Op::round: check_always_run(n.a, known); return;
        case Op::in:
        case Op::not_in: check_always_run(n.a, known); return; // the list stops at the first match
        case Op::min:
        case Op::max:
            for (std::uint32_t k = n.b; k < n.b + n.c; ++k) check_always_run(e_.lists_[k], known);
            return;
        case Op::div:
            check_always_run(n.a, known);
            check_always_run(n.b, known);
            if (constant(e_, n.b, known) && run_at(n.b).as_number().is_zero())
                fail(n, "division by zero: the divisor is always 0", "除数为零：除数恒为 0");
            return;
        default: // + − ×, comparisons, days
            check_always_run(n.a, known);
            check_always_run(n.b, known);
            return;
        }
    }

    /// Whether node i reads no name, no item and no list (memoised in `known`).
    static bool constant(const CompiledExpr& e, std::uint32_t i, std::vector<std::int8_t>& known) {
        if (known[i] >= 0) return known[i] != 0;
        const Node& n = e.nodes_[i];
        bool c = true;
        const auto all_of = [&](std::initializer_list<std::uint32_t> children) {
            for (const std::uint32_t k : children) c = c && constant(e, k, known);
        };
        const auto range = [&](std::uint32_t from, std::uint32_t count) {
            for (std::uint32_t k = from; k < from + count && c; ++k) c = constant(e, e.lists_[k], known);
        };
        switch (n.op) {
        case Op::lit_number:
        case Op::lit_text:
        case Op::lit_bool:
        case Op::lit_date: break;
        case Op::name:
        case Op::field:
        case Op::all:
        case Op::exists:
        case Op::count: c = false; break;
        case Op::neg:
        case Op::not_:
        case Op::abs:
        case Op::round: all_of({n.a}); break; // round's b is the number of places, not a node
        case Op::in:
        case Op::not_in:
            all_of({n.a});
            range(n.b, n.c);
            break;
        case Op::min:
        case Op::max: range(n.b, n.c); break;
        case Op::cond: all_of({n.a, n.b, n.c}); break;
        default: all_of({n.a, n.b}); break; // + − × ÷, comparisons, and/or, days
        }
        known[i] = c ? 1 : 0;
        return c;
    }

public:

private:
    // The operators rules use on every project, in one small recursive function
    // (names, literals, comparisons, + − ×, and/or/not, abs); the others in
    // rare(). A switch over every case with a try block per node gave each level
    // of the recursion a frame of over half a kilobyte, and the calls cost more
    // than the arithmetic.
    Value eval(std::uint32_t i) {
        const Node& n = e_.nodes_[i];
        switch (n.op) {
        case Op::lit_number: return number_value(e_.numbers_[n.a]);
        case Op::lit_text: return Value::text(std::string_view(e_.texts_).substr(n.a, n.b));
        case Op::lit_bool: return Value::boolean(n.a != 0);
        case Op::name: {
            const Value& v = b_[n.a];
            if (v.type() != n.type) bad_binding(n, v);
            return v;
        }
        case Op::field: return field(n);
        case Op::not_: return Value::boolean(!eval(n.a).as_bool());
        case Op::and_: return Value::boolean(eval(n.a).as_bool() && eval(n.b).as_bool());
        case Op::or_: return Value::boolean(eval(n.a).as_bool() || eval(n.b).as_bool());
        case Op::add:
        case Op::sub:
        case Op::mul: {
            Value lt, rt;
            const Number &l = number_at(n.a, lt), &r = number_at(n.b, rt);
            at_ = i;
            return number_value(n.op == Op::add   ? perfbudget::detail::number_add(l, r)
                                : n.op == Op::sub ? perfbudget::detail::number_sub(l, r)
                                                  : perfbudget::detail::number_mul(l, r));
        }
        case Op::lt:
        case Op::le:
        case Op::gt:
        case Op::ge: {
            Value lt, rt;
            const Value &l = value_at(n.a, lt), &r = value_at(n.b, rt);
            at_ = i;
            const int o = order(l, r);
            return Value::boolean(n.op == Op::lt ? o < 0 : n.op == Op::le ? o <= 0 : n.op == Op::gt ? o > 0 : o >= 0);
        }
        case Op::eq:
        case Op::ne: {
            Value lt, rt;
            const Value &l = value_at(n.a, lt), &r = value_at(n.b, rt);
            at_ = i;
            return Value::boolean((l == r) == (n.op == Op::eq));
        }
        case Op::abs: {
            Value t;
            const Number& x = number_at(n.a, t);
            at_ = i;
            return number_value(abs(x));
        }
        default: return rare(i);
        }
    }

    // Operands that are names or literals are read where they are, without a
    // recursive call and a copy: most operands of a rule are (`grade == "poor"`,
    // `exec_rate < 60%`). Anything else is evaluated into the caller's `tmp`.
    [[gnu::always_inline]] const Value& value_at(std::uint32_t i, Value& tmp) {
        const Node& c = e_.nodes_[i];
        if (c.op == Op::name) {
            const Value& v = b_[c.a];
            if (v.type() != c.type) bad_binding(c, v);
            return v;
        }
        if (c.op == Op::lit_text) tmp = Value::text(std::string_view(e_.texts_).substr(c.a, c.b));
        else if (c.op == Op::lit_number) tmp = number_value(e_.numbers_[c.a]);
        else tmp = eval(i);
        return tmp;
    }
    [[gnu::always_inline]] const Number& number_at(std::uint32_t i, Value& tmp) {
        const Node& c = e_.nodes_[i];
        if (c.op == Op::lit_number) return e_.numbers_[c.a];
        return value_at(i, tmp).as_number();
    }

    [[gnu::noinline]] Value rare(std::uint32_t i) {
        const Node& n = e_.nodes_[i];
        switch (n.op) {
        case Op::lit_date: return Value::date(e_.dates_[n.a]);
        case Op::neg: {
            const Value x = eval(n.a);
            at_ = i;
            return number_value(-x.as_number());
        }
        case Op::div: {
            const Value l = eval(n.a), r = eval(n.b);
            if (r.as_number().is_zero()) fail(n, "division by zero", "除数为零");
            at_ = i;
            return number_value(perfbudget::detail::number_div(l.as_number(), r.as_number()));
        }
        case Op::in:
        case Op::not_in: {
            const Value x = eval(n.a);
            bool found = false;
            for (std::uint32_t k = n.b; k < n.b + n.c && !found; ++k) {
                const Value item = eval(e_.lists_[k]);
                at_ = i;
                found = x == item;
            }
            return Value::boolean(found == (n.op == Op::in));
        }
        case Op::cond: return eval(n.a).as_bool() ? eval(n.b) : eval(n.c);
        case Op::min:
        case Op::max: {
            Value best = eval(e_.lists_[n.b]);
            for (std::uint32_t k = n.b + 1; k < n.b + n.c; ++k) {
                const Value v = eval(e_.lists_[k]);
                at_ = i;
                const int o = order(v, best);
                if (n.op == Op::min ? o < 0 : o > 0) best = v;
            }
            return best;
        }
        case Op::round: {
            const Value x = eval(n.a);
            at_ = i;
            return number_value(x.as_number().round_to(static_cast<int>(n.b), static_cast<RoundingMode>(n.mode)));
        }
        case Op::days: {
            const Date a = eval(n.a).as_date(), b = eval(n.b).as_date();
            if (!a.ok() || !b.ok()) fail(n, "days() of a missing date", "days() 的日期缺失");
            return Value::integer(days_between(a, b));
        }
        case Op::all:
        case Op::exists:
        case Op::count: {
            // CEL's macros: all of none is true, exists of none false; stops at the deciding item.
            const Items& items = list_at(n, n.a);
            std::int64_t hits = 0;
            for (std::uint32_t k = 0; k < items.count; ++k) {
                item_[n.c] = k;
                const bool hit = eval(n.b).as_bool();
                if (n.op != Op::count && hit == (n.op == Op::exists)) { // decided by item k
                    if (items.witness) *items.witness = k;
                    return Value::boolean(hit);
                }
                hits += hit ? 1 : 0;
            }
            return n.op == Op::count ? Value::integer(hits) : Value::boolean(n.op == Op::all);
        }
        default: return eval(i); // the common operators (not reached: eval() handles them)
        }
    }

    /// The caller's list bound to `slot`.
    const Items& list_at(const Node& n, std::uint32_t slot) const {
        const Value& v = b_[slot];
        if (v.type() != Type::list) bad_value(n, e_.names_[slot], v.type(), Type::list);
        const Items& items = v.as_list();
        if (items.count && !items.field)
            fail(n, "the list given for " + dquote(e_.names_[slot]) + " has items but no field reader",
                 "为 " + dquote(e_.names_[slot]) + " 提供的列表有项目却没有读取字段的函数");
        return items;
    }
    /// Field n.a of the current item of the quantifier variable n.b, over the list in slot n.c.
    Value field(const Node& n) const {
        const Items& items = list_at(n, n.c);
        const Value v = items.field(items.context, item_[n.b], n.a);
        if (v.type() != n.type) bad_value(n, e_.names_[n.c] + "." + e_.item_names_[n.c][n.a], v.type(), n.type);
        return v;
    }

    static Value number_value(const Number& x) {
        Value v;
        v.number_ = x;
        return v;
    }

    static int order(const Value& a, const Value& b) {
        if (a.type() == Type::date) return a.as_date() < b.as_date() ? -1 : b.as_date() < a.as_date() ? 1 : 0;
        return perfbudget::detail::number_compare(a.as_number(), b.as_number());
    }

    [[noreturn]] void fail(const Node& n, std::string en, std::string zh) const {
        fail_at(e_.text_, e_.where_, n.pos, std::move(en), std::move(zh));
    }
    [[noreturn]] [[gnu::cold]] void bad_binding(const Node& n, const Value& v) const {
        bad_value(n, e_.names_[n.a], v.type(), n.type);
    }
    [[noreturn]] [[gnu::cold]] void bad_value(const Node& n, const std::string& name, Type given, Type declared) const {
        fail(n,
             "the value given for " + dquote(name) + " is " + type_name(given) + ", but it is declared " +
                 type_name(declared),
             "为 " + dquote(name) + " 提供的值是" + type_name(given, Lang::zh) + "，但声明为" + type_name(declared, Lang::zh));
    }

    const CompiledExpr& e_;
    Bindings b_;
    std::uint32_t at_ = 0; // the node whose operation is running, for overflow messages
    std::array<std::uint32_t, max_quantifier_depth> item_{}; // the item each quantifier variable is at
};

static void check_constants(const CompiledExpr& e) { Evaluator::check_constants(e); }

Value evaluate(const CompiledExpr& expr, Bindings bindings) {
    if (bindings.size() < expr.slot_count())
        throw Error(expr.where_,
                    "expression evaluated with " + std::to_string(bindings.size()) + " values for " +
                        std::to_string(expr.slot_count()) + " names",
                    "表达式求值时只提供了 " + std::to_string(bindings.size()) + " 个值，需要 " +
                        std::to_string(expr.slot_count()) + " 个");
    if (expr.nodes_.empty())
        throw Error(SourceLocation{}, "evaluate() of an expression that was never compiled", "对未编译的表达式求值");
    return Evaluator(expr, bindings).run();
}

std::optional<Part> trace(const CompiledExpr& expr, Bindings bindings) { return Evaluator::trace(expr, bindings); }

} // namespace perfbudget::expr
