// libFuzzer target: the bytes as a rule file (load_rules_text; `base: national`
// resolves to the built-in rules), then, when it loads, the example project W1
// (examples/data) evaluated with every period of it.
#include "fuzz_support.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/input.hpp"
#include "perfbudget/load.hpp"

#include <vector>

using namespace perfbudget;

namespace {

// W1 of examples/data (projects.csv and indicators.csv), in the YAML data form.
constexpr std::string_view w1 = R"(
- project_id: W1
  name: 2023年教师培训项目
  department: 县教育局
  budget: 1000000.00
  spent: 812345.67
  budget_kind: general
  fund_source: local
  category: 教育
  year: 2023
  indicators:
    - {level1: output, level2: quantity, name: 培训人次, direction: ge, target: 1200, actual: 1000, unit: 人次, weight: 20}
    - {level1: output, level2: quality, name: 合格率, direction: ge, target: 95%, actual: 98%, unit: '%', weight: 10}
    - {level1: output, level2: timeliness, name: 完成时间, direction: date, target: 2023-10-31, actual: 2023-12-15, weight: 10}
    - {level1: output, level2: cost, name: 单位成本, direction: le, target: 500, actual: 550, unit: 元, weight: 10}
    - {level1: benefit, level2: social, name: 受益人数, direction: ge, target: 3000, actual: 2400, unit: 人, weight: 30}
    - {level1: satisfaction, level2: satisfaction, name: 满意度, direction: ge, target: 90%, actual: 85%, unit: '%', weight: 10}
)";

const std::vector<Project>& projects() {
    static const std::vector<Project> p = read_projects_yaml_text(w1, "w1.yaml");
    return p;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& example = projects();
    fuzz::expect_only_errors([&] {
        const RuleBook book = load_rules_text(fuzz::as_text(data, size), "fuzz.yaml");
        for (const Project& p : example) fuzz::expect_only_errors([&] { (void)evaluate(p, book); });
    });
    return 0;
}
