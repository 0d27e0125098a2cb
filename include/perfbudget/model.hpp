// perfbudget/model.hpp — the domain model: projects (项目) and their third-level
// indicators (三级指标), as a budget system holds them. Plain values, no behaviour
// beyond naming: the stages in evaluate.hpp (and later monitor/review) read them.
#pragma once

#include "perfbudget/decimal.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace perfbudget {

/// A calendar date. The standard library's: build one with make_date(2023, 10, 31) or
/// `2023y / 10 / 31` (std::chrono literals). A value-initialised Date{} is year 0,
/// month 0, day 0: not `ok()`, which is what a missing date in a rule expression is.
using Date = std::chrono::year_month_day;

/// The date y-m-d (not checked: `make_date(2023, 2, 30).ok()` is false).
constexpr Date make_date(int y, unsigned m, unsigned d) {
    return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}
/// Days from `from` to `to` (negative when `to` is earlier).
constexpr std::int64_t days_between(Date from, Date to) {
    return (std::chrono::sys_days(to) - std::chrono::sys_days(from)).count();
}

/// 四本预算: which of the four budgets the money comes from.
enum class BudgetKind : std::uint8_t { general, gov_fund, state_capital, social_insurance };
/// 本级 or 上级转移支付. Transfers are exempt from local recovery rules.
enum class FundSource : std::uint8_t { local, transfer };
/// What became of an earlier rectification request (整改情况): none was made, done
/// (整改到位), still in progress (整改中), or refused (拒不整改). Result application
/// reads it (e.g. refusal to rectify → accountability, seed 004).
enum class Rectification : std::uint8_t { none, done, pending, refused };
/// Which submission of its target sheet a project is in the target review (SPEC §6
/// `revision`): the first (初次), or a revised one after a 中/差 review (修改后).
enum class Revision : std::uint8_t { first, revised };
/// 一级指标.
enum class Level1 : std::uint8_t { output, benefit, satisfaction };
inline constexpr std::size_t level1_count = 3;
/// 二级指标. The first four sit under output, the next four under benefit.
enum class Level2 : std::uint8_t {
    quantity, quality, timeliness, cost,          // 产出: 数量 质量 时效 成本
    economic, social, ecological, sustainable,    // 效益: 经济 社会 生态 可持续影响
    satisfaction                                  // 满意度: 服务对象满意度
};
/// 指标方向 (计算符号): how actual is compared with target.
enum class Direction : std::uint8_t { ge, le, eq, qual, date };
inline constexpr std::size_t direction_count = 5;
/// 定性指标档次: A 达成年度指标, B 部分达成年度指标并具有一定效果, C 未达成年度指标且效果较差.
enum class Tier : std::uint8_t { A, B, C };
inline constexpr std::size_t tier_count = 3;

/// The level-1 indicator a level-2 indicator belongs to.
constexpr Level1 parent_of(Level2 l2) {
    return l2 <= Level2::cost ? Level1::output : l2 <= Level2::sustainable ? Level1::benefit : Level1::satisfaction;
}

/// A qualitative rating: the tier and, optionally, the evaluator's percentage in it
/// ("B:75%"). 8 bytes, so a Measure is 16 and an indicator's scored fields fit one
/// cache line: the percentage is kept as Decimal units in 32 bits, −1 meaning "not
/// given". Input accepts 0–100 %; a program may give up to 2147.483647 (214,748 %),
/// and more throws std::out_of_range rather than be stored wrong.
class QualRating {
public:
    constexpr QualRating() = default;
    constexpr QualRating(Tier t, std::optional<Decimal> p = std::nullopt) // NOLINT: QualRating{Tier::B, pct}
        : tier(t), percent_units_(narrow_percent(p)) {}

    Tier tier = Tier::A;

    /// The percentage as a fraction (75% is 0.75), if the evaluator gave one. Never negative.
    constexpr std::optional<Decimal> percent() const {
        return percent_units_ < 0 ? std::nullopt : std::optional(Decimal::from_units(percent_units_));
    }
    constexpr void set_percent(std::optional<Decimal> p) { percent_units_ = narrow_percent(p); }
    friend constexpr bool operator==(const QualRating&, const QualRating&) = default;

private:
    static constexpr std::int32_t narrow_percent(std::optional<Decimal> p) {
        if (!p || p->units() < 0) return -1;
        if (p->units() > std::numeric_limits<std::int32_t>::max())
            throw std::out_of_range("QualRating: a percentage above 214748% (" + p->to_string() + ")");
        return static_cast<std::int32_t>(p->units());
    }
    std::int32_t percent_units_ = -1;
};

/// A target or actual value: numeric, a date, or a qualitative rating; empty when not given.
using Measure = std::variant<std::monostate, Decimal, Date, QualRating>;

/// One third-level indicator (三级指标) of a project. The fields scoring reads come
/// first and fill one 64-byte cache line (with the two small fields that fit beside
/// them); the texts and monitoring inputs follow. Scoring a project held in memory
/// then touches one line per indicator: at 100,000 projects, where the model is no
/// longer in cache, that line is what evaluation waits for (docs/decisions.md).
struct alignas(64) Indicator {
    Direction direction = Direction::ge;
    Level1 level1 = Level1::output;
    Level2 level2 = Level2::quantity;
    std::optional<Decimal> weight{}; // 分值 (points)
    Measure target{};                // 年度指标值 (empty for qual)
    Measure actual{};                // 实际完成值
    std::optional<std::uint8_t> likelihood{}; // monitoring: 0 certain, 1 possible, 2 impossible (全年预计完成可能性)
    std::uint32_t source_line = 0; // line in the input file, for messages; 0 when built in code
    std::string name{};
    std::string unit{};              // 计量单位
    std::string target_text{};       // a qualitative 年度指标值 as written (达到预期); empty otherwise
    // Monitoring and review inputs (not used by the evaluate stage).
    Measure expected{};                       // 全年预计完成值
    Measure last_year_actual{};
};
static_assert(sizeof(Measure) == 16, "a Measure is 16 bytes: the scored fields fit one cache line");

/// A project (项目) with its indicators.
struct Project {
    std::string id{};
    std::string name{};
    std::string department{}; // 预算单位
    Money budget{};           // 全年预算数
    Money spent{};            // 执行数
    BudgetKind budget_kind = BudgetKind::general;
    FundSource fund_source = FundSource::local;
    std::string category{};
    std::optional<int> year{}; // 预算年度
    Rectification rectification = Rectification::none; // 整改情况 (of an earlier request)
    Revision revision = Revision::first;                // target review: first or revised submission
    std::string goal{};        // 总体目标
    std::vector<Indicator> indicators{};
    std::uint32_t source_line = 0;
};

// ---------------------------------------------------------------------------
// Names. Identifiers are what files and results use; the Chinese term (with or
// without its 指标 suffix) and symbols are accepted on input.

namespace names {

inline constexpr std::array<std::string_view, 4> budget_kind = {"general", "gov_fund", "state_capital", "social_insurance"};
inline constexpr std::array<std::string_view, 4> budget_kind_zh = {"一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算"};
inline constexpr std::array<std::string_view, 2> fund_source = {"local", "transfer"};
inline constexpr std::array<std::string_view, 2> fund_source_zh = {"本级", "上级转移支付"};
inline constexpr std::array<std::string_view, 4> rectification = {"none", "done", "pending", "refused"};
inline constexpr std::array<std::string_view, 4> rectification_zh = {"无", "整改到位", "整改中", "拒不整改"};
inline constexpr std::array<std::string_view, 2> revision = {"first", "revised"};
inline constexpr std::array<std::string_view, 2> revision_zh = {"初次", "修改后"};
inline constexpr std::array<std::string_view, 3> level1 = {"output", "benefit", "satisfaction"};
inline constexpr std::array<std::string_view, 3> level1_zh = {"产出指标", "效益指标", "满意度指标"};
inline constexpr std::array<std::string_view, 9> level2 = {"quantity", "quality",    "timeliness",  "cost",        "economic",
                                                           "social",   "ecological", "sustainable", "satisfaction"};
inline constexpr std::array<std::string_view, 9> level2_zh = {"数量指标",     "质量指标",     "时效指标",
                                                              "成本指标",     "经济效益指标", "社会效益指标",
                                                              "生态效益指标", "可持续影响指标", "服务对象满意度指标"};
inline constexpr std::array<std::string_view, 5> direction = {"ge", "le", "eq", "qual", "date"};
inline constexpr std::array<std::string_view, 5> direction_zh = {"正向", "反向", "等于", "定性", "时效（日期）"};
inline constexpr std::array<std::string_view, 3> tier = {"A", "B", "C"};
inline constexpr std::array<std::string_view, 3> tier_zh = {"达成年度指标", "部分达成年度指标并具有一定效果",
                                                            "未达成年度指标且效果较差"};
inline constexpr std::array<std::string_view, 3> likelihood = {"certain", "possible", "impossible"};
inline constexpr std::array<std::string_view, 3> likelihood_zh = {"确定能", "有可能", "完全不可能"};

/// Other spellings input accepts besides the identifier and the Chinese term
/// (with or without 指标): `index` is the value meant. Rule expressions accept
/// the same spellings (custom.cpp), so both read one table.
struct Alias {
    std::string_view text;
    std::size_t index;
};
inline constexpr std::array<Alias, 2> fund_source_alias = {{{"上级专项转移支付", 1}, {"转移支付", 1}}};
inline constexpr std::array<Alias, 4> rectification_alias = {{{"已整改", 1}, {"已完成整改", 1}, {"未整改", 3}, {"拒绝整改", 3}}};
inline constexpr std::array<Alias, 4> revision_alias = {{{"首次", 0}, {"初次申报", 0}, {"修改", 1}, {"修改完善后", 1}}};
inline constexpr std::array<Alias, 2> level1_alias = {{{"服务对象满意度指标", 2}, {"服务对象满意度", 2}}};
inline constexpr std::array<Alias, 6> level2_alias = {
    {{"满意度", 8}, {"满意度指标", 8}, {"经济", 4}, {"社会", 5}, {"生态", 6}, {"可持续", 7}}};
inline constexpr std::array<Alias, 7> direction_alias = {
    {{"≥", 0}, {">=", 0}, {"≤", 1}, {"<=", 1}, {"=", 2}, {"时效", 4}, {"日期", 4}}};

} // namespace names

constexpr std::string_view to_string(BudgetKind v) { return names::budget_kind[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(FundSource v) { return names::fund_source[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(Rectification v) { return names::rectification[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(Revision v) { return names::revision[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(Level1 v) { return names::level1[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(Level2 v) { return names::level2[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(Direction v) { return names::direction[static_cast<std::size_t>(v)]; }
constexpr std::string_view to_string(Tier v) { return names::tier[static_cast<std::size_t>(v)]; }

/// A date as YYYY-MM-DD.
inline std::string to_string(const Date& d) {
    char buf[16];
    const int y = static_cast<int>(d.year());
    const auto m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
    buf[0] = static_cast<char>('0' + y / 1000 % 10);
    buf[1] = static_cast<char>('0' + y / 100 % 10);
    buf[2] = static_cast<char>('0' + y / 10 % 10);
    buf[3] = static_cast<char>('0' + y % 10);
    buf[4] = '-';
    buf[5] = static_cast<char>('0' + m / 10);
    buf[6] = static_cast<char>('0' + m % 10);
    buf[7] = '-';
    buf[8] = static_cast<char>('0' + day / 10);
    buf[9] = static_cast<char>('0' + day % 10);
    return std::string(buf, 10);
}

namespace detail {

constexpr std::string_view strip_suffix(std::string_view s, std::string_view suffix) {
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix ? s.substr(0, s.size() - suffix.size())
                                                                                    : s;
}

/// Index of `s` among identifiers, Chinese terms (compared without a 指标 suffix) or aliases.
template <std::size_t N, std::size_t A = 0>
[[nodiscard]] constexpr std::optional<std::size_t> lookup(std::string_view s, const std::array<std::string_view, N>& ids,
                                            const std::array<std::string_view, N>& zh,
                                            const std::array<names::Alias, A>& aliases = {}) {
    for (const names::Alias& a : aliases)
        if (s == a.text) return a.index;
    for (std::size_t i = 0; i < N; ++i)
        if (s == ids[i]) return i;
    const std::string_view bare = strip_suffix(s, "指标");
    for (std::size_t i = 0; i < N; ++i)
        if (bare == strip_suffix(zh[i], "指标")) return i;
    return std::nullopt;
}

} // namespace detail

[[nodiscard]] constexpr std::optional<BudgetKind> parse_budget_kind(std::string_view s) {
    auto i = detail::lookup(s, names::budget_kind, names::budget_kind_zh);
    return i ? std::optional(static_cast<BudgetKind>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<FundSource> parse_fund_source(std::string_view s) {
    auto i = detail::lookup(s, names::fund_source, names::fund_source_zh, names::fund_source_alias);
    return i ? std::optional(static_cast<FundSource>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<Rectification> parse_rectification(std::string_view s) {
    auto i = detail::lookup(s, names::rectification, names::rectification_zh, names::rectification_alias);
    return i ? std::optional(static_cast<Rectification>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<Revision> parse_revision(std::string_view s) {
    auto i = detail::lookup(s, names::revision, names::revision_zh, names::revision_alias);
    return i ? std::optional(static_cast<Revision>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<Level1> parse_level1(std::string_view s) {
    auto i = detail::lookup(s, names::level1, names::level1_zh, names::level1_alias);
    return i ? std::optional(static_cast<Level1>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<Level2> parse_level2(std::string_view s) {
    auto i = detail::lookup(s, names::level2, names::level2_zh, names::level2_alias);
    return i ? std::optional(static_cast<Level2>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<Direction> parse_direction(std::string_view s) {
    auto i = detail::lookup(s, names::direction, names::direction_zh, names::direction_alias);
    return i ? std::optional(static_cast<Direction>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<Tier> parse_tier(std::string_view s) {
    auto i = detail::lookup(s, names::tier, names::tier_zh);
    return i ? std::optional(static_cast<Tier>(*i)) : std::nullopt;
}
[[nodiscard]] constexpr std::optional<std::uint8_t> parse_likelihood(std::string_view s) {
    auto i = detail::lookup(s, names::likelihood, names::likelihood_zh);
    return i ? std::optional(static_cast<std::uint8_t>(*i)) : std::nullopt;
}

} // namespace perfbudget
