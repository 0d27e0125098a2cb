// Review custom steps (review_custom.hpp): the review schema and the runtime,
// apply_review_custom(), called once at the end of reviewing a project.
#include "perfbudget/review_custom.hpp"

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

constexpr std::uint32_t bit(ReviewSlot s) { return detail::slot_bit(s); }

std::vector<expr::Choice> admission_values() { return custom::id_values(names::admission, names::admission_zh); }

std::vector<InputDef> indicator_fields() {
    using K = NumberKind;
    return {
        {"name", Type::text, K::any, {}, "三级指标 name"},
        {"level1", Type::text, K::any, custom::field_values("indicator.level1"), "一级指标"},
        {"level2", Type::text, K::any, custom::field_values("indicator.level2"), "二级指标"},
        {"direction", Type::text, K::any, custom::field_values("indicator.direction"), "指标方向"},
        {"unit", Type::text, K::any, {}, "计量单位 (`\"\"` when blank)"},
        {"quantified", Type::boolean, K::any, {}, "the direction is numeric (ge, le, eq)"},
        {"has_target", Type::boolean, K::any, {}, "the target is a number"},
        {"target", Type::number, K::any, {}, "the target as read (`90%` is 0.9; 0 when not a number: see has_target)"},
        {"has_last_year_actual", Type::boolean, K::any, {}, "last_year_actual is given (a number)"},
        {"last_year_actual", Type::number, K::any, {}, "last year's actual (0 when blank: see has_last_year_actual)"},
    };
}

custom::StageSchema make_review_schema(std::vector<expr::Choice> grades) {
    using K = NumberKind;
    std::vector<InputDef> inputs = {
        {"budget", Type::number, K::any, {}, "yuan"},
        {"score", Type::number, K::any, {}, "the review score, Σ of the four dimensions (after earlier steps' deductions)"},
        {"grade", Type::text, K::any, std::move(grades), "the grade of the score (the lowest without indicators)"},
        {"admission", Type::text, K::any, admission_values(), "the admission so far"},
        {"completeness", Type::number, K::any, {}, "完整性 points left"},
        {"relevance", Type::number, K::any, {}, "相关性 points left"},
        {"appropriateness", Type::number, K::any, {}, "适当性 points left"},
        {"feasibility", Type::number, K::any, {}, "可行性 points left"},
        {"completeness.defects", Type::number, K::count, {}, "defects of completeness so far (built-in and earlier steps')"},
        {"relevance.defects", Type::number, K::count, {}, "defects of relevance so far"},
        {"appropriateness.defects", Type::number, K::count, {}, "defects of appropriateness so far (targets set unreasonably)"},
        {"feasibility.defects", Type::number, K::count, {}, "defects of feasibility so far"},
        {"defects", Type::number, K::count, {}, "all defects so far"},
        {"no_indicators", Type::boolean, K::any, {}, "the sheet has no indicator at all (seed 001: no target)"},
        {"indicators.count", Type::number, K::count, {}, "the sheet's indicators"},
        {"quantified", Type::number, K::count, {}, "indicators with a numeric direction (ge, le, eq)"},
        {"quantification", Type::number, K::share, {}, "量化率 quantified / indicators, exact (0 without indicators)"},
        {"has_goal", Type::boolean, K::any, {}, "the overall target text (总体目标, `goal`) is not blank"},
        {"revision", Type::text, K::any, custom::field_values("revision"),
         "which submission of the sheet (projects.csv `revision`, `first` when absent)"},
        {"fund_source", Type::text, K::any, custom::field_values("fund_source"), "资金来源"},
        {"budget_kind", Type::text, K::any, custom::field_values("budget_kind"), "预算类型"},
        {"category", Type::text, K::any, {}, "the project's category (`\"\"` when absent)"},
        {"department", Type::text, K::any, {}, "the project's department"},
        {"year", Type::number, K::integer, {}, "the budget year (0 when absent)"},
        {"cut", Type::number, K::share, {}, "the cut rate set by earlier steps (0 when none)"},
        {"indicators", Type::list, K::any, {}, "the sheet's indicators, in file order, for quantifiers", indicator_fields()},
    };
    // A deduction is a defect of its dimension: it changes the points, the counts,
    // the score and so the grade and (unless a step set it) the admission.
    const auto deduct = [](ReviewDimension d, ReviewSlot points, ReviewSlot count) {
        const auto i = static_cast<std::size_t>(d);
        return OutputDef{"deduct." + std::string(names::review_dimension[i]),
                         std::string(names::review_dimension_zh[i]) + "扣分",
                         OutputKind::points,
                         {},
                         bit(points) | bit(count) | bit(ReviewSlot::defects) | bit(ReviewSlot::score) |
                             bit(ReviewSlot::grade) | bit(ReviewSlot::admission),
                         "a county's check: a defect of " + std::string(names::review_dimension[i]) +
                             " whose id and reason are the step's, deducting these points (≥ 0, at most 2 decimals; the "
                             "dimension stops at 0); re-grades"};
    };
    std::vector<OutputDef> outputs = {
        deduct(ReviewDimension::completeness, ReviewSlot::completeness, ReviewSlot::completeness_defects),
        deduct(ReviewDimension::relevance, ReviewSlot::relevance, ReviewSlot::relevance_defects),
        deduct(ReviewDimension::appropriateness, ReviewSlot::appropriateness, ReviewSlot::appropriateness_defects),
        deduct(ReviewDimension::feasibility, ReviewSlot::feasibility, ReviewSlot::feasibility_defects),
        {"admission", "审核结论", OutputKind::choice, admission_values(), bit(ReviewSlot::admission),
         "overrides the admission of the grade"},
        {"cut", "核减比例", OutputKind::share, {}, bit(ReviewSlot::cut),
         "cut recommendation (酌情削减项目经费): cut = budget × rate, half-up to the fen"},
    };
    return custom::StageSchema("review", "the built-in checks and grading", "内置审核检查与评级", std::move(inputs),
                               std::move(outputs), false);
}

/// Field `field` of indicator `item` of the project (expr::Items::field).
expr::Value indicator_field(const void* context, std::uint32_t item, std::uint32_t field) {
    const Indicator& ind = static_cast<const Project*>(context)->indicators[item];
    const Decimal* target = std::get_if<Decimal>(&ind.target);
    const Decimal* last = std::get_if<Decimal>(&ind.last_year_actual);
    switch (static_cast<ReviewItem>(field)) {
    case ReviewItem::name: return expr::Value::text(ind.name);
    case ReviewItem::level1: return expr::Value::text(to_string(ind.level1));
    case ReviewItem::level2: return expr::Value::text(to_string(ind.level2));
    case ReviewItem::direction: return expr::Value::text(to_string(ind.direction));
    case ReviewItem::unit: return expr::Value::text(ind.unit);
    case ReviewItem::quantified: return expr::Value::boolean(quantified(ind.direction));
    case ReviewItem::has_target: return expr::Value::boolean(target != nullptr);
    case ReviewItem::target: return expr::Value::number(target ? *target : Decimal{});
    case ReviewItem::has_last_year_actual: return expr::Value::boolean(last != nullptr);
    case ReviewItem::last_year_actual: return expr::Value::number(last ? *last : Decimal{});
    }
    return expr::Value::number(Decimal{});
}

/// The state review steps work on: the bindings, filled once per project (only
/// the slots some step reads), and the project's result.
class ReviewRunner : public detail::StepWalker<ReviewRunner>, detail::StageBindings<ReviewSlot, review_slot_count> {
    friend class detail::StepWalker<ReviewRunner>;

public:
    ReviewRunner(const Project& p, const RuleSet& rules, ReviewResult& out)
        : StageBindings(rules.review.custom.reads), p_(p), rules_(rules), steps_(rules.review.custom), out_(out),
          items_{static_cast<std::uint32_t>(p.indicators.size()), &p, &indicator_field, &witness_} {
        using S = ReviewSlot;
        if (needs(S::budget)) set(S::budget, expr::Value::number(p.budget));
        set_scores();
        if (needs(S::no_indicators)) set(S::no_indicators, expr::Value::boolean(out.no_indicators));
        if (needs(S::indicators_count)) set(S::indicators_count, expr::Value::integer(out.indicators));
        if (needs(S::quantified)) set(S::quantified, expr::Value::integer(out.quantified));
        if (needs(S::quantification))
            set(S::quantification,
                expr::Value::number(out.indicators ? Fraction(Fraction::wide(std::int64_t{out.quantified}),
                                                              Fraction::wide(std::int64_t{out.indicators}))
                                                   : Fraction()));
        if (needs(S::has_goal))
            set(S::has_goal, expr::Value::boolean(p.goal.find_first_not_of(" \t\r\n") != std::string::npos));
        if (needs(S::revision)) set(S::revision, expr::Value::text(to_string(p.revision)));
        if (needs(S::fund_source)) set(S::fund_source, expr::Value::text(to_string(p.fund_source)));
        if (needs(S::budget_kind)) set(S::budget_kind, expr::Value::text(to_string(p.budget_kind)));
        if (needs(S::category)) set(S::category, expr::Value::text(p.category));
        if (needs(S::department)) set(S::department, expr::Value::text(p.department));
        if (needs(S::year)) set(S::year, expr::Value::integer(p.year.value_or(0)));
        if (needs(S::cut)) set(S::cut, expr::Value::number(Decimal{}));
        if (needs(S::indicators)) set(S::indicators, expr::Value::list(items_));
    }

    void run() {
        walk(steps_.steps, slots(), out_.fired, out_.fired_count);
        if (out_.has_cut) out_.cut = p_.budget.times(out_.cut_rate);
    }

private:
    // The indicator that decided a firing condition's quantifier (expr::Items::witness):
    // a county check that deducts points at that row (`not indicators.all(i, …)`
    // marks the first indicator failing it).
    void before_condition() { witness_ = no_witness; }
    void on_fire() { fired_witness_ = witness_; }
    static constexpr std::uint32_t no_witness = UINT32_MAX;

    /// The slots a deduction changes: points, defect counts, score, grade, admission.
    void set_scores() {
        using S = ReviewSlot;
        std::array<std::int64_t, review_dimension_count> counts{};
        for (const ReviewDefect& d : out_.defects) ++counts[static_cast<std::size_t>(d.dimension())];
        for (std::size_t d = 0; d < review_dimension_count; ++d) {
            const auto points = static_cast<S>(static_cast<std::size_t>(S::completeness) + d);
            const auto count = static_cast<S>(static_cast<std::size_t>(S::completeness_defects) + d);
            if (needs(points)) set(points, expr::Value::number(out_.dimensions[d]));
            if (needs(count)) set(count, expr::Value::integer(counts[d]));
        }
        if (needs(S::defects)) set(S::defects, expr::Value::integer(static_cast<std::int64_t>(out_.defects.size())));
        if (needs(S::score)) set(S::score, expr::Value::number(out_.score));
        if (needs(S::grade)) set(S::grade, expr::Value::text(rules_.grades.bands[out_.grade].id));
        set_admission();
    }
    void set_admission() {
        if (needs(ReviewSlot::admission)) set(ReviewSlot::admission, expr::Value::text(to_string(out_.admission)));
    }

    [[noreturn]] void fail(const RuleRef& where, const std::string& en, const std::string& zh) const {
        detail::step_failed(p_.id, rules_.cite(where), "review", "审核", en, zh);
    }

    expr::Value check(const expr::CompiledExpr& e, const RuleRef& where) const { return evaluate_at(e, where, slots()); }

    /// A number an output computed as a Decimal with at most `places` decimals, within [0, `max`] when given.
    Decimal amount(const custom::Output& o, const expr::Value& v, int places, const char* what_en, const char* what_zh,
                   std::optional<Number> max) const {
        const Number& f = v.as_number();
        if (f < Number() || (max && f > *max))
            fail(o.where, std::string(what_en) + " must be " + (max ? "a share from 0% to 100%" : "0 or more") + ", not " + v.to_string(),
                 std::string(what_zh) + (max ? "应在 0% 至 100% 之间" : "不能为负数") + "，实际为 " + v.to_string());
        const std::optional<Decimal> d = f.exact_decimal();
        if (!d || d->units() % perfbudget::detail::pow10[Decimal::scale - places] != 0)
            fail(o.where,
                 std::string(what_en) + " " + v.to_string() + " has more than " + std::to_string(places) + " decimals; round() it",
                 std::string(what_zh) + " " + v.to_string() + " 超过 " + std::to_string(places) + " 位小数，请用 round()");
        return *d;
    }

    void apply(const custom::Output& o, std::size_t step) {
        const expr::Value v = check(o.value, o.where);
        const auto t = static_cast<ReviewTarget>(o.target);
        switch (t) {
        case ReviewTarget::deduct_completeness:
        case ReviewTarget::deduct_relevance:
        case ReviewTarget::deduct_appropriateness:
        case ReviewTarget::deduct_feasibility: {
            const Decimal points = amount(o, v, 2, "the deduction", "扣分", std::nullopt);
            const auto dim = static_cast<ReviewDimension>(static_cast<std::size_t>(t));
            const custom::Step& s = steps_.steps[step];
            const std::string& en = s.kind == custom::Step::Kind::rule ? s.rule.en : s.table.en;
            const std::string& zh = s.kind == custom::Step::Kind::rule ? s.rule.zh : s.table.zh;
            ReviewDefect d{};
            d.deduction = points;
            d.en = en.empty() ? s.id() : en;
            d.zh = zh.empty() ? s.id() : zh;
            if (fired_witness_ < p_.indicators.size()) {
                d.indicator = fired_witness_;
                const std::string& name = p_.indicators[fired_witness_].name;
                d.en += " (indicator \"" + name + "\")";
                d.zh += "（指标“" + name + "”）";
            }
            d.step = static_cast<std::uint16_t>(step);
            d.custom_dimension = dim;
            out_.defects.push_back(std::move(d));
            detail::regrade_review(rules_, out_);
            set_scores();
            break;
        }
        case ReviewTarget::admission: {
            const custom::OutputDef& def = review_schema().outputs()[static_cast<std::size_t>(o.target)];
            const auto i = custom::choice_index(def.values, v.as_text());
            if (!i)
                fail(o.where, "admission must be one of proceed, fix, resubmit, reject, not " + v.to_string(),
                     "审核结论取值无效：" + v.to_string());
            out_.admission = static_cast<Admission>(*i);
            out_.admission_set = true;
            out_.admission_step = static_cast<std::uint16_t>(step + 1);
            set_admission();
            break;
        }
        case ReviewTarget::cut:
            out_.cut_rate = amount(o, v, Decimal::scale, "the cut", "核减比例", Number::integer(1));
            out_.has_cut = true;
            out_.cut_step = static_cast<std::uint16_t>(step + 1);
            if (needs(ReviewSlot::cut)) set(ReviewSlot::cut, expr::Value::number(out_.cut_rate));
            break;
        }
    }

    const Project& p_;
    const RuleSet& rules_;
    const CustomRules& steps_;
    ReviewResult& out_;
    std::uint32_t witness_ = no_witness, fired_witness_ = no_witness;
    expr::Items items_;
};

} // namespace

const custom::StageSchema& review_schema() {
    static const custom::StageSchema s = make_review_schema({});
    return s;
}
custom::StageSchema review_schema(std::vector<expr::Choice> grades) { return make_review_schema(std::move(grades)); }

void apply_review_custom(const Project& project, const RuleSet& rules, ReviewResult& out) {
    out.clear_custom();
    if (rules.review.custom.steps.empty()) return;
    ReviewRunner runner(project, rules, out);
    runner.run();
}

std::vector<std::string_view> review_custom_ids(const ReviewResult& r, const RuleSet& rules) {
    return detail::fired_step_ids(std::span(r.fired.data(), r.fired_count), rules.review.custom.steps);
}

} // namespace perfbudget
