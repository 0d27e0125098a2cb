// Streaming batch paths and result sinks (sink.hpp, issue 8 items A3/B11):
// `perfbudget monitor` streams plain CSV with the results and the problems of the
// in-memory path; evaluate streams rules with values by year; a caller's sink gets
// every result without a file being written.
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"

#include "support.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace perfbudget;
namespace fs = std::filesystem;

namespace {

using test::slurp;
const std::string& src = test::source_dir;
const std::string& projects_csv = test::example_projects;
const std::string& indicators_csv = test::example_indicators;

std::string scratch(const std::string& name) { return test::scratch_file("stream", name).string(); }

std::string write(const std::string& name, const std::string& text) {
    const std::string path = scratch(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

MonitorOptions monitor_options(const std::string& out, Date as_of, const std::string& projects = projects_csv,
                               const std::string& indicators = indicators_csv) {
    MonitorOptions o;
    o.files.projects = projects;
    o.files.indicators = indicators;
    o.files.out = out;
    o.files.lang = Lang::en;
    o.as_of = as_of;
    return o;
}

/// Runs monitor_files streaming and in memory; both outputs and summaries must
/// agree. Returns the streamed CSV.
std::string monitor_both_ways(MonitorOptions o, const RuleBook& rules, const std::string& name) {
    o.files.out = scratch(name + "-stream.csv");
    o.summary = scratch(name + "-stream.json");
    o.files.in_memory = false;
    const MonitorSummary streamed = monitor_files(o, rules);
    const std::string out = slurp(o.files.out), summary = slurp(o.summary);
    o.files.out = scratch(name + "-memory.csv");
    o.summary = scratch(name + "-memory.json");
    o.files.in_memory = true;
    const MonitorSummary in_memory = monitor_files(o, rules);
    CHECK(out == slurp(o.files.out));
    CHECK(summary == slurp(o.summary));
    CHECK(streamed.indicators == in_memory.indicators);
    return out;
}

/// The problems of monitor_files() on one path; fails the test when it succeeds.
std::vector<Diagnostic> monitor_problems(MonitorOptions o, bool in_memory, const RuleBook& rules = national_rules()) {
    o.files.in_memory = in_memory;
    o.summary = o.files.out + ".summary.json";
    try {
        monitor_files(o, rules);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK_FALSE(fs::exists(o.files.out)); // a failed run writes nothing
        CHECK_FALSE(fs::exists(o.summary));
        return e.diagnostics();
    }
    return {};
}

/// Both paths' problems, which must be identical in both languages and places.
std::vector<Diagnostic> monitor_problems_both_ways(const MonitorOptions& o, const RuleBook& rules = national_rules()) {
    const auto streamed = monitor_problems(o, false, rules), in_memory = monitor_problems(o, true, rules);
    REQUIRE(streamed.size() == in_memory.size());
    for (std::size_t k = 0; k < streamed.size(); ++k) {
        CHECK(streamed[k].to_string(Lang::en) == in_memory[k].to_string(Lang::en));
        CHECK(streamed[k].to_string(Lang::zh) == in_memory[k].to_string(Lang::zh));
    }
    return streamed;
}

/// indicators.csv with its data rows reversed: every project's rows scattered.
std::string reversed_indicators() {
    std::istringstream in(slurp(indicators_csv));
    std::string header, line;
    std::getline(in, header);
    std::vector<std::string> rows;
    while (std::getline(in, line)) rows.push_back(line);
    std::string text = header + "\n";
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) text += *it + "\n";
    return write("reversed-indicators.csv", text);
}

} // namespace

// --- monitor: streaming = in memory --------------------------------------------

TEST_CASE("stream: monitor CSV streams with the in-memory path's output and summary") {
    const RuleBook national = national_rules();
    const RuleBook urumqi = load_rules_file(src + "/rules/urumqi-county.yaml"); // deviation on
    const RuleBook dated = load_rules_file(src + "/tests/data/testing/dated-rules.yaml");
    for (const Date as_of : {make_date(2023, 12, 31), make_date(2024, 2, 29)}) { // the examples' dates are all done by then
        CAPTURE(to_string(as_of));
        monitor_both_ways(monitor_options("", as_of), national, "national");
        monitor_both_ways(monitor_options("", as_of), urumqi, "urumqi");
        monitor_both_ways(monitor_options("", as_of), dated, "dated");
        // Indicator rows in any order: the same sums.
        monitor_both_ways(monitor_options("", as_of, projects_csv, reversed_indicators()), national, "reversed");
    }
    // The goldens of the cli_monitor_* tests.
    CHECK(monitor_both_ways(monitor_options("", make_date(2023, 12, 31)), national, "golden") ==
          slurp(src + "/tests/golden/monitor-examples-national.csv"));
    CHECK(monitor_both_ways(monitor_options("", make_date(2023, 12, 31)), urumqi, "golden-urumqi") ==
          slurp(src + "/tests/golden/monitor-examples-urumqi.csv"));
    // tests/data/cli: weights given for every indicator, Chinese level and direction names.
    monitor_both_ways(monitor_options("", make_date(2023, 6, 30), src + "/tests/data/cli/projects.csv",
                                      src + "/tests/data/cli/indicators-weights.csv"),
                      national, "cli-weights");
}

TEST_CASE("stream: monitoring custom steps stream too, reading the project fields the slots keep for them") {
    // Lanzhou: deviation on, `mid_year_cut` custom rule (reads deviation, exec_rate, level).
    const RuleBook lanzhou = load_rules_file(src + "/rules/lanzhou-new-area.yaml");
    // A step reading every project field a streaming slot does not otherwise keep.
    const RuleBook fields = load_rules_text(R"(base: national
profile: fields
monitoring:
  custom:
    - rule: local_general
      zh: 本级一般公共预算
      en: local general budget
      when: fund_source == "local" and budget_kind == "general" and category != "" and department != "" and year >= 2023
      then: {light: yellow, cut: 10%}
)", "fields.yaml");
    for (const Date as_of : {make_date(2023, 12, 31), make_date(2024, 2, 29)}) { // the examples' dates are all done by then
        CAPTURE(to_string(as_of));
        monitor_both_ways(monitor_options("", as_of), lanzhou, "lanzhou");
        const std::string out = monitor_both_ways(monitor_options("", as_of), fields, "fields");
        CHECK(out.find("local_general,") != std::string::npos); // some project's reasons end with it
    }
    // A step that fails at run time: the same problems on both paths.
    const RuleBook failing = load_rules_text(R"(base: national
profile: failing
monitoring:
  custom:
    - rule: divide
      zh: 除以零
      en: divides by zero
      when: budget / (exec_rate - exec_rate) > 1
)", "failing.yaml");
    const auto problems = monitor_problems_both_ways(monitor_options(scratch("failing.csv"), make_date(2023, 12, 31)), failing);
    REQUIRE(!problems.empty());
    CHECK(problems[0].en.find("division by zero") != std::string::npos);
}

TEST_CASE("stream: monitor problems are those of the in-memory path, in its order") {
    const std::string projects = write("bad-projects.csv", "project_id,name,department,budget,spent\n"
                                                           "A,a,d,1000.00,500.00\n" // line 2
                                                           "B,b,d,1000.00,500.00\n" // line 3
                                                           "C,c,d,1000.00,500.00\n" // line 4
                                                           "D,d,d,1000.00,500.00\n"); // line 5
    // Rows interleaved across projects: the problems still come by project.
    const std::string indicators = write("bad-indicators.csv",
                                         "project_id,level1,level2,name,direction,target,actual,weight\n"
                                         "D,output,timeliness,done,date,2023-05-01,2023-07-01,\n" // 2: after the as-of date
                                         "C,output,quantity,c1,ge,100,50,\n"                      // 3: C's first without weight
                                         "B,output,quantity,b1,ge,100,50,40\n"                    // 4
                                         "C,output,quantity,c2,ge,100,50,30\n"                    // 5: C weighted after
                                         "A,output,quantity,a1,ge,,50,\n"                         // 6: no target
                                         "B,output,quantity,b2,ge,100,,\n"                        // 7: B mixed, no actual
                                         "C,output,quantity,c3,ge,100,,30\n");                    // 8: no actual
    const MonitorOptions o = monitor_options(scratch("bad.csv"), make_date(2023, 6, 30), projects, indicators);
    const auto problems = monitor_problems_both_ways(o);
    REQUIRE(problems.size() == 6);
    auto at = [&](std::size_t k, const std::string& file, std::uint32_t line, const std::string& starts) {
        CAPTURE(problems[k].en);
        CHECK(problems[k].where.file == file);
        CHECK(problems[k].where.line == line);
        CHECK(problems[k].en.rfind(starts, 0) == 0);
    };
    at(0, indicators, 6, "project A, indicator \"a1\": the indicator has no target value");
    at(1, indicators, 7, "project B, indicator \"b2\": the indicator has no weight while others");
    at(2, indicators, 7, "project B");
    at(3, indicators, 3, "project C, indicator \"c1\": the indicator has no weight while others");
    at(4, indicators, 8, "project C");
    at(5, indicators, 2, "project D, indicator \"done\": the completion date 2023-07-01 is after the as-of date 2023-06-30");

    // The limit on listed problems applies alike.
    MonitorOptions two = o;
    two.files.max_problems = 2;
    CHECK(monitor_problems_both_ways(two).size() == 2);

    // Reading problems (a bad value, an unknown project) are read_projects()' list on both paths.
    const std::string unreadable = write("unreadable-indicators.csv",
                                         "project_id,level1,level2,name,direction,target,actual,weight\n"
                                         "B,output,quantity,b1,ge,\"1,20\",50,\n"
                                         "X,output,quantity,x1,ge,100,50,\n"
                                         "C,output,quantity,c1,ge,100,50,\n");
    const auto reading = monitor_problems_both_ways(monitor_options(scratch("unreadable.csv"), make_date(2023, 6, 30), projects, unreadable));
    REQUIRE(reading.size() == 2);
    CHECK(reading[0].where.line == 2);
    CHECK(reading[1].where.line == 3);
    CHECK(reading[1].en.find("\"X\"") != std::string::npos);
}

// --- sinks ------------------------------------------------------------------------

TEST_CASE("sink: a callback gets every monitoring result, and no file is written") {
    MonitorOptions o = monitor_options(scratch("not-written.csv"), make_date(2023, 12, 31));
    o.summary = scratch("not-written.json");
    for (const bool in_memory : {false, true}) {
        CAPTURE(in_memory);
        o.files.in_memory = in_memory;
        std::vector<std::string> ids;
        std::array<int, light_count> levels{};
        Money warning_budget;
        const MonitorSummary s = monitor_files(o, national_rules(), [&](const ProjectView& p, const MonitorResult& r) {
            ids.emplace_back(p.id);
            ++levels[static_cast<std::size_t>(r.level)];
            if (r.warning()) warning_budget += p.funds.budget;
            CHECK(p.rules != nullptr);
            CHECK((p.project != nullptr) == in_memory); // held in memory only when asked
            CHECK(r.indicators.size() == (in_memory ? p.project->indicators.size() : 0));
            CHECK(r.time_progress == Fraction::one()); // 31 December: 12/12
            if (p.id == "JY-02") { // spent 4,500,000.00 of 4,500,000.00: v = 1 / 1 ≥ 80%
                CHECK(r.exec_rate == Fraction::one());
                CHECK(r.level == Light::green);
                CHECK(monitor_reasons(r).empty());
            }
            if (p.id == "SL-02") { // 900,000.00 of 3,000,000.00: v = 0.3 < 60% → red
                CHECK(r.exec_rate == Fraction::positive(3, 10));
                CHECK(r.rule_light[0] == Light::red);
                CHECK(r.action == MonitorAction::suspend);
            }
        });
        CHECK(ids.size() == 12);
        CHECK(ids.front() == "W1"); // in the projects file's order
        CHECK(ids.back() == "MZ-02");
        CHECK(levels == std::array<int, light_count>{1, 0, 1, 10});
        // 37,150,000.00 in all, less JY-02's 4,500,000.00 (green).
        CHECK(warning_budget == Money::from_fen(3'265'000'000));
        CHECK(s.warning_projects() == 11);
        CHECK(s.warning_budget() == warning_budget);
        CHECK(s.indicators == 89);
        CHECK(s.departments.size() == 5);
        CHECK(s.departments[0].department == "县教育局");
        CHECK(s.departments[0].projects == 3);
        CHECK_FALSE(fs::exists(o.files.out));
        CHECK_FALSE(fs::exists(o.summary));
    }
}

TEST_CASE("sink: a callback gets every evaluation result, and no file is written") {
    EvaluateOptions o;
    o.projects = projects_csv;
    o.indicators = indicators_csv;
    o.out = scratch("not-written-evaluate.csv");
    for (const bool in_memory : {false, true}) {
        CAPTURE(in_memory);
        o.in_memory = in_memory;
        std::size_t calls = 0;
        Money cut;
        const BatchSummary s = evaluate_files(o, national_rules(), [&](const ProjectView& p, const ProjectResult& r) {
            ++calls;
            cut += r.cut;
            CHECK((p.project != nullptr) == in_memory);
            if (p.id == "W1") { // examples/data/README.md: 8.12 + 77.20 = 85.32, 良
                CHECK(r.exec_score == Decimal::parse("8.12"));
                CHECK(r.total == Decimal::parse("85.32"));
                CHECK(p.funds.spent == Money::from_fen(81'234'567));
            }
            if (p.id == "JY-03") CHECK(r.cut == Money::from_fen(18'500'000)); // 中: 10% of 1,850,000.00
        });
        CHECK(calls == 12);
        CHECK(s.projects == 12);
        CHECK(s.indicators == 89);
        CHECK(cut > Money());
        CHECK_FALSE(fs::exists(o.out));
    }
}

// --- evaluate: dated rules stream -------------------------------------------------

TEST_CASE("stream: evaluate streams rules with values by year, each project with its year's period") {
    const RuleBook dated = load_rules_file(src + "/tests/data/testing/dated-rules.yaml");
    REQUIRE(dated.dated());
    // JY-03 (中) in 2022: 10% cut; the others of 2023: 20%; empty years take --year 2023.
    std::istringstream in(slurp(projects_csv));
    std::string line, text;
    while (std::getline(in, line)) {
        if (line.rfind("JY-03,", 0) == 0) line.replace(line.find(",2023,"), 6, ",2022,");
        else if (line.rfind("MZ-", 0) == 0) line.replace(line.find(",2023,"), 6, ",,");
        text += line + "\n";
    }
    EvaluateOptions o;
    o.projects = write("dated-projects.csv", text);
    o.indicators = indicators_csv;
    o.year = 2023;
    o.lang = Lang::en;
    o.out = scratch("dated-stream.csv");
    evaluate_files(o, dated);
    const std::string streamed = slurp(o.out);
    o.out = scratch("dated-memory.csv");
    o.in_memory = true;
    evaluate_files(o, dated);
    CHECK(streamed == slurp(o.out));
    CHECK(streamed.find("JY-03,县教育局,1850000.00,1702000.00,0.9200,9.20,50.80,60.00,fair,fair,1,0,185000.00,") !=
          std::string::npos);

    // The streaming path took it (no project held in memory), with each project's period.
    o.in_memory = false;
    std::map<std::string, Decimal> cut_rate;
    evaluate_files(o, dated, [&](const ProjectView& p, const ProjectResult& r) {
        CHECK(p.project == nullptr);
        cut_rate[std::string(p.id)] = r.cut_rate;
        CHECK(p.rules == &dated.for_year(p.year));
    });
    CHECK(cut_rate.at("JY-03") == Decimal::parse("0.1"));

    // A project without a year and no --year has no period: the same problem on both paths.
    o.year.reset();
    std::vector<std::string> problems[2];
    for (const bool in_memory : {false, true}) {
        o.in_memory = in_memory;
        try {
            evaluate_files(o, dated);
            FAIL("expected an error");
        } catch (const Error& e) {
            for (const Diagnostic& d : e.diagnostics()) problems[in_memory].push_back(d.to_string(Lang::en));
        }
    }
    CHECK(problems[0] == problems[1]);
    CHECK(problems[0].size() == 2); // MZ-01, MZ-02
}

TEST_CASE("stream: a department name over 65,535 bytes is refused at its line (docs/limits.md)") {
    const std::string projects = write("long-department.csv", "project_id,name,department,budget,spent\n"
                                                              "P1,a," + std::string(65'536, 'd') + ",100,50\n");
    const std::string indicators =
        write("long-department-ind.csv", "project_id,level1,level2,name,direction,target,actual,unit,weight\n"
                                         "P1,output,quantity,x,ge,10,10,个,90\n");
    EvaluateOptions o;
    o.projects = projects;
    o.indicators = indicators;
    o.out = scratch("long-department-out.csv");
    o.lang = Lang::en;
    try {
        evaluate_files(o, national_rules());
        FAIL("accepted");
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].where.line == 2);
        CHECK(e.diagnostics()[0].en == "the department name is too long");
        CHECK(e.diagnostics()[0].zh == "预算单位名称过长");
    }
    CHECK_FALSE(fs::exists(o.out));
}
