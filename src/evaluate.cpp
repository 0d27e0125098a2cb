// The evaluate stage compiled once (evaluate.hpp): evaluate(), and the public
// score_indicator() and finish_project() over the inline engine (evaluate_engine.hpp).
#include "perfbudget/evaluate.hpp"

#include "evaluate_engine.hpp"
#include "number_sum.hpp"

#include <string>
#include <utility>
#include <vector>

namespace perfbudget {

Issue score_indicator(const Indicator& ind, const RuleSet& rules, IndicatorResult& out) {
    return detail::score_indicator(ind, rules, out);
}

Issue finish_project(const ProjectFunds& funds, const ScoreAccumulator& acc, const RuleSet& rules, ProjectResult& out,
                     const Number* exact_indicator_sum) {
    return detail::finish_project(funds, acc, rules, out, exact_indicator_sum);
}

std::pair<std::string, std::string> describe(Issue issue) {
    switch (issue) {
    case Issue::none: return {"no problem", "无问题"};
    case Issue::missing_weight: return {"the indicator has no weight (column weight)", "指标缺少分值（weight 列）"};
    case Issue::negative_weight: return {"the weight must be 0 or more", "分值不能为负数"};
    case Issue::missing_actual: return {"the indicator has no actual value (column actual)", "指标缺少实际完成值（actual 列）"};
    case Issue::missing_target: return {"the indicator has no target value (column target)", "指标缺少年度指标值（target 列）"};
    case Issue::wrong_measure:
        return {"the target or actual value does not fit the direction (a number for ge/le/eq, YYYY-MM-DD for date, a tier A/B/C for qual)",
                "指标值与指标方向不符（正向/反向/等于应为数字，时效应为 YYYY-MM-DD，定性应为 A/B/C 档）"};
    case Issue::negative_value: return {"numeric targets and actual values must be 0 or more", "数值型指标值和完成值不能为负数"};
    case Issue::tier_percent_out_of_range:
        return {"the percentage lies outside its tier's range (A [80%,100%], B [60%,80%), C [0%,60%) by default)",
                "定性指标的百分比超出所在档次的区间（默认 A [80%,100%]、B [60%,80%)、C [0%,60%)）"};
    case Issue::zero_budget:
        return {"the budget is 0, so the execution rate is undefined (rule evaluation.execution.zero_budget: error)",
                "预算数为 0，无法计算预算执行率（规则 evaluation.execution.zero_budget: error）"};
    case Issue::missing_level1:
        return {"the project lacks an output, benefit or satisfaction indicator (rule evaluation.weights.missing_level1: error)",
                "项目缺少产出、效益或满意度一级指标（规则 evaluation.weights.missing_level1: error）"};
    case Issue::weights_not_100:
        return {"indicator weights plus execution points must total exactly 100", "指标分值与预算执行率分值合计应为 100 分"};
    case Issue::weights_over_100:
        return {"indicator weights plus execution points exceed 100", "指标分值与预算执行率分值合计超过 100 分"};
    case Issue::no_indicators: return {"the project has no indicators", "项目没有绩效指标"};
    case Issue::spent_negative: return {"the executed amount must be 0 or more", "执行数不能为负数"};
    }
    return {"unknown problem", "未知问题"};
}

void evaluate(const Project& project, const RuleSet& rules, ProjectResult& out, const InputNames& files) {
    std::vector<Diagnostic> problems;
    // Sized to the project's indicators, new elements copied from a blank one: with
    // reused results, resize() was a tenth of this loop (a `rep stos` per element
    // when value-initialising, a stalled copy through a temporary when filling).
    static const IndicatorResult blank{};
    const std::size_t n = project.indicators.size();
    if (out.indicators.size() > n) out.indicators.erase(out.indicators.begin() + static_cast<std::ptrdiff_t>(n), out.indicators.end());
    out.indicators.reserve(n);
    while (out.indicators.size() < n) out.indicators.push_back(blank);
    out.indicator_rules_fired = 0;
    ScoreAccumulator acc;
    const bool exact_total = rules.evaluation.rounding.apply == RoundApply::total_only;
    NumberSum exact_sum; // only for total_only
    for (std::size_t i = 0; i < project.indicators.size(); ++i) {
        const Indicator& ind = project.indicators[i];
        IndicatorResult& r = out.indicators[i];
        const Issue issue = detail::score_indicator(ind, rules, r);
        if (issue != Issue::none) {
            problems.push_back(detail::issue_diagnostic(issue, files.indicators, project.id, ind));
            continue;
        }
        if (!rules.custom.indicator_rules.empty()) {
            try {
                apply_indicator_rules(project, ind, rules, r);
            } catch (const Error& e) { // placed at the indicator's line; the message cites the rule
                for (Diagnostic d : e.diagnostics()) {
                    d.where = SourceLocation{std::string(files.indicators), ind.source_line, 0};
                    problems.push_back(std::move(d));
                }
                continue;
            }
            out.indicator_rules_fired |= r.custom_fired;
        }
        acc.add(ind, r);
        if (exact_total) {
            exact_sum += r.exact_score();
            if (r.custom_adjustment.units() != 0) exact_sum += Fraction::of(r.custom_adjustment);
        }
    }
    if (problems.empty()) {
        const Number exact_indicators = exact_total ? exact_sum.value() : Number();
        const Issue issue = detail::finish_project({project.budget, project.spent, project.fund_source}, acc, rules, out,
                                           exact_total ? &exact_indicators : nullptr);
        if (issue != Issue::none)
            problems.push_back(detail::project_issue_diagnostic(issue, out, rules, files, project.id, project.source_line,
                                                                project.indicators.empty() ? 0 : project.indicators.front().source_line));
        else if (!rules.custom.empty()) {
            try {
                // Sums the indicator aggregates from out.indicators with the
                // CustomAccumulator the streaming path uses, so both give the same
                // results. Not in the loop above: any custom code there, even not
                // run, made the national rules measurably slower.
                apply_custom(project, rules, out);
            } catch (const Error& e) { // placed at the project's line; the message cites the rule
                for (Diagnostic d : e.diagnostics()) {
                    d.where = SourceLocation{std::string(files.projects), project.source_line, 0};
                    problems.push_back(std::move(d));
                }
            }
        }
    }
    if (!problems.empty()) throw Error(std::move(problems));
}

void evaluate(const Project& project, const RuleBook& book, ProjectResult& out, const InputNames& files) {
    evaluate(project, detail::rules_for(project, book, files.projects), out, files);
}

} // namespace perfbudget
