// src/review.cpp — review_project() and its explanation (review.hpp), SPEC §6.
#include "perfbudget/review.hpp"

#include "perfbudget/review_custom.hpp"

#include <string>
#include <unordered_set>

namespace perfbudget {
namespace {

using wide = Fraction::wide;

/// 元, 万元, 元/人次…: a money unit names 元 (SPEC §6 "cost indicators are in money units").
bool money_unit(std::string_view unit) { return unit.find("元") != std::string_view::npos; }

/// A rate as a percentage: 0.4 → "40.00%", 0.123456 → "12.3456%" (2 places at least, exact).
std::string percent(Decimal rate) {
    std::int64_t scaled = 0;
    if (__builtin_mul_overflow(rate.units(), std::int64_t{100}, &scaled)) return rate.to_string();
    const Decimal d = Decimal::from_units(scaled);
    return (scaled % 10'000 == 0 ? d.to_string(2) : d.to_string()) + "%";
}

std::string label(const Project& p, std::uint32_t i) {
    const Indicator& ind = p.indicators[i];
    return "“" + ind.name + "”";
}

/// Collects defects, each deducting its check's points (when the check is on).
class Checks {
public:
    Checks(const ReviewRules& rules, ReviewResult& out) : rules_(rules), out_(out) {}
    bool on(ReviewCheck c) const { return rules_.check(c).enabled; }
    void add(ReviewCheck c, std::optional<std::uint32_t> indicator, std::string en, std::string zh) {
        if (!on(c)) return;
        out_.defects.push_back({c, indicator, rules_.check(c).deduction, std::move(en), std::move(zh)});
    }

private:
    const ReviewRules& rules_;
    ReviewResult& out_;
};

void completeness(const Project& p, Checks& c) {
    std::array<bool, level1_count> has_level1{};
    std::array<bool, 4> has_output{}; // quantity, quality, timeliness, cost
    for (const Indicator& ind : p.indicators) {
        has_level1[static_cast<std::size_t>(ind.level1)] = true;
        const auto l2 = static_cast<std::size_t>(ind.level2);
        if (ind.level1 == Level1::output && l2 < has_output.size()) has_output[l2] = true;
    }
    for (std::size_t k = 0; k < level1_count; ++k)
        if (!has_level1[k])
            c.add(ReviewCheck::level1_missing, std::nullopt, "no " + std::string(names::level1[k]) + " indicator",
                  "缺少" + std::string(names::level1_zh[k]));
    if (has_level1[static_cast<std::size_t>(Level1::output)])
        for (std::size_t k = 0; k < has_output.size(); ++k)
            if (!has_output[k])
                c.add(ReviewCheck::output_level2_missing, std::nullopt,
                      "output indicators have no " + std::string(names::level2[k]) + " indicator",
                      "产出指标缺少" + std::string(names::level2_zh[k]));
    for (std::uint32_t i = 0; i < p.indicators.size(); ++i) {
        const Indicator& ind = p.indicators[i];
        std::string en, zh;
        const auto miss = [&](std::string_view e, std::string_view z) {
            en += (en.empty() ? "" : ", ") + std::string(e);
            zh += (zh.empty() ? "" : "、") + std::string(z);
        };
        if (ind.name.empty()) miss("name", "指标名称");
        // A qualitative indicator's target is its description, which may be blank (SPEC §3).
        if (ind.direction != Direction::qual && std::holds_alternative<std::monostate>(ind.target))
            miss("target", "指标值");
        if (quantified(ind.direction) && ind.unit.empty()) miss("unit", "计量单位");
        if (!en.empty())
            c.add(ReviewCheck::indicator_incomplete, i, "indicator " + label(p, i) + " has no " + en,
                  "指标" + label(p, i) + "缺少" + zh);
    }
    if (p.goal.find_first_not_of(" \t\r\n") == std::string::npos)
        c.add(ReviewCheck::goal_missing, std::nullopt, "no overall target text (goal)", "缺少年度总体目标");
}

/// Whether indicator i's name was used by an earlier indicator. Sheets have a few
/// dozen indicators: a scan of the earlier names allocates nothing; a longer sheet
/// uses a hash set (`names`, filled on first use) so a huge file stays linear.
bool repeated_name(const Project& p, std::uint32_t i, std::unordered_set<std::string_view>& names) {
    constexpr std::size_t scan_up_to = 64;
    const std::string& name = p.indicators[i].name;
    if (p.indicators.size() <= scan_up_to) {
        for (std::uint32_t k = 0; k < i; ++k)
            if (p.indicators[k].name == name) return true;
        return false;
    }
    return !names.insert(name).second;
}

void relevance(const Project& p, Checks& c) {
    std::unordered_set<std::string_view> names; // only for sheets of more than 64 indicators
    for (std::uint32_t i = 0; i < p.indicators.size(); ++i) {
        const Indicator& ind = p.indicators[i];
        if (parent_of(ind.level2) != ind.level1)
            c.add(ReviewCheck::level2_mismatch, i,
                  "indicator " + label(p, i) + ": level2 " + std::string(to_string(ind.level2)) + " is not under " +
                      std::string(to_string(ind.level1)),
                  "指标" + label(p, i) + "：二级指标" + std::string(names::level2_zh[static_cast<std::size_t>(ind.level2)]) +
                      "不属于" + std::string(names::level1_zh[static_cast<std::size_t>(ind.level1)]));
        if (!ind.name.empty() && repeated_name(p, i, names))
            c.add(ReviewCheck::duplicate_name, i, "indicator name " + label(p, i) + " appears more than once",
                  "指标名称" + label(p, i) + "重复");
        if (ind.level2 == Level2::cost && !money_unit(ind.unit))
            c.add(ReviewCheck::cost_unit, i,
                  "cost indicator " + label(p, i) + " is not in a money unit (unit \"" + ind.unit + "\")",
                  "成本指标" + label(p, i) + "的计量单位不是金额单位（“" + ind.unit + "”）");
    }
}

void appropriateness(const Project& p, const ReviewRules& rules, Checks& c) {
    wide cost_micro_yuan = 0; // Σ cost targets in yuan × 10^6 (万元 × 10^4 first), exact
    bool any_cost = false;
    for (std::uint32_t i = 0; i < p.indicators.size(); ++i) {
        const Indicator& ind = p.indicators[i];
        const Decimal* target = std::get_if<Decimal>(&ind.target);
        if (!target) continue;
        if (ind.level1 == Level1::satisfaction && *target < rules.satisfaction_min)
            c.add(ReviewCheck::satisfaction_target, i,
                  "satisfaction target " + label(p, i) + " " + percent(*target) + " is below " +
                      percent(rules.satisfaction_min),
                  "满意度指标" + label(p, i) + "的指标值 " + percent(*target) + " 低于 " + percent(rules.satisfaction_min));
        if (ind.level2 == Level2::cost && (ind.unit == "元" || ind.unit == "万元")) {
            any_cost = true;
            cost_micro_yuan = cost_micro_yuan + wide(target->units()) * wide(std::int64_t{ind.unit == "万元" ? 10'000 : 1});
        }
        const Decimal* last = std::get_if<Decimal>(&ind.last_year_actual);
        if (ind.direction == Direction::ge && last && *target < *last)
            c.add(ReviewCheck::target_too_low, i,
                  "target " + label(p, i) + " " + target->to_string() + " is below last year's actual " + last->to_string() +
                      ": set too low",
                  "指标" + label(p, i) + "的指标值 " + target->to_string() + " 低于上年实际完成值 " + last->to_string() +
                      "：设定偏低");
    }
    // yuan × 10^6 against fen × 10^4: both in micro-yuan.
    if (any_cost && cost_micro_yuan > wide(p.budget.fen()) * 10'000)
        c.add(ReviewCheck::cost_over_budget, std::nullopt,
              "cost indicators total " + Fraction(cost_micro_yuan, 1'000'000).to_string(2) + " yuan, above the budget " +
                  p.budget.to_string(),
              "成本指标合计 " + Fraction(cost_micro_yuan, 1'000'000).to_string(2) + " 元，超过预算 " + p.budget.to_string() + " 元");
}

void feasibility(const Project& p, const ReviewRules& rules, ReviewResult& r, Checks& c) {
    if (p.year)
        for (std::uint32_t i = 0; i < p.indicators.size(); ++i) {
            const Date* d = std::get_if<Date>(&p.indicators[i].target);
            if (d && d->ok() && static_cast<int>(d->year()) != *p.year)
                c.add(ReviewCheck::date_outside_year, i,
                      "date target " + label(p, i) + " " + to_string(*d) + " is outside the budget year " +
                          std::to_string(*p.year),
                      "时效指标" + label(p, i) + "的日期 " + to_string(*d) + " 不在预算年度 " + std::to_string(*p.year) + " 内");
        }
    if (r.quantification && *r.quantification < rules.quantification_min)
        c.add(ReviewCheck::quantification_low, std::nullopt,
              "quantification " + std::to_string(r.quantified) + "/" + std::to_string(r.indicators) + " = " +
                  percent(*r.quantification) + " is below " + percent(rules.quantification_min),
              "量化率 " + std::to_string(r.quantified) + "/" + std::to_string(r.indicators) + " = " +
                  percent(*r.quantification) + " 低于 " + percent(rules.quantification_min));
    const auto n = static_cast<long long>(r.indicators);
    if (n < rules.min_indicators || n > rules.max_indicators)
        c.add(ReviewCheck::indicator_count, std::nullopt,
              std::to_string(n) + " indicators, not between " + std::to_string(rules.min_indicators) + " and " +
                  std::to_string(rules.max_indicators),
              "指标 " + std::to_string(n) + " 个，不在 " + std::to_string(rules.min_indicators) + " 至 " +
                  std::to_string(rules.max_indicators) + " 个之间");
}

} // namespace

void review_project(const Project& p, const RuleSet& rules, ReviewResult& r) {
    const ReviewRules& rr = rules.review;
    r.defects.clear();
    r.indicators = static_cast<std::uint32_t>(p.indicators.size());
    r.quantified = 0;
    for (const Indicator& ind : p.indicators) r.quantified += quantified(ind.direction) ? 1 : 0;
    r.quantification.reset();
    if (r.indicators)
        r.quantification = Fraction(wide(std::int64_t{r.quantified}), wide(std::int64_t{r.indicators})).rounded(4, RoundingMode::half_up);
    r.no_indicators = r.indicators == 0;

    Checks c(rr, r);
    completeness(p, c);
    relevance(p, c);
    appropriateness(p, rr, c);
    feasibility(p, rr, r, c);

    r.clear_custom();
    detail::regrade_review(rules, r);
    apply_review_custom(p, rules, r);
}

void detail::regrade_review(const RuleSet& rules, ReviewResult& r) {
    const ReviewRules& rr = rules.review;
    r.dimensions = rr.points;
    for (const ReviewDefect& d : r.defects) {
        Decimal& left = r.dimensions[static_cast<std::size_t>(d.dimension())];
        left = d.deduction < left ? left - d.deduction : Decimal(); // never below 0
    }
    // Seed 001: no target at all, no budget — whatever the other dimensions say.
    if (r.no_indicators) r.dimensions[static_cast<std::size_t>(ReviewDimension::completeness)] = Decimal();
    r.score = Decimal();
    for (Decimal d : r.dimensions) r.score += d;
    r.grade = r.no_indicators ? rules.grades.size() - 1 : rules.grades.grade_of(r.score);
    if (!r.admission_set) r.admission = r.no_indicators ? Admission::reject : rr.admission(r.grade);
}

std::string_view review_check_id(const ReviewDefect& d, const RuleSet& rules) {
    if (d.custom() && d.step < rules.review.custom.steps.size()) return rules.review.custom.steps[d.step].id();
    return to_string(d.check);
}

std::string review_defect_ids(const ReviewResult& r, const RuleSet& rules) {
    std::string s;
    append_review_defect_ids(s, r, rules);
    return s;
}

void append_review_defect_ids(std::string& s, const ReviewResult& r, const RuleSet& rules) {
    std::array<bool, review_check_count> failed{};
    std::vector<bool> county(rules.review.custom.steps.size()); // no allocation without county steps
    for (const ReviewDefect& d : r.defects) {
        if (!d.custom()) failed[static_cast<std::size_t>(d.check)] = true;
        else if (d.step < county.size()) county[d.step] = true;
    }
    const std::size_t start = s.size();
    if (r.no_indicators) s += "no_indicators";
    // Appended in place: no temporary `";" + id` (which also made GCC 12 report a bogus -Wrestrict).
    const auto append = [&s, start](std::string_view id) {
        if (s.size() != start) s += ';';
        s += id;
    };
    for (std::size_t c = 0; c < review_check_count; ++c)
        if (failed[c]) append(names::review_check[c]);
    for (std::size_t k = 0; k < county.size(); ++k)
        if (county[k]) append(rules.review.custom.steps[k].id());
}

std::vector<ExplanationLine> explain_review(const Project& p, const ReviewResult& r, const RuleSet& rules, Lang lang) {
    const bool zh = lang == Lang::zh;
    const ReviewRules& rr = rules.review;
    std::vector<ExplanationLine> out;
    const auto add = [&](std::string rule, const RuleRef& ref, std::string text) {
        out.push_back({std::move(rule), rules.cite(ref), std::move(text)});
    };
    const auto& steps = rr.custom.steps;
    for (const ReviewDefect& d : r.defects) {
        const bool county = d.custom() && d.step < steps.size();
        add(county ? "review.custom." + steps[d.step].id() : "review.checks." + std::string(to_string(d.check)),
            county ? steps[d.step].where() : rr.check(d.check).where,
            (zh ? d.zh + "：" + std::string(names::review_dimension_zh[static_cast<std::size_t>(d.dimension())]) + "扣 "
                : d.en + ": " + std::string(to_string(d.dimension())) + " − ") +
                d.deduction.to_string(2));
    }
    for (std::size_t c = 0; c < review_check_count; ++c)
        if (!rr.checks[c].enabled)
            add("review.checks." + std::string(names::review_check[c]), rr.checks[c].where,
                zh ? "未启用“" + std::string(names::review_check_zh[c]) + "”检查" : "check " + std::string(names::review_check[c]) + " is off");
    if (!p.year)
        add("review.checks.date_outside_year", rr.check(ReviewCheck::date_outside_year).where,
            zh ? "项目没有预算年度：未检查时效指标的日期" : "no budget year: date targets not checked against it");
    bool last_year = false;
    for (const Indicator& ind : p.indicators) last_year = last_year || std::holds_alternative<Decimal>(ind.last_year_actual);
    if (!last_year && !p.indicators.empty())
        add("review.checks.target_too_low", rr.check(ReviewCheck::target_too_low).where,
            zh ? "没有上年实际完成值（last_year_actual）：未检查指标值是否偏低"
               : "no last_year_actual given: targets not checked for being set too low");
    if (r.no_indicators)
        add("review.points.completeness", rr.points_where[0],
            zh ? "没有任何绩效指标：完整性 0 分，评为最低等级，不予安排预算"
               : "no indicator at all: completeness 0, lowest grade, rejected");
    std::string sum;
    for (std::size_t d = 0; d < review_dimension_count; ++d) {
        add("review.points." + std::string(names::review_dimension[d]), rr.points_where[d],
            (zh ? std::string(names::review_dimension_zh[d]) + " " : std::string(names::review_dimension[d]) + " ") +
                r.dimensions[d].to_string(2) + " / " + rr.points[d].to_string(2));
        sum += (sum.empty() ? "" : " + ") + r.dimensions[d].to_string(2);
    }
    const GradeBand& band = rules.grades.bands[r.grade];
    add("evaluation.grades", band.where,
        (zh ? "得分 " : "score ") + sum + " = " + r.score.to_string(2) + " → " + (zh ? band.zh : band.en));
    const auto a = static_cast<std::size_t>(r.admission);
    const auto step_of = [&](std::uint16_t one_based) -> const custom::Step& { return steps[one_based - 1U]; };
    if (r.admission_set && r.admission_step && r.admission_step <= steps.size()) {
        const custom::Step& s = step_of(r.admission_step);
        const std::string& why = zh ? (s.kind == custom::Step::Kind::rule ? s.rule.zh : s.table.zh)
                                    : (s.kind == custom::Step::Kind::rule ? s.rule.en : s.table.en);
        add("review.custom." + s.id(), s.where(),
            (zh ? std::string("审核结论：") + std::string(names::admission_zh[a]) : "admission: " + std::string(names::admission[a])) +
                (why.empty() ? "" : (zh ? "（" + why + "）" : " (" + why + ")")));
    } else {
        add("review.admission", rr.admission_where,
            zh ? std::string("审核结论：") + std::string(names::admission_zh[a]) : "admission: " + std::string(names::admission[a]));
    }
    if (r.has_cut && r.cut_step && r.cut_step <= steps.size()) {
        const custom::Step& s = step_of(r.cut_step);
        const std::string rate = percent(r.cut_rate);
        add("review.custom." + s.id(), s.where(),
            zh ? "建议核减 " + p.budget.to_string() + " × " + rate + " = " + r.cut.to_string() + " 元"
               : "cut recommended: " + p.budget.to_string() + " × " + rate + " = " + r.cut.to_string() + " yuan");
    }
    return out;
}

} // namespace perfbudget
