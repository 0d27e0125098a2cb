// Tests for CsvReader, ProjectReader, IndicatorReader, read_projects and parse_date.
// Every expectation is written by hand; files are made in a temporary directory.
#include "perfbudget/input.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <iconv.h>
#include <unistd.h>

namespace perfbudget::detail {
// Test hook in csv_reader.cpp: bytes per read (0 restores the default of 1 MiB).
void set_csv_read_size_for_testing(std::size_t bytes);
} // namespace perfbudget::detail

using namespace perfbudget;
namespace fs = std::filesystem;

namespace {

/// A scratch directory for one test, removed afterwards.
struct TempDir {
    fs::path dir;
    TempDir() {
        static int counter = 0;
        dir = fs::temp_directory_path() /
              ("perfbudget_test_input_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
        fs::create_directories(dir);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string write(const std::string& name, const std::string& bytes) const {
        const fs::path p = dir / name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p.string();
    }
};

/// Sets the CSV read size for the scope of a test.
struct ReadSize {
    explicit ReadSize(std::size_t n) { detail::set_csv_read_size_for_testing(n); }
    ~ReadSize() { detail::set_csv_read_size_for_testing(0); }
};

struct Record {
    std::uint32_t line;
    std::vector<std::string> fields;
    bool operator==(const Record&) const = default;
};

std::vector<Record> read_all(const std::string& path, Encoding enc = Encoding::utf8) {
    CsvReader r(path, enc);
    std::vector<Record> out;
    std::vector<std::string_view> f;
    while (r.next(f)) out.push_back({r.line(), std::vector<std::string>(f.begin(), f.end())});
    return out;
}

/// The single diagnostic of an Error thrown by `fn`.
template <class F> std::vector<Diagnostic> errors_of(F fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.diagnostics();
    }
    FAIL("expected perfbudget::Error");
    return {};
}

/// UTF-8 text converted to GBK (as GB18030, which agrees with GBK on Chinese text).
std::string to_gbk(const std::string& utf8) {
    iconv_t cd = ::iconv_open("GB18030", "UTF-8");
    REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
    std::string in = utf8, out(utf8.size() * 2 + 16, '\0');
    char* ip = in.data();
    char* op = out.data();
    std::size_t il = in.size(), ol = out.size();
    const std::size_t r = ::iconv(cd, &ip, &il, &op, &ol);
    ::iconv_close(cd);
    REQUIRE(r != static_cast<std::size_t>(-1));
    out.resize(static_cast<std::size_t>(op - out.data()));
    return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string projects_header = "project_id,name,department,budget,spent\n";
const std::string indicators_header = "project_id,level1,level2,name,direction,target,actual,unit,weight\n";

/// Reads one indicator row (after the standard header); returns the problems.
std::vector<Diagnostic> read_indicator(const std::string& row, Indicator& out, bool& ok) {
    TempDir t;
    const std::string path = t.write("indicators.csv", indicators_header + row + "\n");
    IndicatorReader r(path);
    std::string id;
    std::vector<Diagnostic> problems;
    REQUIRE(r.next(id, out, ok, problems));
    return problems;
}

std::vector<Diagnostic> indicator_problems(const std::string& row) {
    Indicator ind;
    bool ok = true;
    auto p = read_indicator(row, ind, ok);
    CHECK(ok == p.empty());
    return p;
}

} // namespace

// --- CsvReader ------------------------------------------------------------------

TEST_CASE("csv: quoting, escapes, embedded newlines and line numbers") {
    TempDir t;
    const std::string path = t.write("a.csv", "a,b,c\n"
                                              "\"x, y\",\"say \"\"hi\"\"\",plain\n"
                                              "\"two\nlines\",,\"\"\n"
                                              "\n"
                                              "last,\"q\"\"\",\n");
    const auto recs = read_all(path);
    REQUIRE(recs.size() == 5);
    CHECK(recs[0] == Record{1, {"a", "b", "c"}});
    CHECK(recs[1] == Record{2, {"x, y", "say \"hi\"", "plain"}});
    CHECK(recs[2] == Record{3, {"two\nlines", "", ""}});
    CHECK(recs[3] == Record{5, {}}); // blank line: a record with no fields
    CHECK(recs[4] == Record{6, {"last", "q\"", ""}});
}

TEST_CASE("csv: CRLF line ends and a last line without newline") {
    TempDir t;
    const auto recs = read_all(t.write("a.csv", "a,b\r\n1,\"2\"\r\n\"x\r\ny\",3\r\n4,5"));
    REQUIRE(recs.size() == 4);
    CHECK(recs[0] == Record{1, {"a", "b"}});
    CHECK(recs[1] == Record{2, {"1", "2"}});
    CHECK(recs[2] == Record{3, {"x\r\ny", "3"}});
    CHECK(recs[3] == Record{5, {"4", "5"}});

    CHECK(read_all(t.write("b.csv", "x,\"y\"")) == std::vector<Record>{{1, {"x", "y"}}});
    CHECK(read_all(t.write("c.csv", "x,")) == std::vector<Record>{{1, {"x", ""}}});
    CHECK(read_all(t.write("d.csv", "")).empty());
}

TEST_CASE("csv: a UTF-8 BOM is skipped") {
    TempDir t;
    const auto recs = read_all(t.write("a.csv", "\xEF\xBB\xBFproject_id,项目名称\nP1,培训\n"));
    REQUIRE(recs.size() == 2);
    CHECK(recs[0].fields[0] == "project_id");
    CHECK(recs[1] == Record{2, {"P1", "培训"}});
}

TEST_CASE("csv: a BOM is skipped when invalid UTF-8 follows in the same read (found by fuzzing)") {
    TempDir t;
    // Once, the bad byte on line 3 kept the BOM in the header, and the user was
    // told the project_id column was missing.
    const std::string path = t.write("p.csv", "\xEF\xBB\xBFproject_id,name,department,budget,spent\n"
                                              "P1,a,d,1,1\n"
                                              "P2,\xCF\xEE,d,1,1\n");
    const auto d = errors_of([&] {
        ProjectReader r(path);
        Project p;
        bool ok = false;
        std::vector<Diagnostic> problems;
        while (r.next(p, ok, problems)) {
        }
    });
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 3);
    CHECK(contains(d[0].en, "invalid UTF-8 at line 3"));
    // A file that is only a BOM's first two bytes is not a BOM: a cut-off character.
    const auto d2 = errors_of([&] { read_all(t.write("short.csv", "\xEF\xBB")); });
    REQUIRE(d2.size() == 1);
    CHECK(contains(d2[0].en, "invalid UTF-8 at line 1 (byte 0xEF)"));
}

TEST_CASE("csv: UTF-16 files and NUL bytes are named, not read (found by fuzzing)") {
    TempDir t;
    // "id\n" in UTF-16LE with its byte order mark, as Excel's "Unicode text" saves it.
    const std::string utf16(std::string("\xFF\xFEi\0d\0\n\0", 8));
    for (const Encoding e : {Encoding::utf8, Encoding::gbk}) {
        const auto d = errors_of([&] { read_all(t.write("u16.csv", utf16), e); });
        REQUIRE(d.size() == 1);
        CHECK(d[0].where.line == 1);
        CHECK(contains(d[0].en, "the file is UTF-16 text (it starts with the bytes 0xFF 0xFE)"));
        CHECK(contains(d[0].zh, "UTF-16 编码"));
    }
    // A NUL inside a field, after good records: named at its line, in both encodings.
    const std::string nul = std::string("a,b\n1,2\nx,\xE5\x8E\xBF", 13) + std::string(1, '\0') + "y\n";
    const auto d = errors_of([&] { read_all(t.write("nul.csv", nul)); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 3);
    CHECK(contains(d[0].en, "a NUL byte (0x00) at line 3"));
    const auto g = errors_of([&] { read_all(t.write("nul-gbk.csv", std::string("a,b\n1,2\nx,", 10) + std::string(1, '\0') + "\n"), Encoding::gbk); });
    REQUIRE(g.size() == 1);
    CHECK(g[0].where.line == 3);
    // Every read size: the cut lands on the same line.
    for (std::size_t n = 1; n <= 12; ++n) {
        ReadSize rs(n);
        CAPTURE(n);
        const auto dn = errors_of([&] { read_all(t.write("nul.csv", nul)); });
        REQUIRE(dn.size() == 1);
        CHECK(dn[0].where.line == 3);
    }
}

TEST_CASE("csv: the same records whatever the read size") {
    TempDir t;
    const std::string text = "\xEF\xBB\xBFid,名称,\"备\"\"注\"\r\n"
                             "P1,\"培训\n人次\",\"a,b\"\r\n"
                             "\r\n"
                             "P2,满意度,\"\"\"\"\n"
                             "P3,,\"长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长\"\n"
                             "P4,\"end\"";
    const std::string path = t.write("a.csv", text);
    const std::vector<Record> expected = {
        {1, {"id", "名称", "备\"注"}},
        {2, {"P1", "培训\n人次", "a,b"}},
        {4, {}},
        {5, {"P2", "满意度", "\""}},
        {6, {"P3", "", "长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长"}},
        {7, {"P4", "end"}},
    };
    CHECK(read_all(path) == expected);
    for (std::size_t n = 1; n <= 40; ++n) {
        ReadSize rs(n);
        CAPTURE(n);
        CHECK(read_all(path) == expected);
    }
}

TEST_CASE("csv: record() is the last record's bytes, holding every field but an unescaped one") {
    TempDir t;
    const std::string path = t.write("record.csv", "\xEF\xBB\xBF" "a,\"b\nc\",d\r\n\"x\"\"y\",中,\n\nlast");
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) { // 0: the default read size
        ReadSize rs(n);
        CAPTURE(n);
        CsvReader r(path);
        std::vector<std::string_view> f;
        const auto within = [&](std::string_view v) {
            const std::string_view rec = r.record();
            return !v.empty() && v.data() >= rec.data() && v.data() + v.size() <= rec.data() + rec.size();
        };
        REQUIRE(r.next(f));
        CHECK(r.record() == "a,\"b\nc\",d\r\n"); // after the byte order mark, with its line end
        REQUIRE(f.size() == 3);
        CHECK((within(f[0]) && within(f[1]) && within(f[2])));
        REQUIRE(r.next(f));
        CHECK(r.record() == "\"x\"\"y\",中,\n");
        REQUIRE(f.size() == 3);
        CHECK(f[0] == "x\"y");
        CHECK_FALSE(within(f[0])); // unescaped apart from the record
        CHECK(within(f[1]));
        REQUIRE(r.next(f)); // a blank line: no fields
        CHECK(r.record() == "\n");
        REQUIRE(r.next(f));
        CHECK(r.record() == "last"); // no line end at the end of the file
        CHECK(within(f[0]));
        CHECK_FALSE(r.next(f));
    }
}

TEST_CASE("csv: invalid UTF-8 names its line, after the good records") {
    TempDir t;
    // "项目" in GBK on line 3, read as UTF-8.
    const std::string path = t.write("gbk.csv", "a,b\n1,2\nx,\xCF\xEE\xC4\xBF\n");
    CsvReader r(path);
    std::vector<std::string_view> f;
    REQUIRE(r.next(f));
    REQUIRE(r.next(f));
    CHECK(f[1] == "2");
    const auto d = errors_of([&] { r.next(f); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.file == path);
    CHECK(d[0].where.line == 3);
    CHECK(contains(d[0].en, "invalid UTF-8 at line 3"));
    CHECK(contains(d[0].zh, "第 3 行"));

    // Overlong, surrogate, truncated at end of file; also past the 32-byte vector path.
    const std::string pad(100, 'a');
    for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE4\xB8", "\xFF", "\x80"}) {
        const std::string p2 = t.write("bad.csv", pad + "\n" + pad + "中" + bad);
        const auto d2 = errors_of([&] { read_all(p2); });
        REQUIRE(d2.size() == 1);
        CHECK(d2[0].where.line == 2);
    }
    // Valid 4-byte and boundary characters pass.
    CHECK(read_all(t.write("ok.csv", pad + "\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\xED\x9F\xBF\xC2\x80" + pad)).size() == 1);
}

TEST_CASE("csv: a record over 64 MiB is refused at its line, quoted or not (docs/limits.md)") {
    TempDir t;
    const std::string big((std::size_t{64} << 20) + 1, 'x');
    auto d = errors_of([&] { read_all(t.write("long.csv", "a,b\n1," + big + "\n")); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 2);
    CHECK(d[0].en == "record at line 2 is longer than 64 MiB");
    // An unterminated quote near the top: the field would run to the end of the file.
    d = errors_of([&] { read_all(t.write("quote.csv", "a,b\n1,\"" + big + "\n")); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].en == "unterminated quoted field starting at line 2");
}

TEST_CASE("csv: unterminated quote names the line where the field started") {
    TempDir t;
    const auto d = errors_of([&] { read_all(t.write("a.csv", "a,b\n1,\"open\n2,3\n4,5\n")); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 2);
    CHECK(contains(d[0].en, "unterminated quoted field starting at line 2"));
}

TEST_CASE("csv: stray quotes and lone CR are errors") {
    TempDir t;
    auto d = errors_of([&] { read_all(t.write("a.csv", "a,b\n1,2\"3\n")); });
    CHECK(d.at(0).where.line == 2);
    CHECK(contains(d.at(0).en, "quote inside an unquoted field"));

    d = errors_of([&] { read_all(t.write("b.csv", "a,b\n\"1\"x,2\n")); });
    CHECK(d.at(0).where.line == 2);
    CHECK(contains(d.at(0).en, "after a closing quote"));

    d = errors_of([&] { read_all(t.write("c.csv", "a,b\r1,2\n")); });
    CHECK(d.at(0).where.line == 1);
    CHECK(contains(d.at(0).en, "carriage return"));
}

TEST_CASE("csv: a missing file is an error naming it") {
    const auto d = errors_of([] { CsvReader r("/nonexistent/projects.csv"); });
    CHECK(d.at(0).where.file == "/nonexistent/projects.csv");
    CHECK(contains(d.at(0).en, "cannot open"));
}

TEST_CASE("csv: GBK is converted to UTF-8") {
    TempDir t;
    // 项目,名称 / P1,培训 in GBK; CRLF as Excel writes it.
    const std::string path = t.write("gbk.csv", "\xCF\xEE\xC4\xBF,\xC3\xFB\xB3\xC6\r\nP1,\xC5\xE0\xD1\xB5\r\n");
    const auto recs = read_all(path, Encoding::gbk);
    REQUIRE(recs.size() == 2);
    CHECK(recs[0] == Record{1, {"项目", "名称"}});
    CHECK(recs[1] == Record{2, {"P1", "培训"}});

    // A character split across reads, at every read size.
    for (std::size_t n = 1; n <= 9; ++n) {
        ReadSize rs(n);
        CAPTURE(n);
        CHECK(read_all(path, Encoding::gbk) == recs);
    }
}

TEST_CASE("csv: GBK across the default 1 MiB buffer boundary") {
    TempDir t;
    // Rows of "P,项目" (1 + 1 + 4 + 1 bytes in GBK) put characters on both sides of
    // 1 MiB with an odd offset, so one of them is split between two reads.
    std::string gbk = "a\n"; // odd start shifts every character by one byte
    const std::string row = "P,\xCF\xEE\xC4\xBF\n";
    while (gbk.size() < (std::size_t{3} << 20)) gbk += row;
    const std::string path = t.write("big.csv", gbk);
    CsvReader r(path, Encoding::gbk);
    std::vector<std::string_view> f;
    REQUIRE(r.next(f));
    std::size_t rows = 0;
    bool all_good = true;
    while (r.next(f)) {
        ++rows;
        all_good = all_good && f.size() == 2 && f[1] == "项目";
    }
    CHECK(all_good);
    CHECK(rows == (gbk.size() - 2) / row.size());
    CHECK(r.line() == rows + 1);
}

TEST_CASE("csv: invalid GBK names its line") {
    TempDir t;
    // 0xFF is never a GBK lead byte.
    const std::string path = t.write("gbk.csv", "a\nb\n\xCF\xEE\xFF\n");
    const auto d = errors_of([&] { read_all(path, Encoding::gbk); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.line == 3);
    CHECK(contains(d[0].en, "invalid GBK at line 3"));
    // A lead byte cut off at the end of the file.
    const auto d2 = errors_of([&] { read_all(t.write("cut.csv", "a\nb\xCF"), Encoding::gbk); });
    CHECK(d2.at(0).where.line == 2);
}

// --- parse_date -----------------------------------------------------------------

TEST_CASE("parse_date: strict YYYY-MM-DD, real calendar days") {
    CHECK(parse_date("2023-10-31") == make_date(2023, 10, 31));
    CHECK(parse_date("2024-02-29") == make_date(2024, 2, 29));
    CHECK(parse_date("2000-02-29") == make_date(2000, 2, 29));
    CHECK_FALSE(parse_date("2023-02-29"));
    CHECK_FALSE(parse_date("1900-02-29"));
    CHECK_FALSE(parse_date("2023-04-31"));
    CHECK_FALSE(parse_date("2023-13-01"));
    CHECK_FALSE(parse_date("2023-00-10"));
    CHECK_FALSE(parse_date("2023-01-00"));
    CHECK_FALSE(parse_date("2024-1-5"));
    CHECK_FALSE(parse_date("20240105"));
    CHECK_FALSE(parse_date("2024/01/05"));
    CHECK_FALSE(parse_date(" 2024-01-05"));
    CHECK_FALSE(parse_date("0999-01-01"));
    CHECK_FALSE(parse_date(""));
}

TEST_CASE("csv: a pipe is read from its first byte (soak benchmark: `--projects <(gen …)`)") {
    // Once, the .xls and .xlsx sniffing opened the path again and read its first
    // bytes: from a pipe they were gone, and the header was "invalid UTF-8".
    const std::string text = "project_id,name,department,budget,spent\nP1,a,d,1.00,1.00\nP2,b,d,2.00,1.00\n";
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size())); // fits the pipe's buffer
    ::close(fds[1]);
    {
        ProjectReader r("/dev/fd/" + std::to_string(fds[0]));
        Project p;
        bool ok = false;
        std::vector<Diagnostic> problems;
        std::vector<std::string> ids;
        while (r.next(p, ok, problems)) {
            CHECK(ok);
            ids.push_back(p.id);
        }
        CHECK(problems.empty());
        CHECK(ids == std::vector<std::string>{"P1", "P2"});
    }
    ::close(fds[0]);
}

// --- ProjectReader --------------------------------------------------------------

TEST_CASE("projects: Chinese headers in any order, defaults, unknown column notice") {
    TempDir t;
    const std::string path = t.write(
        "projects.csv", "\xEF\xBB\xBF预算单位,项目编号,备注,全年预算数,执行数,项目名称,资金来源,预算类型,预算年度\n"
                        "县教育局,P001,无,1000000.00,812345.67,教师培训,上级专项转移支付,政府性基金预算,2023\n"
                        " 县水利局 ,P002,,5000,0,,,,\n");
    ProjectReader r(path);
    REQUIRE(r.notices().size() == 1);
    CHECK(r.notices()[0].severity == Diagnostic::Severity::notice);
    CHECK(contains(r.notices()[0].en, "\"备注\" is not used"));

    Project p;
    bool ok = false;
    std::vector<Diagnostic> problems;
    REQUIRE(r.next(p, ok, problems));
    CHECK(ok);
    CHECK(problems.empty());
    CHECK(p.id == "P001");
    CHECK(p.name == "教师培训");
    CHECK(p.department == "县教育局");
    CHECK(p.budget.fen() == 100000000);
    CHECK(p.spent.fen() == 81234567);
    CHECK(p.fund_source == FundSource::transfer);
    CHECK(p.budget_kind == BudgetKind::gov_fund);
    CHECK(p.year == 2023);
    CHECK(p.source_line == 2);

    REQUIRE(r.next(p, ok, problems));
    CHECK_FALSE(ok); // empty name
    REQUIRE(problems.size() == 1);
    CHECK(contains(problems[0].en, "column \"项目名称\""));
    CHECK(p.department == "县水利局"); // trimmed
    CHECK(p.budget_kind == BudgetKind::general);
    CHECK(p.fund_source == FundSource::local);
    CHECK_FALSE(p.year);
    CHECK_FALSE(r.next(p, ok, problems));
}

TEST_CASE("projects: missing and repeated columns") {
    TempDir t;
    auto d = errors_of([&] { ProjectReader r(t.write("p.csv", "project_id,name,department,spent\n")); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].where.file == (t.dir / "p.csv").string());
    CHECK(d[0].en == "missing required column \"budget\" (全年预算数、预算数、调整后预算数)");
    CHECK(d[0].zh == "缺少必需的列“全年预算数、预算数、调整后预算数”（budget）");

    d = errors_of([&] { ProjectReader r(t.write("q.csv", "project_id,name,department,budget,预算数,spent\n")); });
    REQUIRE(d.size() == 1);
    CHECK(contains(d[0].en, "column \"预算数\" repeats column \"budget\""));

    d = errors_of([&] { ProjectReader r(t.write("e.csv", "")); });
    CHECK(contains(d.at(0).en, "empty"));
}

TEST_CASE("projects: bad money, negative amounts and years") {
    TempDir t;
    const std::string path = t.write("projects.csv", projects_header + "P1,a,d,\"1,00\",1.005\n"
                                                                       "P2,a,d,-5,10\n"
                                                                       "P3,a,d,1e5,10\n");
    ProjectReader r(path);
    Project p;
    bool ok = true;
    std::vector<Diagnostic> problems;
    REQUIRE(r.next(p, ok, problems));
    CHECK_FALSE(ok);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].where.line == 2);
    CHECK(
        problems[0].en ==
        "column \"budget\": \"1,00\" — expected thousands separators that group three digits, as in 1,234,567.89");
    CHECK(problems[0].to_string(Lang::en) == path + ":2: error: " + problems[0].en);
    CHECK(problems[1].en == "column \"spent\": \"1.005\" — expected at most 2 decimal places (yuan and fen)");

    problems.clear();
    REQUIRE(r.next(p, ok, problems));
    CHECK_FALSE(ok);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].en == "column \"budget\": \"-5\" — expected an amount of 0 or more");

    problems.clear();
    REQUIRE(r.next(p, ok, problems));
    CHECK(contains(problems.at(0).en, "\"1e5\""));

    TempDir t2;
    ProjectReader y(t2.write("y.csv", "project_id,name,department,budget,spent,year\nP1,a,d,1,1,23\n"));
    problems.clear();
    REQUIRE(y.next(p, ok, problems));
    CHECK(problems.at(0).en == "column \"year\": \"23\" — expected a 4-digit year such as 2023");

    // Ten digits and more once overflowed an int while being read (found by fuzzing).
    TempDir t3;
    ProjectReader z(t3.write("z.csv", "project_id,name,department,budget,spent,year\nP1,a,d,1,1,5999999998000\n"));
    problems.clear();
    REQUIRE(z.next(p, ok, problems));
    CHECK_FALSE(ok);
    CHECK(problems.at(0).en == "column \"year\": \"5999999998000\" — expected a 4-digit year such as 2023");

    // Characters nobody can see are written out in the message (found by fuzzing).
    TempDir t4;
    ProjectReader v(t4.write("v.csv", "project_id,name,department,budget,spent\nP1,a,d,100\xC2\xA0,1x\x01\n"));
    problems.clear();
    REQUIRE(v.next(p, ok, problems));
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].en == "column \"budget\": \"100<U+00A0 no-break space>\" — expected a plain decimal number such as 1234.56 or 95%");
    CHECK(contains(problems[1].en, "\"1x<0x01>\""));
}

// --- IndicatorReader ------------------------------------------------------------

TEST_CASE("indicators: Chinese headers and values in any order") {
    TempDir t;
    const std::string path =
        t.write("indicators.csv", "三级指标,项目编号,一级指标,二级指标,指标性质,年度指标值,实际完成值,计量单位,分值,"
                                  "完成目标可能性,上年实际完成值\n"
                                  "培训人次,P1,产出指标,数量指标,≥,1200,1000,人次,20,确定能,1100\n"
                                  "满意度,P1,满意度指标,服务对象满意度,正向,90%,85%,%,10,,\n"
                                  "完成时间,P1,产出,时效,时效（日期）,2023-10-31,2023-12-15,,10,,\n"
                                  "验收,P1,效益,社会效益,定性,按期通过验收,B:75%,,5,,\n"
                                  "长效,P1,效益指标,可持续影响指标,定性,,部分达成年度指标并具有一定效果：70%,,5,,\n"
                                  "成本,P1,产出指标,成本指标,反向,500,,元,,有可能,\n");
    IndicatorReader r(path);
    CHECK(r.notices().empty());
    std::string id;
    Indicator ind;
    bool ok = false;
    std::vector<Diagnostic> problems;

    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ok);
    CHECK(id == "P1");
    CHECK(ind.name == "培训人次");
    CHECK(ind.level1 == Level1::output);
    CHECK(ind.level2 == Level2::quantity);
    CHECK(ind.direction == Direction::ge);
    CHECK(std::get<Decimal>(ind.target) == Decimal::whole(1200));
    CHECK(std::get<Decimal>(ind.actual) == Decimal::whole(1000));
    CHECK(ind.unit == "人次");
    CHECK(ind.weight == Decimal::whole(20));
    CHECK(ind.likelihood == std::uint8_t{0});
    CHECK(std::get<Decimal>(ind.last_year_actual) == Decimal::whole(1100));
    CHECK(ind.source_line == 2);

    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ok);
    CHECK(ind.level1 == Level1::satisfaction);
    CHECK(ind.level2 == Level2::satisfaction);
    CHECK(std::get<Decimal>(ind.target) == Decimal::from_units(900'000));
    CHECK(std::get<Decimal>(ind.actual) == Decimal::from_units(850'000));
    CHECK_FALSE(ind.likelihood);
    CHECK(std::holds_alternative<std::monostate>(ind.last_year_actual));

    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ok);
    CHECK(ind.direction == Direction::date);
    CHECK(std::get<Date>(ind.target) == make_date(2023, 10, 31));
    CHECK(std::get<Date>(ind.actual) == make_date(2023, 12, 15));

    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ok);
    CHECK(ind.direction == Direction::qual);
    CHECK(std::holds_alternative<std::monostate>(ind.target)); // qual target is free text
    CHECK(std::get<QualRating>(ind.actual) == QualRating{Tier::B, Decimal::from_units(750'000)});

    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ok);
    CHECK(ind.level2 == Level2::sustainable);
    CHECK(std::get<QualRating>(ind.actual) == QualRating{Tier::B, Decimal::from_units(700'000)});

    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ok);
    CHECK(ind.direction == Direction::le);
    CHECK(std::holds_alternative<std::monostate>(ind.actual)); // empty actual
    CHECK_FALSE(ind.weight);                                   // empty weight
    CHECK(ind.likelihood == std::uint8_t{1});
    CHECK(problems.empty());
    CHECK_FALSE(r.next(id, ind, ok, problems));
}

TEST_CASE("indicators: every choice word is read exactly, and any one byte changed is refused") {
    // Words are compared packed into two words, read by loads that overlap (lengths
    // 1–3, 4–7, 8 and 9–16 take different paths): each level-2 word under its
    // level-1 word, each direction, and each with one byte changed anywhere, or one
    // byte more or less.
    const auto read = [](const std::string& level1, const std::string& level2, const std::string& direction) {
        TempDir t;
        IndicatorReader r(t.write("i.csv", "project_id,level1,level2,name,direction,target\nP1," + level1 + "," + level2 +
                                               ",c," + direction + ",5\n"));
        std::string id;
        Indicator ind;
        bool ok = false;
        std::vector<Diagnostic> problems;
        REQUIRE(r.next(id, ind, ok, problems));
        return std::tuple(ok, ind.level1, ind.level2, ind.direction);
    };
    const auto variants = [](const std::string& word) {
        std::vector<std::string> out = {word + "s", word.substr(1), word.substr(0, word.size() - 1)};
        for (std::size_t i = 0; i < word.size(); ++i) {
            std::string w = word;
            w[i] = static_cast<char>(w[i] ^ 0x20); // the same letter in the other case
            out.push_back(w);
        }
        return out;
    };
    for (std::size_t k = 0; k < names::level2.size(); ++k) {
        const auto level2 = static_cast<Level2>(k);
        const std::string l1(names::level1[static_cast<std::size_t>(parent_of(level2))]), l2(names::level2[k]);
        CAPTURE(l2);
        CHECK(read(l1, l2, "ge") == std::tuple(true, parent_of(level2), level2, Direction::ge));
        for (const std::string& w : variants(l2)) {
            CAPTURE(w);
            CHECK_FALSE(std::get<0>(read(l1, w, "ge")));
        }
        for (const std::string& w : variants(l1)) {
            CAPTURE(w);
            CHECK_FALSE(std::get<0>(read(w, l2, "ge")));
        }
    }
    for (std::size_t k = 0; k < names::direction.size(); ++k) {
        const std::string d(names::direction[k]);
        CAPTURE(d);
        CHECK(std::get<3>(read("output", "quantity", d)) == static_cast<Direction>(k));
        for (const std::string& w : variants(d)) {
            CAPTURE(w);
            CHECK_FALSE(std::get<0>(read("output", "quantity", w)));
        }
    }
}

TEST_CASE("indicators: actual and weight columns are optional, target is required") {
    TempDir t;
    IndicatorReader r(t.write("i.csv", "project_id,level1,level2,name,direction,target\nP1,output,cost,c,le,5\n"));
    std::string id;
    Indicator ind;
    bool ok = false;
    std::vector<Diagnostic> problems;
    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ok);
    CHECK(std::holds_alternative<std::monostate>(ind.actual));
    CHECK_FALSE(ind.weight);

    const auto d = errors_of([&] { IndicatorReader x(t.write("j.csv", "project_id,level1,level2,name,direction\n")); });
    REQUIRE(d.size() == 1);
    CHECK(d[0].en == "missing required column \"target\" (年度指标值、指标值)");
}

TEST_CASE("indicators: each class of bad value is reported with column, value and expectation") {
    SUBCASE("thousands separator") {
        // Grouped by three they are read (test_spreadsheet_forms.cpp); otherwise not.
        const auto p = indicator_problems("P1,output,quantity,n,ge,\"1,2000\",1000,人,20");
        REQUIRE(p.size() == 1);
        CHECK(p[0].where.line == 2);
        CHECK(p[0].en == "column \"target\": \"1,2000\" — expected thousands separators that group three digits, "
                         "as in 1,234,567.89");
        CHECK(p[0].zh == "列“target”的值“1,2000”有误：千分位分隔符应每三位一组，如 1,234,567.89");
    }
    SUBCASE("7 decimals") {
        const auto p = indicator_problems("P1,output,quantity,n,ge,1.1234567,1,人,20");
        REQUIRE(p.size() == 1);
        CHECK(p[0].en == "column \"target\": \"1.1234567\" — expected at most 6 decimal places");
    }
    SUBCASE("6 decimals and percent are fine") {
        Indicator ind;
        bool ok = false;
        CHECK(read_indicator("P1,output,quantity,n,ge,1.123456,1,人,20", ind, ok).empty());
        CHECK(std::get<Decimal>(ind.target) == Decimal::from_units(1'123'456));
        CHECK(read_indicator("P1,output,quantity,n,ge,10%,12.3456%,人,20", ind, ok).empty());
        CHECK(std::get<Decimal>(ind.actual) == Decimal::from_units(123'456));
    }
    SUBCASE("bad date") {
        const auto p = indicator_problems("P1,output,timeliness,n,date,2023-02-29,2024-1-32,,10");
        REQUIRE(p.size() == 2);
        CHECK(p[0].en == "column \"target\": \"2023-02-29\" — expected a date that exists in the calendar, written "
                         "2023-10-31, 2023/10/31, 2023.10.31 or 2023年10月31日");
        CHECK(contains(p[1].en, "column \"actual\": \"2024-1-32\""));
    }
    SUBCASE("bad tier and bad percentage") {
        auto p = indicator_problems("P1,output,quality,n,qual,,D,,10");
        REQUIRE(p.size() == 1);
        CHECK(contains(p[0].en, "column \"actual\": \"D\" — expected a tier A, B or C"));
        p = indicator_problems("P1,output,quality,n,qual,,B:175%,,10");
        REQUIRE(p.size() == 1);
        p = indicator_problems("P1,output,quality,n,qual,,B:x,,10");
        REQUIRE(p.size() == 1);
    }
    SUBCASE("tier with full-width colon and plain tier") {
        Indicator ind;
        bool ok = false;
        CHECK(read_indicator("P1,output,quality,n,qual,,C：30%,,10", ind, ok).empty());
        CHECK(std::get<QualRating>(ind.actual) == QualRating{Tier::C, Decimal::from_units(300'000)});
        CHECK(read_indicator("P1,output,quality,n,qual,,A,,10", ind, ok).empty());
        CHECK(std::get<QualRating>(ind.actual) == QualRating{Tier::A, std::nullopt});
    }
    SUBCASE("level2 not under level1") {
        const auto p = indicator_problems("P1,output,经济效益,n,ge,1,1,,10");
        REQUIRE(p.size() == 1);
        CHECK(p[0].en == "column \"level2\": \"经济效益\" — expected a level-2 indicator under output (产出指标): "
                         "quantity, quality, timeliness, cost");
    }
    SUBCASE("unknown enum values") {
        const auto p = indicator_problems("P1,outcome,quantity,n,bigger,1,1,,10");
        REQUIRE(p.size() == 2);
        CHECK(p[0].en == "column \"level1\": \"outcome\" — expected one of output, benefit, satisfaction "
                         "(or 产出指标, 效益指标, 满意度指标)");
        CHECK(contains(p[1].en, "column \"direction\": \"bigger\" — expected one of ge, le, eq, qual, date"));
    }
    SUBCASE("weight") {
        auto p = indicator_problems("P1,output,quantity,n,ge,1,1,,-2");
        REQUIRE(p.size() == 1);
        CHECK(p[0].en == "column \"weight\": \"-2\" — expected points of 0 or more");
        p = indicator_problems("P1,output,quantity,n,ge,1,1,,10%");
        REQUIRE(p.size() == 1);
        CHECK(p[0].en == "column \"weight\": \"10%\" — expected points as a plain number such as 20 (not 20%)");
    }
    SUBCASE("empty project id and too many cells") {
        const auto p = indicator_problems(",output,quantity,n,ge,1,1,,10,extra");
        REQUIRE(p.size() == 2);
        CHECK(p[0].en == "the row has 10 cells but the header has 9");
        CHECK(contains(p[1].en, "column \"project_id\""));
    }
    SUBCASE("trailing empty cells beyond the header are fine") {
        CHECK(indicator_problems("P1,output,quantity,n,ge,1,1,,10,,").empty());
    }
}

TEST_CASE("indicators: a percentage unit makes bare numbers percentages; a mix without one is an error") {
    const std::string why_en = " — one is written with % and the other is not, and the unit is not a percentage: "
                               "write both with % or neither, or set the unit to %";
    SUBCASE("target 100, actual 86.7%: not 0.867 of 100") {
        const auto p = indicator_problems("P1,output,quantity,n,ge,100,86.7%,人次,20");
        REQUIRE(p.size() == 1);
        CHECK(p[0].where.line == 2);
        CHECK(p[0].where.file.ends_with("indicators.csv"));
        CHECK(p[0].en == "column \"target\": \"100\" and column \"actual\": \"86.7%\"" + why_en);
        CHECK(p[0].zh == "列“target”的值“100”与列“actual”的值“86.7%”矛盾：一个带 %、另一个不带，且计量单位不是百分比："
                         "请都带 % 或都不带，或将计量单位写为 %");
    }
    SUBCASE("target 95%, actual 96, no unit: not 96 / 0.95") {
        const auto p = indicator_problems("P1,output,quality,n,ge,95%,96,,20");
        REQUIRE(p.size() == 1);
        CHECK(p[0].en == "column \"target\": \"95%\" and column \"actual\": \"96\"" + why_en);
    }
    SUBCASE("le and eq too") {
        CHECK(indicator_problems("P1,output,cost,n,le,500,5%,元,10").size() == 1);
        CHECK(indicator_problems("P1,output,cost,n,eq,5%,5,元,10").size() == 1);
    }
    SUBCASE("a bad value is reported once, not also as a mix") {
        const auto p = indicator_problems("P1,output,quantity,n,ge,1.2.3,5%,人,10");
        REQUIRE(p.size() == 1);
        CHECK(contains(p[0].en, "column \"target\": \"1.2.3\" — expected"));
    }
    SUBCASE("unit %: bare and written percentages agree") {
        Indicator ind;
        bool ok = false;
        CHECK(read_indicator("P1,output,quality,n,ge,95,86.7,%,10", ind, ok).empty());
        CHECK(ok);
        CHECK(std::get<Decimal>(ind.target) == Decimal::from_units(950'000)); // 0.95
        CHECK(std::get<Decimal>(ind.actual) == Decimal::from_units(867'000)); // 0.867
        CHECK(read_indicator("P1,output,quality,n,ge,86.7%,86.7,%,10", ind, ok).empty());
        CHECK(std::get<Decimal>(ind.target) == Decimal::from_units(867'000));
        CHECK(std::get<Decimal>(ind.actual) == Decimal::from_units(867'000));
        CHECK(read_indicator("P1,output,quality,n,ge,12.3456,100,%,10", ind, ok).empty());
        CHECK(std::get<Decimal>(ind.target) == Decimal::from_units(123'456)); // 6 decimals after the shift
        CHECK(std::get<Decimal>(ind.actual) == Decimal::whole(1));
    }
    SUBCASE("units ％ and 百分比 are percentages too") {
        Indicator ind;
        bool ok = false;
        CHECK(read_indicator("P1,output,quality,n,ge,90,85%,百分比,10", ind, ok).empty());
        CHECK(std::get<Decimal>(ind.target) == Decimal::from_units(900'000));
        CHECK(std::get<Decimal>(ind.actual) == Decimal::from_units(850'000));
        CHECK(read_indicator("P1,output,quality,n,ge,90%,85,％,10", ind, ok).empty());
        CHECK(std::get<Decimal>(ind.target) == Decimal::from_units(900'000));
        CHECK(std::get<Decimal>(ind.actual) == Decimal::from_units(850'000));
    }
    SUBCASE("unit %: 7 decimals after the shift are too many") {
        const auto p = indicator_problems("P1,output,quality,n,ge,12.34567,100,%,10");
        REQUIRE(p.size() == 1);
        CHECK(p[0].en == "column \"target\": \"12.34567\" — expected at most 6 decimal places");
    }
    SUBCASE("expected and last_year_actual follow the target (or the actual when there is no target)") {
        TempDir t;
        IndicatorReader r(t.write("i.csv", "project_id,level1,level2,name,direction,target,actual,unit,weight,expected,"
                                           "last_year_actual\n"
                                           "P1,output,quantity,n,ge,100,90,人,20,95%,80\n"
                                           "P1,output,quantity,n,ge,,90%,人,20,,80\n"
                                           "P1,output,quantity,n,ge,100%,90%,,20,95%,80%\n"
                                           "P1,output,quantity,n,ge,100,90,%,20,95%,80\n"));
        std::string id;
        Indicator ind;
        bool ok = true;
        std::vector<Diagnostic> problems;
        REQUIRE(r.next(id, ind, ok, problems));
        CHECK_FALSE(ok);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].en == "column \"target\": \"100\" and column \"expected\": \"95%\"" + why_en);
        problems.clear();
        REQUIRE(r.next(id, ind, ok, problems));
        CHECK_FALSE(ok);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].where.line == 3);
        CHECK(problems[0].en == "column \"actual\": \"90%\" and column \"last_year_actual\": \"80\"" + why_en);
        problems.clear();
        REQUIRE(r.next(id, ind, ok, problems)); // all with %
        CHECK(ok);
        CHECK(std::get<Decimal>(ind.expected) == Decimal::from_units(950'000));
        REQUIRE(r.next(id, ind, ok, problems)); // unit %: 80 is 80%
        CHECK(ok);
        CHECK(std::get<Decimal>(ind.expected) == Decimal::from_units(950'000));
        CHECK(std::get<Decimal>(ind.last_year_actual) == Decimal::from_units(800'000));
        CHECK(problems.empty());
    }
}

TEST_CASE("indicators: weights have at most 2 decimals, the resolution of a score") {
    // 12.857 points at 99.99% would score round(12.8557143, 2) = 12.86, more than the weight.
    auto p = indicator_problems("P1,output,quantity,n,ge,1,1,,12.857");
    REQUIRE(p.size() == 1);
    CHECK(p[0].where.line == 2);
    CHECK(p[0].en == "column \"weight\": \"12.857\" — expected points with at most 2 decimals, the resolution of a "
                     "score (such as 12.86)");
    CHECK(p[0].zh == "列“weight”的值“12.857”有误：分值最多两位小数（得分的精度），如 12.86");
    CHECK(indicator_problems("P1,output,quantity,n,ge,1,1,,0.009").size() == 1);
    CHECK(indicator_problems("P1,output,quantity,n,ge,1,1,,12.860").empty()); // a trailing zero adds nothing
    Indicator ind;
    bool ok = false;
    CHECK(read_indicator("P1,output,quantity,n,ge,1,1,,12.86", ind, ok).empty());
    CHECK(ind.weight == Decimal::from_units(12'860'000));
}

TEST_CASE("indicators: blank lines and all-empty rows are skipped") {
    TempDir t;
    IndicatorReader r(t.write("i.csv", "\n" + indicators_header + "\n,,,,,,,,\r\nP1,output,quantity,n,ge,1,1,,10\n\n"));
    std::string id;
    Indicator ind;
    bool ok = false;
    std::vector<Diagnostic> problems;
    REQUIRE(r.next(id, ind, ok, problems));
    CHECK(ind.source_line == 5);
    CHECK_FALSE(r.next(id, ind, ok, problems));
}

TEST_CASE("read_projects: GBK files with Chinese headers and values") {
    TempDir t;
    const std::string p = t.write("projects.csv", to_gbk("项目编号,项目名称,预算单位,全年预算数,执行数\r\n"
                                                         "P1,教师培训,县教育局,1000000.00,812345.67\r\n"));
    const std::string i =
        t.write("indicators.csv", to_gbk("项目编号,一级指标,二级指标,三级指标,指标方向,年度指标值,实际完成值,分值\r\n"
                                         "P1,产出指标,数量指标,培训人次,正向,1200,1000,20\r\n"
                                         "P1,效益指标,社会效益指标,验收,定性,,达成年度指标,10\r\n"));
    const auto projects = read_projects(p, i, Encoding::gbk);
    REQUIRE(projects.size() == 1);
    CHECK(projects[0].name == "教师培训");
    CHECK(projects[0].department == "县教育局");
    REQUIRE(projects[0].indicators.size() == 2);
    CHECK(projects[0].indicators[0].name == "培训人次");
    CHECK(std::get<QualRating>(projects[0].indicators[1].actual) == QualRating{Tier::A, std::nullopt});
    // The same GBK file read as UTF-8 is refused, naming the line.
    const auto d = errors_of([&] { read_projects(p, i); });
    CHECK(d.at(0).where.line == 1);
    CHECK(contains(d.at(0).en, "invalid UTF-8 at line 1"));
}

// --- read_projects --------------------------------------------------------------

TEST_CASE("read_projects: joins indicators to projects in file order") {
    TempDir t;
    const std::string p = t.write("projects.csv", projects_header + "P2,b,d,100,50\nP1,a,d,200,100\n");
    const std::string i = t.write("indicators.csv", indicators_header + "P1,output,quantity,x,ge,1,1,,50\n"
                                                                        "P2,output,quantity,y,ge,1,1,,50\n"
                                                                        "P1,benefit,social,z,ge,1,1,,40\n");
    const auto projects = read_projects(p, i);
    REQUIRE(projects.size() == 2);
    CHECK(projects[0].id == "P2");
    CHECK(projects[0].source_line == 2);
    REQUIRE(projects[0].indicators.size() == 1);
    CHECK(projects[0].indicators[0].name == "y");
    CHECK(projects[1].id == "P1");
    REQUIRE(projects[1].indicators.size() == 2);
    CHECK(projects[1].indicators[0].name == "x");
    CHECK(projects[1].indicators[1].name == "z");
    CHECK(projects[1].indicators[1].source_line == 4);
}

TEST_CASE("read_projects: duplicates, unknown projects and bad values are all listed") {
    TempDir t;
    const std::string p = t.write("projects.csv", "project_id,name,department,budget,spent,note\n"
                                                  "P1,a,d,100,50,\nP1,b,d,100,50,\nP2,c,d,x,1,\n");
    const std::string i = t.write("indicators.csv", indicators_header + "P1,output,quantity,x,ge,1,1,,50\n"
                                                                        "P9,output,quantity,y,ge,1,1,,50\n"
                                                                        "P1,output,quantity,z,ge,1.5.1,1,,50\n");
    const auto d = errors_of([&] { read_projects(p, i); });
    REQUIRE(d.size() == 5);
    CHECK(d[0].severity == Diagnostic::Severity::notice); // unknown column "note"
    CHECK(d[1].where.line == 3);
    CHECK(d[1].en == "project_id \"P1\" appears again (first at line 2)");
    CHECK(d[2].where.line == 4);
    CHECK(contains(d[2].en, "column \"budget\": \"x\""));
    CHECK(d[3].where.file == i);
    CHECK(d[3].where.line == 3);
    CHECK(d[3].en == "project_id \"P9\" is not in " + p);
    CHECK(d[4].where.line == 4);
    CHECK(contains(d[4].en, "column \"target\": \"1.5.1\""));
}

TEST_CASE("read_projects: a fatal problem in one file still lists the other's") {
    TempDir t;
    const std::string p = t.write("projects.csv", "project_id,name,department,budget\n");
    const std::string i = t.write("indicators.csv", indicators_header + "P9,output,quantity,y,ge,x,1,,50\n");
    const auto d = errors_of([&] { read_projects(p, i); });
    REQUIRE(d.size() == 2); // missing column; bad target (no join errors without projects)
    CHECK(contains(d[0].en, "missing required column \"spent\""));
    CHECK(contains(d[1].en, "column \"target\""));
}

TEST_CASE("read_projects: the list of problems is capped") {
    TempDir t;
    std::string rows = projects_header;
    for (int k = 0; k < 1500; ++k) (rows += "P").append(std::to_string(k)).append(",a,d,-1,0\n");
    const std::string p = t.write("projects.csv", rows);
    const std::string i = t.write("indicators.csv", indicators_header);
    const auto d = errors_of([&] { read_projects(p, i); });
    REQUIRE(d.size() == 1001);
    CHECK(d[999].where.line == 1001);
    CHECK(d[1000].en == "... and 500 more problems");
}
