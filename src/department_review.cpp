// 部门整体绩效监控 (department_review.hpp).
#include "perfbudget/department_review.hpp"

#include "perfbudget/monitor.hpp"

#include "monitor_text.hpp"

#include <unordered_map>

namespace perfbudget {

void DepartmentReviewTotals::add(Money project_budget, Money project_spent, const MonitorResult& r) {
    ++projects;
    budget = budget + project_budget;
    spent = spent + project_spent;
    if (r.warning()) {
        ++warning_projects;
        warning_budget = warning_budget + project_budget;
    }
    if (r.has_completion) {
        ++with_completion;
        completion_budget = completion_budget + project_budget;
        completion_by_budget += Number::of(project_budget) * r.completion;
        completion_sum += r.completion;
    }
}

namespace {

Light worst(Light a, Light b) { return a > b ? a : b; }

/// v against the red and yellow thresholds, and from `blue_from` (when given) blue.
Light light_of(const Number& v, Decimal red_below, Decimal yellow_below, const Decimal* blue_from) {
    if (blue_from && v >= Number::of(*blue_from)) return Light::blue;
    if (v < Number::of(red_below)) return Light::red;
    if (v < Number::of(yellow_below)) return Light::yellow;
    return Light::green;
}

} // namespace

namespace detail {

std::string percent_label(const Number& n) {
    const Number hundred = n * Number::integer(100);
    const Decimal d = hundred.rounded(2, RoundingMode::half_up);
    return (Number::of(d) == hundred ? "" : "≈") + d.to_string() + "%";
}

std::string light_label(Light l, Lang lang) {
    const auto i = static_cast<std::size_t>(l);
    return std::string(lang == Lang::zh ? names::light_zh[i] : names::light[i]);
}

} // namespace detail

DepartmentReview review_department(std::string department, const DepartmentReviewTotals& totals, Date as_of,
                                   const RuleSet& rules) {
    const MonitoringRules& mr = rules.monitoring;
    DepartmentReview r;
    r.department = std::move(department);
    r.totals = totals;
    r.as_of = as_of;
    r.time_progress = time_progress(as_of, mr.time_progress.method);
    const Number tp(r.time_progress);
    r.exec_applicable = totals.budget.fen() > 0;
    if (r.exec_applicable) {
        r.exec_rate = Fraction::of(totals.spent, totals.budget);
        r.exec_pace = Fraction(r.exec_rate.num() * r.time_progress.den(), r.exec_rate.den() * r.time_progress.num());
        if (mr.execution.enabled)
            r.exec_light = light_of(Number(r.exec_pace), mr.execution.red_below, mr.execution.yellow_below, nullptr);
    }
    r.has_completion = totals.with_completion > 0;
    if (r.has_completion) {
        r.budget_weighted = totals.completion_budget.fen() > 0;
        r.completion = r.budget_weighted ? totals.completion_by_budget / Number::of(totals.completion_budget)
                                         : totals.completion_sum / Number::integer(static_cast<std::int64_t>(totals.with_completion));
        r.completion_pace = r.completion / tp;
        if (mr.pace.enabled)
            r.completion_light = light_of(r.completion_pace, mr.pace.red_below, mr.pace.yellow_below, &mr.pace.blue_from);
    }
    r.level = worst(r.exec_light, r.completion_light);
    r.action = mr.actions.by_light[static_cast<std::size_t>(r.level)];
    return r;
}

std::vector<DepartmentReview> review_departments(const std::vector<Project>& projects,
                                                 const std::vector<MonitorResult>& results, Date as_of,
                                                 const RuleSet& rules) {
    std::vector<std::string> order;
    std::unordered_map<std::string, DepartmentReviewTotals> totals;
    for (std::size_t i = 0; i < projects.size() && i < results.size(); ++i) {
        auto [it, fresh] = totals.try_emplace(projects[i].department);
        if (fresh) order.push_back(projects[i].department);
        it->second.add(projects[i].budget, projects[i].spent, results[i]);
    }
    std::vector<DepartmentReview> out;
    out.reserve(order.size());
    for (auto& d : order) out.push_back(review_department(d, totals.at(d), as_of, rules));
    return out;
}

DepartmentReviewText department_review_text(const DepartmentReview& r) {
    return {r.time_progress.to_string(4), r.exec_applicable ? r.exec_rate.to_string(4) : std::string(),
            r.has_completion ? r.completion.rounded(4, RoundingMode::half_up).to_string(4) : std::string()};
}

std::vector<ExplanationLine> explain_department_review(const DepartmentReview& r, const RuleSet& rules, Lang lang) {
    using detail::light_label;
    using detail::percent_label;
    const bool zh = lang == Lang::zh;
    const MonitoringRules& mr = rules.monitoring;
    std::vector<ExplanationLine> out;
    auto line = [&](std::string rule, const RuleRef& where, std::string text) {
        out.push_back({std::move(rule), rules.cite(where), std::move(text)});
    };
    const std::string tp = percent_label(r.time_progress), n = std::to_string(r.totals.projects);
    const std::string dept = r.department.empty() ? std::string(zh ? "（未填部门）" : "(no department)") : r.department;
    line("monitoring.department_review", mr.department_review.where,
         zh ? "部门整体绩效监控：" + dept + "，截至 " + to_string(r.as_of) + "，项目 " + n + " 个，序时进度 " + tp
            : "department review: " + dept + " as of " + to_string(r.as_of) + ", " + n + " projects, time progress " + tp);
    if (r.exec_applicable) {
        const std::string rate = percent_label(r.exec_rate), v = percent_label(r.exec_pace);
        const std::string red = percent_label(Number::of(mr.execution.red_below));
        const std::string yellow = percent_label(Number::of(mr.execution.yellow_below));
        const std::string light = mr.execution.enabled ? light_label(r.exec_light, lang) : (zh ? "规则未启用" : "rule off");
        line("monitoring.execution", mr.execution.where,
             zh ? "部门预算执行率 = Σ执行数 / Σ预算数 = " + r.totals.spent.to_string() + " / " + r.totals.budget.to_string() +
                      " = " + rate + "；v = " + rate + " / " + tp + " = " + v + "；低于 " + red + " 红灯，低于 " + yellow +
                      " 黄灯 → " + light
                : "department execution rate = Σ spent / Σ budget = " + r.totals.spent.to_string() + " / " +
                      r.totals.budget.to_string() + " = " + rate + "; v = " + rate + " / " + tp + " = " + v + "; below " +
                      red + " red, below " + yellow + " yellow → " + light);
    } else {
        line("monitoring.execution", mr.execution.where,
             zh ? "部门预算合计为 0，不计算执行率" : "the department's budgets total 0: no execution rate");
    }
    if (r.has_completion) {
        const std::string c = percent_label(r.completion), v = percent_label(r.completion_pace);
        const std::string k = std::to_string(r.totals.with_completion);
        const std::string light = mr.pace.enabled ? light_label(r.completion_light, lang) : (zh ? "规则未启用" : "rule off");
        const std::string how =
            r.budget_weighted
                ? (zh ? "按预算加权的总体完成率 Σ(预算 × 完成率) / Σ预算（" + k + " 个项目）= " + c
                      : "overall completion weighted by budget Σ(budget × completion) / Σ budget (" + k + " projects) = " + c)
                : (zh ? "总体完成率的简单平均（" + k + " 个项目，预算均为 0）= " + c
                      : "simple mean of the overall completions (" + k + " projects, every budget 0) = " + c);
        line("monitoring.pace", mr.pace.where,
             how + (zh ? "；v = " + c + " / " + tp + " = " + v + "；低于 " + percent_label(Number::of(mr.pace.red_below)) +
                             " 红灯，低于 " + percent_label(Number::of(mr.pace.yellow_below)) + " 黄灯，达到 " +
                             percent_label(Number::of(mr.pace.blue_from)) + " 蓝灯 → " + light
                       : "; v = " + c + " / " + tp + " = " + v + "; below " + percent_label(Number::of(mr.pace.red_below)) +
                             " red, below " + percent_label(Number::of(mr.pace.yellow_below)) + " yellow, from " +
                             percent_label(Number::of(mr.pace.blue_from)) + " blue → " + light));
    } else {
        line("monitoring.pace", mr.pace.where,
             zh ? "没有项目计入完成率，不评价目标实现程度" : "no project has a completion: target attainment is not reviewed");
    }
    const auto act = static_cast<std::size_t>(r.action);
    const std::string w = std::to_string(r.totals.warning_projects);
    line("monitoring.actions", mr.actions.where,
         zh ? "部门预警等级 " + light_label(r.level, lang) + "，处理措施：" + std::string(names::action_zh[act]) +
                  "；其中预警项目 " + w + " 个，资金 " + r.totals.warning_budget.to_string() + " 元"
            : "department level " + light_label(r.level, lang) + ", action: " + std::string(names::action[act]) + "; " + w +
                  " warning projects, " + r.totals.warning_budget.to_string() + " yuan");
    return out;
}

} // namespace perfbudget
