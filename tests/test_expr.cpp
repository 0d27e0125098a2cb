// The rule expression language: precedence, exact arithmetic, types, every error
// with its message and column, limits, and no allocation while evaluating.
// Expected values are worked by hand in the comments.
#include "perfbudget/expr.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <utility>
#include <vector>

// GCC cannot see that this file's operator new and delete are malloc and free.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Counts every allocation of this test program, so the evaluation tests can
// check that evaluate() makes none. Every replaceable form is replaced, all on
// malloc/aligned_alloc and free, so the pairs always match (also under ASan).
namespace {
std::atomic<long> allocations{0};
void* counted(std::size_t n) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n ? n : 1);
}
void* counted(std::size_t n, std::align_val_t al) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    const auto a = static_cast<std::size_t>(al);
    return std::aligned_alloc(a, (n + a - 1) / a * a + (n == 0 ? a : 0));
}
template <class P>
P or_throw(P p) {
    if (!p) throw std::bad_alloc();
    return p;
}
} // namespace
void* operator new(std::size_t n) { return or_throw(counted(n)); }
void* operator new[](std::size_t n) { return or_throw(counted(n)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new(std::size_t n, std::align_val_t a) { return or_throw(counted(n, a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return or_throw(counted(n, a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted(n, a); }
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return counted(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace perfbudget::test {
long allocation_count() { return allocations.load(); } // support.hpp: for the other stages' tests
} // namespace perfbudget::test

using namespace perfbudget;
using namespace perfbudget::expr;

namespace {

/// The names the tests use, with fixed values.
struct Env {
    Schema schema;
    std::vector<Value> values;
    std::size_t exec_rate, budget, grade, fund_source, a, b, c, start, end, count, level;

    Env() {
        exec_rate = schema.add("exec_rate", Type::number);
        budget = schema.add("budget", Type::number);
        grade = schema.add("grade", Type::text);
        fund_source = schema.add("fund_source", Type::text);
        a = schema.add("a", Type::boolean);
        b = schema.add("b", Type::boolean);
        c = schema.add("c", Type::boolean);
        start = schema.add("start", Type::date);
        end = schema.add("end", Type::date);
        count = schema.add("indicators.count", Type::number);
        level = schema.add("level", Type::text);
        values.resize(schema.size());
        values[exec_rate] = Value::number(Decimal::from_units(550'000)); // 0.55
        values[budget] = Value::number(Money::from_fen(100'000'000));    // 1,000,000.00 yuan
        values[grade] = Value::text("fair");
        values[fund_source] = Value::text("local");
        values[a] = Value::boolean(true);
        values[b] = Value::boolean(false);
        values[c] = Value::boolean(true);
        values[start] = Value::date(make_date(2024, 2, 28));
        values[end] = Value::date(make_date(2024, 3, 1));
        values[count] = Value::integer(7);
        values[level] = Value::text("良");
    }
};

const Env& env() {
    static const Env e;
    return e;
}

const SourceLocation here{"rules/county.yaml", 12, 10};

/// Numbers, booleans and dates only: a text result would view into the temporary CompiledExpr.
Value ev(std::string_view text) { return evaluate(compile(text, env().schema, here), env().values); }
/// A text result, copied while its CompiledExpr is alive.
std::string txt(std::string_view text) {
    const CompiledExpr e = compile(text, env().schema, here);
    const Value v = evaluate(e, env().values);
    REQUIRE(v.type() == Type::text);
    return std::string(v.as_text());
}
std::string num(std::string_view text) {
    const Value v = ev(text);
    REQUIRE(v.type() == Type::number);
    return v.to_string();
}
bool truth(std::string_view text) {
    const Value v = ev(text);
    REQUIRE(v.type() == Type::boolean);
    return v.as_bool();
}

/// The one Diagnostic compile() throws for `text`.
Diagnostic compile_error(std::string_view text) {
    try {
        compile(text, env().schema, here);
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() == 1);
        return e.diagnostics().front();
    }
    FAIL("no error for: " << text);
    return {};
}
/// The one Diagnostic evaluate() throws for `text`.
Diagnostic runtime_error(std::string_view text) {
    const CompiledExpr e = compile(text, env().schema, here);
    try {
        evaluate(e, env().values);
    } catch (const Error& err) {
        REQUIRE(err.diagnostics().size() == 1);
        return err.diagnostics().front();
    }
    FAIL("no error for: " << text);
    return {};
}

} // namespace

TEST_CASE("expr: precedence and associativity") {
    CHECK(num("1 + 2 * 3") == "7");    // not (1+2)*3 = 9
    CHECK(num("(1 + 2) * 3") == "9");
    CHECK(num("10 - 4 - 3") == "3");   // (10-4)-3, not 10-(4-3) = 9
    CHECK(num("12 / 4 / 3") == "1");   // (12/4)/3, not 12/(4/3) = 9
    CHECK(num("-2 * 3 + 1") == "-5");
    CHECK(num("- - 2") == "2");
    CHECK(num("2 - -3") == "5");
    // a = true, b = false, c = true
    CHECK(truth("not a and b") == false);          // (not a) and b; not (a and b) would be true
    CHECK(truth("not false and false") == false);  // (not false) and false
    CHECK(truth("true or false and false") == true); // true or (false and false); (true or false) and false is false
    CHECK(truth("b or a and c") == true);          // false or (true and true)
    CHECK(truth("not a or c") == true);            // (not true) or true
    CHECK(truth("1 + 1 == 2 and 3 > 2 * 1") == true);
    CHECK(truth("not 1 > 2") == true);             // not (1 > 2)
}

TEST_CASE("expr: exact arithmetic, no binary floating point") {
    CHECK(truth("0.1 + 0.2 == 0.3"));
    CHECK(truth("1 / 3 * 3 == 1"));
    CHECK(num("1 / 3") == "1/3");                      // kept exact, printed as a fraction
    CHECK(num("2 / 8") == "0.25");                     // lowest terms 1/4
    CHECK(num("9 * 92 / 96") == "8.625");              // 828/96 = 8.625 exactly
    CHECK(num("round(9 * 92 / 96, 2)") == "8.63");     // half_up (四舍五入) is the default
    CHECK(num("round(9 * 92 / 96, 2, \"half_up\")") == "8.63");
    CHECK(num("round(9 * 92 / 96, 2, \"half_even\")") == "8.62"); // tie, 2 is even
    CHECK(num("round(9 * 92 / 96, 2, 'down')") == "8.62");
    CHECK(num("round(-8.625, 2)") == "-8.63");         // ties away from zero
    CHECK(num("round(2 / 3, 4)") == "0.6667");
    CHECK(num("round(1 / 3, 0)") == "0");
    CHECK(num("round(8.635, 2, \"half_even\")") == "8.64"); // tie, 3 is odd → up
    CHECK(num("round(100 / 7, 6) * 7") == "99.999998");    // 14.285714 × 7
    CHECK(num("budget * exec_rate") == "550000");          // 1,000,000 × 0.55
    CHECK(num("indicators.count / 2") == "3.5");
    // Beyond 64 bits: 999999999999² = 999999999998000000000001; 999999999999 = 7 × 142857142857.
    CHECK(num("999999999999 * 999999999999") == "999999999998000000000001");
    CHECK(num("999999999999 * 999999999999 / 7 / 999999999999") == "142857142857");
    CHECK(truth("999999999999 * 999999999999 / 3 == 333333333333 * 999999999999"));

    CHECK(ev("1 / 4").to_decimal() == Decimal::from_units(250'000));
    CHECK_THROWS_AS(ev("1 / 3").to_decimal(), ArithmeticError);
    CHECK(ev("budget * 12.5%").to_money().fen() == 12'500'000); // 125,000.00 yuan
    CHECK_THROWS_AS(ev("0.125").to_money(), ArithmeticError);   // not a whole fen
    CHECK(ev("round(0.125, 2)").to_money().fen() == 13);
}

TEST_CASE("expr: percentages") {
    CHECK(num("20%") == "0.2");
    CHECK(num("12.5%") == "0.125");
    CHECK(num("100%") == "1");
    CHECK(truth("20% == 0.2"));
    CHECK(truth("exec_rate < 60%"));                  // 0.55 < 0.6
    CHECK(truth("exec_rate < 60% and fund_source == \"local\""));
    CHECK(num("budget * 10%") == "100000");
}

TEST_CASE("expr: in and not in") {
    CHECK(truth("grade in [\"fair\", \"poor\"]"));
    CHECK_FALSE(truth("grade not in [\"fair\", \"poor\"]"));
    CHECK(truth("grade not in ['excellent', 'good']"));
    CHECK(truth("exec_rate in [55%, 0.6]"));          // 0.55 == 55%
    CHECK(truth("-1 in [-1, 2]"));
    CHECK(truth("start in [date(\"2024-02-28\")]"));
    CHECK(truth("a in [true]"));
    CHECK(truth("not grade in ['poor']"));           // not (grade in [...])
}

TEST_CASE("expr: if then else") {
    CHECK(num("if grade in [\"fair\", \"poor\"] then budget * 10% else 0") == "100000");
    CHECK(num("if grade == \"excellent\" then 1 else 2") == "2");
    // exec_rate 0.55: not >= 0.9, not >= 0.6 → "C"
    CHECK(txt("if exec_rate >= 90% then \"A\" else if exec_rate >= 60% then \"B\" else \"C\"") == "C");
    CHECK(num("1 + (if a then 1 else 2)") == "2");
    CHECK(num("if a then 1 else 2 + 3") == "1"); // else takes the rest: if a then 1 else (2 + 3)
}

TEST_CASE("expr: min, max, abs") {
    CHECK(num("min(3, 1, 2)") == "1");
    CHECK(num("max(3, 1 / 2, 2)") == "3");
    CHECK(num("max(1 / 3, 0.3333)") == "1/3");
    CHECK(num("min(exec_rate, 50%)") == "0.5");
    CHECK(num("abs(-2.5)") == "2.5");
    CHECK(num("abs(3 - 5)") == "2");
    CHECK(num("abs(4)") == "4");
    CHECK(ev("min(end, date(\"2024-02-29\"))").as_date() == make_date(2024, 2, 29));
    CHECK(ev("max(start, end)").as_date() == make_date(2024, 3, 1));
}

TEST_CASE("expr: dates and days() across 29 February") {
    CHECK(num("days(date(\"2024-02-28\"), date(\"2024-03-01\"))") == "2"); // 2024 is a leap year: 28 → 29 → 1
    CHECK(num("days(date(\"2023-02-28\"), date(\"2023-03-01\"))") == "1");
    CHECK(num("days(date(\"2024-03-01\"), date(\"2024-02-28\"))") == "-2");
    CHECK(num("days(start, end)") == "2");
    CHECK(num("days(date(\"2023-12-31\"), date(\"2024-12-31\"))") == "366");
    CHECK(truth("date(\"2024-02-29\") < date(\"2024-03-01\")"));
    CHECK(truth("start <= end and start != end"));
    CHECK(truth("days(start, end) > 1"));
    CHECK(ev("date(\"2024-02-29\")").to_string() == "2024-02-29");
}

TEST_CASE("expr: text comparison with Chinese") {
    CHECK(truth("level == \"良\""));
    CHECK(truth("level in ['优', '良']"));
    CHECK(truth("level != \"差\""));
    CHECK_FALSE(truth("level == '良好'"));
    CHECK(txt("if level == '良' then '整改' else '无'") == "整改");
    CHECK(txt("if level == '优' then '无' else level") == "良"); // a view into the caller's bindings
}

TEST_CASE("expr: short-circuit and/or") {
    CHECK_FALSE(truth("false and 1 / 0 == 1"));
    CHECK(truth("true or 1 / 0 == 1"));
    CHECK(num("if a then 1 else 1 / 0") == "1");
}

TEST_CASE("expr: result type and the names read") {
    const Env& e = env();
    CompiledExpr x = compile("exec_rate < 60% and grade == \"fair\" or exec_rate > 1", e.schema, here);
    CHECK(x.result_type() == Type::boolean);
    CHECK(x.reads() == std::vector<std::size_t>{e.exec_rate, e.grade}); // each once, ascending
    CHECK(compile("budget * 10%", e.schema, here).result_type() == Type::number);
    CHECK(compile("'x'", e.schema, here).result_type() == Type::text);
    CHECK(compile("max(start, end)", e.schema, here).result_type() == Type::date);
    CHECK(compile("1 + 2", e.schema, here).reads().empty());
    CHECK(x.text() == "exec_rate < 60% and grade == \"fair\" or exec_rate > 1");
    CHECK(x.where().line == 12);
}

TEST_CASE("expr: a compiled expression is self-contained") {
    Value v;
    CompiledExpr copy;
    {
        const CompiledExpr original = compile("if a then \"整改\" else grade", env().schema, here);
        copy = original;
    }
    v = evaluate(copy, env().values);
    CHECK(v.as_text() == "整改");
}

TEST_CASE("expr: schema names") {
    Schema s;
    CHECK(s.add("x", Type::number) == 0);
    CHECK(s.add("project.budget_2", Type::number) == 1);
    CHECK(s.find("project.budget_2") == std::optional<std::size_t>(1));
    CHECK_FALSE(s.find("y"));
    CHECK_THROWS_AS(s.add("x", Type::text), Error);
    CHECK_THROWS_AS(s.add("and", Type::boolean), Error);
    CHECK_THROWS_AS(s.add("1x", Type::number), Error);
    CHECK_THROWS_AS(s.add("a..b", Type::number), Error);
    CHECK_THROWS_AS(s.add("", Type::number), Error);
}

TEST_CASE("expr: a text name with a fixed set of values checks and normalizes the literals compared with it") {
    Schema s;
    const std::size_t src = s.add("fund_source", Type::text, {{"local", {"本级"}}, {"transfer", {"上级转移支付"}}});
    CHECK_THROWS_AS(s.add("n", Type::number, {{"x", {}}}), Error);
    CHECK(s.canonical(src, "本级") == std::optional<std::string_view>("local"));
    CHECK(s.canonical(src, "transfer") == std::optional<std::string_view>("transfer"));
    CHECK_FALSE(s.canonical(src, "Local"));
    std::vector<Value> v(s.size());
    v[src] = Value::text("local");
    auto holds = [&](std::string_view text) { return evaluate(compile(text, s, here), v).as_bool(); };
    CHECK(holds("fund_source == \"本级\""));        // compiled as "local"
    CHECK(holds("\"本级\" == fund_source"));
    CHECK_FALSE(holds("fund_source != '本级'"));
    CHECK(holds("fund_source in [\"上级转移支付\", \"本级\"]"));
    CHECK_FALSE(holds("fund_source not in [\"local\"]"));
    // The expression as written is kept for messages and explanations.
    CHECK(compile("fund_source == \"本级\"", s, here).text() == "fund_source == \"本级\"");
    try {
        compile("fund_source == \"locl\"", s, here);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.diagnostics().front().where.to_string() == "rules/county.yaml:12:25"); // 10 + 15
        CHECK(e.diagnostics().front().en ==
              "unknown fund_source \"locl\" — did you mean \"local\"? (fund_source is one of \"local\", \"transfer\")\n"
              "  fund_source == \"locl\"\n                 ^");
    }
    // Without a value set, any text compares (and simply may not match).
    CHECK_FALSE(truth("grade == \"goood\""));
}

// Every error: the message, its Chinese, and the file:line:column of the token.
// `here` puts the expression's first character at rules/county.yaml:12:10.
TEST_CASE("expr: unknown names and functions") {
    Diagnostic d = compile_error("exec_rat < 60%");
    CHECK(d.where.to_string() == "rules/county.yaml:12:10");
    CHECK(d.en == "unknown name \"exec_rat\" — did you mean \"exec_rate\"?\n  exec_rat < 60%\n  ^");
    CHECK(d.zh == "未知名称 \"exec_rat\"，是否应为 \"exec_rate\"？\n  exec_rat < 60%\n  ^");

    d = compile_error("budget * zzz");
    CHECK(d.en == "unknown name \"zzz\"\n  budget * zzz\n           ^");
    CHECK(d.where.column == 19); // 10 + 9

    d = compile_error("mean(1, 2)");
    CHECK(d.en == "unknown function \"mean\"\n  mean(1, 2)\n  ^");
    CHECK(d.zh == "未知函数 \"mean\"\n  mean(1, 2)\n  ^");
    d = compile_error("1 + minn(1, 2)");
    CHECK(d.en == "unknown function \"minn\" — did you mean \"min\"?\n  1 + minn(1, 2)\n      ^");
    CHECK(d.where.column == 14);
}

TEST_CASE("expr: type errors") {
    Diagnostic d = compile_error("exec_rate < grade");
    CHECK(d.en == "type error: cannot compare number with text\n  exec_rate < grade\n            ^");
    CHECK(d.zh == "类型错误：不能比较数字与文本\n  exec_rate < grade\n            ^");
    CHECK(d.where.column == 20); // '<' is the 11th character: 10 + 10

    CHECK(compile_error("grade == 1").en.starts_with("type error: cannot compare text with number\n"));
    CHECK(compile_error("grade in [\"fair\", 1]").en ==
          "type error: cannot compare text with number\n  grade in [\"fair\", 1]\n                    ^");
    CHECK(compile_error("\"a\" < \"b\"").en.starts_with(
        "type error: \"<\" cannot order text values; only numbers and dates have an order\n"));
    CHECK(compile_error("grade + 1").en.starts_with("type error: \"+\" needs numbers, not text and number\n"));
    CHECK(compile_error("end - start").en.starts_with("type error: dates cannot be subtracted; use days(d1, d2)\n"));
    CHECK(compile_error("-grade").en.starts_with("type error: \"-\" needs a number, not text\n"));
    CHECK(compile_error("not 1").en.starts_with("type error: \"not\" needs true/false, not number\n"));
    d = compile_error("a and 1");
    CHECK(d.en == "type error: \"and\" needs true/false on both sides, not number\n  a and 1\n    ^");
    CHECK(compile_error("1 or a").en.starts_with("type error: \"or\" needs true/false on both sides, not number\n"));
    CHECK(compile_error("if exec_rate then 1 else 2").en.starts_with(
        "type error: the condition after \"if\" must be true/false, not number\n"));
    d = compile_error("if a then 1 else \"x\"");
    CHECK(d.en == "type error: \"then\" and \"else\" give different types (number and text)\n"
                  "  if a then 1 else \"x\"\n              ^");
    CHECK(compile_error("days(1, end)").en.starts_with("type error: argument 1 of days() must be a date, not number\n"));
    CHECK(compile_error("abs(grade)").en.starts_with("type error: argument 1 of abs() must be a number, not text\n"));
    CHECK(compile_error("min(grade, 'x')").en.starts_with("type error: min() needs numbers or dates, not text\n"));
    CHECK(compile_error("max(1, end)").en.starts_with("type error: argument 2 of max() must be a number, not date\n"));
    CHECK(compile_error("round(grade, 2)").en.starts_with("type error: argument 1 of round() must be a number, not text\n"));
}

TEST_CASE("expr: function arguments") {
    Diagnostic d = compile_error("round(1)");
    CHECK(d.en == "round() takes 2 or 3 arguments\n  round(1)\n  ^");
    CHECK(d.zh == "round() 需要 2 或 3 个参数\n  round(1)\n  ^");
    CHECK(compile_error("round(1, 2, 'half_up', 4)").en.starts_with("round() takes 2 or 3 arguments\n"));
    CHECK(compile_error("min(1)").en.starts_with("min() takes at least 2 arguments\n"));
    CHECK(compile_error("abs()").en.starts_with("abs() takes 1 argument\n"));
    CHECK(compile_error("days(start)").en.starts_with("days() takes 2 arguments\n"));
    d = compile_error("round(1, 7)");
    CHECK(d.en == "round() digits must be a whole number from 0 to 6\n  round(1, 7)\n           ^");
    CHECK(compile_error("round(1, 1.5)").en.starts_with("round() digits must be a whole number from 0 to 6\n"));
    CHECK(compile_error("round(1, indicators.count)").en.starts_with("round() digits must be a whole number from 0 to 6\n"));
    d = compile_error("round(1, 2, \"up\")");
    CHECK(d.en == "unknown rounding mode \"up\" — expected \"half_up\", \"half_even\" or \"down\"\n"
                  "  round(1, 2, \"up\")\n              ^");
    CHECK(compile_error("round(1, 2, grade)").en.starts_with("round() mode must be \"half_up\", \"half_even\" or \"down\"\n"));
    d = compile_error("date(\"2023-02-29\")"); // 2023 is not a leap year
    CHECK(d.en == "invalid date \"2023-02-29\": expected YYYY-MM-DD that exists in the calendar\n"
                  "  date(\"2023-02-29\")\n       ^");
    CHECK(compile_error("date(grade)").en.starts_with("date() takes a text literal such as \"2024-02-29\"\n"));
}

TEST_CASE("expr: syntax errors") {
    Diagnostic d = compile_error("(1 + 2");
    CHECK(d.en == "expected \")\", found end\n  (1 + 2\n        ^");
    CHECK(d.zh == "此处应为 \")\"，却是 表达式结尾\n  (1 + 2\n        ^");
    CHECK(d.where.column == 16);
    CHECK(compile_error("min(1 2)").en.starts_with("expected \",\" or \")\", found \"2\"\n"));
    CHECK(compile_error("1 +").en == "unexpected end of expression; expected a value\n  1 +\n     ^");
    CHECK(compile_error("1 2").en == "unexpected \"2\" after the end of the expression\n  1 2\n    ^");
    CHECK(compile_error("* 2").en.starts_with("expected a value, found \"*\"\n"));
    d = compile_error("a = b");
    CHECK(d.en == "unexpected \"=\"; compare with \"==\"\n  a = b\n    ^");
    CHECK(compile_error("!a").en.starts_with("unexpected \"!\"; use \"not\" or \"!=\"\n"));
    CHECK(compile_error("a && b").en.starts_with("unexpected \"&\"; use \"and\"\n"));
    CHECK(compile_error("a || b").en.starts_with("unexpected \"|\"; use \"or\"\n"));
    CHECK(compile_error("exec_rate # 1").en == "unexpected character \"#\"\n  exec_rate # 1\n            ^");
    CHECK(compile_error("grade == “fair”").en.starts_with("unexpected character \"“\"\n"));
    CHECK(compile_error("grade == \"fair").en == "text has no closing \"\n  grade == \"fair\n           ^");
    CHECK(compile_error("1.2.3").en.starts_with("invalid number \"1.2.3\": expected a plain decimal number"));
    CHECK(compile_error("0.1234567").en.starts_with("invalid number \"0.1234567\": expected at most 6 decimal places\n"));
    d = compile_error("1 < 2 < 3");
    CHECK(d.en == "comparisons cannot be chained; join them with \"and\"\n  1 < 2 < 3\n        ^");
    CHECK(compile_error("grade in \"fair\"").en.starts_with("expected \"[\" after \"in\", found \"\"fair\"\"\n"));
    CHECK(compile_error("grade in [fund_source]").en.starts_with(
        "the list after \"in\" may hold only literal values (numbers, \"text\", true/false, date(\"…\")), found \"fund_source\"\n"));
    CHECK(compile_error("grade in ['a' 'b']").en.starts_with("expected \",\" or \"]\", found \"'b'\"\n"));
    CHECK(compile_error("if a 1 else 2").en.starts_with("expected \"then\", found \"1\"\n"));
    CHECK(compile_error("if a then 1").en.starts_with("expected \"else\", found end\n"));
    d = compile_error("");
    CHECK(d.en == "empty expression\n  \n  ^");
    CHECK(d.where.column == 10);
    CHECK(compile_error("   ").en.starts_with("empty expression\n"));
}

TEST_CASE("expr: columns count characters; the caret allows for wide Chinese characters") {
    // level == "良好" and 1: "and" is byte 18 but character 15 (良好 are one character
    // each), so column 10 + 14 = 24; on screen 良好 take two columns each, so 16 spaces.
    const Diagnostic d = compile_error("level == \"良好\" and 1");
    CHECK(d.where.column == 24);
    CHECK(d.en == "type error: \"and\" needs true/false on both sides, not number\n"
                  "  level == \"良好\" and 1\n                  ^");
    CHECK(compile_error("level == 良").en.starts_with("unexpected character \"良\"\n"));
}

TEST_CASE("expr: multi-line expressions give the token's own line") {
    Diagnostic d = compile_error("exec_rate < 60%\n  and foo");
    CHECK(d.where.to_string() == "rules/county.yaml:13:7"); // second line, 7th character
    CHECK(d.en == "unknown name \"foo\"\n    and foo\n        ^");
    d = compile_error("exec_rate <\n grade");
    CHECK(d.where.to_string() == "rules/county.yaml:12:20"); // the '<' on the first line
}

TEST_CASE("expr: length and depth limits") {
    const std::string long_text = "1" + std::string(max_length, ' ');
    Diagnostic d = compile_error(long_text);
    CHECK(d.en == "expression is longer than 4096 bytes");
    CHECK(d.zh == "表达式超过 4096 字节");
    CHECK(d.where.column == 10);
    CHECK(compile(std::string(max_length - 1, ' ') + "1", env().schema, here).result_type() == Type::number);

    auto parens = [](std::size_t n) { return std::string(n, '(') + "1" + std::string(n, ')'); };
    CHECK(num(parens(63)) == "1"); // the whole expression plus 63 parentheses: 64 levels
    CHECK(compile_error(parens(64)).en.starts_with("expression nests more than 64 levels deep\n"));
    CHECK(compile_error(std::string(4000, '(')).en.starts_with("expression nests more than 64 levels deep\n"));
    CHECK(compile_error(std::string(2000, '-') + "1").en.starts_with("expression nests more than 64 levels deep\n"));
    std::string nots;
    for (int i = 0; i < 1000; ++i) nots += "not ";
    CHECK(compile_error(nots + "a").en.starts_with("expression nests more than 64 levels deep\n"));

    auto sum = [](int terms) {
        std::string s = "1";
        for (int i = 1; i < terms; ++i) s += "+1";
        return s;
    };
    CHECK(num(sum(64)) == "64"); // 63 additions above one leaf: 64 levels
    CHECK(compile_error(sum(65)).en.starts_with("expression nests more than 64 levels deep\n"));
    CHECK(compile_error(sum(2000)).en.starts_with("expression nests more than 64 levels deep\n"));
}

TEST_CASE("expr: a part that can never be computed is refused at load (found by fuzzing)") {
    // A constant part that fails: once accepted by `check`, then failing on every project.
    Diagnostic d = compile_error("1 / 0 > 1");
    CHECK(d.en == "division by zero\n  1 / 0 > 1\n    ^");
    CHECK(d.zh == "除数为零\n  1 / 0 > 1\n    ^");
    CHECK(d.where.to_string() == "rules/county.yaml:12:12");
    // A divisor that is always 0, beside names.
    d = compile_error("budget / (2 - 2) > 1");
    CHECK(d.en == "division by zero: the divisor is always 0\n  budget / (2 - 2) > 1\n         ^");
    CHECK(compile_error("budget / 0 > 1 and exec_rate > 0").en.starts_with("division by zero: the divisor is always 0\n"));
    CHECK(compile_error("round(1 / 0, 2) + budget > 1").en.starts_with("division by zero\n"));
    // Behind and/or/if a part may never run (see "short-circuit and/or"): left to evaluation.
    CHECK_NOTHROW(compile("if exec_rate > 0 then 1 / (1 - 1) else 0", env().schema, here));
    // Constants that can be computed are fine, and so is a divisor that depends on the data.
    CHECK(num("budget * (1 / 2)") == "500000");
    CHECK_NOTHROW(compile("budget / (exec_rate - 55%)", env().schema, here));
}

TEST_CASE("expr: runtime errors name the operator") {
    Diagnostic d = runtime_error("budget / (exec_rate - 55%)");
    CHECK(d.en == "division by zero\n  budget / (exec_rate - 55%)\n         ^");
    CHECK(d.zh == "除数为零\n  budget / (exec_rate - 55%)\n         ^");
    CHECK(d.where.to_string() == "rules/county.yaml:12:17");

    // Numbers never overflow: 999999999999^3 ≈ 10^36 fits in 128 bits (≈ 1.7 × 10^38), the
    // fourth factor widens to arbitrary precision (it was an overflow error before).
    CHECK(num("999999999999 * 999999999999 * 999999999999 * 999999999999") ==
          "999999999996000000000005999999999996000000000001");

    // Bindings that do not match the schema.
    const CompiledExpr e = compile("grade == 'fair'", env().schema, here);
    std::vector<Value> wrong = env().values;
    wrong[env().grade] = Value::integer(1);
    try {
        evaluate(e, wrong);
        FAIL("no error");
    } catch (const Error& err) {
        CHECK(err.diagnostics().front().en ==
              "the value given for \"grade\" is number, but it is declared text\n  grade == 'fair'\n  ^");
    }
    std::vector<Value> few(2);
    CHECK_THROWS_AS(evaluate(e, few), Error);
}

TEST_CASE("expr: evaluation does not allocate") {
    const Env& env_ = env();
    const CompiledExpr cond = compile(
        "exec_rate < 60% and fund_source in ['local', 'central'] and days(start, end) <= 30 or not a", env_.schema,
        here);
    const CompiledExpr amount = compile(
        "if grade in [\"fair\", \"poor\"] then round(budget * min(10%, 1 - exec_rate) / 3, 2, 'half_even') "
        "else max(budget, 1) - abs(-2)",
        env_.schema, here);
    const CompiledExpr when = compile("max(start, end, date(\"2024-01-01\"))", env_.schema, here);
    const CompiledExpr text = compile("if level == '良' then '整改' else grade", env_.schema, here);

    std::vector<Value> values = env_.values; // allocated before counting
    bool hit = false;
    Number total;
    Date last;
    std::string_view word;
    const long before = allocations.load();
    for (int i = 0; i < 1000; ++i) {
        values[env_.exec_rate] = Value::number(Fraction(i % 100, 100));
        hit = evaluate(cond, values).as_bool() || hit;
        total = evaluate(amount, values).as_number();
        last = evaluate(when, values).as_date();
        word = evaluate(text, values).as_text();
    }
    const long after = allocations.load();
    CHECK(after - before == 0);
    CHECK(hit);
    // Last pass: exec_rate = 0.99, so min(0.1, 0.01) = 0.01; 1,000,000 × 0.01 / 3 = 3333.333… → 3333.33
    CHECK(Value::number(total).to_string() == "3333.33");
    CHECK(last == make_date(2024, 3, 1));
    CHECK(word == "整改");
}

TEST_CASE("expr: numbers are exact without being kept in lowest terms") {
    const Env& env_ = env();
    std::vector<Value> values = env_.values;
    auto eval = [&](const char* text) { return evaluate(compile(text, env_.schema, here), values); };

    // 2^70 / 2^70 is 1. Multiplying it by itself unreduced would need 2^140: the
    // operation is redone in lowest terms instead of failing.
    const Fraction::wide big = Fraction::wide(std::int64_t{1} << 35) * Fraction::wide(std::int64_t{1} << 35);
    values[env_.exec_rate] = Value::number(Fraction(big, big));
    CHECK(eval("exec_rate * exec_rate * exec_rate == 1").as_bool());
    CHECK(eval("exec_rate * exec_rate / exec_rate - 1 == 0").as_bool());
    CHECK(eval("exec_rate + exec_rate < 2.000001").as_bool());
    CHECK(eval("round(exec_rate * exec_rate, 2)").to_string() == "1");
    CHECK(eval("exec_rate * exec_rate").to_decimal() == Decimal::whole(1));
    CHECK(Value::number(Fraction(big * 3, big)).to_string() == "3");

    // Equal values compare equal whatever their terms: 2/4 == 1/2, in `in` lists too.
    values[env_.exec_rate] = Value::number(Fraction(2, 4));
    CHECK(eval("exec_rate == 50%").as_bool());
    CHECK(eval("exec_rate in [0.25, 0.5]").as_bool());
    CHECK(eval("max(exec_rate, 1/2) == 1/2").as_bool());
    CHECK(Value::number(Fraction(2, 6)).to_string() == "1/3"); // shown in lowest terms
    CHECK(Value::number(Fraction(2, 6)) == Value::number(Fraction(1, 3)));

    // A value whose lowest terms overflow 128 bits widens to arbitrary precision:
    // (2^70 / 3)^2 = 2^140 / 9, exact, and back within 128 bits after dividing.
    values[env_.exec_rate] = Value::number(Fraction(big, Fraction::wide(3)));
    const Value square = eval("exec_rate * exec_rate");
    CHECK(square.as_number().is_big());
    CHECK(square.to_string() == "1393796574908163946345982392040522594123776/9"); // 2^140 / 9
    CHECK(eval("exec_rate * exec_rate / exec_rate == exec_rate").as_bool());
    CHECK_FALSE(eval("exec_rate * exec_rate / exec_rate / exec_rate").as_number().is_big());
    CHECK(eval("exec_rate * exec_rate / exec_rate / exec_rate").to_string() == "1");
    CHECK(eval("exec_rate * exec_rate > exec_rate").as_bool());
    CHECK(eval("-(exec_rate * exec_rate) < 0").as_bool());
    CHECK(eval("abs(-(exec_rate * exec_rate)) == exec_rate * exec_rate").as_bool());
    CHECK(eval("exec_rate * exec_rate - exec_rate * exec_rate == 0").as_bool());
    // round(2^140 / 9, 0) = 154866286100907105149553599115613621569308 (…308.44 rounds down)
    CHECK(eval("round(exec_rate * exec_rate, 0)").to_string() == "154866286100907105149553599115613621569308");
    CHECK_THROWS_AS(eval("exec_rate * exec_rate").to_decimal(), ArithmeticError); // beyond Decimal's range
}

// --- quantifiers over a list (indicators.all / exists / count) ------------------

namespace {

/// A project's indicators as the caller holds them; the list reads fields on demand.
struct Row {
    const char* level2;
    const char* unit;
    std::int64_t target; // in units of 10^-6
    bool has_target;
};

struct ListEnv {
    Schema schema;
    std::size_t budget = 0, indicators = 0;
    std::size_t f_level2 = 0, f_unit = 0, f_target = 0, f_has_target = 0;
    std::vector<Row> rows;
    Items items;
    std::vector<Value> values;

    static Value read(const void* context, std::uint32_t item, std::uint32_t field) {
        const auto& self = *static_cast<const ListEnv*>(context);
        const Row& r = self.rows[item];
        if (field == self.f_level2) return Value::text(r.level2);
        if (field == self.f_unit) return Value::text(r.unit);
        if (field == self.f_target) return Value::number(Decimal::from_units(r.target));
        return Value::boolean(r.has_target);
    }

    explicit ListEnv(std::vector<Row> r) : rows(std::move(r)) {
        Schema item;
        f_level2 = item.add("level2", Type::text, {{"quantity", {"数量"}}, {"cost", {"成本", "成本指标"}}, {"social", {}}});
        f_unit = item.add("unit", Type::text);
        f_target = item.add("target", Type::number);
        f_has_target = item.add("has_target", Type::boolean);
        budget = schema.add("budget", Type::number);
        indicators = schema.add_list("indicators", std::move(item));
        items = Items{static_cast<std::uint32_t>(rows.size()), this, &ListEnv::read};
        values.resize(schema.size());
        values[budget] = Value::number(Money::from_fen(5'000'000)); // 50,000.00 yuan
        values[indicators] = Value::list(items);
    }
    ListEnv(const ListEnv&) = delete;
    ListEnv& operator=(const ListEnv&) = delete;

    Value run(std::string_view text) const { return evaluate(compile(text, schema, here), values); }
    bool holds(std::string_view text) const { return run(text).as_bool(); }
    Diagnostic error(std::string_view text) const {
        try {
            compile(text, schema, here);
        } catch (const Error& e) {
            return e.diagnostics().front();
        }
        FAIL("no error for: " << text);
        return {};
    }
};

// 培训人次 100 人次 / 总成本 6 万元 / 单位成本 500 元/人次 / 受益人数 (no target)
std::vector<Row> sheet() {
    return {{"quantity", "人次", 100'000'000, true},
            {"cost", "万元", 6'000'000, true},
            {"cost", "元/人次", 500'000'000, true},
            {"social", "人", 0, false}};
}

} // namespace

TEST_CASE("expr: all, exists and count over a list, CEL-style") {
    const ListEnv e(sheet());
    // The example: every cost indicator is in 万元 or 元 — 元/人次 is neither.
    CHECK_FALSE(e.holds("indicators.all(i, i.level2 != \"cost\" or i.unit in [\"万元\", \"元\"])"));
    CHECK(e.holds("indicators.all(i, i.level2 != \"cost\" or i.unit in [\"万元\", \"元\", \"元/人次\"])"));
    CHECK(e.holds("indicators.exists(i, i.level2 == \"成本\" and i.unit == \"万元\")")); // synonym → cost
    CHECK_FALSE(e.holds("indicators.exists(i, i.level2 == 'quantity' and i.target > 100)")); // 100 is not > 100
    CHECK(e.holds("indicators.exists(i, i.level2 == 'quantity' and i.target >= 100)"));
    // count: 2 cost indicators; 3 with a target; targets 100, 6, 500 above 50 → 2 (100 and 500)
    CHECK(e.run("indicators.count(i, i.level2 == 'cost')").to_string() == "2");
    CHECK(e.run("indicators.count(i, i.has_target)").to_string() == "3");
    CHECK(e.run("indicators.count(i, i.has_target and i.target > 50)").to_string() == "2");
    // Quantifiers mix with the project's names: Σ is not needed to compare one target with the budget.
    // 6 万元 = 60,000 yuan > 50,000.00; with the bound at 60,000 it is not above.
    CHECK(e.holds("indicators.exists(i, i.unit == '万元' and i.target * 10000 > budget)"));
    CHECK_FALSE(e.holds("indicators.exists(i, i.unit == '万元' and i.target * 10000 > budget + 10000)"));
    // Nested: two indicators with the same unit (i ≠ j is not expressible, so count the pairs: 4 self-pairs).
    CHECK(e.run("indicators.count(i, indicators.count(j, j.unit == i.unit) > 1)").to_string() == "0");
    CHECK(e.holds("indicators.all(i, indicators.exists(j, j.level2 == i.level2))"));
    // A quantifier is a value like any other.
    CHECK(e.run("if indicators.all(i, i.has_target) then 1 else indicators.count(i, not i.has_target) * 10").to_string() ==
          "10");
}

TEST_CASE("expr: quantifiers over an empty list, and short-circuit") {
    const ListEnv none(std::vector<Row>{});
    CHECK(none.holds("indicators.all(i, i.target > 0)"));     // all of none: true (CEL)
    CHECK_FALSE(none.holds("indicators.exists(i, true)"));    // exists of none: false
    CHECK(none.run("indicators.count(i, true)").to_string() == "0");
    // The first failing item decides all(): item 4 (no target, 0) would divide by zero.
    const ListEnv e(sheet());
    CHECK_FALSE(e.holds("indicators.all(i, i.level2 == 'quantity' and 1 / i.target > 0)"));
    CHECK(e.holds("indicators.exists(i, 1 / i.target > 0)"));
    // count() looks at every item, so it meets the zero target.
    try {
        e.run("indicators.count(i, 1 / i.target > 0)");
        FAIL("no error");
    } catch (const Error& err) {
        CHECK(err.diagnostics().front().en == "division by zero\n  indicators.count(i, 1 / i.target > 0)\n                        ^");
    }
}

TEST_CASE("expr: a quantifier that stops early names the deciding item (Items::witness)") {
    ListEnv e(sheet());
    std::uint32_t w = 99;
    e.items.witness = &w;
    const auto witness = [&](std::string_view text) {
        w = 99;
        (void)e.run(text);
        return w;
    };
    // all(): the first item failing it — item 2, 元/人次 (item 1 is 万元).
    CHECK(witness("indicators.all(i, i.level2 != \"cost\" or i.unit in [\"万元\", \"元\"])") == 2);
    // exists(): the first item satisfying it — item 1, the first cost indicator.
    CHECK(witness("indicators.exists(i, i.level2 == 'cost')") == 1);
    // Not stopped early (all true, exists false, count): nothing written.
    CHECK(witness("indicators.all(i, i.unit != '')") == 99);
    CHECK(witness("indicators.exists(i, i.unit == '个')") == 99);
    CHECK(witness("indicators.count(i, i.level2 == 'cost')") == 99);
    // Nested. Every item finds itself, so all() holds and writes nothing: the inner exists() last wrote item 3.
    // Then item 0 (人次) finds no cost item of its unit: the inner exists() writes nothing, the outer all() stops at 0.
    CHECK(witness("indicators.all(i, indicators.exists(j, j.unit == i.unit))") == 3);
    CHECK(witness("indicators.all(i, indicators.exists(j, j.unit == i.unit and j.level2 == 'cost'))") == 0);
}

TEST_CASE("expr: quantifier errors at compile time") {
    const ListEnv e(sheet());
    Diagnostic d = e.error("indicators.all(i, i.unt == '元')");
    CHECK(d.en == "unknown field \"unt\" of indicators — did you mean \"i.unit\"?\n  indicators.all(i, i.unt == '元')\n                    ^");
    CHECK(d.where.column == 28); // 10 + 18
    CHECK(d.zh.rfind("indicators 没有字段 \"unt\"，是否应为 \"i.unit\"？", 0) == 0);
    d = e.error("indicators.all(i, i.level2 == 'costs')");
    CHECK(d.en.rfind("unknown i.level2 \"costs\" — did you mean \"cost\"? (i.level2 is one of \"quantity\", \"cost\", \"social\")", 0) == 0);
    CHECK(e.error("indicators.all(i, i.target)").where.column == 28);
    // Each message as it starts (the caret line follows).
    const std::pair<const char*, const char*> messages[] = {
        {"indicators.all(i, i.target)",
         "type error: the condition of indicators.all() must be true/false, not number"},
        {"indicators.all(i, i.unit == 1)",
         "type error: cannot compare text with number"},
        {"indicators.exists(i, i == 1)",
         "\"i\" is an item of indicators: read one of its fields, such as \"i.level2\""},
        {"indicators.all(budget, true)",
         "\"budget\" is already a name here; choose another variable name"},
        {"indicators.all(i, indicators.all(i, true))",
         "\"i\" is already the variable of an enclosing quantifier; choose another name"},
        {"indicators.all(i.x, true)",
         "expected a variable name such as i after \"indicators.all(\", found \"i.x\""},
        {"indicators.all(i true)",
         "expected \",\" after the variable name, found \"true\""},
        {"indicators.sum(i, i.target)",
         "unknown function \"indicators.sum\" — a list has all(), exists() and count()"},
        {"budget.all(i, true)",
         "\"budget\" is a number, not a list: all() needs a list"},
        {"indicator.exists(i, true)",
         "unknown list \"indicator\" — did you mean \"indicators\"?"},
        {"indicators == 1",
         "\"indicators\" is a list: test its items with indicators.all(i, …), indicators.exists(i, …) or indicators.count(i, …)"},
        {"i.unit == '元'", // outside a quantifier, i is no name
         "unknown name \"i.unit\""},
        {"indicators.all(a, indicators.all(b, indicators.all(c, indicators.all(d, indicators.all(x, true)))))",
         "quantifiers nest more than 4 deep"},
    };
    for (const auto& m : messages) {
        const auto& [text, start] = m;
        INFO(m.first); // not the binding: clang 14 cannot capture one (INFO is a lambda)
        CHECK(e.error(text).en.rfind(start, 0) == 0);
    }
    CHECK_NOTHROW(compile("indicators.all(a, indicators.all(b, indicators.all(c, indicators.all(d, true))))", e.schema, here));
}

TEST_CASE("expr: quantifiers read the list slot and type-check the caller's fields") {
    ListEnv e(sheet());
    const CompiledExpr c = compile("indicators.exists(i, i.unit == '元') or budget > 1", e.schema, here);
    CHECK(c.reads() == std::vector<std::size_t>{e.budget, e.indicators});
    CHECK(c.result_type() == Type::boolean);
    CHECK(compile("indicators.count(i, true)", e.schema, here).result_type() == Type::number);
    CHECK_THROWS_AS(Schema().add_list("x", [] {
        Schema inner;
        inner.add_list("y", Schema{});
        return inner;
    }()),
                    Error);
    // A number bound where the list is declared, and a field of the wrong type.
    std::vector<Value> wrong = e.values;
    wrong[e.indicators] = Value::integer(3);
    try {
        evaluate(c, wrong);
        FAIL("no error");
    } catch (const Error& err) {
        CHECK(err.diagnostics().front().en.rfind("the value given for \"indicators\" is number, but it is declared list", 0) == 0);
    }
    const Items bad{1, nullptr, [](const void*, std::uint32_t, std::uint32_t) { return Value::integer(1); }};
    wrong[e.indicators] = Value::list(bad);
    try {
        evaluate(c, wrong);
        FAIL("no error");
    } catch (const Error& err) {
        CHECK(err.diagnostics().front().en.rfind("the value given for \"indicators.unit\" is number, but it is declared text", 0) == 0);
    }
}

TEST_CASE("expr: quantifiers evaluate without allocating") {
    const ListEnv e(sheet());
    const CompiledExpr all = compile("indicators.all(i, i.level2 != 'cost' or i.unit in ['万元', '元'])", e.schema, here);
    const CompiledExpr count =
        compile("indicators.count(i, i.has_target and i.target * 10000 > budget / 100) + "
                "indicators.count(i, indicators.exists(j, j.unit == i.unit and j.target > i.target))",
                e.schema, here);
    bool any = false;
    Number n;
    const long before = allocations.load();
    for (int k = 0; k < 1000; ++k) {
        any = evaluate(all, e.values).as_bool() || any;
        n = evaluate(count, e.values).as_number();
    }
    CHECK(allocations.load() - before == 0);
    CHECK_FALSE(any);
    // targets × 10,000 above 500: 100 人次 (1,000,000), 6 万元 (60,000), 500 元/人次 (5,000,000) → 3;
    // no two items share a unit, so no item has a same-unit item with a larger target → 0.
    CHECK(Value::number(n).to_string() == "3");
}
