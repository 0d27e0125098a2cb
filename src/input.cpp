// input.cpp — projects.csv and indicators.csv into Project and Indicator values.
//
// The header is mapped once to a column index per known field, so a row costs a
// few string_view compares and number parses and no allocation (the caller's
// objects are refilled in place). Each bad value becomes a Diagnostic naming the
// file, line, column (as written in the header), the value and what was expected;
// the row is marked bad and reading goes on, so one run lists every problem.
#include "perfbudget/input.hpp"
#include "diagnostic.hpp"

#include "perfbudget/assessment_input.hpp"

#include "indicator_stream.hpp" // threads_to_use
#include "indicator_split.hpp"
#include "input_cells.hpp"
#include "short_bytes.hpp"
#include "sheets_at_once.hpp"
#include "xlsx.hpp"


#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace perfbudget {

namespace {

// --- Columns ------------------------------------------------------------------

/// A known column: its identifier, the Chinese names accepted for it, and whether
/// a file without it is refused.
struct ColumnSpec {
    std::string_view id;
    std::array<std::string_view, 4> zh;
    bool required;
    bool money = false; ///< an amount: yuan, or 万元 when its header or --money-unit says so
    bool fills = false; ///< merged down in spreadsheets: --fill-down fills it from the row above
};

enum ProjectColumn : std::size_t {
    p_id,
    p_name,
    p_department,
    p_budget,
    p_spent,
    p_budget_kind,
    p_fund_source,
    p_category,
    p_year,
    p_goal,
    p_rectification,
    p_revision,
    p_count
};
constexpr std::array<ColumnSpec, p_count> project_columns{{
    {"project_id", {"项目编号", "项目代码", "项目ID"}, true},
    {"name", {"项目名称"}, true},
    {"department", {"预算单位", "主管部门", "部门", "单位名称"}, true, false, true},
    {"budget", {"全年预算数", "预算数", "调整后预算数"}, true, true},
    {"spent", {"执行数", "全年执行数", "预算执行数"}, true, true},
    {"budget_kind", {"预算类型"}, false},
    {"fund_source", {"资金来源"}, false},
    {"category", {"项目类别", "项目类型"}, false},
    {"year", {"预算年度", "年度"}, false},
    {"goal", {"总体目标", "年度总体目标"}, false},
    {"rectification", {"整改情况"}, false},
    {"revision", {"申报批次", "报送批次"}, false},
}};

enum IndicatorColumn : std::size_t {
    i_project,
    i_level1,
    i_level2,
    i_name,
    i_direction,
    i_target,
    i_actual,
    i_unit,
    i_weight,
    i_expected,
    i_likelihood,
    i_last_year,
    i_count
};
constexpr std::array<ColumnSpec, i_count> indicator_columns{{
    {"project_id", {"项目编号", "项目代码", "项目ID"}, true, false, true},
    {"level1", {"一级指标"}, true, false, true},
    {"level2", {"二级指标"}, true, false, true},
    {"name", {"三级指标", "指标名称"}, true},
    {"direction", {"指标方向", "指标性质", "计算符号"}, true},
    {"target", {"年度指标值", "指标值"}, true},
    // actual and weight are optional here: the review stage reads the same file
    // before there are actuals; the stages that need them say so.
    {"actual", {"实际完成值", "完成值"}, false},
    {"unit", {"计量单位", "度量单位"}, false},
    {"weight", {"分值", "权重"}, false},
    {"expected", {"全年预计完成值"}, false},
    {"likelihood", {"完成目标可能性"}, false},
    {"last_year_actual", {"上年实际完成值"}, false},
}};

[[gnu::always_inline]] inline std::string_view trim(std::string_view s) {
    if (s.empty() || (s.front() != ' ' && s.front() != '\t' && s.back() != ' ' && s.back() != '\t')) return s;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

template <std::size_t N>
std::optional<std::size_t> find_column(std::string_view name, const std::array<ColumnSpec, N>& specs) {
    for (std::size_t i = 0; i < N; ++i) {
        if (name == specs[i].id) return i;
        for (std::string_view z : specs[i].zh)
            if (!z.empty() && name == z) return i;
    }
    return std::nullopt;
}

/// Chinese names of a column for messages: "全年预算数, 预算数".
std::string zh_names(const ColumnSpec& spec) {
    std::string s;
    for (std::string_view z : spec.zh) {
        if (z.empty()) continue;
        if (!s.empty()) s += "、";
        s += z;
    }
    return s;
}

/// A value as shown in a message: quoted, cut at 60 bytes on a character boundary.
/// v with the characters a reader cannot see written out: a value refused for a
/// trailing no-break space (pasted from a web page or Word) would otherwise show
/// as "95 " and leave the user guessing.
std::string visible(std::string_view v) {
    static constexpr std::pair<std::string_view, std::string_view> invisible[] = {
        {"\xC2\xA0", "<U+00A0 no-break space>"}, {"\xE3\x80\x80", "<U+3000 full-width space>"},
        {"\xE2\x80\x8B", "<U+200B zero-width space>"}, {"\xEF\xBB\xBF", "<U+FEFF>"}, {"\t", "<tab>"}};
    std::string out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size();) {
        bool replaced = false;
        for (const auto& [bytes, name] : invisible) {
            if (v.substr(i).starts_with(bytes)) {
                out += name;
                i += bytes.size();
                replaced = true;
                break;
            }
        }
        if (replaced) continue;
        const auto c = static_cast<unsigned char>(v[i]);
        if (c < 0x20 || c == 0x7F) {
            static const char hex[] = "0123456789ABCDEF";
            out += "<0x";
            out += hex[c >> 4];
            out += hex[c & 15];
            out += '>';
        } else {
            out += v[i];
        }
        ++i;
    }
    return out;
}

std::string shown(std::string_view v) {
    constexpr std::size_t limit = 60;
    if (v.size() <= limit) return '"' + visible(v) + '"';
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0U) == 0x80U) --cut;
    return '"' + visible(v.substr(0, cut)) + "…\"";
}

std::string shown_zh(std::string_view v) {
    std::string s = shown(v);
    return "“" + s.substr(1, s.size() - 2) + "”";
}

using detail::make_diagnostic;

// --- Where records come from -----------------------------------------------------

/// The records of one table: a CSV file, or one sheet of an .xlsx workbook (told
/// apart by the file's first bytes, not its name). A sheet gives each cell as the
/// text it would have in a CSV file (xlsx.hpp), so everything after this reads
/// both alike; only locations differ: a sheet's are cells (`book.xlsx!指标!F12`).
class Records {
public:
    /// `table_sheets`: the sheet names that hold this table in a workbook of
    /// several tables ("projects", "项目"); InputOptions::sheet overrides them.
    Records(const std::string& path, const InputOptions& options, std::span<const std::string_view> table_sheets) {
        // Only a regular file is sniffed: opening a pipe (`<(gen …)`, a FIFO) again
        // to peek would consume its first bytes. A pipe is read as CSV (a workbook
        // needs random access anyway).
        std::error_code unknown;
        if (!std::filesystem::is_regular_file(path, unknown)) {
            csv_.emplace(path, options.encoding);
            return;
        }
        refuse_old_excel(path);
        if (!detail::xlsx::is_workbook(path)) {
            csv_.emplace(path, options.encoding);
            return;
        }
        const detail::xlsx::Workbook book(path);
        sheet_.emplace(book.open(pick_sheet(book, options.sheet, table_sheets), detail::threads_to_use(options.threads) >= 2,
                                 detail::SheetsAtOnce::on(options) ? detail::xlsx::MergeScan::none_found
                                                                   : detail::xlsx::MergeScan::first));
    }

    bool next(std::vector<std::string_view>& fields) { return csv_ ? csv_->next(fields) : sheet_->next(fields); }
    /// The line (CSV) or row (sheet) of the record last returned.
    std::uint32_t line() const { return csv_ ? csv_->line() : sheet_->row(); }
    /// The bytes of the CSV record last returned (CsvReader::record); empty for a sheet.
    std::string_view record() const { return csv_ ? csv_->record() : std::string_view{}; }
    /// The file as messages name it: the path, or "book.xlsx!sheet".
    const std::string& file() const { return csv_ ? csv_->file() : sheet_->location(); }
    /// Locations are spreadsheet cells.
    bool cells() const { return sheet_.has_value(); }
    SourceLocation where(std::uint32_t line) const {
        SourceLocation at;
        at.file = file();
        at.line = line;
        at.cell = cells();
        return at;
    }

private:
    /// An Excel 97–2003 workbook (an OLE2 compound file) is named, not read as text.
    static void refuse_old_excel(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        char magic[8] = {};
        if (!in.read(magic, 8) || std::memcmp(magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) != 0) return;
        throw Error({make_diagnostic(path, 0,
                                     "an Excel 97-2003 workbook (.xls), which perfbudget does not read: save it as "
                                     "Excel Workbook (.xlsx) or CSV UTF-8",
                                     "这是 Excel 97-2003 工作簿（.xls），无法读取：请另存为 Excel 工作簿（.xlsx）或 CSV UTF-8")});
    }

    static std::size_t pick_sheet(const detail::xlsx::Workbook& book, const std::string& wanted,
                                  std::span<const std::string_view> table_sheets) {
        if (!wanted.empty()) {
            if (const auto i = book.find_sheet(wanted)) return *i;
            std::string names;
            for (std::size_t i = 0; i < book.sheet_count(); ++i) names += (i ? ", " : "") + shown(book.sheet_name(i));
            throw Error({make_diagnostic(book.path(), 0, "the workbook has no sheet " + shown(wanted) + "; its sheets: " + names,
                                         "工作簿中没有工作表" + shown_zh(wanted) + "；现有工作表：" + names)});
        }
        for (const std::string_view name : table_sheets)
            if (const auto i = book.find_sheet(name)) return *i;
        if (book.sheet_count() == 0)
            throw Error({make_diagnostic(book.path(), 0, "the workbook has no sheet", "工作簿中没有工作表")});
        return 0;
    }

    std::optional<CsvReader> csv_;
    std::optional<detail::xlsx::Sheet> sheet_;
};

constexpr std::array<std::string_view, 3> project_sheets{"projects", "项目", "项目表"};
constexpr std::array<std::string_view, 3> indicator_sheets{"indicators", "指标", "绩效指标"};
constexpr std::array<std::string_view, 3> assessment_sheets{"assessments", "评审", "专家评分"};

// --- The header -----------------------------------------------------------------

/// The header of a file mapped to known columns.
struct Header {
    std::vector<int> column_of;      // per known column: index in the row, or -1
    std::vector<std::string> label;  // per known column: its name as written in the file
    std::vector<std::uint8_t> wan;   // per known column: a money column whose amounts are in 万元
    std::size_t width = 0;           // cells in the header row
    std::uint32_t line = 0;          // where it is
    std::vector<Diagnostic> notices; // unknown columns, rows skipped above it
    std::vector<Diagnostic> errors;  // missing or repeated columns, money units not understood
    std::size_t known = 0;           // cells naming a known column
    bool unit_line_used = false;     // a money column is in 万元 because a line above says so
    bool cells = false;              // the table is a workbook's sheet: locations are cells

    /// Makes the header's own messages, and the rows', name spreadsheet cells.
    void locate_cells() {
        cells = true;
        for (auto* list : {&notices, &errors})
            for (Diagnostic& d : *list) d.where.cell = true;
    }
    /// `d` at the cell of known column `column` when the table is a sheet.
    void locate(Diagnostic& d, std::size_t column) const {
        if (!cells) return;
        d.where.cell = true;
        if (column < column_of.size() && column_of[column] >= 0) d.where.column = static_cast<std::uint32_t>(column_of[column]) + 1;
    }
    void locate_row(Diagnostic& d) const { d.where.cell = cells; }
};

inline bool is_blank(const std::vector<std::string_view>& fields) {
    if (!fields.empty() && !fields[0].empty() && fields[0].front() != ' ' && fields[0].front() != '\t') return false;
    for (std::string_view f : fields)
        if (!trim(f).empty()) return false;
    return true;
}

/// A header cell as it is matched: spaces, line breaks and full-width spaces
/// removed (spreadsheet headers are often wrapped: "全年预算数\n（万元）"), and a
/// unit in brackets at its end split off ("全年预算数（万元）" → 全年预算数, 万元).
struct HeaderName {
    std::string name;
    std::string unit;
    bool has_unit = false;
};

HeaderName header_name(std::string_view text) {
    HeaderName h;
    h.name.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        if (text.substr(i).starts_with("\xE3\x80\x80")) { // U+3000 full-width space
            i += 2;
            continue;
        }
        h.name += c;
    }
    static constexpr std::pair<std::string_view, std::string_view> brackets[] = {{"（", "）"}, {"(", ")"}};
    for (const auto& [open, close] : brackets) {
        if (!std::string_view(h.name).ends_with(close)) continue;
        const std::size_t at = h.name.rfind(open);
        if (at == std::string::npos || at == 0) continue;
        h.unit = h.name.substr(at + open.size(), h.name.size() - at - open.size() - close.size());
        h.name.resize(at);
        h.has_unit = true;
        break;
    }
    return h;
}

/// A line above the header that gives the unit of the table's money: "单位：万元".
bool says_wan(const std::vector<std::string_view>& fields) {
    for (std::string_view f : fields)
        if (f.find("单位") != std::string_view::npos && f.find("万元") != std::string_view::npos) return true;
    return false;
}

/// Maps one row as a header. `wan_above`: a line above said amounts are in 万元.
template <std::size_t N>
Header map_header(const std::string& file, std::uint32_t line, const std::vector<std::string_view>& fields,
                  const std::array<ColumnSpec, N>& specs, const InputOptions& options, bool wan_above) {
    Header h;
    h.column_of.assign(N, -1);
    h.label.resize(N);
    h.wan.assign(N, 0);
    h.width = fields.size();
    h.line = line;
    for (std::size_t c = 0; c < fields.size(); ++c) {
        const std::string_view written = trim(fields[c]);
        HeaderName hn = header_name(written);
        auto known = find_column(hn.name, specs);
        if (!known && hn.has_unit) { // a bracket that is part of the name, not a unit
            hn = HeaderName{std::string(written), {}, false};
            known = find_column(written, specs);
        }
        if (!known) {
            const std::string col = std::to_string(c + 1);
            const auto notice = Diagnostic::Severity::notice;
            h.notices.push_back(
                written.empty() ? make_diagnostic(file, line, "column " + col + " has no name and is ignored",
                                                  "第 " + col + " 列没有列名，已忽略", notice)
                                : make_diagnostic(file, line, "column " + shown(written) + " is not used and is ignored",
                                                  "列" + shown_zh(written) + "未使用，已忽略", notice));
            continue;
        }
        ++h.known;
        if (h.column_of[*known] >= 0) {
            const std::string& first = h.label[*known];
            h.errors.push_back(make_diagnostic(file, line,
                                               "column " + shown(written) + " repeats column " + shown(first) +
                                                   " (both are " + std::string(specs[*known].id) + ")",
                                               "列" + shown_zh(written) + "与列" + shown_zh(first) + "重复（都表示 " +
                                                   std::string(specs[*known].id) + "）"));
            continue;
        }
        h.column_of[*known] = static_cast<int>(c);
        h.label[*known] = std::string(written);
        if (!specs[*known].money) continue;
        if (!hn.has_unit) {
            h.wan[*known] = options.money_unit == MoneyUnit::wan || wan_above;
            h.unit_line_used |= wan_above && options.money_unit != MoneyUnit::wan;
        }
        else if (hn.unit == "万元") h.wan[*known] = 1;
        else if (hn.unit != "元")
            h.errors.push_back(make_diagnostic(
                file, line, "column " + shown(written) + ": the unit " + shown(hn.unit) + " is not one perfbudget reads: 元 or 万元",
                "列" + shown_zh(written) + "的单位" + shown_zh(hn.unit) + "无法识别：应为 元 或 万元"));
    }
    for (std::size_t i = 0; i < N; ++i) {
        if (!specs[i].required || h.column_of[i] >= 0) continue;
        const std::string id(specs[i].id);
        const std::string zh = zh_names(specs[i]);
        h.errors.push_back(make_diagnostic(file, line, "missing required column \"" + id + "\" (" + zh + ")",
                                           "缺少必需的列“" + zh + "”（" + id + "）"));
    }
    return h;
}

/// Rows looked at for the header: a title and a unit line or two may come first.
constexpr int header_search_rows = 10;

/// Finds the header: the first row, among the first 10 that are not blank, that
/// names every required column; the rows above it (a report title, "单位：万元")
/// are skipped with a notice. Throws Error listing every missing or repeated
/// column of the row that names the most known columns when none names them all.
template <std::size_t N>
Header read_header(Records& csv, std::vector<std::string_view>& fields, const std::array<ColumnSpec, N>& specs,
                   const InputOptions& options) {
    const std::string& file = csv.file();
    std::optional<Header> best;
    bool wan_above = false;
    std::uint32_t wan_line = 0;
    for (int looked = 0; looked < header_search_rows; ++looked) {
        do {
            if (!csv.next(fields)) {
                if (best) throw Error(std::move(best->errors));
                throw Error({make_diagnostic(file, 0, "the file is empty: expected a header row with column names",
                                             "文件为空：第一行应为列名")});
            }
        } while (is_blank(fields));
        Header h = map_header(file, csv.line(), fields, specs, options, wan_above);
        if (csv.cells()) h.locate_cells();
        const bool complete = std::none_of(h.errors.begin(), h.errors.end(), [](const Diagnostic& d) {
            return d.en.starts_with("missing required column");
        });
        if (complete) {
            if (!h.errors.empty()) throw Error(std::move(h.errors));
            if (looked > 0) {
                const std::string n = std::to_string(looked), at = std::to_string(h.line);
                h.notices.insert(h.notices.begin(),
                                 make_diagnostic(file, h.line,
                                                 "the header is on line " + at + ": " + n +
                                                     " row(s) above it (a title, a unit line) are skipped",
                                                 "表头在第 " + at + " 行：其上 " + n + " 行（标题、单位行）已跳过",
                                                 Diagnostic::Severity::notice));
            }
            if (h.unit_line_used)
                h.notices.push_back(make_diagnostic(
                    file, wan_line,
                    "amounts in columns without a unit are read in 万元, as this line above the header says",
                    "表头上方此行注明“单位：万元”：未注明单位的金额列按万元读取", Diagnostic::Severity::notice));
            return h;
        }
        if (says_wan(fields) && !wan_above) {
            wan_above = true;
            wan_line = csv.line();
        }
        if (!best || h.known > best->known) best = std::move(h);
    }
    throw Error(std::move(best->errors));
}

// --- Rows -------------------------------------------------------------------------

/// One row being read: its trimmed cells by known column, and where its problems go.
class Row {
public:
    Row(const std::string& file, std::uint32_t line, const Header& header, const std::vector<std::string_view>& fields,
        const std::string_view* cells, std::vector<Diagnostic>& problems, const SourceLocation* where = nullptr)
        : file_(file), line_(line), header_(header), fields_(fields), cells_(cells), problems_(problems),
          where_(where) {}

    bool ok() const { return ok_; }
    /// The trimmed cell of a known column ("" when the column is absent or the row short).
    std::string_view cell(std::size_t column) const { return cells_[column]; }
    /// A money column whose amounts are in 万元 (its header, a unit line or --money-unit).
    bool in_wan(std::size_t column) const { return !header_.wan.empty() && header_.wan[column]; }
    /// Marks the row bad without a message of its own: one message already stands
    /// for it and the rows like it (a merged-cell layout).
    void refuse_quietly() { ok_ = false; }
    /// Records a problem with the row as a whole (not one cell's value).
    void problem(std::string en, std::string zh, std::size_t column) {
        Diagnostic d = make_diagnostic(file_, line_, std::move(en), std::move(zh));
        header_.locate(d, column);
        problems_.push_back(std::move(d));
        ok_ = false;
    }

    /// Records a bad value: `column "target": "1,200" — expected …`.
    void bad(std::size_t column, std::string_view value, std::string_view expected_en, std::string_view expected_zh) {
        const std::string& label = header_.label[column];
        if (where_) { // YAML data: the key's own file:line:column
            Diagnostic d = make_diagnostic(
                where_[column].file, where_[column].line,
                "key " + shown(label) + ": " + shown(value) + " — expected " + std::string(expected_en),
                "键" + shown_zh(label) + "的值" + shown_zh(value) + "有误：" + std::string(expected_zh));
            d.where.column = where_[column].column;
            problems_.push_back(std::move(d));
        } else {
            Diagnostic d = make_diagnostic(
                file_, line_, "column " + shown(label) + ": " + shown(value) + " — expected " + std::string(expected_en),
                "列" + shown_zh(label) + "的值" + shown_zh(value) + "有误：" + std::string(expected_zh));
            header_.locate(d, column);
            problems_.push_back(std::move(d));
        }
        ok_ = false;
    }
    void bad(std::size_t column, std::string_view value, const NumberError& e) { bad(column, value, e.en, e.zh); }

    /// Records two cells that contradict each other, located at the second:
    /// `column "target": "100" and column "actual": "86.7%" — …`.
    void conflict(std::size_t first, std::size_t second, std::string_view why_en, std::string_view why_zh) {
        const std::string& a = header_.label[first];
        const std::string& b = header_.label[second];
        const std::string word = where_ ? "key " : "column ", word_zh = where_ ? "键" : "列";
        const std::string en = word + shown(a) + ": " + shown(cells_[first]) + " and " + word + shown(b) + ": " +
                               shown(cells_[second]) + " — " + std::string(why_en);
        const std::string zh = word_zh + shown_zh(a) + "的值" + shown_zh(cells_[first]) + "与" + word_zh + shown_zh(b) +
                               "的值" + shown_zh(cells_[second]) + "矛盾：" + std::string(why_zh);
        if (where_) { // YAML data: the second key's own file:line:column
            Diagnostic d = make_diagnostic(where_[second].file, where_[second].line, en, zh);
            d.where.column = where_[second].column;
            problems_.push_back(std::move(d));
        } else {
            Diagnostic d = make_diagnostic(file_, line_, en, zh);
            header_.locate(d, second);
            problems_.push_back(std::move(d));
        }
        ok_ = false;
    }

    /// A row with more cells than the header is refused unless the extra cells are empty.
    void check_width() {
        for (std::size_t c = header_.width; c < fields_.size(); ++c) {
            if (trim(fields_[c]).empty()) continue;
            const std::string n = std::to_string(fields_.size()), w = std::to_string(header_.width);
            Diagnostic d = make_diagnostic(file_, line_, "the row has " + n + " cells but the header has " + w,
                                           "该行有 " + n + " 个单元格，但表头只有 " + w + " 列");
            header_.locate_row(d);
            problems_.push_back(std::move(d));
            ok_ = false;
            return;
        }
    }

private:
    const std::string& file_;
    std::uint32_t line_;
    const Header& header_;
    const std::vector<std::string_view>& fields_;
    const std::string_view* cells_;
    std::vector<Diagnostic>& problems_;
    const SourceLocation* where_; // per known column (YAML data), or null (CSV: file_ and line_)
    bool ok_ = true;
};

/// "one of general, gov_fund, … (一般公共预算、…)" for enum columns.
template <std::size_t N>
std::pair<std::string, std::string> choices(const std::array<std::string_view, N>& ids,
                                            const std::array<std::string_view, N>& zh) {
    std::string en = "one of ", cn = "应为 ";
    for (std::size_t i = 0; i < N; ++i) {
        if (i) {
            en += ", ";
            cn += "、";
        }
        en += ids[i];
        cn += zh[i];
    }
    en += " (or ";
    for (std::size_t i = 0; i < N; ++i) {
        if (i) en += ", ";
        en += zh[i];
    }
    en += ")";
    cn += " 之一（或 ";
    for (std::size_t i = 0; i < N; ++i) {
        if (i) cn += ", ";
        cn += ids[i];
    }
    cn += "）";
    return {en, cn};
}

/// An identifier of up to 16 bytes packed into two words: enum cells are compared
/// against identifiers with two integer compares instead of memcmp calls.
struct Packed {
    std::uint64_t lo = 0, hi = 0;
    std::size_t size = 0;
    friend constexpr bool operator==(const Packed&, const Packed&) = default;
};

[[gnu::always_inline]] constexpr Packed pack(std::string_view s) {
    Packed p;
    p.size = s.size();
    if (std::is_constant_evaluated() || s.size() > 16) {
        for (std::size_t i = 0; i < s.size() && i < 16; ++i)
            (i < 8 ? p.lo : p.hi) |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i])) << (8 * (i % 8));
        return p;
    }
    // At run time, by loads that may overlap and never leave the cell (little
    // endian: byte i of the word is s[i]), not byte by byte: three cells a row.
    const char* c = s.data();
    const std::size_t n = s.size();
    using detail::load_word;
    if (n >= 8) {
        p.lo = load_word<std::uint64_t>(c);
        if (n > 8) p.hi = load_word<std::uint64_t>(c + n - 8) >> (8 * (16 - n)); // s[8..n) to the low bytes
    } else if (n >= 4) {
        p.lo = load_word<std::uint32_t>(c) | std::uint64_t{load_word<std::uint32_t>(c + n - 4)} << (8 * (n - 4));
    } else if (n > 0) {
        const auto byte = [c](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(c[i])) << (8 * i); };
        p.lo = byte(0) | byte(n / 2) | byte(n - 1);
    }
    return p;
}
static_assert(std::endian::native == std::endian::little, "pack() reads words as little-endian");

template <std::size_t N> constexpr std::array<Packed, N> pack_all(const std::array<std::string_view, N>& ids) {
    std::array<Packed, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = pack(ids[i]);
    return out;
}

/// Parses an enum cell: identifiers by the packed fast path, everything else
/// (Chinese terms, symbols) by `parse`. An empty cell keeps `fallback` when
/// given, else it is an error. Returns nullopt after reporting a bad value.
template <class T, const auto& ids, const auto& zh, class Parse>
std::optional<T> enum_cell(Row& row, std::size_t column, Parse parse, std::optional<T> fallback) {
    static constexpr auto packed = pack_all(ids);
    constexpr std::size_t N = ids.size();
    const std::string_view v = row.cell(column);
    if (v.empty() && fallback) return fallback;
    if (v.size() <= 16) {
        const Packed p = pack(v);
        for (std::size_t i = 0; i < N; ++i)
            if (packed[i] == p) return static_cast<T>(i);
    }
    if (auto r = parse(v)) return r;
    const auto [en, cn] = choices(ids, zh);
    row.bad(column, v, en, cn);
    return std::nullopt;
}

// --- Numbers as spreadsheets write them (SPEC §3a) ---------------------------------

/// Characters a number is not written with in plain ASCII: a full-width form, a
/// currency sign, a thousands separator. Only a cell that failed to parse is
/// looked at again, so plain numbers cost nothing.
inline bool may_be_spreadsheet_number(std::string_view v) {
    for (const char c : v)
        if (static_cast<unsigned char>(c) >= 0x80 || c == ',') return true;
    return false;
}

/// plain_number's answer for a character no spreadsheet writes in a number: the
/// parser's own message stands.
constexpr NumberError not_a_spreadsheet_number{"", ""};

/// `v` in plain ASCII: full-width digits, `．`, `－`, `＋`, `％` and full-width
/// spaces read as their ASCII forms, thousands separators removed where they
/// group three digits. A currency sign or a badly grouped separator is an error
/// saying so, not the parser's "a plain decimal".
NumberError plain_number(std::string_view v, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < v.size();) {
        const auto b = static_cast<unsigned char>(v[i]);
        if (b < 0x80) {
            out += v[i++];
            continue;
        }
        const std::string_view rest = v.substr(i);
        if (rest.size() >= 3 && rest[0] == '\xEF' && rest[1] == '\xBC') { // U+FF00..FF3F
            const auto t = static_cast<unsigned char>(rest[2]);
            if (t >= 0x90 && t <= 0x99) out += static_cast<char>('0' + (t - 0x90));
            else if (t == 0x8E) out += '.';
            else if (t == 0x8D) out += '-';
            else if (t == 0x8B) out += '+';
            else if (t == 0x85) out += '%';
            else if (t == 0x8C) return {"a number without a full-width comma (，); thousands are grouped with , as in 1,234,567.89",
                                        "数字中不能有全角逗号（，）；千分位用半角逗号，如 1,234,567.89"};
            else return not_a_spreadsheet_number;
            i += 3;
            continue;
        }
        if (rest.starts_with("\xE3\x80\x80")) { // U+3000 full-width space: trimmed below, refused inside
            out += ' ';
            i += 3;
            continue;
        }
        if (rest.starts_with("¥") || rest.starts_with("￥") || rest.starts_with("元") || rest.starts_with("万元"))
            return {"a plain amount without a currency sign or unit; the unit of a money column goes in its header, "
                    "e.g. 全年预算数（万元）, or --money-unit wan",
                    "应为不带货币符号或单位的金额；金额单位写在列名中，如“全年预算数（万元）”，或使用 --money-unit wan"};
        return not_a_spreadsheet_number;
    }
    const std::string_view t = trim(out);
    if (t.size() != out.size()) out = std::string(t);
    if (out.find(',') == std::string::npos) return {};
    // Thousands: [sign] 1-3 digits, then groups of ",ddd", then the rest.
    std::size_t i = (!out.empty() && (out[0] == '-' || out[0] == '+')) ? 1 : 0;
    std::size_t lead = 0;
    while (i + lead < out.size() && out[i + lead] >= '0' && out[i + lead] <= '9') ++lead;
    bool grouped = lead >= 1 && lead <= 3;
    std::size_t at = i + lead;
    while (grouped && at < out.size() && out[at] == ',') {
        for (std::size_t k = 1; k <= 3; ++k)
            if (at + k >= out.size() || out[at + k] < '0' || out[at + k] > '9') grouped = false;
        if (grouped && at + 4 < out.size() && out[at + 4] >= '0' && out[at + 4] <= '9') grouped = false;
        at += 4;
    }
    if (!grouped || out.find(',', std::min(at, out.size())) != std::string::npos)
        return {"thousands separators that group three digits, as in 1,234,567.89",
                "千分位分隔符应每三位一组，如 1,234,567.89"};
    out.erase(std::remove(out.begin(), out.end(), ','), out.end());
    return {};
}

/// Parses a number cell with `parse(text) -> NumberError`; a cell it refuses is
/// read again in its plain ASCII form when it may be a spreadsheet's number.
template <class Parse> NumberError parse_number_cell(std::string_view v, Parse&& parse) {
    NumberError e = parse(v);
    if (e.ok() || !may_be_spreadsheet_number(v)) [[likely]]
        return e;
    thread_local std::string plain;
    if (NumberError p = plain_number(v, plain); !p.ok()) return *p.en ? p : e;
    return parse(std::string_view(plain));
}

/// An amount in 万元 ("12.345678"): at most 6 decimals, one fen, exact.
NumberError parse_wan(std::string_view v, Money& out) {
    Decimal d;
    if (NumberError e = parse_decimal(v, d, false); !e.ok()) {
        if (std::string_view(e.zh) == "最多六位小数") return {"at most 6 decimal places in 万元 (one fen)", "万元金额最多六位小数（即到分）"};
        return e;
    }
    // d has 6 decimals in 万元: its units are fen.
    if (d.units() > Money::max_fen || d.units() < -Money::max_fen) return {"an amount within ±10^15 yuan", "金额超出 ±10^15 元"};
    out = Money::from_fen(d.units());
    return {};
}

void money_cell(Row& row, std::size_t column, Money& out) {
    const std::string_view v = row.cell(column);
    Money m;
    const bool wan = row.in_wan(column);
    if (const NumberError e = parse_number_cell(v, [&](std::string_view t) { return wan ? parse_wan(t, m) : parse_money(t, m); });
        !e.ok()) {
        row.bad(column, v, e);
    } else if (m < Money{}) {
        row.bad(column, v, "an amount of 0 or more", "金额不能为负数");
    } else {
        out = m;
    }
}

void text_cell(const Row& row, std::size_t column, std::string& out) { out.assign(row.cell(column)); }

/// `A`, `B:75%`, `部分达成年度指标并具有一定效果：75%` into a QualRating.
std::optional<QualRating> parse_rating(std::string_view v) {
    std::string_view tier_text = v, percent_text;
    bool has_percent = false;
    if (const auto colon = v.find(':'); colon != std::string_view::npos) {
        tier_text = v.substr(0, colon);
        percent_text = v.substr(colon + 1);
        has_percent = true;
    } else if (const auto wide = v.find("："); wide != std::string_view::npos) {
        tier_text = v.substr(0, wide);
        percent_text = v.substr(wide + std::string_view("：").size());
        has_percent = true;
    }
    const auto tier = parse_tier(trim(tier_text));
    if (!tier) return std::nullopt;
    QualRating r{*tier, std::nullopt};
    if (has_percent) {
        Decimal p;
        if (!parse_number_cell(trim(percent_text), [&](std::string_view t) { return parse_decimal(t, p); }).ok() ||
            p < Decimal{} || p > Decimal::whole(1))
            return std::nullopt;
        r.set_percent(p);
    }
    return r;
}

/// A unit that makes a bare number a percentage (SPEC §3a).
[[gnu::always_inline]] inline bool is_percent_unit(std::string_view unit) {
    return unit == "%" || unit == "％" || unit == "百分比";
}

/// A number under a percentage unit: `86.7` and `86.7%` are both 0.867, with the
/// limit of 6 decimals after the division either way.
NumberError parse_percentage(std::string_view v, Decimal& out) {
    if (v.back() == '%') return parse_decimal(v, out);
    Decimal d;
    if (const NumberError e = parse_decimal(v, d); !e.ok()) return e;
    if (d.units() % 100 != 0) return {"at most 6 decimal places", "最多六位小数"};
    out = Decimal::from_units(d.units() / 100);
    return {};
}

/// A date cell: YYYY-MM-DD (the fast path), or as spreadsheets write dates:
/// 2024/1/5, 2024.1.5, 2024年1月5日 (full-width digits too). Nothing else.
std::optional<Date> parse_date_cell(std::string_view v) {
    if (auto d = parse_date(v)) [[likely]]
        return d;
    std::string plain; // full-width digits to ASCII; the rest as written
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v.substr(i).starts_with("\xEF\xBC") && i + 2 < v.size()) {
            const auto t = static_cast<unsigned char>(v[i + 2]);
            if (t >= 0x90 && t <= 0x99) {
                plain += static_cast<char>('0' + (t - 0x90));
                i += 2;
                continue;
            }
        }
        plain += v[i];
    }
    std::string_view t = plain;
    const auto number = [&t](std::size_t min, std::size_t max, int& out) {
        std::size_t n = 0;
        out = 0;
        while (n < t.size() && n < max && t[n] >= '0' && t[n] <= '9') out = out * 10 + (t[n++] - '0');
        if (n < min || (n < t.size() && t[n] >= '0' && t[n] <= '9')) return false;
        t.remove_prefix(n);
        return true;
    };
    const auto take = [&t](std::string_view s) {
        if (!t.starts_with(s)) return false;
        t.remove_prefix(s.size());
        return true;
    };
    int y = 0, m = 0, d = 0;
    if (!number(4, 4, y)) return std::nullopt;
    if (take("年")) {
        if (!number(1, 2, m) || !take("月") || !number(1, 2, d) || !take("日")) return std::nullopt;
    } else {
        const char sep = t.empty() ? '\0' : t.front();
        if (sep != '/' && sep != '.' && sep != '-') return std::nullopt;
        t.remove_prefix(1);
        if (!number(1, 2, m) || t.empty() || t.front() != sep) return std::nullopt;
        t.remove_prefix(1);
        if (!number(1, 2, d)) return std::nullopt;
    }
    if (!t.empty()) return std::nullopt;
    char iso[11];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return parse_date(std::string_view(iso, 10));
}

/// A target, actual, expected or last-year value, read by the indicator's direction;
/// with a percentage unit a bare number is a percentage (`86.7` is 86.7%).
/// An empty cell, and any qual target (free text), stay empty.
void measure_cell(Row& row, std::size_t column, Direction direction, bool is_target, bool percent_unit,
                  Measure& out) {
    out = std::monostate{};
    const std::string_view v = row.cell(column);
    if (v.empty()) return;
    switch (direction) {
    case Direction::ge:
    case Direction::le:
    case Direction::eq: {
        Decimal d;
        if (const NumberError e = parse_number_cell(
                v, [&](std::string_view t) { return percent_unit ? parse_percentage(t, d) : parse_decimal(t, d); });
            !e.ok())
            row.bad(column, v, e);
        else out = d;
        return;
    }
    case Direction::date:
        if (const auto d = parse_date_cell(v)) out = *d;
        else
            row.bad(column, v,
                    "a date that exists in the calendar, written 2023-10-31, 2023/10/31, 2023.10.31 or 2023年10月31日",
                    "应为日历上存在的日期，写作 2023-10-31、2023/10/31、2023.10.31 或 2023年10月31日");
        return;
    case Direction::qual:
        if (is_target) return; // a qualitative target is free text
        if (const auto r = parse_rating(v)) out = *r;
        else
            row.bad(column, v,
                    "a tier A, B or C (or 达成年度指标, 部分达成年度指标并具有一定效果, 未达成年度指标且效果较差), "
                    "optionally with a percentage from 0% to 100%, e.g. B:75%",
                    "应为档次 A、B、C（或 达成年度指标、部分达成年度指标并具有一定效果、未达成年度指标且效果较差），"
                    "可附 0%～100% 的百分比，如 B:75%");
        return;
    }
}

void reset(Indicator& ind) {
    ind.level1 = Level1::output;
    ind.level2 = Level2::quantity;
    ind.name.clear();
    ind.direction = Direction::ge;
    ind.target = std::monostate{};
    ind.actual = std::monostate{};
    ind.unit.clear();
    ind.target_text.clear();
    ind.weight.reset();
    ind.expected = std::monostate{};
    ind.likelihood.reset();
    ind.last_year_actual = std::monostate{};
    ind.source_line = 0;
}

/// A projects.csv row (or a YAML project's fields) into `out` (indicators untouched).
[[gnu::always_inline]] inline void fill_project(Row& row, Project& out) {
    text_cell(row, p_id, out.id);
    for (std::size_t c : {p_id, p_name, p_department})
        if (row.cell(c).empty()) row.bad(c, "", "a value, not an empty cell", "不能为空");
    text_cell(row, p_name, out.name);
    text_cell(row, p_department, out.department);
    out.budget = Money{};
    out.spent = Money{};
    money_cell(row, p_budget, out.budget);
    money_cell(row, p_spent, out.spent);
    out.budget_kind = enum_cell<BudgetKind, names::budget_kind, names::budget_kind_zh>(
                          row, p_budget_kind, parse_budget_kind, std::optional(BudgetKind::general))
                          .value_or(BudgetKind::general);
    out.fund_source = enum_cell<FundSource, names::fund_source, names::fund_source_zh>(
                          row, p_fund_source, parse_fund_source, std::optional(FundSource::local))
                          .value_or(FundSource::local);
    text_cell(row, p_category, out.category);
    out.year.reset();
    if (const std::string_view y = row.cell(p_year); !y.empty()) {
        // Four digits or nothing: a longer run of digits is never accumulated (it
        // would overflow the int).
        const bool digits = y.size() == 4 && std::all_of(y.begin(), y.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        if (digits) out.year = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0');
        else row.bad(p_year, y, "a 4-digit year such as 2023", "应为四位数年份，如 2023");
    }
    text_cell(row, p_goal, out.goal);
    out.rectification = enum_cell<Rectification, names::rectification, names::rectification_zh>(
                            row, p_rectification, parse_rectification, std::optional(Rectification::none))
                            .value_or(Rectification::none);
    out.revision = enum_cell<Revision, names::revision, names::revision_zh>(row, p_revision, parse_revision,
                                                                            std::optional(Revision::first))
                       .value_or(Revision::first);
}

/// Units of the finest weight: 0.01 point.
constexpr std::int64_t weight_resolution = Decimal::one_units / 100;

/// Without a percentage unit, a number written with `%` beside one without is
/// ambiguous (target 100, actual 86.7%: 0.867 of 100, or 86.7 of 100?): an error
/// naming both cells. Actual, expected and last-year values are compared with the
/// target (with the actual when the target is empty). Only numbers that were read
/// are compared: a bad cell is reported already, dates and tiers are not numbers.
void check_percent_mix(Row& row, const Indicator& ind) {
    const auto read = [](const Measure& m) { return std::holds_alternative<Decimal>(m); };
    const auto percent = [&](std::size_t c) { return row.cell(c).back() == '%' || row.cell(c).ends_with("％"); };
    const std::size_t ref = read(ind.target) ? i_target : i_actual;
    if (!read(ref == i_target ? ind.target : ind.actual)) return;
    const std::pair<std::size_t, const Measure*> others[] = {
        {i_actual, &ind.actual}, {i_expected, &ind.expected}, {i_last_year, &ind.last_year_actual}};
    for (const auto& [c, m] : others) {
        if (c == ref || !read(*m) || percent(c) == percent(ref)) continue;
        row.conflict(ref, c,
                     "one is written with % and the other is not, and the unit is not a percentage: write both "
                     "with % or neither, or set the unit to %",
                     "一个带 %、另一个不带，且计量单位不是百分比：请都带 % 或都不带，或将计量单位写为 %");
    }
}

/// An indicators.csv row (or a YAML indicator's fields) into `project_id` and `out`
/// (the caller resets `out` and sets its source_line).
/// `Id`: a std::string (a copy), or a std::string_view (of the row's cell, where
/// the row outlives its use: the batches of indicator_split.hpp).
template <class Id> [[gnu::always_inline]] inline void fill_indicator(Row& row, Id& project_id, Indicator& out) {
    if constexpr (std::is_same_v<Id, std::string_view>) project_id = row.cell(i_project);
    else project_id.assign(row.cell(i_project));
    if (project_id.empty()) row.bad(i_project, "", "a project id, not an empty cell", "项目编号不能为空");

    const auto l1 = enum_cell<Level1, names::level1, names::level1_zh>(row, i_level1, parse_level1, std::nullopt);
    const auto l2 = enum_cell<Level2, names::level2, names::level2_zh>(row, i_level2, parse_level2, std::nullopt);
    if (l1) out.level1 = *l1;
    if (l2) out.level2 = *l2;
    if (l1 && l2 && parent_of(*l2) != *l1) {
        std::string en = "a level-2 indicator under " + std::string(to_string(*l1)) + " (" +
                         std::string(names::level1_zh[static_cast<std::size_t>(*l1)]) + "):";
        std::string cn = "应为" + std::string(names::level1_zh[static_cast<std::size_t>(*l1)]) + "下的二级指标：";
        bool first = true;
        for (std::size_t i = 0; i < names::level2.size(); ++i) {
            if (parent_of(static_cast<Level2>(i)) != *l1) continue;
            en += (first ? " " : ", ") + std::string(names::level2[i]);
            cn += (first ? "" : "、") + std::string(names::level2_zh[i]);
            first = false;
        }
        row.bad(i_level2, row.cell(i_level2), en, cn);
    }

    text_cell(row, i_name, out.name);
    const auto dir =
        enum_cell<Direction, names::direction, names::direction_zh>(row, i_direction, parse_direction, std::nullopt);
    if (dir) {
        out.direction = *dir;
        // Values are read by direction; without one they cannot be read at all.
        const bool percent_unit = is_percent_unit(row.cell(i_unit));
        measure_cell(row, i_target, *dir, true, percent_unit, out.target);
        measure_cell(row, i_actual, *dir, false, percent_unit, out.actual);
        measure_cell(row, i_expected, *dir, false, percent_unit, out.expected);
        measure_cell(row, i_last_year, *dir, false, percent_unit, out.last_year_actual);
        if (!percent_unit) check_percent_mix(row, out);
        // A qualitative target is free text (达到预期), kept for the explanations.
        if (*dir == Direction::qual) text_cell(row, i_target, out.target_text);
    }
    text_cell(row, i_unit, out.unit);

    if (const std::string_view w = row.cell(i_weight); !w.empty()) {
        Decimal d;
        // Points, not a share: "20%" would silently mean 0.2 points.
        if (w.back() == '%' || w.ends_with("％"))
            row.bad(i_weight, w, "points as a plain number such as 20 (not 20%)",
                    "分值应为普通数字，如 20（不能带 %）");
        else if (const NumberError e = parse_number_cell(w, [&](std::string_view t) { return parse_decimal(t, d, false); });
                 !e.ok())
            row.bad(i_weight, w, e);
        else if (d < Decimal{}) row.bad(i_weight, w, "points of 0 or more", "分值不能为负数");
        // A score is rounded to 2 decimals: a weight with more could be exceeded by
        // its own rounded score (12.857 × 99.99% → 12.86).
        else if (d.units() % weight_resolution != 0)
            row.bad(i_weight, w, "points with at most 2 decimals, the resolution of a score (such as 12.86)",
                    "分值最多两位小数（得分的精度），如 12.86");
        else out.weight = d;
    }
    if (!row.cell(i_likelihood).empty())
        if (const auto l = enum_cell<std::uint8_t, names::likelihood, names::likelihood_zh>(
                row, i_likelihood, parse_likelihood, std::nullopt))
            out.likelihood = *l;
}

/// A merged-down column's last value, in a buffer that only grows: a row that
/// changes it (a new level-1 or level-2 word, most rows) costs one short copy
/// instead of a std::string assignment, a library call for every such cell.
class LastValue {
public:
    std::string_view view() const { return {data_.data(), size_}; }
    bool empty() const { return size_ == 0; }
    void set(std::string_view v) {
        if (v.size() > data_.size()) data_.resize(std::max(v.size(), 2 * data_.size()));
        detail::copy_short(data_.data(), v.data(), v.size());
        size_ = v.size();
    }

private:
    std::vector<char> data_ = std::vector<char>(64);
    std::size_t size_ = 0;
};

/// What the readers share: the CSV stream, its mapped header, the row buffers and
/// the cells merged down in a spreadsheet (SPEC §3a).
template <std::size_t N> struct TableReader {
    Records csv;
    const std::array<ColumnSpec, N>& specs;
    bool fill_down;
    std::vector<std::string_view> fields;
    Header header;
    std::array<std::string_view, N> cells; // trimmed, by known column
    std::array<LastValue, N> above;        // merged-down columns: the last value written in each
    std::size_t blank_under = N;            // this row: a merged-down column left blank under a value, or N
    bool merged_reported = false;

    TableReader(const std::string& path, const InputOptions& options, const std::array<ColumnSpec, N>& column_specs,
                std::span<const std::string_view> table_sheets)
        : csv(path, options, table_sheets), specs(column_specs), fill_down(options.fill_down) {
        fields.reserve(32);
        header = read_header(csv, fields, specs, options);
    }
    /// Reads the next row that is not blank and picks its cells; false at end of file.
    bool next_row() {
        do {
            if (!csv.next(fields)) return false;
        } while (is_blank(fields));
        // Each cell is picked, and merged down (fill_merged), before it is stored:
        // reading back a cell just stored costs a stall per cell (the store is not
        // yet forwarded), a third of the splitting's time on a million rows.
        blank_under = N;
        for (std::size_t i = 0; i < N; ++i) {
            const int c = header.column_of[i];
            std::string_view cell = c >= 0 && static_cast<std::size_t>(c) < fields.size()
                                        ? trim(fields[static_cast<std::size_t>(c)])
                                        : std::string_view{};
            if (specs[i].fills && c >= 0) fill_merged(i, cell);
            cells[i] = cell;
        }
        return true;
    }
    /// A blank merged-down cell under a value takes that value: with --fill-down
    /// that is the reading; without, the row is refused (see merged_row) and read
    /// as filled only so its other cells are not reported as consequences.
    void fill_merged(std::size_t i, std::string_view& cell) {
        if (!cell.empty()) {
            above[i].set(cell);
        } else if (!above[i].empty()) {
            cell = above[i].view();
            if (!fill_down && blank_under == N) blank_under = i;
        }
    }
    Row row(std::vector<Diagnostic>& problems) const {
        return Row(csv.file(), csv.line(), header, fields, cells.data(), problems);
    }
    /// Refuses a row with a merged-down cell left blank, without --fill-down: the
    /// first such row says what it looks like and what to do; the rest are refused
    /// quietly (a merged layout gave one line per row, hundreds for one file).
    void check_merged(Row& row) {
        if (blank_under == N) return;
        if (merged_reported) return row.refuse_quietly();
        merged_reported = true;
        const std::string& label = header.label[blank_under];
        std::string ids_en, ids_zh;
        for (std::size_t i = 0; i < N; ++i) {
            if (!specs[i].fills || header.column_of[i] < 0) continue;
            ids_en += (ids_en.empty() ? "" : ", ") + header.label[i];
            ids_zh += (ids_zh.empty() ? "" : "、") + header.label[i];
        }
        row.problem("column " + shown(label) + " is blank under " + shown(above[blank_under].view()) +
                        ": merged cells saved as CSV? --fill-down fills blank " + ids_en +
                        " cells from the row above (further rows like this are not listed)",
                    "列" + shown_zh(label) + "为空，上一行为" + shown_zh(above[blank_under].view()) +
                        "：是否为合并单元格另存的 CSV？使用 --fill-down 可用上一行的值填充空的" + ids_zh +
                        "单元格（其余同类行不再逐一列出）",
                    blank_under);
    }
};

// --- assessments.csv (assessment_input.hpp) ---------------------------------------

enum AssessmentColumn : std::size_t { a_project, a_expert, a_dimension, a_score, a_count };
constexpr std::array<ColumnSpec, a_count> assessment_columns{{
    {"project_id", {"项目编号", "项目代码", "项目ID"}, true},
    {"expert", {"专家", "评审专家", "专家姓名"}, true},
    {"dimension", {"评估维度", "维度", "评估内容"}, true},
    {"score", {"评分", "得分", "分数"}, true},
}};

/// An assessments.csv row into `out` (the caller sets its source_line).
void fill_assessment(Row& row, AssessmentRow& out) {
    text_cell(row, a_project, out.project_id);
    text_cell(row, a_expert, out.expert);
    for (std::size_t c : {a_project, a_expert})
        if (row.cell(c).empty()) row.bad(c, "", "a value, not an empty cell", "不能为空");
    const std::string_view dim = row.cell(a_dimension);
    if (const auto d = parse_assess_dimension(dim)) {
        out.dimension = *d;
    } else {
        auto [en, zh] = choices(names::assess_dimension, names::assess_dimension_zh);
        en += "; or the short forms 必要性, 经济性, 合理性, 可行性, 合规性";
        zh += "；或简称 必要性、经济性、合理性、可行性、合规性";
        row.bad(a_dimension, dim, en, zh);
    }
    const std::string_view v = row.cell(a_score);
    Decimal d;
    if (!parse_number_cell(v, [&](std::string_view t) { return parse_decimal(t, d, false); }).ok())
        row.bad(a_score, v, "a score: a number from 0 to 100 with at most 2 decimals, such as 86.75",
                "评分应为 0 至 100 之间、最多两位小数的数字，如 86.75");
    else if (d < Decimal{} || d > Decimal::whole(100)) row.bad(a_score, v, "a score from 0 to 100", "评分应在 0 至 100 之间");
    // The resolution of a score, as for indicator weights.
    else if (d.units() % (Decimal::one_units / 100) != 0)
        row.bad(a_score, v, "a score with at most 2 decimals, such as 86.75", "评分最多两位小数，如 86.75");
    else out.score = d;
}

/// Number of diagnostics kept by read_projects before it only counts.
constexpr std::size_t max_diagnostics = 1000;

/// Collects diagnostics for read_projects, keeping the first max_diagnostics.
class Collector {
public:
    void add(const Diagnostic& d) {
        if (d.severity == Diagnostic::Severity::error) ++errors_;
        if (kept_.size() < max_diagnostics) kept_.push_back(d);
        else ++dropped_;
    }
    void add(const std::vector<Diagnostic>& ds) {
        for (const Diagnostic& d : ds) add(d);
    }
    bool has_errors() const { return errors_ > 0; }
    std::vector<Diagnostic> finish() {
        if (dropped_ > 0) {
            const std::string n = std::to_string(dropped_);
            kept_.push_back(make_diagnostic({}, 0, "... and " + n + " more problems", "……另有 " + n + " 个问题"));
        }
        return std::move(kept_);
    }

private:
    std::vector<Diagnostic> kept_;
    std::size_t errors_ = 0, dropped_ = 0;
};

} // namespace

// --- parse_date -----------------------------------------------------------------

std::optional<Date> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int k = 0; k < 3; ++k) {
        for (std::size_t i = starts[k]; i < starts[k] + lengths[k]; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            parts[k] = parts[k] * 10 + (s[i] - '0');
        }
    }
    const int y = parts[0], m = parts[1], d = parts[2];
    // boost::gregorian covers 1400..9999; checking first means it never throws.
    if (y < 1400 || m < 1 || m > 12 || d < 1) return std::nullopt;
    const Date date = make_date(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
    if (!date.ok()) return std::nullopt; // past the end of the month
    return date;
}

// --- ProjectReader ----------------------------------------------------------------

struct ProjectReader::Impl : TableReader<p_count> {
    Impl(const std::string& path, const InputOptions& options) : TableReader(path, options, project_columns, project_sheets) {}
};

ProjectReader::ProjectReader(const std::string& path, const InputOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}
ProjectReader::~ProjectReader() = default;
ProjectReader::ProjectReader(ProjectReader&&) noexcept = default;
ProjectReader& ProjectReader::operator=(ProjectReader&&) noexcept = default;
const std::vector<Diagnostic>& ProjectReader::notices() const { return impl_->header.notices; }
const std::string& ProjectReader::file() const { return impl_->csv.file(); }
SourceLocation ProjectReader::where(std::uint32_t line) const { return impl_->csv.where(line); }

bool ProjectReader::next(Project& out, bool& ok, std::vector<Diagnostic>& problems) {
    Impl& m = *impl_;
    if (!m.next_row()) return false;
    Row row = m.row(problems);
    row.check_width();
    m.check_merged(row);
    out.source_line = m.csv.line();
    out.indicators.clear();

    fill_project(row, out);
    ok = row.ok();
    return true;
}

// --- IndicatorReader --------------------------------------------------------------

struct IndicatorReader::Impl : TableReader<i_count> {
    Impl(const std::string& path, const InputOptions& options) : TableReader(path, options, indicator_columns, indicator_sheets) {}
};

IndicatorReader::IndicatorReader(const std::string& path, const InputOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}
IndicatorReader::~IndicatorReader() = default;
IndicatorReader::IndicatorReader(IndicatorReader&&) noexcept = default;
IndicatorReader& IndicatorReader::operator=(IndicatorReader&&) noexcept = default;
const std::vector<Diagnostic>& IndicatorReader::notices() const { return impl_->header.notices; }
const std::string& IndicatorReader::file() const { return impl_->csv.file(); }
SourceLocation IndicatorReader::where(std::uint32_t line) const { return impl_->csv.where(line); }

bool IndicatorReader::next(std::string& project_id, Indicator& out, bool& ok, std::vector<Diagnostic>& problems) {
    Impl& m = *impl_;
    if (!m.next_row()) return false;
    Row row = m.row(problems);
    row.check_width();
    m.check_merged(row);
    reset(out);
    out.source_line = m.csv.line();

    fill_indicator(row, project_id, out);
    ok = row.ok();
    return true;
}

// next() in two steps (indicator_split.hpp): what depends on the rows before (the
// file, merged cells) and what does not (reading the cells' values).

/// What convert() reads, apart from the reader's state that split() writes: on
/// lines of its own.
struct alignas(64) detail::IndicatorSplit::Frozen {
    std::string file;
    Header header;
};

detail::IndicatorSplit::IndicatorSplit(IndicatorReader& reader)
    : impl_(reader.impl_.get()), frozen_(std::make_unique<const Frozen>(Frozen{impl_->csv.file(), impl_->header})) {}
detail::IndicatorSplit::~IndicatorSplit() = default;

bool detail::IndicatorSplit::split(Rows& rows) {
    IndicatorReader::Impl& m = *impl_;
    if (!m.next_row()) return false;
    RowInfo& info = rows.add_row(i_count);
    info.line = m.csv.line();
    info.problems_begin = static_cast<std::uint32_t>(rows.problems.size());
    Row row = m.row(rows.problems);
    row.check_width();
    m.check_merged(row);
    info.ok = row.ok();
    info.problems_end = static_cast<std::uint32_t>(rows.problems.size());
    // The cells are copied out of the reader's buffer, which the next rows
    // overwrite. A CSV row's cells lie in its record: the record is copied in one
    // piece (one memcpy, not one per cell) unless it holds much more than the
    // cells (columns no stage reads). Cells elsewhere (a quoted field with "", a
    // value merged down from the row above, a sheet's cells) are copied one by one.
    std::string_view record = m.csv.record();
    const auto at = [](std::string_view v) { return reinterpret_cast<std::uintptr_t>(v.data()); };
    const auto inside = [&](std::string_view c) { return at(c) >= at(record) && at(c) + c.size() <= at(record) + record.size(); };
    static_assert(i_count <= 32);
    std::uint32_t in_record = 0; // bit c: cell c lies in the record
    std::size_t cells_bytes = 0, outside_bytes = 0;
    for (std::size_t c = 0; c < i_count; ++c) {
        const std::string_view v = m.cells[c];
        cells_bytes += v.size();
        if (!v.empty() && inside(v)) in_record |= std::uint32_t{1} << c;
        else outside_bytes += v.size();
    }
    if (record.size() > 2 * cells_bytes + 64) {
        record = {};
        in_record = 0;
        outside_bytes = cells_bytes;
    }
    char* to = rows.add_text(record.size() + outside_bytes);
    const auto base = static_cast<std::uint32_t>(to - rows.text.data());
    if (!record.empty()) std::memcpy(to, record.data(), record.size());
    to += record.size();
    std::pair<std::uint32_t, std::uint32_t>* cell = rows.cells_of(rows.size() - 1, i_count);
    for (std::size_t k = 0; k < i_count; ++k) {
        const std::string_view c = m.cells[k];
        const auto size = static_cast<std::uint32_t>(c.size());
        if (c.empty()) {
            *cell++ = {0, 0};
        } else if (in_record >> k & 1) {
            *cell++ = {base + static_cast<std::uint32_t>(at(c) - at(record)), size};
        } else {
            *cell++ = {static_cast<std::uint32_t>(to - rows.text.data()), size};
            std::memcpy(to, c.data(), c.size());
            to += c.size();
        }
    }
    return true;
}

void detail::IndicatorSplit::convert(Rows& rows, std::size_t k, std::string_view& project_id, Indicator& out, bool& ok,
                                     std::vector<Diagnostic>& problems) const {
    const RowInfo& info = rows.row(k);
    for (std::uint32_t i = info.problems_begin; i < info.problems_end; ++i) problems.push_back(std::move(rows.problems[i]));
    std::array<std::string_view, i_count> cells;
    const std::pair<std::uint32_t, std::uint32_t>* cell = rows.cells_of(k, i_count);
    for (std::size_t c = 0; c < i_count; ++c) cells[c] = std::string_view(rows.text.data() + cell[c].first, cell[c].second);
    static const std::vector<std::string_view> no_fields; // the width was checked in split()
    Row row(frozen_->file, info.line, frozen_->header, no_fields, cells.data(), problems);
    if (!info.ok) row.refuse_quietly();
    reset(out);
    out.source_line = info.line;
    fill_indicator(row, project_id, out);
    ok = row.ok();
}

// --- AssessmentReader -------------------------------------------------------------

struct AssessmentReader::Impl : TableReader<a_count> {
    Impl(const std::string& path, const InputOptions& options) : TableReader(path, options, assessment_columns, assessment_sheets) {}
};

AssessmentReader::AssessmentReader(const std::string& path, const InputOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}
AssessmentReader::~AssessmentReader() = default;
AssessmentReader::AssessmentReader(AssessmentReader&&) noexcept = default;
AssessmentReader& AssessmentReader::operator=(AssessmentReader&&) noexcept = default;
const std::vector<Diagnostic>& AssessmentReader::notices() const { return impl_->header.notices; }
const std::string& AssessmentReader::file() const { return impl_->csv.file(); }
SourceLocation AssessmentReader::where(std::uint32_t line) const { return impl_->csv.where(line); }

bool AssessmentReader::next(AssessmentRow& out, bool& ok, std::vector<Diagnostic>& problems) {
    Impl& m = *impl_;
    if (!m.next_row()) return false;
    Row row = m.row(problems);
    row.check_width();
    m.check_merged(row);
    out.source_line = m.csv.line();
    fill_assessment(row, out);
    ok = row.ok();
    return true;
}

// --- The problems of ids, in the words of every path (diagnostic.hpp) ------------

Diagnostic detail::repeated_id_problem(const std::string& projects, std::uint32_t line, std::string_view id, std::uint32_t first) {
    const std::string at = std::to_string(first);
    return make_diagnostic(projects, line, "project_id " + shown(id) + " appears again (first at line " + at + ")",
                           "项目编号" + shown_zh(id) + "重复（首次出现在第 " + at + " 行）");
}

Diagnostic detail::unknown_id_problem(const std::string& projects, const std::string& indicators, std::uint32_t line,
                                      std::string_view id) {
    return make_diagnostic(indicators, line, "project_id " + shown(id) + " is not in " + projects,
                           "项目编号" + shown_zh(id) + "不在 " + projects + " 中");
}

// --- read_projects ----------------------------------------------------------------

namespace {

/// read_projects(), reading sheets as `options` say (SheetsAtOnce); sets
/// `read_all` when both tables were read to their end.
std::vector<Project> read_projects(const std::string& projects_csv, const std::string& indicators_csv,
                                   const InputOptions& options, bool& read_all) {
    Collector diag;
    std::vector<Project> projects;
    std::unordered_map<std::string, std::size_t> index; // project_id -> position in `projects`
    bool projects_read = true, indicators_read = true;
    std::vector<Diagnostic> problems;

    try {
        ProjectReader reader(projects_csv, options);
        diag.add(reader.notices());
        Project p;
        bool ok = true;
        while (reader.next(p, ok, problems)) {
            diag.add(problems);
            problems.clear();
            if (p.id.empty()) continue;
            const auto [it, fresh] = index.try_emplace(p.id, projects.size());
            if (!fresh) {
                Diagnostic d = detail::repeated_id_problem(projects_csv, p.source_line, p.id, projects[it->second].source_line);
                d.where = reader.where(p.source_line);
                diag.add(d);
                continue;
            }
            projects.push_back(p);
        }
    } catch (const Error& e) {
        diag.add(problems);
        diag.add(e.diagnostics());
        projects_read = false; // without the projects, every indicator would look orphaned
    }

    problems.clear();
    if (!indicators_csv.empty()) try { // none: the projects alone (assess)
        IndicatorReader reader(indicators_csv, options);
        diag.add(reader.notices());
        std::string id;
        Indicator ind;
        bool ok = true;
        while (reader.next(id, ind, ok, problems)) {
            diag.add(problems);
            problems.clear();
            if (id.empty() || !projects_read) continue;
            const auto it = index.find(id);
            if (it == index.end()) {
                Diagnostic d = detail::unknown_id_problem(projects_csv, indicators_csv, ind.source_line, id);
                d.where = reader.where(ind.source_line);
                diag.add(d);
                continue;
            }
            if (ok) projects[it->second].indicators.push_back(ind);
        }
    } catch (const Error& e) {
        diag.add(problems);
        diag.add(e.diagnostics());
        indicators_read = false;
    }

    read_all = projects_read && indicators_read;
    if (diag.has_errors()) throw Error(diag.finish());
    return projects;
}

} // namespace

std::vector<Project> read_projects(const std::string& projects_csv, const std::string& indicators_csv,
                                   const InputOptions& options) {
    // Every row is read before a project is returned: sheets may be read at once.
    return detail::SheetsAtOnce::run({&projects_csv, &indicators_csv}, [&](bool at_once, bool& read_all) {
        InputOptions o = options;
        detail::SheetsAtOnce::set(o, at_once);
        return read_projects(projects_csv, indicators_csv, o, read_all);
    });
}

// --- Records given field by field (YAML data, input_cells.hpp) -------------------

namespace detail {
namespace {

template <std::size_t N>
std::vector<std::string_view> ids_of(const std::array<ColumnSpec, N>& specs, std::size_t skip = N) {
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < N; ++i)
        if (i != skip) out.push_back(specs[i].id);
    return out;
}

/// A Header naming every known column by its identifier, as if all were present.
template <std::size_t N> Header identity_header(const std::array<ColumnSpec, N>& specs) {
    Header h;
    h.width = N;
    for (std::size_t i = 0; i < N; ++i) {
        h.column_of.push_back(static_cast<int>(i));
        h.label.emplace_back(specs[i].id);
    }
    return h;
}

/// Cells and their locations by known column; a field not given is empty and
/// located at the record.
template <std::size_t N>
void place(const std::array<ColumnSpec, N>& specs, const std::vector<FieldCell>& given, const SourceLocation& record,
           std::array<std::string_view, N>& cells, std::array<SourceLocation, N>& where) {
    cells.fill(std::string_view{});
    where.fill(record);
    for (const FieldCell& c : given)
        for (std::size_t i = 0; i < N; ++i)
            if (specs[i].id == c.key) {
                cells[i] = trim(c.value);
                where[i] = c.where;
            }
}

} // namespace

std::vector<std::string_view> project_field_ids() { return ids_of(project_columns); }
std::vector<std::string_view> indicator_field_ids() { return ids_of(indicator_columns, i_project); }

bool project_from_cells(const std::vector<FieldCell>& cells, const SourceLocation& record, Project& out,
                        std::vector<Diagnostic>& problems) {
    static const Header header = identity_header(project_columns);
    const std::vector<std::string_view> no_fields;
    std::array<std::string_view, p_count> values;
    std::array<SourceLocation, p_count> where;
    place(project_columns, cells, record, values, where);
    Row row(record.file, record.line, header, no_fields, values.data(), problems, where.data());
    out.source_line = record.line;
    out.indicators.clear();
    fill_project(row, out);
    return row.ok();
}

bool indicator_from_cells(const std::vector<FieldCell>& cells, const SourceLocation& record,
                          const std::string& project_id, Indicator& out, std::vector<Diagnostic>& problems) {
    static const Header header = identity_header(indicator_columns);
    const std::vector<std::string_view> no_fields;
    std::array<std::string_view, i_count> values;
    std::array<SourceLocation, i_count> where;
    place(indicator_columns, cells, record, values, where);
    values[i_project] = project_id;
    Row row(record.file, record.line, header, no_fields, values.data(), problems, where.data());
    reset(out);
    out.source_line = record.line;
    std::string id;
    fill_indicator(row, id, out);
    return row.ok();
}

} // namespace detail

} // namespace perfbudget
