// The county profiles of seeds 001, 003 and 004 (SPEC §10): rules/changji.yaml,
// rules/lanzhou-new-area.yaml and rules/yuechi.yaml. Their YAML test files
// (rules/tests/) check the amounts and flags; these cases check what those cannot:
// which custom steps fired (the `reasons`), which rule set each result, and where each
// rule is cited. Every expected value is computed by hand in the comment beside it.
#include "support.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/load.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

using namespace perfbudget;
using perfbudget::test::dec;
using perfbudget::test::yuan;

namespace {

const std::string kRules = std::string(PERFBUDGET_SOURCE_DIR) + "/rules/";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The 1-based line of the only line of `text` that contains `needle`.
std::uint32_t line_of(std::string_view text, std::string_view needle) {
    const auto at = text.find(needle);
    REQUIRE_MESSAGE(at != std::string_view::npos, "text lacks: " << needle);
    REQUIRE_MESSAGE(text.find(needle, at + 1) == std::string_view::npos, "text has twice: " << needle);
    return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
}

/// As in the YAML test files: budget 1000.00, spent 800.00 (execution 10 × 0.8 = 8.00),
/// benefit 30 and satisfaction 10 met in full, one 50-point output indicator with
/// target 100: total = 8 + 50 × actual / 100 + 40 = 48 + actual / 2.
/// Unspent balance 200.00.
Project project(const char* actual, FundSource source = FundSource::local,
                Rectification rectification = Rectification::none) {
    Project p = perfbudget::test::sample_project("100", actual);
    p.fund_source = source;
    p.rectification = rectification;
    return p;
}

/// The ids of the custom steps that fired for a project, `;`-separated.
std::string fired_ids(const ProjectResult& p, const RuleSet& r) {
    std::string s;
    for (std::size_t i = 0; i < p.fired_count; ++i)
        s += (s.empty() ? "" : ";") + r.custom.steps[p.fired[i].step].id();
    return s;
}

/// The id of the custom step that set `t` for this project, "" when the national rule stands.
std::string set_by(const ProjectResult& p, const RuleSet& r, custom::Target t) {
    const std::uint16_t s = p.set_by[static_cast<std::size_t>(t)];
    return s == 0 ? std::string{} : r.custom.steps[s - 1u].id();
}

std::string grade_id(const ProjectResult& p, const RuleSet& r) { return r.grades.bands[p.grade].id; }

std::uint32_t national_line(std::string_view needle) { return line_of(national_rules_text(), needle); }

} // namespace

TEST_CASE("county profile: rules/changji.yaml — 中/差 cut without exception, 差 and refusal held to account") {
    const std::string path = kRules + "changji.yaml";
    const std::string text = read_text(path);
    const RuleSet r = load_rules_file(path).only();
    CHECK(r.name == "changji");
    REQUIRE(r.grades.size() == 4); // national scale
    REQUIRE(r.custom.steps.size() == 3);
    CHECK(r.cite(r.application.cut.where) == path + ":" + std::to_string(line_of(text, "  cut:")));
    CHECK(r.cite(r.application.rectify.where) == "rules/national.yaml:" + std::to_string(national_line("  rectify:")));
    CHECK(r.cite(r.application.recover.where) == "rules/national.yaml:" + std::to_string(national_line("  recover:")));

    // 48 + 63.98/2 = 79.99 → 中: reason cut_or_cancel, cut 100.00 by results.cut, no accountability
    const ProjectResult f = evaluate(project("63.98"), r);
    CHECK(f.total == dec("79.99"));
    CHECK(grade_id(f, r) == "fair");
    CHECK(fired_ids(f, r) == "cut_or_cancel");
    CHECK(f.cut == yuan("100.00"));
    CHECK(set_by(f, r, custom::Target::cut).empty()); // the reason rule changes no amount
    CHECK_FALSE(f.accountability);
    // 48 + 64/2 = 80.00 → 良: nothing fires
    const ProjectResult g = evaluate(project("64"), r);
    CHECK(grade_id(g, r) == "good");
    CHECK(fired_ids(g, r).empty());
    CHECK(g.fired_count == 0);
    // 48 + 23.98/2 = 59.99 → 差: cut_or_cancel and ineffective (无效必追责) → accountability
    const ProjectResult p = evaluate(project("23.98"), r);
    CHECK(grade_id(p, r) == "poor");
    CHECK(fired_ids(p, r) == "cut_or_cancel;ineffective");
    CHECK(p.accountability);
    CHECK(set_by(p, r, custom::Target::accountability) == "ineffective");
    CHECK(p.cut == yuan("1000.00"));
    // transfer-funded 差 58.00: cut in full ("一律"), balance exempt, accountability
    const ProjectResult t = evaluate(project("20", FundSource::transfer), r);
    CHECK(fired_ids(t, r) == "cut_or_cancel;ineffective");
    CHECK(t.cut == yuan("1000.00"));
    CHECK(t.recover == Money{});
    CHECK(t.accountability);
    // 良 85.00 whose unit refused to rectify: refused_rectification → accountability, rectify
    const ProjectResult x = evaluate(project("74", FundSource::local, Rectification::refused), r);
    CHECK(grade_id(x, r) == "good");
    CHECK(fired_ids(x, r) == "refused_rectification");
    CHECK(x.accountability);
    CHECK(x.rectify);
    CHECK(set_by(x, r, custom::Target::rectify) == "refused_rectification");
    CHECK(x.priority); // national 良 priority stands
    CHECK(x.cut == Money{});
    // 差 58.00 and refused: all three fire, in the order written
    const ProjectResult both = evaluate(project("20", FundSource::local, Rectification::refused), r);
    CHECK(fired_ids(both, r) == "cut_or_cancel;ineffective;refused_rectification");
    CHECK(set_by(both, r, custom::Target::accountability) == "refused_rectification"); // the last to set it
    // pending is not a refusal
    const ProjectResult pend = evaluate(project("74", FundSource::local, Rectification::pending), r);
    CHECK(fired_ids(pend, r).empty());
    CHECK_FALSE(pend.accountability);
}

TEST_CASE("county profile: rules/lanzhou-new-area.yaml — every grade below 优 rectifies, 优 is continued") {
    const std::string path = kRules + "lanzhou-new-area.yaml";
    const std::string text = read_text(path);
    const RuleSet r = load_rules_file(path).only();
    CHECK(r.name == "lanzhou-new-area");
    REQUIRE(r.grades.size() == 4);
    REQUIRE(r.custom.steps.size() == 1);
    CHECK(r.cite(r.application.rectify.where) == path + ":" + std::to_string(line_of(text, "  rectify:")));
    CHECK(r.cite(r.application.cut.where) == "rules/national.yaml:" + std::to_string(national_line("  cut:")));

    // 48 + 83.98/2 = 89.99 → 良: rectified (results.rectify, nationally not), priority national
    const ProjectResult g = evaluate(project("83.98"), r);
    CHECK(g.total == dec("89.99"));
    CHECK(g.rectify);
    CHECK(g.priority);
    CHECK(fired_ids(g, r).empty());
    CHECK_FALSE(evaluate(project("83.98"), national_rules()).rectify);
    // 48 + 84/2 = 90.00 → 优: policy_continues sets priority; not rectified
    const ProjectResult e = evaluate(project("84"), r);
    CHECK(grade_id(e, r) == "excellent");
    CHECK(fired_ids(e, r) == "policy_continues");
    CHECK(e.priority);
    CHECK(set_by(e, r, custom::Target::priority) == "policy_continues");
    CHECK_FALSE(e.rectify);
    CHECK_FALSE(e.accountability);
    // the seed's 优 policy was funded by transfers: a transfer-funded 优 (98.00) is continued too
    const ProjectResult t = evaluate(project("100", FundSource::transfer), r);
    CHECK(t.total == dec("98"));
    CHECK(fired_ids(t, r) == "policy_continues");
    CHECK(t.priority);
    CHECK(t.recover == Money{});
    // 差 59.99: national cut and recovery, no custom step
    const ProjectResult p = evaluate(project("23.98"), r);
    CHECK(grade_id(p, r) == "poor");
    CHECK(fired_ids(p, r).empty());
    CHECK(p.cut == yuan("1000.00"));
    CHECK(p.recover == yuan("200.00"));
}

TEST_CASE("county profile: rules/yuechi.yaml — 中 not cut, 差 and refusal referred for accountability") {
    const std::string path = kRules + "yuechi.yaml";
    const std::string text = read_text(path);
    const RuleSet r = load_rules_file(path).only();
    CHECK(r.name == "yuechi");
    REQUIRE(r.grades.size() == 4);
    REQUIRE(r.custom.steps.size() == 2);
    CHECK(r.cite(r.application.cut.where) == path + ":" + std::to_string(line_of(text, "  cut:")));
    CHECK(r.cite(r.application.rectify.where) == path + ":" + std::to_string(line_of(text, "  rectify:")));
    CHECK(r.cite(r.application.priority.where) == path + ":" + std::to_string(line_of(text, "  priority:")));
    CHECK(r.cite(r.application.recover.where) == "rules/national.yaml:" + std::to_string(national_line("  recover:")));

    // 48 + 63.98/2 = 79.99 → 中 ("绩效一般"): rectified, not cut (nationally 100.00)
    const ProjectResult f = evaluate(project("63.98"), r);
    CHECK(grade_id(f, r) == "fair");
    CHECK(f.rectify);
    CHECK(f.cut == Money{});
    CHECK(f.recover == yuan("200.00"));
    CHECK(fired_ids(f, r).empty());
    CHECK(evaluate(project("63.98"), national_rules()).cut == yuan("100.00"));
    // 48 + 23.98/2 = 59.99 → 差: poor_result → accountability; cut 100% by results.cut
    const ProjectResult p = evaluate(project("23.98"), r);
    CHECK(grade_id(p, r) == "poor");
    CHECK(fired_ids(p, r) == "poor_result");
    CHECK(p.accountability);
    CHECK(set_by(p, r, custom::Target::accountability) == "poor_result");
    CHECK(p.cut == yuan("1000.00"));
    CHECK(set_by(p, r, custom::Target::cut).empty());
    // 良 85.00, refused: accountability, rectify, no priority, cut max(0, 10%) = 100.00
    const ProjectResult x = evaluate(project("74", FundSource::local, Rectification::refused), r);
    CHECK(grade_id(x, r) == "good");
    CHECK(fired_ids(x, r) == "refused_rectification");
    CHECK(x.accountability);
    CHECK(x.rectify);
    CHECK_FALSE(x.priority);
    CHECK(x.cut == yuan("100.00"));
    CHECK(x.cut_rate == dec("0.1"));
    CHECK(set_by(x, r, custom::Target::cut) == "refused_rectification");
    CHECK(set_by(x, r, custom::Target::priority) == "refused_rectification");
    CHECK(x.recover == Money{});
    // 差 58.00, refused: both rules fire; the cut stays max(100%, 10%) = 1000.00
    const ProjectResult both = evaluate(project("20", FundSource::local, Rectification::refused), r);
    CHECK(fired_ids(both, r) == "poor_result;refused_rectification");
    CHECK(both.cut == yuan("1000.00"));
    CHECK(both.cut_rate == dec("1"));
    CHECK(both.recover == yuan("200.00"));
    // transfer-funded 良 85.00, refused: cut 100.00, balance exempt
    const ProjectResult t = evaluate(project("74", FundSource::transfer, Rectification::refused), r);
    CHECK(fired_ids(t, r) == "refused_rectification");
    CHECK(t.cut == yuan("100.00"));
    CHECK(t.recover == Money{});
    // done and pending are not refusals: 良 85.00 keeps its priority, nothing fires
    for (const Rectification k : {Rectification::done, Rectification::pending}) {
        const ProjectResult ok = evaluate(project("74", FundSource::local, k), r);
        CHECK(fired_ids(ok, r).empty());
        CHECK(ok.priority);
        CHECK_FALSE(ok.accountability);
        CHECK(ok.cut == Money{});
    }
}
