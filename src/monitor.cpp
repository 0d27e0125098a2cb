// The monitor stage (monitor.hpp): time progress, lights, completion, explanation.
#include "perfbudget/monitor.hpp"
#include "perfbudget/monitor_custom.hpp"

#include "monitor_engine.hpp"
#include "calendar.hpp"
#include "monitor_row.hpp"
#include "monitor_text.hpp"

#include <algorithm>

namespace perfbudget {

Fraction time_progress(Date as_of, TimeProgressMethod method) {
    if (method == TimeProgressMethod::days) return Fraction::positive(detail::day_of_year(as_of), detail::days_in_year(as_of));
    // (m − 1)/12 + (day / dim)/12 = ((m − 1) × dim + day) / (12 × dim)
    const std::int64_t dim = static_cast<unsigned>(detail::end_of_month(as_of).day());
    const std::int64_t month = static_cast<unsigned>(as_of.month()), day = static_cast<unsigned>(as_of.day());
    return Fraction::positive((month - 1) * dim + day, 12 * dim);
}

namespace {

Light worst(Light a, Light b) { return a > b ? a : b; }

/// a < b for fractions with positive denominators, inlined: the per-indicator
/// comparisons of the streaming path otherwise call an out-of-line operator<=>.
[[gnu::always_inline]] inline bool less(const Fraction& a, const Fraction& b) {
    using detail::int128_native;
    const int128_native an = a.num().native(), ad = a.den().native(), bn = b.num().native(), bd = b.den().native();
    const auto fits64 = [](int128_native v) { return v == static_cast<std::int64_t>(v); };
    // Products of 64-bit values cannot overflow 128 bits: the native multiply, no check.
    if (fits64(an) && fits64(ad) && fits64(bn) && fits64(bd)) return an * bd < bn * ad;
    return a.num() * b.den() < b.num() * a.den();
}

/// v against red and yellow thresholds (execution).
Light light_below(const Fraction& v, Decimal red_below, Decimal yellow_below) {
    if (less(v, Fraction::of(red_below))) return Light::red;
    if (less(v, Fraction::of(yellow_below))) return Light::yellow;
    return Light::green;
}

/// Where the evaluation's ratio functions put r (only the fields they set are
/// read): one per thread, since constructing one per indicator row (a 150-byte
/// `rep stos`) cost a fifth of monitoring an indicator.
IndicatorResult& scratch_result() {
    thread_local IndicatorResult r;
    return r;
}

/// rc = min(r, cap), as evaluation caps it.
[[gnu::always_inline]] inline Fraction capped(const Fraction& r, const RuleSet& rules) {
    const Fraction cap = Fraction::of(rules.evaluation.cap.max_ratio);
    return less(cap, r) ? cap : r;
}

/// a / b for b > 0.
Fraction divide(const Fraction& a, const Fraction& b) { return Fraction(a.num() * b.den(), a.den() * b.num()); }

Diagnostic indicator_problem(std::string_view file, std::string_view id, const Indicator& ind, std::string en,
                             std::string zh) {
    return {{std::string(file), ind.source_line, 0},
            "project " + std::string(id) + ", indicator \"" + ind.name + "\": " + en,
            "项目 " + std::string(id) + "，指标“" + ind.name + "”：" + zh};
}

/// A date indicator: done on time, done late, not yet due, or past due and not done.
/// Returns false (a problem recorded) on bad data.
bool monitor_date(std::string_view id, const Indicator& ind, Date as_of, const RuleSet& rules, std::string_view file,
                  IndicatorMonitor& m, std::vector<Diagnostic>& problems) {
    const auto* t = std::get_if<Date>(&ind.target);
    if (!t) {
        const Issue issue = std::holds_alternative<std::monostate>(ind.target) ? Issue::missing_target : Issue::wrong_measure;
        problems.push_back(detail::issue_diagnostic(issue, file, id, ind));
        return false;
    }
    if (std::holds_alternative<std::monostate>(ind.actual)) { // not done yet
        if (as_of <= *t) {
            m.pace_case = PaceCase::not_due; // left out of the completion
            return true;
        }
        m.pace_case = PaceCase::overdue;
        m.counted = true;
        m.rc = Fraction::zero();
        m.days_late = static_cast<std::int32_t>(days_between(*t, as_of));
        return true;
    }
    IndicatorResult& r = scratch_result();
    if (const Issue issue = detail::ratio_of_dates(ind, rules.evaluation, r); issue != Issue::none) {
        problems.push_back(detail::issue_diagnostic(issue, file, id, ind));
        return false;
    }
    const Date done = std::get<Date>(ind.actual);
    if (done > as_of) {
        problems.push_back(indicator_problem(
            file, id, ind,
            "the completion date " + to_string(done) + " is after the as-of date " + to_string(as_of),
            "完成日期 " + to_string(done) + " 晚于监控基准日 " + to_string(as_of)));
        return false;
    }
    m.pace_case = r.ratio_case == RatioCase::on_time ? PaceCase::on_time : PaceCase::late;
    m.days_late = r.days_late;
    m.counted = true;
    m.rc = capped(r.ratio, rules);
    return true;
}

/// A numeric or qualitative indicator: rc as in evaluation, and the pace case.
bool monitor_value(std::string_view id, const Indicator& ind, const Fraction& tp, const RuleSet& rules,
                   std::string_view file, IndicatorMonitor& m, std::vector<Diagnostic>& problems) {
    IndicatorResult& r = scratch_result();
    const Issue issue = ind.direction == Direction::qual ? detail::ratio_of_tier(ind, rules.evaluation, r)
                                                          : detail::ratio_of_numbers(ind, rules.evaluation, r);
    if (issue != Issue::none) {
        problems.push_back(detail::issue_diagnostic(issue, file, id, ind));
        return false;
    }
    m.counted = true;
    m.rc = capped(r.ratio, rules);
    switch (ind.direction) {
    case Direction::qual: m.pace_case = PaceCase::tier; break;
    case Direction::le:
        m.pace_case = std::get<Decimal>(ind.actual) > std::get<Decimal>(ind.target) ? PaceCase::le_over : PaceCase::le_within;
        break;
    default: { // ge, eq
        const Decimal target = std::get<Decimal>(ind.target);
        if (target.units() == 0) {
            m.pace_case = PaceCase::target_zero;
        } else {
            m.pace_case = PaceCase::ratio;
            // = divide(actual / target, tp) in one step; 64-bit × 64-bit fits 128 bits.
            using detail::int128_native;
            const int128_native tp_num = tp.num().native(), tp_den = tp.den().native();
            const int128_native n = std::get<Decimal>(ind.actual).units() * tp_den, d = target.units() * tp_num;
            const auto fits64 = [](int128_native v) { return v == static_cast<std::int64_t>(v); };
            m.pace = fits64(n) && fits64(d) ? Fraction::positive(static_cast<std::int64_t>(n), static_cast<std::int64_t>(d)) // d > 0
                                            : Fraction(Fraction::wide::from_native(n), Fraction::wide::from_native(d));
        }
    }
    }
    return true;
}

Light pace_light(const Indicator& ind, const IndicatorMonitor& m, const MonitoringRules::Pace& pace) {
    switch (m.pace_case) {
    case PaceCase::ratio:
        return detail::pace_band(less(m.pace, Fraction::of(pace.blue_from)), less(m.pace, Fraction::of(pace.red_below)),
                         less(m.pace, Fraction::of(pace.yellow_below)));
    case PaceCase::le_over:
    case PaceCase::overdue:
    case PaceCase::late: return Light::red;
    case PaceCase::tier: return pace.tier[static_cast<std::size_t>(std::get<QualRating>(ind.actual).tier)];
    default: return Light::green;
    }
}

} // namespace

namespace detail {

Diagnostic monitor_spent_problem(std::string_view projects_file, std::string_view id, std::uint32_t line) {
    auto [en, zh] = describe(Issue::spent_negative);
    return {{std::string(projects_file), line, 0}, "project " + std::string(id) + ": " + en, "项目 " + std::string(id) + "：" + zh};
}

Diagnostic monitor_weights_problem(std::string_view indicators_file, std::string_view id, const Indicator& first_unweighted) {
    return indicator_problem(
        indicators_file, id, first_unweighted,
        "the indicator has no weight while others of the project have one: give every indicator a weight, or none (simple mean)",
        "本指标缺少分值而同项目其他指标有分值：请为全部指标填写分值，或全部不填（简单平均）");
}

} // namespace detail

bool detail::monitor_indicator_general(std::string_view id, const Indicator& ind, Date as_of, const Fraction& tp,
                                       const RuleSet& rules, MonitorAccumulator& acc, IndicatorMonitor& m,
                                       std::vector<Diagnostic>& problems, std::string_view file) {
    const MonitoringRules& mr = rules.monitoring;
    // Reset field by field (a whole-struct reset is a slow `rep stos` per row);
    // rc and pace are read only when counted and PaceCase::ratio say so.
    m.counted = false;
    m.pace_case = PaceCase::off;
    m.pace_light = Light::green;
    m.impossible = false;
    m.light = Light::green;
    m.days_late = 0;
    (ind.weight ? acc.weighted : acc.unweighted) = true; // every indicator, good or bad, decides weighted or not
    if (ind.weight && ind.weight->units() < 0) {
        problems.push_back(detail::issue_diagnostic(Issue::negative_weight, file, id, ind));
        return false;
    }
    const bool ok = ind.direction == Direction::date ? monitor_date(id, ind, as_of, rules, file, m, problems)
                                                     : monitor_value(id, ind, tp, rules, file, m, problems);
    if (!ok) return false;
    if (mr.pace.enabled) {
        m.pace_light = pace_light(ind, m, mr.pace);
        acc.pace = worst(acc.pace, m.pace_light);
    } else {
        m.pace_case = PaceCase::off;
    }
    m.impossible = mr.impossible.enabled && ind.likelihood == 2;
    m.light = worst(m.pace_light, m.impossible ? mr.impossible.light : Light::green);
    if (m.impossible) acc.impossible = worst(acc.impossible, mr.impossible.light);
    if (m.counted) {
        // A project's weights are all given or none (else an error): 1 each for a simple mean.
        const Decimal w = ind.weight ? *ind.weight : Decimal::whole(1);
        acc.sum.add(w, m.rc);
        acc.weight_total += w;
        ++acc.counted;
    }
    return true;
}

bool monitor_indicator(std::string_view id, const Indicator& ind, Date as_of, const Fraction& tp, const RuleSet& rules,
                       MonitorAccumulator& acc, IndicatorMonitor& m, std::vector<Diagnostic>& problems,
                       std::string_view file) {
    return detail::monitor_indicator_row(id, ind, as_of, tp, rules, detail::MonitorRowRules::of(tp, rules), acc, m, problems,
                                         file);
}

void finish_monitoring(Money budget, Money spent, const MonitorAccumulator& acc, Date as_of, const Fraction& tp,
                       const RuleSet& rules, MonitorResult& out) {
    const MonitoringRules& mr = rules.monitoring;
    out.as_of = as_of;
    out.time_progress = tp;
    out.rule_light = {};
    out.rule_light[static_cast<std::size_t>(MonitorRule::pace)] = acc.pace;
    out.rule_light[static_cast<std::size_t>(MonitorRule::impossible)] = acc.impossible;
    out.counted = acc.counted;
    out.weighted = acc.weighted;
    auto raise = [&out](MonitorRule r, Light l) {
        auto& slot = out.rule_light[static_cast<std::size_t>(r)];
        slot = worst(slot, l);
    };

    // Overall completion: blank when nothing is counted (or every counted weight is 0).
    out.has_completion = acc.weight_total.units() > 0;
    out.completion = out.has_completion ? acc.sum.over(acc.weight_total) : Number();

    // Execution: v = exec_rate / time_progress. A budget of 0 has no rate: the rule does not apply.
    out.exec_applicable = budget.fen() > 0;
    out.exec_rate = out.exec_applicable ? Fraction::of(spent, budget) : Fraction::zero();
    out.exec_pace = out.exec_applicable ? divide(out.exec_rate, out.time_progress) : Fraction::zero();
    if (mr.execution.enabled && out.exec_applicable)
        raise(MonitorRule::execution, light_below(out.exec_pace, mr.execution.red_below, mr.execution.yellow_below));

    // Deviation (seed 000): |exec_rate − completion| > threshold, strictly.
    out.deviation_applied = mr.deviation.enabled && out.exec_applicable && out.has_completion;
    out.deviation = out.deviation_applied ? abs(Number(out.exec_rate) - out.completion) : Number();
    if (out.deviation_applied && out.deviation > Number::of(mr.deviation.threshold)) raise(MonitorRule::deviation, mr.deviation.light);

    out.level = Light::green;
    for (const Light l : out.rule_light) out.level = worst(out.level, l);
    out.action = mr.actions.by_light[static_cast<std::size_t>(out.level)];
    out.clear_custom(); // no custom step has run yet (a reused result is cleared)
}

void monitor_project(const Project& p, Date as_of, const RuleSet& rules, MonitorResult& out, const InputNames& files) {
    std::vector<Diagnostic> problems;
    const Fraction tp = time_progress(as_of, rules.monitoring.time_progress.method);
    out.indicators.assign(p.indicators.size(), IndicatorMonitor{});
    if (p.spent.fen() < 0) problems.push_back(detail::monitor_spent_problem(files.projects, p.id, p.source_line));
    const std::size_t project_problems = problems.size();
    MonitorAccumulator acc;
    const detail::MonitorRowRules row = detail::MonitorRowRules::of(tp, rules);
    for (std::size_t i = 0; i < p.indicators.size(); ++i)
        detail::monitor_indicator_row(p.id, p.indicators[i], as_of, tp, rules, row, acc, out.indicators[i], problems,
                                      files.indicators);
    // Weights given for some only: reported before the indicators' own problems.
    if (acc.mixed_weights()) {
        const Indicator& first =
            *std::find_if(p.indicators.begin(), p.indicators.end(), [](const Indicator& i) { return !i.weight; });
        problems.insert(problems.begin() + static_cast<std::ptrdiff_t>(project_problems),
                        detail::monitor_weights_problem(files.indicators, p.id, first));
    }
    if (!problems.empty()) throw Error(std::move(problems));
    finish_monitoring(p.budget, p.spent, acc, as_of, tp, rules, out);
    apply_monitoring_custom(p, rules, out);
}

void detail::append_monitor_reasons(std::string& out, const MonitorResult& r) {
    bool first = true;
    for (std::size_t k = 0; k < monitor_rule_count; ++k) {
        if (!r.reason(static_cast<MonitorRule>(k))) continue;
        if (!first) out += ';';
        first = false;
        out += names::monitor_rule[k];
    }
}

std::string monitor_reasons(const MonitorResult& r) {
    std::string s;
    detail::append_monitor_reasons(s, r);
    return s;
}

// --- explanation ------------------------------------------------------------
// In plain words for the reader of a warning list: values with their units and
// percentages as percentages (2 decimals where not whole, as the evaluation's
// explanation), which threshold was crossed, and the light. Rule ids and file:line
// stay in the line's rule and source (cited_line() puts them at the end).

namespace {

using detail::light_label;
using detail::percent;

/// Where a rate sits against a rule's thresholds, for the light it got:
/// "低于 60%" / "不低于 60% 但低于 80%" / "达到 120%".
std::string band_words(Light light, Decimal red_below, Decimal yellow_below, std::optional<Decimal> blue_from, bool zh) {
    switch (light) {
    case Light::red: return (zh ? "低于 " : "below ") + percent(red_below);
    case Light::yellow:
        return zh ? "不低于 " + percent(red_below) + " 但低于 " + percent(yellow_below)
                  : "at least " + percent(red_below) + " but below " + percent(yellow_below);
    case Light::blue:
        if (blue_from)
            return zh ? "达到 " + percent(*blue_from) + "（完成过快，指标值可能定得偏低）"
                      : "at least " + percent(*blue_from) + " (too fast: the target may be set too low)";
        break;
    case Light::green: break;
    }
    return {};
}

/// "，亮红灯" / ": red".
std::string lit(Light l, Lang lang) { return (lang == Lang::zh ? "，亮" : ": ") + light_label(l, lang); }

std::string days_text(std::int32_t d, bool zh) {
    if (zh) return std::to_string(d) + " 天";
    return std::to_string(d) + (d == 1 ? " day" : " days");
}

} // namespace

std::vector<ExplanationLine> explain_monitoring(const Project& p, const MonitorResult& r, const RuleSet& rules, Lang lang) {
    const bool zh = lang == Lang::zh;
    const MonitoringRules& mr = rules.monitoring;
    std::vector<ExplanationLine> out;
    auto line = [&](std::string rule, const RuleRef& where, std::string text) {
        out.push_back({std::move(rule), rules.cite(where), std::move(text) + detail::assumption_note(rules, where, lang)});
    };
    const std::string tp = percent(r.time_progress);
    const std::string as_of = to_string(r.as_of);
    const bool by_months = mr.time_progress.method == TimeProgressMethod::months;
    line("monitoring.time_progress", mr.time_progress.where,
         zh ? "截至 " + as_of + "，" + (by_months ? "按月" : "按天") + "计算的序时进度为 " + tp
            : "as of " + as_of + ", time progress (" + (by_months ? "by months" : "by days") + ") is " + tp);

    if (r.reason(MonitorRule::execution)) {
        const std::string v = percent(r.exec_pace), rate = percent(r.exec_rate);
        const Light l = r.rule_light[static_cast<std::size_t>(MonitorRule::execution)];
        const std::string band = band_words(l, mr.execution.red_below, mr.execution.yellow_below, std::nullopt, zh);
        line("monitoring.execution", mr.execution.where,
             zh ? "预算执行率 = 执行数 " + detail::yuan(p.spent, lang) + " / 预算数 " + detail::yuan(p.budget, lang) + " = " + rate +
                      "；执行进度 = 执行率 " + rate + " / 序时进度 " + tp + " = " + v + "，" + band + lit(l, lang)
                : "execution rate = spent " + detail::yuan(p.spent, lang) + " / budget " + detail::yuan(p.budget, lang) + " = " +
                      rate + "; execution pace = execution rate " + rate + " / time progress " + tp + " = " + v + ", " + band +
                      lit(l, lang));
    }
    for (std::size_t i = 0; i < p.indicators.size() && i < r.indicators.size(); ++i) {
        const Indicator& ind = p.indicators[i];
        const IndicatorMonitor& m = r.indicators[i];
        if (m.pace_light != Light::green) {
            const Light l = m.pace_light;
            const std::string t = detail::measure_text(ind, true, lang), a = detail::measure_text(ind, false, lang);
            std::string text;
            switch (m.pace_case) {
            case PaceCase::ratio: {
                const std::string band = band_words(l, mr.pace.red_below, mr.pace.yellow_below, mr.pace.blue_from, zh);
                text = zh ? "完成进度 = 实际完成值 " + a + " / (年度指标值 " + t + " × 序时进度 " + tp + ") = " + percent(m.pace) + "，" +
                                band + lit(l, lang)
                          : "pace = actual " + a + " / (target " + t + " × time progress " + tp + ") = " + percent(m.pace) + ", " +
                                band + lit(l, lang);
                break;
            }
            case PaceCase::le_over:
                text = zh ? "反向指标，实际完成值 " + a + "已超过年度指标值 " + t + lit(l, lang)
                          : "lower-is-better indicator: actual " + a + " is already above the target " + t + lit(l, lang);
                break;
            case PaceCase::tier: {
                const std::string goal = ind.target_text.empty()
                                             ? std::string()
                                             : (zh ? "年度指标值“" + ind.target_text + "”，" : "target \"" + ind.target_text + "\", ");
                text = zh ? "定性指标，" + goal + "评为 " + a + lit(l, lang)
                          : "qualitative indicator, " + goal + "rated " + a + lit(l, lang);
                break;
            }
            case PaceCase::overdue:
                text = zh ? "时效指标，年度指标值 " + t + "，截至 " + as_of + " 仍未完成，已逾期 " + days_text(m.days_late, zh) + lit(l, lang)
                          : "deadline " + t + ", not done by " + as_of + ", " + days_text(m.days_late, zh) + " past due" + lit(l, lang);
                break;
            default: // late
                text = zh ? "时效指标，年度指标值 " + t + "，于 " + a + " 完成，逾期 " + days_text(m.days_late, zh) + lit(l, lang)
                          : "deadline " + t + ", done " + a + ", " + days_text(m.days_late, zh) + " late" + lit(l, lang);
                break;
            }
            line("monitoring.pace: " + ind.name, mr.pace.where, std::move(text));
        }
        if (m.impossible)
            line("monitoring.impossible: " + ind.name, mr.impossible.where,
                 zh ? "预计全年目标完全不可能实现" + lit(mr.impossible.light, lang)
                    : "the year's target is expected to be impossible to meet" + lit(mr.impossible.light, lang));
    }
    if (r.reason(MonitorRule::deviation)) {
        const std::string c = percent(r.completion), e = percent(r.exec_rate);
        const std::string d = detail::percent_digits(r.deviation), th = detail::percent_digits(Number::of(mr.deviation.threshold));
        line("monitoring.deviation", mr.deviation.where,
             zh ? "执行率 " + e + " 与总体完成率 " + c + " 相差 " + d + " 个百分点，超过 " + th + " 个百分点" + lit(mr.deviation.light, lang)
                : "execution rate " + e + " and overall completion " + c + " differ by " + d + " percentage points, more than " +
                      th + lit(mr.deviation.light, lang));
    }
    explain_fired(mr.custom, monitoring_schema(), {r.fired.data(), r.fired_count}, rules, lang, "monitoring.custom.", out,
                  monitor_custom_bindings(p, rules, r));
    // The cut and a custom action cite the step that set them, as evaluation results cite theirs.
    auto step_of = [&](std::uint16_t step) -> const custom::Step* {
        return step > 0 && step <= mr.custom.steps.size() ? &mr.custom.steps[step - 1] : nullptr;
    };
    if (r.has_cut) {
        const custom::Step* s = step_of(r.cut_step);
        const std::string rate = percent(r.cut_rate);
        line("monitoring.cut", s ? s->where() : mr.custom.where,
             (zh ? "中期调整预算建议核减 = 预算数 " + detail::yuan(p.budget, lang) + " × 核减比例 " + rate + " = " +
                       detail::yuan(r.cut, lang) + "（四舍五入到分）"
                 : "mid-year cut recommended = budget " + detail::yuan(p.budget, lang) + " × cut rate " + rate + " = " +
                       detail::yuan(r.cut, lang) + " (half-up to the fen)") +
                 detail::set_by_note(s, lang));
    }
    const auto act = static_cast<std::size_t>(r.action);
    const custom::Step* by = r.action_set ? step_of(r.action_step) : nullptr;
    line("monitoring.actions", by ? by->where() : mr.actions.where,
         (zh ? "预警等级 " + light_label(r.level, lang) + "，处理措施：" + std::string(names::action_zh[act])
             : "level " + light_label(r.level, lang) + ", action: " + std::string(names::action[act])) +
             detail::set_by_note(by, lang));
    return out;
}

} // namespace perfbudget
