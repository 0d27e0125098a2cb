// The C API (include/perfbudget/perfbudget.h) against the C++ API: the same
// results for every project of the example county, by every stage; errors as
// codes and placed problems; one rule set shared by 4 threads. The C program
// tests/c_api/c_api_test.c checks the hand-computed values from C.
#include "perfbudget/perfbudget.h"

#include "perfbudget/assess.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"
#include "perfbudget/input.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/review.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace perfbudget;
using perfbudget::test::example_indicators;
using perfbudget::test::example_projects;
using perfbudget::test::source_dir;

namespace {

struct Free {
    void operator()(perfbudget_rules* p) const { perfbudget_rules_free(p); }
    void operator()(perfbudget_result* p) const { perfbudget_result_free(p); }
    void operator()(perfbudget_error* p) const { perfbudget_error_free(p); }
};
using Rules = std::unique_ptr<perfbudget_rules, Free>;
using Result = std::unique_ptr<perfbudget_result, Free>;
using ErrorPtr = std::unique_ptr<perfbudget_error, Free>;

Rules load_file(const std::string& path) {
    perfbudget_rules* r = nullptr;
    perfbudget_error* e = nullptr;
    REQUIRE(perfbudget_rules_load_file(path.c_str(), &r, &e) == PERFBUDGET_OK);
    REQUIRE(e == nullptr);
    return Rules(r);
}

Result run(const perfbudget_rules* rules, perfbudget_stage stage, const char* second, const char* as_of = nullptr,
           perfbudget_lang lang = PERFBUDGET_EN) {
    const std::string second_file = source_dir + "/examples/data/" + second;
    const perfbudget_batch b{stage, example_projects.c_str(), second_file.c_str(), as_of, nullptr, lang, nullptr};
    perfbudget_result* r = nullptr;
    perfbudget_error* e = nullptr;
    const perfbudget_status s = perfbudget_run_files(rules, &b, &r, &e);
    ErrorPtr error(e);
    INFO((e ? perfbudget_error_message(e, PERFBUDGET_EN) : ""));
    REQUIRE(s == PERFBUDGET_OK);
    return Result(r);
}

std::string get(const perfbudget_result* r, std::size_t i, const char* path) {
    const char* v = perfbudget_result_get(r, i, path);
    return v ? v : "(null)";
}

} // namespace

TEST_CASE("C API: evaluate equals the C++ API on every example project, national and Urumqi County") {
    for (const char* profile : {"national", "urumqi-county"}) {
        CAPTURE(profile);
        const Rules rules = load_file(source_dir + "/rules/" + profile + ".yaml");
        const RuleBook book = load_rules_file(source_dir + "/rules/" + profile + ".yaml");
        const std::vector<Project> projects = read_projects(example_projects, example_indicators);
        const Result r = run(rules.get(), PERFBUDGET_EVALUATE, "indicators.csv", nullptr, PERFBUDGET_ZH);
        REQUIRE(perfbudget_result_count(r.get()) == projects.size());
        for (std::size_t i = 0; i < projects.size(); ++i) {
            const Project& p = projects[i];
            const RuleSet& period = book.for_year(p.year);
            const ProjectResult cpp = evaluate(p, book);
            CAPTURE(p.id);
            CHECK(get(r.get(), i, "project_id") == p.id);
            CHECK(get(r.get(), i, "total") == cpp.total.to_string(2));
            CHECK(get(r.get(), i, "grade") == period.grades.bands[cpp.grade].id);
            CHECK(get(r.get(), i, "grade_label") == period.grades.bands[cpp.grade].zh);
            CHECK(get(r.get(), i, "cut") == cpp.cut.to_string());
            CHECK(get(r.get(), i, "recover") == cpp.recover.to_string());
            CHECK(get(r.get(), i, "rectify") == (cpp.rectify ? "1" : "0"));
            if (book.has_custom()) {
                std::string reasons;
                for (std::string_view id : reason_ids(cpp, period)) {
                    if (!reasons.empty()) reasons += ';';
                    reasons += id;
                }
                CHECK(get(r.get(), i, "reasons") == reasons);
                CHECK(get(r.get(), i, "accountability") == (cpp.accountability ? "1" : "0"));
            }
            REQUIRE(perfbudget_result_size(r.get(), i, "indicators") == p.indicators.size());
            for (std::size_t k = 0; k < p.indicators.size(); ++k)
                CHECK(get(r.get(), i, ("indicators/" + std::to_string(k) + "/score").c_str()) ==
                      cpp.indicators[k].score.to_string(2));
            // The explanation: every line of the C++ API's, in order.
            std::string lines;
            for (const ExplanationLine& l : explain(p, cpp, period, Lang::zh))
                lines += l.rule + " [" + l.source + "] " + l.text + '\n';
            CHECK(perfbudget_result_explanation(r.get(), i) == lines);
        }
    }
}

TEST_CASE("C API: monitor, review and assess equal the C++ API on the example county") {
    const Rules rules = load_file(source_dir + "/rules/national.yaml");
    const RuleBook& book = national_rules();
    const std::vector<Project> projects = read_projects(example_projects, example_indicators);
    const Date as_of = *parse_date("2023-12-31");

    const Result m = run(rules.get(), PERFBUDGET_MONITOR, "indicators.csv", "2023-12-31");
    const Result v = run(rules.get(), PERFBUDGET_REVIEW, "indicators.csv");
    REQUIRE(perfbudget_result_count(m.get()) == projects.size());
    REQUIRE(perfbudget_result_count(v.get()) == projects.size());
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const Project& p = projects[i];
        const RuleSet& period = book.for_year(p.year);
        CAPTURE(p.id);
        const MonitorResult mr = monitor_project(p, as_of, period);
        CHECK(get(m.get(), i, "level") == to_string(mr.level));
        CHECK(get(m.get(), i, "action") == to_string(mr.action));
        CHECK(get(m.get(), i, "completion") == monitor_rates_text(mr).completion);
        const ReviewResult rr = review_project(p, period);
        CHECK(get(v.get(), i, "score") == rr.score.to_string(2));
        CHECK(get(v.get(), i, "admission") == to_string(rr.admission));
        CHECK(get(v.get(), i, "defects/0/check") ==
              (rr.defects.empty() ? std::string("(null)") : std::string(to_string(rr.defects[0].check))));
    }

    const Result a = run(rules.get(), PERFBUDGET_ASSESS, "assessments.csv");
    const std::vector<ProjectAssessment> scores = read_assessments(source_dir + "/examples/data/assessments.csv", projects, example_projects);
    REQUIRE(perfbudget_result_count(a.get()) == 5); // the five assessed projects, in the projects' order
    for (std::size_t i = 0; i < 5; ++i) {
        const std::string id = get(a.get(), i, "project_id");
        CAPTURE(id);
        const Project& p = *std::find_if(projects.begin(), projects.end(), [&](const Project& q) { return q.id == id; });
        const ProjectAssessment& s =
            *std::find_if(scores.begin(), scores.end(), [&](const ProjectAssessment& q) { return q.project_id == id; });
        const AssessResult ar = assess_project(p, s, book.for_year(p.year));
        CHECK(get(a.get(), i, "score") == ar.score.to_string(2));
        CHECK(get(a.get(), i, "approved") == (ar.approved ? "1" : "0"));
        CHECK(get(a.get(), i, "experts") == std::to_string(ar.experts));
    }
}

TEST_CASE("C API: a project as structs gives the batch's result; bad values are placed at their field") {
    perfbudget_rules* national = nullptr;
    REQUIRE(perfbudget_rules_national(&national, nullptr) == PERFBUDGET_OK);
    const Rules rules(national);
    // Chinese names and symbols, eq, qual with a percentage in the tier; one indicator per level-1 kind.
    const perfbudget_indicator inds[] = {
        {"产出指标", "数量指标", "救助人数", "≥", "300", "280", "人", "25", nullptr, nullptr, nullptr},
        {"benefit", "social", "救助对象认定准确率", "eq", "100%", "100%", "%", "15", nullptr, nullptr, nullptr},
        {"satisfaction", "satisfaction", "满意度", "qual", nullptr, "B:65%", nullptr, "10", nullptr, nullptr, nullptr},
    };
    perfbudget_project p{};
    p.project_id = "P, \"1\""; // quoted in the CSV the call writes
    p.name = "项目";
    p.department = "单位";
    p.budget = "100.00";
    p.spent = "50.00";
    p.indicators = inds;
    p.indicator_count = 3;
    perfbudget_result* r = nullptr;
    perfbudget_error* e = nullptr;
    // Weights 25 + 15 + 10 + execution 10 = 60: not 100, an error of the stage at the first indicator.
    CHECK(perfbudget_evaluate(rules.get(), &p, PERFBUDGET_EN, &r, &e) == PERFBUDGET_ERROR_DATA);
    CHECK(r == nullptr);
    {
        const ErrorPtr error(e);
        REQUIRE(perfbudget_error_count(e) == 1);
        CHECK(perfbudget_error_file(e, 0) == std::string("indicator"));
        CHECK(perfbudget_error_line(e, 0) == 1);
        CHECK(std::string(perfbudget_error_text(e, 0, PERFBUDGET_EN)).find("P, \"1\"") != std::string::npos);
        CHECK(std::string(perfbudget_error_message(e, PERFBUDGET_ZH)).find("indicator:1: 错误: ") == 0);
    }
    // Weights 60 + 20 + 10 (+ execution 10 = 100): scored, with a notice at the project.
    perfbudget_indicator split[3] = {inds[0], inds[1], inds[2]};
    split[0].weight = "60";
    split[1].weight = "20";
    p.indicators = split;
    REQUIRE(perfbudget_evaluate(rules.get(), &p, PERFBUDGET_EN, &r, &e) == PERFBUDGET_OK);
    {
        const Result scored(r);
        // 280/300 × 60 = 56.00; eq met: 20.00; qual B:65%: 65% of 10 = 6.50; execution 50/100 × 10 = 5.00
        CHECK(get(r, 0, "indicator_score") == "82.50");
        CHECK(get(r, 0, "total") == "87.50");
        CHECK(std::string(perfbudget_result_notices(r, PERFBUDGET_EN)) ==
              "project: notice: project P, \"1\": level-1 weights output/benefit/satisfaction are 60/20/10, not 50/30/10 as in principle\n");
        CHECK(std::string(perfbudget_result_notices(r, PERFBUDGET_ZH)).find("project: 提示: ") == 0);
    }
    p.indicators = inds;
    // Target review needs no weights: the project's id came through the quoting intact.
    REQUIRE(perfbudget_review(rules.get(), &p, PERFBUDGET_EN, &r, &e) == PERFBUDGET_OK);
    const Result review(r);
    CHECK(get(r, 0, "project_id") == "P, \"1\"");
    CHECK(get(r, 0, "indicators") == "3");
    CHECK(get(r, 0, "quantified") == "2");
    CHECK(perfbudget_result_size(r, 0, "explanation") > 0);
    CHECK(perfbudget_result_size(r, 0, "nope") == 0);
}

TEST_CASE("C API: rules from text with a base directory; errors at file:line:column") {
    const std::string profile = "base: wuchang\nprofile: mine\n";
    perfbudget_rules* r = nullptr;
    perfbudget_error* e = nullptr;
    // Without a base directory only `base: national` resolves.
    CHECK(perfbudget_rules_load_text(profile.c_str(), "mine.yaml", nullptr, &r, &e) == PERFBUDGET_ERROR_RULES);
    CHECK(r == nullptr);
    REQUIRE(e != nullptr);
    CHECK(perfbudget_error_code(e) == PERFBUDGET_ERROR_RULES);
    CHECK(perfbudget_error_file(e, 0) == std::string("mine.yaml"));
    CHECK(perfbudget_error_line(e, 0) == 1);
    perfbudget_error_free(e);
    const std::string rules_dir = source_dir + "/rules";
    REQUIRE(perfbudget_rules_load_text(profile.c_str(), "mine.yaml", rules_dir.c_str(), &r, &e) == PERFBUDGET_OK);
    const Rules rules(r);
    CHECK(perfbudget_rules_name(r) == std::string("mine"));
    // Wuchang's five grades: W1's 85.32 is 良 there too, but the scale has 低.
    const Result res = run(r, PERFBUDGET_EVALUATE, "indicators.csv", nullptr, PERFBUDGET_ZH);
    CHECK(get(res.get(), 0, "total") == "85.32");
    const RuleBook wuchang = load_rules_file(rules_dir + "/wuchang.yaml");
    const std::vector<Project> projects = read_projects(example_projects, example_indicators);
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const ProjectResult cpp = evaluate(projects[i], wuchang);
        CHECK(get(res.get(), i, "grade") == wuchang.for_year(projects[i].year).grades.bands[cpp.grade].id);
    }
}

TEST_CASE("C API: bad arguments are errors, never a crash; NULL is freed as nothing") {
    perfbudget_result* r = nullptr;
    perfbudget_error* e = nullptr;
    const perfbudget_batch no_files{PERFBUDGET_EVALUATE, nullptr, nullptr, nullptr, nullptr, PERFBUDGET_ZH, nullptr};
    perfbudget_rules* national = nullptr;
    REQUIRE(perfbudget_rules_national(&national, nullptr) == PERFBUDGET_OK);
    const Rules rules(national);
    CHECK(perfbudget_run_files(rules.get(), &no_files, &r, &e) == PERFBUDGET_ERROR_ARGUMENT);
    CHECK(std::string(perfbudget_error_message(e, PERFBUDGET_EN)) == "batch.projects must not be NULL\n");
    perfbudget_error_free(e);
    const std::string projects = example_projects, indicators = example_indicators;
    perfbudget_batch bad_stage{static_cast<perfbudget_stage>(7), projects.c_str(), indicators.c_str(), nullptr, nullptr,
                               PERFBUDGET_ZH, nullptr};
    CHECK(perfbudget_run_files(rules.get(), &bad_stage, &r, &e) == PERFBUDGET_ERROR_ARGUMENT);
    perfbudget_error_free(e);
    perfbudget_batch bad_year{PERFBUDGET_EVALUATE, projects.c_str(), indicators.c_str(), nullptr, "23", PERFBUDGET_ZH, nullptr};
    CHECK(perfbudget_run_files(rules.get(), &bad_year, &r, &e) == PERFBUDGET_ERROR_ARGUMENT);
    CHECK(std::string(perfbudget_error_message(e, PERFBUDGET_ZH)).find("year 须为预算年度") == 0);
    perfbudget_error_free(e);
    perfbudget_batch bad_lang{PERFBUDGET_EVALUATE, projects.c_str(), indicators.c_str(), nullptr, nullptr,
                              static_cast<perfbudget_lang>(9), nullptr};
    CHECK(perfbudget_run_files(rules.get(), &bad_lang, &r, nullptr) == PERFBUDGET_ERROR_ARGUMENT);
    perfbudget_batch bad_encoding{PERFBUDGET_EVALUATE, projects.c_str(), indicators.c_str(), nullptr, nullptr,
                                  PERFBUDGET_EN, "latin1"};
    CHECK(perfbudget_run_files(rules.get(), &bad_encoding, &r, &e) == PERFBUDGET_ERROR_ARGUMENT);
    CHECK(std::string(perfbudget_error_message(e, PERFBUDGET_EN)) == "encoding must be utf8 or gbk, not latin1\n");
    perfbudget_error_free(e);
    // UTF-8 read as GBK is no crash either: bad data at the line (as `--encoding gbk` reports it).
    perfbudget_batch as_gbk{PERFBUDGET_EVALUATE, projects.c_str(), indicators.c_str(), nullptr, nullptr, PERFBUDGET_EN,
                            "gbk"};
    CHECK(perfbudget_run_files(rules.get(), &as_gbk, &r, &e) == PERFBUDGET_ERROR_DATA);
    CHECK(perfbudget_error_file(e, 0) == projects);
    CHECK(perfbudget_error_line(e, 0) == 2);
    CHECK(std::string(perfbudget_error_text(e, 0, PERFBUDGET_EN)).find("invalid GBK") == 0);
    perfbudget_error_free(e);
    CHECK(r == nullptr);
    // No temporary directory: an error naming TMPDIR, not an exception.
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string saved = tmpdir ? tmpdir : "";
    ::setenv("TMPDIR", "/nonexistent/perfbudget", 1);
    const perfbudget_batch files{PERFBUDGET_EVALUATE, projects.c_str(), indicators.c_str(), nullptr, nullptr, PERFBUDGET_EN,
                                 nullptr};
    CHECK(perfbudget_run_files(rules.get(), &files, &r, &e) == PERFBUDGET_ERROR_DATA);
    CHECK(std::string(perfbudget_error_message(e, PERFBUDGET_EN)).find("cannot create a temporary directory (TMPDIR)") !=
          std::string::npos);
    perfbudget_error_free(e);
    if (tmpdir) ::setenv("TMPDIR", saved.c_str(), 1);
    else ::unsetenv("TMPDIR");
    CHECK(perfbudget_rules_load_file(nullptr, &national, nullptr) == PERFBUDGET_ERROR_ARGUMENT);
    CHECK(perfbudget_result_count(nullptr) == 0);
    CHECK(perfbudget_result_get(nullptr, 0, "total") == nullptr);
    CHECK(perfbudget_error_count(nullptr) == 0);
    CHECK(perfbudget_error_code(nullptr) == PERFBUDGET_OK);
    CHECK(perfbudget_rules_name(nullptr) == nullptr);
    perfbudget_rules_free(nullptr);
}

TEST_CASE("C API: one rule set shared by 4 threads gives the results of one thread") {
    // Urumqi County: national scoring plus custom rules and tables, monitoring too.
    const Rules rules = load_file(source_dir + "/rules/urumqi-county.yaml");
    const std::string evaluated = perfbudget_result_json(run(rules.get(), PERFBUDGET_EVALUATE, "indicators.csv").get());
    const std::string monitored =
        perfbudget_result_json(run(rules.get(), PERFBUDGET_MONITOR, "indicators.csv", "2023-12-31").get());
    REQUIRE(evaluated.find("\"total\": \"85.32\"") != std::string::npos);

    constexpr int threads = 4, rounds = 5;
    std::vector<int> same(threads, 0);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            const std::string projects = example_projects, indicators = example_indicators;
            for (int k = 0; k < rounds; ++k) {
                perfbudget_batch b{PERFBUDGET_EVALUATE, projects.c_str(), indicators.c_str(), nullptr, nullptr, PERFBUDGET_EN, nullptr};
                perfbudget_result* r = nullptr;
                if (perfbudget_run_files(rules.get(), &b, &r, nullptr) == PERFBUDGET_OK && perfbudget_result_json(r) == evaluated)
                    ++same[t];
                perfbudget_result_free(r);
                b.stage = PERFBUDGET_MONITOR;
                b.as_of = "2023-12-31";
                if (perfbudget_run_files(rules.get(), &b, &r, nullptr) == PERFBUDGET_OK && perfbudget_result_json(r) == monitored)
                    ++same[t];
                perfbudget_result_free(r);
            }
        });
    for (std::thread& t : pool) t.join();
    for (int t = 0; t < threads; ++t) CHECK(same[t] == 2 * rounds);
}
