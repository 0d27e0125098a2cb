// src/step_walker.hpp — runs compiled custom steps (custom_rules.hpp) in order, for
// any stage. INTERNAL: not installed.
//
// The stage's runner derives from StepWalker<Runner> and provides
//   expr::Value check(const expr::CompiledExpr&, const RuleRef&) const  (evaluate_at() with its bindings)
//   void apply(const custom::Output&, std::size_t step)                 (set one output)
//   [[noreturn]] void fail(const RuleRef&, const std::string& en, const std::string& zh) const
// and passes its bindings, the steps and where fired steps are recorded. Inlined
// into each runner: the evaluation's hot loop pays no indirection.
#pragma once

#include "perfbudget/custom_rules.hpp"
#include "perfbudget/error.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget::detail {

/// A stage's input slot as a bit of a mask (CustomRules::reads, OutputDef::writes).
template <class SlotEnum>
constexpr std::uint32_t slot_bit(SlotEnum s) {
    return std::uint32_t{1} << static_cast<unsigned>(s);
}

/// The ids of the steps that fired, in order, each once (a table once, however many of its rows fired).
inline std::vector<std::string_view> fired_step_ids(std::span<const custom::Fired> fired,
                                                    const std::vector<custom::Step>& steps) {
    std::vector<std::string_view> ids;
    std::uint16_t last = UINT16_MAX;
    for (const custom::Fired& f : fired) {
        if (f.step == last || f.step >= steps.size()) continue;
        ids.push_back(steps[f.step].id());
        last = f.step;
    }
    return ids;
}

template <class Runner>
class StepWalker {
protected:
    /// Called when a step fires, before its outputs apply; a runner that records
    /// the bindings for explanations hides it.
    void on_fire() {}
    /// Called before a rule's condition, and before each row of a table is matched.
    void before_condition() {}

    /// `e` with the runner's bindings; an error (division by zero, …) cites the rule at `where`.
    expr::Value evaluate_at(const expr::CompiledExpr& e, const RuleRef& where, std::span<const expr::Value> slots) const {
        try {
            return expr::evaluate(e, slots);
        } catch (const Error& err) { // ArithmeticError too
            const Diagnostic& d = err.diagnostics().front();
            static_cast<const Runner&>(*this).fail(where, d.en, d.zh);
        }
    }

    /// Runs `steps` in order: a rule whose condition holds fires and applies its
    /// outputs; a table applies its first matching row (every matching row for collect).
    void walk(const std::vector<custom::Step>& steps, std::span<const expr::Value> slots,
              std::array<custom::Fired, custom::max_fired>& fired, std::uint16_t& fired_count) {
        Runner& self = static_cast<Runner&>(*this);
        for (std::size_t s = 0; s < steps.size(); ++s) {
            const custom::Step& step = steps[s];
            if (step.kind == custom::Step::Kind::rule) {
                self.before_condition();
                if (!self.check(step.rule.when, step.rule.where).as_bool()) continue;
                fire(steps, s, custom::Fired::no_row, fired, fired_count);
                self.on_fire();
                for (const custom::Output& o : step.rule.then) self.apply(o, s);
                continue;
            }
            const custom::Table& t = step.table;
            for (std::size_t r = 0; r < t.rows.size(); ++r) {
                const custom::Row& row = t.rows[r];
                self.before_condition();
                if (!matches(t, row, slots)) continue;
                fire(steps, s, r, fired, fired_count);
                self.on_fire();
                for (const custom::Output& o : row.outputs) self.apply(o, s);
                if (t.hit != custom::HitPolicy::collect) break; // first; unique: no other row can match
            }
        }
    }

private:
    bool matches(const custom::Table& t, const custom::Row& row, std::span<const expr::Value> slots) const {
        const Runner& self = static_cast<const Runner&>(*this);
        for (std::size_t c = 0; c < row.inputs.size(); ++c) {
            const custom::Cell& cell = row.inputs[c];
            switch (cell.kind) {
            case custom::Cell::Kind::any: break;
            case custom::Cell::Kind::literal: {
                const expr::Value& v = slots[static_cast<std::size_t>(t.inputs[c])];
                if (v.type() == expr::Type::text ? v.as_text() != cell.text : !(v == cell.literal)) return false;
                break;
            }
            case custom::Cell::Kind::condition:
                if (!self.check(cell.condition, cell.where).as_bool()) return false;
                break;
            }
        }
        return true;
    }

    void fire(const std::vector<custom::Step>& steps, std::size_t step, std::size_t row,
              std::array<custom::Fired, custom::max_fired>& fired, std::uint16_t& fired_count) const {
        // The loader refuses a rule file where more could fire; steps built in code
        // are stopped here rather than listed short.
        if (fired_count == custom::max_fired) {
            const std::string limit = std::to_string(custom::max_fired);
            static_cast<const Runner&>(*this).fail(steps[step].where(),
                                                   "more than " + limit + " custom steps fired on one project",
                                                   "一个项目上命中的自定义步骤超过 " + limit + " 项");
        }
        fired[fired_count++] = custom::Fired{static_cast<std::uint16_t>(step), static_cast<std::uint16_t>(row)};
    }
};

/// A stage runner's bindings: one thread-local array of `N` Values indexed by the
/// stage's slot enum, filled only where some step reads (`reads`, a bit mask), so
/// that running steps allocates nothing. Runners derive from it beside StepWalker.
template <class SlotEnum, std::size_t N>
class StageBindings {
public:
    explicit StageBindings(std::uint32_t reads) : reads_(reads) {}
    void set(SlotEnum s, const expr::Value& v) { slots_[static_cast<std::size_t>(s)] = v; }
    bool needs(SlotEnum s) const { return (reads_ >> static_cast<unsigned>(s) & 1U) != 0; }
    std::span<const expr::Value> slots() const { return slots_; }

private:
    std::uint32_t reads_;
    std::array<expr::Value, N>& slots_ = bindings();
    static std::array<expr::Value, N>& bindings() {
        thread_local std::array<expr::Value, N> b{};
        return b;
    }
};

/// The error of a stage's custom step that failed on a project at run time.
[[noreturn]] inline void step_failed(const std::string& project, const std::string& cited, std::string_view stage_en,
                                     std::string_view stage_zh, const std::string& en, const std::string& zh) {
    throw Error(SourceLocation{}, "project " + project + ": " + std::string(stage_en) + " custom rule at " + cited + ": " + en,
                "项目 " + project + "：" + std::string(stage_zh) + "自定义规则（" + cited + "）：" + zh);
}

} // namespace perfbudget::detail
