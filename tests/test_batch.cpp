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
