// perfbudget/review.hpp — the review stage: target review (绩效目标审核), SPEC §6.
//
// A project's targets (projects.csv goal, indicators.csv rows without actuals) are
// checked on four dimensions; each failing check is a defect that deducts its
// points from its dimension (never below 0); the score is the sum of the four,
// graded on the evaluation's scale (RuleSet::grades) and mapped to an admission
// (review.admission). A project with no indicator scores 0 in completeness, is
// graded on the lowest band and rejected (seed 001: no target, no budget).
// Rules: RuleSet::review (review_rules.hpp).
//
//   review_project()     one project → ReviewResult with its defects
//   explain_review()     why, in Chinese or English, citing each rule's file:line
//   review_files()       the `perfbudget review` command as a library call
#pragma once

#include "perfbudget/batch.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/rules.hpp"
#include "perfbudget/sink.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfbudget {

/// One failed check: what a web page shows next to the offending row (SPEC §6).
struct ReviewDefect {
    static constexpr std::uint16_t built_in = 0xFFFF;
    ReviewCheck check;                      // a built-in check (when `step` is built_in)
    std::optional<std::uint32_t> indicator; // index into Project::indicators; none: the whole project
    Decimal deduction;                      // as configured; the dimension's floor may take less
    std::string en, zh;                     // the reason
    /// A county's check (review.custom): the index of its step in RuleSet::review.custom.steps.
    std::uint16_t step = built_in;
    ReviewDimension custom_dimension = ReviewDimension::completeness; // a county's check's dimension
    bool custom() const { return step != built_in; }
    ReviewDimension dimension() const { return custom() ? custom_dimension : dimension_of(check); }
};

struct ReviewResult {
    std::uint32_t indicators = 0;
    std::uint32_t quantified = 0; // ge / le / eq (date and qual are not quantified)
    std::optional<Decimal> quantification; // quantified / indicators, 4 places half-up; none without indicators
    std::array<Decimal, review_dimension_count> dimensions{}; // points left, ≥ 0
    Decimal score;         // Σ dimensions
    std::size_t grade = 0; // index into RuleSet::grades
    Admission admission = Admission::reject;
    std::vector<ReviewDefect> defects; // as the checks run: dimension by dimension, rows in file order; then the county's
    bool no_indicators = false;        // seed 001's case: completeness 0, lowest grade, rejected

    // Set by the county's steps (review.custom, review_custom.hpp).
    bool has_cut = false;      // a step recommended a cut (酌情削减项目经费)
    Decimal cut_rate;          // the share of the budget to cut (0–100%)
    Money cut;                 // budget × cut_rate, half-up to the fen
    bool admission_set = false; // a step set the admission (else it follows the grade)
    std::uint16_t cut_step = 0, admission_step = 0; // the last step that set them, 1-based (0: none)
    std::uint16_t fired_count = 0; // rules and table rows that fired, in `fired`
    std::array<custom::Fired, custom::max_fired> fired{};
    void clear_custom() {
        has_cut = false;
        cut_rate = Decimal{};
        cut = Money{};
        admission_set = false;
        cut_step = admission_step = 0;
        fired_count = 0;
    }
};

/// Whether an indicator of this direction is quantified (量化): ge, le, eq (date and qual are not).
constexpr bool quantified(Direction d) { return d == Direction::ge || d == Direction::le || d == Direction::eq; }

/// Reviews a project with one period's rules, then runs the county's steps (review.custom).
void review_project(const Project& project, const RuleSet& rules, ReviewResult& out);

inline ReviewResult review_project(const Project& project, const RuleSet& rules) {
    ReviewResult r;
    review_project(project, rules, r);
    return r;
}

/// The `defects` column: `no_indicators` first when it applies, then the ids of the
/// failed checks, each once, in check order, then the ids of the county's checks
/// (review.custom steps that deducted), each once, in step order; `;`-separated.
std::string review_defect_ids(const ReviewResult& r, const RuleSet& rules);
/// The same appended to `out` (the streamed CSV row's buffer: nothing allocated per project).
void append_review_defect_ids(std::string& out, const ReviewResult& r, const RuleSet& rules);
/// The id of a defect's check: the built-in check's, or the county step's.
std::string_view review_check_id(const ReviewDefect& d, const RuleSet& rules);

/// Why: each dimension's points and its deductions, the checks skipped (and why),
/// the quantification rate, the grade band and the admission, citing file:line.
std::vector<ExplanationLine> explain_review(const Project& project, const ReviewResult& r, const RuleSet& rules,
                                            Lang lang);

/// `perfbudget review`.
struct ReviewOptions : InputOptions { // and the input options (input.hpp)
    std::string projects;   ///< projects.csv
    std::string indicators; ///< indicators.csv (targets; actuals may be blank)
    std::string out;        ///< output; empty or "-" for standard output
    std::string summary;    ///< --summary: the summary as JSON; empty: none
    OutputFormat format = OutputFormat::csv;
    Lang lang = Lang::zh;
    std::optional<int> year; ///< budget year of projects without one (picks dated rules, date checks)
    TableStyle table;                    ///< CSV/xlsx for people (output.hpp; money in 万元 with money_unit); default: CSV for programs
    /// Read both files into memory even when the run could stream (tests compare the two paths).
    bool in_memory = false;
    // Threads (`--threads N`): InputOptions::threads.
};

/// Projects and money per grade and per admission.
struct ReviewTotals {
    std::size_t projects = 0;
    Money budget;
    std::vector<std::size_t> by_grade;
    std::vector<Money> budget_by_grade;
    std::array<std::size_t, admission_count> by_admission{};
    std::array<Money, admission_count> budget_by_admission{};
    std::size_t indicators = 0, quantified = 0;
    void add(const Project& p, const ReviewResult& r, std::size_t grade_count);
    void add(Money project_budget, const ReviewResult& r, std::size_t grade_count);
};
struct ReviewDepartment : ReviewTotals {
    std::string department;
};
struct ReviewSummary : ReviewTotals {
    std::vector<GradeBand> grades; // the scale (of the latest period)
    std::vector<ReviewDepartment> departments; // in order of first appearance
    std::vector<Diagnostic> notices;
};

/// Reviews every project of the files and writes CSV (exactly SPEC §6's
/// columns) or JSON (with each defect and the explanation). Throws Error listing
/// every problem; a failed run writes nothing. OptionsError when an output names an input.
/// The table (CSV or OutputFormat::xlsx) is styled by options.table and money_unit
/// (output.hpp, docs/output.md). CSV and xlsx stream like evaluate_files(): projects
/// kept compactly, indicator rows counted as they pass (a project's rows together
/// while the duplicate_name check is on). JSON, county steps that read `indicators`
/// (quantifiers), options.in_memory and any run with a problem read both files
/// into memory; the results and errors are the same either way.
ReviewSummary review_files(const ReviewOptions& options, const RuleBook& rules);

/// The same, handing each project's result to `sink` (sink.hpp) in file order
/// instead of writing: options.out, summary, format and table are not used
/// (`perfbudget report --review` rolls the review up this way).
ReviewSummary review_files(const ReviewOptions& options, const RuleBook& rules, const ReviewSink& sink);

/// "审核 n 个项目…三级绩效指标 3308 个，量化率达 72.79%", per grade and admission.
std::string review_summary_text(const ReviewSummary& s, Lang lang);
/// As JSON (`--summary`): {"projects", "budget", "indicators", "quantified",
/// "quantification", "by_grade": {id: {"projects", "budget"}}, "by_admission": {…},
/// "departments": [{"department", and the same keys}]}.
std::string review_summary_json(const ReviewSummary& s);

} // namespace perfbudget
