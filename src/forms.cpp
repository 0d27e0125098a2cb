// forms.hpp: reading the self-evaluation form (项目支出绩效自评表) from a grid of
// cell texts (SPEC §3b). Every part is found by its label; every problem is a
// Diagnostic at its cell ("book.xlsx!Sheet!F12"), in English and Chinese, and
// one sheet reports all of its problems.
#include "perfbudget/forms.hpp"

#include "perfbudget/input.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace perfbudget {

namespace {

// --- text -------------------------------------------------------------------

/// Full-width ASCII (U+FF01–U+FF5E: ０-９ ． ％ （ ） ＞ ＜ ＝ ：) and the
/// ideographic space as their ASCII forms; spaces at both ends trimmed.
std::string normalize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        if (b0 == 0xEF && i + 2 < s.size()) { // U+FF01..U+FF5E is EF BC 81..EF BD 9E
            const auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
            const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                out += static_cast<char>(cp - 0xFF01 + 0x21);
                i += 3;
                continue;
            }
        }
        if (s.substr(i, 3) == "\u3000") { // ideographic space
            out += ' ';
            i += 3;
            continue;
        }
        out += s[i++];
    }
    const auto first = out.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = out.find_last_not_of(" \t\r\n");
    return out.substr(first, last - first + 1);
}

/// A label as compared: normalized, without any whitespace (`项 目 名 称`) or a
/// trailing colon.
std::string squeeze(std::string_view s) {
    std::string out;
    for (char c : normalize(s))
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
    while (!out.empty() && out.back() == ':') out.pop_back();
    return out;
}

/// A label without its bracketed note: `全年预算数(万元)` → `全年预算数`,
/// `产出指标(50分)` → `产出指标`.
std::string bare_label(std::string_view s) {
    std::string t = squeeze(s);
    if (const auto open = t.find('('); open != std::string::npos && open > 0) t.erase(open);
    return t;
}

/// A text value as written, only trimmed (ASCII and ideographic spaces): names
/// and goals keep their full-width punctuation.
std::string trimmed(std::string_view s) {
    const auto space_at_front = [&] { return !s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'); };
    const auto space_at_back = [&] { return !s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'); };
    for (;;) {
        if (space_at_front()) s.remove_prefix(1);
        else if (s.substr(0, 3) == "\u3000") s.remove_prefix(3);
        else break;
    }
    for (;;) {
        if (space_at_back()) s.remove_suffix(1);
        else if (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000") s.remove_suffix(3);
        else break;
    }
    return std::string(s);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_percent_unit(std::string_view unit) { return unit == "%" || unit == "百分比"; }

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string quoted_zh(std::string_view s) { return "“" + std::string(s) + "”"; }

// --- dates and numbers --------------------------------------------------------

std::optional<Date> make_date(int y, int m, int d) {
    if (y < 1400 || y > 9999 || m < 1 || m > 12 || d < 1) return std::nullopt;
    using namespace std::chrono;
    const auto ym = year{y} / month{static_cast<unsigned>(m)};
    const int end = static_cast<int>(static_cast<unsigned>((ym / std::chrono::last).day()));
    if (d == 99) d = end; // 月底
    if (d > end) return std::nullopt;
    return Date{ym / day{static_cast<unsigned>(d)}};
}

/// Reads up to `max` digits at `i`; false when there is none.
bool read_int(std::string_view s, std::size_t& i, int max, int& out) {
    const std::size_t start = i;
    out = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < static_cast<std::size_t>(max)) out = out * 10 + (s[i++] - '0');
    return i > start;
}

/// `2023-10-31`, `2023/10/31`, `2023.10.31`, `2023年10月31日`, `2023年12月底`, each
/// optionally followed by 前/之前/以前; nullopt for anything else.
std::optional<Date> parse_form_date(std::string_view text) {
    std::string s = normalize(text);
    for (std::string_view tail : {"之前", "以前", "前"})
        if (ends_with(s, tail)) {
            s.erase(s.size() - tail.size());
            break;
        }
    std::size_t i = 0;
    int y = 0, m = 0, d = 0;
    if (!read_int(s, i, 4, y) || i != 4) return std::nullopt;
    const std::string_view rest = std::string_view(s).substr(i);
    if (starts_with(rest, "年")) {
        i += 3;
        if (!read_int(s, i, 2, m) || std::string_view(s).substr(i, 3) != "月") return std::nullopt;
        i += 3;
        const std::string_view day = std::string_view(s).substr(i);
        if (day == "底") return make_date(y, m, 99);
        if (!read_int(s, i, 2, d) || std::string_view(s).substr(i) != "日") return std::nullopt;
        return make_date(y, m, d);
    }
    if (rest.empty() || (rest[0] != '-' && rest[0] != '/' && rest[0] != '.')) return std::nullopt;
    const char sep = rest[0];
    ++i;
    if (!read_int(s, i, 2, m) || i >= s.size() || s[i] != sep) return std::nullopt;
    ++i;
    if (!read_int(s, i, 2, d) || i != s.size()) return std::nullopt;
    return make_date(y, m, d);
}

/// A number with correctly grouped thousands separators (`1,234,567.89`) without
/// them; any other text unchanged (so `1,23` stays and is refused by the parser).
std::string ungrouped(std::string_view s) {
    if (s.find(',') == std::string_view::npos) return std::string(s);
    const std::size_t point = std::min(s.find('.'), s.size());
    std::size_t digits = 0;
    for (std::size_t i = point; i-- > 0;) {
        if (s[i] == ',') {
            if (digits != 3 || i == 0) return std::string(s);
            digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            ++digits;
        } else if (!(i == 0 && s[i] == '-')) {
            return std::string(s);
        }
    }
    if (digits > 3) return std::string(s);
    std::string out;
    for (char c : s)
        if (c != ',') out += c;
    return out;
}

/// A cell left as a dash or slash (`—`, `-`, `/`): nothing filled in.
bool is_dash(std::string_view t) { return t == "—" || t == "——" || t == "-" || t == "--" || t == "/" || t == "－"; }

/// A number under its unit: with a percentage unit the number is a percentage
/// (`86.7` under % is 0.867), as in indicators.csv (SPEC §3a).
NumberError read_number(std::string_view number, std::string_view unit, Decimal& out) {
    Decimal d;
    if (const NumberError e = parse_decimal(ungrouped(number), d, false); !e.ok()) return e;
    if (!is_percent_unit(unit)) {
        out = d;
        return {};
    }
    if (d.units() % 100 != 0) return {"at most 6 decimal places", "最多六位小数"};
    out = Decimal::from_units(d.units() / 100);
    return {};
}

/// Splits `93.5%` into "93.5" and "%", `11860人` into "11860" and "人".
void split_number(std::string_view text, std::string& number, std::string& unit) {
    std::size_t i = 0;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.' || text[i] == ',' || text[i] == '-')) ++i;
    number = normalize(text.substr(0, i));
    unit = normalize(text.substr(i));
}

/// The comparison operator a target starts with, if any.
struct Operator {
    std::string_view text;
    Direction direction;
};
constexpr std::array<Operator, 9> operators = {{{">=", Direction::ge},
                                                {"<=", Direction::le},
                                                {"≥", Direction::ge},
                                                {"≧", Direction::ge},
                                                {"≤", Direction::le},
                                                {"≦", Direction::le},
                                                {">", Direction::ge}, // 大于: scored as ≥ (docs/forms.md)
                                                {"<", Direction::le},
                                                {"=", Direction::eq}}};

} // namespace

namespace {

/// split_target(), where a number written without a unit is in `default_unit`
/// (Sichuan's 度量单位 column): `85` under % is 85%.
bool split_target_under(std::string_view raw, std::string_view default_unit, TargetParts& out, std::string& why_en,
                        std::string& why_zh) {
    out = TargetParts{};
    std::string text = normalize(raw);
    for (const Operator& op : operators)
        if (starts_with(text, op.text)) {
            out.direction = op.direction;
            out.has_operator = true;
            text = normalize(std::string_view(text).substr(op.text.size()));
            break;
        }
    if (const auto date = parse_form_date(text)) {
        if (out.has_operator && out.direction != Direction::le) {
            why_en = "a date target is met on or before the date: write it with ≤ or 前";
            why_zh = "日期指标以按时或提前完成为达成：请写作“≤日期”或“日期前”";
            return false;
        }
        out.direction = Direction::date;
        out.value = *date;
        return true;
    }
    const bool numeric = !text.empty() && text[0] >= '0' && text[0] <= '9';
    if (!numeric) {
        if (out.has_operator) {
            why_en = "a number (with its unit) or a date after the operator, e.g. ≥50个";
            why_zh = "运算符后应为数值（可带单位）或日期，如 ≥50个";
            return false;
        }
        out.direction = Direction::qual; // a sentence: 严格执行相关制度规定
        return true;
    }
    std::string number;
    split_number(text, number, out.unit);
    Decimal d;
    if (const NumberError e = read_number(number, out.unit.empty() ? default_unit : out.unit, d); !e.ok()) {
        why_en = e.en;
        why_zh = e.zh;
        return false;
    }
    out.value = d;
    return true;
}

} // namespace

bool split_target(std::string_view raw, TargetParts& out, std::string& why_en, std::string& why_zh) {
    return split_target_under(raw, {}, out, why_en, why_zh);
}

std::optional<Tier> tier_of_phrase(std::string_view raw) {
    const std::string s = squeeze(raw);
    if (starts_with(s, "未达成") || starts_with(s, "未达到") || starts_with(s, "未完成")) return Tier::C;
    if (starts_with(s, "部分达成") || starts_with(s, "部分达到") || starts_with(s, "部分完成")) return Tier::B;
    if (starts_with(s, "达成") || starts_with(s, "达到")) return Tier::A;
    return parse_tier(s);
}

namespace {

// --- the sheet -----------------------------------------------------------------

struct Pos {
    std::size_t row = 0, column = 0; // 0-based
};

/// The grid with the sheet's name for messages, and the problems found so far.
class FormSheet {
public:
    FormSheet(const Grid& grid, const std::string& location, FormReading& reading)
        : grid_(grid), location_(location), reading_(reading) {}

    std::size_t rows() const { return grid_.size(); }
    std::size_t columns(std::size_t r) const { return r < grid_.size() ? grid_[r].size() : 0; }
    std::string_view raw(std::size_t r, std::size_t c) const {
        return r < grid_.size() && c < grid_[r].size() ? std::string_view(grid_[r][c]) : std::string_view();
    }
    std::string text(std::size_t r, std::size_t c) const { return normalize(raw(r, c)); }
    /// The cell as written (trimmed): names, goals, remarks.
    std::string value(std::size_t r, std::size_t c) const { return trimmed(raw(r, c)); }
    std::string label(std::size_t r, std::size_t c) const { return bare_label(raw(r, c)); }

    SourceLocation at(std::size_t r, std::size_t c) const {
        return {location_, static_cast<std::uint32_t>(r + 1), static_cast<std::uint32_t>(c + 1), true};
    }
    SourceLocation row_at(std::size_t r) const { return {location_, static_cast<std::uint32_t>(r + 1), 0, true}; }
    SourceLocation whole() const { return {location_, 0, 0, true}; }

    void error(SourceLocation where, std::string en, std::string zh) {
        reading_.problems.push_back({std::move(where), std::move(en), std::move(zh)});
    }
    void notice(SourceLocation where, std::string en, std::string zh) {
        reading_.notices.push_back({std::move(where), std::move(en), std::move(zh), Diagnostic::Severity::notice});
    }
    /// A cell whose value is not what was expected.
    void bad(Pos p, std::string_view what_en, std::string_view what_zh, std::string_view expected_en,
             std::string_view expected_zh) {
        const std::string v(raw(p.row, p.column));
        error(at(p.row, p.column), std::string(what_en) + ": " + quoted(v) + " — expected " + std::string(expected_en),
              std::string(what_zh) + quoted_zh(v) + "有误：" + std::string(expected_zh));
    }

    /// The first cell, row by row from `first_row`, whose bare label satisfies `match`.
    template <class Match>
    std::optional<Pos> find(Match&& match, std::size_t first_row = 0, std::size_t end_row = SIZE_MAX) const {
        for (std::size_t r = first_row; r < std::min(end_row, rows()); ++r)
            for (std::size_t c = 0; c < columns(r); ++c)
                if (!raw(r, c).empty() && match(label(r, c))) return Pos{r, c};
        return std::nullopt;
    }
    std::optional<Pos> find_label(std::initializer_list<std::string_view> names, std::size_t first_row = 0,
                                  std::size_t end_row = SIZE_MAX) const {
        return find([&](const std::string& l) { return std::find(names.begin(), names.end(), l) != names.end(); }, first_row,
                    end_row);
    }
    /// The column in row `r` whose bare label is one of `names` (the first name that is present wins).
    std::optional<std::size_t> column_of(std::size_t r, std::initializer_list<std::string_view> names) const {
        for (std::string_view name : names)
            for (std::size_t c = 0; c < columns(r); ++c)
                if (label(r, c) == name) return c;
        return std::nullopt;
    }

private:
    const Grid& grid_;
    const std::string& location_;
    FormReading& reading_;
};

/// Labels of the form's header part: a value cell is never one of them.
constexpr std::array<std::string_view, 14> header_labels = {
    "项目名称", "主管部门", "实施单位", "项目编号", "项目代码", "项目负责人", "联系电话",
    "项目单位", "预算单位", "项目资金", "年度总体目标", "预期目标", "实际完成情况", "资金性质"};

bool is_header_label(std::string_view l) {
    return std::find(header_labels.begin(), header_labels.end(), l) != header_labels.end();
}

/// The value beside a label: the first cell to its right that is not the label
/// itself (a merged label repeats) and not empty. Another label means no value.
std::optional<Pos> value_right_of(const FormSheet& s, Pos label) {
    const std::string own = s.label(label.row, label.column);
    for (std::size_t c = label.column + 1; c < s.columns(label.row); ++c) {
        if (s.text(label.row, c).empty()) continue;
        const std::string l = s.label(label.row, c);
        if (l == own) continue;
        if (is_header_label(l)) return std::nullopt;
        return Pos{label.row, c};
    }
    return std::nullopt;
}

/// The value of a header label (项目名称…), to its right (or, with `below`, under
/// it); an error when a required label or its value is missing.
std::string header_value(FormSheet& s, std::initializer_list<std::string_view> names, std::size_t end_row, bool required,
                         bool below = false) {
    const auto label = s.find_label(names, 0, end_row);
    const std::string name(*names.begin());
    if (!label) {
        if (required)
            s.error(s.whole(), "the form has no label " + quoted(name) + " (looked for above the indicator table)",
                    "自评表缺少标签" + quoted_zh(name) + "（在绩效指标表之上查找）");
        return {};
    }
    auto value = value_right_of(s, *label);
    if (!value && below) { // 预期目标 / 实际完成情况: the text sits under its heading
        const std::string under = s.label(label->row + 1, label->column);
        if (!under.empty() && !is_header_label(under)) value = Pos{label->row + 1, label->column};
    }
    if (!value) {
        if (required)
            s.error(s.at(label->row, label->column), quoted(name) + " has no value to its right",
                    quoted_zh(name) + "右侧未填写内容");
        return {};
    }
    return s.value(value->row, value->column);
}

/// `（2023年度）` in the first rows (in a cell of its own or inside the title).
std::optional<int> form_year(const FormSheet& s, std::size_t end_row) {
    for (std::size_t r = 0; r < std::min(end_row, s.rows()); ++r)
        for (std::size_t c = 0; c < s.columns(r); ++c) {
            const std::string t = squeeze(s.raw(r, c));
            for (auto at = t.find("年度"); at != std::string::npos; at = t.find("年度", at + 1)) {
                if (at < 4) continue;
                const std::string digits = t.substr(at - 4, 4);
                if (std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
                    (at == 4 || t[at - 5] == '(') && digits >= "1900")
                    return std::stoi(digits);
            }
        }
    return std::nullopt;
}

// --- the funds block -------------------------------------------------------------

/// An amount in 万元 (at most 6 decimals) as yuan: exact, 1 万元 = 10,000 yuan,
/// so the Decimal's units of 10^-6 万元 are fen.
std::optional<Money> wan_cell(FormSheet& s, Pos p, std::string_view what_en, std::string_view what_zh) {
    const std::string t = ungrouped(s.text(p.row, p.column));
    Decimal d;
    if (const NumberError e = parse_decimal(t, d, false); !e.ok()) {
        s.bad(p, what_en, what_zh, std::string("an amount in 万元 (10,000 yuan): ") + e.en,
              std::string("应为以万元为单位的金额：") + e.zh);
        return std::nullopt;
    }
    if (d.units() > Money::max_fen || d.units() < -Money::max_fen) {
        s.bad(p, what_en, what_zh, "an amount within ±10^11 万元", "金额超出 ±10^11 万元");
        return std::nullopt;
    }
    return Money::from_fen(d.units());
}

/// A score or points cell (at most 2 decimals); empty → nullopt without a problem.
/// `分` after the number (`20分`) is accepted; a dash (`—`) is an empty cell.
std::optional<Decimal> points_cell(FormSheet& s, Pos p, std::string_view what_en, std::string_view what_zh) {
    std::string t = s.text(p.row, p.column);
    if (ends_with(t, "分")) t = normalize(std::string_view(t).substr(0, t.size() - std::string_view("分").size()));
    if (t.empty() || is_dash(t)) return std::nullopt;
    Decimal d;
    if (const NumberError e = parse_decimal(t, d, false); !e.ok()) {
        s.bad(p, what_en, what_zh, std::string("points such as 9.5: ") + e.en, std::string("应为分数，如 9.5：") + e.zh);
        return std::nullopt;
    }
    if (d.units() < 0 || d.units() % 10'000 != 0) {
        s.bad(p, what_en, what_zh, "points of 0 or more with at most 2 decimals", "应为不小于 0、最多两位小数的分数");
        return std::nullopt;
    }
    return d;
}

struct FundsColumns {
    std::size_t header_row = 0;
    std::optional<std::size_t> initial, budget, spent, points, rate, score;
};

/// Finds the funds block: its header row (全年预算数 or 调整后预算数, and the
/// executed amount) and the row of totals (年度资金总额, or in Sichuan's form the
/// first row under the header with a budget).
void read_funds(FormSheet& s, std::size_t end_row, Form& form) {
    const auto budget_label = s.find_label({"全年预算数", "调整后预算数", "全年预算"}, 0, end_row);
    if (!budget_label) {
        s.error(s.whole(), "the form has no funds block: no column 全年预算数 (or 调整后预算数) above the indicator table",
                "自评表缺少资金部分：绩效指标表之上没有“全年预算数”（或“调整后预算数”）列");
        return;
    }
    FundsColumns f;
    f.header_row = budget_label->row;
    const std::size_t r = f.header_row;
    f.initial = s.column_of(r, {"年初预算数", "年初预算"});
    f.budget = s.column_of(r, {"全年预算数", "全年预算", "调整后预算数", "调整后预算"});
    f.spent = s.column_of(r, {"全年执行数", "预算执行数", "执行数"});
    f.points = s.column_of(r, {"分值", "权重"});
    f.rate = s.column_of(r, {"执行率", "预算执行率"});
    f.score = s.column_of(r, {"得分"});
    if (!f.spent) {
        s.error(s.row_at(r), "the funds block has no column 全年执行数 (or 预算执行数)", "资金部分缺少“全年执行数”（或“预算执行数”）列");
        return;
    }
    std::optional<std::size_t> totals;
    if (form.layout == FormLayout::national) {
        if (const auto t = s.find_label({"年度资金总额"}, r + 1, end_row)) totals = t->row;
        if (!totals) {
            s.error(s.row_at(r), "the funds block has no row 年度资金总额 below its header", "资金部分表头下方缺少“年度资金总额”行");
            return;
        }
    } else {
        for (std::size_t row = r + 1; row < end_row && !totals; ++row)
            if (!s.text(row, *f.budget).empty()) totals = row;
        if (!totals) {
            s.error(s.row_at(r), "the funds block has no row with a budget below its header", "资金部分表头下方没有填写预算数的行");
            return;
        }
    }
    const std::size_t t = *totals;
    Project& p = form.project;
    p.source_line = static_cast<std::uint32_t>(t + 1);
    if (s.text(t, *f.budget).empty())
        s.error(s.at(t, *f.budget), "the full-year budget (全年预算数) is empty", "全年预算数未填写");
    else if (const auto m = wan_cell(s, {t, *f.budget}, "budget", "预算数")) p.budget = *m;
    if (s.text(t, *f.spent).empty())
        s.error(s.at(t, *f.spent), "the executed amount (全年执行数) is empty", "全年执行数未填写");
    else if (const auto m = wan_cell(s, {t, *f.spent}, "executed amount", "执行数")) p.spent = *m;
    if (f.initial && !s.text(t, *f.initial).empty() && !is_dash(s.text(t, *f.initial))) form.initial_budget = wan_cell(s, {t, *f.initial}, "initial budget", "年初预算数");
    if (f.points) form.exec_points = points_cell(s, {t, *f.points}, "funds points", "资金分值");
    if (f.rate) {
        Decimal rate;
        const std::string text = s.text(t, *f.rate);
        if (!text.empty() && text.back() == '%' && parse_decimal(text, rate).ok()) form.own_exec_rate = rate;
    }
    if (f.score) {
        form.exec_score_cell = {static_cast<std::uint32_t>(t + 1), static_cast<std::uint32_t>(*f.score + 1)};
        form.own_exec_score = points_cell(s, {t, *f.score}, "funds score", "资金得分");
    }
}

// --- the indicator table ----------------------------------------------------------

struct TableColumns {
    std::size_t header_row = 0;
    std::size_t level1 = 0, level2 = 0, name = 0;
    std::optional<std::size_t> nature, target, unit, actual, weight, score, note;
};

/// The indicator table's header: the row with 一级指标, 二级指标 and 三级指标.
std::optional<TableColumns> table_columns(FormSheet& s) {
    const auto l1 = s.find_label({"一级指标"});
    if (!l1) {
        s.error(s.whole(), "the form has no indicator table: no header 一级指标 二级指标 三级指标",
                "自评表缺少绩效指标表：没有“一级指标 二级指标 三级指标”表头");
        return std::nullopt;
    }
    TableColumns t;
    t.header_row = l1->row;
    const std::size_t r = l1->row;
    t.level1 = l1->column;
    const auto l2 = s.column_of(r, {"二级指标"});
    const auto l3 = s.column_of(r, {"三级指标"});
    t.nature = s.column_of(r, {"指标性质", "指标方向"});
    t.target = s.column_of(r, {"年度指标值", "指标值"});
    t.unit = s.column_of(r, {"度量单位", "计量单位"});
    t.actual = s.column_of(r, {"实际完成值", "完成值", "全年实际值"});
    t.weight = s.column_of(r, {"分值", "权重"});
    t.score = s.column_of(r, {"得分"});
    t.note = s.column_of(r, {"偏差原因分析及改进措施", "未完成原因分析", "偏差原因分析"});
    bool ok = true;
    const auto need = [&](bool present, std::string_view label) {
        if (present) return;
        ok = false;
        s.error(s.row_at(r), "the indicator table has no column " + quoted(label), "绩效指标表缺少“" + std::string(label) + "”列");
    };
    need(l2.has_value(), "二级指标");
    need(l3.has_value(), "三级指标");
    need(t.target.has_value(), "年度指标值");
    need(t.actual.has_value(), "实际完成值");
    need(t.weight.has_value(), "分值");
    if (!ok) return std::nullopt;
    t.level2 = *l2;
    t.name = *l3;
    return t;
}

/// The direction a Sichuan 指标性质 cell names: ≥ ≤ = 定性, 正向 反向, > <.
std::optional<Direction> nature_direction(std::string_view raw) {
    const std::string s = squeeze(raw);
    for (const Operator& op : operators)
        if (s == op.text) return op.direction;
    if (s == "定性" || s == "定性指标") return Direction::qual;
    if (s == "定量" || s == "定量指标") return std::nullopt;
    return parse_direction(s);
}

/// The rules' range of a tier holds `p`.
bool in_tier(const EvaluationRules::QualTier& t, Decimal p) {
    return p >= t.min && (p < t.max || (p == t.max && t.max_inclusive));
}

/// The qualitative actual: its tier and, when the unit's 得分 / 分值 lies in the
/// tier's range, that percentage; else the tier's default, with a notice.
void read_tier(FormSheet& s, Pos cell, const FormIndicator& row, const Indicator& ind, const RuleBook& rules,
               std::optional<int> year, Measure& out) {
    const auto tier = tier_of_phrase(s.raw(cell.row, cell.column));
    if (!tier) {
        s.bad(cell, "qualitative actual (实际完成值)", "定性指标的实际完成值",
              "a tier: 达成预期指标 (or 达成年度指标, A), 部分达成… (B) or 未达成… (C)",
              "应为档次：达成预期指标（或达成年度指标、A）、部分达成…（B）或未达成…（C）");
        return;
    }
    QualRating rating{*tier};
    if (row.own_score && ind.weight && ind.weight->units() > 0) {
        const Decimal p = Fraction::of(*row.own_score, *ind.weight).rounded(Decimal::scale, RoundingMode::half_up);
        const EvaluationRules::QualTier* range = nullptr;
        try {
            range = &rules.for_year(year).evaluation.qual.tiers[static_cast<std::size_t>(*tier)];
        } catch (const Error&) { // no period for the year: evaluate() reports it
        }
        if (range && in_tier(*range, p)) {
            rating.set_percent(p);
        } else if (range) {
            const std::string tier_name(to_string(*tier));
            s.notice(s.at(row.score_cell.row - 1, row.score_cell.column - 1),
                     "the unit's score " + row.own_score->to_string(2) + " of " + ind.weight->to_string(2) + " points is " +
                         p.to_string(4) + " of the weight, outside tier " + tier_name + "'s range: tier " + tier_name +
                         "'s default share is used",
                     "单位自评得分 " + row.own_score->to_string(2) + "（分值 " + ind.weight->to_string(2) + "）占分值比例为 " +
                         p.to_string(4) + "，不在档次 " + tier_name + " 的区间内：按该档次的默认比例计分");
        }
    }
    out = rating;
}

/// A numeric actual under the target's unit: `11860人`, `93.5%`, `100` (under 百分比).
void read_numeric_actual(FormSheet& s, Pos cell, const std::string& unit, Measure& out) {
    std::string number, actual_unit;
    split_number(s.text(cell.row, cell.column), number, actual_unit);
    const bool same = actual_unit.empty() || actual_unit == unit || (is_percent_unit(actual_unit) && is_percent_unit(unit));
    if (!same) {
        s.bad(cell, "actual (实际完成值)", "实际完成值", "a number in the target's unit " + quoted(unit),
              "应为与指标值同一计量单位“" + unit + "”的数值");
        return;
    }
    Decimal d;
    if (const NumberError e = read_number(number, actual_unit.empty() ? unit : actual_unit, d); !e.ok() || number.empty()) {
        s.bad(cell, "actual (实际完成值)", "实际完成值", e.ok() ? "a number" : e.en, e.ok() ? "应为数值" : e.zh);
        return;
    }
    out = d;
}

/// Level-1 or level-2 cell: `产出指标（50分）` → output; empty → the row above's.
template <class T, class Parse>
std::optional<T> level_cell(FormSheet& s, Pos cell, std::optional<T> above, Parse&& parse, std::string_view what_en,
                            std::string_view what_zh, std::string_view expected_en, std::string_view expected_zh) {
    const std::string l = s.label(cell.row, cell.column);
    if (l.empty()) {
        if (!above)
            s.error(s.at(cell.row, cell.column), std::string(what_en) + " is empty", std::string(what_zh) + "未填写");
        return above;
    }
    const auto v = parse(l);
    if (!v) s.bad(cell, what_en, what_zh, expected_en, expected_zh);
    return v;
}

/// The actual of a row (实际完成值), read by the indicator's direction.
void read_actual(FormSheet& s, Pos actual, const FormIndicator& row, const RuleBook& rules, std::optional<int> year,
                 Indicator& ind) {
    switch (ind.direction) {
    case Direction::qual: read_tier(s, actual, row, ind, rules, year, ind.actual); break;
    case Direction::date:
        if (const auto d = parse_form_date(row.actual_text)) ind.actual = *d;
        else
            s.bad(actual, "actual (实际完成值)", "实际完成值", "a date such as 2023-10-31 or 2023年10月31日",
                  "应为日期，如 2023-10-31 或 2023年10月31日");
        break;
    default: read_numeric_actual(s, actual, ind.unit, ind.actual); break;
    }
}

/// The target of row `r` (年度指标值, with Sichuan's 指标性质 and 度量单位 beside it):
/// sets the indicator's direction, target and unit. False on a problem (reported).
bool read_target(FormSheet& s, const TableColumns& t, std::size_t r, const FormIndicator& row, Indicator& ind) {
    std::optional<Direction> nature;
    if (t.nature && !s.text(r, *t.nature).empty()) {
        nature = nature_direction(s.raw(r, *t.nature));
        if (!nature && squeeze(s.raw(r, *t.nature)) != "定量" && squeeze(s.raw(r, *t.nature)) != "定量指标") {
            s.bad({r, *t.nature}, "indicator nature (指标性质)", "指标性质", "≥, ≤, =, 定性, 正向 or 反向", "应为 ≥、≤、=、定性、正向或反向");
            return false;
        }
    }
    const std::string unit_column = t.unit ? s.text(r, *t.unit) : std::string();

    TargetParts parts;
    std::string why_en, why_zh;
    if (nature == Direction::qual) {
        parts.direction = Direction::qual;
    } else if (row.target_text.empty()) {
        s.error(s.at(r, *t.target), "the target (年度指标值) of " + quoted(ind.name) + " is empty",
                "指标" + quoted_zh(ind.name) + "的年度指标值未填写");
        return false;
    } else if (!split_target_under(row.target_text, unit_column, parts, why_en, why_zh)) {
        s.bad({r, *t.target}, "target (年度指标值)", "年度指标值", why_en, why_zh);
        return false;
    }
    if (nature && *nature != Direction::qual && parts.direction != Direction::date) {
        if (parts.direction == Direction::qual) {
            s.bad({r, *t.target}, "target (年度指标值)", "年度指标值", "a number for a quantitative indicator", "定量指标的指标值应为数值");
            return false;
        }
        if (parts.has_operator && parts.direction != *nature) {
            s.error(s.at(r, *t.target), "the target's operator contradicts 指标性质 " + quoted(s.text(r, *t.nature)),
                    "指标值中的运算符与指标性质" + quoted_zh(s.text(r, *t.nature)) + "矛盾");
            return false;
        }
        parts.direction = *nature;
    }
    if (!unit_column.empty()) {
        if (!parts.unit.empty() && parts.unit != unit_column && !(is_percent_unit(parts.unit) && is_percent_unit(unit_column))) {
            s.error(s.at(r, *t.target), "the target's unit " + quoted(parts.unit) + " differs from 度量单位 " + quoted(unit_column),
                    "指标值的单位" + quoted_zh(parts.unit) + "与度量单位" + quoted_zh(unit_column) + "不同");
            return false;
        }
        if (parts.unit.empty()) parts.unit = unit_column;
    }
    ind.direction = parts.direction;
    ind.target = parts.value;
    ind.unit = parts.unit;
    if (parts.direction == Direction::qual && !is_dash(row.target_text)) ind.target_text = row.target_text; // 效果明显
    return true;
}

/// One indicator row, appended to the form; its problems are reported at their cells.
void read_indicator(FormSheet& s, const TableColumns& t, std::size_t r, const RuleBook& rules, std::optional<int> year,
                    std::optional<Level1>& l1, std::optional<Level2>& l2, Form& form) {
    Indicator ind;
    FormIndicator row;
    row.row = static_cast<std::uint32_t>(r + 1);
    ind.source_line = row.row;
    ind.name = s.value(r, t.name);
    row.level1_text = s.value(r, t.level1);
    row.level2_text = s.value(r, t.level2);
    row.target_text = t.target ? s.value(r, *t.target) : std::string();
    row.actual_text = t.actual ? s.value(r, *t.actual) : std::string();
    if (t.note) row.note = s.value(r, *t.note);

    l1 = level_cell<Level1>(s, {r, t.level1}, l1, [](const std::string& v) { return parse_level1(v); }, "level-1 indicator (一级指标)",
                            "一级指标", "产出指标, 效益指标 or 满意度指标", "应为产出指标、效益指标或满意度指标");
    l2 = level_cell<Level2>(s, {r, t.level2}, l2, [](const std::string& v) { return parse_level2(v); }, "level-2 indicator (二级指标)",
                            "二级指标", "a level-2 indicator such as 数量指标 (SPEC §2)", "应为二级指标，如数量指标");
    if (!l1 || !l2) return;
    if (parent_of(*l2) != *l1) {
        s.error(s.at(r, t.level2),
                "level-2 indicator " + quoted(row.level2_text) + " does not belong under " + quoted(to_string(*l1)),
                "二级指标" + quoted_zh(row.level2_text) + "不属于一级指标" + quoted_zh(names::level1_zh[static_cast<std::size_t>(*l1)]));
        return;
    }
    ind.level1 = *l1;
    ind.level2 = *l2;

    ind.weight = points_cell(s, {r, *t.weight}, "points (分值)", "分值");
    if (!ind.weight && s.text(r, *t.weight).empty())
        s.error(s.at(r, *t.weight), "the points (分值) of " + quoted(ind.name) + " are empty", "指标" + quoted_zh(ind.name) + "的分值未填写");
    if (t.score) {
        row.score_cell = {static_cast<std::uint32_t>(r + 1), static_cast<std::uint32_t>(*t.score + 1)};
        row.own_score = points_cell(s, {r, *t.score}, "score (得分)", "得分");
    }

    if (!read_target(s, t, r, row, ind)) return;
    if (!row.actual_text.empty()) read_actual(s, {r, *t.actual}, row, rules, year, ind);
    form.project.indicators.push_back(std::move(ind));
    form.rows.push_back(std::move(row));
}

/// The rows of the indicator table up to 总分; the unit's 总分.
void read_table(FormSheet& s, const TableColumns& t, const RuleBook& rules, Form& form) {
    std::optional<Level1> l1;
    std::optional<Level2> l2;
    bool total_found = false;
    for (std::size_t r = t.header_row + 1; r < s.rows(); ++r) {
        const std::string first = s.label(r, t.level1);
        if (starts_with(first, "总分") || starts_with(s.label(r, 0), "总分")) {
            total_found = true;
            std::optional<std::size_t> c = t.score;
            if (!c) // a table without 得分: the last cell of the row with text
                for (std::size_t k = s.columns(r); k-- > 0;)
                    if (!s.text(r, k).empty()) {
                        c = k;
                        break;
                    }
            if (c && !starts_with(s.label(r, *c), "总分")) {
                form.total_cell = {static_cast<std::uint32_t>(r + 1), static_cast<std::uint32_t>(*c + 1)};
                form.own_total = points_cell(s, {r, *c}, "total (总分)", "总分");
            } else if (t.score) {
                form.total_cell = {static_cast<std::uint32_t>(r + 1), static_cast<std::uint32_t>(*t.score + 1)};
            }
            break;
        }
        const std::string name = s.text(r, t.name);
        const bool blank = name.empty() && (!t.target || s.text(r, *t.target).empty());
        if (blank || s.label(r, t.name) == "三级指标") continue; // an empty row, or a two-row header
        if (name.empty()) {
            s.error(s.at(r, t.name), "the third-level indicator's name (三级指标) is empty", "三级指标名称未填写");
            continue;
        }
        read_indicator(s, t, r, rules, form.project.year, l1, l2, form);
    }
    if (!total_found)
        s.error(s.row_at(t.header_row), "the indicator table has no row 总分 after its indicators", "绩效指标表之后缺少“总分”行");
}

} // namespace

bool is_form(const Grid& grid) {
    constexpr std::string_view title = "项目支出绩效自评表";
    for (std::size_t r = 0; r < std::min<std::size_t>(grid.size(), 6); ++r)
        for (const std::string& cell : grid[r]) {
            // The title itself, perhaps after a place or year (四川省…) and before （2023年度）;
            // not a sentence that mentions it.
            const std::string t = squeeze(cell);
            const auto at = t.find(title);
            if (at == std::string::npos || at > 60) continue;
            const std::string_view after = std::string_view(t).substr(at + title.size());
            if (after.empty() || after.front() == '(') return true;
        }
    return false;
}

FormReading parse_form(const Grid& grid, const std::string& location, const std::string& sheet, const RuleBook& rules) {
    FormReading reading;
    FormSheet s(grid, location, reading);
    if (!is_form(grid)) {
        s.notice(s.whole(), "not a self-evaluation form (no title 项目支出绩效自评表 in its first rows): sheet skipped",
                 "不是项目支出绩效自评表（前几行没有该标题）：已跳过此工作表");
        return reading;
    }
    Form form;
    form.location = location;
    form.sheet = sheet;
    form.layout = s.find([](const std::string& l) { return starts_with(l, "预算执行情况"); }) ? FormLayout::sichuan
                                                                                             : FormLayout::national;
    const auto table = table_columns(s);
    const std::size_t end = table ? table->header_row : s.rows();
    Project& p = form.project;
    p.year = form_year(s, end);
    p.name = header_value(s, {"项目名称"}, end, true);
    p.department = header_value(s, {"主管部门", "预算单位", "主管部门(单位)"}, end, true);
    form.implementer = header_value(s, {"实施单位", "项目单位"}, end, false);
    p.id = header_value(s, {"项目编号", "项目代码"}, end, false);
    if (p.id.empty()) p.id = sheet;
    form.goal = header_value(s, {"预期目标"}, end, false, true);
    form.goal_actual = header_value(s, {"实际完成情况"}, end, false, true);
    p.goal = form.goal;
    read_funds(s, end, form);
    if (table) read_table(s, *table, rules, form);
    if (reading.problems.empty()) reading.form = std::move(form);
    return reading;
}

// --- comparison ------------------------------------------------------------------

std::vector<ScoreDifference> score_differences(const Form& form, const ProjectResult& result) {
    std::vector<ScoreDifference> out;
    const auto cell = [&](FormCell c) { return SourceLocation{form.location, c.row, c.column, true}; };
    const auto compare = [&](std::string item, FormCell where, const std::optional<Decimal>& own, Decimal computed) {
        if (own && *own != computed) out.push_back({form.project.id, std::move(item), cell(where), *own, computed});
    };
    compare("exec_score", form.exec_score_cell, form.own_exec_score, result.exec_score);
    for (std::size_t i = 0; i < form.rows.size() && i < result.indicators.size(); ++i)
        compare(form.project.indicators[i].name, form.rows[i].score_cell, form.rows[i].own_score, result.indicators[i].score);
    compare("total", form.total_cell, form.own_total, result.total);
    return out;
}

void write_differences_csv(std::string& out, const std::vector<ScoreDifference>& diffs, bool header) {
    const auto field = [&](std::string_view text) {
        const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos;
        if (!quote) {
            out += text;
            return;
        }
        out += '"';
        for (char c : text) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    };
    if (header) out += "project_id,cell,item,own_score,perfbudget_score,difference\n";
    for (const ScoreDifference& d : diffs) {
        field(d.project_id);
        out += ',';
        field(d.where.to_string());
        out += ',';
        field(d.item);
        out += ',' + d.own.to_string(2) + ',' + d.computed.to_string(2) + ',' + (d.computed - d.own).to_string(2) + '\n';
    }
}

FormResults evaluate_forms(const std::vector<Form>& forms, const RuleBook& rules) {
    FormResults out;
    out.results.resize(forms.size());
    std::vector<Diagnostic> problems;
    for (std::size_t i = 0; i < forms.size(); ++i) {
        const Form& f = forms[i];
        try {
            evaluate(f.project, rules, out.results[i], {f.location, f.location});
        } catch (const Error& e) {
            for (Diagnostic d : e.diagnostics()) { // evaluate() names rows: write them as the sheet's rows
                if (d.where.file == f.location || d.where.file.empty()) {
                    d.where.file = f.location;
                    d.where.cell = true;
                    d.where.column = 0;
                }
                problems.push_back(std::move(d));
            }
            continue;
        }
        if (out.results[i].split_differs) {
            Diagnostic d;
            d.where = SourceLocation{f.location, f.project.source_line, 0, true};
            d.en = "project " + f.project.id + ": the level-1 points differ from the rules' split (output, benefit, satisfaction)";
            d.zh = "项目 " + f.project.id + "：一级指标分值与规则的分配（产出、效益、满意度）不同";
            d.severity = Diagnostic::Severity::notice;
            out.notices.push_back(std::move(d));
        }
        auto diffs = score_differences(f, out.results[i]);
        out.differences.insert(out.differences.end(), diffs.begin(), diffs.end());
    }
    if (!problems.empty()) throw Error(std::move(problems));
    return out;
}

} // namespace perfbudget
