// src/load_monitoring.cpp — the `monitoring:` section of a rule file (SPEC §5).
#include "load_monitoring.hpp"

#include "load_custom.hpp"
#include "perfbudget/monitor_custom.hpp"
#include <algorithm>
#include <array>
#include <string>

namespace perfbudget::detail::rules_yaml {
namespace {

const Choices<Light>& light_choices() {
    static const Choices<Light> c{
        {"green", Light::green}, {"blue", Light::blue}, {"yellow", Light::yellow}, {"red", Light::red}};
    return c;
}

/// A percentage threshold of a ratio v that may exceed 100% (v = 130% is ahead of time).
NumberRule ratio_threshold() { return NumberRule{true, Decimal(), std::nullopt}; }

void read_enabled(Ctx& ctx, const MapView& m, bool& out) {
    if (auto v = read_bool(ctx, m.get("enabled"))) out = *v;
}

/// `lower` ≤ `upper`, else the bands of the lights would be empty or reversed.
void check_order(Ctx& ctx, const Field& f, std::string_view lower_key, Decimal lower, std::string_view upper_key,
                 Decimal upper) {
    if (lower <= upper) return;
    const std::string lk(lower_key), uk(upper_key);
    ctx.error(f.rule_pos(),
              f.name() + ": " + lk + " (" + percent_text(lower) + ") must not exceed " + uk + " (" + percent_text(upper) +
                  ")",
              f.name_zh() + "：" + lk + "（" + percent_text(lower) + "）不能大于 " + uk + "（" + percent_text(upper) + "）");
}

void compile_time_progress(Ctx& ctx, const Field& f, MonitoringRules::TimeProgress& out) {
    MapView m(ctx, f, {"method"});
    out.where = ctx.ref(f.rule_pos());
    if (auto v = read_choice<TimeProgressMethod>(
            ctx, m.get("method"), {{"months", TimeProgressMethod::months}, {"days", TimeProgressMethod::days}}))
        out.method = *v;
}

void compile_execution(Ctx& ctx, const Field& f, MonitoringRules::Execution& out) {
    MapView m(ctx, f, {"enabled", "red_below", "yellow_below"});
    out.where = ctx.ref(f.rule_pos());
    read_enabled(ctx, m, out.enabled);
    const auto red = read_number(ctx, m.get("red_below"), ratio_threshold());
    const auto yellow = read_number(ctx, m.get("yellow_below"), ratio_threshold());
    if (red) out.red_below = *red;
    if (yellow) out.yellow_below = *yellow;
    if (red && yellow) check_order(ctx, f, "red_below", *red, "yellow_below", *yellow);
}

void compile_pace(Ctx& ctx, const Field& f, MonitoringRules::Pace& out) {
    MapView m(ctx, f, {"enabled", "red_below", "yellow_below", "blue_from", "qual"});
    out.where = ctx.ref(f.rule_pos());
    read_enabled(ctx, m, out.enabled);
    const auto red = read_number(ctx, m.get("red_below"), ratio_threshold());
    const auto yellow = read_number(ctx, m.get("yellow_below"), ratio_threshold());
    const auto blue = read_number(ctx, m.get("blue_from"), ratio_threshold());
    if (red) out.red_below = *red;
    if (yellow) out.yellow_below = *yellow;
    if (blue) out.blue_from = *blue;
    if (red && yellow) check_order(ctx, f, "red_below", *red, "yellow_below", *yellow);
    if (yellow && blue) check_order(ctx, f, "yellow_below", *yellow, "blue_from", *blue);
    MapView tiers(ctx, m.get("qual"), {"A", "B", "C"});
    for (std::size_t t = 0; t < tier_count; ++t)
        if (auto v = read_choice(ctx, tiers.get(names::tier[t]), light_choices())) out.tier[t] = *v;
}

void compile_impossible(Ctx& ctx, const Field& f, MonitoringRules::Impossible& out) {
    MapView m(ctx, f, {"enabled", "light"});
    out.where = ctx.ref(f.rule_pos());
    read_enabled(ctx, m, out.enabled);
    if (auto v = read_choice(ctx, m.get("light"), light_choices())) out.light = *v;
}

void compile_deviation(Ctx& ctx, const Field& f, MonitoringRules::Deviation& out) {
    MapView m(ctx, f, {"enabled", "threshold", "light"});
    out.where = ctx.ref(f.rule_pos());
    read_enabled(ctx, m, out.enabled);
    if (auto v = read_number(ctx, m.get("threshold"), share())) out.threshold = *v;
    if (auto v = read_choice(ctx, m.get("light"), light_choices())) out.light = *v;
}

void compile_actions(Ctx& ctx, const Field& f, MonitoringRules::Actions& out) {
    MapView m(ctx, f, {"green", "blue", "yellow", "red"});
    out.where = ctx.ref(f.rule_pos());
    const Choices<MonitorAction> actions{
        {"none", MonitorAction::none}, {"follow_up", MonitorAction::follow_up}, {"suspend", MonitorAction::suspend}};
    for (std::size_t l = 0; l < light_count; ++l)
        if (auto v = read_choice(ctx, m.get(names::light[l]), actions)) out.by_light[l] = *v;
}

void compile_checkpoints(Ctx& ctx, const Field& f, MonitoringRules::Checkpoints& out) {
    MapView m(ctx, f, {"every"});
    out.where = ctx.ref(f.rule_pos());
    if (auto v = read_choice<CheckpointEvery>(ctx, m.get("every"), {{"any", CheckpointEvery::any},
                                                                     {"month", CheckpointEvery::month},
                                                                     {"quarter", CheckpointEvery::quarter}}))
        out.every = *v;
}

/// `06-30`: a month and a day that exists in some year (02-29 does).
std::optional<MonthDay> read_month_day(Ctx& ctx, const Field& f) {
    const std::string* s = scalar_text(ctx, f, "a day of the year MM-DD such as 06-30", "形如 06-30 的月-日（MM-DD）");
    if (!s) return std::nullopt;
    static constexpr std::array<int, 12> days_in{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const auto digits = [](std::string_view t) {
        return t.size() == 2 && t[0] >= '0' && t[0] <= '9' && t[1] >= '0' && t[1] <= '9' ? (t[0] - '0') * 10 + (t[1] - '0')
                                                                                          : -1;
    };
    if (s->size() == 5 && (*s)[2] == '-') {
        const int month = digits(std::string_view(*s).substr(0, 2)), day = digits(std::string_view(*s).substr(3, 2));
        if (month >= 1 && month <= 12 && day >= 1 && day <= days_in[static_cast<std::size_t>(month - 1)])
            return MonthDay{static_cast<std::uint8_t>(month), static_cast<std::uint8_t>(day)};
    }
    ctx.error(f.pos(), f.name() + " must be a day of the year MM-DD such as 06-30, found " + quote(*s),
              f.name_zh() + " 应为形如 06-30 的月-日（MM-DD），实际为 " + quote(*s));
    return std::nullopt;
}

void compile_department_review(Ctx& ctx, const Field& f, MonitoringRules::DepartmentReview& out) {
    MapView m(ctx, f, {"enabled", "on"});
    out.where = ctx.ref(f.rule_pos());
    read_enabled(ctx, m, out.enabled);
    const Field on = m.get("on");
    if (!on.value || !expect_kind(ctx, on, Node::Kind::list)) return;
    out.on.clear();
    for (std::size_t i = 0; i < on.value->size(); ++i) {
        const Field item{nullptr, &on.value->children[i], on.path + "[" + std::to_string(i) + "]"};
        const auto d = read_month_day(ctx, item);
        if (!d) continue;
        if (std::find(out.on.begin(), out.on.end(), *d) != out.on.end())
            ctx.error(item.pos(), quote(item.value->text) + " is listed twice in " + on.name(),
                      on.name_zh() + " 中 " + quote(item.value->text) + " 重复");
        else
            out.on.push_back(*d);
    }
}

} // namespace

void compile_monitoring(Ctx& ctx, const Field& f, MonitoringRules& out) {
    MapView m(ctx, f,
              {"time_progress", "checkpoints", "execution", "pace", "impossible", "deviation", "department_review",
               "actions", "custom"});
    if (!m.ok()) return;
    compile_time_progress(ctx, m.get("time_progress"), out.time_progress);
    compile_checkpoints(ctx, m.get("checkpoints"), out.checkpoints);
    compile_execution(ctx, m.get("execution"), out.execution);
    compile_pace(ctx, m.get("pace"), out.pace);
    compile_impossible(ctx, m.get("impossible"), out.impossible);
    compile_deviation(ctx, m.get("deviation"), out.deviation);
    compile_department_review(ctx, m.get("department_review"), out.department_review);
    compile_actions(ctx, m.get("actions"), out.actions);
    // The county's own steps, in the rule language, over the monitoring schema.
    if (const Field c = m.find("custom"); c.value) compile_custom(ctx, c, monitoring_schema(), out.custom);
}

} // namespace perfbudget::detail::rules_yaml
