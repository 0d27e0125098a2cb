// src/testing.cpp — YAML test cases for rule files (testing.hpp, docs/testing.md).
//
// The test file is read by the strict rule-file machinery (rule_tree.hpp) and
// checked as a whole before any case runs: unknown keys, expected values not
// written the way the output writes them, a case with neither or both of expect
// and expect_error are errors of the test file (file:line:column). Each case's
// projects are then read (yaml_data.hpp) and evaluated, or monitored as of the
// case's `as_of` (`stage: monitoring`); problems with them are the case's errors,
// which expect_error may match.
#include "perfbudget/testing.hpp"

#include "perfbudget/assess.hpp"
#include "perfbudget/review.hpp"
#include "perfbudget/review_custom.hpp"
#include "perfbudget/department_review.hpp"
#include "perfbudget/monitoring_calendar.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"
#include "rule_tree.hpp"
#include "yaml_data.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <utility>

namespace perfbudget {
namespace {

using namespace detail::rules_yaml;
namespace fs = std::filesystem;

/// Which stage a case runs: the year-end evaluation, in-year monitoring as of a
/// date, or the ex-ante assessment of expert scores (`assessments:`).
enum class Stage { evaluation, monitoring, assessment, review };

/// The result fields a case may expect, and how each is written.
enum class Form { rate, score, money, flag, grade, reasons, light, action, count, admission, defects };
struct ExpectField {
    std::string_view name;
    Form form;
};
constexpr ExpectField evaluation_fields[] = {
    {"exec_rate", Form::rate},   {"exec_score", Form::score}, {"indicator_score", Form::score},
    {"total", Form::score},      {"grade", Form::grade},      {"rectify", Form::flag},
    {"priority", Form::flag},    {"cut", Form::money},        {"recover", Form::money},
    {"accountability", Form::flag}, {"reasons", Form::reasons},
};
// The monitoring CSV's result columns (monitor.hpp).
constexpr ExpectField monitoring_fields[] = {
    {"level", Form::light},      {"reasons", Form::reasons},  {"action", Form::action},
    {"time_progress", Form::rate}, {"exec_rate", Form::rate}, {"completion", Form::rate},
    {"cut", Form::rate},         {"cut_amount", Form::money}, // a custom step's mid-year cut; `cut: ~`: none
};
// A department's review as of a review date (department_review.hpp), `expect_departments:`.
constexpr ExpectField department_fields[] = {
    {"level", Form::light},     {"action", Form::action},     {"exec_rate", Form::rate},
    {"completion", Form::rate}, {"warning_projects", Form::count},
};
// The assessment CSV's result columns (assess.hpp); `cut` is the rate, `cut_amount` yuan.
constexpr ExpectField assessment_fields[] = {
    {"necessity", Form::score}, {"economy", Form::score},  {"targets", Form::score}, {"feasibility", Form::score},
    {"financing", Form::score}, {"score", Form::score},    {"grade", Form::grade},   {"approved", Form::flag},
    {"cut", Form::rate},        {"cut_amount", Form::money},
};
// The review CSV's result columns (review.hpp); `defects` the failed check ids, in order.
constexpr ExpectField review_fields[] = {
    {"indicators", Form::count},    {"quantified", Form::count},     {"quantification", Form::rate},
    {"completeness", Form::score},  {"relevance", Form::score},      {"appropriateness", Form::score},
    {"feasibility", Form::score},   {"score", Form::score},          {"grade", Form::grade},
    {"admission", Form::admission}, {"defects", Form::defects},         {"reasons", Form::reasons},
    {"cut", Form::rate},            {"cut_amount", Form::money}, // a county step's cut; `cut: ~`: none
};
std::span<const ExpectField> expect_fields(Stage stage) {
    if (stage == Stage::review) return review_fields;
    if (stage == Stage::monitoring) return monitoring_fields;
    if (stage == Stage::assessment) return assessment_fields;
    return evaluation_fields;
}

/// One expected value, checked for form when the file is read.
struct Expected {
    std::string field; // "total", "indicators[2]"
    Form form;
    std::size_t index = 0; // indicators[index]
    bool indicator = false;
    std::string text;
    Pos pos;
};
struct ExpectedProject {
    std::string id;
    Pos pos;
    std::vector<Expected> values;
    std::optional<std::size_t> indicator_count; // length of `indicators:` when given
    Pos indicators_pos;
};
struct Case {
    std::string name;
    Pos pos;
    Stage stage = Stage::evaluation;
    std::optional<Date> as_of; // stage monitoring only (required there)
    const Node* projects = nullptr;
    std::string projects_path;
    Pos projects_pos;
    Field assessments; // stage assessment only (required there)
    std::vector<ExpectedProject> expect;
    std::vector<ExpectedProject> expect_departments; // monitoring: the department review (id = department)
    std::optional<std::string> expect_error;
};

/// "-12.34" with exactly `places` decimals (places 0: no point).
bool has_places(std::string_view s, int places) {
    if (!s.empty() && s.front() == '-') s.remove_prefix(1);
    const std::size_t dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    if (whole.empty() || whole.find_first_not_of("0123456789") != std::string_view::npos) return false;
    if (places == 0) return dot == std::string_view::npos;
    if (dot == std::string_view::npos) return false;
    const std::string_view frac = s.substr(dot + 1);
    return frac.size() == static_cast<std::size_t>(places) && frac.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string example(int places) {
    std::string s = "65";
    if (places > 0) s += "." + std::string(static_cast<std::size_t>(places), '0');
    return s;
}

class TestFileReader {
public:
    TestFileReader(Ctx& ctx, const RuleBook* rules) : ctx_(ctx), rules_(rules) {}

    int places(Form form) const {
        switch (form) {
        case Form::rate: return 4;
        case Form::money: return 2;
        // How an expected score is written; the latest period's (digits are rarely dated).
        case Form::score: return rules_ ? rules_->periods().back().evaluation.rounding.digits : 2;
        default: return 0;
        }
    }

    /// A value in the given form, or nothing (reported).
    std::optional<std::string> read_value(const Field& f, Form form) {
        if (!f.value) return std::nullopt;
        if (form == Form::rate && f.value->kind == Node::Kind::null) return std::string(); // not applicable: blank
        switch (form) {
        case Form::flag:
            if (auto b = read_bool(ctx_, f)) return std::string(*b ? "true" : "false");
            return std::nullopt;
        case Form::grade:
            return read_text(ctx_, f);
        case Form::reasons:
            return read_reasons(f);
        case Form::light:
            return read_name(f, names::light);
        case Form::action:
            return read_name(f, names::action);
        case Form::admission:
            return read_name(f, names::admission);
        case Form::defects:
            return read_defects(f);
        default: {
            const int n = places(form);
            const std::string want_en = "a number written with exactly " + std::to_string(n) + " decimals, such as " + example(n);
            const std::string want_zh = "恰好 " + std::to_string(n) + " 位小数的数字，如 " + example(n);
            const std::string* s = scalar_text(ctx_, f, want_en, want_zh);
            if (!s) return std::nullopt;
            if (has_places(*s, n)) return *s;
            ctx_.error(f.pos(), f.name() + " must be " + want_en + " (as the output writes it); found " + quote(*s),
                       f.name_zh() + " 应为" + want_zh + "（与输出写法相同）；实际为 " + quote(*s));
            return std::nullopt;
        }
        }
    }

    /// One of `known` (a light, an action), with a "did you mean" otherwise.
    template <std::size_t N>
    std::optional<std::string> read_name(const Field& f, const std::array<std::string_view, N>& known) {
        Choices<std::string_view> choices;
        for (std::string_view k : known) choices.emplace_back(k, k);
        if (auto v = read_choice(ctx_, f, choices)) return std::string(*v);
        return std::nullopt;
    }

    /// `reasons: [commend, deviation]`: the ids of the custom rules and tables that
    /// fired, in order, each an id the rules have; in a monitoring case, the ids of
    /// the monitoring rules that gave a non-green light, then of the monitoring
    /// custom steps that fired. Kept as "[commend, deviation]".
    std::optional<std::string> read_reasons(const Field& f) {
        if (!expect_kind(ctx_, f, Node::Kind::list)) return std::nullopt;
        const bool monitoring = stage_ == Stage::monitoring;
        std::vector<std::string_view> ids;
        if (stage_ == Stage::review) {
            if (rules_) ids = review_step_ids();
        } else if (monitoring) {
            ids.assign(names::monitor_rule.begin(), names::monitor_rule.end());
            if (rules_)
                for (const RuleSet& period : rules_->periods())
                    for (const custom::Step& s : period.monitoring.custom.steps) ids.push_back(s.id());
        } else if (rules_)
            for (const RuleSet& period : rules_->periods()) { // an id of any period
                for (const custom::IndicatorRule& r : period.custom.indicator_rules) ids.push_back(r.id);
                for (const custom::Step& s : period.custom.steps) ids.push_back(s.id());
            }
        std::string text = "[";
        bool ok = true;
        for (std::size_t i = 0; i < f.value->size(); ++i) {
            const Field item{f.key, &f.value->children[i], f.path + "[" + std::to_string(i) + "]"};
            const auto id = read_identifier(ctx_, item);
            if (!id) {
                ok = false;
                continue;
            }
            if ((rules_ || monitoring) && std::find(ids.begin(), ids.end(), *id) == ids.end()) {
                const auto [en, zh] = ids.empty() ? std::pair<std::string, std::string>{"; the rules have no custom steps",
                                                                                      "；规则没有自定义步骤"}
                                                  : suggestion(*id, ids);
                if (monitoring)
                    ctx_.error(item.pos(), item.name() + ": no monitoring rule " + quote(*id) + " (one of " + join(ids) + ")" + en,
                               item.name_zh() + "：没有监控规则 " + quote(*id) + "（应为 " + join(ids) + " 之一）" + zh);
                else
                    ctx_.error(item.pos(), item.name() + ": no custom rule or table " + quote(*id) + " in the rules" + en,
                               item.name_zh() + "：规则中没有自定义规则或决策表 " + quote(*id) + zh);
                ok = false;
                continue;
            }
            text += (i == 0 ? "" : ", ") + *id;
        }
        if (!ok) return std::nullopt;
        return text + "]";
    }

    /// The ids of the review custom steps of every period of the rules.
    std::vector<std::string_view> review_step_ids() const {
        std::vector<std::string_view> ids;
        if (rules_)
            for (const RuleSet& period : rules_->periods())
                for (const custom::Step& s : period.review.custom.steps) ids.push_back(s.id());
        return ids;
    }

    /// `defects: [goal_missing, indicator_count]`: the ids of the failed review checks
    /// (or `no_indicators`), as the review CSV lists them. Kept as "a;b".
    std::optional<std::string> read_defects(const Field& f) {
        if (!expect_kind(ctx_, f, Node::Kind::list)) return std::nullopt;
        std::vector<std::string_view> ids(names::review_check.begin(), names::review_check.end());
        ids.push_back("no_indicators");
        for (std::string_view id : review_step_ids()) ids.push_back(id); // a county's checks
        Choices<std::string_view> choices;
        for (std::string_view k : ids) choices.emplace_back(k, k);
        std::string text;
        bool ok = true;
        for (std::size_t i = 0; i < f.value->size(); ++i) {
            const Field item{f.key, &f.value->children[i], f.path + "[" + std::to_string(i) + "]"};
            if (auto v = read_choice(ctx_, item, choices)) text += (text.empty() ? "" : ";") + std::string(*v);
            else ok = false;
        }
        if (!ok) return std::nullopt;
        return text;
    }

    /// One department's expected review figures (`expect_departments:`).
    ExpectedProject department(const Node& key, const Node& value, const std::string& path) {
        ExpectedProject e;
        e.id = key.text;
        e.pos = key.pos;
        std::vector<std::string_view> known;
        for (const ExpectField& ef : department_fields) known.push_back(ef.name);
        MapView m(ctx_, Field{&key, &value, child_path(path, key.text)}, known);
        if (!m.ok()) return e;
        for (const ExpectField& ef : department_fields)
            if (const Field f = m.find(ef.name); f.value)
                if (auto v = read_value(f, ef.form)) e.values.push_back(Expected{std::string(ef.name), ef.form, 0, false, *v, f.pos()});
        if (value.size() == 0)
            ctx_.error(key.pos, "no expected value for department " + quote(e.id) + " in " + quote(path),
                       quote(path) + " 中部门 " + quote(e.id) + " 没有期望值");
        return e;
    }

    ExpectedProject project(const Node& key, const Node& value, const std::string& path) {
        ExpectedProject e;
        e.id = key.text;
        e.pos = key.pos;
        const bool evaluation = stage_ == Stage::evaluation;
        std::vector<std::string_view> known;
        for (const ExpectField& ef : expect_fields(stage_)) known.push_back(ef.name);
        if (evaluation) known.push_back("indicators"); // scores per indicator: evaluation only
        MapView m(ctx_, Field{&key, &value, child_path(path, key.text)}, known);
        if (!m.ok()) return e;
        for (const ExpectField& ef : expect_fields(stage_)) {
            const Field f = m.find(ef.name);
            if (!f.value) continue;
            if (auto v = read_value(f, ef.form)) e.values.push_back(Expected{std::string(ef.name), ef.form, 0, false, *v, f.pos()});
        }
        const Field inds = evaluation ? m.find("indicators") : Field{};
        if (inds.value && expect_kind(ctx_, inds, Node::Kind::list)) {
            e.indicator_count = inds.value->size();
            e.indicators_pos = inds.pos();
            for (std::size_t i = 0; i < inds.value->size(); ++i) {
                const std::string field = "indicators[" + std::to_string(i) + "]";
                const Field f{inds.key, &inds.value->children[i], child_path(m.field().path, field)};
                if (auto v = read_value(f, Form::score)) e.values.push_back(Expected{field, Form::score, i, true, *v, f.pos()});
            }
        }
        if (value.size() == 0)
            ctx_.error(key.pos, "no expected value for project " + quote(e.id) + " in " + quote(path),
                       quote(path) + " 中项目 " + quote(e.id) + " 没有期望值");
        return e;
    }

    std::optional<Case> read_case(const Field& item) {
        MapView m(ctx_, item, {"name", "stage", "as_of", "projects", "assessments", "expect", "expect_departments", "expect_error"});
        if (!m.ok()) return std::nullopt;
        Case c;
        c.pos = item.pos();
        if (auto n = read_text(ctx_, m.get("name"))) c.name = *n;
        read_stage(m, c);
        stage_ = c.stage; // the expected fields below are the stage's
        const Field projects = m.get("projects");
        c.projects = projects.value;
        c.projects_path = projects.path;
        c.projects_pos = projects.pos();
        read_assessments_key(m, c);
        const Field expect = m.find("expect"), error = m.find("expect_error");
        if (!expect.key && !error.key && !m.find("expect_departments").key)
            ctx_.error(item.pos(), "case " + quote(c.name) + " needs `expect:` (the results) or `expect_error:` (part of the error message)",
                       "用例 " + quote(c.name) + " 需要 `expect:`（期望结果）或 `expect_error:`（错误信息的一部分）");
        if (expect.key && error.key)
            ctx_.error(error.rule_pos(), "a case has either `expect:` or `expect_error:`, not both",
                       "一个用例只能有 `expect:` 或 `expect_error:` 之一");
        if (error.key) c.expect_error = read_text(ctx_, error);
        if (expect.key && expect_kind(ctx_, expect, Node::Kind::map))
            for (std::size_t i = 0; i < expect.value->size(); ++i)
                c.expect.push_back(project(expect.value->key(i), expect.value->value(i), expect.path));
        if (const Field d = m.find("expect_departments"); d.key) {
            if (c.stage != Stage::monitoring)
                ctx_.error(d.rule_pos(), "`expect_departments` applies to `stage: monitoring` cases only (the department review)",
                           "`expect_departments` 只用于 `stage: monitoring` 的用例（部门整体绩效监控）");
            else if (expect_kind(ctx_, d, Node::Kind::map))
                for (std::size_t i = 0; i < d.value->size(); ++i)
                    c.expect_departments.push_back(department(d.value->key(i), d.value->value(i), d.path));
        }
        return c;
    }

private:
    /// `stage:` (default evaluation) and `as_of:`, required by monitoring and only there.
    void read_stage(const MapView& m, Case& c) {
        const Field stage = m.find("stage"), as_of = m.find("as_of");
        if (stage.key)
            if (auto s = read_choice(ctx_, stage, Choices<Stage>{{"evaluation", Stage::evaluation},
                                                                 {"monitoring", Stage::monitoring},
                                                                 {"assessment", Stage::assessment},
                                                                 {"review", Stage::review}}))
                c.stage = *s;
        if (as_of.key)
            if (const std::string* t = scalar_text(ctx_, as_of, "a date YYYY-MM-DD", "日期 YYYY-MM-DD")) {
                c.as_of = parse_date(*t);
                if (!c.as_of)
                    ctx_.error(as_of.pos(), as_of.name() + " must be a date YYYY-MM-DD; found " + quote(*t),
                               as_of.name_zh() + " 应为日期 YYYY-MM-DD；实际为 " + quote(*t));
            }
        if (c.stage == Stage::monitoring && !as_of.key)
            ctx_.error(stage.pos(), "case " + quote(c.name) + " has `stage: monitoring` and needs `as_of: YYYY-MM-DD` (the monitoring date)",
                       "用例 " + quote(c.name) + " 为 `stage: monitoring`，需要 `as_of: YYYY-MM-DD`（监控基准日）");
        if (c.stage != Stage::monitoring && as_of.key)
            ctx_.error(as_of.rule_pos(), "`as_of` applies to `stage: monitoring` cases only",
                       "`as_of` 只用于 `stage: monitoring` 的用例");
    }

    /// `assessments:` (a list of expert scores), required by stage assessment and only there.
    void read_assessments_key(const MapView& m, Case& c) {
        const Field a = m.find("assessments");
        if (c.stage == Stage::assessment && !a.key)
            ctx_.error(c.pos, "case " + quote(c.name) + " has `stage: assessment` and needs `assessments:` (the expert scores)",
                       "用例 " + quote(c.name) + " 为 `stage: assessment`，需要 `assessments:`（专家评分）");
        if (c.stage != Stage::assessment && a.key)
            ctx_.error(a.rule_pos(), "`assessments` applies to `stage: assessment` cases only",
                       "`assessments` 只用于 `stage: assessment` 的用例");
        if (a.key && expect_kind(ctx_, a, Node::Kind::list)) c.assessments = a;
    }

    Ctx& ctx_;
    const RuleBook* rules_;
    Stage stage_ = Stage::evaluation; // of the case being read
};

// --- running -------------------------------------------------------------------

/// The ids of the custom steps that fired, as the output's `reasons` column lists
/// them (in order, a table once however many of its rows fired): "[commend, deviation]".
std::string reason_list_text(const ProjectResult& r, const RuleSet& rules) {
    std::string s = "[";
    for (std::string_view id : reason_ids(r, rules)) s += (s.size() > 1 ? ", " : "") + std::string(id);
    return s + "]";
}

std::string got_text(const Expected& e, const ProjectResult& r, const RuleSet& rules) {
    const int digits = rules.evaluation.rounding.digits;
    if (e.indicator) return r.indicators[e.index].score.to_string(digits);
    if (e.field == "exec_rate") return r.exec_applicable ? r.exec_rate.to_string(4) : std::string();
    if (e.field == "exec_score") return r.exec_score.to_string(digits);
    if (e.field == "indicator_score") return r.indicator_score.to_string(digits);
    if (e.field == "total") return r.total.to_string(digits);
    if (e.field == "rectify") return r.rectify ? "true" : "false";
    if (e.field == "priority") return r.priority ? "true" : "false";
    if (e.field == "accountability") return r.accountability ? "true" : "false";
    if (e.field == "cut") return r.cut.to_string();
    if (e.field == "recover") return r.recover.to_string();
    if (e.field == "reasons") return reason_list_text(r, rules);
    return {};
}

/// A monitoring field as the monitoring CSV writes it (reasons as a list, like the evaluation's).
std::string monitor_got_text(const Expected& e, const MonitorResult& r, const RuleSet& rules) {
    if (e.field == "level") return std::string(to_string(r.level));
    if (e.field == "action") return std::string(to_string(r.action));
    if (e.field == "reasons") {
        std::string s = "[";
        for (std::size_t k = 0; k < monitor_rule_count; ++k)
            if (r.reason(static_cast<MonitorRule>(k))) s += (s.size() > 1 ? ", " : "") + std::string(names::monitor_rule[k]);
        for (std::string_view id : monitor_custom_ids(r, rules)) s += (s.size() > 1 ? ", " : "") + std::string(id);
        return s + "]";
    }
    const MonitorRatesText rates = monitor_rates_text(r);
    if (e.field == "cut") return rates.cut;
    if (e.field == "cut_amount") return rates.cut_amount;
    if (e.field == "time_progress") return rates.time_progress;
    if (e.field == "exec_rate") return rates.exec_rate;
    if (e.field == "completion") return rates.completion;
    return {};
}

/// A case's `assessments:` list, grouped by project as read_assessments groups
/// assessments.csv (each item {project_id, expert, dimension, score}); bad items,
/// unknown projects and repeated scores are recorded in `ctx`.
std::vector<ProjectAssessment> case_assessments(Ctx& ctx, const Field& list, const std::vector<Project>& projects) {
    std::vector<ProjectAssessment> out;
    if (!list.value) return out;
    for (std::size_t i = 0; i < list.value->size(); ++i) {
        const Field item{nullptr, &list.value->children[i], list.path + "[" + std::to_string(i) + "]"};
        MapView m(ctx, item, {"project_id", "expert", "dimension", "score"});
        if (!m.ok()) continue;
        const auto id = read_text(ctx, m.get("project_id"));
        const auto expert = read_text(ctx, m.get("expert"));
        const Field dim = m.get("dimension");
        std::optional<AssessDimension> d;
        if (const std::string* t = scalar_text(ctx, dim, "a dimension", "评估维度"); t && !(d = parse_assess_dimension(*t)))
            ctx.error(dim.pos(), dim.name() + " must be one of necessity, economy, targets, feasibility, financing (or the Chinese names); found " + quote(*t),
                      dim.name_zh() + " 应为 立项必要性、投入经济性、绩效目标合理性、实施方案可行性、筹资合规性 之一；实际为 " + quote(*t));
        const auto score = read_number(ctx, m.get("score"), points());
        if (!id || !expert || !d || !score) continue;
        if (std::none_of(projects.begin(), projects.end(), [&](const Project& p) { return p.id == *id; })) {
            ctx.error(item.pos(), item.name() + ": project " + quote(*id) + " is not among the case's projects",
                      item.name_zh() + "：项目 " + quote(*id) + " 不在用例的项目中");
            continue;
        }
        auto a = std::find_if(out.begin(), out.end(), [&](const ProjectAssessment& x) { return x.project_id == *id; });
        if (a == out.end()) {
            a = out.emplace(out.end());
            a->project_id = *id;
            a->source_line = static_cast<std::uint32_t>(item.pos().line + 1);
        }
        auto e = std::find_if(a->experts.begin(), a->experts.end(), [&](const ExpertScores& x) { return x.expert == *expert; });
        if (e == a->experts.end()) {
            e = a->experts.emplace(a->experts.end());
            e->expert = *expert;
        }
        if (e->has(*d)) {
            ctx.error(item.pos(), item.name() + ": expert " + quote(*expert) + " scores " + std::string(to_string(*d)) + " twice",
                      item.name_zh() + "：专家 " + quote(*expert) + " 对 " + std::string(to_string(*d)) + " 重复评分");
            continue;
        }
        e->set(*d, *score, static_cast<std::uint32_t>(item.pos().line + 1));
    }
    return out;
}

/// A review field as the review CSV writes it (defects as "a;b").
std::string review_got_text(const Expected& e, const ReviewResult& r, const RuleSet& rules) {
    for (std::size_t d = 0; d < review_dimension_count; ++d)
        if (e.field == names::review_dimension[d]) return r.dimensions[d].to_string(2);
    if (e.field == "indicators") return std::to_string(r.indicators);
    if (e.field == "quantified") return std::to_string(r.quantified);
    if (e.field == "quantification") return r.quantification ? r.quantification->to_string(4) : std::string();
    if (e.field == "score") return r.score.to_string(2);
    if (e.field == "admission") return std::string(to_string(r.admission));
    if (e.field == "defects") return review_defect_ids(r, rules);
    if (e.field == "reasons") {
        std::string s = "[";
        for (std::string_view id : review_custom_ids(r, rules)) s += (s.size() > 1 ? ", " : "") + std::string(id);
        return s + "]";
    }
    if (e.field == "cut") return r.has_cut ? r.cut_rate.to_string(4) : std::string();
    if (e.field == "cut_amount") return r.has_cut ? r.cut.to_string() : std::string();
    if (e.field == "grade") {
        const GradeBand& band = rules.grades.bands[r.grade];
        return e.text == band.zh || e.text == band.en ? e.text : band.id;
    }
    return {};
}

/// An assessment field as the assessment CSV writes it (approved as true/false).
std::string assess_got_text(const Expected& e, const AssessResult& r, const RuleSet& rules) {
    for (std::size_t d = 0; d < assess_dimension_count; ++d)
        if (e.field == names::assess_dimension[d]) return r.dimensions[d].shown.to_string(2);
    if (e.field == "score") return r.score.to_string(2);
    if (e.field == "approved") return r.approved ? "true" : "false";
    if (e.field == "cut") return r.cut_rate.to_string(4);
    if (e.field == "cut_amount") return r.cut_amount.to_string();
    if (e.field == "grade") {
        const GradeBand& band = rules.grades.bands[r.grade];
        return e.text == band.zh || e.text == band.en ? e.text : band.id;
    }
    return {};
}

bool matches(const Expected& e, const std::string& got, const ProjectResult& r, const RuleSet& rules) {
    if (e.form != Form::grade) return e.text == got;
    const GradeBand& band = rules.grades.bands[r.grade];
    return e.text == band.id || e.text == band.zh || e.text == band.en;
}

bool contains(const std::vector<Diagnostic>& errors, const std::string& part) {
    for (const Diagnostic& d : errors)
        if (d.en.find(part) != std::string::npos || d.zh.find(part) != std::string::npos) return true;
    return false;
}

Diagnostic diagnostic(SourceLocation where, std::string en, std::string zh) {
    Diagnostic d;
    d.where = std::move(where);
    d.en = std::move(en);
    d.zh = std::move(zh);
    return d;
}

/// A difference; a blank rate (not applicable) is shown as the test file writes it, `~`.
TestMismatch mismatch(const ExpectedProject& ep, const Expected& e, std::string got, const Sources& sources) {
    static const std::string blank = "~ (not applicable)";
    if (e.form == Form::rate && got.empty()) got = blank;
    return {ep.id, e.field, e.text.empty() ? blank : e.text, std::move(got), sources.where(e.pos)};
}

/// Compares `expect_departments:` with the department review of the case's projects
/// as of its date, which must be a review date of the rules in effect on it.
void check_departments(const Case& c, const std::vector<Project>& projects, const std::vector<MonitorResult>& monitored,
                       const RuleBook& rules, const Sources& sources, TestCaseResult& out) {
    const RuleSet& period = rules.for_year(static_cast<int>(c.as_of->year()));
    if (!is_department_review_date(*c.as_of, period.monitoring)) {
        const MonitoringRules::DepartmentReview& dr = period.monitoring.department_review;
        std::string days;
        for (const MonthDay d : dr.on) days += (days.empty() ? "" : ", ") + to_string(d);
        out.errors.push_back(diagnostic(
            sources.where(c.pos),
            "no department review as of " + to_string(*c.as_of) +
                (dr.enabled ? ": the rules review departments on " + days : ": the rules have no department review"),
            to_string(*c.as_of) + " 不做部门整体绩效监控" + (dr.enabled ? "：规则规定的监控日为 " + days : "：规则未启用部门整体绩效监控")));
        return;
    }
    const std::vector<DepartmentReview> reviews = review_departments(projects, monitored, *c.as_of, period);
    for (const ExpectedProject& ed : c.expect_departments) {
        const auto it = std::find_if(reviews.begin(), reviews.end(), [&](const DepartmentReview& r) { return r.department == ed.id; });
        if (it == reviews.end()) {
            out.mismatches.push_back(TestMismatch{ed.id, "department", ed.id, "(no project of this department in this case)",
                                                  sources.where(ed.pos)});
            continue;
        }
        const DepartmentReviewText text = department_review_text(*it);
        for (const Expected& e : ed.values) {
            std::string got = e.field == "level"        ? std::string(to_string(it->level))
                              : e.field == "action"     ? std::string(to_string(it->action))
                              : e.field == "exec_rate"  ? text.exec_rate
                              : e.field == "completion" ? text.completion
                                                        : std::to_string(it->totals.warning_projects);
            if (e.text != got) out.mismatches.push_back(mismatch(ed, e, std::move(got), sources));
        }
    }
}

TestCaseResult run_case(const Case& c, const RuleBook& rules, Sources& sources) {
    TestCaseResult out;
    out.name = c.name;
    out.where = sources.where(c.pos);
    if (c.expect_error) out.expected_error = *c.expect_error;

    Problems problems(sources);
    Ctx ctx{problems, sources};
    std::vector<Project> projects = read_project_list(ctx, Field{nullptr, c.projects, c.projects_path});
    if (!problems.empty()) out.errors = problems.take();

    const bool monitoring = c.stage == Stage::monitoring;
    const bool assessment = c.stage == Stage::assessment;
    const bool review = c.stage == Stage::review;
    std::vector<ReviewResult> reviewed(review ? projects.size() : 0);
    std::vector<ProjectAssessment> scores;
    std::vector<AssessResult> assessed;
    if (assessment && out.errors.empty()) {
        scores = case_assessments(ctx, c.assessments, projects);
        if (!problems.empty()) out.errors = problems.take();
        assessed.resize(projects.size());
    }
    if (monitoring) // the period in effect on the as-of date, as `perfbudget monitor` picks it
        for (Project& p : projects)
            if (!p.year) p.year = static_cast<int>(c.as_of->year());
    std::vector<ProjectResult> results(monitoring || assessment || review ? 0 : projects.size());
    std::vector<MonitorResult> monitored(monitoring ? projects.size() : 0);
    if (out.errors.empty()) {
        const std::string& file = sources.names[0];
        for (std::size_t i = 0; i < projects.size(); ++i) {
            try {
                if (review) {
                    review_project(projects[i], rules.for_year(projects[i].year), reviewed[i]);
                } else if (assessment) {
                    const auto a = std::find_if(scores.begin(), scores.end(),
                                                [&](const ProjectAssessment& x) { return x.project_id == projects[i].id; });
                    if (a != scores.end()) assess_project(projects[i], *a, rules.for_year(projects[i].year), assessed[i], file);
                } else if (monitoring)
                    monitor_project(projects[i], *c.as_of, rules.for_year(projects[i].year), monitored[i], InputNames{file, file});
                else
                    evaluate(projects[i], rules, results[i], InputNames{file, file});
            } catch (const Error& e) {
                out.errors.insert(out.errors.end(), e.diagnostics().begin(), e.diagnostics().end());
            } catch (const std::bad_alloc&) {
                throw;
            } catch (const std::exception& e) {
                out.errors.push_back(diagnostic(sources.where(c.pos), std::string("project ") + projects[i].id + ": " + e.what(),
                                                std::string("项目 ") + projects[i].id + "：" + e.what()));
            }
        }
    }

    if (out.errors.empty() && !c.expect_departments.empty()) {
        check_departments(c, projects, monitored, rules, sources, out);
        if (!out.errors.empty()) out.mismatches.clear(); // the case's error says it all
    }
    if (c.expect_error) {
        out.error_missing = out.errors.empty();
        out.passed = !out.errors.empty() && contains(out.errors, *c.expect_error);
        if (out.passed) out.errors.clear();
        return out;
    }
    if (!out.errors.empty()) return out; // unexpected errors: the case fails with them

    for (const ExpectedProject& ep : c.expect) {
        std::size_t k = 0;
        while (k < projects.size() && projects[k].id != ep.id) ++k;
        const SourceLocation at = sources.where(ep.pos);
        if (k == projects.size()) {
            out.mismatches.push_back(TestMismatch{ep.id, "project_id", ep.id, "(no such project in this case)", at});
            continue;
        }
        if (assessment) {
            if (std::none_of(scores.begin(), scores.end(), [&](const ProjectAssessment& x) { return x.project_id == ep.id; })) {
                out.mismatches.push_back(TestMismatch{ep.id, "project_id", ep.id, "(no expert scores for this project)", at});
                continue;
            }
            for (const Expected& e : ep.values) {
                std::string got = assess_got_text(e, assessed[k], rules.for_year(projects[k].year));
                if (e.text != got) out.mismatches.push_back(mismatch(ep, e, std::move(got), sources));
            }
            continue;
        }
        if (review) {
            for (const Expected& e : ep.values) {
                std::string got = review_got_text(e, reviewed[k], rules.for_year(projects[k].year));
                if (e.text != got) out.mismatches.push_back(mismatch(ep, e, std::move(got), sources));
            }
            continue;
        }
        if (monitoring) {
            for (const Expected& e : ep.values) {
                std::string got = monitor_got_text(e, monitored[k], rules.for_year(projects[k].year));
                if (e.text != got) out.mismatches.push_back(mismatch(ep, e, std::move(got), sources));
            }
            continue;
        }
        const ProjectResult& r = results[k];
        const RuleSet& period = rules.for_year(projects[k].year); // the rules evaluate() used
        if (ep.indicator_count && *ep.indicator_count != r.indicators.size()) {
            out.mismatches.push_back(TestMismatch{ep.id, "indicators", std::to_string(*ep.indicator_count) + " scores",
                                                  std::to_string(r.indicators.size()) + " indicators",
                                                  sources.where(ep.indicators_pos)});
            continue;
        }
        for (const Expected& e : ep.values) {
            std::string got = got_text(e, r, period);
            if (matches(e, got, r, period)) continue;
            if (e.form == Form::grade) {
                const GradeBand& band = period.grades.bands[r.grade];
                got = band.id + " (" + band.zh + ")";
            }
            out.mismatches.push_back(mismatch(ep, e, std::move(got), sources));
        }
    }
    out.passed = out.mismatches.empty();
    return out;
}

/// The rules a test file names, or null (reported).
const RuleBook* rules_of(Ctx& ctx, const Field& f, const fs::path& dir, std::optional<RuleBook>& storage) {
    const auto text = read_text(ctx, f);
    if (!text) return nullptr;
    if (*text == "national") return &national_rules();
    const fs::path path = fs::path(*text).is_absolute() ? fs::path(*text) : dir / *text;
    try {
        storage = load_rules_file(path.lexically_normal().string());
        return &*storage;
    } catch (const Error& e) {
        ctx.error(f.pos(), "the rules " + quote(*text) + " cannot be loaded: " +
                               (e.diagnostics().empty() ? std::string() : e.diagnostics().front().to_string(Lang::en)),
                  "无法读取规则 " + quote(*text) + "：" +
                      (e.diagnostics().empty() ? std::string() : e.diagnostics().front().to_string(Lang::zh)));
        for (std::size_t i = 1; i < e.diagnostics().size(); ++i) {
            const Diagnostic& d = e.diagnostics()[i];
            ctx.problems.add_at(d.where, d.en, d.zh);
        }
        return nullptr;
    }
}

TestReport run_checked(std::string_view text, const std::string& file_name) {
    Sources sources;
    sources.names.push_back(file_name);
    sources.texts.resize(1);
    Problems problems(sources);
    const LoadLimits limits;
    static constexpr DocumentKind test_file{
        "test file", "测试文件",
        "the test file is empty; expected a map with rules and cases", "测试文件为空；应为包含 rules 和 cases 的映射",
        "the test file is empty; expected a map with rules and cases", "测试文件为空；应为包含 rules 和 cases 的映射"};
    std::optional<Node> root = read_document(text, 0, limits, sources, problems, test_file);
    if (!root) problems.raise(std::string(test_file.empty_en), std::string(test_file.empty_zh));

    Ctx ctx{problems, sources};
    MapView top(ctx, Field{nullptr, &*root, ""}, {"rules", "cases"});
    if (!top.ok()) problems.raise();
    std::optional<RuleBook> loaded;
    const fs::path dir = fs::path(file_name).parent_path();
    const std::size_t before = problems.size();
    const RuleBook* rules = rules_of(ctx, top.get("rules"), dir, loaded);
    const bool rules_ok = rules && problems.size() == before;

    TestFileReader reader(ctx, rules_ok ? rules : nullptr);
    std::vector<Case> cases;
    const Field list = top.get("cases");
    if (expect_kind(ctx, list, Node::Kind::list)) {
        if (list.value->size() == 0)
            ctx.error(list.pos(), "`cases` is empty; a test file needs at least one case", "`cases` 为空；测试文件至少需要一个用例");
        for (std::size_t i = 0; i < list.value->size(); ++i)
            if (auto c = reader.read_case(Field{nullptr, &list.value->children[i], "cases[" + std::to_string(i) + "]"}))
                cases.push_back(std::move(*c));
    }
    if (!problems.empty()) problems.raise();

    TestReport report;
    report.file = file_name;
    report.rules = rules->name(); // not null: a failed load is a problem, raised above
    for (const Case& c : cases) report.cases.push_back(run_case(c, *rules, sources));
    return report;
}

} // namespace

std::string TestCaseResult::diff(Lang lang) const {
    if (passed) return {};
    const bool zh = lang == Lang::zh;
    std::string s = "FAIL " + where.to_string() + ": " + name + "\n";
    for (const TestMismatch& m : mismatches)
        s += "  " + m.project + " " + m.field + (zh ? "：期望 " : ": expected ") + m.expected + (zh ? "，实际 " : ", got ") +
             m.got + "  (" + m.where.to_string() + ")\n";
    if (!expected_error.empty()) {
        if (error_missing)
            s += zh ? "  期望出现包含 “" + expected_error + "” 的错误，但没有错误\n"
                    : "  expected an error containing \"" + expected_error + "\", but there was none\n";
        else
            s += zh ? "  期望出现包含 “" + expected_error + "” 的错误，实际错误为：\n"
                    : "  expected an error containing \"" + expected_error + "\", got:\n";
    } else if (!errors.empty()) {
        s += zh ? "  意外的错误：\n" : "  unexpected error:\n";
    }
    for (const Diagnostic& d : errors) s += "    " + d.to_string(lang) + "\n";
    return s;
}

std::size_t TestReport::passed() const {
    std::size_t n = 0;
    for (const TestCaseResult& c : cases) n += c.passed ? 1 : 0;
    return n;
}

std::size_t TestReport::failed() const { return cases.size() - passed(); }

std::string TestReport::diff(Lang lang) const {
    std::string s;
    for (const TestCaseResult& c : cases) s += c.diff(lang);
    return s;
}

TestReport run_test_text(std::string_view yaml, const std::string& file_name) {
    return guarded(file_name, "running the test file", "运行测试文件", [&] { return run_checked(yaml, file_name); });
}

TestReport run_test_file(const std::string& path) {
    return guarded(path, "running the test file", "运行测试文件", [&] {
        FileText read = read_limited_file(path, LoadLimits{}.max_bytes, "test file", "测试文件");
        if (!read.en.empty()) throw Error(SourceLocation{path}, read.en, read.zh);
        return run_checked(read.text, path);
    });
}

} // namespace perfbudget
