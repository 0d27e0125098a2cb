// TableWriter (table_writer.hpp): the result tables for people, as CSV or a workbook.
#include "table_writer.hpp"

#include "perfbudget/monitoring_rules.hpp"
#include "perfbudget/review_rules.hpp"

#include "xlsx_book.hpp"

#include <array>
#include <cerrno>
#include <iconv.h>
#include <optional>
#include <span>

namespace perfbudget::detail {

namespace {

enum class Kind : std::uint8_t { text, money, rate, score, count, flag };

struct Column {
    std::string_view id;
    Kind kind;
    std::string_view zh; // the header with --lang zh (docs/output.md lists them)
};

/// Every column of the four tables, by identifier (SPEC §4–§8 terms).
constexpr std::array<Column, 39> columns{{
    {"project_id", Kind::text, "项目编号"},
    {"name", Kind::text, "项目名称"},
    {"department", Kind::text, "主管部门"},
    {"budget", Kind::money, "预算数"},
    {"spent", Kind::money, "执行数"},
    {"exec_rate", Kind::rate, "执行率"},
    {"exec_score", Kind::score, "执行率得分"},
    {"indicator_score", Kind::score, "指标得分"},
    {"total", Kind::score, "总分"},
    {"grade", Kind::text, "等级"},
    {"grade_label", Kind::text, "等级名称"},
    {"rectify", Kind::flag, "限期整改"},
    {"priority", Kind::flag, "优先安排"},
    {"cut", Kind::rate, "核减比例"},
    {"recover", Kind::money, "收回资金"},
    {"accountability", Kind::flag, "追责问责"},
    {"reasons", Kind::text, "触发规则"},
    {"explanation", Kind::text, "说明"},
    {"time_progress", Kind::rate, "序时进度"},
    {"completion", Kind::rate, "总体完成率"},
    {"level", Kind::text, "预警等级"},
    {"action", Kind::text, "处理措施"},
    {"cut_amount", Kind::money, "核减金额"},
    {"indicators", Kind::count, "指标数"},
    {"quantified", Kind::count, "量化指标数"},
    {"quantification", Kind::rate, "量化率"},
    {"completeness", Kind::score, "完整性"},
    {"relevance", Kind::score, "相关性"},
    {"appropriateness", Kind::score, "适当性"},
    {"feasibility", Kind::score, "可行性"},
    {"score", Kind::score, "得分"},
    {"admission", Kind::text, "审核意见"},
    {"defects", Kind::text, "问题清单"},
    {"experts", Kind::count, "专家人数"},
    {"necessity", Kind::score, "立项必要性"},
    {"economy", Kind::score, "投入经济性"},
    {"targets", Kind::score, "绩效目标合理性"},
    {"financing", Kind::score, "筹资合规性"},
    {"approved", Kind::flag, "是否通过"},
}};

/// Where a command's column differs from the catalogue's.
struct Override {
    TableOf table;
    Column column;
};
constexpr std::array<Override, 3> overrides{{
    {TableOf::evaluate, {"cut", Kind::money, "下年核减金额"}}, // §8: next year's cut in yuan
    {TableOf::monitor, {"reasons", Kind::text, "预警原因"}},
    {TableOf::assess, {"feasibility", Kind::score, "实施方案可行性"}}, // §7's dimension, not §6's
}};

Column column_of(TableOf table, std::string_view id) {
    for (const Override& o : overrides)
        if (o.table == table && o.column.id == id) return o.column;
    for (const Column& c : columns)
        if (c.id == id) return c;
    return {id, Kind::text, id}; // a column added later: its identifier, as text
}

/// Cells of identifiers that have a Chinese word (SPEC §2, §5, §6), written in
/// Chinese under Chinese headers: 红灯 for red, 予以安排 for proceed.
struct Labels {
    std::string_view column;
    std::span<const std::string_view> ids, zh;
};
const std::array<Labels, 3> labels{{
    {"level", names::light, names::light_zh},
    {"action", names::action, names::action_zh},
    {"admission", names::admission, names::admission_zh},
}};

/// The Chinese word of `cell` in `column`, or the cell itself.
std::string_view label_zh(std::string_view column, std::string_view cell) {
    for (const Labels& l : labels) {
        if (l.column != column) continue;
        for (std::size_t i = 0; i < l.ids.size() && i < l.zh.size(); ++i)
            if (l.ids[i] == cell) return l.zh[i];
    }
    return cell;
}

/// Splits one CSV record (as append_csv_field writes it, ending in '\n') into fields.
void split_record(std::string_view line, std::vector<std::string>& fields) {
    fields.clear();
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c != '"') field += c;
            else if (i + 1 < line.size() && line[i + 1] == '"') field += line[++i];
            else quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',' || c == '\n') {
            fields.push_back(std::move(field));
            field.clear();
        } else {
            field += c;
        }
    }
    if (!line.empty() && line.back() != '\n') fields.push_back(std::move(field));
}

/// An amount in yuan with 2 decimals ("1234.50") as 万元 with 6 ("0.123450"):
/// 6 decimals of 万元 are one fen, so the digits stay and only the point moves.
std::string wan(std::string_view yuan) {
    if (yuan.empty()) return {};
    std::string out;
    if (yuan.front() == '-') {
        out += '-';
        yuan.remove_prefix(1);
    }
    std::string digits;
    for (char c : yuan)
        if (c != '.') digits += c;
    digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
    if (digits.size() < 7) digits.insert(0, 7 - digits.size(), '0');
    out += digits.substr(0, digits.size() - 6);
    out += '.';
    out += digits.substr(digits.size() - 6);
    return out;
}

/// The code point of the UTF-8 character at `s` (valid UTF-8: the tables are written from checked input).
char32_t code_point(std::string_view s) {
    const auto b = [&](std::size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(s[i])); };
    if (b(0) < 0x80 || s.size() < 2) return b(0);
    if (b(0) < 0xE0) return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
    if (b(0) < 0xF0 || s.size() < 4) return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
}

std::string u_plus(char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

/// UTF-8 to GBK with glibc's iconv (the table the reader uses the other way), opened once.
class GbkEncoder {
public:
    GbkEncoder() : cd_(::iconv_open("GBK", "UTF-8")) {
        if (cd_ == reinterpret_cast<iconv_t>(-1))
            throw Error(SourceLocation{}, "GBK conversion is not available (iconv GBK)", "无法进行 GBK 编码转换（iconv 不支持 GBK）");
    }
    ~GbkEncoder() { ::iconv_close(cd_); }
    GbkEncoder(const GbkEncoder&) = delete;
    GbkEncoder& operator=(const GbkEncoder&) = delete;

    /// Appends `text` in GBK to `out`; on a character GBK lacks, returns its offset in `text`.
    std::optional<std::size_t> append(std::string_view text, std::string& out) {
        ::iconv(cd_, nullptr, nullptr, nullptr, nullptr);
        const std::size_t start = out.size();
        out.resize(start + text.size()); // a GBK character is never longer than its UTF-8
        char* in = const_cast<char*>(text.data());
        std::size_t in_left = text.size();
        char* to = out.data() + start;
        std::size_t to_left = text.size();
        const std::size_t r = ::iconv(cd_, &in, &in_left, &to, &to_left);
        if (r == static_cast<std::size_t>(-1)) {
            out.resize(start);
            return static_cast<std::size_t>(in - text.data());
        }
        out.resize(out.size() - to_left);
        return std::nullopt;
    }

private:
    iconv_t cd_;
};

/// Display width of a header in Excel's column units, whole characters (a CJK character is two).
unsigned width_of(std::string_view s) {
    unsigned w = 0;
    for (unsigned char c : s)
        if (c < 0x80) w += 1;
        else if (c >= 0xC0) w += 2;
    return w;
}

unsigned default_width(const Column& c) {
    if (c.id == "name" || c.id == "reasons" || c.id == "defects") return 36;
    if (c.id == "explanation") return 80;
    if (c.id == "department") return 24;
    switch (c.kind) {
    case Kind::text: return 14;
    case Kind::money: return 16;
    default: return 10;
    }
}

} // namespace

/// Everything but the passthrough: the columns, the row being rewritten, and the CSV or workbook.
struct TableWriter::Transform {
    OutputFormat format;
    TableStyle style;
    MoneyUnit unit;
    TableOf table;
    std::string projects;
    std::vector<Column> columns;
    std::size_t name_at = SIZE_MAX; // the name column's place
    std::vector<std::string> fields;
    std::string text; // a CSV line in UTF-8
    std::optional<GbkEncoder> gbk;
    std::vector<Diagnostic> problems;
    // The workbook (xlsx).
    std::optional<WorkbookFile> file;
    std::optional<Workbook> book;
    lxw_worksheet* sheet = nullptr;
    lxw_format* money = nullptr;
    lxw_format* whole = nullptr;
    lxw_row_t row = 0;

    bool names() const { return table_has_names(format, style); }
    bool wan() const { return unit == MoneyUnit::wan; }

    std::string header_of(const Column& c) const {
        if (!style.chinese_headers) return std::string(c.id);
        std::string h(c.zh);
        if (c.kind == Kind::money && wan()) h += "（万元）";
        return h;
    }

    /// The value of field `i` of a row as written: money in 万元 when asked, Chinese words under Chinese headers.
    std::string value(std::size_t i) {
        if (columns[i].kind == Kind::money && wan()) return perfbudget::detail::wan(fields[i]);
        if (columns[i].kind == Kind::text && style.chinese_headers) return std::string(label_zh(columns[i].id, fields[i]));
        return std::move(fields[i]);
    }

    /// The fields as a CSV line in `text` (the header's as they are, a row's through value()).
    void join(bool header) {
        text.clear();
        for (std::size_t i = 0; i < columns.size() && i < fields.size(); ++i) {
            if (i) text += ',';
            append_csv_field(text, header ? fields[i] : value(i));
        }
        text += '\n';
    }

    lxw_format* format_of(Kind k) const {
        switch (k) {
        case Kind::money: return money;
        case Kind::rate: return book->rate_;
        case Kind::score: return book->score_;
        case Kind::count:
        case Kind::flag: return whole;
        default: return nullptr;
        }
    }

    void open_workbook() {
        file.emplace();
        book.emplace(file->path());
        static constexpr std::array<const char*, 4> en{"evaluation", "monitoring", "review", "assessment"};
        static constexpr std::array<const char*, 4> zh{"绩效自评", "运行监控", "目标审核", "事前评估"};
        const auto t = static_cast<std::size_t>(table);
        sheet = book->sheet(style.chinese_headers ? zh[t] : en[t]);
        money = book->number_format(wan() ? "#,##0.000000" : "#,##0.00");
        whole = book->number_format("0");
    }

    void workbook_header() {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const std::string h = header_of(columns[i]);
            const auto col = static_cast<lxw_col_t>(i);
            worksheet_set_column(sheet, col, col, std::max(default_width(columns[i]), width_of(h) + 2), nullptr);
            worksheet_write_string(sheet, 0, col, h.c_str(), book->bold_);
        }
        worksheet_freeze_panes(sheet, 1, 0);
        row = 1;
    }

    void workbook_row(std::uint32_t line) {
        if (row >= LXW_ROW_MAX)
            throw Error({projects, line, 0}, "a worksheet holds at most 1,048,575 projects: write CSV (--format csv)",
                        "一张工作表最多容纳 1,048,575 个项目：请输出 CSV（--format csv）");
        for (std::size_t i = 0; i < columns.size() && i < fields.size(); ++i) {
            const auto col = static_cast<lxw_col_t>(i);
            const std::string v = value(i);
            if (columns[i].kind == Kind::text) {
                if (!v.empty()) worksheet_write_string(sheet, row, col, v.c_str(), nullptr);
            } else {
                write_exact_number(sheet, row, col, v, format_of(columns[i].kind));
            }
        }
        ++row;
    }

    /// Appends `line` to `out`, in GBK when asked; false (a problem noted) when GBK cannot hold it.
    bool append_encoded(std::string_view line, std::string& out, std::string_view project, std::uint32_t at) {
        if (!gbk) {
            out += line;
            return true;
        }
        const std::optional<std::size_t> bad = gbk->append(line, out);
        if (!bad) return true;
        const std::string c = u_plus(code_point(line.substr(*bad)));
        Diagnostic d; // built member by member: GCC 12 misreads the braced form (-Wmaybe-uninitialized)
        d.where = SourceLocation{projects, at, 0};
        d.en = "project " + std::string(project) + ": the character " + c +
               " cannot be written in GBK (--output-encoding gbk); write UTF-8 (--excel) instead";
        d.zh = "项目 " + std::string(project) + "：字符 " + c + " 无法以 GBK 编码输出（--output-encoding gbk）；请改为输出 UTF-8（--excel）";
        problems.push_back(std::move(d));
        return false;
    }

    /// Writes `text` (join()) to `out`, or only checks it once the run has failed.
    void csv_line(std::string& out, std::string_view project, std::uint32_t line) {
        if (problems.empty()) append_encoded(text, out, project, line);
        else if (gbk) { // keep checking, but stop writing: the run fails
            std::string scratch;
            append_encoded(text, scratch, project, line);
        }
    }
};

TableWriter::TableWriter(OutputFile& out, OutputFormat format, const TableStyle& style, MoneyUnit unit, TableOf table,
                         std::string projects)
    : out_(out),
      passthrough_(format == OutputFormat::csv && !style.bom && style.encoding == Encoding::utf8 &&
                   !table_has_names(format, style) && unit == MoneyUnit::yuan) {
    if (passthrough_) return;
    transform_ = std::make_unique<Transform>();
    Transform& t = *transform_;
    t.format = format;
    t.style = style;
    t.unit = unit;
    t.table = table;
    t.projects = std::move(projects);
    if (format == OutputFormat::xlsx) t.open_workbook();
    else if (style.encoding == Encoding::gbk) t.gbk.emplace();
}

TableWriter::~TableWriter() = default;

bool TableWriter::names() const { return transform_ && transform_->names(); }

void TableWriter::header(std::string_view identifiers) {
    if (passthrough_) return out_.write(identifiers);
    Transform& t = *transform_;
    split_record(identifiers, t.fields);
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
        t.columns.push_back(column_of(t.table, t.fields[i]));
        if (i == 0 && t.names()) {
            t.name_at = 1;
            t.columns.push_back(column_of(t.table, "name"));
        }
    }
    if (t.format == OutputFormat::xlsx) return t.workbook_header();
    if (t.style.bom && !t.gbk) out_.write("\xEF\xBB\xBF");
    t.fields.clear();
    for (const Column& c : t.columns) t.fields.push_back(t.header_of(c));
    t.join(true);
    t.csv_line(out_.buffer(), "", 1);
}

void TableWriter::end_row(std::string_view name, std::uint32_t line) {
    if (passthrough_) return out_.flush_if_full();
    Transform& t = *transform_;
    split_record(line_, t.fields);
    line_.clear();
    if (t.name_at < t.fields.size()) t.fields.insert(t.fields.begin() + static_cast<std::ptrdiff_t>(t.name_at), std::string(name));
    if (t.format == OutputFormat::xlsx) return t.workbook_row(line);
    const std::string project = t.fields.empty() ? std::string() : t.fields.front();
    t.join(false);
    t.csv_line(out_.buffer(), project, line);
    out_.flush_if_full();
}

void TableWriter::finish() {
    if (passthrough_) return;
    Transform& t = *transform_;
    if (!t.problems.empty()) throw Error(std::move(t.problems));
    if (t.format != OutputFormat::xlsx) return;
    t.book->close();
    t.file->copy_into(out_);
}

} // namespace perfbudget::detail
