// What the two workbook writers share (internal): the report's (report_xlsx.cpp)
// and the results table of evaluate, monitor, review and assess (table_writer.cpp).
// Both use Debian's libxlsxwriter in constant-memory mode, so a sheet is written
// row by row and never held in memory.
//
// An .xlsx number cell is an IEEE double (Excel's own type). Every value written is
// the exact figure's text (money 2 places, or 6 in 万元; rates 4, scores 2),
// converted in write_exact_number() at the file format's boundary and nowhere else:
// the project's single use of double. A value of at most 15 significant digits is
// shown by Excel exactly and read back exactly by a 15-digit reading (SPEC §3a); a
// longer one (money from 10^13 yuan) is written as text, so no cell is ever wrong.
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/output.hpp"

#include <xlsxwriter.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace perfbudget::detail {

/// The workbook and its formats; closes it (writing the file) in close().
class Workbook {
public:
    explicit Workbook(const std::string& path) : path_(path) {
        lxw_workbook_options o{};
        o.constant_memory = LXW_TRUE;
        book_ = workbook_new_opt(path.c_str(), &o);
        if (!book_) fail(path, "cannot create the workbook");
        bold_ = workbook_add_format(book_);
        format_set_bold(bold_);
        format_set_bg_color(bold_, 0xF0F4F8);
        money_ = number_format("#,##0.00");
        rate_ = number_format("0.00%");
        score_ = number_format("0.00");
    }
    ~Workbook() {
        if (book_) workbook_close(book_); // an unfinished run: the caller removes the file
    }
    Workbook(const Workbook&) = delete;
    Workbook& operator=(const Workbook&) = delete;

    lxw_worksheet* sheet(const std::string& name) {
        lxw_worksheet* s = workbook_add_worksheet(book_, name.c_str());
        if (!s) fail(path_, "cannot add the sheet " + name);
        return s;
    }
    /// A cell format showing numbers as `num_format` ("#,##0.00").
    lxw_format* number_format(const char* num_format) {
        lxw_format* f = workbook_add_format(book_);
        format_set_num_format(f, num_format);
        return f;
    }
    void close() {
        const lxw_error e = workbook_close(book_);
        book_ = nullptr;
        if (e != LXW_NO_ERROR) fail(path_, lxw_strerror(e));
    }
    lxw_format *bold_ = nullptr, *money_ = nullptr, *rate_ = nullptr, *score_ = nullptr;

private:
    [[noreturn]] static void fail(const std::string& path, const std::string& what) {
        throw Error({path, 0, 0}, "cannot write the workbook: " + what, "无法写入工作簿：" + what);
    }
    std::string path_;
    lxw_workbook* book_ = nullptr;
};

/// Significant digits of an exact decimal text ("-0.0500" → 3: 500).
inline std::size_t significant_digits(std::string_view text) {
    std::size_t count = 0;
    bool leading = true;
    for (char c : text) {
        if (c < '0' || c > '9') continue;
        if (leading && c == '0') continue;
        leading = false;
        ++count;
    }
    return count;
}

/// An exact decimal text as a number cell, or as text beyond 15 significant
/// digits; empty: a blank cell. The one conversion to double (see above).
inline void write_exact_number(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const std::string& exact,
                               lxw_format* format) {
    if (exact.empty()) return;
    if (significant_digits(exact) > 15) {
        worksheet_write_string(sheet, row, col, exact.c_str(), format);
        return;
    }
    worksheet_write_number(sheet, row, col, std::strtod(exact.c_str(), nullptr), format);
}

/// A workbook file made aside (libxlsxwriter writes a file of its own) in the
/// temporary directory, removed when done; its bytes are then copied into the output.
class WorkbookFile {
public:
    WorkbookFile() {
        static std::atomic<unsigned> made{0}; // one name per workbook, threads included
        path_ = std::filesystem::temp_directory_path() /
                ("perfbudget-" + std::to_string(::getpid()) + "-" + std::to_string(made++) + ".xlsx");
    }
    ~WorkbookFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    WorkbookFile(const WorkbookFile&) = delete;
    WorkbookFile& operator=(const WorkbookFile&) = delete;
    std::string path() const { return path_.string(); }

    /// Appends the finished workbook to `out`, a block at a time.
    void copy_into(OutputFile& out) const {
        std::ifstream in(path_, std::ios::binary);
        std::string block(1 << 20, '\0');
        while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0)
            out.write(std::string_view(block.data(), static_cast<std::size_t>(in.gcount())));
        if (in.bad())
            throw Error({path(), 0, 0}, "cannot read the workbook made aside", "无法读取临时生成的工作簿");
    }

private:
    std::filesystem::path path_;
};

} // namespace perfbudget::detail
