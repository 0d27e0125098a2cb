// perfbudget/review_rules.hpp — the target review (绩效目标审核) rules: SPEC §6.
//
// Loaded from the `review:` section of a rule file (src/load_review.cpp); the
// defaults below are those of rules/national.yaml, so a rule file written without
// the section reviews by the national rules. Like the assessment, a review is
// graded on the evaluation's scale (RuleSet::grades, "grade bands as §4").
#pragma once

#include "perfbudget/custom_rules.hpp"
#include "perfbudget/decimal.hpp"
#include "perfbudget/rule_ref.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace perfbudget {

/// The four dimensions (完整性、相关性、适当性、可行性), in the order of the output's columns.
enum class ReviewDimension : std::uint8_t { completeness, relevance, appropriateness, feasibility };
inline constexpr std::size_t review_dimension_count = 4;

/// The default checks of SPEC §6, each deducting from one dimension per defect.
enum class ReviewCheck : std::uint8_t {
    level1_missing,        // no output / benefit / satisfaction indicator (per missing kind)
    output_level2_missing, // output lacks quantity / quality / timeliness / cost (per missing kind)
    indicator_incomplete,  // an indicator without name, target or (numeric) unit
    goal_missing,          // no overall target text (总体目标)
    level2_mismatch,       // level2 not under its level1
    duplicate_name,        // the same indicator name twice in a project
    cost_unit,             // a cost indicator not in a money unit
    satisfaction_target,   // a satisfaction target below `min`
    cost_over_budget,      // cost indicators in 万元/元 total more than the budget
    target_too_low,        // a `ge` target below last year's actual
    date_outside_year,     // a date target outside the budget year
    quantification_low,    // quantified / indicators below `min`
    indicator_count,       // fewer than `min` or more than `max` indicators
};
inline constexpr std::size_t review_check_count = 13;

/// What a project's review leads to (审核结论): SPEC §6.
enum class Admission : std::uint8_t { proceed, fix, resubmit, reject };
inline constexpr std::size_t admission_count = 4;

namespace names {
inline constexpr std::array<std::string_view, 4> review_dimension = {"completeness", "relevance", "appropriateness",
                                                                     "feasibility"};
inline constexpr std::array<std::string_view, 4> review_dimension_zh = {"完整性", "相关性", "适当性", "可行性"};
inline constexpr std::array<std::string_view, 13> review_check = {
    "level1_missing",      "output_level2_missing", "indicator_incomplete", "goal_missing",
    "level2_mismatch",     "duplicate_name",        "cost_unit",            "satisfaction_target",
    "cost_over_budget",    "target_too_low",        "date_outside_year",    "quantification_low",
    "indicator_count"};
/// Each check in words, for Chinese text (docs/review.md's table).
inline constexpr std::array<std::string_view, 13> review_check_zh = {
    "一级指标齐全",     "产出指标二级指标齐全", "指标要素齐全",   "填写总体目标",
    "二级指标与一级指标对应", "指标名称不重复", "成本指标以金额计量", "满意度指标值不低于下限",
    "成本指标合计不超过预算", "指标值不低于上年实际", "时效指标在预算年度内", "量化率不低于下限",
    "指标个数适当"};
inline constexpr std::array<std::string_view, 4> admission = {"proceed", "fix", "resubmit", "reject"};
inline constexpr std::array<std::string_view, 4> admission_zh = {"予以安排", "修改完善后安排", "修改后重新报送",
                                                                 "不予安排预算"};
} // namespace names

constexpr std::string_view to_string(ReviewDimension d) { return names::review_dimension[static_cast<std::size_t>(d)]; }
constexpr std::string_view to_string(ReviewCheck c) { return names::review_check[static_cast<std::size_t>(c)]; }
constexpr std::string_view to_string(Admission a) { return names::admission[static_cast<std::size_t>(a)]; }

/// The dimension a check deducts from.
constexpr ReviewDimension dimension_of(ReviewCheck c) {
    const auto i = static_cast<std::size_t>(c);
    return i < 4 ? ReviewDimension::completeness
           : i < 7 ? ReviewDimension::relevance
           : i < 10 ? ReviewDimension::appropriateness
                    : ReviewDimension::feasibility;
}

struct ReviewRules {
    /// Points per dimension, at most 2 decimals, totalling 100.
    std::array<Decimal, review_dimension_count> points{Decimal::whole(25), Decimal::whole(25), Decimal::whole(25),
                                                       Decimal::whole(25)};
    std::array<RuleRef, review_dimension_count> points_where{};

    /// One check: switched on or off, and the points each defect deducts.
    struct Check {
        bool enabled = true;
        Decimal deduction;
        RuleRef where;
    };
    std::array<Check, review_check_count> checks = [] {
        // The national defaults (rules/national.yaml, [default]: no national text sets them).
        constexpr std::array<int, review_check_count> d{5, 2, 1, 5, 2, 2, 2, 3, 5, 2, 2, 5, 5};
        std::array<Check, review_check_count> c{};
        for (std::size_t i = 0; i < review_check_count; ++i) c[i].deduction = Decimal::whole(d[i]);
        return c;
    }();
    const Check& check(ReviewCheck c) const { return checks[static_cast<std::size_t>(c)]; }

    Decimal satisfaction_min = Decimal::from_units(850'000);  // satisfaction_target.min (满意度 ≥ 85%)
    Decimal quantification_min = Decimal::from_units(600'000); // quantification_low.min (量化率 ≥ 60%)
    int min_indicators = 3, max_indicators = 30;        // indicator_count.min / max

    /// Admission per grade band (RuleSet::grades). Without the section: the first
    /// grade proceeds, the second is fixed, the last rejected, the others resubmitted.
    std::vector<Admission> admission_by_grade;
    RuleRef admission_where;
    Admission admission(std::size_t grade) const {
        return grade < admission_by_grade.size() ? admission_by_grade[grade] : Admission::reject;
    }

    /// The county's own steps (`review.custom:`, review_custom.hpp), run after the
    /// built-in checks and grading: their own defects, admission, cut.
    CustomRules custom;
};

} // namespace perfbudget
