// The ordered path (EvaluateOptions::ordered, `--ordered`; issue 13 item 6): both
// files read side by side, one project kept at a time. Same results and problems
// as the streaming path on files in the projects' order; a row out of that order,
// an unknown id and a repeated id are named; the IdLedger finds repeats through
// its runs on disk.
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"

#include "id_ledger.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace perfbudget;
namespace fs = std::filesystem;

namespace {

using test::slurp;
const std::string& src = test::source_dir;

std::string scratch(const std::string& name) { return test::scratch_file("ordered", name).string(); }

std::string write(const std::string& name, const std::string& text) {
    const std::string path = scratch(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

EvaluateOptions evaluate_options(const std::string& projects, const std::string& indicators, const std::string& out) {
    EvaluateOptions o; // English messages: the tests read them
    o.lang = Lang::en;
    o.projects = projects;
    o.indicators = indicators;
    o.out = out;
    return o;
}

/// What a run gave: its output, or its problems (then no file may exist).
struct Outcome {
    std::string out, summary;
    std::vector<std::string> problems; // each in both languages, with its place
};

std::vector<std::string> listed(const Error& e) {
    std::vector<std::string> all;
    for (const Diagnostic& d : e.diagnostics()) all.push_back(d.to_string(Lang::en) + " | " + d.to_string(Lang::zh));
    return all;
}

Outcome evaluate_run(EvaluateOptions o, const RuleBook& rules, bool ordered, const std::string& name) {
    o.ordered = ordered;
    o.out = scratch(name + (ordered ? "-ordered.csv" : "-stream.csv"));
    Outcome r;
    try {
        evaluate_files(o, rules);
        r.out = slurp(o.out);
    } catch (const Error& e) {
        CHECK_FALSE(fs::exists(o.out));
        r.problems = listed(e);
    }
    return r;
}

Outcome monitor_run(MonitorOptions o, const RuleBook& rules, bool ordered, const std::string& name) {
    o.files.ordered = ordered;
    o.files.out = scratch(name + (ordered ? "-ordered.csv" : "-stream.csv"));
    o.summary = o.files.out + ".json";
    Outcome r;
    try {
        monitor_files(o, rules);
        r.out = slurp(o.files.out);
        r.summary = slurp(o.summary);
    } catch (const Error& e) {
        CHECK_FALSE(fs::exists(o.files.out));
        CHECK_FALSE(fs::exists(o.summary));
        r.problems = listed(e);
    }
    return r;
}

void check_same(const Outcome& ordered, const Outcome& streamed) {
    CHECK(ordered.out == streamed.out);
    CHECK(ordered.summary == streamed.summary);
    CHECK(ordered.problems == streamed.problems);
}

/// evaluate and monitor (at two dates: one with problems, one without) on both
/// paths must agree; returns the evaluation's streamed outcome.
Outcome both_paths(const std::string& projects, const std::string& indicators, const RuleBook& rules, const std::string& name) {
    const EvaluateOptions e = evaluate_options(projects, indicators, "");
    const Outcome streamed = evaluate_run(e, rules, false, name);
    check_same(evaluate_run(e, rules, true, name), streamed);
    for (const Date as_of : {make_date(2023, 6, 30), make_date(2023, 12, 31)}) {
        CAPTURE(to_string(as_of));
        MonitorOptions m;
        m.files = e;
        m.as_of = as_of;
        check_same(monitor_run(m, rules, true, name + "-m"), monitor_run(m, rules, false, name + "-m"));
    }
    return streamed;
}

/// The examples' indicators.csv without the rows of `drop`, or with `extra` appended.
std::string indicators_with(const std::string& name, const std::string& drop, const std::string& extra = "") {
    std::istringstream in(slurp(test::example_indicators));
    std::string text, line;
    while (std::getline(in, line))
        if (drop.empty() || !line.starts_with(drop + ",")) text += line + "\n";
    return write(name, text + extra);
}

std::size_t rows_of(const std::string& id) {
    std::istringstream in(slurp(test::example_indicators));
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.starts_with(id + ",");
    return n;
}

} // namespace

TEST_CASE("ordered: evaluate and monitor give the streaming path's results, summaries and problems (every profile)") {
    for (const char* profile : {"national", "urumqi-county", "changji", "wuchang", "yuechi", "lanzhou-new-area"}) {
        CAPTURE(profile);
        const RuleBook rules = load_rules_file(src + "/rules/" + profile + ".yaml");
        const Outcome o = both_paths(test::example_projects, test::example_indicators, rules, profile);
        CHECK(o.problems.empty());
        CHECK(o.out.starts_with("project_id,"));
    }
    // Rules with values by year stream by period on both paths.
    both_paths(test::example_projects, test::example_indicators, load_rules_file(src + "/tests/data/testing/dated-rules.yaml"), "dated");
}

TEST_CASE("ordered: a project without indicator rows between others is finished as the streaming path finishes it") {
    // JY-03 (line 4 of projects.csv) loses its rows: evaluate refuses it (no indicators), monitor may light it.
    const std::string indicators = indicators_with("no-jy03.csv", "JY-03");
    const Outcome o = both_paths(test::example_projects, indicators, national_rules(), "no-jy03");
    REQUIRE(o.problems.size() == 1);
    CHECK(o.problems[0].find("JY-03") != std::string::npos);
    // And the last project without rows: read after the last indicator row.
    const Outcome last = both_paths(test::example_projects, indicators_with("no-mz02.csv", "MZ-02"), national_rules(), "no-mz02");
    REQUIRE(last.problems.size() == 1);
    CHECK(last.problems[0].find("MZ-02") != std::string::npos);
}

TEST_CASE("ordered: problems of grouped rows come in the streaming path's order, with its limit") {
    const std::string projects = write("bad-projects.csv", "project_id,name,department,budget,spent\n"
                                                           "A,a,d,1000.00,500.00\n"   // line 2
                                                           "B,b,d,1000.00,-5.00\n"    // line 3: spent negative
                                                           "C,c,d,1000.00,500.00\n"   // line 4
                                                           "D,d,d,1000.00,500.00\n"); // line 5
    const std::string indicators = write("bad-indicators.csv",
                                         "project_id,level1,level2,name,direction,target,actual,weight\n"
                                         "A,output,quantity,a1,ge,,50,\n"                         // 2: no target
                                         "B,output,quantity,b1,ge,100,50,40\n"                    // 3
                                         "B,output,quantity,b2,ge,100,,\n"                        // 4: mixed, no actual
                                         "C,output,quantity,c1,ge,100,50,\n"                      // 5: C's first without weight
                                         "C,output,quantity,c2,ge,100,50,30\n"                    // 6
                                         "D,output,timeliness,done,date,2023-05-01,2023-07-01,\n"); // 7
    const Outcome o = both_paths(projects, indicators, national_rules(), "bad");
    CHECK(o.problems.size() >= 3);
    EvaluateOptions two = evaluate_options(projects, indicators, "");
    two.max_problems = 2;
    const Outcome limited = evaluate_run(two, national_rules(), true, "bad-two");
    CHECK(limited.problems == evaluate_run(two, national_rules(), false, "bad-two").problems);
    CHECK(limited.problems.size() == 3); // two and "… and N more"
}

TEST_CASE("ordered: a row out of order stops the run, naming its line and its project's line") {
    // The rows reversed: MZ-02's come first (found by reading ahead), then MZ-01's,
    // whose project (line 12) was passed over on the way to MZ-02.
    std::istringstream in(slurp(test::example_indicators));
    std::string header, line, text;
    std::getline(in, header);
    std::vector<std::string> rows;
    while (std::getline(in, line)) rows.push_back(line);
    text = header + "\n";
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) text += *it + "\n";
    const std::string reversed = write("reversed.csv", text);
    const auto at = static_cast<std::uint32_t>(rows_of("MZ-02") + 2); // the first MZ-01 row: after the header and MZ-02's

    const EvaluateOptions e = evaluate_options(test::example_projects, reversed, "");
    const Outcome o = evaluate_run(e, national_rules(), true, "reversed");
    REQUIRE(o.problems.size() == 1); // the projects passed over are not reported as lacking rows
    CHECK(o.problems[0].starts_with(reversed + ":" + std::to_string(at) + ": "));
    CHECK(o.problems[0].find("the rows of project_id \"MZ-01\" are out of order: the project is on line 12 of " +
                             test::example_projects) != std::string::npos);
    CHECK(o.problems[0].find("项目编号“MZ-01”的指标行顺序不符") != std::string::npos);
    // Without --ordered the same file is fine.
    CHECK(evaluate_run(e, national_rules(), false, "reversed").problems.empty());

    MonitorOptions m;
    m.files = e;
    m.as_of = make_date(2023, 12, 31);
    const Outcome mo = monitor_run(m, national_rules(), true, "reversed-m");
    REQUIRE(mo.problems.size() == 1);
    CHECK(mo.problems[0] == o.problems[0]);
}

TEST_CASE("ordered: an unknown project id is named as the streaming path names it") {
    const std::string indicators = indicators_with("unknown.csv", "", "NOPE,output,quantity,x,ge,1,1,人,10\n");
    const EvaluateOptions e = evaluate_options(test::example_projects, indicators, "");
    const Outcome o = evaluate_run(e, national_rules(), true, "unknown");
    const Outcome streamed = evaluate_run(e, national_rules(), false, "unknown");
    REQUIRE(o.problems.size() == 1);
    CHECK(o.problems == streamed.problems); // project_id "NOPE" is not in …
    CHECK(o.problems[0].find("\"NOPE\" is not in") != std::string::npos);
}

TEST_CASE("ordered: a repeated and an unknown project id read the same on every path, in both languages") {
    // W1 again at the end of projects.csv (line 14), and a row for "NO PE": the
    // in-memory path (read_projects), the streamed one, the ordered one and monitor
    // word them alike (they once said "duplicate project_id" on some paths and
    // "appears again" on others, and 在…中不存在 beside 不在…中).
    const std::string projects_text = slurp(test::example_projects);
    const std::string w1 = projects_text.substr(projects_text.find("\nW1,") + 1,
                                                projects_text.find('\n', projects_text.find("\nW1,") + 1) - projects_text.find("\nW1,"));
    const std::string projects = write("ids-projects.csv", projects_text + w1);
    const std::string unknown = indicators_with("ids-unknown.csv", "", "NO PE,output,quantity,x,ge,1,1,人,10\n");
    const std::string repeat = "project_id \"W1\" appears again (first at line 2) | ";
    const std::string repeat_zh = "项目编号“W1”重复（首次出现在第 2 行）";
    const std::string not_in = "project_id \"NO PE\" is not in ";
    const std::string not_in_zh = "项目编号“NO PE”不在 ";

    EvaluateOptions e = evaluate_options(projects, test::example_indicators, "");
    const Outcome streamed = evaluate_run(e, national_rules(), false, "ids-repeat");
    REQUIRE(streamed.problems.size() == 1);
    CHECK(streamed.problems[0].find(repeat) != std::string::npos);
    CHECK(streamed.problems[0].find(repeat_zh) != std::string::npos);
    e.in_memory = true;
    CHECK(evaluate_run(e, national_rules(), false, "ids-repeat-mem").problems == streamed.problems);
    MonitorOptions m;
    m.files = evaluate_options(projects, test::example_indicators, "");
    m.as_of = make_date(2023, 12, 31);
    CHECK(monitor_run(m, national_rules(), false, "ids-repeat-m").problems == streamed.problems);

    e = evaluate_options(test::example_projects, unknown, "");
    const Outcome unknown_streamed = evaluate_run(e, national_rules(), false, "ids-unknown");
    REQUIRE(unknown_streamed.problems.size() == 1);
    CHECK(unknown_streamed.problems[0].find(not_in) != std::string::npos);
    CHECK(unknown_streamed.problems[0].find(not_in_zh) != std::string::npos);
    CHECK(evaluate_run(e, national_rules(), true, "ids-unknown-ordered").problems == unknown_streamed.problems);
    e.in_memory = true;
    CHECK(evaluate_run(e, national_rules(), false, "ids-unknown-mem").problems == unknown_streamed.problems);
    m.files = evaluate_options(test::example_projects, unknown, "");
    CHECK(monitor_run(m, national_rules(), false, "ids-unknown-m").problems == unknown_streamed.problems);
}

TEST_CASE("ordered: a repeated project id is found at the end, however far apart") {
    // W1 again as the last project, with its rows again at the end: the order holds.
    const std::string projects_text = slurp(test::example_projects);
    std::istringstream in(projects_text);
    std::string header, w1;
    std::getline(in, header);
    std::getline(in, w1);
    REQUIRE(w1.starts_with("W1,"));
    const std::string projects = write("repeated-projects.csv", projects_text + w1 + "\n");
    std::string w1_rows;
    {
        std::istringstream rows(slurp(test::example_indicators));
        for (std::string line; std::getline(rows, line);)
            if (line.starts_with("W1,")) w1_rows += line + "\n";
    }
    const std::string indicators = indicators_with("repeated-indicators.csv", "", w1_rows);
    const EvaluateOptions e = evaluate_options(projects, indicators, "");
    const Outcome o = evaluate_run(e, national_rules(), true, "repeated");
    REQUIRE(o.problems.size() == 1);
    // The streaming path's message, at the repeat's line (14).
    CHECK(o.problems[0] == evaluate_run(e, national_rules(), false, "repeated").problems.at(0));
    CHECK(o.problems[0].starts_with(projects + ":14: "));
    CHECK(o.problems[0].find("project_id \"W1\" appears again (first at line 2)") != std::string::npos);

    MonitorOptions m;
    m.files = e;
    m.as_of = make_date(2023, 12, 31);
    const Outcome mo = monitor_run(m, national_rules(), true, "repeated-m");
    REQUIRE(mo.problems.size() == 1);
    CHECK(mo.problems[0].starts_with(projects + ":14: "));
    CHECK(mo.problems[0].find("project_id \"W1\" appears again (first at line 2)") != std::string::npos);
}

TEST_CASE("ordered: inputs from pipes are read side by side (the soak's setting)") {
    const std::string p = scratch("projects.fifo"), i = scratch("indicators.fifo");
    fs::remove(p);
    fs::remove(i);
    REQUIRE(::mkfifo(p.c_str(), 0600) == 0);
    REQUIRE(::mkfifo(i.c_str(), 0600) == 0);
    const std::string projects = slurp(test::example_projects), indicators = slurp(test::example_indicators);
    // Each writer blocks until the reader opens its pipe; the reader opens both before reading either.
    std::thread wp([&] { std::ofstream(p, std::ios::binary) << projects; });
    std::thread wi([&] { std::ofstream(i, std::ios::binary) << indicators; });
    EvaluateOptions e = evaluate_options(p, i, scratch("fifo-results.csv"));
    e.ordered = true;
    const BatchSummary s = evaluate_files(e, national_rules());
    wp.join();
    wi.join();
    CHECK(s.projects == 12);
    CHECK(s.indicators == 89);
    EvaluateOptions files = evaluate_options(test::example_projects, test::example_indicators, scratch("file-results.csv"));
    evaluate_files(files, national_rules());
    CHECK(slurp(e.out) == slurp(files.out));
}

TEST_CASE("stream: monitor's reading problems from a pipe are listed as gathered, not read again (it waited for ever)") {
    // The streaming path lists reading problems by reading the files again
    // (read_projects); a named pipe opened again waits for a writer that never comes.
    const std::string p = scratch("bad-projects.fifo"), i = scratch("bad-indicators.fifo");
    for (const bool ordered : {false, true}) {
        CAPTURE(ordered);
        fs::remove(p);
        fs::remove(i);
        REQUIRE(::mkfifo(p.c_str(), 0600) == 0);
        REQUIRE(::mkfifo(i.c_str(), 0600) == 0);
        std::thread wp([&] { std::ofstream(p, std::ios::binary) << "project_id,name,department,budget,spent\nA,a,d,1000.00,500.00\nB,b,d,1000.00,500.00\nA,a,d,1.00,0.00\n"; });
        std::thread wi([&] {
            std::ofstream(i, std::ios::binary) << "project_id,level1,level2,name,direction,target,actual,weight\n"
                                                  "B,output,quantity,b1,ge,\"1,20\",50,\n"
                                                  "X,output,quantity,x1,ge,100,50,\n";
        });
        MonitorOptions m;
        m.files = evaluate_options(p, i, scratch("bad-fifo.csv"));
        m.files.ordered = ordered;
        m.as_of = make_date(2023, 12, 31);
        std::vector<std::string> got;
        try {
            monitor_files(m, national_rules());
            FAIL("expected an error");
        } catch (const Error& e) {
            got = listed(e);
        }
        // Without --ordered the run stops after projects.csv: indicators.csv is never
        // opened, and its writer waits for a reader. Be one (without waiting for a writer).
        const int fd = ::open(i.c_str(), O_RDONLY | O_NONBLOCK);
        REQUIRE(fd >= 0);
        wp.join();
        char buf[256];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;)
            if (n < 0) std::this_thread::yield(); // EAGAIN: the writer has not written yet
        ::close(fd);
        wi.join();
        CHECK_FALSE(fs::exists(m.files.out));
        CHECK(got.at(0).starts_with(p + ":4: error: project_id \"A\" appears again (first at line 2)"));
        if (!ordered) {
            CHECK(got.size() == 1); // the problems of projects.csv are listed before indicators.csv is read
            continue;
        }
        // --ordered stops at X, having read projects.csv to its end looking for it: the repeat is known.
        REQUIRE(got.size() == 3);
        CHECK(got[1].starts_with(i + ":2: error: column \"target\": \"1,20\""));
        CHECK(got[2].starts_with(i + ":3: error: project_id \"X\" is not in " + p));
    }
}

TEST_CASE("ordered: the sink gets every project in order, as on the streaming path") {
    EvaluateOptions e = evaluate_options(test::example_projects, test::example_indicators, "");
    std::vector<std::string> streamed, ordered;
    evaluate_files(e, national_rules(), [&](const ProjectView& p, const ProjectResult& r) {
        streamed.push_back(std::string(p.id) + " " + r.total.to_string());
    });
    e.ordered = true;
    evaluate_files(e, national_rules(), [&](const ProjectView& p, const ProjectResult& r) {
        ordered.push_back(std::string(p.id) + " " + r.total.to_string());
    });
    CHECK(streamed.size() == 12);
    CHECK(ordered == streamed);
}

// --- IdLedger ---------------------------------------------------------------------

TEST_CASE("ordered: IdLedger finds every repeat through its runs on disk, by line, with the limit") {
    for (const std::size_t run : {std::size_t(3), std::size_t(1000)}) { // 3: many runs merged; 1000: one in memory
        CAPTURE(run);
        detail::IdLedger ledger(run);
        for (std::uint32_t k = 0; k < 100; ++k) ledger.add("P" + std::to_string(k), k + 2); // lines 2..101
        ledger.add("P7", 102);
        ledger.add("P0", 103);
        ledger.add("P7", 104);
        ledger.add("项目", 105);
        ledger.add("项目", 106);
        CHECK((run == 3 ? ledger.runs() > 10 : ledger.runs() == 0));
        std::size_t more = 0;
        std::uint32_t probe = 0;
        const auto r = ledger.repeats(3, more, "P42", probe);
        REQUIRE(r.size() == 3);
        CHECK(more == 1); // 106 is beyond the limit
        CHECK(r[0].line == 102);
        CHECK(r[0].first == 9);
        CHECK(r[0].id == "P7");
        CHECK(r[1].line == 103);
        CHECK(r[1].first == 2);
        CHECK(r[1].id == "P0");
        CHECK(r[2].line == 104);
        CHECK(r[2].first == 9);
        CHECK(probe == 44);
    }
    detail::IdLedger none(2);
    for (std::uint32_t k = 0; k < 50; ++k) none.add(std::string(k + 1, 'x'), k + 2);
    std::size_t more = 7;
    std::uint32_t probe = 9;
    CHECK(none.repeats(10, more, "absent", probe).empty());
    CHECK(more == 0);
    CHECK(probe == 0);
}
