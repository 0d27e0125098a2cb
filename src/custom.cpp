// Custom rules and decision tables at evaluation (custom_rules.hpp): the schema
// their expressions read, and apply_custom(), which runs them on a graded project.
#include "perfbudget/custom_rules.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"

#include "evaluate_engine.hpp"
#include "number_sum.hpp"
#include "indicator_bindings.hpp"
#include "step_walker.hpp"

#include <array>
#include <string>

namespace perfbudget {

namespace custom {

namespace {

using expr::Type;

constexpr std::uint32_t bit(Slot s) { return detail::slot_bit(s); }

/// The evaluation's inputs, in Slot order (the Runner fills them by Slot).
std::vector<InputDef> evaluation_inputs(std::vector<expr::Choice> grades) {
    using K = NumberKind;
    return {
        {"budget", Type::number, K::any, {}, "yuan"},
        {"spent", Type::number, K::any, {}, "yuan"},
        {"exec_rate", Type::number, K::share, {}, "spent / budget, exact (0 when a zero budget is not applicable)"},
        {"exec_score", Type::number, K::any, {}, "points, as scored"},
        {"indicator_score", Type::number, K::any, {}, "points, as scored"},
        {"total", Type::number, K::any, {}, "the total, after any adjustment by earlier steps"},
        {"grade", Type::text, K::any, std::move(grades), "the grade's id (`\"good\"`), after any re-grading"},
        {"fund_source", Type::text, K::any, field_values("fund_source"), "资金来源"},
        {"budget_kind", Type::text, K::any, field_values("budget_kind"), "预算类型"},
        {"category", Type::text, K::any, {}, "the project's category (`\"\"` when absent)"},
        {"year", Type::number, K::integer, {}, "the budget year (0 when absent)"},
        {"rectification", Type::text, K::any, field_values("rectification"),
         "an earlier rectification request's outcome"},
        {"indicators.count", Type::number, K::count, {}, "number of indicators"},
        {"indicators.min_ratio", Type::number, K::share, {}, "the least capped completion ratio rc"},
        {"over_completed.count", Type::number, K::count, {},
         "indicators with r ≥ `evaluation.over_completion.threshold` (120%)"},
        {"completion", Type::number, K::share, {}, "总体完成率 Σ(weight × rc) / Σ weight, exact (0 without indicators)"},
        {"cut", Type::number, K::share, {}, "the next-year cut rate so far (a share)"},
        {"rectify", Type::boolean, K::any, {}, "限期整改, so far"},
        {"priority", Type::boolean, K::any, {}, "优先安排, so far"},
        {"recover", Type::boolean, K::any, {}, "whether the balance is recovered (fund-source exemption included), so far"},
        {"accountability", Type::boolean, K::any, {}, "问责, so far"},
    };
}

/// The evaluation's outputs, in Target order.
std::vector<OutputDef> evaluation_outputs() {
    using K = OutputKind;
    const std::uint32_t regrade = bit(Slot::total) | bit(Slot::grade) | bit(Slot::cut) | bit(Slot::rectify) |
                                  bit(Slot::priority) | bit(Slot::recover);
    return {
        {"cut", "下年核减比例", K::share, {}, bit(Slot::cut), "next-year cut rate: cut = budget × rate, half-up to the fen"},
        {"rectify", "限期整改", K::boolean, {}, bit(Slot::rectify), "rectify within a deadline"},
        {"priority", "优先安排", K::boolean, {}, bit(Slot::priority), "priority in next year's budget"},
        {"recover", "收回结余", K::boolean, {}, bit(Slot::recover),
         "recover the unspent balance max(budget − spent, 0) (or not)"},
        {"accountability", "问责", K::boolean, {}, bit(Slot::accountability), "accountability (only custom rules set it; false otherwise)"},
        // Re-grading changes the grade and every national result that depends on it.
        {"adjust", "总分调整", K::points, {}, regrade,
         "points added to the total (negative: deducted), rounded like a score; the project is then re-graded"},
    };
}

StageSchema make_evaluation_schema(std::vector<expr::Choice> grades) {
    return StageSchema("evaluation", "grading", "评级", evaluation_inputs(std::move(grades)), evaluation_outputs(), true);
}

} // namespace

const StageSchema& evaluation_schema() {
    static const StageSchema s = make_evaluation_schema({});
    return s;
}
StageSchema evaluation_schema(std::vector<expr::Choice> grades) { return make_evaluation_schema(std::move(grades)); }

std::string_view slot_name(Slot s) { return evaluation_schema().inputs()[static_cast<std::size_t>(s)].name; }

expr::Schema schema(std::vector<expr::Choice> grades) { return evaluation_schema(std::move(grades)).expr(); }

std::vector<expr::Choice> grade_values(const GradeScale& scale) {
    std::vector<expr::Choice> out;
    for (const GradeBand& b : scale.bands) {
        out.push_back({b.id, {}});
        if (!b.zh.empty() && b.zh != b.id) out.back().synonyms.push_back(b.zh);
    }
    return out;
}

const expr::Schema& schema() { return evaluation_schema().expr(); }

namespace {
constexpr std::array<std::string_view, indicator_slot_count> indicator_slot_names = {
    "indicator.ratio", "indicator.capped", "indicator.weight", "indicator.score", "indicator.direction",
    "indicator.level1", "indicator.level2", "budget", "spent", "fund_source", "budget_kind", "category", "year",
    "rectification"};
constexpr std::array<Type, indicator_slot_count> indicator_slot_types = {
    Type::number, Type::number, Type::number, Type::number, Type::text, Type::text, Type::text, // indicator.*
    Type::number, Type::number, Type::text,   Type::text,   Type::text, Type::number, Type::text};
} // namespace

std::string_view indicator_slot_name(IndicatorSlot s) { return indicator_slot_names[static_cast<std::size_t>(s)]; }

const expr::Schema& indicator_schema() {
    static const expr::Schema s = [] {
        expr::Schema sc;
        for (std::size_t i = 0; i < indicator_slot_count; ++i)
            sc.add(std::string(indicator_slot_names[i]), indicator_slot_types[i], field_values(indicator_slot_names[i]));
        return sc;
    }();
    return s;
}

std::string_view target_name(Target t) { return evaluation_schema().outputs()[static_cast<std::size_t>(t)].name; }
std::string_view target_name_zh(Target t) { return evaluation_schema().outputs()[static_cast<std::size_t>(t)].zh; }
expr::Type target_type(Target t) { return evaluation_schema().outputs()[static_cast<std::size_t>(t)].type(); }
std::uint32_t target_writes(Target t) { return evaluation_schema().outputs()[static_cast<std::size_t>(t)].writes; }

} // namespace custom

namespace {

using custom::Slot;
using custom::Target;

/// The state custom steps work on: the bindings their expressions read, plus the
/// recover flag (the amount is computed once at the end).
class Runner : public detail::StepWalker<Runner> {
    friend class detail::StepWalker<Runner>;

public:
    Runner(const CustomInput& p, const CustomAggregates& agg, const RuleSet& rules, ProjectResult& out)
        : p_(p), rules_(rules), out_(out), reads_(rules.custom.reads) {
        // Only the slots some step reads are filled: slots no step reads are never
        // looked at, and filling all 21 cost more than evaluating a step.
        if (needs(Slot::budget)) set(Slot::budget, expr::Value::number(p.funds.budget));
        if (needs(Slot::spent)) set(Slot::spent, expr::Value::number(p.funds.spent));
        if (needs(Slot::exec_rate)) set(Slot::exec_rate, expr::Value::number(out.exec_rate));
        if (needs(Slot::exec_score)) set(Slot::exec_score, expr::Value::number(out.exec_score));
        if (needs(Slot::indicator_score)) set(Slot::indicator_score, expr::Value::number(out.indicator_score));
        if (needs(Slot::fund_source)) set(Slot::fund_source, expr::Value::text(to_string(p.funds.fund_source)));
        if (needs(Slot::budget_kind)) set(Slot::budget_kind, expr::Value::text(to_string(p.budget_kind)));
        if (needs(Slot::category)) set(Slot::category, expr::Value::text(p.category));
        if (needs(Slot::year)) set(Slot::year, expr::Value::integer(p.year));
        if (needs(Slot::rectification)) set(Slot::rectification, expr::Value::text(to_string(p.rectification)));
        // Aggregates over the indicator results, summed as they were scored.
        if (needs(Slot::indicators_count)) set(Slot::indicators_count, expr::Value::integer(agg.count));
        if (needs(Slot::indicators_min_ratio))
            set(Slot::indicators_min_ratio, expr::Value::number(agg.count ? *agg.min_ratio : Fraction::zero()));
        if (needs(Slot::over_completed_count)) set(Slot::over_completed_count, expr::Value::integer(agg.over_completed));
        if (needs(Slot::completion)) set(Slot::completion, expr::Value::number(completion(agg, out)));
        if (needs(Slot::accountability)) set(Slot::accountability, expr::Value::boolean(false));
        out.total_before_custom = out.total;
        national_cut_rate_ = out.cut_rate;
        graded();
    }

    /// Record the bindings each fired step saw into `to` (custom_bindings()).
    void record(std::vector<std::vector<expr::Value>>* to) { record_ = to; }

    void run() {
        walk(rules_.custom.steps, slots_, out_.fired, out_.fired_count);
        const ProjectFunds& f = p_.funds;
        if (out_.cut_rate != national_cut_rate_) out_.cut = f.budget.times(out_.cut_rate); // else finish_project's stands
        out_.recover = recover_ && f.budget > f.spent ? f.budget - f.spent : Money{};
    }

private:
    void set(Slot s, const expr::Value& v) { slots_[static_cast<std::size_t>(s)] = v; }
    void on_fire() {
        if (record_) record_->emplace_back(slots_.begin(), slots_.end());
    }
    bool needs(Slot s) const { return (reads_ >> static_cast<unsigned>(s) & 1U) != 0; }

    /// After grading or re-grading: the grade, the total, and every national result
    /// no custom step has set yet.
    void graded() {
        const auto& app = rules_.application;
        const std::size_t g = out_.grade;
        auto free = [&](Target t) { return out_.set_by[static_cast<std::size_t>(t)] == 0; };
        if (free(Target::rectify)) out_.rectify = app.rectify.grades.contains(g);
        if (free(Target::priority)) out_.priority = app.priority.grades.contains(g);
        if (free(Target::cut)) out_.cut_rate = g < app.cut.rate_by_grade.size() ? app.cut.rate_by_grade[g] : Decimal{};
        if (free(Target::recover))
            recover_ = app.recover.grades.contains(g) &&
                       app.recover.fund_sources[static_cast<std::size_t>(p_.funds.fund_source)];
        if (needs(Slot::total)) set(Slot::total, expr::Value::number(out_.total));
        if (needs(Slot::grade)) set(Slot::grade, expr::Value::text(rules_.grades.bands[g].id));
        if (needs(Slot::cut)) set(Slot::cut, expr::Value::number(out_.cut_rate));
        if (needs(Slot::rectify)) set(Slot::rectify, expr::Value::boolean(out_.rectify));
        if (needs(Slot::priority)) set(Slot::priority, expr::Value::boolean(out_.priority));
        if (needs(Slot::recover)) set(Slot::recover, expr::Value::boolean(recover_));
    }

    /// 总体完成率: Σ(weight × rc) / Σ weight, exact (of any size); 0 without weighted indicators.
    static Number completion(const CustomAggregates& agg, const ProjectResult& out) {
        if (!(out.weight_total > Decimal{})) return Number();
        return agg.completion->over(out.weight_total);
    }

    [[noreturn]] void fail(const RuleRef& where, const std::string& en, const std::string& zh) const {
        const std::string id(p_.id);
        throw Error(SourceLocation{}, "project " + id + ": custom rule at " + rules_.cite(where) + ": " + en,
                    "项目 " + id + "：自定义规则（" + rules_.cite(where) + "）：" + zh);
    }

    expr::Value check(const expr::CompiledExpr& e, const RuleRef& where) const { return evaluate_at(e, where, slots_); }

    void apply(const custom::Output& o, std::size_t step) {
        const expr::Value v = check(o.value, o.where);
        const auto mark = [&] { out_.set_by[static_cast<std::size_t>(o.target)] = static_cast<std::uint16_t>(step + 1); };
        switch (o.target) {
        case Target::cut: {
            const Number& f = v.as_number();
            if (f < Number() || f > Number::integer(1))
                fail(o.where, "the cut must be a share from 0% to 100%, not " + v.to_string(),
                     "核减比例应在 0% 至 100% 之间，实际为 " + v.to_string());
            Decimal rate;
            try {
                rate = v.to_decimal();
            } catch (const ArithmeticError&) {
                fail(o.where, "the cut " + v.to_string() + " has more than 6 decimals; round() it",
                     "核减比例 " + v.to_string() + " 超过 6 位小数，请用 round()");
            }
            out_.cut_rate = rate;
            mark();
            if (needs(Slot::cut)) set(Slot::cut, expr::Value::number(rate));
            break;
        }
        case Target::rectify:
            out_.rectify = v.as_bool();
            mark();
            set(Slot::rectify, v);
            break;
        case Target::priority:
            out_.priority = v.as_bool();
            mark();
            set(Slot::priority, v);
            break;
        case Target::recover:
            recover_ = v.as_bool();
            mark();
            set(Slot::recover, v);
            break;
        case Target::accountability:
            out_.accountability = v.as_bool();
            mark();
            set(Slot::accountability, v);
            break;
        case Target::adjust: {
            // Points, rounded like a score; the total stays within [0, 100]; then re-grade.
            const auto& rd = rules_.evaluation.rounding;
            Decimal amount;
            try {
                amount = v.as_number().rounded(rd.digits, rd.mode);
            } catch (const ArithmeticError& err) {
                fail(o.where, err.diagnostics().front().en, err.diagnostics().front().zh);
            }
            const Decimal before = out_.total;
            Decimal after = before + amount;
            if (after < Decimal{}) after = Decimal{};
            if (after > Decimal::whole(100)) after = Decimal::whole(100);
            out_.adjustment += after - before;
            out_.total = after;
            out_.grade = rules_.grades.grade_of(after);
            graded();
            break;
        }
        }
    }

    const CustomInput& p_;
    const RuleSet& rules_;
    ProjectResult& out_;
    std::uint32_t reads_;
    Decimal national_cut_rate_; // the rate finish_project() applied to out.cut
    bool recover_ = false;
    std::vector<std::vector<expr::Value>>* record_ = nullptr;
    /// The bindings. Reused per thread: initialising 19 exact numbers per project
    /// cost more than the steps themselves; every slot a step reads is set above
    /// for this project, and slots no step reads are never looked at.
    std::array<expr::Value, custom::slot_count>& slots_ = bindings();
    static std::array<expr::Value, custom::slot_count>& bindings() {
        thread_local std::array<expr::Value, custom::slot_count> b{};
        return b;
    }
};

} // namespace

void apply_custom(const CustomInput& project, const CustomAggregates& indicators, const RuleSet& rules,
                  ProjectResult& out) {
    out.accountability = false;
    out.adjustment = Decimal{};
    out.fired_count = 0;
    out.set_by = {};
    Runner runner(project, indicators, rules, out);
    runner.run();
}

void detail::indicator_bindings(const Project& p, const Indicator& ind, const IndicatorResult& r, Decimal score,
                                std::span<expr::Value, custom::indicator_slot_count> b) {
    using custom::IndicatorSlot;
    auto set = [&](IndicatorSlot s, const expr::Value& v) { b[static_cast<std::size_t>(s)] = v; };
    set(IndicatorSlot::ratio, expr::Value::number(r.ratio));
    set(IndicatorSlot::capped, expr::Value::number(r.capped));
    set(IndicatorSlot::weight, expr::Value::number(r.weight));
    set(IndicatorSlot::score, expr::Value::number(score));
    set(IndicatorSlot::direction, expr::Value::text(to_string(ind.direction)));
    set(IndicatorSlot::level1, expr::Value::text(to_string(ind.level1)));
    set(IndicatorSlot::level2, expr::Value::text(to_string(ind.level2)));
    set(IndicatorSlot::budget, expr::Value::number(p.budget));
    set(IndicatorSlot::spent, expr::Value::number(p.spent));
    set(IndicatorSlot::fund_source, expr::Value::text(to_string(p.fund_source)));
    set(IndicatorSlot::budget_kind, expr::Value::text(to_string(p.budget_kind)));
    set(IndicatorSlot::category, expr::Value::text(p.category));
    set(IndicatorSlot::year, expr::Value::integer(p.year.value_or(0)));
    set(IndicatorSlot::rectification, expr::Value::text(to_string(p.rectification)));
}

void apply_indicator_rules(const Project& p, const Indicator& ind, const RuleSet& rules, IndicatorResult& r) {
    // Filled per indicator (14 values): indicator rules are rare and short, so no
    // read mask; a thread-local array keeps evaluation free of allocation.
    thread_local std::array<expr::Value, custom::indicator_slot_count> b{};
    detail::indicator_bindings(p, ind, r, r.score, b);

    const auto& ev = rules.evaluation.rounding;
    Decimal added;
    const auto& list = rules.custom.indicator_rules;
    for (std::size_t k = 0; k < list.size(); ++k) {
        const custom::IndicatorRule& rule = list[k];
        auto fail = [&](const std::string& en, const std::string& zh) {
            throw Error(SourceLocation{}, "project " + p.id + ", indicator \"" + ind.name + "\": indicator rule at " +
                                              rules.cite(rule.where) + ": " + en,
                        "项目 " + p.id + "，指标“" + ind.name + "”：指标规则（" + rules.cite(rule.where) + "）：" + zh);
        };
        try {
            if (!expr::evaluate(rule.when, b).as_bool()) continue;
            added += expr::evaluate(rule.adjust, b).as_number().rounded(ev.digits, ev.mode);
        } catch (const Error& err) { // ArithmeticError too
            fail(err.diagnostics().front().en, err.diagnostics().front().zh);
        }
        r.custom_fired |= std::uint32_t{1} << k;
    }
    if (r.custom_fired == 0) return;
    // The adjusted score stays within [0, weight]: a deduction cannot make it
    // negative, an addition cannot exceed the indicator's points.
    const Decimal adjusted = std::min(std::max(r.score + added, Decimal{}), r.weight);
    r.custom_adjustment = adjusted - r.score;
    r.score = adjusted;
}

void apply_custom(const Project& project, const RuleSet& rules, ProjectResult& out) {
    CustomAccumulator indicators;
    for (const IndicatorResult& r : out.indicators) indicators.add(r, rules);
    apply_custom(CustomInput::of(project), indicators.view(), rules, out);
}

std::vector<std::vector<expr::Value>> custom_bindings(const Project& project, const RuleSet& rules,
                                                      const ProjectResult& out) {
    std::vector<std::vector<expr::Value>> seen;
    if (rules.custom.steps.empty() || out.fired_count == 0) return seen;
    ProjectResult r = out; // back to the state finish_project() left
    r.total = out.total_before_custom;
    r.grade = rules.grades.grade_of(r.total);
    const auto& rates = rules.application.cut.rate_by_grade;
    r.cut_rate = r.grade < rates.size() ? rates[r.grade] : Decimal{};
    r.accountability = false;
    r.adjustment = Decimal{};
    r.fired_count = 0;
    r.set_by = {};
    CustomAccumulator indicators;
    for (const IndicatorResult& i : r.indicators) indicators.add(i, rules);
    const CustomInput input = CustomInput::of(project);
    try {
        Runner runner(input, indicators.view(), rules, r);
        runner.record(&seen);
        runner.run();
    } catch (const Error&) {
        return {};
    }
    if (r.fired_count != out.fired_count) return {}; // not the run that was explained
    return seen;
}

// --- CompletionSum's slow paths (evaluate.hpp) ---------------------------------------

namespace detail {

void CompletionSum::add_slow(Decimal weight, const Fraction& rc) {
    if (wide_) return add_exact(weight, rc);
    uint128 n = static_cast<uint128>(rc.num().native()), d = static_cast<uint128>(rc.den().native());
    strip_2_5(n, d);
    uint128 term;
    if (!mul(static_cast<uint128>(weight.units()), n, term)) return add_exact(weight, rc);
    add_term(term, d, weight, rc);
}

void CompletionSum::add_exact(Decimal weight, const Fraction& rc) {
    if (!wide_) {
        wide_ = std::make_unique<NumberSum>();
        *wide_ += Number::ratio(get(num_), get(den_));
    }
    *wide_ += Number(rc) * Number::integer(weight.units()); // in weight units, like num_ / den_
}

Number CompletionSum::over(Decimal total) const {
    const auto w = static_cast<uint128>(total.units()); // > 0
    uint128 num = get(num_), den;
    if (!wide_ && mul(get(den_), w, den)) {
        // The usual case: small terms, in cheap 64-bit arithmetic where they fit.
        if ((num >> 64) == 0 && (den >> 64) == 0) {
            auto n = static_cast<std::uint64_t>(num), d = static_cast<std::uint64_t>(den);
            strip_2_5(n, d);
            num = n;
            den = d;
        } else {
            strip_2_5(num, den);
        }
        return Number::ratio(num, den);
    }
    return (wide_ ? wide_->value() : Number::ratio(get(num_), get(den_))) / Number::integer(total.units());
}

} // namespace detail

} // namespace perfbudget
