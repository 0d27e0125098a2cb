// The .xlsx reader (src/xlsx.hpp, SPEC §3a): cells as the text a user would have
// typed into a CSV file, and hostile files refused with the file, sheet and cell.
//
// Workbooks are built here from readable XML with minizip's zip writer (the parts
// are the test's source), plus one written by libxlsxwriter, as Excel users' files
// are written by real programs.
#include "support.hpp"

#include "../src/xlsx.hpp" // internal: the reader the CSV and table readers plug in
#include "perfbudget/batch.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/review.hpp"
#include "perfbudget/rules.hpp"

#include <minizip/zip.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <string_view>
#include <tuple>
#include <string>
#include <vector>

namespace perfbudget::test {
namespace {

namespace xlsx = detail::xlsx;
using Grid = std::vector<std::vector<std::string>>;

struct Part {
    std::string name, text;
};

/// Writes `parts` as a zip archive (deflated) at `path`.
void write_zip(const std::string& path, const std::vector<Part>& parts) {
    zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
    REQUIRE(zip);
    for (const Part& p : parts) {
        zip_fileinfo info{};
        REQUIRE(zipOpenNewFileInZip64(zip, p.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                      Z_DEFAULT_COMPRESSION, 0) == ZIP_OK);
        REQUIRE(zipWriteInFileInZip(zip, p.text.data(), static_cast<unsigned>(p.text.size())) == ZIP_OK);
        REQUIRE(zipCloseFileInZip(zip) == ZIP_OK);
    }
    REQUIRE(zipClose(zip, nullptr) == ZIP_OK);
}

const char* const xml_head = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)" "\n";
const char* const main_ns = R"( xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main")";

/// A sheet part: rows (XML of <row> elements), then merged ranges ("A1:D1", …).
std::string sheet_xml(const std::string& rows, const std::vector<std::string>& merges = {}) {
    std::string s = std::string(xml_head) + "<worksheet" + main_ns + ">\n<sheetData>\n" + rows + "\n</sheetData>\n";
    if (!merges.empty()) {
        s += "<mergeCells count=\"" + std::to_string(merges.size()) + "\">";
        for (const auto& m : merges) s += "<mergeCell ref=\"" + m + "\"/>";
        s += "</mergeCells>";
    }
    return s + "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>";
}

/// Cell formats used by the number tests, by index (the `s` attribute):
/// 0 general, 1 id 14 (date), 2 id 9 (0%), 3 年月日 (custom date), 4 0.00% (custom),
/// 5 0.00"%" (a quoted sign: not a percent), 6 id 22 (date and time), 7 [Red]0.00,
/// 8 id 31 (a CJK date), 9 [$-804]yyyy/m/d.
const std::string styles_xml = std::string(xml_head) + "<styleSheet" + main_ns + R"(>
<numFmts count="5"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
<numFmt numFmtId="165" formatCode="0.00%"/><numFmt numFmtId="166" formatCode="0.00&quot;%&quot;"/>
<numFmt numFmtId="167" formatCode="[Red]0.00"/><numFmt numFmtId="168" formatCode="[$-804]yyyy/m/d"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="10"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="9"/><xf numFmtId="164"/>
<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/><xf numFmtId="167"/><xf numFmtId="31"/><xf numFmtId="168"/></cellXfs>
<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs>
</styleSheet>)";

struct BookSpec {
    std::vector<std::pair<std::string, std::string>> sheets; // name, sheet XML
    std::string shared_strings;                               // sharedStrings.xml, or none
    bool styles = true;
    bool date1904 = false;
    bool root_rels = true;
    std::map<std::size_t, std::string> targets; // a sheet's relationship target, overriding worksheets/sheetN.xml
};

std::vector<Part> parts_of(const BookSpec& b) {
    std::vector<Part> parts;
    parts.push_back({"[Content_Types].xml", std::string(xml_head) +
                         R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)"});
    const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    if (b.root_rels)
        parts.push_back({"_rels/.rels", std::string(xml_head) +
                             R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
                             R"(<Relationship Id="rId1" Type=")" + rel + R"(officeDocument" Target="xl/workbook.xml"/></Relationships>)"});
    std::string workbook = std::string(xml_head) + "<workbook" + main_ns +
                           R"( xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)";
    if (b.date1904) workbook += R"(<workbookPr date1904="1"/>)";
    workbook += "<sheets>";
    std::string rels = std::string(xml_head) + R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
    for (std::size_t i = 0; i < b.sheets.size(); ++i) {
        const std::string n = std::to_string(i + 1);
        workbook += R"(<sheet name=")" + b.sheets[i].first + R"(" sheetId=")" + n + R"(" r:id="rId)" + n + R"("/>)";
        const auto target = b.targets.count(i) ? b.targets.at(i) : "worksheets/sheet" + n + ".xml";
        rels += R"(<Relationship Id="rId)" + n + R"(" Type=")" + rel + R"(worksheet" Target=")" + target + R"("/>)";
        parts.push_back({"xl/worksheets/sheet" + n + ".xml", b.sheets[i].second});
    }
    workbook += "</sheets></workbook>";
    if (!b.shared_strings.empty()) {
        rels += R"(<Relationship Id="rIdS" Type=")" + rel + R"(sharedStrings" Target="sharedStrings.xml"/>)";
        parts.push_back({"xl/sharedStrings.xml", b.shared_strings});
    }
    if (b.styles) {
        rels += R"(<Relationship Id="rIdT" Type=")" + rel + R"(styles" Target="/xl/styles.xml"/>)";
        parts.push_back({"xl/styles.xml", styles_xml});
    }
    rels += "</Relationships>";
    parts.push_back({"xl/workbook.xml", workbook});
    parts.push_back({"xl/_rels/workbook.xml.rels", rels});
    return parts;
}

std::string write_book(const std::string& name, const BookSpec& spec) {
    const std::string path = scratch_file("xlsx", name).string();
    write_zip(path, parts_of(spec));
    return path;
}

std::string one_sheet(const std::string& name, const std::string& rows, const std::vector<std::string>& merges = {}) {
    BookSpec spec;
    spec.sheets = {{"Sheet1", sheet_xml(rows, merges)}};
    return write_book(name, spec);
}

Grid grid_of(const std::string& path, std::size_t sheet = 0, const xlsx::Limits& limits = {}) {
    xlsx::Workbook book(path, limits);
    xlsx::Sheet s = book.open(sheet);
    return xlsx::read_grid(s);
}

/// The first diagnostic of what `f` throws (fails the test when it throws nothing).
template <class F>
Diagnostic error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        REQUIRE(!e.diagnostics().empty());
        CHECK(!e.diagnostics().front().zh.empty());
        return e.diagnostics().front();
    }
    FAIL("no error");
    return {};
}

/// Numbers in column A, one per row, each with style `style`: their texts.
std::vector<std::string> read_numbers(const std::string& name, const std::vector<std::string>& stored, int style,
                                      bool date1904 = false) {
    std::string rows;
    for (std::size_t i = 0; i < stored.size(); ++i) {
        const std::string r = std::to_string(i + 1);
        rows += "<row r=\"" + r + "\"><c r=\"A" + r + "\" s=\"" + std::to_string(style) + "\"><v>" + stored[i] +
                "</v></c></row>\n";
    }
    BookSpec spec;
    spec.sheets = {{"Sheet1", sheet_xml(rows)}};
    spec.date1904 = date1904;
    const Grid g = grid_of(write_book(name, spec));
    std::vector<std::string> out;
    for (const auto& row : g) out.push_back(row.empty() ? "" : row[0]);
    return out;
}

TEST_CASE("xlsx: shared strings (rich text joined, phonetic guides left out, _xHHHH_ escapes) and inline strings") {
    BookSpec spec;
    spec.shared_strings = std::string(xml_head) + "<sst" + main_ns + R"( count="4" uniqueCount="4">
<si><t>project_id</t></si>
<si><r><rPr><b/></rPr><t>培训</t></r><r><t xml:space="preserve"> 人次</t></r></si>
<si><t>东京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>
<si><t/></si>
<si><t>a_x000D__x000A_b _x005F_x0041_ _x0041_ _xD83D__xDE00_ _xD83D_ _x12_</t></si></sst>)";
    spec.sheets = {{"Sheet1", sheet_xml(R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>内联 &amp; text</t></is></c><c r="B2" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c><c r="C2" t="s"><v>3</v></c></row>
<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="inlineStr"><is><t>x_x000D_y</t></is></c></row>)")}};
    const Grid g = grid_of(write_book("strings.xlsx", spec));
    // Excel's escapes (_xHHHH_) decoded; an escaped underscore keeps what follows as text.
    CHECK(g == Grid{{"project_id", "培训 人次", "东京"}, {"内联 & text", "ab"},
                    {"a\r\nb _x0041_ A 😀 _xD83D_ _x12_", "x\ry"}});
}

TEST_CASE("xlsx: numbers are their stored text exactly, rounded to 15 significant digits") {
    const std::vector<std::string> stored = {"100", "-0", "0.1", "1.5E-2", "1.2345678901234567E+18",
                                             "0.30000000000000004", "12.000000000000002", "9.9999999999999999E+2",
                                             "-1.5", "123.450", "1E-7", "+4", "0.000123456789012345678", "2.5e3",
                                             // Already plain (copied as they are), or nearly
                                             "007", "0.50", "123456789012345", "1234567890123456", "-0.0", "0",
                                             "-0.5", "0.05", "1.", ".5", "0.100200300400500", "0.1002003004005006"};
    const std::vector<std::string> expected = {"100", "0", "0.1", "0.015", "1234567890123460000", "0.3", "12", "1000",
                                               "-1.5", "123.45", "0.0000001", "4", "0.000123456789012346", "2500",
                                               "7", "0.5", "123456789012345", "1234567890123460", "0", "0",
                                               "-0.5", "0.05", "1", "0.5", "0.1002003004005", "0.100200300400501"};
    CHECK(read_numbers("numbers.xlsx", stored, 0) == expected);
    // [Red]0.00 is neither a date nor a percent: the number as stored.
    CHECK(read_numbers("numbers-red.xlsx", {"5", "0.1"}, 7) == std::vector<std::string>{"5", "0.1"});
}

TEST_CASE("xlsx: dates in the 1900 system, the fictitious 1900-02-29 included, and times of day") {
    const std::vector<std::string> stored = {"1", "59", "60", "61", "45000", "45000.5", "45000.75", "45000.999999",
                                             "45000.00001", "-1", "2958465", "2958466", "0.25"};
    const std::vector<std::string> expected = {"1900-01-01", "1900-02-28", "1900-02-29", "1900-03-01", "2023-03-15",
                                               "2023-03-15 12:00:00", "2023-03-15 18:00:00", "2023-03-16",
                                               "2023-03-15 00:00:01", "-1", "9999-12-31", "2958466", "1900-01-00 06:00:00"};
    CHECK(read_numbers("dates.xlsx", stored, 1) == expected);
    CHECK(read_numbers("dates-time.xlsx", {"45000.5"}, 6) == std::vector<std::string>{"2023-03-15 12:00:00"});
    // A CJK built-in date (id 31) and custom date formats, quoted Chinese and a locale in brackets.
    CHECK(read_numbers("dates-cjk.xlsx", {"45000"}, 8) == std::vector<std::string>{"2023-03-15"});
    CHECK(read_numbers("dates-nian.xlsx", {"45000"}, 3) == std::vector<std::string>{"2023-03-15"});
    CHECK(read_numbers("dates-locale.xlsx", {"45000"}, 9) == std::vector<std::string>{"2023-03-15"});
}

TEST_CASE("xlsx: dates in the 1904 system (workbookPr date1904)") {
    CHECK(read_numbers("dates1904.xlsx", {"0", "1", "43538", "43538.5"}, 1, true) ==
          std::vector<std::string>{"1904-01-01", "1904-01-02", "2023-03-15", "2023-03-15 12:00:00"});
}

TEST_CASE("xlsx: percent formats give the percentage shown; a quoted % sign does not") {
    CHECK(read_numbers("percent.xlsx", {"0.9", "0.12345", "1", "0", "-0.05", "0.30000000000000004"}, 2) ==
          std::vector<std::string>{"90%", "12.345%", "100%", "0%", "-5%", "30%"});
    CHECK(read_numbers("percent-custom.xlsx", {"0.867"}, 4) == std::vector<std::string>{"86.7%"});
    // 0.00"%" shows 12.34 as "12.34%" without scaling: the cell holds 12.34.
    CHECK(read_numbers("percent-quoted.xlsx", {"12.34"}, 5) == std::vector<std::string>{"12.34"});
}

TEST_CASE("xlsx: booleans, errors, formulas by their cached value, cells and rows without r") {
    const std::string path = one_sheet("types.xlsx", R"(<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#N/A</v></c></row>
<row r="2"><c r="A2" t="str"><f>B2&amp;"x"</f><v>ax</v></c><c r="B2"><f>SUM(C2:D2)</f><v>3</v></c><c r="C2"><f>NOW()</f></c><c r="D2" t="n"><v>7</v></c></row>
<row r="4"><c><v>1</v></c><c><v>2</v></c><c r="E4"><v>5</v></c><c><v>6</v></c></row>
<row><c r="B5" t="inlineStr"><is><t>five</t></is></c></row>
<row r="6"><c r="A6"><v></v></c><c r="B6" t="s"/></row>)");
    xlsx::Workbook book(path);
    xlsx::Sheet s = book.open(0);
    std::vector<std::string_view> cells;
    std::vector<std::pair<std::uint32_t, std::vector<std::string>>> rows;
    while (s.next(cells)) rows.push_back({s.row(), std::vector<std::string>(cells.begin(), cells.end())});
    using Rows = decltype(rows);
    CHECK(rows == Rows{{1, {"TRUE", "FALSE", "#N/A"}},
                       {2, {"ax", "3", "", "7"}},
                       {4, {"1", "2", "", "", "5", "6"}},
                       {5, {"", "five"}}});
    CHECK(s.location() == path + "!Sheet1");
    CHECK(!s.next(cells)); // and stays at the end
}

TEST_CASE("xlsx: merged ranges fill every cell with the top-left text, rows empty in the XML included") {
    const std::string rows = R"(<row r="1"><c r="A1" t="inlineStr"><is><t>项目支出绩效自评表</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>产出指标</t></is></c><c r="B2" t="inlineStr"><is><t>数量指标</t></is></c><c r="C2"><v>1</v></c></row>
<row r="3"><c r="C3"><v>2</v></c></row>
<row r="4"><c r="B4" t="inlineStr"><is><t>质量指标</t></is></c><c r="C4"><v>3</v></c></row>
<row r="7"><c r="A7"><v>9</v></c></row>)";
    // A1:D1 a title; A2:A6 runs past row 4 into rows the XML leaves out; B4:B5 too;
    // E7:E9 has no text (nothing to fill); C9:D9 lies beyond the last row and is empty.
    const std::string path = one_sheet("merged.xlsx", rows, {"A1:D1", "A2:A6", "B4:B5", "E7:E9", "C9:D9"});
    const Grid g = grid_of(path);
    CHECK(g == Grid{{"项目支出绩效自评表", "项目支出绩效自评表", "项目支出绩效自评表", "项目支出绩效自评表"},
                    {"产出指标", "数量指标", "1"},
                    {"产出指标", "", "2"},
                    {"产出指标", "质量指标", "3"},
                    {"产出指标", "质量指标"},
                    {"产出指标"},
                    {"9"}});
}

TEST_CASE("xlsx: sheets by name (Chinese names too), several open at once; read_grid") {
    BookSpec spec;
    spec.sheets = {{"projects", sheet_xml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>P</t></is></c></row>)")},
                   {"指标", sheet_xml(R"(<row r="2"><c r="B2"><v>42</v></c></row>)")}};
    spec.root_rels = false; // xl/workbook.xml found without _rels/.rels
    const std::string path = write_book("names.xlsx", spec);
    xlsx::Workbook book(path);
    REQUIRE(book.sheet_count() == 2);
    CHECK(book.sheet_name(1) == "指标");
    CHECK(book.find_sheet("指标") == std::optional<std::size_t>(1));
    CHECK(!book.find_sheet("指"));
    xlsx::Sheet first = book.open(0);
    xlsx::Sheet second = book.open(1);
    CHECK(second.location() == path + "!指标");
    CHECK(second.name() == "指标");
    CHECK(xlsx::read_grid(second) == Grid{{}, {"", "42"}});
    CHECK(xlsx::read_grid(first) == Grid{{"P"}});
    CHECK(xlsx::is_workbook(path));
    CHECK(!xlsx::is_workbook(example_projects));
}

TEST_CASE("xlsx: a workbook written by libxlsxwriter reads back as its cells show") {
    const std::string path = scratch_file("xlsx", "xlsxwriter.xlsx").string();
    lxw_workbook* wb = workbook_new(path.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "指标");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format* percent = workbook_add_format(wb);
    format_set_num_format(percent, "0.0%");
    worksheet_merge_range(ws, 0, 0, 0, 3, "县教育局 2023", nullptr);
    worksheet_write_string(ws, 1, 0, "培训人次", nullptr);
    worksheet_write_number(ws, 1, 1, 1200, nullptr);
    worksheet_write_number(ws, 1, 2, 0.1, nullptr);
    worksheet_write_number(ws, 1, 3, 1234567.89, nullptr);
    lxw_datetime when{2023, 10, 31, 0, 0, 0};
    worksheet_write_datetime(ws, 2, 0, &when, date);
    worksheet_write_number(ws, 2, 1, 0.867, percent);
    worksheet_write_boolean(ws, 2, 2, 1, nullptr);
    REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
    xlsx::Workbook book(path);
    REQUIRE(book.find_sheet("指标"));
    xlsx::Sheet s = book.open(*book.find_sheet("指标"));
    CHECK(xlsx::read_grid(s) == Grid{{"县教育局 2023", "县教育局 2023", "县教育局 2023", "县教育局 2023"},
                                     {"培训人次", "1200", "0.1", "1234567.89"},
                                     {"2023-10-31", "86.7%", "TRUE"}});
}

// --- Sheets read at once by evaluate (src/sheets_at_once.hpp) ------------------------

namespace {

/// The example tables as sheets 项目 and 指标 of one workbook, every cell text
/// as in the CSV files. `title`: a first row merged across the projects' header
/// (a title, as finance staff's tables have). `merge_ids`: each project's id
/// written once in the indicators sheet and merged down over its rows.
std::string example_book(const std::string& name, bool title, bool merge_ids, const std::string& bad_weight = "") {
    const std::string path = scratch_file("xlsx", name).string();
    lxw_workbook* wb = workbook_new(path.c_str());
    const auto sheet_of = [&](const char* sheet, const std::string& csv, bool with_title, bool merged, const std::string& bad) {
        lxw_worksheet* ws = workbook_add_worksheet(wb, sheet);
        CsvReader reader(csv);
        std::vector<std::string_view> cells;
        lxw_row_t row = 0;
        if (with_title) worksheet_merge_range(ws, row++, 0, 0, 9, "2023年度项目支出绩效自评汇总表", nullptr);
        std::string run_id;
        lxw_row_t run_start = 0;
        const auto close_run = [&](lxw_row_t end) {
            if (merged && end > run_start + 1)
                worksheet_merge_range(ws, run_start, 0, end - 1, 0, run_id.c_str(), nullptr);
        };
        while (reader.next(cells)) {
            for (std::size_t c = 0; c < cells.size(); ++c) {
                std::string text(cells[c]);
                if (c == 8 && !bad.empty() && row == 3) text = bad; // the third indicator's weight
                worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), text.c_str(), nullptr);
            }
            if (row > 0 && std::string(cells[0]) != run_id) {
                close_run(row);
                run_id = std::string(cells[0]);
                run_start = row;
            }
            ++row;
        }
        close_run(row);
    };
    sheet_of("项目", example_projects, title, false, "");
    sheet_of("指标", example_indicators, false, merge_ids, bad_weight);
    REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
    return path;
}

std::string evaluated(const std::string& projects, const std::string& indicators, const std::string& out) {
    EvaluateOptions o;
    o.projects = projects;
    o.indicators = indicators;
    o.out = scratch_file("xlsx", out).string();
    o.lang = Lang::en;
    evaluate_files(o, load_rules_file(source_dir + "/rules/national.yaml"));
    return slurp(o.out);
}

} // namespace

TEST_CASE("xlsx: evaluate reads sheets at once, and again, scanning first, when one has merged ranges") {
    const std::string from_csv = evaluated(example_projects, example_indicators, "at-once-csv.csv");
    REQUIRE(from_csv.find("W1,") != std::string::npos);

    // No merged range: each sheet is inflated once (no scan), and the rows are the CSV's.
    {
        const std::string book = example_book("at-once-plain.xlsx", false, false);
        const xlsx::FastRowCounts before = xlsx::fast_row_counts();
        CHECK(evaluated(book, book, "at-once-plain.csv") == from_csv);
        const xlsx::FastRowCounts after = xlsx::fast_row_counts();
        CHECK(after.merge_scans == before.merge_scans);
        CHECK(after.merges_after_rows == before.merges_after_rows);
    }
    // A merged title above the projects' header and ids merged down the indicators:
    // read at once, the rows lack what the merges fill (the header is not on the
    // first row, ids are blank under their first row), so the run starts again,
    // scanning both sheets first, and gives the CSV's rows.
    {
        const std::string book = example_book("at-once-merged.xlsx", true, true);
        const xlsx::FastRowCounts before = xlsx::fast_row_counts();
        CHECK(evaluated(book, book, "at-once-merged.csv") == from_csv);
        const xlsx::FastRowCounts after = xlsx::fast_row_counts();
        CHECK(after.merges_after_rows == before.merges_after_rows + 1); // the projects sheet, first read
        CHECK(after.merge_scans == before.merge_scans + 2);             // both sheets, read again
    }
    // Only the indicators' ids merged: their blank cells would be errors without the
    // merges, but the merges come to light before any error is raised.
    {
        const std::string book = example_book("at-once-ids.xlsx", false, true);
        CHECK(evaluated(book, book, "at-once-ids.csv") == from_csv);
    }
    // An error in a sheet without merged ranges is raised once every row is read:
    // it stands, and the run does not start again.
    {
        const std::string book = example_book("at-once-bad.xlsx", false, false, "abc");
        const xlsx::FastRowCounts before = xlsx::fast_row_counts();
        std::string message;
        try {
            evaluated(book, book, "at-once-bad.csv");
        } catch (const Error& e) {
            message = e.diagnostics().front().en;
        }
        CHECK(message.find("\"abc\"") != std::string::npos);
        const xlsx::FastRowCounts after = xlsx::fast_row_counts();
        CHECK(after.merge_scans == before.merge_scans);
        CHECK(!std::filesystem::exists(scratch_file("xlsx", "at-once-bad.csv")));
    }
}

TEST_CASE("xlsx: every stage that reads sheets at once starts again on merged ranges, with the CSV's results") {
    // Monitor and review stream like evaluate; the in-memory path (here evaluate
    // with --explain) reads every row in read_projects() before returning one.
    const std::string plain = example_book("stages-plain.xlsx", false, false);
    const std::string merged = example_book("stages-merged.xlsx", true, true);
    const RuleBook rules = load_rules_file(source_dir + "/rules/national.yaml");
    for (const std::string& book : {plain, merged}) {
        CAPTURE(book);
        const bool has_merges = book == merged;
        const auto outputs = [&](const std::string& projects, const std::string& indicators, const std::string& tag) {
            std::vector<std::string> got;
            MonitorOptions m;
            m.files.projects = projects;
            m.files.indicators = indicators;
            m.files.out = scratch_file("xlsx", tag + "-monitor.csv").string();
            m.as_of = *parse_date("2023-12-31");
            monitor_files(m, rules);
            got.push_back(slurp(m.files.out));
            ReviewOptions r;
            r.projects = projects;
            r.indicators = indicators;
            r.out = scratch_file("xlsx", tag + "-review.csv").string();
            review_files(r, rules);
            got.push_back(slurp(r.out));
            EvaluateOptions e;
            e.projects = projects;
            e.indicators = indicators;
            e.out = scratch_file("xlsx", tag + "-explain.csv").string();
            e.explain = true;
            evaluate_files(e, rules);
            got.push_back(slurp(e.out));
            return got;
        };
        const std::vector<std::string> from_csv = outputs(example_projects, example_indicators, "stages-csv");
        const xlsx::FastRowCounts before = xlsx::fast_row_counts();
        CHECK(outputs(book, book, has_merges ? "stages-merged" : "stages-plain") == from_csv);
        const xlsx::FastRowCounts after = xlsx::fast_row_counts();
        // Three runs; with merges each meets the projects sheet's, then scans both sheets.
        CHECK(after.merges_after_rows - before.merges_after_rows == (has_merges ? 3U : 0U));
        CHECK(after.merge_scans - before.merge_scans == (has_merges ? 6U : 0U));
    }
}

// --- Hostile and broken files ------------------------------------------------------

TEST_CASE("xlsx error: not a zip, a zip that is not a workbook") {
    const std::string csv = scratch_file("xlsx", "not-a-zip.xlsx").string();
    std::ofstream(csv) << "project_id,name\nP1,x\n";
    Diagnostic d = error_of([&] { xlsx::Workbook b(csv); });
    CHECK(d.en.find("not an .xlsx workbook (a zip archive)") != std::string::npos);
    CHECK(d.where.to_string() == csv);

    const std::string docx = scratch_file("xlsx", "document.xlsx").string();
    write_zip(docx, {{"word/document.xml", "<document/>"}});
    d = error_of([&] { xlsx::Workbook b(docx); });
    CHECK(d.en.find("has no xl/workbook.xml") != std::string::npos);

    d = error_of([&] { xlsx::Workbook b(scratch_file("xlsx", "missing.xlsx").string()); });
    CHECK(d.en.find("cannot open") != std::string::npos);
}

/// Rewrites the uncompressed size that the zip's central directory gives for `entry`.
void patch_size(const std::string& path, const std::string& entry, std::uint32_t size) {
    std::string bytes = slurp(path);
    for (std::size_t at = bytes.find("PK\1\2"); at != std::string::npos; at = bytes.find("PK\1\2", at + 4)) {
        const auto u16 = [&](std::size_t o) { return std::size_t(std::uint8_t(bytes[at + o])) | std::size_t(std::uint8_t(bytes[at + o + 1])) << 8; };
        if (bytes.compare(at + 46, u16(28), entry) != 0 || u16(28) != entry.size()) continue;
        for (int i = 0; i < 4; ++i) bytes[at + 24 + std::size_t(i)] = char(size >> (8 * i));
        std::ofstream(path, std::ios::binary) << bytes;
        return;
    }
    FAIL("entry not found");
}

TEST_CASE("xlsx error: a part whose zip header lies about its size") {
    const std::string rows = R"(<row r="1"><c r="A1"><v>1</v></c></row>)";
    const std::string smaller = one_sheet("lies-small.xlsx", rows);
    patch_size(smaller, "xl/worksheets/sheet1.xml", 40); // inflates to more than it says
    xlsx::Workbook book(smaller);
    Diagnostic d = error_of([&] { book.open(0); });
    CHECK(d.en.find("the part xl/worksheets/sheet1.xml is damaged") != std::string::npos);
    CHECK(d.where.to_string() == smaller + "!Sheet1");

    const std::string larger = one_sheet("lies-large.xlsx", rows);
    patch_size(larger, "xl/worksheets/sheet1.xml", 100'000);
    xlsx::Limits limits;
    limits.max_ratio = 1'000'000; // the size alone
    xlsx::Workbook book2(larger, limits);
    d = error_of([&] { book2.open(0); });
    CHECK(d.en.find("is damaged") != std::string::npos);

    limits.max_part_bytes = 50'000; // the header's size is refused before inflating
    xlsx::Workbook book3(larger, limits);
    d = error_of([&] { book3.open(0); });
    CHECK(d.en.find("would inflate to more than 50000 bytes") != std::string::npos);
}

/// Sets the CRC that `entry`'s local header and central directory record give
/// (minizip refuses a part whose two records disagree before reading it).
void patch_crc(const std::string& path, const std::string& entry, std::uint32_t crc) {
    std::string bytes = slurp(path);
    int patched = 0;
    for (const auto& [signature, crc_at, name_at] : {std::tuple{"PK\3\4", 14, 30}, std::tuple{"PK\1\2", 16, 46}}) {
        const std::size_t length_at = std::size_t(name_at) - (std::string_view(signature) == "PK\3\4" ? 4 : 18);
        for (std::size_t at = bytes.find(signature); at != std::string::npos; at = bytes.find(signature, at + 4)) {
            const auto u16 = [&](std::size_t o) { return std::size_t(std::uint8_t(bytes[at + o])) | std::size_t(std::uint8_t(bytes[at + o + 1])) << 8; };
            if (u16(length_at) != entry.size() || bytes.compare(at + std::size_t(name_at), entry.size(), entry) != 0) continue;
            for (int i = 0; i < 4; ++i) bytes[at + std::size_t(crc_at) + std::size_t(i)] = char(crc >> (8 * i));
            ++patched;
            break;
        }
    }
    REQUIRE(patched == 2);
    std::ofstream(path, std::ios::binary) << bytes;
}

TEST_CASE("xlsx error: a part whose CRC does not match, or whose deflate stream is broken or cut short") {
    std::string rows;
    for (int r = 1; r <= 200; ++r) rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\"><v>" + std::to_string(r * 7) + "</v></c></row>";
    const std::string crc = one_sheet("bad-crc.xlsx", rows);
    patch_crc(crc, "xl/worksheets/sheet1.xml", 0x12345678);
    xlsx::Workbook book(crc);
    Diagnostic d = error_of([&] { book.open(0); });
    CHECK(d.en.find("the part xl/worksheets/sheet1.xml is damaged") != std::string::npos);

    // The sheet's deflate data: flipped bytes in its middle, then the stream cut short.
    const std::string good = one_sheet("bad-deflate.xlsx", rows);
    std::string bytes = slurp(good);
    const std::size_t name_at = bytes.find("xl/worksheets/sheet1.xml"); // the local header's name
    REQUIRE(name_at != std::string::npos);
    const std::size_t data_at = name_at + std::strlen("xl/worksheets/sheet1.xml");
    for (std::size_t i = 10; i < 30; ++i) bytes[data_at + i] = static_cast<char>(bytes[data_at + i] ^ 0x5A);
    std::ofstream(good, std::ios::binary) << bytes;
    xlsx::Workbook flipped(good);
    d = error_of([&] { flipped.open(0); });
    CHECK((d.en.find("is damaged") != std::string::npos || d.en.find("is broken") != std::string::npos));

    const std::string cut_path = one_sheet("cut-deflate.xlsx", rows);
    bytes = slurp(cut_path);
    const std::size_t cut_name = bytes.find("xl/worksheets/sheet1.xml");
    const std::size_t cut_data = cut_name + std::strlen("xl/worksheets/sheet1.xml");
    // Zero the second half of the compressed data (the sizes in the headers stay).
    const std::size_t next_header = bytes.find("PK\3\4", cut_data);
    REQUIRE(next_header != std::string::npos);
    for (std::size_t i = cut_data + (next_header - cut_data) / 2; i < next_header; ++i) bytes[i] = 0;
    std::ofstream(cut_path, std::ios::binary) << bytes;
    xlsx::Workbook cut(cut_path);
    d = error_of([&] { cut.open(0); });
    CHECK((d.en.find("is damaged") != std::string::npos || d.en.find("is broken") != std::string::npos));
}

TEST_CASE("xlsx error: a zip bomb (50 MB of blanks in a sheet) is refused by ratio, part size and total") {
    const std::string path = scratch_file("xlsx", "bomb.xlsx").string();
    BookSpec spec;
    spec.sheets = {{"Sheet1", ""}};
    auto parts = parts_of(spec);
    zipFile zip = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
    REQUIRE(zip);
    for (const Part& p : parts) {
        zip_fileinfo info{};
        REQUIRE(zipOpenNewFileInZip64(zip, p.name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED, 9, 0) == ZIP_OK);
        if (p.name == "xl/worksheets/sheet1.xml") {
            const std::string head = std::string(xml_head) + "<worksheet" + main_ns + "><sheetData>";
            zipWriteInFileInZip(zip, head.data(), static_cast<unsigned>(head.size()));
            const std::string blanks(1 << 20, ' ');
            for (int i = 0; i < 50; ++i) zipWriteInFileInZip(zip, blanks.data(), static_cast<unsigned>(blanks.size()));
            const std::string tail = "</sheetData></worksheet>";
            zipWriteInFileInZip(zip, tail.data(), static_cast<unsigned>(tail.size()));
        } else {
            zipWriteInFileInZip(zip, p.text.data(), static_cast<unsigned>(p.text.size()));
        }
        REQUIRE(zipCloseFileInZip(zip) == ZIP_OK);
    }
    REQUIRE(zipClose(zip, nullptr) == ZIP_OK);

    xlsx::Limits limits;
    limits.max_ratio = 100;
    Diagnostic d = error_of([&] { xlsx::Workbook(path, limits).open(0); });
    CHECK(d.en.find("inflates more than 100 times its compressed size") != std::string::npos);
    CHECK(d.where.to_string() == path + "!Sheet1");

    limits.max_ratio = 1'000'000;
    limits.max_part_bytes = 8 << 20;
    d = error_of([&] { xlsx::Workbook(path, limits).open(0); });
    CHECK(d.en.find("would inflate to more than 8 MiB") != std::string::npos);

    limits.max_part_bytes = 64 << 20;
    limits.max_total_bytes = 4 << 20; // counted as the bytes come, whatever the headers say
    d = error_of([&] { xlsx::Workbook(path, limits).open(0); });
    CHECK(d.en.find("more than 4 MiB in all") != std::string::npos);
}

TEST_CASE("xlsx error: DTDs and entity declarations are refused, never expanded (billion laughs)") {
    const std::string laughs = std::string(xml_head) + R"(<!DOCTYPE worksheet [
<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet)" + main_ns + R"(><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>)";
    BookSpec spec;
    spec.sheets = {{"Sheet1", laughs}};
    const std::string path = write_book("laughs.xlsx", spec);
    xlsx::Workbook book(path);
    xlsx::Sheet sheet = book.open(0);
    std::vector<std::string_view> cells;
    Diagnostic d = error_of([&] { sheet.next(cells); });
    CHECK(d.en.find("the sheet's XML declares a DTD or entities") != std::string::npos);
    CHECK(d.where.to_string() == path + "!Sheet1");

    // With "mergeCell" in the bytes, the merge pass (at open) refuses it.
    spec.sheets = {{"Sheet1", std::string(xml_head) + "<!DOCTYPE worksheet [<!ENTITY x \"y\">]><worksheet><mergeCells/></worksheet>"}};
    xlsx::Workbook book2(write_book("entity.xlsx", spec));
    d = error_of([&] {
        auto s = book2.open(0);
        std::vector<std::string_view> cells;
        s.next(cells);
    });
    CHECK(d.en.find("declares a DTD or entities") != std::string::npos);

    spec.sheets = {{"Sheet1", sheet_xml("")}};
    spec.shared_strings = std::string(xml_head) + R"(<!DOCTYPE sst [<!ENTITY a "aaaa">]><sst><si><t>&a;</t></si></sst>)";
    d = error_of([&] { xlsx::Workbook b(write_book("entity-sst.xlsx", spec)); });
    CHECK(d.en.find("the part xl/sharedStrings.xml declares a DTD") != std::string::npos);
}

TEST_CASE("xlsx error: relationship targets outside the archive are refused") {
    BookSpec spec;
    spec.sheets = {{"Sheet1", sheet_xml("")}};
    spec.targets[0] = "../../etc/passwd";
    Diagnostic d = error_of([&] { xlsx::Workbook b(write_book("escape.xlsx", spec)); });
    CHECK(d.en.find("\"../../etc/passwd\", which is not a part inside the archive") != std::string::npos);

    spec.targets[0] = "file:///etc/passwd";
    d = error_of([&] { xlsx::Workbook b(write_book("uri.xlsx", spec)); });
    CHECK(d.en.find("not a part inside the archive") != std::string::npos);

    // An absolute target is a part name in the package, looked up in the archive only.
    spec.targets[0] = "/etc/passwd";
    xlsx::Workbook book(write_book("absolute.xlsx", spec));
    d = error_of([&] { book.open(0); });
    CHECK(d.en.find("the sheet's part etc/passwd is missing from the archive") != std::string::npos);

    spec.targets[0] = "/xl/worksheets/sheet1.xml"; // absolute in the package: fine
    CHECK(grid_of(write_book("absolute-ok.xlsx", spec)).empty());
}

TEST_CASE("xlsx error: cells beyond XFD1048576, too many merged ranges or cells, long cells") {
    Diagnostic d = error_of([&] { grid_of(one_sheet("xfe.xlsx", R"(<row r="3"><c r="XFE3"><v>1</v></c></row>)")); });
    CHECK(d.en.find("\"XFE3\" is not a cell within A1:XFD1048576") != std::string::npos);
    CHECK(d.where.to_string().ends_with("!Sheet1!3"));
    d = error_of([&] { grid_of(one_sheet("row.xlsx", R"(<row r="1048577"><c><v>1</v></c></row>)")); });
    CHECK(d.en.find("row 1048577 is beyond the last row 1048576") != std::string::npos);
    CHECK(grid_of(one_sheet("xfd.xlsx", R"(<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>)")).size() == 1'048'576);

    xlsx::Limits limits;
    limits.max_merged_cells = 100;
    d = error_of([&] { grid_of(one_sheet("merged-cells.xlsx", "", {"A1:B2", "A3:Z100"}), 0, limits); });
    CHECK(d.en.find("merged ranges cover more than 100 cells") != std::string::npos);
    limits = {};
    limits.max_merged_ranges = 2;
    d = error_of([&] { grid_of(one_sheet("merged-ranges.xlsx", "", {"A1:B1", "A2:B2", "A3:B3"}), 0, limits); });
    CHECK(d.en.find("more than 2 merged ranges") != std::string::npos);
    d = error_of([&] { grid_of(one_sheet("merged-xfe.xlsx", "", {"A1:XFE2"})); });
    CHECK(d.en.find("\"A1:XFE2\" is not a range") != std::string::npos);

    limits = {};
    limits.max_cell_bytes = 10;
    d = error_of([&] { grid_of(one_sheet("long.xlsx", R"(<row r="1"><c r="F1" t="str"><v>12345678901</v></c></row>)"), 0, limits); });
    CHECK(d.en.find("longer than 10 bytes") != std::string::npos);
    CHECK(d.where.to_string().ends_with("!Sheet1!F1"));
}

TEST_CASE("xlsx error: broken XML and bad cells name the row and the cell") {
    const std::string path = one_sheet("broken.xlsx", "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\n"
                                                      "<row r=\"2\"><c r=\"A2\"><v>2</v></row>");
    xlsx::Workbook book(path);
    xlsx::Sheet s = book.open(0);
    std::vector<std::string_view> cells;
    Diagnostic d = error_of([&] {
        while (s.next(cells)) {}
    });
    CHECK(d.en.find("the sheet's XML is broken at line 5: mismatched tag") != std::string::npos);
    CHECK(d.where.to_string() == path + "!Sheet1!2");
    CHECK(d.zh.find("工作表的 XML 在第 5 行损坏") != std::string::npos);

    d = error_of([&] { grid_of(one_sheet("bad-number.xlsx", R"(<row r="12"><c r="F12"><v>1,5</v></c></row>)")); });
    CHECK(d.en.find("holds \"1,5\", which is not a number") != std::string::npos);
    CHECK(d.where.to_string() == scratch_file("xlsx", "bad-number.xlsx").string() + "!Sheet1!F12");
    d = error_of([&] { grid_of(one_sheet("bad-shared.xlsx", R"(<row r="2"><c r="B2" t="s"><v>7</v></c></row>)")); });
    CHECK(d.en.find("shared string \"7\", which the workbook does not have") != std::string::npos);
    d = error_of([&] { grid_of(one_sheet("order.xlsx", R"(<row r="2"/><row r="1"/>)")); });
    CHECK(d.en.find("rows are out of order") != std::string::npos);
    d = error_of([&] { grid_of(one_sheet("twice.xlsx", R"(<row r="2"><c r="B2"><v>1</v></c><c r="B2"><v>1</v></c></row>)")); });
    CHECK(d.where.to_string().ends_with("!Sheet1!B2"));
    d = error_of([&] { grid_of(one_sheet("type.xlsx", R"(<row r="3"><c r="C3" t="x"><v>1</v></c></row>)")); });
    CHECK(d.en.find("the cell type \"x\" is none of") != std::string::npos);
    CHECK(d.where.to_string().ends_with("!Sheet1!C3"));
    d = error_of([&] { grid_of(one_sheet("bool.xlsx", R"(<row r="1"><c r="A1" t="b"><v>yes</v></c></row>)")); });
    CHECK(d.en.find("the boolean cell holds \"yes\"") != std::string::npos);
    // An ISO 8601 date cell (t="d", rare) is kept as written.
    CHECK(grid_of(one_sheet("iso.xlsx", R"(<row r="1"><c r="A1" t="d"><v>2023-06-15T00:00:00</v></c></row>)")) ==
          Grid{{"2023-06-15T00:00:00"}});
}

TEST_CASE("xlsx error: too many entries in the archive") {
    xlsx::Limits limits;
    limits.max_entries = 5;
    const std::string path = one_sheet("entries.xlsx", ""); // 7 entries
    const Diagnostic d = error_of([&] { xlsx::Workbook b(path, limits); });
    CHECK(d.en.find("the archive has more than 5 entries") != std::string::npos);
    CHECK(d.where.to_string() == path);
}


// --- The fast path (src/xml_fragment.hpp): pugixml over the rows when it can vouch
// for them, expat otherwise. Both must give the same rows and the same errors.

/// Every row of sheet 1 (number and cells), or the error with where it points.
std::string transcript(const std::string& path, bool parse_ahead = false) {
    std::string out;
    try {
        xlsx::Workbook book(path);
        xlsx::Sheet s = book.open(0, parse_ahead);
        std::vector<std::string_view> cells;
        while (s.next(cells)) {
            out += std::to_string(s.row()) + ":";
            for (const auto c : cells) out.append(c).append("|");
            out += "\n";
        }
    } catch (const Error& e) {
        const Diagnostic& d = e.diagnostics().front();
        out += "ERROR " + d.where.to_string() + " " + d.en + " / " + d.zh;
    }
    return out;
}

enum class Expect { fast, restart, expat };

/// Reads the sheet with the fast path and with expat alone: the same transcript,
/// and the fast path took the way `expect` says.
std::string same_both_ways_at(const std::string& path, Expect expect);

std::string same_both_ways(const std::string& name, const std::string& sheet, Expect expect,
                           std::uint32_t lie_about_size = 0) {
    BookSpec spec;
    spec.sheets = {{"Sheet1", sheet}};
    spec.shared_strings = std::string(xml_head) + "<sst" + main_ns + R"(><si><t>项目</t></si><si><t>a&amp;b</t></si></sst>)";
    const std::string path = write_book(name, spec);
    if (lie_about_size) patch_size(path, "xl/worksheets/sheet1.xml", lie_about_size);
    return same_both_ways_at(path, expect);
}

std::string same_both_ways_at(const std::string& path, Expect expect) {
    const std::string name = path;
    xlsx::set_fast_rows(false);
    const std::string slow = transcript(path);
    xlsx::set_fast_rows(true);
    const xlsx::FastRowCounts before = xlsx::fast_row_counts();
    const std::string fast = transcript(path);
    const xlsx::FastRowCounts after = xlsx::fast_row_counts();
    CAPTURE(name);
    CHECK(fast == slow);
    CHECK(transcript(path, true) == slow); // parsed ahead on a thread of its own
    const bool fragments = after.fragments > before.fragments, restarted = after.restarts > before.restarts;
    switch (expect) {
    case Expect::fast: CHECK(fragments); CHECK(!restarted); break;
    case Expect::restart: CHECK(restarted); break;
    case Expect::expat: CHECK(!fragments); CHECK(!restarted); break;
    }
    return fast;
}

TEST_CASE("xlsx fast path: plain rows are read by pugixml, to the same cells as expat alone") {
    const std::string rows =
        R"(<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" s="2"><v>0.9</v></c></row>)"
        "\n"
        R"(<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> 县&amp;区 &#x4E2D;&#20013; </t></is></c>)"
        "<c r=\"B2\" t=\"inlineStr\"><is><t>two\r\nlines\tand\ra tab</t></is></c><c r=\"C2\"><v>1.5E-3</v></c></row>\r\n"
        R"(<row r="4"><c r="B4" t="inlineStr"><is><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh><t>ignored</t></rPh></is></c>)"
        R"(<c r="D4" t="b"><v>1</v></c><c r="E4" t="str"><f>A1</f><v>x</v></c></row>)";
    const std::string got = same_both_ways("fast-plain.xlsx", sheet_xml(rows), Expect::fast);
    CHECK(got.find("1:项目|a&b|90%|") != std::string::npos);
    CHECK(got.find("2: 县&区 中中 |two\nlines\tand\na tab|0.0015|") != std::string::npos);
    CHECK(got.find("4:|rich text||TRUE|x|") != std::string::npos);
    // Merged ranges fill the fast path's rows as expat's.
    same_both_ways("fast-merged.xlsx", sheet_xml(R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"/>)", {"A1:B3"}),
                   Expect::fast);
    // A second sheetData after the first: expat reads the tail, rows included.
    std::string twice = sheet_xml(R"(<row r="1"><c r="A1"><v>1</v></c></row>)");
    twice.insert(twice.find("<pageMargins"), R"(<sheetData><row r="7"><c r="A7"><v>7</v></c></row></sheetData>)");
    CHECK(same_both_ways("fast-twice.xlsx", twice, Expect::fast).find("7:7|") != std::string::npos);
}

TEST_CASE("xlsx fast path: text beside elements (mixed content) is replayed in document order") {
    // pugixml keeps an element's text before its first child as the element's value
    // (parse_embed_pcdata); the replay must still give expat's order of events.
    const std::string rows =
        R"(<row r="1"> <c r="A1">x<v>1</v></c><c r="B1"><v>2</v>y</c> <c r="C1"><v>3<z/>4</v></c></row>)"
        R"(<row r="2"><c r="A2" t="inlineStr"><is>a<t>b</t>c<t> d </t></is></c><c r="B2"><v></v></c><c r="C2" t="str"> <v> 5 </v> </c></row>)"
        R"(<row r="3"><c r="A3" t="inlineStr"><is><r>rich<t>1</t>x<t>2</t></r></is></c><c r="B3"><v>6</v></c></row>)";
    const std::string got = same_both_ways("fast-mixed.xlsx", sheet_xml(rows), Expect::fast);
    CHECK(got == "1:1|2|34|\n2:b d || 5 |\n3:12|6|\n");
}

TEST_CASE("xlsx fast path: what pugixml cannot vouch for goes to expat, accepted or refused as expat alone does") {
    const std::string row1 = R"(<row r="1"><c r="A1"><v>1</v></c></row>)";
    const auto with = [&](const std::string& row2) { return sheet_xml(row1 + "\n" + row2); };
    // Well-formed, but only expat judges them: CDATA, comments, processing instructions, other entities.
    CHECK(same_both_ways("fast-cdata.xlsx", with(R"(<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[<b>&]]></t></is></c></row>)"),
                         Expect::restart).find("2:<b>&|") != std::string::npos);
    same_both_ways("fast-comment.xlsx", with(R"(<!-- a comment --><row r="2"><c r="A2"><v>2</v></c></row>)"), Expect::restart);
    same_both_ways("fast-pi.xlsx", with(R"(<row r="2"><?mso x?><c r="A2"><v>2</v></c></row>)"), Expect::restart);
    same_both_ways("fast-escaped-lt.xlsx", with(R"(<row r="2"><c r="A2" t="inlineStr" x="&lt;"><is><t>x</t></is></c></row>)"),
                   Expect::restart);
    // Not well-formed, or not XML at all: expat's refusal, with its line.
    for (const auto& [file, row2] : std::vector<std::pair<std::string, std::string>>{
             {"fast-entity.xlsx", R"(<row r="2"><c r="A2" t="inlineStr"><is><t>&nbsp;</t></is></c></row>)"},
             {"fast-charref.xlsx", R"(<row r="2"><c r="A2" t="inlineStr"><is><t>&#1;</t></is></c></row>)"},
             {"fast-duplicate.xlsx", R"(<row r="2"><c r="A2" r="A2"><v>2</v></c></row>)"},
             {"fast-lt.xlsx", R"(<row r="2"><c r="A2" t="<"><v>2</v></c></row>)"},
             {"fast-cdata-end.xlsx", R"(<row r="2"><c r="A2" t="inlineStr"><is><t>a]]>b</t></is></c></row>)"},
             {"fast-control.xlsx", "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>a\x01</t></is></c></row>"},
             {"fast-utf8.xlsx", "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>\xC3\x28</t></is></c></row>"},
             {"fast-ffff.xlsx", "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>\xEF\xBF\xBF</t></is></c></row>"},
             {"fast-name.xlsx", "<row r=\"2\"><c\xE3\x80\x80 r=\"A2\"><v>2</v></c\xE3\x80\x80></row>"},
             {"fast-mismatch.xlsx", R"(<row r="2"><c r="A2"><v>2</v></row>)"},
             {"fast-doctype.xlsx", R"(<!DOCTYPE x [<!ENTITY a "b">]><row r="2"/>)"},
         }) {
        const std::string name = file; // CAPTURE cannot take a structured binding (clang)
        const std::string got = same_both_ways(name, with(row2), Expect::restart);
        CAPTURE(name);
        CHECK(got.starts_with("1:1|\nERROR "));
    }
    // Blanks in an attribute value become spaces (expat's normalization; pugixml's only
    // when asked, which the fast path does when the fragment holds such bytes): the
    // same reference, refused with the same text.
    // A character reference to a tab is not a blank to normalize: it stays a tab.
    for (const auto& [file, row2, shown] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"fast-tab-ref.xlsx", "<row r=\"2\"><c r=\"A2\t\"><v>2</v></c></row>", "A2 "},
             {"fast-crlf-ref.xlsx", "<row r=\"2\"><c r=\"A2\r\n\"><v>2</v></c></row>", "A2 "},
             {"fast-charref-tab.xlsx", "<row r=\"2\"><c r=\"A2&#9;\"><v>2</v></c></row>", "A2\t"},
         }) {
        const std::string name = file, ref = shown;
        CAPTURE(name);
        const std::string got = same_both_ways(name, with(row2), Expect::fast);
        CHECK(got.find("the cell reference \"" + ref + "\"") != std::string::npos);
    }
    // The part ends inside <sheetData>.
    std::string cut = with(R"(<row r="2"><c r="A2"><v>2</v></c></row>)");
    cut.resize(cut.find("</sheetData>"));
    CHECK(same_both_ways("fast-truncated.xlsx", cut, Expect::restart).find("ERROR ") != std::string::npos);
    // No </sheetData>, and a zip header that lies about the size: the fast path would
    // read to the part's end looking for it, ahead of expat; but the whole part is
    // inflated once when the sheet opens (the merged-range scan), so the damage is
    // found then, before either path reads a row.
    std::string misspelt = with(R"(<row r="2"><c r="A2"><v>2</v></c></row>)");
    misspelt.replace(misspelt.find("</sheetData>"), 12, "</sheetDbta>");
    CHECK(same_both_ways("fast-lying-header.xlsx", misspelt, Expect::expat, 20'000).find("!Sheet1 the part xl/worksheets/sheet1.xml is damaged") !=
          std::string::npos);
}

TEST_CASE("xlsx fast path: sheets it does not read at all (prefixes, other encodings, no rows)") {
    const std::string prefixed = std::string(xml_head) +
        R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>)"
        R"(<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>)";
    CHECK(same_both_ways("fast-prefixed.xlsx", prefixed, Expect::expat) == "1:项目|\n");
    const std::string latin1 = R"(<?xml version="1.0" encoding="ISO-8859-1"?>)"
        "<worksheet" + std::string(main_ns) + "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>caf\xE9</t></is></c></row></sheetData></worksheet>";
    CHECK(same_both_ways("fast-latin1.xlsx", latin1, Expect::expat) == "1:café|\n");
    same_both_ways("fast-empty.xlsx", std::string(xml_head) + "<worksheet" + main_ns + "><sheetData/></worksheet>", Expect::expat);
    // "<sheetData>" inside a comment before the real one: expat judges the whole sheet.
    const std::string decoy = std::string(xml_head) + "<worksheet" + main_ns +
        R"(><!-- <sheetData> --><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>)";
    CHECK(same_both_ways("fast-decoy.xlsx", decoy, Expect::expat) == "1:1|\n");
}

TEST_CASE("xlsx fast path threads: a sheet parsed ahead on a thread gives the same rows and errors, stopped at any point") {
    // About 1.2 MB of rows: several fragments in flight. The reader stops after
    // some rows (the sheet closed while its thread parses ahead), reads to the end,
    // or meets a row only expat may judge late in the sheet.
    std::string rows;
    for (int r = 1; r <= 20000; ++r) {
        const std::string n = std::to_string(r);
        rows += "<row r=\"" + n + "\"><c r=\"A" + n + "\"><v>" + n + "</v></c><c r=\"B" + n + "\" t=\"inlineStr\"><is><t>项目</t></is></c></row>";
    }
    const std::string path = one_sheet("ahead.xlsx", rows);
    for (const std::size_t stop_after : {std::size_t{0}, std::size_t{1}, std::size_t{5000}, std::size_t{20000}}) {
        xlsx::Workbook book(path);
        xlsx::Sheet ahead = book.open(0, true);
        xlsx::Sheet alone = book.open(0, false);
        std::vector<std::string_view> a, b;
        for (std::size_t k = 0; k < stop_after; ++k) {
            REQUIRE(ahead.next(a));
            REQUIRE(alone.next(b));
            REQUIRE(a == b);
            REQUIRE(ahead.row() == alone.row());
        }
        if (stop_after == 20000) CHECK(!ahead.next(a));
    }
    std::string late = rows;
    late.insert(late.find("<row r=\"15000\">") + 15, "<!-- expat decides -->");
    CHECK(std::count(late.begin(), late.end(), '\n') == 0);
    const std::string fine = same_both_ways("ahead-late.xlsx", sheet_xml(late), Expect::restart);
    CHECK(fine.find("14999:14999|项目|\n15000:15000|项目|\n15001:") != std::string::npos);
    std::string broken = rows;
    broken.insert(broken.find("<row r=\"15000\">") + 15, "<c r=\"Z15000\"><v>1</c>");
    const std::string got = same_both_ways("ahead-broken.xlsx", sheet_xml(broken), Expect::restart);
    CHECK(got.find("14999:14999|项目|\nERROR ") != std::string::npos);
    CHECK(got.find("!Sheet1!15000 the sheet's XML is broken at line 4: mismatched tag") != std::string::npos);
}

TEST_CASE("xlsx fast path: </sheetData> is found wherever a read cuts it, in rows full of 'h' (row heights)") {
    // The end of the rows is looked for by memchr for the 'h' of "</sheetData>". WPS
    // writes ht="…" on every row, so the search meets an 'h' in every row; and the
    // part is inflated 256 KiB at a time, so the end tag is put across that edge at
    // every offset (the head, the rows and the tag are plain ASCII).
    constexpr std::size_t read_edge = std::size_t{1} << 18;
    const std::string head = std::string(xml_head) + "<worksheet" + main_ns + ">\n<sheetData>\n";
    std::string rows;
    for (int r = 1; rows.size() < read_edge - 400; ++r) {
        const std::string n = std::to_string(r);
        rows += "<row r=\"" + n + "\" ht=\"15\" customHeight=\"1\"><c r=\"A" + n + "\"><v>" + n +
                "</v></c><c r=\"B" + n + "\" t=\"inlineStr\"><is><t>height h</t></is></c></row>";
    }
    for (std::size_t shift = 0; shift <= 13; ++shift) {
        // One more row padded so that "</sheetData>" starts `shift` bytes before the edge … 1 after.
        const std::size_t tag_at = read_edge - 12 + shift;
        const std::string open = "<row r=\"99999\" ht=\"15\"><c r=\"A99999\" t=\"inlineStr\"><is><t>";
        const std::string close = "</t></is></c></row>\n";
        const std::size_t used = head.size() + rows.size() + open.size() + close.size();
        REQUIRE(used < tag_at);
        const std::string sheet = head + rows + open + std::string(tag_at - used, 'h') + close +
                                  "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>";
        REQUIRE(sheet.find("</sheetData>") == tag_at);
        const std::string name = "fast-end-" + std::to_string(shift) + ".xlsx";
        CAPTURE(name);
        const std::string got = same_both_ways(name, sheet, Expect::fast);
        CHECK(got.find("\n99999:hhh") != std::string::npos);
        CHECK(got.ends_with("h|\n"));
    }
}

TEST_CASE("xlsx fast path: after rows were handed out, expat reads again from the start and passes over them") {
    // About 600 KB of rows: several fragments. Row 9000 is one only expat may judge.
    const auto rows_with = [](const std::string& row_9000) {
        std::string rows;
        for (int r = 1; r <= 10000; ++r) {
            const std::string n = std::to_string(r);
            rows += r == 9000 ? row_9000
                              : "<row r=\"" + n + "\"><c r=\"A" + n + "\"><v>" + n + "</v></c><c r=\"B" + n + "\" t=\"s\"><v>0</v></c></row>";
        }
        return rows;
    };
    const std::string fine = same_both_ways(
        "fast-late-comment.xlsx", sheet_xml(rows_with(R"(<row r="9000"><!-- x --><c r="A9000"><v>9000</v></c></row>)")),
        Expect::restart);
    CHECK(fine.find("8999:8999|项目|\n9000:9000|\n9001:9001|项目|") != std::string::npos);
    CHECK(std::count(fine.begin(), fine.end(), '\n') == 10000);
    const std::string broken = same_both_ways(
        "fast-late-broken.xlsx", sheet_xml(rows_with(R"(<row r="9000"><c r="A9000"><v>1</c></row>)")), Expect::restart);
    CHECK(broken.find("8999:8999|项目|\nERROR ") != std::string::npos);
    CHECK(broken.find("!Sheet1!9000 the sheet's XML is broken at line 4: mismatched tag") != std::string::npos);
    // A bad cell late in a plain sheet: the fast path's own message, the same.
    const std::string bad = same_both_ways(
        "fast-late-number.xlsx", sheet_xml(rows_with(R"(<row r="9000"><c r="A9000"><v>1,5</v></c></row>)")), Expect::fast);
    CHECK(bad.find("!Sheet1!A9000 the number cell holds \"1,5\"") != std::string::npos);
}

} // namespace
} // namespace perfbudget::test
