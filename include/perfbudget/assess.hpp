// perfbudget/assess.hpp — the assess stage: ex-ante assessment (事前绩效评估), SPEC §7.
//
// Experts score a new or major project on five dimensions (0–100). Per dimension
// the exact mean of its experts' scores — one highest and one lowest left out when
// there are at least `drop_extremes.min_experts` experts — and the project's score
// Σ weight × mean / 100, rounded once, half-up, to 2 places; graded on the
// evaluation's scale (RuleSet::grades) and approved unless its grade is not in
// `assessment.approve` (national: 差 is not approved). Rules: RuleSet::assessment
// (assessment_rules.hpp); input: assessment_input.hpp.
//
//   assess_project()     one project → AssessResult (allocates nothing)
//   explain_assessment() why, in Chinese or English, citing each rule's file:line
//   assess_files()       the `perfbudget assess` command as a library call
#pragma once

#include "perfbudget/assessment_input.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/rules.hpp"
#include "perfbudget/sink.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace perfbudget {

/// One dimension of a project's assessment.
struct DimensionAssessment {
    std::uint32_t counted = 0; // scores in the mean
    Decimal sum;               // of the counted scores
    Fraction mean;             // sum / counted, exact
    Decimal shown;             // mean rounded to 2 places, half-up (the output's column)
    bool dropped = false;      // one highest and one lowest left out
    std::uint32_t high = 0, low = 0; // when dropped: indexes of the experts left out
};

/// The assessment of one project.
struct AssessResult {
    std::uint32_t experts = 0;
    std::array<DimensionAssessment, assess_dimension_count> dimensions{};
    Fraction exact_score; // Σ weight × exact mean / 100
    Decimal score;        // exact_score rounded once to 2 places, half-up
    std::size_t grade = 0; // index into RuleSet::grades, by `score`
    bool approved = false;
    Decimal cut_rate;     // assessment.mid_year_cut's share for the grade (0: none)
    Money cut_amount;     // budget × cut_rate, half-up to the fen
};

/// Assesses a project with one period's rules. Throws Error (at `file`, the
/// project's first row) when it has no expert or an expert lacks a dimension.
void assess_project(const Project& project, const ProjectAssessment& scores, const RuleSet& rules, AssessResult& out,
                    const std::string& file = {});

inline AssessResult assess_project(const Project& project, const ProjectAssessment& scores, const RuleSet& rules) {
    AssessResult r;
    assess_project(project, scores, rules, r);
    return r;
}

/// Why: each dimension's scores, those dropped and its mean; the weights and the
/// sum; the grade band; approval; the cut. Each line cites its rule's file:line.
std::vector<ExplanationLine> explain_assessment(const Project& project, const ProjectAssessment& scores,
                                                const AssessResult& r, const RuleSet& rules, Lang lang);

/// `perfbudget assess`.
struct AssessOptions : InputOptions { // and the input options (input.hpp)
    std::string projects;    ///< projects.csv
    std::string assessments; ///< assessments.csv
    std::string out;         ///< output; empty or "-" for standard output
    std::string summary;     ///< --summary: the summary as JSON; empty: none
    OutputFormat format = OutputFormat::csv;
    Lang lang = Lang::zh;
    std::optional<int> year; ///< budget year of projects without one (picks dated rules)
    TableStyle table;                    ///< CSV/xlsx for people (output.hpp; money in 万元 with money_unit); default: CSV for programs
};

/// Projects and money per grade and by approval, of the run or one department.
struct AssessTotals {
    std::size_t projects = 0;
    Money budget;
    std::vector<std::size_t> by_grade; // per grade band
    std::vector<Money> budget_by_grade;
    std::size_t approved = 0, not_approved = 0;
    Money approved_budget, not_approved_budget;
    Money cut; // Σ cut_amount
    void add(const Project& p, const AssessResult& r, std::size_t grade_count);
};
struct DepartmentAssessment : AssessTotals {
    std::string department;
};
struct AssessSummary : AssessTotals {
    std::size_t scores = 0;        // rows of assessments.csv
    std::size_t not_assessed = 0;  // projects of projects.csv without scores (not in the output)
    std::vector<GradeBand> grades; // the scale (of the latest period)
    std::vector<DepartmentAssessment> departments;
    std::vector<Diagnostic> notices;
};

/// Assesses every project that has scores and writes CSV (project_id, department,
/// budget, experts, the five dimension means, score, grade, approved; then cut and
/// cut_amount when the rules cut) or JSON (with the explanation). Projects without
/// scores are not in the output. Throws Error listing every problem; a failed run
/// writes nothing. OptionsError when an output names an input. The table (CSV or
/// OutputFormat::xlsx) is styled by options.table and money_unit (output.hpp, docs/output.md).
AssessSummary assess_files(const AssessOptions& options, const RuleBook& rules);
/// The same, handing each assessed project's result to `sink` (sink.hpp) in file
/// order instead of writing: options.out, summary, format and table are not used
/// (`perfbudget report --assessments` rolls the assessment up this way).
AssessSummary assess_files(const AssessOptions& options, const RuleBook& rules, const AssessSink& sink);

/// Seed 000's words: "已评估 5 个项目…均为良及以上", projects and money per grade, approved.
std::string assess_summary_text(const AssessSummary& s, Lang lang);
/// As JSON (`--summary`): {"projects", "budget", "by_grade": {id: {"projects", "budget"}},
/// "approved": {…}, "not_approved": {…}, "cut", "departments": [{"department", …}]}.
std::string assess_summary_json(const AssessSummary& s);

} // namespace perfbudget
