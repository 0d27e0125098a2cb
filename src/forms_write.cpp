// forms.hpp: writing self-evaluation forms back (`perfbudget evaluate --forms …
// --format forms`) with perfbudget's 执行率, 得分 and 总分 filled in.
//
// libxlsxwriter writes new workbooks only; it cannot edit the unit's file, so
// the form is re-created in the national layout from what was read
// (docs/forms.md). An .xlsx number cell is an IEEE double (Excel's own type):
// each number is the exact figure's text converted here, at the file format's
// boundary, as in report_xlsx.cpp; text of more than 15 significant digits
// stays text, so no cell is ever wrong.
#include "perfbudget/forms.hpp"

#include "perfbudget/explain.hpp"
#include "perfbudget/output.hpp"
#include "xlsx_book.hpp"

#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <map>

namespace perfbudget {

namespace {

/// An amount in 万元 with no trailing zeros: 3365000.00 yuan → "336.5".
std::string wan_text(Money m) {
    std::string s = Decimal::from_units(m.fen()).to_string(6);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string score_text(const std::optional<Decimal>& d) { return d ? d->to_string(2) : std::string(); }

bool starts_with_operator(const std::string& t) {
    for (std::string_view op : {"≥", "≤", ">", "<", "=", "＞", "＜", "＝", "≧", "≦"})
        if (t.rfind(op, 0) == 0) return true;
    return false;
}

/// A number cell text with the row's unit after it, unless written there already.
std::string with_unit(const std::string& text, const std::string& unit) {
    if (text.empty() || unit.empty() || (text.size() >= unit.size() && text.compare(text.size() - unit.size(), unit.size(), unit) == 0))
        return text;
    return text + unit;
}

/// The target as the national layout writes it: operator, value and unit in one
/// cell (`≥320公里`), so a Sichuan form's 指标性质 and 度量单位 columns survive.
std::string target_cell(const FormIndicator& row, const Indicator& ind) {
    if (ind.direction == Direction::qual || ind.direction == Direction::date) return row.target_text;
    std::string t = with_unit(row.target_text, ind.unit);
    if (!starts_with_operator(t)) t = std::string(ind.direction == Direction::ge ? "≥" : ind.direction == Direction::le ? "≤" : "=") + t;
    return t;
}

std::string actual_cell(const FormIndicator& row, const Indicator& ind) {
    if (ind.direction == Direction::qual || ind.direction == Direction::date) return row.actual_text;
    return with_unit(row.actual_text, ind.unit);
}

/// Builds the grid row by row, with merged ranges.
class GridBuilder {
public:
    explicit GridBuilder(SheetGrid& g) : g_(g) {}
    /// Starts a new row and returns its 1-based number.
    std::uint32_t row() {
        g_.cells.emplace_back(width, std::string());
        return static_cast<std::uint32_t>(g_.cells.size());
    }
    void set(std::uint32_t row, std::uint32_t column, std::string text) { g_.cells[row - 1][column - 1] = std::move(text); }
    /// Sets the top-left cell and merges the range (every cell of it holds the text, as a reader fills it).
    void merge(std::uint32_t r1, std::uint32_t c1, std::uint32_t r2, std::uint32_t c2, const std::string& text) {
        for (std::uint32_t r = r1; r <= r2; ++r)
            for (std::uint32_t c = c1; c <= c2; ++c) set(r, c, text);
        if (r1 != r2 || c1 != c2) g_.merges.push_back({r1, c1, r2, c2});
    }
    static constexpr std::uint32_t width = 9; // A…I

private:
    SheetGrid& g_;
};

/// Merges runs of equal texts down column `c` over rows [first, last].
void merge_runs(GridBuilder& b, SheetGrid& g, std::uint32_t c, std::uint32_t first, std::uint32_t last) {
    std::uint32_t start = first;
    for (std::uint32_t r = first + 1; r <= last + 1; ++r)
        if (r > last || g.cells[r - 1][c - 1] != g.cells[start - 1][c - 1]) {
            if (r - 1 > start) b.merge(start, c, r - 1, c, g.cells[start - 1][c - 1]);
            start = r;
        }
}

} // namespace

SheetGrid filled_form(const Form& form, const ProjectResult& result, const RuleBook& rules) {
    SheetGrid g;
    g.name = form.sheet;
    GridBuilder b(g);
    const Project& p = form.project;
    const auto last = GridBuilder::width;

    std::uint32_t r = b.row();
    b.merge(r, 1, r, last, "项目支出绩效自评表");
    r = b.row();
    b.merge(r, 1, r, last, p.year ? "（" + std::to_string(*p.year) + "年度）" : std::string());
    r = b.row();
    b.set(r, 1, "项目名称");
    b.merge(r, 2, r, last, p.name);
    r = b.row();
    b.set(r, 1, "主管部门");
    b.merge(r, 2, r, 4, p.department);
    b.set(r, 5, "实施单位");
    b.merge(r, 6, r, last, form.implementer);
    r = b.row();
    b.set(r, 1, "项目编号");
    b.merge(r, 2, r, last, p.id);

    // 项目资金（万元）: perfbudget's 执行率 and 得分.
    const std::uint32_t funds = b.row();
    const std::uint32_t totals = b.row();
    b.merge(funds, 1, totals, 1, "项目资金（万元）");
    const char* head[] = {"", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "单位自评得分"};
    for (std::uint32_t c = 0; c < 8; ++c) b.set(funds, c + 2, head[c]);
    b.set(totals, 2, "年度资金总额");
    b.set(totals, 3, form.initial_budget ? wan_text(*form.initial_budget) : std::string());
    b.set(totals, 4, wan_text(p.budget));
    b.set(totals, 5, wan_text(p.spent));
    const RuleSet* period = nullptr;
    try {
        period = &rules.for_year(p.year);
    } catch (const Error&) { // evaluated already: cannot happen for a form that has a result
    }
    b.set(totals, 6, form.exec_points ? form.exec_points->to_string(2) : period ? period->evaluation.execution.points.to_string(2) : "");
    b.set(totals, 7, result.exec_applicable ? result.exec_rate.rounded(4, RoundingMode::half_up).to_string(4) : std::string());
    if (result.exec_applicable) { // as a percentage text, so it is written as a percent cell
        Decimal rate = result.exec_rate.rounded(4, RoundingMode::half_up);
        b.set(totals, 7, Decimal::from_units(rate.units() * 100).to_string(2) + "%");
    }
    b.set(totals, 8, result.exec_score.to_string(2));
    b.set(totals, 9, score_text(form.own_exec_score));

    r = b.row();
    const std::uint32_t goal = b.row();
    b.merge(r, 1, goal, 1, "年度总体目标");
    b.merge(r, 2, r, 5, "预期目标");
    b.merge(r, 6, r, last, "实际完成情况");
    b.merge(goal, 2, goal, 5, form.goal);
    b.merge(goal, 6, goal, last, form.goal_actual);

    // The indicator table: perfbudget's 得分, the unit's beside it.
    const std::uint32_t header = b.row();
    const char* columns[] = {"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "单位自评得分",
                             "偏差原因分析及改进措施"};
    for (std::uint32_t c = 0; c < last; ++c) b.set(header, c + 1, columns[c]);
    for (std::size_t i = 0; i < p.indicators.size(); ++i) {
        const Indicator& ind = p.indicators[i];
        const FormIndicator& row = form.rows[i];
        r = b.row();
        b.set(r, 1, row.level1_text.empty() ? std::string(names::level1_zh[static_cast<std::size_t>(ind.level1)]) : row.level1_text);
        b.set(r, 2, row.level2_text.empty() ? std::string(names::level2_zh[static_cast<std::size_t>(ind.level2)]) : row.level2_text);
        b.set(r, 3, ind.name);
        b.set(r, 4, target_cell(row, ind));
        b.set(r, 5, actual_cell(row, ind));
        b.set(r, 6, ind.weight ? ind.weight->to_string(2) : std::string());
        b.set(r, 7, i < result.indicators.size() ? result.indicators[i].score.to_string(2) : std::string());
        b.set(r, 8, score_text(row.own_score));
        b.set(r, 9, row.note);
    }
    if (!p.indicators.empty()) {
        merge_runs(b, g, 1, header + 1, header + static_cast<std::uint32_t>(p.indicators.size()));
        merge_runs(b, g, 2, header + 1, header + static_cast<std::uint32_t>(p.indicators.size()));
    }
    r = b.row();
    b.merge(r, 1, r, 5, "总分");
    b.set(r, 6, (result.weight_total + (result.exec_applicable && period ? period->evaluation.execution.points : Decimal{})).to_string(2));
    b.set(r, 7, result.total.to_string(2));
    b.set(r, 8, score_text(form.own_total));
    if (period && result.grade < period->grades.bands.size()) b.set(r, 9, "评价等级：" + period->grades.bands[result.grade].zh);
    return g;
}

namespace {

/// A plain decimal (`-12.5`, `336.5`) of at most 15 significant digits, the text a
/// number cell can hold exactly; not a code with leading zeros (`007`).
bool is_plain_number(const std::string& s) {
    std::size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0, digits = 0, significant = 0;
    bool dot = false, leading = true;
    for (; i < s.size(); ++i) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9') return false;
        ++digits;
        if (s[i] != '0') leading = false;
        if (!leading) ++significant;
    }
    const std::size_t first = s[0] == '-' ? 1 : 0; // "007" is a code, not 7
    const bool leading_zero = s.size() > first + 1 && s[first] == '0' && s[first + 1] != '.';
    return digits > 0 && significant <= 15 && s.back() != '.' && s.front() != '.' && !leading_zero;
}

/// Excel's rules for a sheet name: at most 31 characters, none of []:*?/\, unique.
std::string sheet_name(const std::string& wanted, std::map<std::string, int>& used) {
    std::string name;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < wanted.size() && chars < 28;) {
        std::size_t len = 1;
        const auto b = static_cast<unsigned char>(wanted[i]);
        if (b >= 0xF0) len = 4;
        else if (b >= 0xE0) len = 3;
        else if (b >= 0xC0) len = 2;
        const std::string ch = wanted.substr(i, len);
        name += ch.find_first_of("[]:*?/\\") == std::string::npos ? ch : "_";
        i += len;
        ++chars;
    }
    if (name.empty()) name = "Sheet";
    const int n = used[name]++;
    return n == 0 ? name : name + "(" + std::to_string(n + 1) + ")";
}

[[noreturn]] void cannot_write(const std::string& path, const std::string& what) {
    throw Error({path, 0, 0}, "cannot write the workbook: " + what, "无法写入工作簿：" + what);
}

} // namespace

void write_sheets_xlsx(const std::string& path, const std::vector<SheetGrid>& sheets) {
    // Made aside, then copied through OutputFile like every other output: a failed
    // run leaves nothing, and a device or pipe named by --out is written, not replaced.
    const detail::WorkbookFile made;
    const std::string temp = made.path();
    lxw_workbook* book = workbook_new(temp.c_str());
    if (!book) cannot_write(path, "cannot create " + temp);
    lxw_format* cell = workbook_add_format(book);
    format_set_border(cell, LXW_BORDER_THIN);
    format_set_text_wrap(cell);
    format_set_align(cell, LXW_ALIGN_VERTICAL_CENTER);
    lxw_format* percent = workbook_add_format(book);
    format_set_border(percent, LXW_BORDER_THIN);
    format_set_num_format(percent, "0.00%");
    format_set_align(percent, LXW_ALIGN_VERTICAL_CENTER);
    lxw_format* title = workbook_add_format(book);
    format_set_bold(title);
    format_set_font_size(title, 16);
    format_set_align(title, LXW_ALIGN_CENTER);
    format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
    std::map<std::string, int> used;
    for (const SheetGrid& g : sheets) {
        lxw_worksheet* ws = workbook_add_worksheet(book, sheet_name(g.name, used).c_str());
        if (!ws) {
            workbook_close(book);
            std::remove(temp.c_str());
            cannot_write(path, "cannot add the sheet " + g.name);
        }
        worksheet_set_column(ws, 0, 1, 14, nullptr);
        worksheet_set_column(ws, 2, 2, 24, nullptr);
        worksheet_set_column(ws, 3, 8, 13, nullptr);
        worksheet_set_column(ws, 8, 8, 28, nullptr);
        const auto write = [&](lxw_row_t r, lxw_col_t c, const std::string& text, lxw_format* f) {
            if (f == cell && text.size() > 1 && text.back() == '%' && is_plain_number(text.substr(0, text.size() - 1))) {
                Decimal d; // exact: "94.56%" → 0.9456, then the boundary conversion
                if (parse_decimal(text, d).ok()) {
                    worksheet_write_number(ws, r, c, std::strtod(d.to_string().c_str(), nullptr), percent);
                    return;
                }
            }
            if (is_plain_number(text)) worksheet_write_number(ws, r, c, std::strtod(text.c_str(), nullptr), f);
            else if (text.empty()) worksheet_write_blank(ws, r, c, f);
            else worksheet_write_string(ws, r, c, text.c_str(), f);
        };
        for (std::size_t r = 0; r < g.cells.size(); ++r)
            for (std::size_t c = 0; c < g.cells[r].size(); ++c)
                write(static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), g.cells[r][c], r == 0 ? title : cell);
        for (const SheetGrid::Merge& m : g.merges) {
            const std::string& text = g.cells[m.first_row - 1][m.first_column - 1];
            lxw_format* f = m.first_row == 1 ? title : cell;
            worksheet_merge_range(ws, m.first_row - 1, static_cast<lxw_col_t>(m.first_column - 1), m.last_row - 1,
                                  static_cast<lxw_col_t>(m.last_column - 1), "", f);
            write(m.first_row - 1, static_cast<lxw_col_t>(m.first_column - 1), text, f); // typed, over the merge's blank
        }
        worksheet_set_row(ws, 0, 30, nullptr);
    }
    if (const lxw_error e = workbook_close(book); e != LXW_NO_ERROR) cannot_write(path, lxw_strerror(e));
    OutputFile out(path);
    made.copy_into(out);
    out.commit();
}

namespace {

/// The evaluate output (CSV or JSON) of the forms, as `evaluate --projects` writes it.
void write_results(const FormsOutput& o, const std::vector<Form>& forms, const FormResults& r, const RuleBook& rules) {
    OutputFile out(o.out);
    if (o.format == FormsFormat::json) {
        out.write("[\n");
        for (std::size_t i = 0; i < forms.size(); ++i) {
            write_json_project(out.buffer(), forms[i].project, r.results[i], rules, o.lang);
            out.write(i + 1 < forms.size() ? ",\n" : "\n");
        }
        out.write("]\n");
    } else {
        write_csv_header(out.buffer(), o.explain, rules);
        for (std::size_t i = 0; i < forms.size(); ++i) {
            const Project& p = forms[i].project;
            std::vector<ExplanationLine> lines;
            if (o.explain) lines = explain(p, r.results[i], rules, o.lang);
            write_csv_row(out.buffer(), p.id, p.department, {p.budget, p.spent, p.fund_source}, r.results[i], rules, p.year,
                          o.lang, o.explain ? &lines : nullptr);
        }
    }
    out.commit();
}

} // namespace

FormResults evaluate_forms(const std::vector<Form>& forms, const RuleBook& rules, const FormsOutput& output) {
    FormResults r = evaluate_forms(forms, rules);
    std::optional<OutputFile> differences; // written last, committed with the output
    if (!output.differences.empty()) {
        differences.emplace(output.differences);
        write_differences_csv(differences->buffer(), r.differences, true);
    }
    if (output.format == FormsFormat::forms) {
        std::vector<SheetGrid> sheets;
        for (std::size_t i = 0; i < forms.size(); ++i) sheets.push_back(filled_form(forms[i], r.results[i], rules));
        write_sheets_xlsx(output.out, sheets);
    } else {
        write_results(output, forms, r, rules);
    }
    if (differences) differences->commit();
    return r;
}

} // namespace perfbudget
