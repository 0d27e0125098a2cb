// Monitoring custom steps (monitor_custom.hpp): the monitoring schema and the
// runtime, apply_monitoring_custom(), called once at the end of monitoring a project.
#include "perfbudget/monitor_custom.hpp"

#include "step_walker.hpp"

#include <array>
#include <string>

namespace perfbudget {

namespace {

using custom::InputDef;
using custom::NumberKind;
using custom::OutputDef;
using custom::OutputKind;
using expr::Type;

constexpr std::uint32_t bit(MonitorSlot s) { return detail::slot_bit(s); }

/// The lights, by id and with their Chinese names as synonyms (绿灯 …).
std::vector<expr::Choice> light_values() { return custom::id_values(names::light, names::light_zh); }
std::vector<expr::Choice> action_values() { return custom::id_values(names::action, names::action_zh); }

custom::StageSchema make_monitoring_schema() {
    using K = NumberKind;
    const auto lights = light_values();
    std::vector<InputDef> inputs = {
        {"budget", Type::number, K::any, {}, "yuan"},
        {"spent", Type::number, K::any, {}, "yuan, executed to the as-of date"},
        {"exec_rate", Type::number, K::share, {}, "spent / budget, exact (0 when the budget is 0)"},
        {"time_progress", Type::number, K::share, {}, "序时进度 as of the as-of date"},
        {"exec_pace", Type::number, K::share, {}, "v = exec_rate / time_progress (0 when the budget is 0)"},
        {"exec_applicable", Type::boolean, K::any, {}, "false when the budget is 0 (no execution rate)"},
        {"completion", Type::number, K::share, {}, "总体完成率 so far (0 when blank: see has_completion)"},
        {"has_completion", Type::boolean, K::any, {}, "false when no indicator is counted (completion blank)"},
        {"deviation", Type::number, K::share, {},
         "abs(exec_rate − completion) (0 when the deviation rule is off or does not apply)"},
        {"level", Type::text, K::any, lights, "the project's light so far"},
        {"execution.light", Type::text, K::any, lights, "the execution rule's light"},
        {"pace.light", Type::text, K::any, lights, "the worst light the pace rule gave an indicator"},
        {"impossible.light", Type::text, K::any, lights, "the impossible rule's light (green when it did not fire)"},
        {"deviation.light", Type::text, K::any, lights, "the deviation rule's light (green when it did not fire)"},
        {"action", Type::text, K::any, action_values(), "the action so far"},
        {"cut", Type::number, K::share, {}, "the mid-year cut rate set by earlier steps (0 when none)"},
        {"fund_source", Type::text, K::any, custom::field_values("fund_source"), "资金来源"},
        {"budget_kind", Type::text, K::any, custom::field_values("budget_kind"), "预算类型"},
        {"category", Type::text, K::any, {}, "the project's category (`\"\"` when absent)"},
        {"department", Type::text, K::any, {}, "the project's department (`\"\"` when absent)"},
        {"year", Type::number, K::integer, {}, "the budget year (0 when absent)"},
        {"indicators.counted", Type::number, K::count, {}, "indicators counted in the completion"},
        {"month", Type::number, K::integer, {}, "the as-of date's month, 1–12"},
        {"as_of_year", Type::number, K::integer, {}, "the as-of date's year"},
    };
    std::vector<OutputDef> outputs = {
        // A light changes the level and, unless a step set it, the action of the light.
        {"light", "预警等级", OutputKind::choice, lights, bit(MonitorSlot::level) | bit(MonitorSlot::action),
         "raises the project's light (worst of it and the built-in lights; never lowers one)"},
        {"action", "处理措施", OutputKind::choice, action_values(), bit(MonitorSlot::action),
         "overrides the action of the project's light"},
        {"cut", "中期核减比例", OutputKind::share, {}, bit(MonitorSlot::cut),
         "mid-year cut recommendation: cut = budget × rate, half-up to the fen"},
    };
    return custom::StageSchema("monitoring", "the built-in monitoring rules", "内置监控规则", std::move(inputs),
                               std::move(outputs), false);
}

Light worst(Light a, Light b) { return a > b ? a : b; }

/// The state monitoring steps work on: the bindings, filled once per project
/// (only the slots some step reads), and the project's result.
class MonitorRunner : public detail::StepWalker<MonitorRunner>,
                      detail::StageBindings<MonitorSlot, monitor_slot_count> {
    friend class detail::StepWalker<MonitorRunner>;

public:
    MonitorRunner(const Project& p, const RuleSet& rules, MonitorResult& out)
        : StageBindings(rules.monitoring.custom.reads), p_(p), rules_(rules), steps_(rules.monitoring.custom), out_(out) {
        using S = MonitorSlot;
        if (needs(S::budget)) set(S::budget, expr::Value::number(p.budget));
        if (needs(S::spent)) set(S::spent, expr::Value::number(p.spent));
        if (needs(S::exec_rate)) set(S::exec_rate, expr::Value::number(out.exec_rate));
        if (needs(S::time_progress)) set(S::time_progress, expr::Value::number(out.time_progress));
        if (needs(S::exec_pace)) set(S::exec_pace, expr::Value::number(out.exec_pace));
        if (needs(S::exec_applicable)) set(S::exec_applicable, expr::Value::boolean(out.exec_applicable));
        if (needs(S::completion)) set(S::completion, expr::Value::number(out.completion));
        if (needs(S::has_completion)) set(S::has_completion, expr::Value::boolean(out.has_completion));
        if (needs(S::deviation)) set(S::deviation, expr::Value::number(out.deviation));
        set_light(S::execution_light, out.rule_light[static_cast<std::size_t>(MonitorRule::execution)]);
        set_light(S::pace_light, out.rule_light[static_cast<std::size_t>(MonitorRule::pace)]);
        set_light(S::impossible_light, out.rule_light[static_cast<std::size_t>(MonitorRule::impossible)]);
        set_light(S::deviation_light, out.rule_light[static_cast<std::size_t>(MonitorRule::deviation)]);
        set_light(S::level, out.level);
        if (needs(S::action)) set(S::action, expr::Value::text(to_string(out.action)));
        if (needs(S::cut)) set(S::cut, expr::Value::number(Decimal{}));
        if (needs(S::fund_source)) set(S::fund_source, expr::Value::text(to_string(p.fund_source)));
        if (needs(S::budget_kind)) set(S::budget_kind, expr::Value::text(to_string(p.budget_kind)));
        if (needs(S::category)) set(S::category, expr::Value::text(p.category));
        if (needs(S::department)) set(S::department, expr::Value::text(p.department));
        if (needs(S::year)) set(S::year, expr::Value::integer(p.year.value_or(0)));
        if (needs(S::indicators_counted)) set(S::indicators_counted, expr::Value::integer(out.counted));
        if (needs(S::month)) set(S::month, expr::Value::integer(static_cast<unsigned>(out.as_of.month())));
        if (needs(S::as_of_year)) set(S::as_of_year, expr::Value::integer(static_cast<int>(out.as_of.year())));
    }

    void run() {
        walk(steps_.steps, slots(), out_.fired, out_.fired_count);
        if (out_.has_cut) out_.cut = p_.budget.times(out_.cut_rate);
    }

    /// Record the bindings each fired step saw into `to` (monitor_custom_bindings()).
    void record(std::vector<std::vector<expr::Value>>* to) { record_ = to; }

private:
    void on_fire() {
        if (record_) record_->emplace_back(slots().begin(), slots().end());
    }

    void set_light(MonitorSlot s, Light l) {
        if (needs(s)) set(s, expr::Value::text(to_string(l)));
    }

    [[noreturn]] void fail(const RuleRef& where, const std::string& en, const std::string& zh) const {
        detail::step_failed(p_.id, rules_.cite(where), "monitoring", "监控", en, zh);
    }

    expr::Value check(const expr::CompiledExpr& e, const RuleRef& where) const { return evaluate_at(e, where, slots()); }

    /// The index of a light or action a step computed (by id or Chinese name).
    std::size_t choice(const custom::Output& o, const expr::Value& v) const {
        const custom::OutputDef& def = monitoring_schema().outputs()[static_cast<std::size_t>(o.target)];
        if (const auto i = custom::choice_index(def.values, v.as_text())) return *i;
        fail(o.where, def.name + " must be one of the values listed in docs/rules.md, not " + v.to_string(),
             def.zh + "取值无效：" + v.to_string());
    }

    void apply(const custom::Output& o, std::size_t step) {
        const expr::Value v = check(o.value, o.where);
        switch (static_cast<MonitorTarget>(o.target)) {
        case MonitorTarget::light:
            out_.level = worst(out_.level, static_cast<Light>(choice(o, v)));
            set_light(MonitorSlot::level, out_.level);
            if (!out_.action_set) set_action(rules_.monitoring.actions.by_light[static_cast<std::size_t>(out_.level)]);
            break;
        case MonitorTarget::action:
            out_.action_set = true;
            out_.action_step = static_cast<std::uint16_t>(step + 1);
            set_action(static_cast<MonitorAction>(choice(o, v)));
            break;
        case MonitorTarget::cut: {
            const Number& f = v.as_number();
            if (f < Number() || f > Number::integer(1))
                fail(o.where, "the cut must be a share from 0% to 100%, not " + v.to_string(),
                     "核减比例应在 0% 至 100% 之间，实际为 " + v.to_string());
            try {
                out_.cut_rate = v.to_decimal();
            } catch (const ArithmeticError&) {
                fail(o.where, "the cut " + v.to_string() + " has more than 6 decimals; round() it",
                     "核减比例 " + v.to_string() + " 超过 6 位小数，请用 round()");
            }
            out_.has_cut = true;
            out_.cut_step = static_cast<std::uint16_t>(step + 1);
            if (needs(MonitorSlot::cut)) set(MonitorSlot::cut, expr::Value::number(out_.cut_rate));
            break;
        }
        }
    }

    void set_action(MonitorAction a) {
        out_.action = a;
        if (needs(MonitorSlot::action)) set(MonitorSlot::action, expr::Value::text(to_string(a)));
    }

    const Project& p_;
    const RuleSet& rules_;
    const CustomRules& steps_;
    MonitorResult& out_;
    std::vector<std::vector<expr::Value>>* record_ = nullptr;
};

} // namespace

const custom::StageSchema& monitoring_schema() {
    static const custom::StageSchema s = make_monitoring_schema();
    return s;
}

void apply_monitoring_custom(const Project& project, const RuleSet& rules, MonitorResult& out) {
    out.clear_custom();
    if (rules.monitoring.custom.steps.empty()) return;
    MonitorRunner runner(project, rules, out);
    runner.run();
}

std::vector<std::vector<expr::Value>> monitor_custom_bindings(const Project& project, const RuleSet& rules,
                                                              const MonitorResult& out) {
    std::vector<std::vector<expr::Value>> seen;
    if (rules.monitoring.custom.steps.empty() || out.fired_count == 0) return seen;
    MonitorResult r = out; // back to the state finish_monitoring() left
    r.level = Light::green;
    for (const Light l : r.rule_light) r.level = worst(r.level, l);
    r.action = rules.monitoring.actions.by_light[static_cast<std::size_t>(r.level)];
    r.clear_custom();
    try {
        MonitorRunner runner(project, rules, r);
        runner.record(&seen);
        runner.run();
    } catch (const Error&) {
        return {};
    }
    if (seen.size() != out.fired_count) return {};
    return seen;
}

std::vector<std::string_view> monitor_custom_ids(const MonitorResult& r, const RuleSet& rules) {
    return detail::fired_step_ids(std::span(r.fired.data(), r.fired_count), rules.monitoring.custom.steps);
}

std::string monitor_reasons(const MonitorResult& r, const RuleSet& rules) {
    std::string s = monitor_reasons(r);
    for (std::string_view id : monitor_custom_ids(r, rules)) {
        if (!s.empty()) s += ';';
        s += id;
    }
    return s;
}

} // namespace perfbudget
