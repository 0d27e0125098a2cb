// perfbudget/explain.hpp — why a result is what it is, in Chinese or English.
//
// Results (evaluate.hpp) store numbers and which case of which rule fired; this
// header turns them into text on demand, so scoring itself builds no strings.
// Each line names the rule (its key in the rule file), where that rule was
// written (file:line), the inputs and the arithmetic:
//
//   evaluation.execution (rules/national.yaml:19): exec_rate = spent / budget =
//   812345.67 / 1000000.00 = 0.81234567; exec_score = 10 × min(0.81234567, 1)
//   = 8.1234567 → 8.12 (half-up, 2 decimals)
#pragma once

#include "perfbudget/evaluate.hpp"

#include <algorithm>
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
inline std::vector<std::string_view> reason_ids(const ProjectResult& r, const RuleSet& rules) {
    std::vector<std::string_view> ids;
    const auto& ir = rules.custom.indicator_rules;
    for (std::size_t k = 0; k < ir.size(); ++k)
        if (r.indicator_rules_fired >> k & 1U) ids.push_back(ir[k].id);
    std::uint16_t last = UINT16_MAX;
    for (std::size_t i = 0; i < r.fired_count; ++i) {
        const std::uint16_t step = r.fired[i].step;
        if (step == last || step >= rules.custom.steps.size()) continue;
        ids.push_back(rules.custom.steps[step].id());
        last = step;
    }
    return ids;
}

/// The same as one text, as the output's `reasons` column writes it: "cut_by_grade;slow",
/// empty when no custom rule fired.
inline std::string reasons_text(const ProjectResult& r, const RuleSet& rules, std::string_view separator = ";") {
    std::string s;
    for (std::string_view id : reason_ids(r, rules)) {
        if (!s.empty()) s += separator;
        s += id;
    }
    return s;
}

namespace detail {

/// Exact value with up to 8 decimals, or truncated with "…" when longer: 0.83333333…
inline std::string show(const Fraction& f) {
    constexpr int digits = 8;
    const wide scaled = f.num() * pow10[digits];
    const wide q = scaled / f.den(); // truncates toward zero
    const bool inexact = scaled % f.den() != 0;
    const bool negative = scaled < 0;
    std::string s = (negative ? -q : q).str();
    if (s.size() <= static_cast<std::size_t>(digits)) s.insert(0, static_cast<std::size_t>(digits) + 1 - s.size(), '0');
    s.insert(s.size() - digits, 1, '.');
    if (negative) s.insert(0, 1, '-');
    if (inexact) return s + "…";
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

inline std::string rounding_note(const EvaluationRules::Rounding& r, Lang lang) {
    const char* mode_en[] = {"half-up", "half-even", "truncated"};
    const char* mode_zh[] = {"四舍五入", "四舍六入五成双", "截尾"};
    const auto m = static_cast<std::size_t>(r.mode);
    return lang == Lang::zh ? std::string("（") + mode_zh[m] + "，保留" + std::to_string(r.digits) + "位小数）"
                            : " (" + std::string(mode_en[m]) + ", " + std::to_string(r.digits) + " decimals)";
}

inline std::string show_measure(const Measure& m) {
    if (const auto* d = std::get_if<Decimal>(&m)) return d->to_string();
    if (const auto* t = std::get_if<Date>(&m)) return to_string(*t);
    if (const auto* q = std::get_if<QualRating>(&m))
        return std::string(to_string(q->tier)) + (q->percent() ? ":" + Decimal::from_units(q->percent()->units() * 100).to_string() + "%" : "");
    return "—";
}

inline std::string grade_label(const RuleSet& rules, std::size_t g, Lang lang) {
    const GradeBand& b = rules.grades.bands[g];
    return lang == Lang::zh ? b.zh + "（" + b.id + "）" : b.id + " (" + b.zh + ")";
}

inline const char* yes_no(bool b, Lang lang) { return lang == Lang::zh ? (b ? "是" : "否") : (b ? "yes" : "no"); }

} // namespace detail

/// Explains how one indicator's ratio and score were computed.
inline std::string explain_indicator(const Indicator& ind, const IndicatorResult& r, const RuleSet& rules, Lang lang) {
    using detail::show;
    const bool zh = lang == Lang::zh;
    const std::string t = detail::show_measure(ind.target), a = detail::show_measure(ind.actual);
    std::string s;
    switch (r.ratio_case) {
    case RatioCase::ratio:
        s = zh ? "完成率 r = 实际完成值 / 年度指标值 = " + a + " / " + t + " = " + show(r.ratio)
               : "r = actual / target = " + a + " / " + t + " = " + show(r.ratio);
        break;
    case RatioCase::target_zero:
        s = zh ? "年度指标值为 0，完成率 r = 1" : "target is 0, so r = 1";
        break;
    case RatioCase::le_met:
        s = zh ? "反向指标，实际完成值 " + a + " ≤ 年度指标值 " + t + "，r = 1"
               : "less is better, actual " + a + " ≤ target " + t + ", so r = 1";
        break;
    case RatioCase::le_ratio:
        s = zh ? "反向指标，r = 年度指标值 / 实际完成值 = " + t + " / " + a + " = " + show(r.ratio)
               : "less is better, r = target / actual = " + t + " / " + a + " = " + show(r.ratio);
        break;
    case RatioCase::le_linear:
        s = zh ? "反向指标（线性），r = 2 − 实际完成值 / 年度指标值 = 2 − " + a + " / " + t + "，限定在 [0, 1] 内 = " + show(r.ratio)
               : "less is better (linear), r = 2 − actual / target = 2 − " + a + " / " + t + ", clipped to [0, 1] = " + show(r.ratio);
        break;
    case RatioCase::le_target_zero:
        s = zh ? "反向指标，年度指标值为 0 而实际完成值 " + a + " 大于 0，r = 0"
               : "less is better, target is 0 and actual " + a + " is above it, so r = 0";
        break;
    case RatioCase::eq_zero_met:
        s = zh ? "等于型指标，年度指标值与实际完成值均为 0，r = 1" : "equal-to target 0 met exactly, r = 1";
        break;
    case RatioCase::eq_zero_missed:
        s = zh ? "等于型指标，年度指标值为 0 而实际完成值为 " + a + "，r = 0" : "equal-to target 0 but actual is " + a + ", so r = 0";
        break;
    case RatioCase::tier_default:
        s = zh ? "定性指标，档次 " + a + "（" + std::string(names::tier_zh[static_cast<std::size_t>(std::get<QualRating>(ind.actual).tier)]) +
                     "）未给出百分比，按该档默认 " + show(r.ratio)
               : "qualitative, tier " + a + " without a percentage: the tier's default " + show(r.ratio);
        break;
    case RatioCase::tier_percent:
        s = zh ? "定性指标，评价人给出 " + a + "，在该档区间内，r = " + show(r.ratio)
               : "qualitative, the evaluator gave " + a + ", within the tier's range: r = " + show(r.ratio);
        break;
    case RatioCase::on_time:
        s = zh ? "时效指标，完成日期 " + a + " 不晚于 " + t + "，r = 1" : "date " + a + " is on or before " + t + ", so r = 1";
        break;
    case RatioCase::late: {
        const auto& d = rules.evaluation.date;
        const std::string pen = d.penalty.to_string();
        s = zh ? "时效指标，完成日期 " + a + " 晚于 " + t + " " + std::to_string(r.days_late) + " 天，按每 " +
                     std::to_string(d.period_days) + " 天扣 " + pen + " 计 " + std::to_string(r.periods) + " 期，r = max(0, 1 − " +
                     pen + " × " + std::to_string(r.periods) + ") = " + show(r.ratio)
               : "date " + a + " is " + std::to_string(r.days_late) + " days after " + t + ": ceil(" +
                     std::to_string(r.days_late) + " / " + std::to_string(d.period_days) + ") = " + std::to_string(r.periods) +
                     " periods, r = max(0, 1 − " + pen + " × " + std::to_string(r.periods) + ") = " + show(r.ratio);
        break;
    }
    }
    const std::string cap = rules.evaluation.cap.max_ratio.to_string();
    if (r.ratio > Fraction::of(rules.evaluation.cap.max_ratio))
        s += zh ? "；超额完成不加分，封顶 rc = min(r, " + cap + ") = " + show(min(r.ratio, Fraction::of(rules.evaluation.cap.max_ratio)))
                : "; capped, rc = min(r, " + cap + ") = " + show(min(r.ratio, Fraction::of(rules.evaluation.cap.max_ratio)));
    if (r.deduction.units() != 0)
        s += zh ? "；完成值高于指标值较多（r ≥ " + rules.evaluation.over_completion.threshold.to_string() + "），按偏离度调减 " +
                      r.deduction.to_string() + "，rc = " + show(r.capped)
                : "; over-completion (r ≥ " + rules.evaluation.over_completion.threshold.to_string() + ") deducts " +
                      r.deduction.to_string() + " of the weight, rc = " + show(r.capped);
    const int digits = rules.evaluation.rounding.digits;
    const Decimal scored = r.score - r.custom_adjustment; // before any indicator rule
    s += zh ? "；得分 = 分值 × rc = " + r.weight.to_string() + " × " + show(r.capped) + " = " + show(r.exact_score()) + " → " +
                  scored.to_string(digits) + detail::rounding_note(rules.evaluation.rounding, lang)
            : "; score = weight × rc = " + r.weight.to_string() + " × " + show(r.capped) + " = " + show(r.exact_score()) + " → " +
                  scored.to_string(digits) + detail::rounding_note(rules.evaluation.rounding, lang);
    if (r.custom_fired != 0) {
        const Decimal a = r.custom_adjustment;
        const std::string change = a.units() < 0 ? " − " + Decimal::from_units(-a.units()).to_string(digits) : " + " + a.to_string(digits);
        s += zh ? "；指标规则调整：" + scored.to_string(digits) + change + " = " + r.score.to_string(digits) + "（限定在 0 至分值之间）"
                : "; indicator rules adjust it: " + scored.to_string(digits) + change + " = " + r.score.to_string(digits) +
                      " (kept within 0 and the weight)";
    }
    return s;
}

/// The rule (key and source line) behind an indicator's ratio.
inline RuleRef rule_of(const Indicator& ind, const RuleSet& rules) {
    switch (ind.direction) {
    case Direction::ge: return rules.evaluation.ge_where;
    case Direction::eq: return rules.evaluation.eq_where;
    case Direction::le: return rules.evaluation.le.where;
    case Direction::qual: return rules.evaluation.qual.where;
    case Direction::date: return rules.evaluation.date.where;
    }
    return {};
}

/// One line per custom rule and decision-table row that fired (`fired`, indices into
/// `steps`, compiled against `stage`), citing it. `prefix` starts each line's rule
/// name ("evaluation.custom.", "monitoring.custom.").
inline void explain_fired(const CustomRules& steps, const custom::StageSchema& stage, std::span<const custom::Fired> fired,
                          const RuleSet& rules, Lang lang, std::string_view prefix, std::vector<ExplanationLine>& out) {
    const bool zh = lang == Lang::zh;
    auto outputs = [&](const std::vector<custom::Output>& os) {
        std::string s;
        for (const custom::Output& o : os) {
            const custom::OutputDef& def = stage.outputs()[static_cast<std::size_t>(o.target)];
            s += (s.empty() ? "" : zh ? "，" : ", ") + (zh ? def.zh : def.name) + " = " + o.value.text();
        }
        return s;
    };
    for (const custom::Fired& f : fired) {
        if (f.step >= steps.steps.size()) continue;
        const custom::Step& step = steps.steps[f.step];
        if (step.kind == custom::Step::Kind::rule) {
            const custom::Rule& rule = step.rule;
            std::string text = zh ? rule.zh + "：条件 " + rule.when.text() + " 成立" : rule.en + ": " + rule.when.text() + " holds";
            if (!rule.then.empty()) text += (zh ? "，" : "; ") + outputs(rule.then);
            out.push_back({std::string(prefix) + rule.id, rules.cite(rule.where), std::move(text)});
            continue;
        }
        const custom::Table& t = step.table;
        if (f.row >= t.rows.size()) continue;
        const custom::Row& row = t.rows[f.row];
        std::string cond;
        for (std::size_t c = 0; c < row.inputs.size(); ++c) {
            const custom::Cell& cell = row.inputs[c];
            if (cell.kind == custom::Cell::Kind::any) continue;
            const std::string& name = stage.inputs()[static_cast<std::size_t>(t.inputs[c])].name;
            cond += (cond.empty() ? "" : zh ? " 且 " : " and ") +
                    (cell.kind == custom::Cell::Kind::condition ? cell.condition.text() : name + " = " + cell.text);
        }
        if (cond.empty()) cond = zh ? "任意" : "any project";
        const std::string desc = zh ? t.zh : t.en;
        const std::string n = std::to_string(f.row + 1);
        std::string text = zh ? "决策表 " + t.id + (desc.empty() ? "" : "（" + desc + "）") + " 第 " + n + " 行命中：" + cond
                              : "table " + t.id + (desc.empty() ? "" : " (" + desc + ")") + ", row " + n + ": " + cond;
        text += (zh ? " → " : " → ") + (row.outputs.empty() ? std::string(zh ? "不设定" : "sets nothing") : outputs(row.outputs));
        out.push_back({std::string(prefix) + t.id, rules.cite(row.where), std::move(text)});
    }
}

/// One line per custom rule and decision-table row that fired (ProjectResult::fired), citing it.
inline void explain_custom(const ProjectResult& r, const RuleSet& rules, Lang lang, std::vector<ExplanationLine>& out) {
    explain_fired(rules.custom, custom::evaluation_schema(), {r.fired.data(), r.fired_count}, rules, lang, "evaluation.custom.", out);
}

/// Explains a whole project result, step by step, with the period of rules it was
/// evaluated with. Indicator lines are included when `r.indicators` holds one
/// result per indicator of `p` (in-memory evaluation).
inline std::vector<ExplanationLine> explain(const Project& p, const ProjectResult& r, const RuleSet& rules, Lang lang) {
    using detail::show;
    const bool zh = lang == Lang::zh;
    const auto& ev = rules.evaluation;
    const int digits = ev.rounding.digits;
    std::vector<ExplanationLine> out;
    auto add = [&](std::string rule, const RuleRef& ref, std::string text) {
        out.push_back({std::move(rule), rules.cite(ref), std::move(text)});
    };

    // 0. Values by budget year: which dated values this project's year uses, and since when.
    if (rules.effective_from && p.year) {
        std::string text = zh ? "预算年度 " + std::to_string(*p.year) + " 适用自 " + to_string(*rules.effective_from) + " 起施行的规则"
                              : "budget year " + std::to_string(*p.year) + " uses the rules in effect from " +
                                    to_string(*rules.effective_from);
        for (const EffectiveValue& v : rules.effective)
            text += (zh ? "；" : "; ") + v.path + (zh ? " 自 " + to_string(v.from) + " 起（" + rules.cite(v.where) + "）"
                                                  : " effective from " + to_string(v.from) + " (" + rules.cite(v.where) + ")");
        add("effective", rules.effective.empty() ? RuleRef{} : rules.effective.front().where, std::move(text));
    }

    // 1. Budget execution.
    if (r.exec_applicable) {
        add("evaluation.execution", ev.execution.where,
            zh ? "预算执行率 = 执行数 / 预算数 = " + p.spent.to_string() + " / " + p.budget.to_string() + " = " + show(r.exec_rate) +
                     "；执行率得分 = " + ev.execution.points.to_string() + " × min(" + show(r.exec_rate) + ", 1) = " + show(r.exec_exact) +
                     " → " + r.exec_score.to_string(digits) + detail::rounding_note(ev.rounding, lang)
               : "exec_rate = spent / budget = " + p.spent.to_string() + " / " + p.budget.to_string() + " = " + show(r.exec_rate) +
                     "; exec_score = " + ev.execution.points.to_string() + " × min(" + show(r.exec_rate) + ", 1) = " +
                     show(r.exec_exact) + " → " + r.exec_score.to_string(digits) + detail::rounding_note(ev.rounding, lang));
    } else {
        add("evaluation.execution", ev.execution.where,
            zh ? "预算数为 0，预算执行率不适用，其余得分按百分制折算" : "budget is 0: execution not applicable, the rest is rescaled to 100");
    }

    // 2. Indicators.
    if (r.indicators.size() == p.indicators.size()) {
        for (std::size_t i = 0; i < p.indicators.size(); ++i) {
            const Indicator& ind = p.indicators[i];
            add(ind.name, rule_of(ind, rules),
                (zh ? std::string(names::level1_zh[static_cast<std::size_t>(ind.level1)]) + "/" +
                          std::string(names::level2_zh[static_cast<std::size_t>(ind.level2)]) + "，" +
                          std::string(names::direction_zh[static_cast<std::size_t>(ind.direction)]) + "："
                    : std::string(to_string(ind.level1)) + "/" + std::string(to_string(ind.level2)) + ", " +
                          std::string(to_string(ind.direction)) + ": ") +
                    explain_indicator(ind, r.indicators[i], rules, lang));
            const auto& ir = rules.custom.indicator_rules;
            for (std::size_t k = 0; k < ir.size(); ++k) // each indicator rule that fired on it, citing it
                if (r.indicators[i].custom_fired >> k & 1U)
                    add("evaluation.custom." + ir[k].id, ir[k].where,
                        (zh ? ir[k].zh + "：指标“" + ind.name + "”满足 " + ir[k].when.text() + "；调整 = " + ir[k].adjust.text()
                            : ir[k].en + ": indicator \"" + ind.name + "\" meets " + ir[k].when.text() + "; adjust = " +
                                  ir[k].adjust.text()));
        }
    }
    std::string sum = zh ? "指标得分 = 产出 " : "indicator_score = output ";
    sum += r.level1_score[0].to_string(digits) + (zh ? " + 效益 " : " + benefit ") + r.level1_score[1].to_string(digits) +
           (zh ? " + 满意度 " : " + satisfaction ") + r.level1_score[2].to_string(digits) + " = " + r.indicator_score.to_string(digits);
    if (r.split_differs)
        sum += zh ? "（提示：一级指标分值 " + r.level1_weight[0].to_string() + "/" + r.level1_weight[1].to_string() + "/" +
                        r.level1_weight[2].to_string() + " 与原则性权重不同）"
                  : " (notice: level-1 weights " + r.level1_weight[0].to_string() + "/" + r.level1_weight[1].to_string() + "/" +
                        r.level1_weight[2].to_string() + " differ from the split in principle)";
    add("evaluation.weights", ev.weights.where, sum);

    // 3. Total.
    std::string total = zh ? "总分 = 执行率得分 + 指标得分 = " : "total = exec_score + indicator_score = ";
    total += r.exec_score.to_string(digits) + " + " + r.indicator_score.to_string(digits);
    if (r.rescaled)
        total += zh ? "，按百分制折算 × 100 / " + r.applicable_points.to_string() : ", rescaled × 100 / " + r.applicable_points.to_string();
    const bool adjusted = r.adjustment.units() != 0;
    total += " = " + (adjusted ? r.total_before_custom : r.total).to_string(digits);
    add("evaluation.rounding", ev.rounding.where, total);
    if (adjusted) // custom rules adjusted the total (each adjusting rule is explained below)
        add("evaluation.custom", rules.custom.where,
            (zh ? "自定义规则调整总分：" : "custom rules adjust the total: ") + r.total_before_custom.to_string(digits) +
                (r.adjustment.units() < 0 ? " − " + Decimal::from_units(-r.adjustment.units()).to_string(digits)
                                          : " + " + r.adjustment.to_string(digits)) +
                " = " + r.total.to_string(digits) + (zh ? "（限定在 0 至 100 分之间），重新评级" : " (kept within 0 to 100), re-graded"));

    // 4. Grade and result application.
    const GradeBand& band = rules.grades.bands[r.grade];
    add("evaluation.grades", band.where,
        zh ? "总分 " + r.total.to_string(digits) + " 在 [" + band.from.to_string() + ", " + band.to.to_string() + (r.grade == 0 ? "]" : ")") +
                 " 内，等级 " + detail::grade_label(rules, r.grade, lang)
           : "total " + r.total.to_string(digits) + " lies in [" + band.from.to_string() + ", " + band.to.to_string() +
                 (r.grade == 0 ? "]" : ")") + ": grade " + detail::grade_label(rules, r.grade, lang));
    const auto& app = rules.application;
    // A result a custom step set cites that step instead of the national rule.
    auto setter = [&](custom::Target t) -> const custom::Step* {
        const std::uint16_t s = r.set_by[static_cast<std::size_t>(t)];
        return s != 0 && s <= rules.custom.steps.size() ? &rules.custom.steps[s - 1] : nullptr;
    };
    auto set_note = [&](const custom::Step* s) {
        return s ? (zh ? "（由自定义" + std::string(s->kind == custom::Step::Kind::table ? "决策表 " : "规则 ") + s->id() + " 设定）"
                       : " (set by custom " + std::string(s->kind == custom::Step::Kind::table ? "table " : "rule ") + s->id() + ")")
                 : std::string();
    };
    auto result_line = [&](std::string key, const RuleRef& national, custom::Target t, std::string text) {
        const custom::Step* s = setter(t);
        add(std::move(key), s ? s->where() : national, std::move(text) + set_note(s));
    };
    result_line("evaluation.results.rectify", app.rectify.where, custom::Target::rectify,
                (zh ? "限期整改：" : "rectify: ") + std::string(detail::yes_no(r.rectify, lang)));
    result_line("evaluation.results.priority", app.priority.where, custom::Target::priority,
                (zh ? "下年优先安排：" : "priority next year: ") + std::string(detail::yes_no(r.priority, lang)));
    const custom::Step* cut_setter = setter(custom::Target::cut);
    const Decimal rate = cut_setter ? r.cut_rate : r.grade < app.cut.rate_by_grade.size() ? app.cut.rate_by_grade[r.grade] : Decimal{};
    result_line("evaluation.results.cut", app.cut.where, custom::Target::cut,
        zh ? "下年同类项目核减 = 预算数 × " + rate.to_string() + " = " + p.budget.to_string() + " × " + rate.to_string() + " = " +
                 r.cut.to_string() + " 元"
           : "next-year cut = budget × " + rate.to_string() + " = " + p.budget.to_string() + " × " + rate.to_string() + " = " +
                 r.cut.to_string() + " yuan");
    const bool exempt = !app.recover.fund_sources[static_cast<std::size_t>(p.fund_source)];
    std::string rec;
    const custom::Step* rec_setter = setter(custom::Target::recover);
    if (rec_setter)
        rec = r.recover.fen() != 0 || p.budget <= p.spent
                  ? (zh ? "收回结余 = max(预算数 − 执行数, 0) = max(" + p.budget.to_string() + " − " + p.spent.to_string() + ", 0) = " +
                              r.recover.to_string() + " 元"
                        : "recover = max(budget − spent, 0) = max(" + p.budget.to_string() + " − " + p.spent.to_string() + ", 0) = " +
                              r.recover.to_string() + " yuan")
                  : (zh ? "不收回结余，收回 0.00 元" : "no recovery: 0.00 yuan");
    else if (!app.recover.grades.contains(r.grade))
        rec = zh ? "等级不在收回范围内，收回 0.00 元" : "grade not subject to recovery: 0.00 yuan";
    else if (exempt)
        rec = zh ? "资金来源为" + std::string(names::fund_source_zh[static_cast<std::size_t>(p.fund_source)]) + "，不收回"
                 : std::string(to_string(p.fund_source)) + " funds are exempt: 0.00 yuan";
    else
        rec = zh ? "收回结余 = max(预算数 − 执行数, 0) = max(" + p.budget.to_string() + " − " + p.spent.to_string() + ", 0) = " +
                       r.recover.to_string() + " 元"
                 : "recover = max(budget − spent, 0) = max(" + p.budget.to_string() + " − " + p.spent.to_string() + ", 0) = " +
                       r.recover.to_string() + " yuan";
    result_line("evaluation.results.recover", app.recover.where, custom::Target::recover, rec);
    if (!rules.custom.empty()) {
        if (const custom::Step* s = setter(custom::Target::accountability))
            add("evaluation.custom.accountability", s->where(), (zh ? "问责：" : "accountability: ") + std::string(detail::yes_no(r.accountability, lang)) + set_note(s));
        explain_custom(r, rules, lang, out);
    }
    return out;
}

/// The same with the period of `book` for the project's budget year, the one
/// evaluate(p, book) used.
inline std::vector<ExplanationLine> explain(const Project& p, const ProjectResult& r, const RuleBook& book, Lang lang) {
    return explain(p, r, book.for_year(p.year), lang);
}

} // namespace perfbudget
