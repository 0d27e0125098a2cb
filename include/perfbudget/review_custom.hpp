// perfbudget/review_custom.hpp — a county's own target-review steps (SPEC §6, §10).
//
// The `custom:` list inside a rule file's `review:` section holds decision tables
// and when/then rules in the rule language (docs/rules.md), compiled against
// review_schema(): they read what the built-in checks found (the four dimensions,
// their defect counts, score, grade, admission, quantification), the project's
// fields (`revision`: first or revised submission, …) and its indicators as a
// list for quantifiers (`indicators.all(i, i.level2 != "cost" or i.unit in
// ["万元", "元"])`), and may set
//
//   deduct.completeness, deduct.relevance, deduct.appropriateness, deduct.feasibility
//            a county's own check: the step that sets it is a defect of that
//            dimension, its check id the step's id, its reason the step's zh/en,
//            deducting the points given (never below 0); the project is re-scored,
//            re-graded and, unless a step set it, its admission follows the grade;
//   admission overrides the admission (the last step to set it wins);
//   cut       a cut recommendation (酌情削减项目经费), a share of the budget
//            0–100%; ReviewResult::cut = budget × rate, half-up to the fen.
//
// A deducting step decided by a quantifier that stopped early (the first indicator
// failing `all`, the first passing `exists`) marks that indicator in its defect.
//
// apply_review_custom() runs them after the built-in checks and grading (the last
// step of review_project). Each fired rule or table row is recorded in
// ReviewResult::fired and cited by explain_review().
#pragma once

#include "perfbudget/review.hpp"
#include "perfbudget/stage_schema.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace perfbudget {

/// The review's inputs, in slot order (review_schema() describes each).
enum class ReviewSlot : std::uint8_t {
    budget,
    score,
    grade,
    admission,
    completeness,
    relevance,
    appropriateness,
    feasibility,
    completeness_defects,
    relevance_defects,
    appropriateness_defects,
    feasibility_defects,
    defects,
    no_indicators,
    indicators_count,
    quantified,
    quantification,
    has_goal,
    revision,
    fund_source,
    budget_kind,
    category,
    department,
    year,
    cut,
    indicators,
};
inline constexpr std::size_t review_slot_count = 26;

/// The fields of an item of `indicators`, in order.
enum class ReviewItem : std::uint8_t {
    name,
    level1,
    level2,
    direction,
    unit,
    quantified,
    has_target,
    target,
    has_last_year_actual,
    last_year_actual,
};

/// The review's outputs, in order: the four deductions (in ReviewDimension order), admission, cut.
enum class ReviewTarget : std::uint8_t {
    deduct_completeness,
    deduct_relevance,
    deduct_appropriateness,
    deduct_feasibility,
    admission,
    cut,
};
inline constexpr std::size_t review_target_count = 6;

/// The schema review steps compile against: `grade` takes any text.
const custom::StageSchema& review_schema();
/// The same, with `grade` limited to a scale's grades (custom::grade_values()).
custom::StageSchema review_schema(std::vector<expr::Choice> grades);

/// Runs rules.review.custom on a reviewed project (defects, dimensions, grade and
/// admission set): adds the counties' defects and re-grades, overrides the
/// admission, sets the cut, records the steps that fired. Resets the custom
/// fields first. Throws Error (project id, rule file:line) when a step fails at
/// run time (division by zero, a deduction that is negative or has more than 2
/// decimals, a cut outside 0–100%, an admission that is not one).
void apply_review_custom(const Project& project, const RuleSet& rules, ReviewResult& out);

/// The ids of the review custom steps that fired, in order, each once.
std::vector<std::string_view> review_custom_ids(const ReviewResult& r, const RuleSet& rules);

namespace detail {
/// Dimensions from the defects (each deducts from its dimension, never below 0;
/// no indicators: completeness 0), score, grade and, unless a step set it, admission.
void regrade_review(const RuleSet& rules, ReviewResult& r);
} // namespace detail

} // namespace perfbudget
