// Tests for loading and checking rule files (load.hpp): the national defaults,
// other valid files, and one test per class of error with its message and
// line:column. Expected values are written by hand from SPEC §4 and §8.
#include "perfbudget/load.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace perfbudget;

namespace {

Decimal dec(std::string_view s) {
    Decimal d;
    REQUIRE(parse_decimal(s, d).ok());
    return d;
}

// A complete rule file in the national shape, one rule per line so that
// positions in the error tests are easy to read off.
const std::string kBase = R"(profile: test
evaluation:
  execution: {points: 10, zero_budget: error}
  weights: {output: 50, benefit: 30, satisfaction: 10, missing_level1: error}
  directions:
    ge: {formula: ratio}
    eq: {formula: ratio}
    le: {formula: ratio}
    qual:
      A: {default: 100%, range: [80%, 100%]}
      B: {default: 70%, range: [60%, 80%]}
      C: {default: 30%, range: [0%, 60%]}
    date: {penalty: 10%, period_days: 30}
  cap: 100%
  over_completion: {enabled: false, threshold: 120%, mode: fixed, deduction: 10%}
  rounding: {digits: 2, mode: half_up, apply: per_part}
  grades:
    - {id: excellent, zh: 优, en: excellent, range: [90, 100]}
    - {id: good, zh: 良, en: good, range: [80, 90]}
    - {id: fair, zh: 中, en: fair, range: [60, 80]}
    - {id: poor, zh: 差, en: poor, range: [0, 60]}
  results:
    rectify: {grades: [fair, poor]}
    priority: {grades: [excellent, good]}
    cut: {fair: 10%, poor: 100%}
    recover: {grades: [fair, poor], fund_sources: [local]}
)";

/// kBase with `from` (which must occur exactly once) replaced by `to`.
std::string with(std::string_view from, std::string_view to, std::string text = kBase) {
    const auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "test text lacks: " << from);
    REQUIRE_MESSAGE(text.find(from, at + 1) == std::string::npos, "test text has twice: " << from);
    return text.replace(at, from.size(), to);
}

/// The one period of undated rules.
RuleSet load(const std::string& text, const LoadLimits& limits = {}) {
    return load_rules_text(text, "test.yaml", limits).only();
}

/// The problems reported for `text`; fails the test when it loads.
std::vector<Diagnostic> problems(const std::string& text, const LoadLimits& limits = {}) {
    try {
        load(text, limits);
    } catch (const Error& e) {
        return e.diagnostics();
    } catch (const std::exception& e) {
        FAIL("an exception other than perfbudget::Error escaped: " << e.what());
    }
    FAIL("the text loaded, but an error was expected");
    return {};
}

/// The one problem whose English message contains `part`.
Diagnostic problem(const std::vector<Diagnostic>& list, std::string_view part) {
    for (const Diagnostic& d : list)
        if (d.en.find(part) != std::string::npos) return d;
    std::string all;
    for (const Diagnostic& d : list) all += "\n  " + d.to_string(Lang::en);
    FAIL("no problem contains \"" << part << "\"; got:" << all);
    return {};
}

/// Checks that `text` fails with exactly one problem, at line:column, saying `part`.
void check_error(const std::string& text, std::uint32_t line, std::uint32_t column, std::string_view part,
                 const LoadLimits& limits = {}) {
    const auto list = problems(text, limits);
    CHECK(list.size() == 1);
    const Diagnostic d = problem(list, part);
    CHECK(d.where.file == "test.yaml");
    CHECK(d.where.line == line);
    CHECK(d.where.column == column);
    CHECK(!d.zh.empty());
    CHECK(d.severity == Diagnostic::Severity::error);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::string kNationalPath = std::string(PERFBUDGET_SOURCE_DIR) + "/rules/national.yaml";

void check_same_ref(const RuleRef& a, const RuleRef& b) {
    CHECK(a.file == b.file);
    CHECK(a.line == b.line);
    CHECK(a.column == b.column);
}

/// Every field of two rule sets, except the file names.
void check_same(const RuleSet& a, const RuleSet& b) {
    CHECK(a.name == b.name);
    const auto &x = a.evaluation, &y = b.evaluation;
    CHECK(x.execution.points == y.execution.points);
    CHECK(x.execution.zero_budget == y.execution.zero_budget);
    check_same_ref(x.execution.where, y.execution.where);
    CHECK(x.weights.level1 == y.weights.level1);
    CHECK(x.weights.missing == y.weights.missing);
    check_same_ref(x.weights.where, y.weights.where);
    check_same_ref(x.weights.missing_where, y.weights.missing_where);
    CHECK(x.le.formula == y.le.formula);
    check_same_ref(x.le.where, y.le.where);
    check_same_ref(x.ge_where, y.ge_where);
    check_same_ref(x.eq_where, y.eq_where);
    for (std::size_t t = 0; t < tier_count; ++t) {
        CHECK(x.qual.tiers[t].fraction == y.qual.tiers[t].fraction);
        CHECK(x.qual.tiers[t].min == y.qual.tiers[t].min);
        CHECK(x.qual.tiers[t].max == y.qual.tiers[t].max);
        CHECK(x.qual.tiers[t].max_inclusive == y.qual.tiers[t].max_inclusive);
    }
    check_same_ref(x.qual.where, y.qual.where);
    CHECK(x.date.penalty == y.date.penalty);
    CHECK(x.date.period_days == y.date.period_days);
    check_same_ref(x.date.where, y.date.where);
    CHECK(x.cap.max_ratio == y.cap.max_ratio);
    check_same_ref(x.cap.where, y.cap.where);
    CHECK(x.over_completion.enabled == y.over_completion.enabled);
    CHECK(x.over_completion.threshold == y.over_completion.threshold);
    CHECK(x.over_completion.mode == y.over_completion.mode);
    CHECK(x.over_completion.deduction == y.over_completion.deduction);
    check_same_ref(x.over_completion.where, y.over_completion.where);
    CHECK(x.rounding.digits == y.rounding.digits);
    CHECK(x.rounding.mode == y.rounding.mode);
    CHECK(x.rounding.apply == y.rounding.apply);
    check_same_ref(x.rounding.where, y.rounding.where);
    REQUIRE(a.grades.size() == b.grades.size());
    for (std::size_t i = 0; i < a.grades.size(); ++i) {
        const auto &g = a.grades.bands[i], &h = b.grades.bands[i];
        CHECK(g.id == h.id);
        CHECK(g.zh == h.zh);
        CHECK(g.en == h.en);
        CHECK(g.from == h.from);
        CHECK(g.to == h.to);
        check_same_ref(g.where, h.where);
    }
    const auto &p = a.application, &q = b.application;
    CHECK(p.rectify.grades.bits == q.rectify.grades.bits);
    CHECK(p.priority.grades.bits == q.priority.grades.bits);
    CHECK(p.cut.rate_by_grade == q.cut.rate_by_grade);
    CHECK(p.recover.grades.bits == q.recover.grades.bits);
    CHECK(p.recover.fund_sources == q.recover.fund_sources);
    check_same_ref(p.rectify.where, q.rectify.where);
    check_same_ref(p.priority.where, q.priority.where);
    check_same_ref(p.cut.where, q.cut.where);
    check_same_ref(p.recover.where, q.recover.where);
}

/// Line `n` (1-based) of `text`.
std::string line_of(std::string_view text, std::uint32_t n) {
    std::size_t start = 0;
    for (std::uint32_t i = 1; i < n; ++i) start = text.find('\n', start) + 1;
    return std::string(text.substr(start, text.find('\n', start) - start));
}

} // namespace

// ---------------------------------------------------------------------------
// Valid files

TEST_CASE("load: national.yaml has the SPEC defaults") {
    const RuleSet& r = national_rules().only();
    CHECK(r.name == "national");
    REQUIRE(r.files.size() == 1);
    CHECK(r.files[0] == "rules/national.yaml");

    const auto& ev = r.evaluation;
    CHECK(ev.execution.points == Decimal::whole(10));
    CHECK(ev.execution.zero_budget == ZeroBudget::error);
    CHECK(ev.weights.level1[0] == Decimal::whole(50)); // output
    CHECK(ev.weights.level1[1] == Decimal::whole(30)); // benefit
    CHECK(ev.weights.level1[2] == Decimal::whole(10)); // satisfaction
    CHECK(ev.weights.missing == MissingLevel1::error);
    CHECK(ev.le.formula == LeFormula::ratio);

    const auto& A = ev.qual.tiers[0];
    const auto& B = ev.qual.tiers[1];
    const auto& C = ev.qual.tiers[2];
    CHECK(A.fraction == Decimal::whole(1));
    CHECK(A.min == dec("0.8"));
    CHECK(A.max == Decimal::whole(1));
    CHECK(A.max_inclusive);
    CHECK(B.fraction == dec("0.7"));
    CHECK(B.min == dec("0.6"));
    CHECK(B.max == dec("0.8"));
    CHECK_FALSE(B.max_inclusive);
    CHECK(C.fraction == dec("0.3"));
    CHECK(C.min == Decimal());
    CHECK(C.max == dec("0.6"));
    CHECK_FALSE(C.max_inclusive);

    CHECK(ev.date.penalty == dec("0.1"));
    CHECK(ev.date.period_days == 30);
    CHECK(ev.cap.max_ratio == Decimal::whole(1));
    CHECK_FALSE(ev.over_completion.enabled);
    CHECK(ev.over_completion.threshold == dec("1.2"));
    CHECK(ev.over_completion.mode == OverCompletionMode::fixed);
    CHECK(ev.over_completion.deduction == dec("0.1"));
    CHECK(ev.rounding.digits == 2);
    CHECK(ev.rounding.mode == RoundingMode::half_up);
    CHECK(ev.rounding.apply == RoundApply::per_part);

    const auto& g = r.grades;
    REQUIRE(g.size() == 4);
    const char* ids[] = {"excellent", "good", "fair", "poor"};
    const char* zh[] = {"优", "良", "中", "差"};
    const int from[] = {90, 80, 60, 0};
    const int to[] = {100, 90, 80, 60};
    for (std::size_t i = 0; i < 4; ++i) {
        CAPTURE(i);
        CHECK(g.bands[i].id == ids[i]);
        CHECK(g.bands[i].en == ids[i]);
        CHECK(g.bands[i].zh == zh[i]);
        CHECK(g.bands[i].from == Decimal::whole(from[i]));
        CHECK(g.bands[i].to == Decimal::whole(to[i]));
    }
    CHECK(g.grade_of(dec("89.99")) == 1);
    CHECK(g.grade_of(Decimal::whole(90)) == 0);
    CHECK(g.grade_of(dec("59.99")) == 3);

    const auto& app = r.application;
    CHECK(app.rectify.grades.bits == 0b1100);  // fair, poor
    CHECK(app.priority.grades.bits == 0b0011); // excellent, good
    REQUIRE(app.cut.rate_by_grade.size() == 4);
    CHECK(app.cut.rate_by_grade[0] == Decimal());
    CHECK(app.cut.rate_by_grade[1] == Decimal());
    CHECK(app.cut.rate_by_grade[2] == dec("0.1"));
    CHECK(app.cut.rate_by_grade[3] == Decimal::whole(1));
    CHECK(app.recover.grades.bits == 0b1100);
    CHECK(app.recover.fund_sources[0]);       // local
    CHECK_FALSE(app.recover.fund_sources[1]); // transfer exempt
}

TEST_CASE("load: national_rules() equals rules/national.yaml loaded from disk") {
    const RuleSet disk = load_rules_file(kNationalPath).only();
    CHECK(disk.files[0] == kNationalPath);
    check_same(national_rules().only(), disk);
    CHECK(national_rules_text() == read_file(kNationalPath));
    CHECK(&national_rules() == &national_rules()); // loaded once
}

TEST_CASE("load: national citations point at the lines of their rules") {
    const RuleSet& r = national_rules().only();
    const std::string_view text = national_rules_text();
    const auto at = [&](const RuleRef& ref) { return line_of(text, ref.line); };
    CHECK(at(r.evaluation.execution.where).find("execution:") != std::string::npos);
    CHECK(at(r.evaluation.weights.where).find("weights:") != std::string::npos);
    CHECK(at(r.evaluation.weights.missing_where).find("missing_level1:") != std::string::npos);
    CHECK(at(r.evaluation.le.where).find("le:") != std::string::npos);
    CHECK(at(r.evaluation.qual.where).find("qual:") != std::string::npos);
    CHECK(at(r.evaluation.date.where).find("date:") != std::string::npos);
    CHECK(at(r.evaluation.cap.where).find("cap:") != std::string::npos);
    CHECK(at(r.evaluation.over_completion.where).find("over_completion:") != std::string::npos);
    CHECK(at(r.evaluation.rounding.where).find("rounding:") != std::string::npos);
    CHECK(at(r.grades.bands[2].where).find("id: fair") != std::string::npos);
    CHECK(at(r.application.cut.where).find("cut:") != std::string::npos);
    CHECK(at(r.application.recover.where).find("recover:") != std::string::npos);
    CHECK(r.cite(r.evaluation.execution.where).rfind("rules/national.yaml:", 0) == 0);
}

TEST_CASE("load: rule references are the line and column of each rule's key") {
    const RuleSet r = load(kBase);
    CHECK(r.name == "test");
    CHECK(r.cite(r.evaluation.execution.where) == "test.yaml:3");
    CHECK(r.evaluation.execution.where.column == 3);
    CHECK(r.evaluation.weights.where.line == 4);
    CHECK(r.evaluation.weights.missing_where.line == 4);
    CHECK(r.evaluation.weights.missing_where.column == 56);
    CHECK(r.evaluation.ge_where.line == 6);
    CHECK(r.evaluation.eq_where.line == 7);
    CHECK(r.evaluation.le.where.line == 8);
    CHECK(r.evaluation.qual.where.line == 9);
    CHECK(r.evaluation.date.where.line == 13);
    CHECK(r.evaluation.cap.where.line == 14);
    CHECK(r.evaluation.over_completion.where.line == 15);
    CHECK(r.evaluation.rounding.where.line == 16);
    CHECK(r.grades.bands[0].where.line == 18);
    CHECK(r.grades.bands[0].where.column == 7);
    CHECK(r.grades.bands[3].where.line == 21);
    CHECK(r.application.rectify.where.line == 23);
    CHECK(r.application.priority.where.line == 24);
    CHECK(r.application.cut.where.line == 25);
    CHECK(r.application.recover.where.line == 26);
}

TEST_CASE("load: a five-level scale (武昌区 优/良/中/低/差) with Chinese grade names") {
    const std::string text = kBase.substr(0, kBase.find("  grades:")) + R"(  grades:
    - {id: excellent, zh: 优, en: excellent, range: [90, 100]}
    - {id: good, zh: 良, en: good, range: [80, 90]}
    - {id: fair, zh: 中, en: fair, range: [70, 80]}
    - {id: low, zh: 低, en: low, range: [60, 70]}
    - {id: poor, zh: 差, en: poor, range: [0, 60]}
  results:
    rectify: {grades: [中, 低, 差]}
    priority: {grades: [优, 良]}
    cut: {low: 50%, 差: 100%}
    recover: {grades: [low, poor], fund_sources: [本级, 上级转移支付]}
)";
    const RuleSet r = load(text);
    REQUIRE(r.grades.size() == 5);
    CHECK(r.grades.bands[3].id == "low");
    CHECK(r.grades.bands[3].zh == "低");
    CHECK(r.grades.bands[3].from == Decimal::whole(60));
    CHECK(r.grades.bands[3].to == Decimal::whole(70));
    CHECK(r.grades.grade_of(dec("65.5")) == 3);
    CHECK(r.grades.grade_of(dec("75")) == 2);
    CHECK(r.application.rectify.grades.bits == 0b11100);
    CHECK(r.application.priority.grades.bits == 0b00011);
    REQUIRE(r.application.cut.rate_by_grade.size() == 5);
    CHECK(r.application.cut.rate_by_grade[2] == Decimal());
    CHECK(r.application.cut.rate_by_grade[3] == dec("0.5"));
    CHECK(r.application.cut.rate_by_grade[4] == Decimal::whole(1));
    CHECK(r.application.recover.grades.bits == 0b11000);
    CHECK(r.application.recover.fund_sources[0]);
    CHECK(r.application.recover.fund_sources[1]);
}

TEST_CASE("load: the other choices and fractions written without %") {
    std::string t = with("zero_budget: error", "zero_budget: not_applicable");
    t = with("points: 10, zero_budget", "points: 20, zero_budget", t);
    t = with("output: 50, benefit: 30", "output: 40, benefit: 30", t);
    t = with("missing_level1: error", "missing_level1: rescale", t);
    t = with("le: {formula: ratio}", "le: {formula: linear}", t);
    t = with("B: {default: 70%, range: [60%, 80%]}", "B: {default: 0.65, range: [0.6, 0.8]}", t);
    t = with("date: {penalty: 10%, period_days: 30}", "date: {penalty: 0.05, period_days: 7}", t);
    t = with("cap: 100%", "cap: 110%", t);
    t = with("{enabled: false, threshold: 120%, mode: fixed, deduction: 10%}",
             "{enabled: true, threshold: 1.5, mode: proportional, deduction: 50%}", t);
    t = with("{digits: 2, mode: half_up, apply: per_part}", "{digits: 4, mode: half_even, apply: total_only}", t);
    t = with("cut: {fair: 10%, poor: 100%}", "cut: {}", t);
    t = with("rectify: {grades: [fair, poor]}", "rectify: {grades: []}", t);
    const RuleSet r = load(t);
    const auto& ev = r.evaluation;
    CHECK(ev.execution.zero_budget == ZeroBudget::not_applicable);
    CHECK(ev.execution.points == Decimal::whole(20));
    CHECK(ev.weights.level1[0] == Decimal::whole(40));
    CHECK(ev.weights.missing == MissingLevel1::rescale);
    CHECK(ev.le.formula == LeFormula::linear);
    CHECK(ev.qual.tiers[1].fraction == dec("0.65"));
    CHECK(ev.date.penalty == dec("0.05"));
    CHECK(ev.date.period_days == 7);
    CHECK(ev.cap.max_ratio == dec("1.1"));
    CHECK(ev.over_completion.enabled);
    CHECK(ev.over_completion.threshold == dec("1.5"));
    CHECK(ev.over_completion.mode == OverCompletionMode::proportional);
    CHECK(ev.over_completion.deduction == dec("0.5"));
    CHECK(ev.rounding.digits == 4);
    CHECK(ev.rounding.mode == RoundingMode::half_even);
    CHECK(ev.rounding.apply == RoundApply::total_only);
    CHECK(r.application.cut.rate_by_grade == std::vector<Decimal>(4));
    CHECK(r.application.rectify.grades.bits == 0);
}

TEST_CASE("load: block style, quoted scalars, CRLF line ends and a UTF-8 BOM are fine") {
    std::string t = with("cap: 100%", "cap: \"100%\"");
    t = with("rounding: {digits: 2, mode: half_up, apply: per_part}",
             "rounding:\n    digits: 2\n    mode: 'half_up'\n    apply: per_part", t);
    CHECK(load(t).evaluation.cap.max_ratio == Decimal::whole(1));
    CHECK(load(t).evaluation.rounding.where.line == 16);
    CHECK(load("\xEF\xBB\xBF" + kBase).name == "test");
    std::string crlf;
    for (char c : kBase) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    CHECK(load(crlf).grades.size() == 4);
}

TEST_CASE("load: aliases load when LoadLimits allows them") {
    std::string t = with("rectify: {grades: [fair, poor]}", "rectify: {grades: &low [fair, poor]}");
    t = with("recover: {grades: [fair, poor],", "recover: {grades: *low,", t);
    LoadLimits limits;
    limits.allow_aliases = true;
    CHECK(load(t, limits).application.recover.grades.bits == 0b1100);
}

// ---------------------------------------------------------------------------
// Errors in content

TEST_CASE("load error: unknown key, with did-you-mean") {
    check_error(with("threshold: 120%", "treshold: 120%"), 15, 37,
                "unknown key `treshold` in `evaluation.over_completion`; did you mean `threshold`?");
    // Far from every known key: the known keys are listed instead.
    check_error(with("cap: 100%", "cap: 100%\n  colour: red"), 15, 3,
                "unknown key `colour` in `evaluation`; expected one of: execution, weights, directions, cap, "
                "over_completion, rounding");
    // Columns count characters, not bytes: 优 is one column.
    check_error(with("range: [90, 100]}", "range: [90, 100], x: 1}"), 18, 63, "unknown key `x` in `evaluation.grades[0]`");
}

TEST_CASE("load error: a file in the layout before stage sections says where each key goes") {
    // Before rule files had one section per stage, grades/results/custom were top-level.
    std::string old = kBase;
    for (const char* key : {"grades:", "results:"}) {
        const auto at = old.find(std::string("  ") + key);
        old.erase(at, 2); // the key back at the top level
        for (auto nl = old.find('\n', at); nl != std::string::npos && old.compare(nl + 1, 2, "  ") == 0 &&
                                            old.compare(nl + 1, 4, "  re") != 0;
             nl = old.find('\n', nl + 1))
            old.erase(nl + 1, 2);
    }
    REQUIRE(old.find("\ngrades:\n  - {id: excellent") != std::string::npos);
    REQUIRE(old.find("\nresults:\n  rectify:") != std::string::npos);
    const auto list = problems(old);
    REQUIRE(list.size() >= 2);
    CHECK(list[0].where.line == 17);
    CHECK(list[0].where.column == 1);
    CHECK(list[0].en.rfind("`grades:` is no longer a top-level key: rule files have one section per stage, and `grades` "
                           "belongs to the year-end evaluation. Move it, indented, under `evaluation:`", 0) == 0);
    CHECK(list[0].zh.rfind("`grades:` 已不是顶层键：规则文件按阶段分节", 0) == 0);
    CHECK(list[1].where.line == 22);
    CHECK(list[1].en.rfind("`results:` is no longer a top-level key", 0) == 0);
    // A profile in the old layout: the same error, at the profile's line.
    const auto custom = problems("base: national\nprofile: t\ncustom:\n  - rule: r\n    zh: 规则\n    en: rule\n"
                                 "    when: total < 60\n");
    REQUIRE(custom.size() == 1);
    CHECK(custom[0].where.line == 3);
    CHECK(custom[0].en.rfind("`custom:` is no longer a top-level key", 0) == 0);
}

TEST_CASE("load error: wrong type") {
    check_error(with("weights: {output: 50, benefit: 30, satisfaction: 10, missing_level1: error}",
                     "weights: [50, 30, 10]"),
                4, 12, "`evaluation.weights` must be a map (key: value), found a list");
    check_error(with("grades: [fair, poor]}\n    priority", "grades: fair}\n    priority"), 23, 23,
                "`evaluation.results.rectify.grades` must be a list, found a single value");
    check_error(with("cap: 100%", "cap: [100%]"), 14, 8, "`evaluation.cap` must be a number such as 10% or 0.1, found a list");
    check_error(with("cap: 100%", "cap:"), 14, 3, "`evaluation.cap` must be a number such as 10% or 0.1, found nothing");
}

TEST_CASE("load error: missing key") {
    check_error(with("  cap: 100%\n", ""), 2, 1, "missing key `cap` in `evaluation`");
    check_error(with("en: good, ", ""), 19, 7, "missing key `en` in `evaluation.grades[1]`");
}

TEST_CASE("load error: grade bands with a gap, an overlap, a wrong order or a wrong end") {
    check_error(with("range: [80, 90]", "range: [80, 85]"), 19, 7,
                "gap between `excellent` and `good` (85 to 90 not covered)");
    check_error(with("range: [80, 90]", "range: [80, 95]"), 19, 7,
                "bands overlap between `excellent` and `good` (90 to 95 in both)");
    check_error(with("range: [90, 100]", "range: [90, 99.5]"), 18, 7, "the top grade `excellent` must end at 100, found 99.5");
    check_error(with("range: [0, 60]", "range: [10, 60]"), 21, 7, "the bottom grade `poor` must start at 0, found 10");
    check_error(with("range: [80, 90]", "range: [90, 80]"), 19, 42, "must run from a lower to a higher number");
    check_error(with("range: [0, 60]", "range: [0, 60%]"), 21, 46, "`evaluation.grades[3].range[1]` must be a number such as 10 or 12.5");
    const auto swapped = with("    - {id: fair, zh: 中, en: fair, range: [60, 80]}\n    - {id: poor, zh: 差, en: poor, range: [0, 60]}",
                              "    - {id: poor, zh: 差, en: poor, range: [0, 60]}\n    - {id: fair, zh: 中, en: fair, range: [60, 80]}");
    const auto list = problems(swapped);
    const Diagnostic d = problem(list, "grades must be listed best first, but `fair` (from 60) follows `poor` (from 0)");
    CHECK(d.where.line == 21);
}

TEST_CASE("load error: grade count, ids and names") {
    const std::string one = kBase.substr(0, kBase.find("    - {id: good")) + "  results:" +
                            kBase.substr(kBase.find("  results:") + 10);
    const auto list = problems(one);
    CHECK(problem(list, "a grade scale must have 2 to 64 grades, found 1").where.line == 18); // the list
    check_error(with("id: good", "id: 优"), 19, 12, "`evaluation.grades[1].id` must be an identifier");
    check_error(with("zh: 良", "zh: 优"), 19, 7, "grade name `优` is used twice");
    check_error(with("id: good", "id: 'good '"), 19, 12, "must be an identifier");
}

TEST_CASE("load error: execution points and weights must total 100") {
    check_error(with("benefit: 30", "benefit: 29.99"), 4, 3,
                "execution points plus the level-1 weights must total 100, found 99.99 (10 + 50 + 29.99 + 10)");
    check_error(with("output: 50", "output: 50%"), 4, 21, "a percentage; write a plain number of points");
}

TEST_CASE("load error: execution points and level-1 weights have at most 2 decimals, like indicator weights") {
    // 10.005 execution points at 100% would score round(10.005, 2) = 10.01, more than the points.
    check_error(with("points: 10", "points: 10.005"), 3, 23,
                "`evaluation.execution.points` must have at most 2 decimals (the resolution of a score, so no rounded "
                "score can exceed its points), found `10.005`");
    check_error(with("benefit: 30", "benefit: 30.001"), 4, 34, "`evaluation.weights.benefit` must have at most 2 decimals");
    const auto both = problems(with("output: 50, benefit: 30", "output: 49.995, benefit: 30.005"));
    REQUIRE(both.size() == 2); // and no total error on top: weights not read are not summed
    CHECK(both[0].where.line == 4);
    CHECK(both[0].where.column == 21);
    CHECK(both[1].where.column == 38);
    CHECK(both[1].zh.find("最多 2 位小数") != std::string::npos);
    // 2 decimals are fine; grade bounds (a total, rounded to rounding.digits) may have more.
    CHECK(load(with("output: 50, benefit: 30", "output: 49.99, benefit: 30.01")).evaluation.weights.level1[0] ==
          dec("49.99"));
    const RuleSet fine = load(with("range: [90, 100]}\n    - {id: good, zh: 良, en: good, range: [80, 90]}",
                                   "range: [89.995, 100]}\n    - {id: good, zh: 良, en: good, range: [80, 89.995]}"));
    CHECK(fine.grades.bands[0].from == dec("89.995"));
}

TEST_CASE("load error: qualitative tiers") {
    check_error(with("B: {default: 70%", "B: {default: 85%"), 11, 20,
                "`evaluation.directions.qual.B.default` must lie in the tier's range [60%, 80%), found 85%");
    // 80% is the exclusive top of B.
    check_error(with("B: {default: 70%", "B: {default: 80%"), 11, 20, "must lie in the tier's range [60%, 80%)");
    check_error(with("C: {default: 30%, range: [0%, 60%]}", "C: {default: 30%, range: [0%, 70%]}"), 12, 7,
                "qualitative tier C must lie below tier B without overlapping it");
    check_error(with("A: {default: 100%, range: [80%, 100%]}", "A: {default: 100%, range: [80%, 120%]}"), 10, 39,
                "must be between 0% and 100%, found `120%`");
    check_error(with("      C: {default: 30%, range: [0%, 60%]}\n", "      C: {default: 30%, range: [0%, 60%]}\n      D: {}\n"),
                13, 7, "unknown key `D` in `evaluation.directions.qual`");
}

TEST_CASE("load error: out-of-range and misspelt values") {
    check_error(with("penalty: 10%", "penalty: 150%"), 13, 21, "must be between 0% and 100%, found `150%`");
    check_error(with("threshold: 120%", "threshold: 90%"), 15, 48,
                "`evaluation.over_completion.threshold` must be at least 100%, found `90%`");
    check_error(with("cap: 100%", "cap: 0.9"), 14, 8, "`evaluation.cap` must be at least 100%");
    check_error(with("period_days: 30", "period_days: 0"), 13, 39, "must be a whole number from 1 to 366; found `0`");
    check_error(with("digits: 2", "digits: 7"), 16, 22, "`evaluation.rounding.digits` must be a whole number from 0 to 6");
    check_error(with("digits: 2", "digits: 2.0"), 16, 22, "must be a whole number from 0 to 6; found `2.0`");
    check_error(with("mode: half_up", "mode: halfup"), 16, 31,
                "must be one of half_up | half_even | down; found `halfup`; did you mean `half_up`?");
    check_error(with("le: {formula: ratio}", "le: {formula: inverse}"), 8, 19, "must be one of ratio | linear");
    check_error(with("enabled: false", "enabled: no"), 15, 30, "must be one of true | false; found `no`");
    check_error(with("cut: {fair: 10%", "cut: {fair: 10"), 25, 17, "`evaluation.results.cut.fair` must be between 0% and 100%");
    check_error(with("profile: test", "profile: my profile"), 1, 10, "`profile` must be an identifier");
}

TEST_CASE("load error: YAML 1.1 number traps are refused") {
    check_error(with("digits: 2", "digits: 010"), 16, 22, "found `010`, a number with a leading zero");
    check_error(with("points: 10", "points: 0x10"), 3, 23, "found `0x10`, a hexadecimal");
    check_error(with("penalty: 10%", "penalty: yes"), 13, 21, "found `yes`, a yes/no word, not a number");
    check_error(with("points: 10", "points: 1e1"), 3, 23, "must be a number such as 10 or 12.5; found `1e1`");
    check_error(with("points: 10", "points: .inf"), 3, 23, "found `.inf`");
    check_error(with("points: 10", "points: !!int 10"), 3, 23, "YAML tags such as `tag:yaml.org,2002:int`");
}

TEST_CASE("load error: results name grades that exist") {
    check_error(with("[fair, poor]}\n    priority", "[fair, pooor]}\n    priority"), 23, 30,
                "unknown grade `pooor` in `evaluation.results.rectify.grades`; did you mean `poor`?");
    check_error(with("cut: {fair: 10%", "cut: {medium: 10%"), 25, 11,
                "unknown grade `medium` in `evaluation.results.cut`; expected one of: excellent, good, fair, poor");
    check_error(with("cut: {fair: 10%, poor: 100%}", "cut: {fair: 10%, 中: 20%, poor: 100%}"), 25, 22,
                "the cut rate for grade `fair` is given twice");
    check_error(with("[excellent, good]", "[excellent, good, 优]"), 24, 42, "grade `excellent` is listed twice");
    check_error(with("fund_sources: [local]", "fund_sources: [local, county]"), 26, 59,
                "entries must be local or transfer (本级 / 上级转移支付), found `county`");
}

TEST_CASE("load error: duplicate keys are refused") {
    check_error(with("  cap: 100%\n", "  cap: 100%\n  cap: 90%\n"), 15, 3, "duplicate key `cap` (first written on line 14)");
    check_error(with("{fair: 10%, poor: 100%}", "{fair: 10%, fair: 100%}"), 25, 22, "duplicate key `fair`");
}

TEST_CASE("load error: `base:` must be the first key (profiles: tests/test_profiles.cpp)") {
    const auto lines = static_cast<std::uint32_t>(std::count(kBase.begin(), kBase.end(), '\n'));
    check_error(kBase + "base: national\n", lines + 1, 1, "`base:` must be the first key of the file");
}

TEST_CASE("load error: every problem in a file is listed, in file order") {
    std::string t = with("benefit: 30", "benefit: 31");
    t = with("threshold: 120%", "treshold: 120%", t);
    t = with("[fair, poor]}\n    priority", "[fiar, poor]}\n    priority", t);
    const auto list = problems(t);
    REQUIRE(list.size() == 3);
    CHECK(list[0].where.line == 4);
    CHECK(list[0].en.find("found 101") != std::string::npos);
    CHECK(list[1].where.line == 15);
    CHECK(list[2].where.line == 23);
    CHECK(list[2].zh == "`evaluation.results.rectify.grades` 中有未知的等级 `fiar`；是否应为 `fair`？");
}

// ---------------------------------------------------------------------------
// Hostile or broken files

TEST_CASE("load error: anchors and aliases, and the billion laughs") {
    check_error(with("rectify: {grades: [fair, poor]}", "rectify: {grades: &g [fair, poor]}"), 23, 23,
                "YAML anchors and aliases (&g) are not allowed");

    std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (char c = 'b'; c <= 'j'; ++c) {
        const char prev = static_cast<char>(c - 1);
        bomb += std::string(1, c) + ": &" + c + " [";
        for (int i = 0; i < 9; ++i) bomb += std::string(i ? "," : "") + "*" + prev;
        bomb += "]\n";
    }
    check_error(bomb, 1, 4, "YAML anchors and aliases (&a) are not allowed");
    // Allowed aliases are still bounded: copies count against max_nodes.
    LoadLimits allow;
    allow.allow_aliases = true;
    check_error(bomb, 6, 8, "more than 100000 values, maps and lists", allow);
    check_error("a: &x [*x]\n", 1, 8, "recursive alias", allow);
}

TEST_CASE("load error: deep nesting is refused without recursion") {
    check_error("a: " + std::string(600, '[') + std::string(600, ']') + "\n", 1, 35,
                "nested more than 32 levels deep");
    // yaml-cpp reads an unclosed `{` at the start as a key, so one more map encloses them all.
    check_error(std::string(20000, '{') + "\n", 1, 32, "nested more than 32 levels deep");
    // Past yaml-cpp's own guard (500 in 0.7.0) when our limit is set higher.
    LoadLimits deep;
    deep.max_depth = 100000;
    const auto list = problems(std::string(20000, '[') + "\n", deep);
    REQUIRE(list.size() == 1);
    CHECK(list[0].en == "maps and lists are nested too deeply for the YAML parser");
}

TEST_CASE("load error: too many nodes") {
    LoadLimits small;
    small.max_nodes = 50;
    check_error(kBase, 11, 32, "more than 50 values, maps and lists (limit LoadLimits::max_nodes)", small);
}

TEST_CASE("load error: junk, several documents, empty files") {
    check_error(",", 1, 1, "the file must be a map (key: value), found nothing");
    check_error("- a\n- b\n", 1, 1, "the file must be a map (key: value), found a list");
    check_error("{x:", 1, 3, "YAML syntax error: ");
    check_error(kBase + "---\nprofile: other\n", 27, 1, "a second YAML document starts here");
    check_error(kBase + "---\n", 27, 1, "a second YAML document starts here");
    check_error("", 0, 0, "the rule file is empty");
    check_error(" \n\t\r\n", 0, 0, "the rule file is empty");
    check_error("\xEF\xBB\xBF", 0, 0, "the rule file is empty");
    check_error("# only a comment\n", 0, 0, "the rule file has only comments");
}

TEST_CASE("load error: bad bytes") {
    check_error(with("zh: 良", "zh: \xFF"), 19, 22, "invalid UTF-8 (byte 0xFF)");
    check_error(with("zh: 良", "zh: \xE8\x89"), 19, 22, "invalid UTF-8 (byte 0xE8)");   // truncated 良
    check_error(with("zh: 良", "zh: \xC0\xAF"), 19, 22, "invalid UTF-8 (byte 0xC0)");   // overlong '/'
    check_error(with("zh: 良", "zh: \xED\xA0\x80"), 19, 22, "invalid UTF-8 (byte 0xED)"); // surrogate
    check_error(with("profile: test", std::string("profile: te\0st", 14)), 1, 12, "control character 0x00");
    check_error(with("  cap: 100%", "\tcap: 100%"), 14, 2, "YAML syntax error");
}

TEST_CASE("load error: size limit, before parsing") {
    LoadLimits small;
    small.max_bytes = 100;
    check_error(kBase, 0, 0, "more than the limit of 100 (LoadLimits::max_bytes)", small);

    const std::string path = "perfbudget_test_big_rules.yaml";
    {
        std::ofstream out(path, std::ios::binary);
        out << kBase;
    }
    try {
        load_rules_file(path, small);
        FAIL("a file over the limit loaded");
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].where.file == path);
        CHECK(e.diagnostics()[0].en == "the rule file is larger than the limit of 100 bytes (LoadLimits::max_bytes)");
    }
    CHECK(load_rules_file(path).name() == "test");
    std::remove(path.c_str());
}

TEST_CASE("load error: files that cannot be read") {
    try {
        load_rules_file("no/such/rules.yaml");
        FAIL("a missing file loaded");
    } catch (const Error& e) {
        CHECK(e.diagnostics()[0].where.to_string() == "no/such/rules.yaml");
        CHECK(e.diagnostics()[0].en == "cannot open the rule file: no such file or directory");
        CHECK(e.diagnostics()[0].zh == "无法打开规则文件：文件或目录不存在"); // no English inside Chinese
    }
    CHECK_THROWS_AS(load_rules_file(PERFBUDGET_SOURCE_DIR), Error); // a directory
}

TEST_CASE("load error: truncated and mutated files fail cleanly") {
    // Every prefix of a valid file, and random byte flips: each either loads or
    // throws perfbudget::Error — never another exception, a crash or a hang.
    int loaded = 0, refused = 0;
    const auto attempt = [&](const std::string& text) {
        try {
            load(text);
            ++loaded;
        } catch (const Error& e) {
            CHECK(!e.diagnostics().empty());
            ++refused;
        } catch (...) {
            FAIL("an exception other than perfbudget::Error escaped for: " << text);
        }
    };
    for (std::size_t n = 0; n < kBase.size(); n += 3) attempt(kBase.substr(0, n));
    std::mt19937 rng(20240601); // fixed seed: the same cases every run
    const std::string alphabet = "{}[],:&*!|>-?#%@`'\"\n\t 0a\xFF\xE4";
    for (int i = 0; i < 2000; ++i) {
        std::string text = kBase;
        for (int k = 0; k < 3; ++k)
            text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
        attempt(text);
    }
    CHECK(loaded + refused == static_cast<int>((kBase.size() + 2) / 3) + 2000);
    CHECK(refused > 0);
}
