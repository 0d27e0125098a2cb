// Custom steps in words (explain.hpp): a condition or a value with the values the
// step saw, rendered from the compiled expression (expr::trace()), so that every
// county rule is explained without writing its explanation:
//
//   abs(exec_rate - completion) > 20%
//   → 执行率 110.71% 与总体完成率 89.07% 相差 21.64 个百分点，超过 20 个百分点
//
// Comparisons, and/or, in, + − × ÷, abs, min, max and round are said in words; any
// other part (if, days, quantifiers, not) leaves the caller to show the text as
// written.
#include "perfbudget/explain.hpp"

#include "expr_trace.hpp"
#include "indicator_bindings.hpp"

#include <array>
#include <utility>

namespace perfbudget::detail {

std::string percent_digits(const Number& share) {
    // Through Decimal::to_string: the same digits under every locale (test_locale).
    const Number p = share * Number::integer(100);
    std::string s;
    try {
        s = p.rounded(2, RoundingMode::half_up).to_string(2);
    } catch (const Error&) { // beyond Decimal's range: no percentage anyone writes
        return p.round_to(2, RoundingMode::half_up).to_string();
    }
    if (s.ends_with(".00")) s.resize(s.size() - 3);
    return s;
}

std::string percent(const Number& share) { return percent_digits(share) + "%"; }

namespace {

struct Label {
    std::string_view name, zh, en;
};

// The names custom steps read, in words. A name not listed is shown as written.
constexpr std::array labels = {
    // evaluation
    Label{"budget", "预算数", "budget"},
    Label{"spent", "执行数", "spent"},
    Label{"exec_rate", "执行率", "execution rate"},
    Label{"exec_score", "执行率得分", "execution score"},
    Label{"indicator_score", "指标得分", "indicator score"},
    Label{"total", "总分", "total"},
    Label{"grade", "等级", "grade"},
    Label{"fund_source", "资金来源", "fund source"},
    Label{"budget_kind", "预算类型", "budget kind"},
    Label{"category", "项目类别", "category"},
    Label{"year", "预算年度", "budget year"},
    Label{"rectification", "整改情况", "rectification"},
    Label{"indicators.count", "指标个数", "number of indicators"},
    Label{"indicators.min_ratio", "最低的封顶后完成率", "lowest capped completion rate"},
    Label{"over_completed.count", "超额完成较多的指标个数", "indicators well over target"},
    Label{"completion", "总体完成率", "overall completion"},
    Label{"cut", "核减比例", "cut rate"},
    Label{"rectify", "限期整改", "rectify"},
    Label{"priority", "优先安排", "priority"},
    Label{"recover", "收回结余", "recover the balance"},
    Label{"accountability", "问责", "accountability"},
    // monitoring
    Label{"time_progress", "序时进度", "time progress"},
    Label{"exec_pace", "执行进度", "execution pace"},
    Label{"exec_applicable", "预算执行率适用", "execution rate applies"},
    Label{"has_completion", "已有总体完成率", "overall completion known"},
    Label{"deviation", "偏离度", "deviation"},
    Label{"level", "预警等级", "warning level"},
    Label{"execution.light", "执行率预警", "execution light"},
    Label{"pace.light", "进度预警", "pace light"},
    Label{"impossible.light", "无法实现预警", "impossible-target light"},
    Label{"deviation.light", "偏离度预警", "deviation light"},
    Label{"action", "处理措施", "action"},
    Label{"department", "主管部门", "department"},
    Label{"indicators.counted", "计入完成率的指标个数", "indicators counted"},
    Label{"month", "月份", "month"},
    Label{"as_of_year", "监控年度", "year of the as-of date"},
    // target review
    Label{"score", "审核得分", "review score"},
    Label{"admission", "审核结论", "admission"},
    Label{"completeness", "完整性得分", "completeness points"},
    Label{"relevance", "相关性得分", "relevance points"},
    Label{"appropriateness", "适当性得分", "appropriateness points"},
    Label{"feasibility", "可行性得分", "feasibility points"},
    Label{"completeness.defects", "完整性问题数", "completeness defects"},
    Label{"relevance.defects", "相关性问题数", "relevance defects"},
    Label{"appropriateness.defects", "适当性问题数", "appropriateness defects"},
    Label{"feasibility.defects", "可行性问题数", "feasibility defects"},
    Label{"defects", "问题总数", "defects"},
    Label{"no_indicators", "未设绩效指标", "no indicators"},
    Label{"quantified", "量化指标个数", "quantified indicators"},
    Label{"quantification", "量化率", "quantification rate"},
    Label{"has_goal", "已填总体目标", "overall target given"},
    Label{"revision", "报送次数", "submission"},
    // indicator rules
    Label{"indicator.ratio", "完成率", "completion rate"},
    Label{"indicator.capped", "封顶后的完成率", "capped completion rate"},
    Label{"indicator.weight", "分值", "weight"},
    Label{"indicator.score", "得分", "score"},
    Label{"indicator.direction", "指标方向", "direction"},
    Label{"indicator.level1", "一级指标", "level-1 indicator"},
    Label{"indicator.level2", "二级指标", "level-2 indicator"},
};

bool ascii(std::string_view s) {
    for (const char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

enum class Unit : std::uint8_t { plain, share, points, money, count, text, boolean, date };

using expr::Part;
using K = Part::Kind;

class Describer {
public:
    Describer(const custom::StageSchema& stage, const RuleSet& rules, Lang lang) : stage_(stage), rules_(rules), zh_(lang == Lang::zh) {}

    std::string label(std::string_view name) const {
        for (const Label& l : labels)
            if (l.name == name) return std::string(zh_ ? l.zh : l.en);
        return std::string(name);
    }

    const custom::InputDef* input(std::string_view name) const {
        for (const custom::InputDef& d : stage_.inputs())
            if (d.name == name) return &d;
        return nullptr;
    }

    Unit unit_of_name(std::string_view name, expr::Type t) const {
        switch (t) {
        case expr::Type::text: return Unit::text;
        case expr::Type::boolean: return Unit::boolean;
        case expr::Type::date: return Unit::date;
        default: break;
        }
        if (name == "budget" || name == "spent") return Unit::money;
        if (name == "indicator.ratio" || name == "indicator.capped") return Unit::share;
        if (const custom::InputDef* d = input(name)) {
            switch (d->number) {
            case custom::NumberKind::share: return Unit::share;
            case custom::NumberKind::count:
            case custom::NumberKind::integer: return Unit::count;
            default: break;
            }
        }
        return Unit::plain;
    }

    /// A text value in words: a grade's name, a choice's Chinese synonym (zh).
    std::string text_value(std::string_view name, std::string_view text) const {
        if (name == "grade" || name == "review.grade")
            for (const GradeBand& b : rules_.grades.bands)
                if (b.id == text) return zh_ ? b.zh : b.en.empty() ? b.id : b.en;
        if (!zh_) return std::string(text);
        std::vector<expr::Choice> values;
        if (const custom::InputDef* d = input(name)) values = d->values;
        if (values.empty()) values = custom::field_values(name);
        for (const expr::Choice& c : values)
            if (c.id == text)
                for (const std::string& s : c.synonyms)
                    if (!ascii(s)) return s;
        return std::string(text);
    }

    std::string format(const expr::Value& v, Unit u, std::string_view name = {}) const {
        switch (v.type()) {
        case expr::Type::boolean: return v.as_bool() ? (zh_ ? "是" : "yes") : (zh_ ? "否" : "no");
        case expr::Type::text: return text_value(name, v.as_text());
        case expr::Type::date: return to_string(v.as_date());
        case expr::Type::list: return {};
        case expr::Type::number: break;
        }
        const Number& n = v.as_number();
        switch (u) {
        case Unit::share: return percent(n);
        case Unit::points: return percent_digits(n) + (zh_ ? " 个百分点" : " percentage points");
        case Unit::money:
            if (const auto m = n.exact_money()) return m->to_string() + (zh_ ? " 元" : " yuan");
            break;
        default: break;
        }
        if (const auto d = n.exact_decimal()) return d->to_string();
        const Number r = n.round_to(2, RoundingMode::half_up);
        return (zh_ ? "约 " : "about ") + r.to_string();
    }

    /// The unit a part's value is shown in; `context` for a constant (the other operand's).
    Unit unit(const Part& p, Unit context) const {
        switch (p.kind) {
        case K::name: return unit_of_name(p.name, p.value.type());
        case K::constant: return p.value.type() == expr::Type::number ? context : unit_of_name({}, p.value.type());
        case K::neg:
        case K::abs:
        case K::round: return unit(p.args[0], context);
        case K::add: {
            const Unit a = unit(p.args[0], Unit::plain), b = unit(p.args[1], Unit::plain);
            return p.args[0].kind == K::constant ? unit(p.args[1], context) : a == Unit::plain ? b : a;
        }
        case K::sub: {
            const Unit a = unit(p.args[0], Unit::plain), b = unit(p.args[1], Unit::plain);
            if (a == Unit::share && b == Unit::share) return Unit::points;
            if (p.args[0].kind == K::constant) return unit(p.args[1], context);
            return a == Unit::plain ? b : a;
        }
        case K::mul: {
            // a share of an amount is an amount: budget × 10%
            const Unit a = unit(p.args[0], Unit::plain), b = unit(p.args[1], Unit::plain);
            if (p.args[0].kind == K::constant) return b == Unit::share && context == Unit::share ? Unit::share : b;
            if (p.args[1].kind == K::constant) return a;
            if (a == Unit::share) return b;
            if (b == Unit::share) return a;
            return Unit::plain;
        }
        case K::div: {
            const Unit a = unit(p.args[0], Unit::plain), b = unit(p.args[1], Unit::plain);
            if (p.args[1].kind == K::constant) return a;
            return a == b && a == Unit::money ? Unit::share : Unit::plain;
        }
        case K::min:
        case K::max: {
            for (const Part& a : p.args)
                if (a.kind != K::constant) return unit(a, context);
            return context;
        }
        default: return Unit::plain;
        }
    }

    static bool is_fraction(const Part& c) {
        if (c.value.type() != expr::Type::number) return false;
        const Number& n = c.value.as_number();
        return n.sign() > 0 && n < Number::integer(1);
    }

    bool compound(const Part& p) const { return p.kind != K::name && p.kind != K::constant; }

    /// The part in words, names with their values: 总体完成率 89.07% − 10%.
    std::optional<std::string> words(const Part& p, Unit context) const {
        if (!p.evaluated) return std::nullopt;
        switch (p.kind) {
        case K::name: {
            if (p.value.type() == expr::Type::list) return std::nullopt;
            return label(p.name) + " " + format(p.value, unit_of_name(p.name, p.value.type()), p.name);
        }
        case K::constant:
            if (p.value.type() == expr::Type::number && context == Unit::money) {
                // a constant beside an amount is a number of yuan, or a share when below 1
                return format(p.value, Unit::plain);
            }
            return format(p.value, context);
        case K::neg: {
            const auto a = operand(p.args[0], context);
            if (!a) return std::nullopt;
            return "-" + *a;
        }
        case K::abs: {
            const auto a = words(p.args[0], context);
            if (!a) return std::nullopt;
            return "|" + *a + "|";
        }
        case K::round: {
            const auto a = words(p.args[0], context);
            if (!a) return std::nullopt;
            // a share's places as a percentage's: round(x, 4) keeps 2 decimals of 8.25%
            if (unit(p.args[0], context) == Unit::share && p.digits >= 2) {
                const std::string n = std::to_string(p.digits - 2);
                return *a + (zh_ ? "，百分比保留 " + n + " 位小数" : ", rounded to " + n + " decimals of a percent");
            }
            const std::string n = std::to_string(p.digits);
            return *a + (zh_ ? "，保留 " + n + " 位小数" : ", rounded to " + n + " decimals");
        }
        case K::add:
        case K::sub:
        case K::mul:
        case K::div: {
            Unit ua = unit(p.args[0], Unit::plain), ub = unit(p.args[1], Unit::plain);
            if (p.args[0].kind == K::constant) ua = constant_unit(p, p.args[0], ub, context);
            if (p.args[1].kind == K::constant) ub = constant_unit(p, p.args[1], ua, context);
            const auto a = operand(p.args[0], ua), b = operand(p.args[1], ub);
            if (!a || !b) return std::nullopt;
            const char* op = p.kind == K::add ? " + " : p.kind == K::sub ? " − " : p.kind == K::mul ? " × " : " ÷ ";
            return *a + op + *b;
        }
        case K::min:
        case K::max: {
            const Unit u = unit(p, context);
            std::string s;
            for (const Part& a : p.args) {
                const auto w = words(a, u);
                if (!w) return std::nullopt;
                s += (s.empty() ? "" : zh_ ? "、" : ", ") + *w;
            }
            return zh_ ? s + (p.kind == K::min ? " 中的较小者" : " 中的较大者")
                       : std::string(p.kind == K::min ? "the lesser of " : "the greater of ") + s;
        }
        default: return std::nullopt;
        }
    }

    /// A constant operand `c` of `p`: a share of an amount stays a share (budget × 10%).
    Unit constant_unit(const Part& p, const Part& c, Unit other, Unit context) const {
        if (p.kind == K::mul || p.kind == K::div) {
            if (other == Unit::share) return p.kind == K::mul && context != Unit::share ? Unit::share : Unit::plain;
            // a fraction times an amount, points or a count is a share of it: 分值 10 × 10%
            if (p.kind == K::mul && other != Unit::points && is_fraction(c)) return Unit::share;
            return Unit::plain;
        }
        if (other == Unit::points) return Unit::points; // completion − 10%: percentage points would read 10 个百分点
        return other;
    }

    /// An operand: a compound one in brackets.
    std::optional<std::string> operand(const Part& p, Unit u) const {
        const auto w = words(p, u);
        if (!w) return std::nullopt;
        const bool bracket = p.kind == K::add || p.kind == K::sub || p.kind == K::mul || p.kind == K::div;
        return bracket ? "(" + *w + ")" : *w;
    }

    /// A value in words with its result when it is computed: 1 − 执行率 45% = 55%.
    std::optional<std::string> value(const Part& p, Unit context) const {
        const Unit u = unit(p, context);
        const auto w = words(p, u);
        if (!w) return std::nullopt;
        if (!compound(p) || (p.kind == K::neg && !compound(p.args[0]))) return w;
        if (p.value.type() == expr::Type::number || p.value.type() == expr::Type::date)
            return *w + " = " + format(p.value, u);
        return w;
    }

    /// A condition that held, in words.
    std::optional<std::string> holds(const Part& p) const {
        if (!p.evaluated) return std::nullopt;
        switch (p.kind) {
        case K::and_: {
            const auto a = holds(p.args[0]), b = holds(p.args[1]);
            if (!a || !b) return std::nullopt;
            return *a + (zh_ ? "，且" : ", and ") + *b;
        }
        case K::or_: {
            std::string s;
            for (const Part& a : p.args) {
                if (!a.evaluated || a.value.type() != expr::Type::boolean || !a.value.as_bool()) continue;
                const auto w = holds(a);
                if (!w) return std::nullopt;
                s += (s.empty() ? "" : zh_ ? "，且" : ", and ") + *w;
            }
            if (s.empty()) return std::nullopt;
            return s;
        }
        case K::name:
            if (p.value.type() != expr::Type::boolean) return std::nullopt;
            return label(p.name) + (zh_ ? "：" : ": ") + format(p.value, Unit::boolean);
        case K::constant:
            if (p.value.type() != expr::Type::boolean) return std::nullopt;
            return std::string(zh_ ? "总是成立" : "always");
        case K::in:
        case K::not_in: {
            const Part& x = p.args[0];
            if (x.kind != K::name) return std::nullopt;
            const Unit u = unit(x, Unit::plain);
            std::string items;
            for (std::size_t i = 1; i < p.args.size(); ++i) {
                if (!p.args[i].evaluated) return std::nullopt;
                items += (items.empty() ? "" : zh_ ? "、" : ", ") + format(p.args[i].value, u, x.name);
            }
            const std::string v = format(x.value, u, x.name);
            if (zh_) return label(x.name) + "为" + v + (p.kind == K::in ? "，属于 " : "，不属于 ") + items;
            return label(x.name) + " is " + v + (p.kind == K::in ? ", one of " : ", none of ") + items;
        }
        case K::lt:
        case K::le:
        case K::gt:
        case K::ge:
        case K::eq:
        case K::ne: return compare(p);
        default: return std::nullopt;
        }
    }

    std::optional<std::string> compare(const Part& p) const {
        const Part& l = p.args[0];
        const Part& r = p.args[1];
        if (!l.evaluated || !r.evaluated) return std::nullopt;
        const expr::Type t = l.value.type();
        if (t == expr::Type::text || t == expr::Type::boolean) {
            // grade == "poor": 等级为 差
            const Part* name = l.kind == K::name ? &l : r.kind == K::name ? &r : nullptr;
            const Part* other = name == &l ? &r : &l;
            if (!name || other->kind != K::constant) return std::nullopt;
            const std::string v = format(name->value, Unit::text, name->name);
            const bool eq = p.kind == K::eq;
            if (p.kind != K::eq && p.kind != K::ne) return std::nullopt;
            if (eq) return label(name->name) + (zh_ ? "为" : " is ") + v;
            return label(name->name) + (zh_ ? "为" : " is ") + v + (zh_ ? "，不是" : ", not ") + format(other->value, Unit::text, name->name);
        }
        // The units: a constant takes the other side's.
        Unit ul = unit(l, Unit::plain), ur = unit(r, Unit::plain);
        if (l.kind == K::constant) ul = ur;
        if (r.kind == K::constant) ur = ul;
        const char* op_zh = p.kind == K::lt ? "低于" : p.kind == K::le ? "不高于" : p.kind == K::gt ? "高于" : p.kind == K::ge ? "不低于" : p.kind == K::eq ? "等于" : "不等于";
        const char* op_en = p.kind == K::lt ? "is below" : p.kind == K::le ? "is at most" : p.kind == K::gt ? "is above" : p.kind == K::ge ? "is at least" : p.kind == K::eq ? "equals" : "differs from";
        // abs(a − b) > x: a and b differ by …, more than x
        if ((p.kind == K::gt || p.kind == K::ge) && l.kind == K::abs && l.args[0].kind == K::sub) {
            const Part& d = l.args[0];
            const Unit ua = unit(d.args[0], Unit::plain), ub = unit(d.args[1], Unit::plain);
            const auto a = words(d.args[0], ua), b = words(d.args[1], ub);
            const auto x = value(r, ur);
            if (!a || !b || !x) return std::nullopt;
            if (zh_) return *a + " 与" + *b + " 相差 " + format(l.value, ul) + (p.kind == K::gt ? "，超过 " : "，不少于 ") + *x;
            return *a + " and " + *b + " differ by " + format(l.value, ul) + (p.kind == K::gt ? ", more than " : ", at least ") + *x;
        }
        const auto a = value(l, ul), b = value(r, ur);
        if (!a || !b) return std::nullopt;
        return *a + " " + (zh_ ? op_zh : op_en) + " " + *b;
    }

    /// A number or text an output is set to: 下年核减比例 20%, or 1 − 执行率 45% = 55%.
    std::optional<std::string> output(const Part& p, custom::OutputKind kind) const {
        if (!p.evaluated) return std::nullopt;
        switch (kind) {
        case custom::OutputKind::boolean:
            if (p.kind == K::constant) return format(p.value, Unit::boolean);
            if (const auto h = holds(p); h && p.value.as_bool()) return format(p.value, Unit::boolean) + (zh_ ? "（" : " (") + *h + (zh_ ? "）" : ")");
            return format(p.value, Unit::boolean);
        case custom::OutputKind::choice: return format(p.value, Unit::text, {});
        case custom::OutputKind::share: return value(p, Unit::share);
        case custom::OutputKind::points: {
            const auto v = value(p, Unit::plain);
            if (!v) return std::nullopt;
            return *v + (zh_ ? " 分" : " points");
        }
        }
        return std::nullopt;
    }

private:
    const custom::StageSchema& stage_;
    const RuleSet& rules_;
    bool zh_;
};

} // namespace

std::optional<std::string> describe_condition(const expr::CompiledExpr& e, std::span<const expr::Value> slots,
                                              const custom::StageSchema& stage, const RuleSet& rules, Lang lang) {
    if (slots.empty()) return std::nullopt;
    const auto p = expr::trace(e, slots);
    if (!p || p->value.type() != expr::Type::boolean || !p->value.as_bool()) return std::nullopt;
    return Describer(stage, rules, lang).holds(*p);
}

std::optional<std::string> describe_output(const expr::CompiledExpr& e, std::span<const expr::Value> slots,
                                           const custom::StageSchema& stage, const custom::OutputDef& def,
                                           const RuleSet& rules, Lang lang) {
    if (slots.empty()) return std::nullopt;
    const auto p = expr::trace(e, slots);
    if (!p) return std::nullopt;
    const Describer d(stage, rules, lang);
    if (def.kind == custom::OutputKind::choice && p->value.type() == expr::Type::text) {
        std::string t(p->value.as_text());
        for (const expr::Choice& c : def.values)
            if (c.id == t && lang == Lang::zh)
                for (const std::string& s : c.synonyms)
                    if (!ascii(s)) return s;
        return t;
    }
    return d.output(*p, def.kind);
}

std::optional<std::pair<std::string, std::string>> describe_indicator_rule(const Project& p, const Indicator& ind,
                                                                           const IndicatorResult& r,
                                                                           const custom::IndicatorRule& rule,
                                                                           const RuleSet& rules, Lang lang) {
    std::array<expr::Value, custom::indicator_slot_count> b{};
    indicator_bindings(p, ind, r, r.score - r.custom_adjustment, b); // as the rule saw it: before any adjustment
    const auto when = expr::trace(rule.when, b);
    const auto adjust = expr::trace(rule.adjust, b);
    if (!when || !adjust || when->value.type() != expr::Type::boolean || !when->value.as_bool()) return std::nullopt;
    // The indicator rule's names that the evaluation schema also has (budget, fund
    // source…) take its units and words; indicator.* are labelled above.
    const Describer d(custom::evaluation_schema(), rules, lang);
    auto cond = d.holds(*when);
    auto points = d.output(*adjust, custom::OutputKind::points);
    if (!cond || !points) return std::nullopt;
    return std::pair{std::move(*cond), std::move(*points)};
}

std::string label_of(std::string_view name, Lang lang) {
    for (const Label& l : labels)
        if (l.name == name) return std::string(lang == Lang::zh ? l.zh : l.en);
    return std::string(name);
}

} // namespace perfbudget::detail
