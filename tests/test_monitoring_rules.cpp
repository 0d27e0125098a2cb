// Tests for the `monitoring:` section of rule files (monitoring_rules.hpp,
// src/load_monitoring.cpp): the national defaults of SPEC §5, a profile's
// override, and the strict checks (unknown key, wrong type, thresholds in order).
#include "perfbudget/load.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace perfbudget;
using perfbudget::test::dec;

namespace {

/// A profile of the national rules with `monitoring_yaml` as its monitoring section.
std::string profile(const std::string& monitoring_yaml) {
    return "base: national\nprofile: t\nmonitoring:\n" + monitoring_yaml;
}

/// The problems loading `text` reports; fails the test when it loads.
std::vector<Diagnostic> load_problems(const std::string& text) { return perfbudget::test::rule_problems(text); }

} // namespace

TEST_CASE("monitoring rules: national defaults (SPEC §5)") {
    const RuleSet& r = national_rules().only();
    const MonitoringRules& m = r.monitoring;
    CHECK(m.time_progress.method == TimeProgressMethod::months);
    CHECK(m.execution.enabled);
    CHECK(m.execution.red_below == dec("60%"));
    CHECK(m.execution.yellow_below == dec("80%"));
    CHECK(m.pace.enabled);
    CHECK(m.pace.red_below == dec("60%"));
    CHECK(m.pace.yellow_below == dec("80%"));
    CHECK(m.pace.blue_from == dec("120%"));
    CHECK(m.pace.tier == std::array<Light, 3>{Light::green, Light::yellow, Light::red});
    CHECK(m.impossible.enabled);
    CHECK(m.impossible.light == Light::red);
    CHECK_FALSE(m.deviation.enabled);
    CHECK(m.deviation.threshold == dec("20%"));
    CHECK(m.deviation.light == Light::yellow);
    CHECK(m.actions.by_light[static_cast<std::size_t>(Light::yellow)] == MonitorAction::follow_up);
    CHECK(m.actions.by_light[static_cast<std::size_t>(Light::red)] == MonitorAction::suspend);
    CHECK(m.actions.by_light[static_cast<std::size_t>(Light::green)] == MonitorAction::none);
    // Every rule cites its line of rules/national.yaml.
    for (const RuleRef* w : {&m.time_progress.where, &m.execution.where, &m.pace.where, &m.impossible.where,
                             &m.deviation.where, &m.actions.where}) {
        CHECK(w->line > 0);
        CHECK(r.cite(*w).rfind("rules/national.yaml:", 0) == 0);
    }
}

TEST_CASE("monitoring rules: a profile overrides key by key") {
    const RuleSet r = load_rules_text(profile("  deviation: {enabled: true, threshold: 15%, light: red}\n"
                                              "  time_progress: {method: days}\n"),
                                      "t.yaml")
                            .only();
    CHECK(r.monitoring.deviation.enabled);
    CHECK(r.monitoring.deviation.threshold == dec("15%"));
    CHECK(r.monitoring.deviation.light == Light::red);
    CHECK(r.cite(r.monitoring.deviation.where) == "t.yaml:4");
    CHECK(r.monitoring.time_progress.method == TimeProgressMethod::days);
    // Inherited: still the national rule, cited there.
    CHECK(r.monitoring.execution.red_below == dec("60%"));
    CHECK(r.cite(r.monitoring.execution.where).rfind("rules/national.yaml:", 0) == 0);
    // Only part of a rule: the rest is inherited.
    const RuleSet p = load_rules_text(profile("  pace: {blue_from: 150%}\n"), "t.yaml").only();
    CHECK(p.monitoring.pace.blue_from == dec("150%"));
    CHECK(p.monitoring.pace.red_below == dec("60%"));
}

TEST_CASE("monitoring rules: the Urumqi County profile enables the deviation warning (seed 000)") {
    const RuleSet r = load_rules_file(std::string(PERFBUDGET_SOURCE_DIR) + "/rules/urumqi-county.yaml").only();
    CHECK(r.monitoring.deviation.enabled);
    CHECK(r.monitoring.deviation.threshold == dec("20%"));
    CHECK(r.monitoring.execution.enabled);
}

TEST_CASE("monitoring rules: an unknown key, with did-you-mean") {
    const auto list = load_problems(profile("  deviation: {enabled: true, treshold: 20%}\n"));
    REQUIRE(list.size() == 1);
    CHECK(list[0].en.find("unknown key `treshold` in `monitoring.deviation`; did you mean `threshold`?") !=
          std::string::npos);
    CHECK(list[0].where.file == "t.yaml");
    CHECK(list[0].where.line == 4);
    CHECK(!list[0].zh.empty());
    const auto top = load_problems(profile("  deviaton: {enabled: true}\n"));
    REQUIRE(top.size() == 1);
    CHECK(top[0].en.find("did you mean `deviation`?") != std::string::npos);
}

TEST_CASE("monitoring rules: wrong types and values") {
    auto one = [](const std::string& yaml, std::string_view part) {
        const auto list = load_problems(profile(yaml));
        REQUIRE(list.size() == 1);
        CHECK_MESSAGE(list[0].en.find(part) != std::string::npos, list[0].en);
        CHECK(list[0].where.line == 4);
    };
    one("  execution: {enabled: maybe}\n", "monitoring.execution.enabled");
    one("  deviation: {threshold: twenty}\n", "monitoring.deviation.threshold");
    one("  impossible: {light: purple}\n", "must be one of green | blue | yellow | red");
    one("  time_progress: {method: weeks}\n", "must be one of months | days");
    one("  actions: {red: stop}\n", "must be one of none | follow_up | suspend");
    one("  execution: [60%, 80%]\n", "monitoring.execution");
    // Thresholds out of order leave a light with no values.
    one("  pace: {red_below: 90%}\n", "red_below (90%) must not exceed yellow_below (80%)");
    one("  pace: {blue_from: 70%}\n", "yellow_below (80%) must not exceed blue_from (70%)");
}
