// The explanations (explain.hpp), compiled once in the library rather than in
// every program that includes the header: scoring stores numbers and which case
// of which rule fired, and these functions turn them into sentences on demand.
#include "perfbudget/explain.hpp"

#include "perfbudget/custom_rules.hpp"
#include "perfbudget/stage_schema.hpp"

#include <algorithm>

namespace perfbudget {

std::vector<std::string_view> reason_ids(const ProjectResult& r, const RuleSet& rules) {
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

std::string reasons_text(const ProjectResult& r, const RuleSet& rules, std::string_view separator) {
    std::string s;
    for (std::string_view id : reason_ids(r, rules)) {
        if (!s.empty()) s += separator;
        s += id;
    }
    return s;
}

namespace detail {

std::string show(const Fraction& f) {
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

std::string rounding_note(const EvaluationRules::Rounding& r, Lang lang) {
    const char* mode_en[] = {"half-up", "half-even", "truncated"};
    const char* mode_zh[] = {"四舍五入", "四舍六入五成双", "截尾"};
    const auto m = static_cast<std::size_t>(r.mode);
    return lang == Lang::zh ? std::string("（") + mode_zh[m] + "，保留 " + std::to_string(r.digits) + " 位小数）"
                            : " (" + std::string(mode_en[m]) + ", " + std::to_string(r.digits) + " decimals)";
}

std::string show_measure(const Measure& m) {
    if (const auto* d = std::get_if<Decimal>(&m)) return d->to_string();
    if (const auto* t = std::get_if<Date>(&m)) return to_string(*t);
    if (const auto* q = std::get_if<QualRating>(&m))
        return std::string(to_string(q->tier)) + (q->percent() ? ":" + Decimal::from_units(q->percent()->units() * 100).to_string() + "%" : "");
    return "—";
}

std::string measure_text(const Indicator& ind, bool target, Lang lang) {
    const Measure& m = target ? ind.target : ind.actual;
    if (const auto* d = std::get_if<Decimal>(&m)) {
        if (is_percent_unit(ind.unit)) return percent(*d);
        return ind.unit.empty() ? d->to_string() : d->to_string() + " " + ind.unit;
    }
    if (const auto* t = std::get_if<Date>(&m)) return to_string(*t);
    if (const auto* q = std::get_if<QualRating>(&m)) {
        std::string s = lang == Lang::zh ? std::string(to_string(q->tier)) + " 档" : "tier " + std::string(to_string(q->tier));
        if (q->percent()) s += " " + percent(*q->percent());
        return s;
    }
    return "—";
}

std::string grade_label(const RuleSet& rules, std::size_t g, Lang lang) {
    const GradeBand& b = rules.grades.bands[g];
    return lang == Lang::zh ? b.zh : b.en.empty() ? b.id : b.en;
}

std::string set_by_note(const custom::Step* s, Lang lang) {
    if (!s) return {};
    const bool zh = lang == Lang::zh;
    const bool table = s->kind == custom::Step::Kind::table;
    const std::string& words = table ? (zh ? s->table.zh : s->table.en) : (zh ? s->rule.zh : s->rule.en);
    if (zh) return "（由自定义" + std::string(table ? "决策表" : "规则") + (words.empty() ? "" : "“" + words + "”") + "设定）";
    return " (set by the custom " + std::string(table ? "table" : "rule") + (words.empty() ? "" : " \"" + words + "\"") + ")";
}

} // namespace detail

std::string explain_indicator(const Indicator& ind, const IndicatorResult& r, const RuleSet& rules, Lang lang) {
    using detail::percent;
    using detail::show;
    const bool zh = lang == Lang::zh;
    const std::string t = detail::measure_text(ind, true, lang), a = detail::measure_text(ind, false, lang);
    const std::string rp = percent(r.ratio);
    std::string s;
    switch (r.ratio_case) {
    case RatioCase::ratio:
        s = zh ? "完成率 = 实际完成值 " + a + " / 年度指标值 " + t + " = " + rp
               : "completion rate = actual " + a + " / target " + t + " = " + rp;
        break;
    case RatioCase::target_zero:
        s = zh ? "年度指标值为 0，完成率按 100% 计" : "the target is 0, so the completion rate is 100%";
        break;
    case RatioCase::le_met:
        s = zh ? "反向指标，实际完成值 " + a + " 不高于年度指标值 " + t + "，完成率按 100% 计"
               : "less is better: actual " + a + " is not above the target " + t + ", so the completion rate is 100%";
        break;
    case RatioCase::le_ratio:
        s = zh ? "反向指标，完成率 = 年度指标值 " + t + " / 实际完成值 " + a + " = " + rp
               : "less is better: completion rate = target " + t + " / actual " + a + " = " + rp;
        break;
    case RatioCase::le_linear:
        s = zh ? "反向指标（线性），完成率 = 2 − 实际完成值 " + a + " / 年度指标值 " + t + "，限定在 0 至 100% 之间，为 " + rp
               : "less is better (linear): completion rate = 2 − actual " + a + " / target " + t + ", kept within 0 and 100%: " + rp;
        break;
    case RatioCase::le_target_zero:
        s = zh ? "反向指标，年度指标值为 0 而实际完成值 " + a + " 大于 0，完成率为 0"
               : "less is better: the target is 0 and the actual " + a + " is above it, so the completion rate is 0";
        break;
    case RatioCase::eq_zero_met:
        s = zh ? "等于型指标，年度指标值与实际完成值均为 0，完成率为 100%" : "equal-to target 0 met exactly: completion rate 100%";
        break;
    case RatioCase::eq_zero_missed:
        s = zh ? "等于型指标，年度指标值为 0 而实际完成值为 " + a + "，完成率为 0"
               : "equal-to target 0 but the actual is " + a + ", so the completion rate is 0";
        break;
    case RatioCase::tier_default:
    case RatioCase::tier_percent: {
        const Tier tier = std::get<QualRating>(ind.actual).tier;
        const std::string tier_id(to_string(tier));
        // The target as the unit wrote it: 年度指标值“达到预期”.
        const std::string goal = ind.target_text.empty()
                                     ? std::string()
                                     : zh ? "年度指标值“" + ind.target_text + "”，" : "target \"" + ind.target_text + "\", ";
        if (r.ratio_case == RatioCase::tier_default)
            s = zh ? "定性指标，" + goal + "评为 " + tier_id + " 档（" +
                         std::string(names::tier_zh[static_cast<std::size_t>(tier)]) + "），未给出百分比，按 " + tier_id +
                         " 档计 " + rp
                   : "qualitative, " + goal + "rated tier " + tier_id + " without a percentage: tier " + tier_id + " counts " + rp;
        else
            s = zh ? "定性指标，" + goal + "评为 " + a + "，在该档区间内，完成率为 " + rp
                   : "qualitative, " + goal + "rated " + a + ", within the tier's range: completion rate " + rp;
        break;
    }
    case RatioCase::on_time:
        s = zh ? "完成日期 " + a + " 不晚于年度指标值 " + t + "，完成率为 100%"
               : "done " + a + ", on or before the target date " + t + ": completion rate 100%";
        break;
    case RatioCase::late: {
        const auto& d = rules.evaluation.date;
        const std::string pen = percent(d.penalty);
        const std::string days = std::to_string(r.days_late), n = std::to_string(r.periods), per = std::to_string(d.period_days);
        const bool floor = Fraction::of(d.penalty) * Fraction::integer(r.periods) > Fraction::integer(1);
        s = zh ? "完成日期 " + a + " 晚于年度指标值 " + t + " 共 " + days + " 天，每 " + per + " 天为一期（不足一期按一期），计 " + n +
                     " 期，每期扣 " + pen + "，完成率 = 100% − " + pen + " × " + n + (floor ? "，最低为 0，" : " = ") + rp
               : "done " + a + ", " + days + " days after the target date " + t + ": " + n + " periods of " + per +
                     " days (a part counts as one), " + pen + " off each, completion rate = 100% − " + pen + " × " + n +
                     (floor ? ", at least 0: " : " = ") + rp;
        break;
    }
    }
    const bool capped = r.ratio > Fraction::of(rules.evaluation.cap.max_ratio);
    if (capped)
        s += zh ? "；超额完成不加分，封顶后的完成率为 " + percent(min(r.ratio, Fraction::of(rules.evaluation.cap.max_ratio)))
                : "; no extra points for exceeding the target: the capped completion rate is " +
                      percent(min(r.ratio, Fraction::of(rules.evaluation.cap.max_ratio)));
    if (r.deduction.units() != 0)
        s += zh ? "；完成值高于指标值较多（完成率不低于 " + percent(rules.evaluation.over_completion.threshold) + "），按偏离度调减 " +
                      percent(r.deduction) + "，封顶后的完成率为 " + percent(r.capped)
                : "; far over the target (completion rate at least " + percent(rules.evaluation.over_completion.threshold) +
                      "): " + percent(r.deduction) + " deducted, the capped completion rate is " + percent(r.capped);
    const int digits = rules.evaluation.rounding.digits;
    const Decimal scored = r.score - r.custom_adjustment; // before any indicator rule
    const bool reduced = capped || r.deduction.units() != 0;
    s += zh ? "；得分 = 分值 " + r.weight.to_string() + " × " + (reduced ? "封顶后的完成率 " : "完成率 ") + percent(r.capped) + " = " +
                  show(r.exact_score()) + " → " + scored.to_string(digits) + detail::rounding_note(rules.evaluation.rounding, lang)
            : "; score = weight " + r.weight.to_string() + " × " + (reduced ? "capped completion rate " : "completion rate ") +
                  percent(r.capped) + " = " + show(r.exact_score()) + " → " + scored.to_string(digits) +
                  detail::rounding_note(rules.evaluation.rounding, lang);
    if (r.custom_fired != 0) {
        const Decimal adj = r.custom_adjustment;
        const std::string change = adj.units() < 0 ? " − " + Decimal::from_units(-adj.units()).to_string(digits) : " + " + adj.to_string(digits);
        s += zh ? "；指标规则调整：" + scored.to_string(digits) + change + " = " + r.score.to_string(digits) + "（限定在 0 至分值之间）"
                : "; indicator rules adjust it: " + scored.to_string(digits) + change + " = " + r.score.to_string(digits) +
                      " (kept within 0 and the weight)";
    }
    return s;
}

RuleRef rule_of(const Indicator& ind, const RuleSet& rules) {
    switch (ind.direction) {
    case Direction::ge: return rules.evaluation.ge_where;
    case Direction::eq: return rules.evaluation.eq_where;
    case Direction::le: return rules.evaluation.le.where;
    case Direction::qual: return rules.evaluation.qual.where;
    case Direction::date: return rules.evaluation.date.where;
    }
    return {};
}

void explain_fired(const CustomRules& steps, const custom::StageSchema& stage, std::span<const custom::Fired> fired,
                   const RuleSet& rules, Lang lang, std::string_view prefix, std::vector<ExplanationLine>& out,
                   std::span<const std::vector<expr::Value>> seen) {
    const bool zh = lang == Lang::zh;
    for (std::size_t k = 0; k < fired.size(); ++k) {
        const custom::Fired& f = fired[k];
        if (f.step >= steps.steps.size()) continue;
        const std::span<const expr::Value> slots =
            seen.size() == fired.size() ? std::span<const expr::Value>(seen[k]) : std::span<const expr::Value>();
        auto outputs = [&](const std::vector<custom::Output>& os) {
            std::string s;
            for (const custom::Output& o : os) {
                const custom::OutputDef& def = stage.outputs()[static_cast<std::size_t>(o.target)];
                const auto v = detail::describe_output(o.value, slots, stage, def, rules, lang);
                s += (s.empty() ? "" : zh ? "，" : ", ") + (zh ? def.zh : def.name) +
                     (v ? (zh ? "：" : ": ") + *v : " = " + o.value.text());
            }
            return s;
        };
        const custom::Step& step = steps.steps[f.step];
        if (step.kind == custom::Step::Kind::rule) {
            const custom::Rule& rule = step.rule;
            const auto cond = detail::describe_condition(rule.when, slots, stage, rules, lang);
            const std::string& words = zh ? rule.zh : rule.en;
            std::string text = (words.empty() ? std::string() : words + (zh ? "：" : ": ")) +
                               (cond ? *cond : zh ? "条件 " + rule.when.text() + " 成立" : rule.when.text() + " holds");
            if (!rule.then.empty()) text += (zh ? "；" : "; ") + outputs(rule.then);
            out.push_back({std::string(prefix) + rule.id, rules.cite(rule.where), std::move(text) + detail::assumption_note(rules, rule.where, lang)});
            continue;
        }
        const custom::Table& t = step.table;
        if (f.row >= t.rows.size()) continue;
        const custom::Row& row = t.rows[f.row];
        std::string cond;
        for (std::size_t c = 0; c < row.inputs.size(); ++c) {
            const custom::Cell& cell = row.inputs[c];
            if (cell.kind == custom::Cell::Kind::any) continue;
            const auto slot = static_cast<std::size_t>(t.inputs[c]);
            const std::string& name = stage.inputs()[slot].name;
            std::string part;
            if (cell.kind == custom::Cell::Kind::condition) {
                const auto d = detail::describe_condition(cell.condition, slots, stage, rules, lang);
                part = d ? *d : cell.condition.text();
            } else if (slot < slots.size() && slots[slot].type() == expr::Type::text) {
                std::string v(slots[slot].as_text());
                if (name == "grade")
                    for (const GradeBand& b : rules.grades.bands)
                        if (b.id == v) v = zh ? b.zh : b.en.empty() ? b.id : b.en;
                part = detail::label_of(name, lang) + (zh ? "为" : " is ") + (zh && v == slots[slot].as_text() ? cell.text : v);
            } else {
                part = zh ? detail::label_of(name, lang) + "为" + cell.text : detail::label_of(name, lang) + " is " + cell.text;
            }
            cond += (cond.empty() ? "" : zh ? "，且" : ", and ") + part;
        }
        if (cond.empty()) cond = zh ? "任何项目" : "any project";
        const std::string desc = zh ? t.zh : t.en;
        const std::string n = std::to_string(f.row + 1);
        std::string text = zh ? (desc.empty() ? std::string("决策表") : desc + "（决策表") + "第 " + n + " 行" + (desc.empty() ? "" : "）") + "：" + cond
                              : (desc.empty() ? std::string("decision table") : desc + " (decision table") + ", row " + n + (desc.empty() ? "" : ")") + ": " + cond;
        text += " → " + (row.outputs.empty() ? std::string(zh ? "不设定任何结果" : "sets nothing") : outputs(row.outputs));
        out.push_back({std::string(prefix) + t.id, rules.cite(row.where), std::move(text) + detail::assumption_note(rules, row.where, lang)});
    }
}

void explain_custom(const ProjectResult& r, const RuleSet& rules, Lang lang, std::vector<ExplanationLine>& out) {
    explain_fired(rules.custom, custom::evaluation_schema(), {r.fired.data(), r.fired_count}, rules, lang, "evaluation.custom.", out);
}

void explain_custom(const Project& p, const ProjectResult& r, const RuleSet& rules, Lang lang, std::vector<ExplanationLine>& out) {
    const auto seen = custom_bindings(p, rules, r);
    explain_fired(rules.custom, custom::evaluation_schema(), {r.fired.data(), r.fired_count}, rules, lang, "evaluation.custom.", out, seen);
}

std::vector<ExplanationLine> explain(const Project& p, const ProjectResult& r, const RuleSet& rules, Lang lang) {
    using detail::percent;
    using detail::show;
    using detail::yuan;
    const bool zh = lang == Lang::zh;
    const auto& ev = rules.evaluation;
    const int digits = ev.rounding.digits;
    std::vector<ExplanationLine> out;
    auto add = [&](std::string rule, const RuleRef& ref, std::string text) {
        out.push_back({std::move(rule), rules.cite(ref), std::move(text) + detail::assumption_note(rules, ref, lang)});
    };

    // 0. Values by budget year: the period this project's year uses, then one line
    // per dated value in it, each citing the entry it took (`2023-01-01: 20%`).
    if (rules.effective_from && p.year) {
        const std::string year = std::to_string(*p.year), from = to_string(*rules.effective_from);
        if (rules.effective.empty())
            add("effective", RuleRef{},
                zh ? "预算年度 " + year + " 适用自 " + from + " 起施行的规则" : "budget year " + year + " uses the rules in effect from " + from);
        for (const EffectiveValue& v : rules.effective)
            add("effective: " + v.path, v.where,
                zh ? "预算年度 " + year + " 适用自 " + to_string(v.from) + " 起施行的取值"
                   : "budget year " + year + " uses the value in effect from " + to_string(v.from));
    }

    // 1. Budget execution.
    if (r.exec_applicable) {
        const std::string rate = percent(r.exec_rate);
        const bool over = r.exec_rate > Fraction::integer(1);
        add("evaluation.execution", ev.execution.where,
            zh ? "预算执行率 = 执行数 " + yuan(p.spent, lang) + " / 预算数 " + yuan(p.budget, lang) + " = " + rate + "；执行率得分 = " +
                     ev.execution.points.to_string() + " × " + (over ? "100%（执行率超过 100% 按 100% 计）" : rate) + " = " +
                     show(r.exec_exact) + " → " + r.exec_score.to_string(digits) + detail::rounding_note(ev.rounding, lang)
               : "execution rate = spent " + yuan(p.spent, lang) + " / budget " + yuan(p.budget, lang) + " = " + rate +
                     "; execution score = " + ev.execution.points.to_string() + " × " +
                     (over ? "100% (a rate above 100% counts as 100%)" : rate) + " = " + show(r.exec_exact) + " → " +
                     r.exec_score.to_string(digits) + detail::rounding_note(ev.rounding, lang));
    } else {
        add("evaluation.execution", ev.execution.where,
            zh ? "预算数为 0，预算执行率不适用，其余得分按百分制折算"
               : "the budget is 0: the execution rate does not apply, the rest is rescaled to 100 points");
    }

    // 2. Indicators.
    if (r.indicators.size() == p.indicators.size()) {
        for (std::size_t i = 0; i < p.indicators.size(); ++i) {
            const Indicator& ind = p.indicators[i];
            add(ind.name, rule_of(ind, rules),
                (zh ? std::string(names::level1_zh[static_cast<std::size_t>(ind.level1)]) + "/" +
                          std::string(names::level2_zh[static_cast<std::size_t>(ind.level2)]) + "，"
                    : std::string(to_string(ind.level1)) + "/" + std::string(to_string(ind.level2)) + ", ") +
                    explain_indicator(ind, r.indicators[i], rules, lang));
            const auto& ir = rules.custom.indicator_rules;
            for (std::size_t k = 0; k < ir.size(); ++k) { // each indicator rule that fired on it, citing it
                if (!(r.indicators[i].custom_fired >> k & 1U)) continue;
                const auto words = detail::describe_indicator_rule(p, ind, r.indicators[i], ir[k], rules, lang);
                const std::string cond = words ? words->first : (zh ? "满足条件 " : "meets ") + ir[k].when.text();
                const std::string adjust = words ? words->second : ir[k].adjust.text();
                const std::string& why = zh ? ir[k].zh : ir[k].en;
                add("evaluation.custom." + ir[k].id, ir[k].where,
                    (why.empty() ? std::string() : why + (zh ? "：" : ": ")) +
                        (zh ? "指标“" + ind.name + "”，" + cond + "，得分调整 " + adjust
                            : "indicator \"" + ind.name + "\", " + cond + "; the score is adjusted by " + adjust));
            }
        }
    }
    std::string sum = zh ? "指标得分 = 产出指标 " : "indicator score = output ";
    sum += r.level1_score[0].to_string(digits) + (zh ? " + 效益指标 " : " + benefit ") + r.level1_score[1].to_string(digits) +
           (zh ? " + 满意度指标 " : " + satisfaction ") + r.level1_score[2].to_string(digits) + " = " + r.indicator_score.to_string(digits);
    if (r.split_differs)
        sum += zh ? "（提示：一级指标分值 " + r.level1_weight[0].to_string() + "/" + r.level1_weight[1].to_string() + "/" +
                        r.level1_weight[2].to_string() + " 与原则性权重不同）"
                  : " (notice: level-1 weights " + r.level1_weight[0].to_string() + "/" + r.level1_weight[1].to_string() + "/" +
                        r.level1_weight[2].to_string() + " differ from the split in principle)";
    add("evaluation.weights", ev.weights.where, sum);

    // 3. Total.
    std::string total = zh ? "总分 = 执行率得分 " : "total = execution score ";
    total += r.exec_score.to_string(digits) + (zh ? " + 指标得分 " : " + indicator score ") + r.indicator_score.to_string(digits);
    if (r.rescaled)
        total += zh ? "，按百分制折算 × 100 / " + r.applicable_points.to_string()
                    : ", rescaled to 100 points × 100 / " + r.applicable_points.to_string();
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
        zh ? "总分 " + r.total.to_string(digits) + " 不低于 " + band.from.to_string() + " 且" +
                 (r.grade == 0 ? "不高于 " : "低于 ") + band.to.to_string() + "，等级 " + detail::grade_label(rules, r.grade, lang)
           : "total " + r.total.to_string(digits) + " is at least " + band.from.to_string() + " and " +
                 (r.grade == 0 ? "at most " : "below ") + band.to.to_string() + ": grade " + detail::grade_label(rules, r.grade, lang));
    const auto& app = rules.application;
    // A result a custom step set cites that step instead of the national rule.
    auto setter = [&](custom::Target t) -> const custom::Step* {
        const std::uint16_t s = r.set_by[static_cast<std::size_t>(t)];
        return s != 0 && s <= rules.custom.steps.size() ? &rules.custom.steps[s - 1] : nullptr;
    };
    auto set_note = [&](const custom::Step* s) { return detail::set_by_note(s, lang); };
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
        zh ? "下年同类项目核减 = 预算数 " + yuan(p.budget, lang) + " × 核减比例 " + percent(rate) + " = " + yuan(r.cut, lang)
           : "next-year cut = budget " + yuan(p.budget, lang) + " × cut rate " + percent(rate) + " = " + yuan(r.cut, lang));
    const bool exempt = !app.recover.fund_sources[static_cast<std::size_t>(p.fund_source)];
    const std::string recovered =
        zh ? (p.budget > p.spent ? "收回结余 = 预算数 " + yuan(p.budget, lang) + " − 执行数 " + yuan(p.spent, lang) + " = " + yuan(r.recover, lang)
                                 : "执行数 " + yuan(p.spent, lang) + " 不低于预算数 " + yuan(p.budget, lang) + "，无结余可收回，收回 0.00 元")
           : (p.budget > p.spent ? "recover = budget " + yuan(p.budget, lang) + " − spent " + yuan(p.spent, lang) + " = " + yuan(r.recover, lang)
                                 : "spent " + yuan(p.spent, lang) + " is not below the budget " + yuan(p.budget, lang) +
                                       ": nothing to recover, 0.00 yuan");
    std::string rec;
    const custom::Step* rec_setter = setter(custom::Target::recover);
    if (rec_setter)
        rec = r.recover.fen() != 0 || p.budget <= p.spent ? recovered : (zh ? "不收回结余，收回 0.00 元" : "no recovery: 0.00 yuan");
    else if (!app.recover.grades.contains(r.grade))
        rec = zh ? "等级 " + detail::grade_label(rules, r.grade, lang) + " 不在收回结余的范围内，收回 0.00 元"
                 : "grade " + detail::grade_label(rules, r.grade, lang) + " is not subject to recovery: 0.00 yuan";
    else if (exempt)
        rec = zh ? "资金来源为" + std::string(names::fund_source_zh[static_cast<std::size_t>(p.fund_source)]) + "，不收回，收回 0.00 元"
                 : std::string(to_string(p.fund_source)) + " funds are exempt: 0.00 yuan";
    else
        rec = recovered;
    result_line("evaluation.results.recover", app.recover.where, custom::Target::recover, rec);
    if (!rules.custom.empty()) {
        if (const custom::Step* s = setter(custom::Target::accountability))
            add("evaluation.custom.accountability", s->where(), (zh ? "问责：" : "accountability: ") + std::string(detail::yes_no(r.accountability, lang)) + set_note(s));
        explain_custom(p, r, rules, lang, out);
    }
    return out;
}

std::string cited_line(const ExplanationLine& l, Lang lang) {
    const bool zh = lang == Lang::zh;
    const bool key = l.rule.starts_with("effective") || l.rule.starts_with("evaluation.") || l.rule.starts_with("monitoring.") ||
                     l.rule.starts_with("assessment.") || l.rule.starts_with("review.") || l.rule.starts_with("rollup.");
    std::string where = l.source;
    if (zh) {
        const auto colon = where.rfind(':');
        if (colon != std::string::npos && colon + 1 < where.size())
            where = where.substr(0, colon) + " 第 " + where.substr(colon + 1) + " 行";
    }
    if (key) where += (zh ? "，" : ", ") + l.rule;
    std::string s = key ? l.text : l.rule + (zh ? "：" : ": ") + l.text;
    return s + (zh ? "〔" + where + "〕" : " [" + where + "]");
}

std::vector<ExplanationLine> explain(const Project& p, const ProjectResult& r, const RuleBook& book, Lang lang) {
    return explain(p, r, book.for_year(p.year), lang);
}

} // namespace perfbudget
