// The output for Excel users through the library (docs/output.md): TableStyle and
// MoneyUnit in the options of evaluate, monitor, review and assess. The CLI's
// byte-level checks (BOM, GBK bytes, the workbook's XML) are in tests/CMakeLists.txt.
#include "perfbudget/assess.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/review.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace perfbudget;
namespace fs = std::filesystem;

namespace {

const std::string data = test::source_dir + "/tests/data/excel";

fs::path scratch(const std::string& name) { return test::scratch_file("table", name); }

EvaluateOptions options(const std::string& out) {
    EvaluateOptions o;
    o.projects = data + "/projects-yuan.csv"; // headers in 元: MoneyUnit::wan changes only the output
    o.indicators = data + "/indicators.csv";
    o.out = out;
    o.lang = Lang::en;
    return o;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

} // namespace

TEST_CASE("output: a FIFO named by --out is written on success, not replaced by a file (soak benchmark)") {
    // Once, the temporary file was renamed onto it: a FIFO or /dev/null (as root)
    // became a regular file, and the pipe's reader never got the results.
    const fs::path fifo = scratch("results.fifo");
    fs::remove(fifo);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // The read end, opened first without waiting for a writer, so neither side
    // blocks (the results fit the pipe's buffer) and a replaced FIFO reads as empty.
    const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(fd >= 0);
    {
        EvaluateOptions o = options(fifo.string());
        const BatchSummary s = evaluate_files(o, national_rules());
        CHECK(s.projects > 0);
    }
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    CHECK(fs::is_fifo(fifo));
    CHECK(got.starts_with("project_id,"));
    CHECK(lines(got).size() > 1);
    for (const auto& e : fs::directory_iterator(fifo.parent_path()))
        CHECK_MESSAGE(e.path().filename().string().find(".tmp") == std::string::npos, e.path().string());
    fs::remove(fifo);
}

TEST_CASE("table output: the name column with identifier headers, money in 万元") {
    const fs::path out = scratch("names-wan.csv");
    EvaluateOptions o = options(out);
    o.table.names = true;
    o.money_unit = MoneyUnit::wan;
    evaluate_files(o, national_rules());
    const auto rows = lines(test::slurp(out));
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].starts_with("project_id,name,department,budget,spent,exec_rate,"));
    // 1234.50 yuan = 0.123450 万元 and 1000.00 = 0.100000: the digits stay, the point moves 4 places.
    CHECK(rows[1] == "W1,2023年教师培训项目,县教育局,0.123450,0.100000,0.8100,8.10,77.20,85.30,good,good,0,1,0.000000,0.000000");
    CHECK(rows[2].starts_with("W2,\"古籍𠀀整理, 二期\",县文化局,100.000000,81.234567,0.8123,8.12,"));
}

TEST_CASE("table output: streaming and in-memory paths write the same styled table") {
    for (const bool chinese : {false, true}) {
        EvaluateOptions streamed = options(scratch("streamed.csv"));
        streamed.table.chinese_headers = chinese;
        streamed.table.bom = true;
        streamed.money_unit = MoneyUnit::wan;
        EvaluateOptions held = streamed;
        held.out = scratch("held.csv");
        held.in_memory = true;
        evaluate_files(streamed, national_rules());
        evaluate_files(held, national_rules());
        CHECK(test::slurp(streamed.out).starts_with("\xEF\xBB\xBF"));
        CHECK(test::slurp(streamed.out) == test::slurp(held.out));
    }
}

TEST_CASE("table output: sinks see the project's name when the table has a name column") {
    for (const bool in_memory : {false, true}) {
        EvaluateOptions o = options("");
        o.in_memory = in_memory;
        std::vector<std::string> names;
        evaluate_files(o, national_rules(), [&](const ProjectView& p, const ProjectResult&) { names.emplace_back(p.name); });
        if (in_memory) CHECK(names == std::vector<std::string>{"2023年教师培训项目", "古籍𠀀整理, 二期"});
        else CHECK(names == std::vector<std::string>{"", ""}); // the streaming path keeps names only when asked
        names.clear();
        o.table.names = true;
        evaluate_files(o, national_rules(), [&](const ProjectView& p, const ProjectResult&) { names.emplace_back(p.name); });
        CHECK(names == std::vector<std::string>{"2023年教师培训项目", "古籍𠀀整理, 二期"});
    }
}

TEST_CASE("table output: monitor streams the name and 万元 as its in-memory path does") {
    MonitorOptions o;
    o.files = options(scratch("monitor-streamed.csv"));
    o.files.table.chinese_headers = true;
    o.files.money_unit = MoneyUnit::wan;
    o.as_of = *parse_date("2023-12-31");
    monitor_files(o, national_rules());
    MonitorOptions held = o;
    held.files.out = scratch("monitor-held.csv");
    held.files.in_memory = true;
    monitor_files(held, national_rules());
    const std::string text = test::slurp(o.files.out);
    CHECK(text == test::slurp(held.files.out));
    const auto rows = lines(text);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == "项目编号,项目名称,主管部门,预算数（万元）,执行数（万元）,序时进度,执行率,总体完成率,预警等级,预警原因,处理措施,核减比例,核减金额（万元）");
    CHECK(rows[1].starts_with("W1,2023年教师培训项目,县教育局,0.123450,0.100000,1.0000,0.8100,"));
}

TEST_CASE("table output: a character GBK cannot encode fails the run, names the row, writes nothing") {
    const fs::path out = scratch("gbk.csv");
    fs::remove(out);
    EvaluateOptions o = options(out);
    o.table.encoding = Encoding::gbk;
    o.table.chinese_headers = true;
    try {
        evaluate_files(o, national_rules());
        FAIL("expected an error");
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() == 1);
        const Diagnostic& d = e.diagnostics().front();
        CHECK(d.where.line == 3);
        CHECK(d.en.find("project W2: the character U+20000 cannot be written in GBK") != std::string::npos);
        CHECK(d.zh.find("项目 W2：字符 U+20000 无法以 GBK 编码输出") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("table output: GBK bytes of a row that GBK can hold (review)") {
    // W1 alone: every character of its row has a GBK code.
    const fs::path projects = scratch("gbk-projects.csv"), indicators = scratch("gbk-indicators.csv");
    {
        std::ofstream p(projects, std::ios::binary), i(indicators, std::ios::binary);
        p << "project_id,name,department,budget,spent\nW1,教师培训,县教育局,1234.50,1000.00\n";
        for (const std::string& r : lines(test::slurp(data + "/indicators.csv")))
            if (!r.starts_with("W2,")) i << r << '\n';
    }
    ReviewOptions o;
    o.projects = projects.string();
    o.indicators = indicators.string();
    o.out = scratch("gbk-review.csv").string();
    o.table.encoding = Encoding::gbk;
    review_files(o, national_rules());
    const std::string text = test::slurp(o.out);
    CHECK(text.starts_with("project_id,department,budget,indicators,"));
    CHECK(text.find("\nW1,\xCF\xD8\xBD\xCC\xD3\xFD\xBE\xD6,1234.50,6,") != std::string::npos); // 县教育局 in GBK
}
