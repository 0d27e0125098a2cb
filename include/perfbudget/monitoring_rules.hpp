// perfbudget/monitoring_rules.hpp — the in-year monitoring (绩效运行监控) rules: SPEC §5.
//
// Loaded from the `monitoring:` section of a rule file (src/load_monitoring.cpp);
// the defaults below are those of rules/national.yaml, so a rule file written
// without the section monitors by the national rules. Every rule can be switched
// off (`enabled`) and remembers where it was written, for explanations.
#pragma once

#include "perfbudget/custom_rules.hpp"
#include "perfbudget/decimal.hpp"
#include "perfbudget/rule_ref.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace perfbudget {

/// 预警等级, in order of severity: the worst light of a project's rules is its light.
enum class Light : std::uint8_t { green, blue, yellow, red };
inline constexpr std::size_t light_count = 4;

/// What is done about a project of some light (处理措施).
enum class MonitorAction : std::uint8_t {
    none,
    follow_up, // 督促整改
    suspend,   // 暂缓或停止拨款 (and, still red at year end, recover the funds)
};
inline constexpr std::size_t action_count = 3;

/// 序时进度: by months (every month end is m/12) or by days of the year.
enum class TimeProgressMethod : std::uint8_t { months, days };

/// 监控节点: the dates monitoring is due. `any`: every date is one (the national
/// documents set no calendar); `month`: every month end; `quarter`: 31 March, 30 June,
/// 30 September and 31 December.
enum class CheckpointEvery : std::uint8_t { any, month, quarter };

/// A day of the year without a year (`06-30`).
struct MonthDay {
    std::uint8_t month = 1; // 1–12
    std::uint8_t day = 1;   // 1–31, valid for the month (02-29 allowed)
    friend constexpr bool operator==(MonthDay, MonthDay) = default;
};

/// The warning rules, by the id a result's `reasons` names.
enum class MonitorRule : std::uint8_t { execution, pace, impossible, deviation };
inline constexpr std::size_t monitor_rule_count = 4;

namespace names {
inline constexpr std::array<std::string_view, 4> light = {"green", "blue", "yellow", "red"};
inline constexpr std::array<std::string_view, 4> light_zh = {"绿灯", "蓝灯", "黄灯", "红灯"};
inline constexpr std::array<std::string_view, 3> action = {"none", "follow_up", "suspend"};
inline constexpr std::array<std::string_view, 3> action_zh = {"无", "督促整改", "暂缓或停止拨款"};
inline constexpr std::array<std::string_view, 4> monitor_rule = {"execution", "pace", "impossible", "deviation"};
inline constexpr std::array<std::string_view, 3> checkpoint_every = {"any", "month", "quarter"};
} // namespace names

constexpr std::string_view to_string(Light v) { return names::light[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(MonitorAction v) { return names::action[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(MonitorRule v) { return names::monitor_rule[static_cast<std::size_t>(v)]; }

struct MonitoringRules {
    struct TimeProgress { // 序时进度
        TimeProgressMethod method = TimeProgressMethod::months;
        RuleRef where;
    } time_progress;

    /// v = exec_rate / time_progress: v < red_below red, v < yellow_below yellow, else green.
    struct Execution { // 预算执行进度
        bool enabled = true;
        Decimal red_below = Decimal::from_units(600'000);    // 60%
        Decimal yellow_below = Decimal::from_units(800'000); // 80%
        RuleRef where;
    } execution;

    /// Indicator pace (指标完成进度). ge/eq: v = actual / (target × time_progress),
    /// red / yellow below the thresholds, blue from blue_from (target set too low);
    /// le: red once actual > target; qual: a light per tier; date: red when past due
    /// and not done, or done late.
    struct Pace {
        bool enabled = true;
        Decimal red_below = Decimal::from_units(600'000);   // 60%
        Decimal yellow_below = Decimal::from_units(800'000); // 80%
        Decimal blue_from = Decimal::from_units(1'200'000);  // 120%
        std::array<Light, 3> tier{Light::green, Light::yellow, Light::red}; // A B C
        RuleRef where;
    } pace;

    /// An indicator whose likelihood is `impossible` (完全不可能).
    struct Impossible {
        bool enabled = true;
        Light light = Light::red;
        RuleRef where;
    } impossible;

    /// |exec_rate − completion| > threshold (strictly). Off nationally; seed 000.
    struct Deviation {
        bool enabled = false;
        Decimal threshold = Decimal::from_units(200'000); // 20 points
        Light light = Light::yellow;
        RuleRef where;
    } deviation;

    /// When monitoring is due (监控节点). A run as of another date still monitors;
    /// `perfbudget monitor` says the date is not a checkpoint (a notice).
    struct Checkpoints {
        CheckpointEvery every = CheckpointEvery::any;
        RuleRef where;
    } checkpoints;

    /// 部门整体绩效监控: as of one of these days (month-day), each department's
    /// whole-year targets are reviewed as a whole (department_review.hpp). Off
    /// nationally; seed 001 (昌吉市): "以每年6月底为节点…对本部门单位年度整体绩效目标
    /// 实现程度进行监控".
    struct DepartmentReview {
        bool enabled = false;
        std::vector<MonthDay> on{MonthDay{6, 30}};
        RuleRef where;
    } department_review;

    /// The action per light (green, blue, yellow, red).
    struct Actions {
        std::array<MonitorAction, light_count> by_light{MonitorAction::none, MonitorAction::none,
                                                        MonitorAction::follow_up, MonitorAction::suspend};
        RuleRef where;
    } actions;

    /// The county's own steps (`custom:`, monitor_custom.hpp), run after the
    /// built-in lights; compiled against monitoring_schema(). Empty nationally.
    CustomRules custom;
};

} // namespace perfbudget
