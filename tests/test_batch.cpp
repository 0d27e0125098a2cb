// evaluate_files(): the evaluate command as a library call, on the example county.
// The expected CSV is tests/golden/examples-national.csv, transcribed from the
// hand-computed table in examples/data/README.md.
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace perfbudget;
namespace fs = std::filesystem;

namespace {

const std::string src = PERFBUDGET_SOURCE_DIR;
const std::string projects_csv = src + "/examples/data/projects.csv";
const std::string indicators_csv = src + "/examples/data/indicators.csv";

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("perfbudget-test-batch-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

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
    CHECK(w1["indicators"][2]["explanation"].get<std::string>().find("45 days after 2023-10-31") != std::string::npos);
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
    CHECK(text.find("预算执行率 = 执行数 / 预算数 = 812345.67 / 1000000.00") != std::string::npos);
    CHECK(text.find("rules/national.yaml:") != std::string::npos);
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
    const std::string profile = write_scratch("all-slots.yaml", R"yaml(base: national
profile: all-slots
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
    for (const char* id : {"thin", "over", "completion_low", "by_kind"}) CHECK(out.find(id) != std::string::npos);
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
