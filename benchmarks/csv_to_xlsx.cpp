// csv_to_xlsx — writes CSV tables into one .xlsx workbook the way a finance
// officer's spreadsheet holds them: numbers as number cells, `95%` as a number
// in a percent format, `2023-10-31` as a date cell, text as shared strings, and
// (with --merge) runs of equal cells in the named columns merged vertically, as
// 项目编号 / 一级指标 / 二级指标 are in a real indicator table.
//
//   csv_to_xlsx OUT.xlsx SHEET=FILE.csv [SHEET=FILE.csv ...] [--merge col,col,...]
//
// Test and benchmark fixtures only (the tests and benchmarks build workbooks from
// readable CSV with it). An .xlsx number cell is a binary double, as Excel's
// own are; this tool is where the fixtures get them, never the library.
#include "perfbudget/input.hpp"

#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Table = std::vector<std::vector<std::string>>;

Table read_csv(const std::string& path) {
    perfbudget::CsvReader csv(path);
    Table t;
    std::vector<std::string_view> fields;
    while (csv.next(fields)) t.emplace_back(fields.begin(), fields.end());
    return t;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string part; std::getline(in, part, sep);) out.push_back(part);
    return out;
}

struct Formats {
    lxw_format* percent;
    lxw_format* date;
};

void write_cell(lxw_worksheet* sheet, lxw_row_t r, lxw_col_t c, const std::string& text, const Formats& f) {
    static const std::regex number(R"(-?[0-9]+(\.[0-9]+)?)"), percent(R"((-?[0-9]+(\.[0-9]+)?)%)"),
        date(R"(([0-9]{4})-([0-9]{2})-([0-9]{2}))");
    std::smatch m;
    if (text.empty()) return;
    // A leading zero ("007") is an identifier that Excel users keep as text.
    const bool leading_zero = text.size() > 1 && text[0] == '0' && text[1] != '.';
    if (!leading_zero && std::regex_match(text, number)) {
        worksheet_write_number(sheet, r, c, std::strtod(text.c_str(), nullptr), nullptr);
    } else if (std::regex_match(text, m, percent)) {
        worksheet_write_number(sheet, r, c, std::strtod(m[1].str().c_str(), nullptr) / 100, f.percent);
    } else if (std::regex_match(text, m, date)) {
        lxw_datetime dt{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), 0, 0, 0};
        worksheet_write_datetime(sheet, r, c, &dt, f.date);
    } else {
        worksheet_write_string(sheet, r, c, text.c_str(), nullptr);
    }
}

/// Merges vertical runs of equal text in column `c`, each run inside the runs of
/// the columns merged before it (a level-1 cell never spans two projects).
void merge_runs(lxw_worksheet* sheet, const Table& t, std::size_t c, std::vector<std::size_t>& run_start) {
    std::size_t start = 1;
    for (std::size_t r = 2; r <= t.size(); ++r) {
        const bool same = r < t.size() && c < t[r].size() && c < t[start].size() && t[r][c] == t[start][c] &&
                          !t[r][c].empty() && run_start[r] == run_start[start];
        if (same) continue;
        if (r - 1 > start)
            worksheet_merge_range(sheet, static_cast<lxw_row_t>(start), static_cast<lxw_col_t>(c),
                                  static_cast<lxw_row_t>(r - 1), static_cast<lxw_col_t>(c), t[start][c].c_str(), nullptr);
        start = r;
    }
    // Rows now start a run of this column when they start one of its value.
    std::size_t s = 1;
    for (std::size_t r = 1; r < t.size(); ++r) {
        if (r == 1 || run_start[r] != run_start[r - 1] || c >= t[r].size() || c >= t[r - 1].size() ||
            t[r][c] != t[r - 1][c])
            s = r;
        run_start[r] = s;
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: csv_to_xlsx OUT.xlsx SHEET=FILE.csv [SHEET=FILE.csv ...] [--merge col,col,...]\n";
        return 2;
    }
    std::vector<std::string> merge;
    std::vector<std::pair<std::string, std::string>> sheets;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--merge" && i + 1 < argc) merge = split(argv[++i], ',');
        else if (const auto eq = a.find('='); eq != std::string::npos) sheets.emplace_back(a.substr(0, eq), a.substr(eq + 1));
        else {
            std::cerr << "csv_to_xlsx: bad argument " << a << "\n";
            return 2;
        }
    }
    try {
        lxw_workbook* book = workbook_new(argv[1]);
        if (!book) throw std::runtime_error(std::string("cannot create ") + argv[1]);
        Formats f{workbook_add_format(book), workbook_add_format(book)};
        format_set_num_format(f.percent, "0.##%");
        format_set_num_format(f.date, "yyyy-mm-dd");
        for (const auto& [name, path] : sheets) {
            const Table t = read_csv(path);
            lxw_worksheet* sheet = workbook_add_worksheet(book, name.c_str());
            for (std::size_t r = 0; r < t.size(); ++r)
                for (std::size_t c = 0; c < t[r].size(); ++c)
                    write_cell(sheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), t[r][c], f);
            if (t.empty()) continue;
            std::vector<std::size_t> run_start(t.size(), 1);
            for (const std::string& col : merge)
                for (std::size_t c = 0; c < t[0].size(); ++c)
                    if (t[0][c] == col) merge_runs(sheet, t, c, run_start);
        }
        if (const lxw_error e = workbook_close(book); e != LXW_NO_ERROR)
            throw std::runtime_error(std::string("cannot write ") + argv[1] + ": " + lxw_strerror(e));
    } catch (const std::exception& e) {
        std::cerr << "csv_to_xlsx: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
