// perfbudget/assessment_rules.hpp — the ex-ante assessment (事前绩效评估) rules: SPEC §7.
//
// Loaded from the `assessment:` section of a rule file (src/load_assessment.cpp);
// the defaults below are those of rules/national.yaml, so a rule file written
// without the section assesses by the national rules. Grades are not part of the
// section: an assessment is graded on the evaluation's scale (RuleSet::grades,
// "grade by §4's bands"), so a county with five grades assesses with five too.
#pragma once

#include "perfbudget/decimal.hpp"
#include "perfbudget/rule_ref.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace perfbudget {

/// The five dimensions an expert scores (seed 001: 立项必要性、投入经济性、绩效目标合理性、
/// 实施方案可行性、筹资合规性), in the order of the output's columns.
enum class AssessDimension : std::uint8_t { necessity, economy, targets, feasibility, financing };
inline constexpr std::size_t assess_dimension_count = 5;

namespace names {
inline constexpr std::array<std::string_view, 5> assess_dimension = {"necessity", "economy", "targets", "feasibility",
                                                                     "financing"};
inline constexpr std::array<std::string_view, 5> assess_dimension_zh = {"立项必要性", "投入经济性", "绩效目标合理性",
                                                                        "实施方案可行性", "筹资合规性"};
/// Short forms finance staff write; each names one dimension only.
inline constexpr std::array<std::string_view, 5> assess_dimension_short = {"必要性", "经济性", "合理性", "可行性",
                                                                           "合规性"};
} // namespace names

constexpr std::string_view to_string(AssessDimension d) { return names::assess_dimension[static_cast<std::size_t>(d)]; }

/// A dimension by identifier, full Chinese name or short form; nothing otherwise.
constexpr std::optional<AssessDimension> parse_assess_dimension(std::string_view s) {
    for (std::size_t i = 0; i < assess_dimension_count; ++i)
        if (s == names::assess_dimension[i] || s == names::assess_dimension_zh[i] || s == names::assess_dimension_short[i])
            return static_cast<AssessDimension>(i);
    return std::nullopt;
}

struct AssessmentRules {
    /// Points per dimension (维度权重), at most 2 decimals, totalling 100.
    struct Weights {
        std::array<Decimal, assess_dimension_count> points{Decimal::whole(25), Decimal::whole(20), Decimal::whole(20),
                                                           Decimal::whole(20), Decimal::whole(15)};
        std::array<RuleRef, assess_dimension_count> where{}; // each weight's line
    } weights;

    /// 去掉一个最高分和一个最低分: with at least `min_experts` experts, one highest and
    /// one lowest score of each dimension are left out of its mean.
    struct DropExtremes {
        bool enabled = true;
        int min_experts = 5; // at least 3, so a mean keeps one score
        RuleRef where;
    } drop_extremes;

    /// The grades (on RuleSet::grades) that are approved (予以通过); the others are not.
    /// Without the section: every grade but the lowest (national: `poor` is not approved).
    struct Approve {
        std::uint64_t grades = 0; // bit mask over grade indices (as GradeSet)
        bool defaulted = true;    // not read from a file: every grade but the lowest
        RuleRef where;
        bool approves(std::size_t grade, std::size_t grade_count) const {
            if (defaulted) return grade + 1 < grade_count;
            return grade < 64 && ((grades >> grade) & 1U) != 0;
        }
    } approve;

    /// Mid-year cut (年中追减) by the assessment's grade, as a share of the budget
    /// (seed 004, 岳池县). National: none. One rate per grade band; empty or 0: no cut.
    struct MidYearCut {
        std::vector<Decimal> rate_by_grade;
        RuleRef where;
        Decimal rate(std::size_t grade) const { return grade < rate_by_grade.size() ? rate_by_grade[grade] : Decimal(); }
        bool any() const {
            for (Decimal d : rate_by_grade)
                if (d != Decimal()) return true;
            return false;
        }
    } mid_year_cut;
};

} // namespace perfbudget
