// perfbudget/stage_schema.hpp — what a stage's custom steps may read and set.
//
// Custom steps (decision tables and when/then rules, custom_rules.hpp) run in more
// than one stage: after grading in the year-end evaluation, and after the built-in
// lights in in-year monitoring. A StageSchema is the one table that tells the
// step compiler, the type checker and the table analysis (src/load_custom.cpp)
// what a stage offers:
//
//   - inputs, slot i = inputs[i]: the names expressions and table columns read,
//     their type, the fixed set of values of an enum-like text (with synonyms),
//     and for numbers whether they are whole (the analysis knows a count of 1.5
//     is impossible) or a share (messages show 55%, not 11/20);
//   - outputs, target i = outputs[i]: what `then:` and table outputs may set,
//     their kind (a share 0–100%, points, a flag, or one of a set of values) and
//     the input slots setting them changes (so a step that reads a slot a later
//     step changes is refused: the order is the dependency order).
//
// Adding an input or an output to a stage is one entry in its schema, plus the
// runtime line that fills or applies it (custom.cpp for evaluation,
// monitor_custom.cpp for monitoring). Compiled steps keep slots and targets as
// indices into the schema they were compiled against: custom::Slot and
// custom::Target name the evaluation's, MonitorSlot and MonitorTarget
// (monitor_custom.hpp) monitoring's.
#pragma once

#include "perfbudget/expr.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget::custom {

/// What a number input holds, beyond being a number.
enum class NumberKind : std::uint8_t {
    any,     // any exact number (yuan, points)
    integer, // a whole number (a year, a month)
    count,   // a whole number ≥ 0
    share,   // a rate, shown as a percentage in messages
};

/// One name a stage's expressions read.
struct InputDef {
    std::string name;                 // "exec_rate", "indicators.count"
    expr::Type type = expr::Type::number;
    NumberKind number = NumberKind::any;
    std::vector<expr::Choice> values; // a text input's fixed values; empty: any text
    std::string doc;                  // one line, English (docs/rules.md lists it)
    /// Type list: the names of each item (`indicators.all(i, i.unit == "元")`), none of them a list.
    std::vector<InputDef> fields = {};
};

/// What setting an output means, and so its expression's type.
enum class OutputKind : std::uint8_t {
    share,   // number, a share from 0% to 100% (a constant is checked at load)
    points,  // number, points
    boolean, // a flag
    choice,  // text, one of `values` (a bare word from them is accepted as a literal)
};

/// One field a stage's steps may set.
struct OutputDef {
    std::string name;                 // "cut"
    std::string zh;                   // 下年核减比例
    OutputKind kind = OutputKind::boolean;
    std::vector<expr::Choice> values; // kind choice
    std::uint32_t writes = 0;         // the input slots setting it changes, as a bit mask
    std::string doc;

    expr::Type type() const {
        switch (kind) {
        case OutputKind::share:
        case OutputKind::points: return expr::Type::number;
        case OutputKind::boolean: return expr::Type::boolean;
        case OutputKind::choice: return expr::Type::text;
        }
        return expr::Type::number;
    }
};

/// Inputs are bit masks of 32 (CustomRules::reads, OutputDef::writes).
inline constexpr std::size_t max_stage_inputs = 32;

/// A stage's step language.
class StageSchema {
public:
    /// `stage` names it in messages ("evaluation"); `before_en`/`before_zh` say what
    /// sets the inputs before the first step ("grading", 评级). Throws
    /// perfbudget::Error for a malformed or repeated input name, or more than 32 inputs.
    StageSchema(std::string stage, std::string before_en, std::string before_zh, std::vector<InputDef> inputs,
                std::vector<OutputDef> outputs, bool indicator_rules);

    const std::string& stage() const { return stage_; }
    const std::string& before_en() const { return before_en_; }
    const std::string& before_zh() const { return before_zh_; }
    const std::vector<InputDef>& inputs() const { return inputs_; }
    const std::vector<OutputDef>& outputs() const { return outputs_; }
    /// Whether `indicator_rule:` items are allowed (evaluation only: they score indicators).
    bool indicator_rules() const { return indicator_rules_; }
    /// The expression schema: slot i is inputs()[i].
    const expr::Schema& expr() const { return expr_; }

    std::optional<std::size_t> input(std::string_view name) const;
    std::optional<std::size_t> output(std::string_view name) const;

private:
    std::string stage_, before_en_, before_zh_;
    std::vector<InputDef> inputs_;
    std::vector<OutputDef> outputs_;
    bool indicator_rules_ = false;
    expr::Schema expr_;
};

/// The evaluation's schema (custom::Slot, custom::Target): `grade` takes any text.
const StageSchema& evaluation_schema();
/// The same, with `grade` limited to a scale's grades (grade_values()).
StageSchema evaluation_schema(std::vector<expr::Choice> grades);

/// The values of an output of kind choice, or a text input, looked up by id or synonym.
std::optional<std::size_t> choice_index(const std::vector<expr::Choice>& values, std::string_view text);

/// The fixed values of a project or indicator field that stages share, with the
/// spellings the CSV accepts as synonyms: fund_source, budget_kind, rectification, revision,
/// indicator.direction, indicator.level1, indicator.level2; empty for any other name.
std::vector<expr::Choice> field_values(std::string_view name);

/// The values of an enumeration as choices: each id, with its Chinese name as a synonym.
template <std::size_t N>
std::vector<expr::Choice> id_values(const std::array<std::string_view, N>& ids, const std::array<std::string_view, N>& zh) {
    std::vector<expr::Choice> v;
    for (std::size_t i = 0; i < N; ++i) v.push_back({std::string(ids[i]), {std::string(zh[i])}});
    return v;
}

/// A Markdown table of a schema's inputs, then one of its outputs (docs/rules.md).
std::string schema_markdown(const StageSchema& s);

} // namespace perfbudget::custom
