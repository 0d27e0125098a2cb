// perfbudget/rules.hpp — a compiled, checked rule set.
//
// A RuleSet is what a rule file (rules/national.yaml or a county profile) turns
// into after loading and checking (load.hpp). It is plain data: the stages read
// it and never change it, so one RuleSet serves any number of evaluations and
// threads. Every rule remembers where it was written (RuleRef), so each result
// can cite "national.yaml:41" in its explanation.
#pragma once

#include "perfbudget/assessment_rules.hpp"
#include "perfbudget/review_rules.hpp"
#include "perfbudget/rollup_rules.hpp"
#include "perfbudget/custom_rules.hpp"
#include "perfbudget/decimal.hpp"
#include "perfbudget/model.hpp"
#include "perfbudget/monitoring_rules.hpp"
#include "perfbudget/rule_ref.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfbudget {

/// A set of grades, as a bit mask over the grade scale's indices.
struct GradeSet {
    std::uint64_t bits = 0;
    constexpr bool contains(std::size_t grade) const { return grade < 64 && ((bits >> grade) & 1U) != 0; }
    constexpr void add(std::size_t grade) { bits |= std::uint64_t{1} << grade; }
};

/// One band of a grade scale: `from` inclusive, `to` exclusive (the top band's `to` is inclusive).
struct GradeBand {
    std::string id;   // "excellent"
    std::string zh;   // "优"
    std::string en;   // "excellent"
    Decimal from;
    Decimal to;
    RuleRef where;
};

/// An ordered grade scale, best first (优 良 中 差, or 优 良 中 低 差). Checked at load:
/// bands are contiguous, do not overlap, and cover [0, 100].
struct GradeScale {
    std::vector<GradeBand> bands;

    /// The band index for a score; scores outside [bottom, top] clamp to the nearest band.
    std::size_t grade_of(Decimal score) const {
        for (std::size_t i = 0; i < bands.size(); ++i)
            if (score >= bands[i].from) return i;
        return bands.size() - 1;
    }
    /// Index of the grade with this id, or size() when there is none.
    std::size_t find(std::string_view id) const {
        for (std::size_t i = 0; i < bands.size(); ++i)
            if (bands[i].id == id || bands[i].zh == id) return i;
        return bands.size();
    }
    std::size_t size() const { return bands.size(); }
};

/// What to do with a project whose budget is 0 (execution rate undefined).
enum class ZeroBudget : std::uint8_t { error, not_applicable };
/// The `le` (反向) formula: `ratio` = target/actual; `linear` = 2 − actual/target clipped to [0, 1].
enum class LeFormula : std::uint8_t { ratio, linear };
/// A project lacking a level-1 kind: an error, or rescale the applicable points to 100.
enum class MissingLevel1 : std::uint8_t { error, rescale };
/// Round each part (execution score, each indicator score) or only the total.
enum class RoundApply : std::uint8_t { per_part, total_only };
/// Over-completion deduction: a fixed share of the weight, or in proportion to the excess.
enum class OverCompletionMode : std::uint8_t { fixed, proportional };

/// The self-evaluation (绩效自评) rules: SPEC §4.
struct EvaluationRules {
    struct Execution { // 预算执行率
        Decimal points = Decimal::whole(10);
        ZeroBudget zero_budget = ZeroBudget::error;
        RuleRef where;
    } execution;

    struct Weights { // 一级指标权重 (in principle)
        std::array<Decimal, level1_count> level1{Decimal::whole(50), Decimal::whole(30), Decimal::whole(10)};
        MissingLevel1 missing = MissingLevel1::error;
        RuleRef where;
        RuleRef missing_where;
    } weights;

    struct Le {
        LeFormula formula = LeFormula::ratio;
        RuleRef where;
    } le;
    RuleRef ge_where, eq_where;

    struct QualTier {
        Decimal fraction; // score share when only the tier is given
        Decimal min;      // inclusive
        Decimal max;      // exclusive unless max_inclusive
        bool max_inclusive = false;
    };
    struct Qual {
        std::array<QualTier, tier_count> tiers{};
        RuleRef where;
    } qual;

    struct DateRule { // 时效: late by ceil(days/period) periods, each costs `penalty`
        Decimal penalty = Decimal::from_units(100'000); // 10%
        int period_days = 30;
        RuleRef where;
    } date;

    struct Cap {
        Decimal max_ratio = Decimal::whole(1);
        RuleRef where;
    } cap;

    struct OverCompletion { // 完成值高于指标值较多…按照偏离度适度调减分值
        bool enabled = false;
        Decimal threshold = Decimal::from_units(1'200'000); // 120%
        OverCompletionMode mode = OverCompletionMode::fixed;
        Decimal deduction = Decimal::from_units(100'000); // share of the weight (fixed) or per unit of excess
        RuleRef where;
    } over_completion;

    struct Rounding {
        int digits = 2;
        RoundingMode mode = RoundingMode::half_up;
        RoundApply apply = RoundApply::per_part;
        RuleRef where;
    } rounding;
};

/// Result application (结果应用): SPEC §8.
struct ApplicationRules {
    struct Flag {
        GradeSet grades;
        RuleRef where;
    };
    Flag rectify;  // 限期整改
    Flag priority; // 优先安排
    struct Cut {   // next-year cut of the same kind, as a share of this year's budget
        std::vector<Decimal> rate_by_grade; // one per grade band; 0 = no cut
        RuleRef where;
    } cut;
    struct Recover { // unspent balance recovered
        GradeSet grades;
        std::array<bool, 2> fund_sources{true, false}; // by FundSource: local yes, transfer exempt
        RuleRef where;
    } recover;
};

/// A value written with effective dates (`effective:`, docs/rules.md "Values by
/// budget year"), as one period of a RuleSet uses it.
struct EffectiveValue {
    std::string path; // "evaluation.over_completion.threshold"
    Date from{};      // the date this entry takes effect
    RuleRef where;    // the entry (`2023-01-01: 110%`)
};

/// One period of checked rules: everything that scores a project (the national
/// defaults, or a county profile, as in effect from one date). The functions that
/// score — evaluate(), score_indicator(), finish_project(), apply_custom() — take
/// a RuleSet. A loaded rule file is a RuleBook; its for_year() picks the period.
struct RuleSet {
    std::string name;               // "national", "urumqi-county"
    std::vector<std::string> files; // RuleRef::file indexes this; files[0] is the profile itself
    EvaluationRules evaluation;
    GradeScale grades;
    ApplicationRules application;
    MonitoringRules monitoring; // in-year monitoring (monitoring_rules.hpp)
    AssessmentRules assessment; // ex-ante assessment (assessment_rules.hpp), graded on `grades`
    ReviewRules review;         // target review (review_rules.hpp), graded on `grades`
    RollupRules rollup;         // the roll-up's department rules (rollup_rules.hpp)
    CustomRules custom; // the profile's decision tables and custom rules (custom_rules.hpp); empty nationally

    /// When the file has dated values (docs/rules.md "Values by budget year"): the
    /// date this period starts (the first day its values are in effect) and the
    /// dated values it uses, with the date each took effect. Unset otherwise.
    std::optional<Date> effective_from;
    std::vector<EffectiveValue> effective;

    /// "rules/national.yaml:41" for a rule reference.
    std::string cite(const RuleRef& r) const {
        std::string s = r.file < files.size() ? files[r.file] : std::string("<rules>");
        if (r.line) s += ':' + std::to_string(r.line);
        return s;
    }
};

/// A loaded rule file: its periods, one RuleSet each. A file without dated values
/// has one period, for every budget year; with dated values, one per distinct
/// date, ascending. A RuleBook is not a RuleSet and does not convert to one, so
/// scoring a project always goes through for_year() (or evaluate(project, book),
/// which calls it): no call can score with another year's values.
class RuleBook {
public:
    /// Rules for every budget year.
    explicit RuleBook(RuleSet rules);
    /// Periods by date: ascending `effective_from`, every one set. Throws
    /// perfbudget::Error otherwise (or when empty).
    explicit RuleBook(std::vector<RuleSet> periods);
    // Copied, moved and destroyed by the library (src/load_rules.cpp), so a program
    // that copies a RuleBook does not compile the copy of every rule's structs.
    RuleBook(const RuleBook&);
    RuleBook(RuleBook&&) noexcept;
    RuleBook& operator=(const RuleBook&);
    RuleBook& operator=(RuleBook&&) noexcept;
    ~RuleBook();

    const std::string& name() const { return periods_.front().name; }
    const std::vector<std::string>& files() const { return periods_.front().files; }
    /// One RuleSet per period, by date (one, undated, when nothing is dated).
    const std::vector<RuleSet>& periods() const { return periods_; }
    bool dated() const { return periods_.front().effective_from.has_value(); }
    /// Some period has custom steps (then every output has their columns).
    bool has_custom() const;

    /// The rules for a project of budget year `year`: the only period when nothing
    /// is dated, else the period in effect on 1 January of that year. Throws Error
    /// when the rules are dated and `year` is missing or before the first effective date.
    const RuleSet& for_year(std::optional<int> year) const;
    /// The only period of rules with nothing dated (the national rules, most
    /// profiles); throws Error, as for_year() without a year, when values are dated.
    const RuleSet& only() const { return for_year(std::nullopt); }

    /// "rules/national.yaml:41" for a rule reference.
    std::string cite(const RuleRef& r) const { return periods_.front().cite(r); }

private:
    std::vector<RuleSet> periods_; // never empty
};

} // namespace perfbudget
