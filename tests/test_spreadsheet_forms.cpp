// Spreadsheet forms of the input tables (SPEC §3a): title rows, Chinese headers
// with units, 万元, full-width characters, thousands separators, date forms and
// merged cells saved as CSV. Each expectation is written by hand.
#include "perfbudget/input.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>


using namespace perfbudget;

namespace {

/// Writes `bytes` to a fresh scratch file (support.hpp's folder) and returns its path.
std::string write_scratch(const std::string& name, const std::string& bytes) {
    static int counter = 0;
    const auto path = test::scratch_file("spreadsheet-forms", std::to_string(++counter) + "-" + name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
}

struct ProjectRow {
    Project project;
    bool ok = false;
    std::vector<Diagnostic> problems;
};

/// Every row of a projects file.
std::vector<ProjectRow> read_project_rows(const std::string& text, const InputOptions& options = {},
                                          std::vector<Diagnostic>* notices = nullptr) {
    ProjectReader r(write_scratch("projects.csv", text), options);
    if (notices) *notices = r.notices();
    std::vector<ProjectRow> rows;
    ProjectRow row;
    while (r.next(row.project, row.ok, row.problems)) {
        rows.push_back(row);
        row.problems.clear();
    }
    return rows;
}

struct IndicatorRow {
    std::string project_id;
    Indicator indicator;
    bool ok = false;
    std::vector<Diagnostic> problems;
};

std::vector<IndicatorRow> read_indicator_rows(const std::string& text, const InputOptions& options = {}) {
    IndicatorReader r(write_scratch("indicators.csv", text), options);
    std::vector<IndicatorRow> rows;
    IndicatorRow row;
    while (r.next(row.project_id, row.indicator, row.ok, row.problems)) {
        rows.push_back(row);
        row.problems.clear();
    }
    return rows;
}

const std::string indicators_header = "project_id,level1,level2,name,direction,target,actual,unit,weight\n";

/// The actual value of a one-row indicators file, or the first problem's English text.
std::string actual_of(const std::string& row) {
    const auto rows = read_indicator_rows(indicators_header + row + "\n");
    REQUIRE(rows.size() == 1);
    if (!rows[0].problems.empty()) return rows[0].problems[0].en;
    const Measure& m = rows[0].indicator.actual;
    if (const auto* d = std::get_if<Decimal>(&m)) return d->to_string();
    if (const auto* d = std::get_if<Date>(&m)) return perfbudget::to_string(*d);
    return "?";
}

std::string problem_of(const std::vector<ProjectRow>& rows, std::size_t i) {
    REQUIRE(rows.size() > i);
    REQUIRE_FALSE(rows[i].problems.empty());
    return rows[i].problems[0].en;
}

} // namespace

TEST_CASE("title rows: the header is the first row naming every required column; rows above it are skipped") {
    std::vector<Diagnostic> notices;
    const auto rows = read_project_rows("2023年度项目支出绩效自评汇总表,,,,\n"
                                        "填报单位：某县财政局,,,,\n"
                                        "\n"
                                        "项目编号,项目名称,主管部门,全年预算数,全年执行数\n"
                                        "P1,培训,县教育局,1000.00,800.00\n",
                                        {}, &notices);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].ok);
    CHECK(rows[0].project.budget == Money::parse("1000"));
    CHECK(rows[0].project.source_line == 5);
    REQUIRE_FALSE(notices.empty());
    CHECK(notices[0].where.line == 4);
    CHECK(notices[0].en == "the header is on line 4: 2 row(s) above it (a title, a unit line) are skipped");
}

TEST_CASE("title rows: no header among the first 10 rows reports the row naming the most columns") {
    std::string text = "标题\n";
    text += "project_id,name,budget,spent\n"; // department missing
    for (int i = 0; i < 12; ++i) text += "P" + std::to_string(i) + ",a,1,1\n";
    const std::string path = write_scratch("projects.csv", text);
    try {
        ProjectReader r(path);
        FAIL("expected an Error");
    } catch (const Error& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].where.line == 2);
        CHECK(e.diagnostics()[0].en == "missing required column \"department\" (预算单位、主管部门、部门、单位名称)");
    }
}

TEST_CASE("headers: units in brackets, line breaks and spaces; money headers in 万元 read exactly") {
    const auto rows = read_project_rows("项目编号,项目名称,主管部门,\"全年预算数\n（万元）\",全年执行数(万元),预算年度\n"
                                        "P1,培训,县教育局,123.456789,0.01,2023\n"
                                        "P2,培训,县教育局,1.5,1.500000,2023\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].ok);
    CHECK(rows[0].project.budget.fen() == 123456789); // 123.456789 万元 = 1,234,567.89 元
    CHECK(rows[0].project.spent.fen() == 10000);      // 0.01 万元 = 100 元
    CHECK(rows[1].project.budget == Money::parse("15000"));
    CHECK(rows[1].project.spent == Money::parse("15000"));

    // A seventh decimal in 万元 is less than a fen.
    const auto bad = read_project_rows("project_id,name,department,budget（万元）,spent\nP1,a,d,1.2345678,1\n");
    CHECK(problem_of(bad, 0) ==
          "column \"budget（万元）\": \"1.2345678\" — expected at most 6 decimal places in 万元 (one fen)");

    // 元 in the header is the default; other units are refused, not guessed.
    const auto yuan = read_project_rows("project_id,name,department,budget（元）,spent\nP1,a,d,12.34,1\n");
    CHECK(yuan.at(0).project.budget.fen() == 1234);
    try {
        ProjectReader r(write_scratch("p.csv", "project_id,name,department,budget（千元）,spent\n"));
        FAIL("expected an Error");
    } catch (const Error& e) {
        CHECK(e.diagnostics().at(0).en ==
              "column \"budget（千元）\": the unit \"千元\" is not one perfbudget reads: 元 or 万元");
    }
}

TEST_CASE("money unit: --money-unit wan for columns without a unit; a header's own unit wins") {
    InputOptions wan;
    wan.money_unit = MoneyUnit::wan;
    const auto rows = read_project_rows("project_id,name,department,budget,spent（元）\nP1,a,d,2.5,800.5\n", wan);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].project.budget == Money::parse("25000"));
    CHECK(rows[0].project.spent == Money::parse("800.50"));
}

TEST_CASE("money unit: a unit line above the header (单位：万元) applies to money columns without one, with a notice") {
    std::vector<Diagnostic> notices;
    const auto rows = read_project_rows("项目支出汇总表\n单位：万元\nproject_id,name,department,budget,spent\nP1,a,d,3,2.75\n",
                                        {}, &notices);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].project.budget == Money::parse("30000"));
    CHECK(rows[0].project.spent == Money::parse("27500"));
    REQUIRE(notices.size() == 2);
    CHECK(notices[1].where.line == 2);
    CHECK(notices[1].en == "amounts in columns without a unit are read in 万元, as this line above the header says");

    // A title that merely mentions 万元 is not a unit line.
    const auto title = read_project_rows("100万元以上项目汇总表\nproject_id,name,department,budget,spent\nP1,a,d,3,2\n");
    CHECK(title.at(0).project.budget == Money::parse("3"));
}

TEST_CASE("numbers: full-width digits, point, minus, percent and spaces read as ASCII") {
    CHECK(actual_of("P1,output,quantity,n,ge,100,１２３４．５,个,10") == "1234.5");
    CHECK(actual_of("P1,output,quantity,n,ge,100,\xE3\x80\x80" "98\xE3\x80\x80,个,10") == "98");
    CHECK(actual_of("P1,output,quality,n,ge,95%,９８．５％,,10") == "0.985");
    CHECK(actual_of("P1,output,quality,n,ge,95,９８．５,％,10") == "0.985"); // a percentage unit, full-width
    CHECK(actual_of("P1,output,cost,n,le,100,－５,元,10") == "-5");
    // A full-width space inside a number joins nothing.
    CHECK(actual_of("P1,output,quantity,n,ge,100,1\xE3\x80\x80" "2,个,10") ==
          "column \"actual\": \"1<U+3000 full-width space>2\" — expected a plain decimal number such as 1234.56 or 95%");
}

TEST_CASE("numbers: thousands separators only where they group three digits") {
    CHECK(actual_of("P1,output,quantity,n,ge,100,\"1,234,567.89\",个,10") == "1234567.89");
    CHECK(actual_of("P1,output,quantity,n,ge,100,\"-1,234\",个,10") == "-1234");
    CHECK(actual_of("P1,output,quantity,n,ge,100,\"１,２３４\",个,10") == "1234");
    const std::string grouped = " — expected thousands separators that group three digits, as in 1,234,567.89";
    CHECK(actual_of("P1,output,quantity,n,ge,100,\"1,23\",个,10") == "column \"actual\": \"1,23\"" + grouped);
    CHECK(actual_of("P1,output,quantity,n,ge,100,\"12345,678\",个,10") == "column \"actual\": \"12345,678\"" + grouped);
    CHECK(actual_of("P1,output,quantity,n,ge,100,\"1,234.5,6\",个,10") == "column \"actual\": \"1,234.5,6\"" + grouped);
    CHECK(actual_of("P1,output,quantity,n,ge,100,\"1，234\",个,10") ==
          "column \"actual\": \"1，234\" — expected a number without a full-width comma (，); thousands are grouped with , "
          "as in 1,234,567.89");

    const auto money = read_project_rows("project_id,name,department,budget,spent\nP1,a,d,\"1,000,000.00\",\"８１２,３４５．６７\"\n");
    CHECK(money.at(0).ok);
    CHECK(money.at(0).project.budget == Money::parse("1000000"));
    CHECK(money.at(0).project.spent == Money::parse("812345.67"));
}

TEST_CASE("numbers: a currency sign or unit in an amount is an error with a hint") {
    const std::string hint = " — expected a plain amount without a currency sign or unit; the unit of a money column goes in "
                             "its header, e.g. 全年预算数（万元）, or --money-unit wan";
    const auto rows = read_project_rows("project_id,name,department,budget,spent\n"
                                        "P1,a,d,¥1000,1\n"
                                        "P2,a,d,1000元,1\n"
                                        "P3,a,d,12万元,1\n");
    CHECK(problem_of(rows, 0) == "column \"budget\": \"¥1000\"" + hint);
    CHECK(problem_of(rows, 1) == "column \"budget\": \"1000元\"" + hint);
    CHECK(problem_of(rows, 2) == "column \"budget\": \"12万元\"" + hint);
}

TEST_CASE("dates: 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日 and full-width digits; nothing else") {
    const std::string row = "P1,output,timeliness,n,date,2024-06-30,";
    CHECK(actual_of(row + "2024-01-05,,10") == "2024-01-05");
    CHECK(actual_of(row + "2024/1/5,,10") == "2024-01-05");
    CHECK(actual_of(row + "2024/12/31,,10") == "2024-12-31");
    CHECK(actual_of(row + "2024.1.5,,10") == "2024-01-05");
    CHECK(actual_of(row + "2024年1月5日,,10") == "2024-01-05");
    CHECK(actual_of(row + "２０２４年１２月３１日,,10") == "2024-12-31");
    const std::string expected = " — expected a date that exists in the calendar, written 2023-10-31, 2023/10/31, "
                                 "2023.10.31 or 2023年10月31日";
    CHECK(actual_of(row + "2024/1-5,,10") == "column \"actual\": \"2024/1-5\"" + expected);
    CHECK(actual_of(row + "2023/2/29,,10") == "column \"actual\": \"2023/2/29\"" + expected);
    CHECK(actual_of(row + "2024年1月5,,10") == "column \"actual\": \"2024年1月5\"" + expected);
    CHECK(actual_of(row + "24/1/5,,10") == "column \"actual\": \"24/1/5\"" + expected);
    CHECK(actual_of(row + "2024/001/5,,10") == "column \"actual\": \"2024/001/5\"" + expected);
}

TEST_CASE("merged cells: without --fill-down one message with the hint; with it, cells filled from the row above") {
    const std::string text = indicators_header + "P1,output,quantity,a,ge,1,1,个,10\n"
                                                 ",,quality,b,ge,1,1,个,10\n"
                                                 ",benefit,social,c,ge,1,1,个,10\n"
                                                 "P2,output,quantity,d,ge,1,1,个,10\n"
                                                 ",,,e,ge,1,1,个,10\n";
    const auto rows = read_indicator_rows(text);
    REQUIRE(rows.size() == 5);
    CHECK(rows[0].ok);
    CHECK_FALSE(rows[1].ok);
    REQUIRE(rows[1].problems.size() == 1);
    CHECK(rows[1].problems[0].where.line == 3);
    CHECK(rows[1].problems[0].en ==
          "column \"project_id\" is blank under \"P1\": merged cells saved as CSV? --fill-down fills blank project_id, "
          "level1, level2 cells from the row above (further rows like this are not listed)");
    // The rest are refused quietly: no flood, and no consequences reported (unknown project, empty level).
    CHECK_FALSE(rows[2].ok);
    CHECK(rows[2].problems.empty());
    CHECK(rows[3].ok);
    CHECK_FALSE(rows[4].ok);
    CHECK(rows[4].problems.empty());

    InputOptions fill;
    fill.fill_down = true;
    const auto filled = read_indicator_rows(text, fill);
    REQUIRE(filled.size() == 5);
    for (const auto& r : filled) CHECK(r.ok);
    CHECK(filled[1].project_id == "P1");
    CHECK(filled[1].indicator.level1 == Level1::output);
    CHECK(filled[1].indicator.level2 == Level2::quality);
    CHECK(filled[2].project_id == "P1");
    CHECK(filled[2].indicator.level1 == Level1::benefit);
    CHECK(filled[4].project_id == "P2");
    CHECK(filled[4].indicator.level2 == Level2::quantity);

    // A blank first row has nothing above it: the usual empty-cell message.
    const auto first = read_indicator_rows(indicators_header + ",output,quantity,a,ge,1,1,个,10\n", fill);
    CHECK(first.at(0).problems.at(0).en == "column \"project_id\": \"\" — expected a project id, not an empty cell");
}

TEST_CASE("merged cells: a department merged down in projects.csv") {
    const std::string text = "project_id,name,department,budget,spent\nP1,a,县教育局,1,1\nP2,b,,1,1\n";
    const auto rows = read_project_rows(text);
    CHECK(problem_of(rows, 1) ==
          "column \"department\" is blank under \"县教育局\": merged cells saved as CSV? --fill-down fills blank department "
          "cells from the row above (further rows like this are not listed)");
    InputOptions fill;
    fill.fill_down = true;
    const auto filled = read_project_rows(text, fill);
    CHECK(filled.at(1).ok);
    CHECK(filled.at(1).project.department == "县教育局");
}
