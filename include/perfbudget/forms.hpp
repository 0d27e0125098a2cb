// perfbudget/forms.hpp — the standard self-evaluation form (项目支出绩效自评表,
// the form of 财预〔2020〕10号's attachment; SPEC §3b) as an input.
//
// A filled form is one project on one sheet. Its parts are found by their labels,
// not by fixed cells (counties move rows): the title, （YYYY年度）, 项目名称,
// 主管部门, 实施单位, 项目编号/项目代码, the funds block and the indicator table up
// to 总分. Two layouts are read: the national one (项目资金（万元）… 年度资金总额;
// 一级指标 … 年度指标值 实际完成值 分值 得分 …) and Sichuan's (预算执行情况（10分）
// … 调整后预算数; 一级指标 … 指标性质 指标值 度量单位 完成值 权重 得分 …).
//
// The parser works on a grid of cell texts, each written as a user would type
// it into a CSV cell (what the .xlsx reader's read_grid() gives, merged ranges
// filled from their top-left cell), so it is tested without any workbook.
// read_forms() is the layer "workbook or folder → sheets → grid → parse".
//
// Besides the Project, a Form keeps what the unit filled in itself (得分 per
// indicator, the funds 得分, 总分) so that perfbudget's scores can be compared
// with the unit's (score_differences()), and the form can be written back with
// perfbudget's figures (write_forms_xlsx()).
#pragma once

#include "perfbudget/error.hpp"
#include "perfbudget/evaluate.hpp"
#include "perfbudget/model.hpp"
#include "perfbudget/rules.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfbudget {

/// Cell texts by row and column: grid[r][c] is row r+1, column c+1. Rows may be
/// shorter than others; missing cells are empty.
using Grid = std::vector<std::vector<std::string>>;

/// Which province's form a sheet is.
enum class FormLayout : std::uint8_t {
    national, // 财预〔2020〕10号: 项目资金（万元）, 年度指标值 实际完成值 分值 得分
    sichuan,  // 预算执行情况（10分）, 指标性质 指标值 度量单位 完成值 权重 得分
};

/// A 1-based cell of the sheet (row 0: not present on the form).
struct FormCell {
    std::uint32_t row = 0;
    std::uint32_t column = 0;
};

/// One indicator row as written on the form, beside the Indicator it became.
struct FormIndicator {
    std::uint32_t row = 0;
    std::string level1_text;  // 一级指标 cell as written, e.g. 产出指标（50分）
    std::string level2_text;
    std::string target_text;  // 年度指标值 / 指标值
    std::string actual_text;  // 实际完成值 / 完成值
    std::string note;         // 偏差原因分析及改进措施 / 未完成原因分析
    std::optional<Decimal> own_score; // the unit's own 得分
    FormCell score_cell;      // where 得分 is
};

/// One filled form read from a sheet.
struct Form {
    FormLayout layout = FormLayout::national;
    std::string location; // "book.xlsx!Sheet": the file part of every cell's SourceLocation
    std::string sheet;    // the sheet's name
    Project project;      // id, name, department, year, budget, spent, indicators
    std::string implementer;   // 实施单位
    std::string goal;          // 年度总体目标: 预期目标
    std::string goal_actual;   // 年度总体目标: 实际完成情况
    std::optional<Money> initial_budget; // 年初预算数
    std::optional<Decimal> exec_points;  // 分值 / 权重 of the funds block
    std::optional<Decimal> own_exec_rate;  // the unit's 执行率 (a fraction: 95% is 0.95)
    std::optional<Decimal> own_exec_score; // the unit's funds 得分
    std::optional<Decimal> own_total;      // the unit's 总分
    FormCell exec_score_cell, total_cell;
    std::vector<FormIndicator> rows; // one per project.indicators[i]
};

/// A sheet read as a form, or why it was skipped.
struct FormReading {
    std::optional<Form> form;           // empty when the sheet is not a form or has errors
    std::vector<Diagnostic> problems;   // errors, each at its cell
    std::vector<Diagnostic> notices;    // e.g. a tier percentage outside the tier, a skipped sheet
};

/// True when the grid carries the title 项目支出绩效自评表 in its first rows.
bool is_form(const Grid& grid);

/// Reads one form. `location` is "book.xlsx!Sheet" (messages name its cells:
/// "book.xlsx!Sheet!F12"); `sheet` is the sheet's name, the project id when the
/// form has no 项目编号/项目代码. `rules` give the qualitative tiers' ranges (the
/// period for the form's year). A grid that is not a form gives a notice and no form.
FormReading parse_form(const Grid& grid, const std::string& location, const std::string& sheet, const RuleBook& rules);

/// Splits a target cell into direction, value and unit: `≥50个` → ge, 50, 个;
/// `≤90万元` → le, 90, 万元; `=100%` → eq, 1 (100%), %; `≥100百分比` → ge, 1, 百分比;
/// `2023年10月31日前` and `≤2023-10-31` → date; a sentence → qual (no value).
/// A number without an operator is `eq`. Returns false (and sets `why_en/zh`)
/// when the text has an operator but no readable value.
struct TargetParts {
    Direction direction = Direction::eq;
    Measure value;
    std::string unit;
    bool has_operator = false;
};
bool split_target(std::string_view text, TargetParts& out, std::string& why_en, std::string& why_zh);

/// The tier a qualitative 实际完成值 names: 达成预期指标/达成年度指标 (A), 部分达成…
/// (B), 未达成… (C), or A/B/C and the labels of SPEC §2.
std::optional<Tier> tier_of_phrase(std::string_view text);

/// Where a unit's own score differs from perfbudget's.
struct ScoreDifference {
    std::string project_id;
    std::string item;       // "exec_score", "total" or the indicator's name
    SourceLocation where;   // the unit's 得分 cell
    Decimal own;
    Decimal computed;
};

/// The unit's filled-in scores that differ from perfbudget's `result` (the funds
/// 得分, each indicator's 得分, 总分; cells left empty are not compared).
std::vector<ScoreDifference> score_differences(const Form& form, const ProjectResult& result);

/// Appends the differences as CSV (header when `header`): project_id, cell, item,
/// own_score, perfbudget_score, difference (perfbudget − own).
void write_differences_csv(std::string& out, const std::vector<ScoreDifference>& diffs, bool header);

/// A sheet to write: its name, cells (plain decimals and `90%` become numeric
/// cells, everything else text) and merged ranges.
struct SheetGrid {
    struct Merge {
        std::uint32_t first_row, first_column, last_row, last_column; // 1-based, inclusive
    };
    std::string name;
    Grid cells;
    std::vector<Merge> merges;
};

/// The form in the national layout, with perfbudget's 执行率, 得分 and 总分 filled in
/// (the unit's own texts for everything else, its own scores in a column beside
/// perfbudget's, and the grade of `rules` for the form's year beside 总分).
SheetGrid filled_form(const Form& form, const ProjectResult& result, const RuleBook& rules);

/// Everything a run over forms computes: one result per form, in order, and the
/// differences between the unit's own scores and perfbudget's.
struct FormResults {
    std::vector<ProjectResult> results;
    std::vector<ScoreDifference> differences;
    std::vector<Diagnostic> notices; // level-1 splits that differ from the rules'
};
/// Evaluates every form with `rules` (the period for each form's year). Throws
/// Error listing every problem of every form, each at its sheet and row.
FormResults evaluate_forms(const std::vector<Form>& forms, const RuleBook& rules);

/// Writes sheets as an .xlsx workbook (libxlsxwriter; a new workbook, since it
/// cannot edit one). Throws Error when the file cannot be written.
void write_sheets_xlsx(const std::string& path, const std::vector<SheetGrid>& sheets);

/// What `perfbudget evaluate --forms` writes.
enum class FormsFormat : std::uint8_t {
    csv,   // the evaluate CSV (SPEC §11), one row per form
    json,  // the evaluate JSON
    forms, // the forms themselves with perfbudget's 执行率, 得分 and 总分 (an .xlsx)
};
struct FormsOutput {
    std::string out;         ///< output file; empty or "-" for standard output (csv and json only)
    FormsFormat format = FormsFormat::csv;
    Lang lang = Lang::zh;
    bool explain = false;    ///< csv: the explanation column
    std::string differences; ///< the differences as CSV (write_differences_csv); empty: not written
};
/// evaluate_forms(), then writes `output` (and the differences file). Nothing is
/// written when a form has a problem (Error thrown) or a file cannot be written.
FormResults evaluate_forms(const std::vector<Form>& forms, const RuleBook& rules, const FormsOutput& output);

/// Every sheet of a workbook, or of every .xlsx in a folder (by name), read as a
/// form. Sheets that are not forms are skipped with a notice. Throws Error
/// listing every problem of every form. Needs the .xlsx reader (src/xlsx.cpp).
struct FormsRead {
    std::vector<Form> forms;
    std::vector<Diagnostic> notices;
};
FormsRead read_forms(const std::string& path, const RuleBook& rules);

} // namespace perfbudget
