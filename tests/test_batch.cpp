// evaluate_files(): the evaluate command as a library call, on the example county.
// The expected CSV is tests/golden/examples-national.csv, transcribed from the
// hand-computed table in examples/data/README.md.
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace perfbudget;
namespace fs = std::filesystem;

namespace {

const std::string src = PERFBUDGET_SOURCE_DIR;
const std::string projects_csv = src + "/examples/data/projects.csv";
const std::string indicators_csv = src + "/examples/data/indicators.csv";

using test::slurp;

fs::path scratch(const std::string& name) { return test::scratch_file("batch", name); }

EvaluateOptions options(const std::string& out) {
    EvaluateOptions o;
    o.projects = projects_csv;
    o.indicators = indicators_csv;
    o.out = out;
    o.lang = Lang::en;
    return o;
}

} // namespace

TEST_CASE("batch: streaming CSV equals the hand-computed example results") {
    const fs::path out = scratch("stream.csv");
    const BatchSummary s = evaluate_files(options(out), national_rules());
    CHECK(s.projects == 12);
    CHECK(s.indicators == 89);
    CHECK(slurp(out) == slurp(src + "/tests/golden/examples-national.csv"));
}

TEST_CASE("batch: indicator rows in any order give the same results") {
    // Reverse the data rows of indicators.csv: every project's rows are scattered.
    std::istringstream in(slurp(indicators_csv));
    std::string header, line;
    std::getline(in, header);
    std::vector<std::string> rows;
    while (std::getline(in, line))
        if (!line.empty()) rows.push_back(line);
    std::reverse(rows.begin(), rows.end());
    const fs::path shuffled = scratch("reversed-indicators.csv");
    {
        std::ofstream o(shuffled, std::ios::binary);
        o << header << '\n';
        for (const auto& r : rows) o << r << '\n';
    }
    EvaluateOptions o = options(scratch("reversed.csv"));
    o.indicators = shuffled;
    evaluate_files(o, national_rules());
    CHECK(slurp(o.out) == slurp(src + "/tests/golden/examples-national.csv"));
}

TEST_CASE("batch: JSON carries the same totals, each indicator and the explanation") {
    const fs::path csv = scratch("for-json.csv");
    evaluate_files(options(csv), national_rules());
    EvaluateOptions o = options(scratch("out.json"));
    o.format = OutputFormat::json;
    evaluate_files(o, national_rules());
    const auto j = nlohmann::json::parse(slurp(o.out));
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 12);
    const auto& w1 = j[0];
    CHECK(w1["project_id"] == "W1");
    CHECK(w1["total"] == "85.32");
    CHECK(w1["exec_rate"] == "0.8123");
    CHECK(w1["grade"] == "good");
    REQUIRE(w1["indicators"].size() == 6);
    CHECK(w1["indicators"][0]["score"] == "16.67");
    CHECK(w1["indicators"][2]["explanation"].get<std::string>().find("45 days after the target date 2023-10-31") != std::string::npos);
    CHECK(w1["explanation"].size() >= 8);
    // The two paths (streaming CSV, in-memory JSON) agree on every total.
    std::istringstream rows(slurp(csv));
    std::string line;
    std::getline(rows, line);
    for (const auto& p : j) {
        REQUIRE(std::getline(rows, line));
        CHECK(line.rfind(p["project_id"].get<std::string>() + ",", 0) == 0);
        CHECK(line.find("," + p["total"].get<std::string>() + "," + p["grade"].get<std::string>() + ",") != std::string::npos);
    }
}

TEST_CASE("batch: --explain adds an explanation column citing the rules") {
    EvaluateOptions o = options(scratch("explain.csv"));
    o.explain = true;
    o.lang = Lang::zh;
    evaluate_files(o, national_rules());
    const std::string text = slurp(o.out);
    CHECK(text.find(",explanation\n") != std::string::npos);
    CHECK(text.find("预算执行率 = 执行数 812345.67 元 / 预算数 1000000.00 元 = 81.23%") != std::string::npos);
    CHECK(text.find("〔rules/national.yaml 第 ") != std::string::npos); // each line cites its rule's file and line
    CHECK(text.find("行，evaluation.execution〕") != std::string::npos);
}

TEST_CASE("batch: a failed run writes no output and lists every problem") {
    const fs::path out = scratch("never.csv");
    EvaluateOptions o = options(out);
    o.indicators = src + "/tests/data/cli/indicators-bad.csv";
    o.projects = src + "/tests/data/cli/projects.csv";
    try {
        evaluate_files(o, national_rules());
        FAIL("expected an error");
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() >= 2);
        CHECK(e.diagnostics()[0].where.line == 2);
        CHECK(e.diagnostics()[0].where.file == o.indicators);
    }
    CHECK_FALSE(fs::exists(out));
    for (const auto& entry : fs::directory_iterator(out.parent_path()))
        CHECK(entry.path().filename().string().find("never.csv.tmp") == std::string::npos);
}

TEST_CASE("batch: a level-1 split other than 50/30/10 is a notice, not an error") {
    for (const bool explain : {false, true}) { // streaming and in-memory paths
        EvaluateOptions o = options(scratch(explain ? "split-explain.csv" : "split.csv"));
        o.projects = src + "/tests/data/cli/projects.csv";
        o.indicators = src + "/tests/data/cli/indicators-split.csv";
        o.explain = explain;
        const BatchSummary s = evaluate_files(o, national_rules());
        REQUIRE(s.notices.size() == 1);
        CHECK(s.notices[0].severity == Diagnostic::Severity::notice);
        CHECK(s.notices[0].where.line == 2);
        CHECK(s.notices[0].en == "project P1: level-1 weights output/benefit/satisfaction are 60/20/10, not 50/30/10 as in principle");
        // Both projects are still scored: P1 = 8 (exec 800/1000) + 90 = 98.00.
        CHECK(slurp(o.out).find("P1,县教育局,1000.00,800.00,0.8000,8.00,90.00,98.00,excellent") != std::string::npos);
    }
}

namespace {

/// Writes `text` to a scratch file and returns its path.
std::string write_scratch(const std::string& name, const std::string& text) {
    const fs::path p = scratch(name);
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

/// Runs the files through both paths of evaluate_files() and checks they write the same CSV.
std::string both_paths_agree(EvaluateOptions o, const RuleBook& rules, const std::string& name) {
    o.out = scratch(name + "-stream.csv");
    evaluate_files(o, rules);
    const std::string streamed = slurp(o.out);
    o.out = scratch(name + "-memory.csv");
    o.in_memory = true;
    evaluate_files(o, rules);
    CHECK(streamed == slurp(o.out));
    return streamed;
}

/// The reasons column (the last) of the row for `id`.
std::string reasons_of(const std::string& csv, const std::string& id) {
    std::istringstream in(csv);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(id + ",", 0) == 0) return line.substr(line.rfind(',') + 1);
    FAIL("no row for " << id);
    return {};
}

} // namespace

TEST_CASE("batch: custom steps stream, with the same output as in memory (Urumqi profile)") {
    const RuleBook rules = load_rules_file(src + "/rules/urumqi-county.yaml");
    REQUIRE(rules.has_custom());
    const std::string out = both_paths_agree(options(""), rules, "urumqi");
    CHECK(out.find(",accountability,reasons\n") != std::string::npos);
    CHECK(out.find("deviation") != std::string::npos); // some example projects are off target
    // Streamed rows in reverse order still give the same sums.
    std::istringstream in(slurp(indicators_csv));
    std::string header, line, reversed;
    std::getline(in, header);
    std::vector<std::string> rows;
    while (std::getline(in, line))
        if (!line.empty()) rows.push_back(line);
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) reversed += *it + "\n";
    EvaluateOptions o = options(scratch("urumqi-reversed.csv"));
    o.indicators = write_scratch("reversed-urumqi-indicators.csv", header + "\n" + reversed);
    evaluate_files(o, rules);
    CHECK(slurp(o.out) == out);
}

TEST_CASE("batch: every custom slot streams like it evaluates in memory") {
    // A table and rules reading each slot the streaming path has to keep: the
    // project fields (category, year, rectification, budget kind) and the
    // indicator aggregates (count, min ratio, over-completed, completion).
    // over_completed.count uses evaluation.over_completion.threshold (the deduction
    // stays off). At 105% two example projects have an indicator at or above it:
    // SL-01 (维护渠道长度 126.5 / 120 = 105.42%, 工程验收合格率 100% / 95% = 105.26%)
    // and NY-01 (村民满意度 94.5% / 90% = 105% exactly); the next highest is
    // SL-01's 93% / 90% = 103.33%.
    const std::string profile = write_scratch("all-slots.yaml", R"yaml(base: national
profile: all-slots
evaluation:
  over_completion: {threshold: 105%}
  custom:
  - table: by_kind
    hit: collect
    inputs: [budget_kind, category, rectification, year]
    outputs: [adjust]
    rows:
      - [general, "-", "-", "-", -1]
      - ["-", 教育, "-", 2023, -2]
      - ["-", "-", none, "-", 0.5]
  - rule: thin
    zh: 指标少
    en: few indicators
    when: indicators.count < 7 and indicators.min_ratio < 90%
    then: {rectify: true}
  - rule: over
    zh: 超额完成
    en: over-completed
    when: over_completed.count >= 1
    then: {accountability: true}
  - rule: completion_low
    zh: 完成率低
    en: low completion
    when: completion < 95% or abs(exec_rate - completion) > 10%
    then:
      cut: "round(min(1 - completion, 100%), 6)"
)yaml");
    const RuleBook rules = load_rules_file(profile);
    const std::string out = both_paths_agree(options(""), rules, "all-slots");
    std::map<std::string, std::vector<std::string>> fired; // rule id → projects, from the reasons column
    std::istringstream rows(out);
    std::string line;
    std::getline(rows, line); // the header
    while (std::getline(rows, line)) {
        const std::string id = line.substr(0, line.find(','));
        std::istringstream reasons(reasons_of(out, id));
        for (std::string r; std::getline(reasons, r, ';');) fired[r].push_back(id);
    }
    CHECK(fired["over"] == std::vector<std::string>{"SL-01", "NY-01"});
    for (const char* id : {"thin", "completion_low", "by_kind"}) CHECK_FALSE(fired[id].empty());
}

TEST_CASE("batch: a dated profile keeps the aggregates each period's steps read") {
    // The streaming path keeps the least ratio and the completion sum only when
    // a step reads them, over every period of the book: here one period reads
    // only the least ratio, the other only completion. Half the example projects
    // are moved to budget year 2021 (the first period), the rest stay in 2023.
    const std::string profile = write_scratch("dated-slots.yaml", R"yaml(base: national
profile: dated-slots
evaluation:
  custom:
    effective:
      2020:
      - rule: low_min
        zh: 最低完成率不足
        en: lowest ratio short
        when: indicators.min_ratio < 100%
        then: {rectify: true}
      2023:
      - rule: low_completion
        zh: 总体完成率不足
        en: completion short
        when: completion < 100%
        then: {rectify: true}
)yaml");
    const RuleBook rules = load_rules_file(profile);
    std::istringstream in(slurp(projects_csv));
    std::string line, projects, header;
    std::getline(in, header);
    projects = header + "\n";
    std::vector<std::string> moved;
    for (int row = 0; std::getline(in, line); ++row) {
        if (row % 2 == 0) {
            const auto at = line.find(",2023,");
            REQUIRE(at != std::string::npos);
            line.replace(at, 6, ",2021,");
            moved.push_back(line.substr(0, line.find(',')));
        }
        projects += line + "\n";
    }
    EvaluateOptions o = options("");
    o.projects = write_scratch("dated-slots-projects.csv", projects);
    const std::string out = both_paths_agree(o, rules, "dated-slots");
    int by_min = 0, by_completion = 0;
    std::istringstream rows(out);
    std::getline(rows, line); // the header
    while (std::getline(rows, line)) {
        const std::string id = line.substr(0, line.find(','));
        const std::string reasons = reasons_of(out, id);
        const bool in_2021 = std::find(moved.begin(), moved.end(), id) != moved.end();
        CAPTURE(id);
        CHECK(reasons.find(in_2021 ? "low_completion" : "low_min") == std::string::npos);
        by_min += reasons.find("low_min") != std::string::npos;
        by_completion += reasons.find("low_completion") != std::string::npos;
    }
    CHECK(by_min > 0);
    CHECK(by_completion > 0);
}

TEST_CASE("batch: completion is exact at the 20-point deviation boundary") {
    // Urumqi's rule `deviation`: abs(exec_rate - completion) > 20%. Completion =
    // Σ(weight × rc) / Σ weight = (50 × 2/3 + 30 × 31/45 + 10 × 0) / 90 = 54 / 90 = 60%
    // exactly, through thirds (no finite decimal on the way). Execution 80% or 40%
    // is exactly 20 points off: no deviation. One fen more or less, and there is.
    const std::string indicators_of = R"(,output,quantity,培训人次,ge,3,2,人次,50
,benefit,social,受益人数,ge,45,31,人,30
,satisfaction,satisfaction,满意度,ge,90%,0%,%,10
)";
    std::string indicators = "project_id,level1,level2,name,direction,target,actual,unit,weight\n";
    std::string projects = "project_id,name,department,budget,spent,budget_kind,fund_source,category,year\n";
    const std::pair<const char*, const char*> cases[] = {
        {"AT80", "800000.00"}, {"AT40", "400000.00"}, {"OVER80", "800000.01"}, {"UNDER40", "399999.99"}};
    for (const auto& [id, spent] : cases) {
        projects += std::string(id) + ",项目,县财政局,1000000.00," + spent + ",general,local,教育,2023\n";
        std::istringstream rows(indicators_of);
        std::string row;
        while (std::getline(rows, row)) indicators += id + row + "\n";
    }
    EvaluateOptions o = options("");
    o.projects = write_scratch("boundary-projects.csv", projects);
    o.indicators = write_scratch("boundary-indicators.csv", indicators);
    const RuleBook rules = load_rules_file(src + "/rules/urumqi-county.yaml");
    const std::string out = both_paths_agree(o, rules, "boundary");
    CHECK(reasons_of(out, "AT80").find("deviation") == std::string::npos);
    CHECK(reasons_of(out, "AT40").find("deviation") == std::string::npos);
    CHECK(reasons_of(out, "OVER80").find("deviation") != std::string::npos);
    CHECK(reasons_of(out, "UNDER40").find("deviation") != std::string::npos);
}

TEST_CASE("batch: a custom rule that fails names the project, on either path") {
    const std::string profile = write_scratch("failing.yaml", R"(base: national
profile: failing
evaluation:
  custom:
  - rule: divide
    zh: 除以零
    en: divides by zero
    when: budget / (exec_rate - exec_rate) > 1
)");
    const RuleBook rules = load_rules_file(profile);
    for (const bool in_memory : {false, true}) {
        EvaluateOptions o = options(scratch(in_memory ? "failing-memory.csv" : "failing-stream.csv"));
        o.in_memory = in_memory;
        try {
            evaluate_files(o, rules);
            FAIL("expected an error");
        } catch (const Error& e) {
            REQUIRE(e.diagnostics().size() == 12);
            CHECK(e.diagnostics()[0].where.file == o.projects);
            CHECK(e.diagnostics()[0].where.line == 2);
            CHECK(e.diagnostics()[0].en.find("project W1: custom rule at ") == 0);
            CHECK(e.diagnostics()[0].en.find("division by zero") != std::string::npos);
        }
        CHECK_FALSE(fs::exists(o.out));
    }
}

// --- issue 7: one mistake, one message; weights; outputs that are inputs ---------

namespace {

/// The problems evaluate_files() reports for `o`; fails the test when it succeeds.
std::vector<Diagnostic> problems_of(const EvaluateOptions& o, const RuleBook& rules = national_rules()) {
    try {
        evaluate_files(o, rules);
    } catch (const Error& e) {
        return e.diagnostics();
    }
    FAIL("expected an error");
    return {};
}

/// The problems both paths of evaluate_files() report for `o`, which must agree
/// (in English: the Chinese wording of a few messages differs); no output is written.
std::vector<Diagnostic> problems_on_both_paths(EvaluateOptions o) {
    o.in_memory = false;
    const auto streamed = problems_of(o);
    o.in_memory = true;
    const auto in_memory = problems_of(o);
    REQUIRE(streamed.size() == in_memory.size());
    for (std::size_t k = 0; k < streamed.size(); ++k)
        CHECK(streamed[k].to_string(Lang::en) == in_memory[k].to_string(Lang::en));
    CHECK_FALSE(fs::exists(o.out));
    return streamed;
}

const std::string indicators_header = "project_id,level1,level2,name,direction,target,actual,unit,weight\n";

/// Three indicators of `id` (output, benefit, satisfaction) with these weights, met in full.
std::string met_indicators(const std::string& id, const char* output, const char* benefit, const char* satisfaction) {
    return id + ",output,quantity,a,ge,10,10,个," + output + "\n" + id + ",benefit,social,b,ge,10,10,人," + benefit +
           "\n" + id + ",satisfaction,satisfaction,c,ge,90%,90%,%," + satisfaction + "\n";
}

} // namespace

TEST_CASE("batch: a project row that fails is reported once, not again for each of its indicators") {
    // P1's budget is wrong; its three indicator rows belong to it, not to an unknown project.
    // P9 is in no row of projects.csv: that one is reported.
    EvaluateOptions o = options("");
    o.projects = write_scratch("once-projects.csv", "project_id,name,department,budget,spent\n"
                                                    "P1,项目一,县教育局,\"1,00.00\",800.00\n"
                                                    "P2,项目二,县教育局,1000.00,800.00\n");
    o.indicators = write_scratch("once-indicators.csv", indicators_header + met_indicators("P1", "50", "30", "10") +
                                                            met_indicators("P2", "50", "30", "10") +
                                                            "P9,output,quantity,a,ge,10,10,个,50\n");
    o.out = scratch("once.csv");
    const auto d = problems_on_both_paths(o);
    REQUIRE(d.size() == 2);
    CHECK(d[0].where.file == o.projects);
    CHECK(d[0].where.line == 2);
    CHECK(d[0].en.find("column \"budget\": \"1,00.00\"") == 0);
    CHECK(d[1].where.file == o.indicators);
    CHECK(d[1].where.line == 8);
    CHECK(d[1].en.find("\"P9\" is not in") != std::string::npos);
}

TEST_CASE("batch: weights that do not total 100 are reported at the project's first indicator row, with the total") {
    // P1: 51 + 30 + 10 + execution 10 = 101; its rows are lines 5–7 of indicators.csv.
    EvaluateOptions o = options("");
    o.projects = write_scratch("w101-projects.csv", "project_id,name,department,budget,spent\n"
                                                    "P0,项目零,县教育局,1000.00,800.00\n"
                                                    "P1,项目一,县教育局,1000.00,800.00\n");
    o.indicators = write_scratch("w101-indicators.csv", indicators_header + met_indicators("P0", "50", "30", "10") +
                                                            met_indicators("P1", "51", "30", "10"));
    const auto d = problems_on_both_paths(o);
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.file == o.indicators);
    CHECK(d[0].where.line == 5);
    CHECK(d[0].en == "project P1: indicator weights plus execution points must total exactly 100: total 101 points "
                     "(indicators 91 + execution 10)");
    CHECK(d[0].zh == "项目 P1：指标分值与预算执行率分值合计应为 100 分，实际合计 101 分（指标 91 分 + 预算执行率 10 分）");
}

TEST_CASE("batch: weights with more than 2 decimals are errors, so no score exceeds its weight") {
    // budget 1000.00, spent 800.00; every indicator at 99.99%.
    const std::string projects = "project_id,name,department,budget,spent\nP1,项目一,县教育局,1000.00,800.00\n";
    const auto row = [](const char* level, const char* weight) {
        const std::string l1 = level;
        const std::string l2 = l1 == "output" ? "quantity" : l1 == "benefit" ? "social" : "satisfaction";
        return "P1," + l1 + "," + l2 + ",n,ge,100%,99.99%,%," + weight + "\n";
    };
    EvaluateOptions o = options("");
    o.projects = write_scratch("w2-projects.csv", projects);
    SUBCASE("7 × 12.857/12.858 (= 90) would score 7 × 12.86 = 90.02 of 90 points, total 98.02") {
        std::string rows = indicators_header;
        for (int k = 0; k < 4; ++k) rows += row("output", "12.857");
        rows += row("benefit", "12.857") + row("benefit", "12.857") + row("satisfaction", "12.858");
        o.indicators = write_scratch("w2-seven.csv", rows);
        const auto d = problems_of(o);
        REQUIRE(d.size() == 7);
        for (std::size_t k = 0; k < 7; ++k) {
            CHECK(d[k].where.file == o.indicators);
            CHECK(d[k].where.line == k + 2);
        }
        CHECK(d[6].en == "column \"weight\": \"12.858\" — expected points with at most 2 decimals, the resolution of a "
                         "score (such as 12.86)");
    }
    SUBCASE("10,000 × 0.009 (= 90) would score 10,000 × 0.01 = 100, total 108.00") {
        std::string rows = indicators_header;
        for (int k = 0; k < 10'000; ++k) rows += row(k < 5000 ? "output" : k < 8000 ? "benefit" : "satisfaction", "0.009");
        o.indicators = write_scratch("w2-tenthousand.csv", rows);
        const auto d = problems_of(o);
        REQUIRE(d.size() == 1001); // 1000 listed (max_problems), then "… and 9000 more problems"
        CHECK(d[0].where.line == 2);
        CHECK(d[0].en.find("column \"weight\": \"0.009\" — expected points with at most 2 decimals") == 0);
        CHECK(d[1000].en == "… and 9000 more problems");
    }
    SUBCASE("with 2 decimals (6 × 12.86 + 12.84 = 90) the total stays within 100") {
        // 12.86 × 99.99% = 12.858714 → 12.86; 12.84 × 99.99% = 12.838716 → 12.84: indicators 90.00.
        std::string rows = indicators_header;
        for (int k = 0; k < 4; ++k) rows += row("output", "12.86");
        rows += row("benefit", "12.86") + row("benefit", "12.86") + row("satisfaction", "12.84");
        o.indicators = write_scratch("w2-ok.csv", rows);
        o.projects = write_scratch("w2-ok-projects.csv", "project_id,name,department,budget,spent\n"
                                                         "P1,项目一,县教育局,1000.00,1000.00\n");
        const std::string out = both_paths_agree(o, national_rules(), "w2-ok");
        CHECK(out.find("\nP1,县教育局,1000.00,1000.00,1.0000,10.00,90.00,100.00,excellent,") != std::string::npos);
    }
}

TEST_CASE("batch: an output file that is an input is refused before anything is read or written") {
    const fs::path dir = scratch("same-file");
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string projects_text = slurp(projects_csv);
    const std::string projects = (dir / "projects.csv").string();
    std::ofstream(projects, std::ios::binary) << projects_text;
    fs::create_symlink(projects, dir / "link.csv");
    fs::create_hard_link(projects, dir / "hard.csv");
    for (const std::string& out : {projects, (dir / "." / "projects.csv").string(), (dir / "link.csv").string(),
                                   (dir / "hard.csv").string()}) {
        CAPTURE(out);
        EvaluateOptions o = options(out);
        o.projects = projects;
        try {
            evaluate_files(o, national_rules());
            FAIL("expected an OptionsError");
        } catch (const OptionsError& e) {
            REQUIRE(e.diagnostics().size() == 1);
            CHECK(e.diagnostics()[0].where.file == out);
            CHECK(e.diagnostics()[0].en == "the output file \"" + out + "\" is the projects file \"" + projects +
                                               "\": writing the results would replace it; choose another output file");
            CHECK(e.diagnostics()[0].zh == "输出文件“" + out + "”就是项目文件“" + projects +
                                               "”：写入结果会覆盖该输入文件；请另选输出文件");
        }
        CHECK(slurp(projects) == projects_text);
        CHECK(fs::is_symlink(dir / "link.csv"));
    }
    // The indicators file too (a copy: a failing test must not replace the example).
    const std::string indicators_text = slurp(indicators_csv);
    EvaluateOptions o = options("");
    o.indicators = o.out = (dir / "indicators.csv").string();
    std::ofstream(o.indicators, std::ios::binary) << indicators_text;
    CHECK_THROWS_AS(evaluate_files(o, national_rules()), OptionsError);
    CHECK(slurp(o.indicators) == indicators_text);
    // A new file beside the inputs is fine.
    o.out = (dir / "results.csv").string();
    evaluate_files(o, national_rules());
    CHECK(slurp(o.out) == slurp(src + "/tests/golden/examples-national.csv"));
}

TEST_CASE("batch: indicator rules stream, reading the project's kept fields, with the in-memory path's results") {
    // Every field an indicator rule reads of its project, and an adjustment that
    // changes scores, totals, grades and results; then a project step that sees the
    // adjusted scores. The example data: categories 教育/水利/…, local and transfer funds.
    const std::string profile = write_scratch("indicator-rules.yaml", R"(base: national
profile: indicator-rules
evaluation:
  custom:
  - indicator_rule: local_output
    zh: 本级项目产出指标扣分
    en: local output indicators lose a point
    when: fund_source == "local" and budget_kind == "general" and category != "" and year >= 2023 and rectification == "none" and indicator.level1 == "output" and budget > spent / 2
    then: {adjust: -1}
  - rule: low
    zh: 总分低于90
    en: total below 90
    when: total < 90
)");
    const RuleBook rules = load_rules_file(profile);
    const std::string out = both_paths_agree(options(""), rules, "indicator-rules");
    CHECK(out.find("local_output") != std::string::npos); // some row's reasons name it
    // W1 (local, 教育, 2023) has output indicators: each loses a point, so its total
    // is below the national one.
    const std::string national = both_paths_agree(options(""), national_rules(), "indicator-rules-national");
    CHECK(out != national);

    // A rule that fails at run time: the same problem on both paths, at the indicator's line.
    const std::string failing = write_scratch("failing-indicator-rule.yaml", R"(base: national
profile: failing-indicator-rule
evaluation:
  custom:
  - indicator_rule: divide
    zh: 除以零
    en: divides by zero
    when: indicator.weight / (budget - budget) > 1
    then: {adjust: -1}
)");
    const RuleBook bad = load_rules_file(failing);
    std::vector<std::string> firsts;
    for (const bool in_memory : {false, true}) {
        EvaluateOptions o = options(scratch(in_memory ? "failing-ir-memory.csv" : "failing-ir-stream.csv"));
        o.in_memory = in_memory;
        try {
            evaluate_files(o, bad);
            FAIL("expected an error");
        } catch (const Error& e) {
            REQUIRE(!e.diagnostics().empty());
            CHECK(e.diagnostics()[0].where.file == o.indicators);
            CHECK(e.diagnostics()[0].en.find("division by zero") != std::string::npos);
            firsts.push_back(e.diagnostics()[0].to_string(Lang::en));
        }
        CHECK_FALSE(fs::exists(o.out));
    }
    REQUIRE(firsts.size() == 2);
    CHECK(firsts[0] == firsts[1]);
}
