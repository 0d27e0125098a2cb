// One loaded rule set shared by threads (issue 12 item 5): RuleBook/RuleSet are
// immutable once loaded, and the per-project calls keep their scratch state per
// thread. Four threads evaluate, monitor and review every project of the example
// county many times with one county profile and must get exactly what one thread
// gets. CI also runs this under ThreadSanitizer (PERFBUDGET_TSAN, .ci/run).
#include "perfbudget/evaluate.hpp"
#include "perfbudget/input.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/review.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

using namespace perfbudget;

namespace {

/// Every figure of every stage for every project, as text, in one string.
std::string results(const std::vector<Project>& projects, const RuleBook& book) {
    std::string s;
    const Date as_of = make_date(2023, 12, 31);
    for (const Project& p : projects) {
        const RuleSet& rules = book.for_year(p.year);
        const ProjectResult e = evaluate(p, rules);
        s += p.id + " " + e.total.to_string() + " " + std::to_string(e.grade) + " " + e.cut.to_string() + " " +
             e.recover.to_string() + "\n";
        const MonitorResult m = monitor_project(p, as_of, rules);
        s += monitor_reasons(m, rules) + " " + (m.has_completion ? m.completion.to_string() : "-") + " " +
             std::to_string(static_cast<int>(m.level)) + "\n";
        const ReviewResult r = review_project(p, rules);
        s += r.score.to_string() + " " + std::to_string(r.grade) + " " + std::to_string(r.defects.size()) + "\n";
    }
    return s;
}

} // namespace

TEST_CASE("threads: one rule set shared by 4 threads gives the results of one thread (C++ API)") {
    const RuleBook book = load_rules_file(test::source_dir + "/rules/urumqi-county.yaml");
    const std::vector<Project> projects = read_projects(test::example_projects, test::example_indicators);
    const std::string one = results(projects, book);
    REQUIRE(one.find("W1 85.32 ") != std::string::npos); // hand-computed in examples/data/README.md

    constexpr int threads = 4, rounds = 10;
    std::vector<int> same(threads, 0);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int k = 0; k < rounds; ++k)
                if (results(projects, book) == one) ++same[t];
        });
    for (std::thread& t : pool) t.join();
    for (int t = 0; t < threads; ++t) CHECK(same[t] == rounds);
}
