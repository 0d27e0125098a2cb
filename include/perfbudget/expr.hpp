// perfbudget/expr.hpp — the rule expression language: compile once, evaluate many times.
//
// A small, typed, exact language for rule files (docs/expressions.md is the
// reference):
//
//     exec_rate < 60% and fund_source == "local"
//     if grade in ["fair", "poor"] then budget * 10% else 0
//     round(9 * 92 / 96, 2, "half_even")
//
// Use:
//
//     Schema schema;
//     const std::size_t rate = schema.add("exec_rate", Type::number);
//     const std::size_t src  = schema.add("fund_source", Type::text);
//     CompiledExpr e = compile("exec_rate < 60% and fund_source == \"local\"", schema, where);
//     // e.result_type() == Type::boolean; e.reads() == {rate, src}
//     std::vector<Value> slots(schema.size());           // caller-owned, one Value per slot
//     slots[rate] = Value::number(Decimal::from_units(550'000));
//     slots[src]  = Value::text("local");
//     bool hit = evaluate(e, slots).as_bool();            // no allocation
//
// Numbers are exact rationals of any size (Number, number.hpp: 128 bits inline,
// arbitrary precision when that overflows); there is no binary floating point
// and no overflow. `1 / 3 * 3 == 1` is true. A number becomes a Decimal or Money only through round() in the expression or
// Value::to_decimal()/to_money(), which throw when the value is not exactly
// representable, never silently rounding.
//
// compile() parses, resolves names to slots and type-checks; every mistake is a
// perfbudget::Error whose Diagnostic gives file:line:column of the offending
// token and a message (en and zh) quoting the expression with a caret under it.
// evaluate() walks a tree kept in one vector and reports division by zero as a
// perfbudget::Error at the operator's location. It never allocates while its
// numbers fit 128 bits (nearly always); a number that needs more is kept on the
// heap, shared by the Values that hold it.
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/error.hpp"
#include "perfbudget/model.hpp"
#include "perfbudget/number.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget::expr {

/// The type of a value. `list` is the type of a name the Schema declares with
/// Schema::add_list() (a project's indicators): it is read only by a quantifier,
/// `indicators.all(i, …)`, never compared or computed with. List literals exist
/// only as the right side of `in [...]`.
enum class Type : std::uint8_t { number, boolean, text, date, list };

/// "number", "boolean", "text", "date", "list" (en) or 数字, 布尔值, 文本, 日期, 列表 (zh).
const char* type_name(Type t, Lang lang = Lang::en);

/// Longest expression compile() accepts, in bytes.
inline constexpr std::size_t max_length = 4096;
/// Deepest nesting compile() accepts: parentheses, operators and function calls
/// all count, so a chain `a + b + … ` of more than 64 terms is refused too.
inline constexpr std::size_t max_depth = 64;
/// Most quantifiers (`all`, `exists`, `count`) one inside another.
inline constexpr std::size_t max_quantifier_depth = 4;

struct Items;

/// A typed value. Cheap to copy (no allocation); text is a view, not a copy: a text result
/// points into the CompiledExpr (literals) or into the caller's bindings, and is
/// valid as long as they are.
class Value {
public:
    Value() = default; // the number 0
    // Copied member by member, each with the width it was written with: a
    // Value is built field by field and returned at once, and GCC's default
    // copy (16-byte moves across the small fields) then waited on the CPU's
    // store forwarding, which cannot merge small stores into one wide load.
    Value(const Value& o) noexcept
        : number_(o.number_), date_(o.date_), text_(o.text_), size_(o.size_), type_(o.type_), bool_(o.bool_) {}
    Value& operator=(const Value& o) noexcept {
        number_ = o.number_;
        date_ = o.date_;
        text_ = o.text_;
        size_ = o.size_;
        type_ = o.type_;
        bool_ = o.bool_;
        return *this;
    }
    static Value number(const Number& n) {
        Value v;
        v.number_ = n;
        return v;
    }
    static Value number(const Fraction& f) {
        Value v;
        v.number_ = f; // not reduced: Number keeps 128-bit values as they are
        return v;
    }
    static Value number(Decimal d) { return number(Fraction::of(d)); }
    static Value number(Money m) { return number(Fraction(m.fen(), 100)); }
    static Value integer(std::int64_t n) { return number(Fraction::integer(n)); }
    static Value boolean(bool b) {
        Value v;
        v.type_ = Type::boolean;
        v.bool_ = b;
        return v;
    }
    static Value text(std::string_view s) {
        Value v;
        v.type_ = Type::text;
        v.text_ = s.data();
        v.size_ = s.size();
        return v;
    }
    static Value date(Date d) {
        Value v;
        v.type_ = Type::date;
        v.date_ = d;
        return v;
    }
    /// A list for quantifiers: a view of the caller's `items`, which must outlive
    /// the evaluation (no copy, no allocation).
    static Value list(const Items& items) {
        Value v;
        v.type_ = Type::list;
        v.text_ = reinterpret_cast<const char*>(&items);
        return v;
    }

    Type type() const { return type_; }
    /// The exact number (compare with ==, <, …: it is not kept in lowest terms). Only for numbers.
    const Number& as_number() const { return number_; }
    bool as_bool() const { return bool_; }
    std::string_view as_text() const { return {text_, size_}; }
    Date as_date() const { return date_; }
    const Items& as_list() const { return *reinterpret_cast<const Items*>(text_); }

    /// The number as a Decimal (6 places); throws ArithmeticError when it is not
    /// exactly representable (round() it in the expression first) or out of range.
    Decimal to_decimal() const;
    /// The number as Money (yuan and fen); throws ArithmeticError when it is not a whole number of fen.
    Money to_money() const;
    /// For messages and tests: 0.2, 8.63, 1/3, true, "良", 2024-02-29.
    std::string to_string() const;

private:
    friend class Evaluator;
    Number number_;
    Date date_{};
    const char* text_ = "";
    std::size_t size_ = 0;
    Type type_ = Type::number;
    bool bool_ = false;
};

/// Exact equality of two values of the same type (numbers compare by value: 0.5 == 1/2).
bool operator==(const Value& a, const Value& b);

/// The caller's side of a list (Schema::add_list): how many items, and item
/// `item`'s field `field` (the slot of the field in the list's item Schema),
/// read on demand while a quantifier runs, so nothing is copied or allocated.
/// `field` must return a Value of the field's declared type; a text Value must
/// stay valid until evaluate() returns (point into the caller's data).
/// `witness`, when set, receives the item that decided a quantifier which stopped
/// early: the first item failing `all`, the first item satisfying `exists` (count
/// never stops early and records nothing). Of nested quantifiers the outermost
/// to stop writes last. A caller resets it before an expression to learn which
/// row made a check fail (the review marks that indicator).
struct Items {
    std::uint32_t count = 0;
    const void* context = nullptr;
    Value (*field)(const void* context, std::uint32_t item, std::uint32_t field) = nullptr;
    std::uint32_t* witness = nullptr;
};

/// One value of a text name that has a fixed set of values: the identifier the
/// bindings hold ("good"), and other spellings that mean it ("良").
struct Choice {
    std::string id;
    std::vector<std::string> synonyms;
};

/// The names an expression may read and their types. Each name is a slot: an
/// index into the caller's array of Values (the Bindings).
class Schema {
public:
    /// Declares a name (letters, digits and '_', dotted parts allowed:
    /// `indicators.count`) and returns its slot, 0, 1, 2, … in order. A text name
    /// may have a fixed set of `values`: a text literal compared with it (== !=
    /// in, not in) must then be one of them, and a synonym compiles as its id.
    /// Throws perfbudget::Error for a malformed, reserved or repeated name,
    /// or values for a name that is not text.
    std::size_t add(std::string name, Type type, std::vector<Choice> values = {});
    /// Declares a list name (`indicators`), slot type Type::list, whose items have
    /// the names of `item` (`unit`, `level2`, …; no lists among them). Expressions
    /// read it only through quantifiers, in the spirit of CEL's macros:
    /// `indicators.all(i, i.unit == "元")`, `indicators.exists(i, …)` (booleans)
    /// and `indicators.count(i, …)` (a number), where `i.unit` is the field
    /// `unit` of the item being tested. Bind it with Value::list(Items).
    std::size_t add_list(std::string name, Schema item);
    std::optional<std::size_t> find(std::string_view name) const;
    std::size_t size() const { return names_.size(); }
    const std::string& name(std::size_t slot) const { return names_[slot]; }
    Type type(std::size_t slot) const { return types_[slot]; }
    /// The values a text name can have; empty when it can hold any text.
    const std::vector<Choice>& values(std::size_t slot) const { return values_[slot]; }
    /// The id `text` stands for in `slot` (itself, or the id it is a synonym of);
    /// nothing when the slot has a value set without it. `text` itself when the slot has none.
    std::optional<std::string_view> canonical(std::size_t slot, std::string_view text) const;
    /// The item Schema of a list name; null for any other slot.
    const Schema* item(std::size_t slot) const { return items_[slot].get(); }

private:
    std::vector<std::string> names_;
    std::vector<Type> types_;
    std::vector<std::vector<Choice>> values_;
    std::vector<std::shared_ptr<const Schema>> items_;
};

/// One Value per slot of the Schema the expression was compiled against, owned by the caller.
using Bindings = std::span<const Value>;

namespace detail {
enum class Op : std::uint8_t;
struct Node {
    Op op{};
    Type type = Type::number;
    std::uint8_t mode = 0;    // RoundingMode for round()
    std::uint32_t pos = 0;    // byte offset of the token in the text, for messages
    std::uint32_t a = 0, b = 0, c = 0; // children, slot, constant index or list range
};
} // namespace detail

/// A checked expression, ready to evaluate. Self-contained: copies and moves are
/// safe, it does not refer to the Schema or the source text after compile().
class CompiledExpr {
public:
    /// The type every evaluation returns: a rule loader requires boolean for a
    /// condition, number for an amount.
    Type result_type() const { return nodes_.empty() ? Type::number : nodes_[root_].type; }
    /// The slots the expression reads, ascending, each once (for dependency and cycle checks).
    const std::vector<std::size_t>& reads() const { return reads_; }
    /// The expression as written, and where it was written.
    const std::string& text() const { return text_; }
    const SourceLocation& where() const { return where_; }
    /// Bindings passed to evaluate() must hold at least this many values (the Schema's size at compile time).
    std::size_t slot_count() const { return names_.size(); }

private:
    friend CompiledExpr compile(std::string_view, const Schema&, const SourceLocation&);
    friend Value evaluate(const CompiledExpr&, Bindings);
    friend class Compiler;
    friend class Evaluator;

    std::string text_;
    SourceLocation where_;
    std::vector<detail::Node> nodes_;
    std::string texts_;                   // text literals as compiled (a synonym as its id)
    std::vector<Number> numbers_;         // number literals
    std::vector<Date> dates_;             // date literals
    std::vector<std::uint32_t> lists_;    // node indices: `in` lists and min/max arguments
    std::vector<std::string> names_;      // schema names by slot, for runtime messages
    std::vector<std::vector<std::string>> item_names_; // a list slot's item field names, for runtime messages
    std::vector<Type> slot_types_;
    std::vector<std::size_t> reads_;
    std::uint32_t root_ = 0;
};

/// Parses and type-checks `text` against `schema`. `where` is the position of the
/// expression's first character in its file (line and column 1-based, columns
/// counted in characters); token positions are computed from it, and on later
/// lines of a multi-line expression the column counts from the start of that
/// line of `text`. Throws perfbudget::Error with one Diagnostic on any mistake.
CompiledExpr compile(std::string_view text, const Schema& schema, const SourceLocation& where);

/// Evaluates with the caller's values, one per slot (`bindings[slot]`). Never
/// allocates unless it throws. Throws perfbudget::Error on division by zero,
/// overflow, too few bindings or a binding whose type differs from the Schema's.
Value evaluate(const CompiledExpr& expr, Bindings bindings);

} // namespace perfbudget::expr
