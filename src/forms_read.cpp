// forms.hpp: read_forms() — workbook or folder → sheets → grid → parse_form().
// Built only with the .xlsx reader (src/xlsx.cpp, CMakeLists.txt); without it
// src/forms_read_unavailable.cpp says so.
#include "perfbudget/forms.hpp"

#include "xlsx.hpp"

#include <algorithm>
#include <filesystem>

namespace perfbudget {

namespace {

namespace fs = std::filesystem;

bool is_xlsx_name(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".xlsx" && p.filename().string().rfind("~$", 0) != 0; // ~$…: Excel's lock file of an open book
}

/// The workbooks a --forms PATH names: the file, or a folder's .xlsx files by name.
std::vector<std::string> workbooks_of(const std::string& path) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return {path};
    std::vector<std::string> books;
    for (const fs::directory_entry& e : fs::directory_iterator(path, ec))
        if (e.is_regular_file(ec) && is_xlsx_name(e.path())) books.push_back(e.path().string());
    if (ec) throw Error({path, 0, 0}, "cannot read the folder: " + ec.message(), "无法读取文件夹：" + ec.message());
    std::sort(books.begin(), books.end());
    if (books.empty())
        throw Error({path, 0, 0}, "the folder holds no .xlsx workbook", "文件夹中没有 .xlsx 工作簿");
    return books;
}

} // namespace

FormsRead read_forms(const std::string& path, const RuleBook& rules) {
    FormsRead out;
    std::vector<Diagnostic> problems;
    for (const std::string& book_path : workbooks_of(path)) {
        try {
            const detail::xlsx::Workbook book(book_path);
            for (std::size_t i = 0; i < book.sheet_count(); ++i) {
                detail::xlsx::Sheet sheet = book.open(i);
                const Grid grid = detail::xlsx::read_grid(sheet);
                FormReading r = parse_form(grid, sheet.location(), sheet.name(), rules);
                problems.insert(problems.end(), r.problems.begin(), r.problems.end());
                out.notices.insert(out.notices.end(), r.notices.begin(), r.notices.end());
                if (r.form) out.forms.push_back(std::move(*r.form));
            }
        } catch (const Error& e) {
            problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    }
    // One project per form: a 项目编号 written on two forms is a mistake.
    for (std::size_t i = 0; i < out.forms.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (out.forms[i].project.id == out.forms[j].project.id) {
                const Form &form = out.forms[i], &first = out.forms[j];
                Diagnostic d;
                d.where = SourceLocation{form.location, 0, 0, true};
                d.en = "project " + form.project.id + " is also the form " + first.location;
                d.zh = "项目 " + form.project.id + " 与自评表 " + first.location + " 重复";
                problems.push_back(std::move(d));
                break;
            }
    if (!problems.empty()) throw Error(std::move(problems));
    if (out.forms.empty())
        throw Error({path, 0, 0}, "no self-evaluation form (项目支出绩效自评表) found", "未找到项目支出绩效自评表");
    return out;
}

} // namespace perfbudget
