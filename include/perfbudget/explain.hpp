// perfbudget/explain.hpp — why a result is what it is, in Chinese or English.
//
// Results (evaluate.hpp) store numbers and which case of which rule fired; these
// functions turn them into sentences on demand, so scoring itself builds no
// strings. Each line names the rule (its key in the rule file), where that rule
// was written (file:line) and, in words, the inputs and the arithmetic:
//
//   预算执行率 = 执行数 812345.67 元 / 预算数 1000000.00 元 = 81.23%；执行率得分 = 10 × 81.23%
//   = 8.1234567 → 8.12（四舍五入，保留 2 位小数）〔rules/national.yaml 第 23 行，evaluation.execution〕
//
// (cited_line() puts the citation at the end). The bodies are in src/explain.cpp
// and src/explain_text.cpp, compiled once in the library.
#pragma once

#include "perfbudget/evaluate.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace perfbudget {

/// One step of an explanation.
struct ExplanationLine {
    std::string rule;   // "evaluation.execution", "evaluation.grades", "evaluation.results.cut", an indicator's name…
    std::string source; // "rules/national.yaml:19"
    std::string text;   // the inputs and arithmetic, in the chosen language
};

/// The ids of the custom rules that fired for a project, in the order they ran —
/// indicator rules first (once each, on however many indicators), then tables
/// and rules (a table once, however many of its rows fired): the `reasons` column.
std::vector<std::string_view> reason_ids(const ProjectResult& r, const RuleSet& rules);

/// The same as one text, as the output's `reasons` column writes it: "cut_by_grade;slow",
/// empty when no custom rule fired.
std::string reasons_text(const ProjectResult& r, const RuleSet& rules, std::string_view separator = ";");

namespace detail {

/// Exact value with up to 8 decimals, or truncated with "…" when longer: 0.83333333…
std::string show(const Fraction& f);

/// A share as a percentage, half-up to 2 decimals, whole without them: 95, 94.44, 100 (src/explain_text.cpp).
std::string percent_digits(const Number& share);
/// The same with "%": 95%, 94.44%.
std::string percent(const Number& share);
inline std::string percent(const Fraction& share) { return percent(Number(share)); }
inline std::string percent(Decimal share) { return percent(Number::of(share)); }

/// A name custom steps read, in words: exec_rate → 执行率 / execution rate (itself when unknown).
std::string label_of(std::string_view name, Lang lang);

/// A custom step's condition that held, in words with the values it saw (`slots`,
/// the stage's bindings when the step fired); nothing when a part of it cannot be
/// said in words (the caller shows the expression as written).
std::optional<std::string> describe_condition(const expr::CompiledExpr& e, std::span<const expr::Value> slots,
                                              const custom::StageSchema& stage, const RuleSet& rules, Lang lang);
/// The value a custom step set an output to, in words: 20%, or 1 − 执行率 45% = 55%.
std::optional<std::string> describe_output(const expr::CompiledExpr& e, std::span<const expr::Value> slots,
                                           const custom::StageSchema& stage, const custom::OutputDef& def,
                                           const RuleSet& rules, Lang lang);

/// An indicator rule that fired on `ind` of `p` (scored as `r`), in words with the
/// values it saw: its condition that held and the points it adds, e.g.
/// {"完成率 130% 不低于 120%", "−(分值 10 × 10%) = -1 分"}; nothing when a part
/// cannot be said in words (the caller shows the expressions as written).
std::optional<std::pair<std::string, std::string>> describe_indicator_rule(const Project& p, const Indicator& ind,
                                                                           const IndicatorResult& r,
                                                                           const custom::IndicatorRule& rule,
                                                                           const RuleSet& rules, Lang lang);

/// A note when the rule at `where` rests on an `[assumption]` of its profile (the
/// comments above it in the rule file say so), empty otherwise: zh
/// "（该取值为配置文件的假设，见 x.yaml 第 41 行注释）" (src/report.cpp).
std::string assumption_note(const RuleSet& rules, const RuleRef& where, Lang lang);

std::string rounding_note(const EvaluationRules::Rounding& r, Lang lang);

std::string show_measure(const Measure& m);

inline bool is_percent_unit(std::string_view unit) { return unit == "%" || unit == "％" || unit == "百分比"; }

/// A target or actual value for a reader, with its unit: 95% (a share under a
/// percentage unit), 1200 人次, 2023-10-31, A 档, B 档 75%.
std::string measure_text(const Indicator& ind, bool target, Lang lang);

std::string grade_label(const RuleSet& rules, std::size_t g, Lang lang);

inline const char* yes_no(bool b, Lang lang) { return lang == Lang::zh ? (b ? "是" : "否") : (b ? "yes" : "no"); }

/// Money for a reader: 1000000.00 元 / 1000000.00 yuan.
inline std::string yuan(Money m, Lang lang) { return m.to_string() + (lang == Lang::zh ? " 元" : " yuan"); }

/// Which custom step set a result, by its description: zh "（由自定义规则“…”设定）",
/// en " (set by the custom rule "…")"; empty without a step.
std::string set_by_note(const custom::Step* s, Lang lang);

} // namespace detail

/// Explains how one indicator's ratio and score were computed.
std::string explain_indicator(const Indicator& ind, const IndicatorResult& r, const RuleSet& rules, Lang lang);

/// The rule (key and source line) behind an indicator's ratio.
RuleRef rule_of(const Indicator& ind, const RuleSet& rules);

/// One line per custom rule and decision-table row that fired (`fired`, indices into
/// `steps`, compiled against `stage`), citing it. `prefix` starts each line's rule
/// name ("evaluation.custom.", "monitoring.custom."). With `seen` (one array of
/// bindings per entry of `fired`: what the step saw), conditions and values are
/// said in words with their values; without it, as written.
void explain_fired(const CustomRules& steps, const custom::StageSchema& stage, std::span<const custom::Fired> fired,
                   const RuleSet& rules, Lang lang, std::string_view prefix, std::vector<ExplanationLine>& out,
                   std::span<const std::vector<expr::Value>> seen = {});

/// One line per custom rule and decision-table row that fired (ProjectResult::fired), citing it.
void explain_custom(const ProjectResult& r, const RuleSet& rules, Lang lang, std::vector<ExplanationLine>& out);

/// The values the custom steps saw on `r` (as evaluate() left it, in memory): one
/// array of bindings (indexed by the evaluation schema's slots) per entry of
/// `r.fired`, in order, by running the steps again on a copy (src/custom.cpp).
/// Empty when the steps cannot be replayed.
std::vector<std::vector<expr::Value>> custom_bindings(const Project& project, const RuleSet& rules, const ProjectResult& r);

/// The same, stating the values each step compared (custom_bindings()).
void explain_custom(const Project& p, const ProjectResult& r, const RuleSet& rules, Lang lang, std::vector<ExplanationLine>& out);

/// Explains a whole project result, step by step, with the period of rules it was
/// evaluated with. Indicator lines are included when `r.indicators` holds one
/// result per indicator of `p` (in-memory evaluation).
std::vector<ExplanationLine> explain(const Project& p, const ProjectResult& r, const RuleSet& rules, Lang lang);

/// A line as one sentence with where its rule was written at the end, for a table
/// cell: zh "总分 85.32 不低于 80 且低于 90，等级 良〔rules/national.yaml 第 39 行，evaluation.grades〕",
/// en "… [rules/national.yaml:39, evaluation.grades]". A line about an indicator
/// (its rule is the indicator's name) starts with the name: "合格率：…〔…〕".
std::string cited_line(const ExplanationLine& l, Lang lang);

/// The same with the period of `book` for the project's budget year, the one
/// evaluate(p, book) used.
std::vector<ExplanationLine> explain(const Project& p, const ProjectResult& r, const RuleBook& book, Lang lang);

} // namespace perfbudget
