// Helpers shared by the test files: exact values from text, failing the test
// (not throwing) when the text is not a valid number.
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/model.hpp"

#include "support_problems.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace perfbudget::test {

/// Allocations made so far by the whole test program (test_expr.cpp replaces
/// operator new and counts them), for checks that a stage allocates nothing.
long allocation_count();

/// The problems loading the rule text `text` (as t.yaml) reports; fails the test when it loads.
inline std::vector<Diagnostic> rule_problems(const std::string& text) {
    return problems([&] { (void)load_rules_text(text, "t.yaml"); });
}

#ifdef PERFBUDGET_SOURCE_DIR
/// The source tree, and the example county's files (examples/data) many tests run on.
inline const std::string source_dir = PERFBUDGET_SOURCE_DIR;
inline const std::string example_projects = source_dir + "/examples/data/projects.csv";
inline const std::string example_indicators = source_dir + "/examples/data/indicators.csv";
#endif

/// A file's whole content.
inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The scratch folders this test process made, removed when it exits (ctest runs
/// each test case as its own process: thousands of folders otherwise pile up).
struct ScratchFolders {
    std::vector<std::filesystem::path> made;
    ScratchFolders() = default;
    ScratchFolders(const ScratchFolders&) = delete;
    ScratchFolders& operator=(const ScratchFolders&) = delete;
    ~ScratchFolders() {
        for (const auto& dir : made) {
            std::error_code ignored; // a test that failed may have left a file open: keep going
            std::filesystem::remove_all(dir, ignored);
        }
    }
};

/// `name` in a temporary folder of this test program's own (`suite` tells test files apart).
inline std::filesystem::path scratch_file(const std::string& suite, const std::string& name) {
    static ScratchFolders folders;
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("perfbudget-test-" + suite + "-" + std::to_string(::getpid()));
    if (std::filesystem::create_directories(dir)) folders.made.push_back(dir);
    return dir / name;
}

/// "98.5", "95%" → Decimal; the test fails on text that does not parse.
inline Decimal dec(const char* s) {
    Decimal d;
    const NumberError e = parse_decimal(s, d);
    REQUIRE_MESSAGE(e.ok(), s);
    return d;
}

/// "812345.67" → Money; the test fails on text that does not parse.
inline Money yuan(const char* s) {
    Money m;
    const NumberError e = parse_money(s, m);
    REQUIRE_MESSAGE(e.ok(), s);
    return m;
}

/// A numeric indicator of a level-1 kind (level 2: quantity, social or satisfaction).
inline Indicator indicator(Level1 l1, const char* target, const char* actual, const char* weight,
                           Direction dir = Direction::ge) {
    Indicator i;
    i.level1 = l1;
    i.level2 = l1 == Level1::output ? Level2::quantity : l1 == Level1::benefit ? Level2::social : Level2::satisfaction;
    i.direction = dir;
    i.target = dec(target);
    i.actual = dec(actual);
    i.weight = dec(weight);
    i.name = "indicator";
    return i;
}

/// The project most hand-computed cases use: budget 1000.00, spent 800.00
/// (execution 10 × 0.8 = 8.00, unspent 200.00), benefit 30 and satisfaction 10 met
/// in full, and one 50-point `ge` output indicator at actual / output_target:
/// total = 48 + 50 × min(actual / output_target, 1).
inline Project sample_project(const char* output_target, const char* actual) {
    Project p;
    p.id = "P";
    p.budget = yuan("1000.00");
    p.spent = yuan("800.00");
    p.indicators = {indicator(Level1::output, output_target, actual, "50"), indicator(Level1::benefit, "1", "1", "30"),
                    indicator(Level1::satisfaction, "90%", "90%", "10")};
    return p;
}

/// sample_project's YAML form for test files (project P1, output target 100: total =
/// 48 + actual / 2), indented for `projects:`; `extra` is appended to the output
/// indicator's fields (", unit: 人次").
inline std::string yaml_p1(const std::string& actual, const std::string& extra = "") {
    return "      - project_id: P1\n"
           "        name: 测试项目\n"
           "        department: 县教育局\n"
           "        budget: 1000.00\n"
           "        spent: 800.00\n"
           "        indicators:\n"
           "          - {level1: output, level2: quantity, name: 数量, direction: ge, target: 100, actual: " +
           actual + ", weight: 50" + extra + "}\n"
           "          - {level1: benefit, level2: social, name: 受益, direction: ge, target: 1, actual: 1, weight: 30}\n"
           "          - {level1: satisfaction, level2: satisfaction, name: 满意度, direction: ge, target: 90%, actual: 90%, weight: 10}\n";
}

} // namespace perfbudget::test
