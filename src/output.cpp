// Writers for evaluate results (output.hpp).
#include "perfbudget/output.hpp"

#include "json_fields.hpp"
#include "system_error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace perfbudget {

namespace {

/// Appends units/10^scale with `digits` decimals, rounding half-up first (exact).
void append_fixed(std::string& out, std::int64_t units, int scale, int digits) {
    if (digits < scale) {
        const std::int64_t step = detail::pow10[scale - digits];
        units = detail::narrow(detail::round_div<detail::wide>(units, step, RoundingMode::half_up));
    }
    char buf[32];
    std::uint64_t a = units < 0 ? 0 - static_cast<std::uint64_t>(units) : static_cast<std::uint64_t>(units);
    if (units < 0) out += '-';
    const auto p = static_cast<std::uint64_t>(detail::pow10[digits]);
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, a / p);
    out.append(buf, end);
    if (digits > 0) {
        out += '.';
        std::uint64_t frac = a % p;
        char f[20];
        for (int i = digits - 1; i >= 0; --i) {
            f[i] = static_cast<char>('0' + frac % 10);
            frac /= 10;
        }
        out.append(f, static_cast<std::size_t>(digits));
    }
}


/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
void append_field(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += s;
        return;
    }
    out += '"';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string joined(const std::vector<ExplanationLine>& lines, Lang lang) {
    std::string s;
    for (const auto& l : lines) {
        if (!s.empty()) s += " | ";
        s += cited_line(l, lang);
    }
    return s;
}

/// Ids of the custom rules and tables that fired, in order, each once: "cut_by_grade;slow".
std::string fired_ids(const ProjectResult& r, const RuleSet& rules) {
    std::string s;
    for (std::string_view id : reason_ids(r, rules)) {
        if (!s.empty()) s += ';';
        s += id;
    }
    return s;
}

std::string str(Decimal d, int digits) {
    std::string s;
    append_decimal(s, d, digits);
    return s;
}

} // namespace

void append_csv_field(std::string& out, std::string_view text) { append_field(out, text); }

void append_decimal(std::string& out, Decimal d, int digits) { append_fixed(out, d.units(), Decimal::scale, digits); }
void append_money(std::string& out, Money m) { append_fixed(out, m.fen(), Money::scale, Money::scale); }
void append_rate(std::string& out, const Fraction& f) { append_decimal(out, f.rounded(4, RoundingMode::half_up), 4); }

void write_csv_header(std::string& out, bool with_explanation, const RuleBook& book) {
    out += "project_id,department,budget,spent,exec_rate,exec_score,indicator_score,total,grade,grade_label,rectify,"
           "priority,cut,recover";
    if (book.has_custom()) out += ",accountability,reasons";
    if (with_explanation) out += ",explanation";
    out += '\n';
}

void write_csv_row(std::string& out, std::string_view project_id, std::string_view department, const ProjectFunds& funds,
                   const ProjectResult& r, const RuleBook& book, std::optional<int> year, Lang lang,
                   const std::vector<ExplanationLine>* explanation) {
    const RuleSet& rules = book.for_year(year); // the period the project was evaluated with
    const int digits = rules.evaluation.rounding.digits;
    append_field(out, project_id);
    out += ',';
    append_field(out, department);
    out += ',';
    append_money(out, funds.budget);
    out += ',';
    append_money(out, funds.spent);
    out += ',';
    if (r.exec_applicable) append_rate(out, r.exec_rate); // blank when not applicable (zero budget)
    out += ',';
    append_decimal(out, r.exec_score, digits);
    out += ',';
    append_decimal(out, r.indicator_score, digits);
    out += ',';
    append_decimal(out, r.total, digits);
    out += ',';
    const GradeBand& band = rules.grades.bands[r.grade];
    append_field(out, band.id);
    out += ',';
    append_field(out, lang == Lang::zh ? band.zh : band.en);
    out += r.rectify ? ",1" : ",0";
    out += r.priority ? ",1," : ",0,";
    append_money(out, r.cut);
    out += ',';
    append_money(out, r.recover);
    if (book.has_custom()) {
        out += r.accountability ? ",1," : ",0,";
        append_field(out, fired_ids(r, rules));
    }
    if (explanation) {
        out += ',';
        append_field(out, joined(*explanation, lang));
    }
    out += '\n';
}

void write_json_project(std::string& out, const Project& p, const ProjectResult& r, const RuleBook& book, Lang lang) {
    using nlohmann::ordered_json;
    const RuleSet& rules = book.for_year(p.year); // the period evaluate() used
    const int digits = rules.evaluation.rounding.digits;
    ordered_json j;
    detail::add_project_fields(j, p);
    j["fund_source"] = std::string(to_string(p.fund_source));
    j["exec_rate"] = r.exec_applicable ? ordered_json(r.exec_rate.to_string(4)) : ordered_json(nullptr);
    j["exec_score"] = str(r.exec_score, digits);
    j["indicator_score"] = str(r.indicator_score, digits);
    j["total"] = str(r.total, digits);
    j["rescaled"] = r.rescaled;
    const GradeBand& band = rules.grades.bands[r.grade];
    j["grade"] = band.id;
    j["grade_label"] = lang == Lang::zh ? band.zh : band.en;
    j["rectify"] = r.rectify;
    j["priority"] = r.priority;
    j["cut"] = r.cut.to_string();
    j["recover"] = r.recover.to_string();
    if (book.has_custom()) {
        j["accountability"] = r.accountability;
        j["reasons"] = fired_ids(r, rules);
    }
    ordered_json inds = ordered_json::array();
    for (std::size_t i = 0; i < p.indicators.size() && i < r.indicators.size(); ++i) {
        const Indicator& ind = p.indicators[i];
        const IndicatorResult& ir = r.indicators[i];
        ordered_json ji;
        ji["name"] = ind.name;
        ji["level1"] = std::string(to_string(ind.level1));
        ji["level2"] = std::string(to_string(ind.level2));
        ji["direction"] = std::string(to_string(ind.direction));
        ji["target"] = ind.target_text.empty() ? detail::show_measure(ind.target) : ind.target_text; // 达到预期, not —
        ji["actual"] = detail::show_measure(ind.actual);
        ji["weight"] = ir.weight.to_string();
        ji["ratio"] = ir.ratio.to_string(4);
        ji["capped"] = ir.capped.to_string(4);
        ji["score"] = str(ir.score, digits);
        ji["explanation"] = explain_indicator(ind, ir, rules, lang);
        inds.push_back(std::move(ji));
    }
    j["indicators"] = std::move(inds);
    ordered_json ex = ordered_json::array();
    for (const auto& line : explain(p, r, rules, lang))
        ex.push_back(ordered_json{{"rule", line.rule}, {"source", line.source}, {"text", line.text}});
    j["explanation"] = std::move(ex);
    out += j.dump(2);
}

// ---------------------------------------------------------------------------

void OutputFile::cannot_write(int err) const {
    // A directory of that name: rename() says EISDIR; say it of the output path.
    const auto why = detail::system_error_text(err);
    throw Error({path_, 0, 0}, "cannot write the output file: " + why.en, "无法写入输出文件：" + why.zh);
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
    if (path_.empty() || path_ == "-") return; // standard output, buffered until commit
    // A device or a pipe (/dev/null, a FIFO): a file renamed onto it would replace
    // it. Like standard output it is written on commit, from the buffer.
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return;
    temp_ = path_ + ".tmp." + std::to_string(::getpid());
    file_ = std::fopen(temp_.c_str(), "wb");
    if (!file_) {
        const auto why = detail::system_error_text(errno);
        throw Error({path_, 0, 0}, "cannot create the output file: " + why.en, "无法创建输出文件：" + why.zh);
    }
    buffer_.reserve(1 << 20);
}

OutputFile::~OutputFile() {
    if (file_) std::fclose(file_);
    if (!committed_ && !temp_.empty()) std::remove(temp_.c_str());
}

void OutputFile::write(std::string_view text) {
    buffer_ += text;
    flush_if_full();
}

void OutputFile::flush_if_full() {
    if (file_ && buffer_.size() >= (1 << 20)) flush();
}

void OutputFile::flush() {
    if (!file_ || buffer_.empty()) return;
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
        cannot_write(errno);
    buffer_.clear();
}

void OutputFile::commit() {
    if (!file_ && !path_.empty() && path_ != "-") { // a device or a pipe
        std::FILE* f = std::fopen(path_.c_str(), "wb");
        if (!f) cannot_write(errno);
        bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), f) == buffer_.size();
        const int err = errno;
        ok = std::fclose(f) == 0 && ok;
        if (!ok) cannot_write(err ? err : errno);
        committed_ = true;
        return;
    }
    if (!file_) { // standard output
        if (std::fwrite(buffer_.data(), 1, buffer_.size(), stdout) != buffer_.size() || std::fflush(stdout) != 0)
            throw Error({"<stdout>", 0, 0}, "cannot write to standard output", "无法写入标准输出");
        committed_ = true;
        return;
    }
    flush();
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed || std::rename(temp_.c_str(), path_.c_str()) != 0)
        cannot_write(errno);
    committed_ = true;
}

} // namespace perfbudget
