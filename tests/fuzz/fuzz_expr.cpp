// libFuzzer target: the bytes as an expression over a schema of every type
// (numbers, text with and without a value set, booleans, dates, a list for
// quantifiers), compiled and, when it compiles, evaluated.
#include "fuzz_support.hpp"
#include "perfbudget/expr.hpp"

#include <vector>

using namespace perfbudget;
using namespace perfbudget::expr;

namespace {

struct Item {
    const char* unit;
    const char* level2;
    int weight;
};
const Item items_data[] = {{"元", "cost", 10}, {"%", "quality", 20}, {"人次", "quantity", 0}};

struct Env {
    Schema schema;
    std::vector<Value> values;
    Items items;

    Env() {
        const auto exec_rate = schema.add("exec_rate", Type::number);
        const auto budget = schema.add("budget", Type::number);
        const auto zero = schema.add("zero", Type::number);
        const auto grade = schema.add("grade", Type::text, {{"excellent", {"优"}}, {"good", {"良"}},
                                                              {"fair", {"中"}}, {"poor", {"差"}}});
        const auto fund_source = schema.add("fund_source", Type::text);
        const auto a = schema.add("a", Type::boolean);
        const auto start = schema.add("start", Type::date);
        const auto count = schema.add("indicators.count", Type::number);
        Schema item;
        item.add("unit", Type::text);
        item.add("level2", Type::text);
        item.add("weight", Type::number);
        const auto list = schema.add_list("indicators", item);
        values.resize(schema.size());
        values[exec_rate] = Value::number(Decimal::from_units(550'000));
        values[budget] = Value::number(Money::from_fen(100'000'000));
        values[zero] = Value::integer(0);
        values[grade] = Value::text("fair");
        values[fund_source] = Value::text("local");
        values[a] = Value::boolean(true);
        values[start] = Value::date(make_date(2024, 2, 29));
        values[count] = Value::integer(3);
        items.count = 3;
        items.context = items_data;
        items.field = [](const void* ctx, std::uint32_t i, std::uint32_t f) {
            const Item& it = static_cast<const Item*>(ctx)[i];
            if (f == 0) return Value::text(it.unit);
            if (f == 1) return Value::text(it.level2);
            return Value::integer(it.weight);
        };
        values[list] = Value::list(items);
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Env env;
    static const SourceLocation where{"fuzz.yaml", 1, 1};
    fuzz::expect_only_errors([&] {
        const CompiledExpr e = compile(fuzz::as_text(data, size), env.schema, where);
        const Value v = evaluate(e, env.values);
        (void)v.to_string();
        if (v.type() == Type::number) {
            fuzz::expect_only_errors([&] { (void)v.to_decimal(); });
            fuzz::expect_only_errors([&] { (void)v.to_money(); });
        }
    });
    return 0;
}
