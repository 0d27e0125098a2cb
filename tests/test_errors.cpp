// One error type: everything the library throws for bad data, bad rules or an
// impossible computation is a perfbudget::Error carrying its message in zh and en.
#include "perfbudget/batch.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/expr.hpp"
#include "perfbudget/load.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <type_traits>

using namespace perfbudget;
using namespace perfbudget::test;

static_assert(std::is_base_of_v<Error, ArithmeticError>, "ArithmeticError is caught as perfbudget::Error");

namespace {
/// Runs f, which must throw; returns the Error's first diagnostic.
template <class F>
Diagnostic thrown(F f) {
    try {
        f();
    } catch (const Error& e) {
        REQUIRE_FALSE(e.diagnostics().empty());
        return e.diagnostics().front();
    } catch (...) {
        FAIL("threw something that is not a perfbudget::Error");
    }
    FAIL("did not throw");
    return {};
}
} // namespace

TEST_CASE("errors: arithmetic failures are perfbudget::Error with zh and en") {
    Diagnostic d = thrown([] { (void)(Money::from_fen(Money::max_fen) + Money::from_fen(1)); });
    CHECK(d.en == "amount beyond ±10^15 yuan");
    CHECK(d.zh == "金额超出 ±10^15 元");
    d = thrown([] { (void)(Number::integer(1) / Number()); });
    CHECK(d.en == "division by zero");
    CHECK(d.zh == "除数为零");
    d = thrown([] { (void)Decimal::whole(1).rounded(7, RoundingMode::half_up); });
    CHECK(d.zh == "小数位数应为 0 至 6");
    d = thrown([] { (void)expr::evaluate(expr::CompiledExpr{}, {}); });
    CHECK(d.en == "evaluate() of an expression that was never compiled");
}

TEST_CASE("errors: Decimal::parse and Money::parse throw instead of returning 0") {
    CHECK(Money::parse("1000000.00") == Money::from_fen(100'000'000));
    CHECK(Decimal::parse("95%") == Decimal::from_units(950'000));
    const Diagnostic d = thrown([] { (void)Money::parse("1,000.00"); });
    CHECK(d.en == "\"1,000.00\": expected a number without thousands separators (1234567.89, not 1,234,567.89)");
    CHECK(d.zh == "“1,000.00”：数字不能含千位分隔符（应写 1234567.89）");
    CHECK(thrown([] { (void)Money::parse("12.345"); }).zh == "“12.345”：金额最多两位小数（元、角、分）");
    CHECK(thrown([] { (void)Decimal::parse("abc"); }).en.find("a plain decimal number") != std::string::npos);
}

TEST_CASE("errors: the system's reasons for a failed file operation are in the message's language") {
    const std::string data = std::string(PERFBUDGET_SOURCE_DIR) + "/examples/data/";
    EvaluateOptions o;
    o.projects = data + "projects.csv";
    o.indicators = data + "indicators.csv";
    const auto only = [](const std::function<void()>& run) {
        try {
            run();
        } catch (const Error& e) {
            REQUIRE(e.diagnostics().size() == 1);
            return e.diagnostics()[0];
        }
        FAIL("no error");
        return Diagnostic{};
    };
    // A missing input file.
    EvaluateOptions missing = o;
    missing.projects = "/nonexistent/projects.csv";
    missing.out = test::scratch_file("errors", "missing.csv").string();
    Diagnostic d = only([&] { evaluate_files(missing, national_rules()); });
    CHECK(d.where.file == "/nonexistent/projects.csv");
    CHECK(d.en == "cannot open file: no such file or directory");
    CHECK(d.zh == "无法打开文件：文件或目录不存在");
    // A directory given as the input.
    EvaluateOptions dir = missing;
    dir.projects = std::string(PERFBUDGET_SOURCE_DIR);
    d = only([&] { evaluate_files(dir, national_rules()); });
    CHECK(d.zh == "无法读取文件：这是一个目录，不是文件");
    // An output in a folder that does not exist, and an output that is a folder.
    EvaluateOptions out = o;
    out.out = "/nonexistent/out.csv";
    d = only([&] { evaluate_files(out, national_rules()); });
    CHECK(d.where.file == "/nonexistent/out.csv");
    CHECK(d.zh == "无法创建输出文件：文件或目录不存在");
    out.out = test::scratch_file("errors", "a-folder").string();
    std::filesystem::create_directories(out.out);
    d = only([&] { evaluate_files(out, national_rules()); });
    CHECK(d.en == "cannot write the output file: it is a directory, not a file");
    CHECK(d.zh == "无法写入输出文件：这是一个目录，不是文件");
}
