// perfbudget/custom_rules.hpp — a profile's decision tables and custom rules, compiled.
//
// The `custom:` section of a rule file (docs/rules.md, "Custom rules and decision
// tables") compiles into CustomRules, part of RuleSet. It runs after grading, in
// result application (结果应用): a list of steps, in the order written, each either
//
//   - a decision table (hit policy `first`, `collect` or `unique`): rows of input conditions
//     (a literal, a comparison such as `< 60%`, or `-` for any) → outputs; or
//   - a rule: `when:` a boolean expression, `then:` actions.
//
// Outputs and actions set the result fields in `Target`: the next-year cut rate,
// the rectify / priority / recover / accountability flags, or an adjustment of the
// project's total (points, negative to deduct) after which the project is
// re-graded. A field a step sets overrides the national result (results.*); fields
// no step sets keep it. Every table row and rule that fires is recorded in the
// ProjectResult (custom::Fired) so explain() can cite it (file:line).
//
// Expressions read the names of `Slot` (custom::schema(); docs/rules.md lists
// them). A step may only read fields set by grading or by earlier steps: reading a
// field that a later step changes is a load-time error, so the order is the
// dependency order and there are no cycles.
//
// The compiled steps are the same for every stage: what a stage's steps read and
// set is its StageSchema (stage_schema.hpp). A Table's inputs and an Output's
// target are indices into the schema the steps were compiled against; `Slot` and
// `Target` below are the evaluation schema's (evaluation_schema()), monitoring's
// are MonitorSlot and MonitorTarget (monitor_custom.hpp), held in the same fields.
//
// The runtime is apply_custom() (evaluate.hpp calls it after grading when
// RuleSet::custom is not empty; a RuleSet without custom steps pays nothing).
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/expr.hpp"
#include "perfbudget/rule_ref.hpp"
#include "perfbudget/stage_schema.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget {

struct GradeScale; // rules.hpp

namespace custom {

/// The names the evaluation's custom expressions read, in slot order (one expr::Value
/// each): the index constants of evaluation_schema(), which describes each.
enum class Slot : std::uint8_t {
    budget,               // number, yuan
    spent,                // number, yuan
    exec_rate,            // number, spent / budget exact (0 when not applicable)
    exec_score,           // number
    indicator_score,      // number
    total,                // number: the total after any earlier adjustment
    grade,                // text: the grade's id ("good")
    fund_source,          // text: "local" | "transfer"
    budget_kind,          // text: "general" | "gov_fund" | "state_capital" | "social_insurance"
    category,             // text: the project's category ("" when absent)
    year,                 // number: the budget year (0 when absent)
    rectification,        // text: an earlier rectification request's outcome: "none" | "done" | "pending" | "refused"
    indicators_count,     // number: indicators.count
    indicators_min_ratio, // number: indicators.min_ratio, the least capped completion ratio rc
    over_completed_count, // number: over_completed.count, indicators with r ≥ evaluation.over_completion.threshold
    completion,           // number: 总体完成率 Σ(weight × rc) / Σ weight, exact (0 without indicators)
    cut,                  // number: the next-year cut rate (share of the budget) so far
    rectify,              // boolean
    priority,             // boolean
    recover,              // boolean: whether the unspent balance is recovered (local-fund rule included)
    accountability,       // boolean: 问责
};
inline constexpr std::size_t slot_count = 21;

/// The expression name of a slot ("indicators.min_ratio").
std::string_view slot_name(Slot s);
/// The Schema custom expressions compile against: slot i is Slot(i). Text inputs
/// with a fixed set of values (fund_source, budget_kind, rectification) have it,
/// with the CSV's Chinese spellings as synonyms; `grade` has the values given
/// (a rule set's grade scale, grade_values()) or, in the overload without, any text.
expr::Schema schema(std::vector<expr::Choice> grades);
const expr::Schema& schema();
/// The grades of a scale as expression values: each id, with its zh label as a synonym.
std::vector<expr::Choice> grade_values(const GradeScale& scale);

/// A result field an evaluation table output or rule action sets: the index
/// constants of evaluation_schema().outputs().
enum class Target : std::uint8_t { cut, rectify, priority, recover, accountability, adjust };
inline constexpr std::size_t target_count = 6;
/// Fields a step can override, as ProjectResult::set_by indexes them (all but adjust).
inline constexpr std::size_t flag_target_count = 5;

/// "cut", "rectify", "priority", "recover", "accountability", "adjust".
std::string_view target_name(Target t);
/// 下年核减比例, 限期整改, 优先安排, 收回结余, 问责, 总分调整.
std::string_view target_name_zh(Target t);
/// number for cut (a share 0–100%) and adjust (points), boolean for the flags.
expr::Type target_type(Target t);
/// The slots a target changes (adjust re-grades, so it changes the grade and every
/// national result that depends on it), as a bit mask over Slot.
std::uint32_t target_writes(Target t);

/// A result field setting: the value is an expression (a literal is one too).
struct Output {
    Target target = Target::cut;
    expr::CompiledExpr value;
    RuleRef where;
};

/// One input cell of a decision table row.
struct Cell {
    enum class Kind : std::uint8_t { any, literal, condition };
    Kind kind = Kind::any;
    expr::Value literal;       // number/boolean/date literal (kind literal, input not text)
    std::string text;          // text literal (kind literal, input text); the cell as written otherwise
    expr::CompiledExpr condition; // kind condition: `input <op> cell`, boolean
    RuleRef where;
};

/// One row: a cell per input, an optional output per output column (`-`: not set).
struct Row {
    std::vector<Cell> inputs;
    std::vector<Output> outputs; // only the columns set in this row
    RuleRef where;
};

/// `unique` (DMN's): at most one row may match any project; the loader proves it
/// (two rows that can both match are a load error), so at evaluation it applies
/// the one matching row, if any.
enum class HitPolicy : std::uint8_t { first, collect, unique };

/// A decision table: `first` applies the first matching row; `collect` applies
/// every matching row in order (adjustments add up; for other fields the later row
/// wins); `unique` applies the only row that can match.
struct Table {
    std::string id;
    std::string zh, en; // optional description
    HitPolicy hit = HitPolicy::first;
    std::vector<Slot> inputs;
    std::vector<Target> outputs;
    std::vector<Row> rows;
    RuleRef where;
};

/// A rule: when `when` holds, apply `then` in order (and record the rule as a reason).
struct Rule {
    std::string id;
    std::string zh, en; // the reason, in both languages
    expr::CompiledExpr when;
    std::vector<Output> then;
    RuleRef where;
};

/// A step of the custom section: a table or a rule.
struct Step {
    enum class Kind : std::uint8_t { table, rule };
    Kind kind = Kind::rule;
    Table table; // kind table
    Rule rule;   // kind rule
    const std::string& id() const { return kind == Kind::table ? table.id : rule.id; }
    const RuleRef& where() const { return kind == Kind::table ? table.where : rule.where; }
};

/// A rule or table row that fired for a project: indices into CustomRules::steps
/// (and Table::rows); `row` is no_row for a rule.
struct Fired {
    static constexpr std::uint16_t no_row = 0xFFFF;
    std::uint16_t step = 0;
    std::uint16_t row = no_row;
};
/// How many fired steps a ProjectResult records: every one. The loader refuses a
/// rule file where more rules and table rows could fire on one project (each rule,
/// each row of a collect table, one per first- or unique-hit table); evaluating
/// steps built in code throws when more fire (docs/decisions.md).
inline constexpr std::size_t max_fired = 32;
/// Most steps and rows per table a rule file may have (indices fit Fired).
inline constexpr std::size_t max_steps = 1000;
inline constexpr std::size_t max_rows = 1000;

// --- indicator rules: adjusting one indicator's score ---------------------------

/// The names an indicator rule's expressions read, in slot order: the indicator
/// being scored, and the project fields known before scoring.
enum class IndicatorSlot : std::uint8_t {
    ratio,         // number: indicator.ratio, the completion ratio r (uncapped)
    capped,        // number: indicator.capped, rc after the cap and any over-completion deduction
    weight,        // number: indicator.weight (points)
    score,         // number: indicator.score, as scored (before indicator rules)
    direction,     // text: indicator.direction, "ge" | "le" | "eq" | "qual" | "date"
    level1,        // text: indicator.level1, "output" | "benefit" | "satisfaction"
    level2,        // text: indicator.level2, "quantity" … "satisfaction"
    budget,        // number, yuan
    spent,         // number, yuan
    fund_source,   // text
    budget_kind,   // text
    category,      // text
    year,          // number (0 when absent)
    rectification, // text
};
inline constexpr std::size_t indicator_slot_count = 14;
/// "indicator.ratio", …, "budget", ….
std::string_view indicator_slot_name(IndicatorSlot s);
/// The Schema indicator-rule expressions compile against.
const expr::Schema& indicator_schema();

/// An indicator rule: for every indicator where `when` holds, `adjust` points are
/// added to that indicator's score (negative: deducted; e.g. 完成值高于指标值较多…
/// 按照偏离度适度调减分值). It runs while indicators are scored, before the
/// project is totalled and graded, so every project step sees the adjusted scores.
struct IndicatorRule {
    std::string id;
    std::string zh, en; // the reason
    expr::CompiledExpr when;
    expr::CompiledExpr adjust; // number: points
    RuleRef where, adjust_where;
};
/// Most indicator rules a rule file may have (IndicatorResult::custom_fired is a bit mask).
inline constexpr std::size_t max_indicator_rules = 32;

} // namespace custom

/// The compiled `custom:` section. Empty for the national rules.
struct CustomRules {
    std::vector<custom::Step> steps;
    std::vector<custom::IndicatorRule> indicator_rules; // run per indicator, before `steps`
    RuleRef where;
    /// The slots any step reads, as a bit mask over custom::Slot: apply_custom() fills
    /// only these (the loader computes it; all, by default, for steps built in code).
    std::uint32_t reads = ~std::uint32_t{0};
    /// Remarks the loader makes that are not errors (`perfbudget check` prints them
    /// as notes): rows of a first-hit table that partly overlap with different
    /// outputs, where the order decides. Severity notice, with file:line:column.
    std::vector<Diagnostic> notes;
    bool empty() const { return steps.empty() && indicator_rules.empty(); }
};

} // namespace perfbudget
