// Results do not depend on the process's locale: a finance system may run with
// zh_CN.UTF-8, and a German vendor's server with de_DE.UTF-8 (decimal comma,
// '.' as thousands separator). Rule files are loaded and every stage's output is
// written under each global locale and compared byte for byte with the "C" one.
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <clocale>
#include <locale>
#include <stdexcept>

using namespace perfbudget;

namespace {

const std::string src = PERFBUDGET_SOURCE_DIR;

/// Sets the C and C++ global locales for its lifetime. A locale that is not
/// installed fails the test: `.ci/setup` generates zh_CN.UTF-8 and de_DE.UTF-8.
class GlobalLocale {
public:
    explicit GlobalLocale(const char* name) : old_(std::locale()) {
        try {
            std::locale::global(std::locale(name));
        } catch (const std::runtime_error&) {
            FAIL("locale " << name << " is not installed (run .ci/setup, which generates it)");
        }
        REQUIRE(std::setlocale(LC_ALL, name) != nullptr);
    }
    ~GlobalLocale() {
        std::locale::global(old_);
        std::setlocale(LC_ALL, "C");
    }
    GlobalLocale(const GlobalLocale&) = delete;
    GlobalLocale& operator=(const GlobalLocale&) = delete;

private:
    std::locale old_;
};

/// Every output of the example county under the current locale, concatenated:
/// evaluate (CSV with explanations, JSON) with a county profile loaded now, and
/// monitor (CSV, JSON, summary).
std::string outputs(const std::string& tag) {
    const RuleBook rules = load_rules_file(src + "/rules/urumqi-county.yaml");
    std::string all;
    for (const OutputFormat format : {OutputFormat::csv, OutputFormat::json}) {
        const std::string out = test::scratch_file("locale", tag + (format == OutputFormat::json ? ".json" : ".csv")).string();
        EvaluateOptions o;
        o.projects = src + "/examples/data/projects.csv";
        o.indicators = src + "/examples/data/indicators.csv";
        o.out = out;
        o.format = format;
        o.explain = format == OutputFormat::csv;
        o.lang = Lang::zh;
        evaluate_files(o, rules);
        all += test::slurp(out);

        MonitorOptions m;
        m.files = o;
        m.files.explain = false;
        m.files.out = out + ".monitor";
        m.as_of = make_date(2024, 6, 30);
        m.summary = out + ".summary.json";
        monitor_files(m, rules);
        all += test::slurp(m.files.out) + test::slurp(m.summary);
    }
    return all;
}

} // namespace

TEST_CASE("locale: results are identical under C, zh_CN.UTF-8 and de_DE.UTF-8") {
    const std::string reference = outputs("C");
    REQUIRE(reference.find("85.32") != std::string::npos); // W1's total, hand-computed in examples/data/README.md
    for (const char* name : {"zh_CN.UTF-8", "de_DE.UTF-8"}) {
        CAPTURE(name);
        GlobalLocale locale(name);
        if (std::string(name) == "de_DE.UTF-8") { // the locale really is active: a decimal comma
            CHECK(std::use_facet<std::numpunct<char>>(std::locale()).decimal_point() == ',');
            CHECK(std::string(std::localeconv()->decimal_point) == ",");
        }
        CHECK(outputs(name) == reference);
    }
}
