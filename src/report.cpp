// `perfbudget report` (report.hpp): the stages run once each over the files, their
// results rolled up in the same pass; JSON and Markdown writers. HTML: report_html.cpp.
#include "perfbudget/report.hpp"

#include "perfbudget/explain.hpp"
#include "perfbudget/load.hpp"

#include "monitor_text.hpp"
#include "report_text.hpp"
#include "summary_support.hpp"
#include "xlsx_book.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <fstream>
#include <queue>
#include <set>
#include <sstream>

namespace perfbudget {

std::optional<ReportFormat> report_format_of_path(const std::string& path) {
    const auto ends = [&](std::string_view ext) {
        if (path.size() < ext.size()) return false;
        std::string tail = path.substr(path.size() - ext.size());
        std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return tail == ext;
    };
    if (ends(".json")) return ReportFormat::json;
    if (ends(".md") || ends(".markdown")) return ReportFormat::markdown;
    if (ends(".html") || ends(".htm")) return ReportFormat::html;
    if (ends(".xlsx")) return ReportFormat::xlsx;
    return std::nullopt;
}

namespace {

// --- [assumption] marks in rule files ------------------------------------------

/// The text of a rule file as the loader read it (the built-in national rules when
/// the cited file is not on disk); empty when it cannot be read.
std::string rule_file_text(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return file == "rules/national.yaml" ? std::string(national_rules_text()) : std::string();
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in(text);
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::size_t indent(const std::string& s) { return s.find_first_not_of(' ') == std::string::npos ? s.size() : s.find_first_not_of(' '); }
bool is_comment(const std::string& s) { return indent(s) < s.size() && s[indent(s)] == '#'; }
bool is_item(const std::string& s) { return indent(s) < s.size() && s[indent(s)] == '-'; }

/// The `[assumption]` text of the comments above the key on `line` (1-based): a list
/// item without comments of its own takes its list's. Continuation lines (`#   …`) are joined; the
/// text ends at the next `[seed]`/`[national]` mark or unindented comment line.
std::string assumption_at(const std::vector<std::string>& lines, std::size_t line) {
    if (line == 0 || line > lines.size()) return {};
    std::size_t k = line - 1; // 0-based
    if (is_item(lines[k]) && !(k > 0 && is_comment(lines[k - 1]))) { // no comments of its own: its list's key
        const std::size_t in = indent(lines[k]);
        while (k > 0 && ((is_item(lines[k - 1]) && indent(lines[k - 1]) == in) || is_comment(lines[k - 1]))) --k;
        if (k > 0 && indent(lines[k - 1]) <= in && !is_comment(lines[k - 1])) --k;
    }
    std::size_t first = k;
    while (first > 0 && is_comment(lines[first - 1])) --first;
    std::string text;
    bool in_mark = false;
    for (std::size_t i = first; i <= k; ++i) {
        const std::string& l = lines[i];
        std::string body = is_comment(l) ? l.substr(indent(l) + 1) : (l.find('#') != std::string::npos ? l.substr(l.find('#') + 1) : "");
        const std::size_t mark = body.find("[assumption]");
        if (mark != std::string::npos) {
            in_mark = true;
            if (!text.empty()) text += ' ';
            body = body.substr(mark + std::string_view("[assumption]").size());
        } else if (in_mark && (body.find("[seed]") != std::string::npos || body.find("[national]") != std::string::npos ||
                               body.rfind("   ", 0) != 0 || !is_comment(l))) {
            in_mark = false;
            continue;
        } else if (!in_mark) {
            continue;
        }
        const std::size_t from = body.find_first_not_of(" —-");
        if (from == std::string::npos) continue;
        if (!text.empty() && text.back() != ' ') text += ' ';
        text += body.substr(from);
    }
    return text;
}

/// Collects the footnotes: each rule a figure rests on whose comments mark it [assumption].
class Assumptions {
public:
    void check(const RuleSet& rules, const RuleRef& where, std::string_view figure) {
        if (where.line == 0 || where.file >= rules.files.size()) return;
        const std::string& file = rules.files[where.file];
        const std::string source = rules.cite(where);
        auto it = files_.find(file);
        if (it == files_.end()) it = files_.emplace(file, split_lines(rule_file_text(file))).first;
        std::string text = assumption_at(it->second, where.line);
        if (text.empty()) return;
        for (const ReportAssumption& a : out_)
            if (a.figure == figure && a.text == text) return; // the same words (a list's items): once
        out_.push_back({std::string(figure), source, std::move(text)});
    }
    std::vector<ReportAssumption> take() { return std::move(out_); }

private:
    std::map<std::string, std::vector<std::string>> files_;
    std::vector<ReportAssumption> out_;
};

/// The lines of a rule file, read once per version of the file (explanations ask per project).
std::shared_ptr<const std::vector<std::string>> rule_file_lines(const std::string& file) {
    struct Entry {
        std::filesystem::file_time_type time;
        std::uintmax_t size = 0;
        std::shared_ptr<const std::vector<std::string>> lines;
    };
    static std::mutex mutex;
    static std::map<std::string, Entry> cache;
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(file, ec);
    const std::uintmax_t size = ec ? 0 : std::filesystem::file_size(file, ec);
    const std::lock_guard lock(mutex);
    auto it = cache.find(file);
    if (it != cache.end() && it->second.time == time && it->second.size == size) return it->second.lines;
    auto lines = std::make_shared<const std::vector<std::string>>(split_lines(rule_file_text(file)));
    cache[file] = Entry{time, size, lines};
    return lines;
}

// --- building -------------------------------------------------------------------

/// The custom steps' words for the ids that fired (a table without words: its id).
void custom_reasons(const std::vector<std::string_view>& ids, const CustomRules& custom, std::string& zh, std::string& en) {
    for (std::string_view id : ids) {
        std::string z(id), e(id);
        for (const custom::Step& s : custom.steps)
            if (s.id() == id) {
                const auto& words = s.kind == custom::Step::Kind::rule ? std::pair(s.rule.zh, s.rule.en) : std::pair(s.table.zh, s.table.en);
                if (!words.first.empty()) z = words.first;
                if (!words.second.empty()) e = words.second;
            }
        for (const custom::IndicatorRule& r : custom.indicator_rules)
            if (r.id == id) {
                if (!r.zh.empty()) z = r.zh;
                if (!r.en.empty()) e = r.en;
            }
        if (!zh.empty()) zh += "；";
        if (!en.empty()) en += "; ";
        zh += z;
        en += e;
    }
}

/// The lowest score at which projects no longer rectify, when the rectify grades
/// are exactly the bottom bands of the scale (national: 80, "低于80分（不含）").
std::optional<Decimal> rectify_line(const RuleSet& rules) {
    const auto& bands = rules.grades.bands;
    std::size_t k = bands.size();
    while (k > 0 && rules.application.rectify.grades.contains(k - 1)) --k;
    if (k == bands.size() || k == 0) return std::nullopt; // none, or every grade
    for (std::size_t g = 0; g < k; ++g)
        if (rules.application.rectify.grades.contains(g)) return std::nullopt;
    return bands[k - 1].from;
}

/// Listed projects: the lowest totals first, ties in file order; at most `cap` kept.
struct Worse {
    bool operator()(const ReportProject& a, const ReportProject& b) const {
        return a.total != b.total ? a.total < b.total : a.order < b.order;
    }
};

std::size_t grid_cell(const Number& rate) {
    const Decimal cells = (rate * Number::integer(static_cast<std::int64_t>(grid_cells - 1))).rounded(0, RoundingMode::down);
    const std::int64_t c = cells.units() / Decimal::one_units;
    return static_cast<std::size_t>(std::clamp<std::int64_t>(c, 0, grid_cells - 1));
}

/// The listed projects' names: the streaming run keeps ids and departments only, so
/// the projects file is read again up to the last listed line (the file was read
/// without problems moments ago; a row that reads differently now keeps no name).
void add_names(const EvaluateOptions& files, std::vector<ReportProject>& listed) {
    if (listed.empty()) return;
    std::map<std::uint32_t, ReportProject*> by_line;
    for (ReportProject& p : listed) by_line.emplace(p.line, &p);
    ProjectReader reader(files.projects, files);
    Project row;
    bool ok = true;
    std::vector<Diagnostic> ignored;
    auto next = by_line.begin();
    while (next != by_line.end() && reader.next(row, ok, ignored)) {
        ignored.clear();
        while (next != by_line.end() && next->first < row.source_line) ++next; // not found: no name
        if (next == by_line.end() || next->first != row.source_line) continue;
        if (row.id == next->second->id) next->second->name = row.name;
        ++next;
    }
}

} // namespace

Report build_report(const ReportOptions& options, const RuleBook& book) {
    Report report;
    report.rules_name = book.name();
    report.rule_files = book.files();
    report.max_listed = options.max_listed;
    Assumptions assumptions;

    // 1. Monitoring first (with --as-of): each project's light, by file order, for the listing.
    std::vector<std::uint8_t> lights; // light | reasons << 2, per project
    if (options.as_of) {
        MonitorOptions mo;
        mo.files = options.files;
        mo.as_of = *options.as_of;
        ReportMonitoring m;
        m.as_of = *options.as_of;
        const RuleSet* as_of_rules = &book.periods().front(); // the chart's thresholds: the as-of year's rules, else the first
        try {
            as_of_rules = &book.for_year(static_cast<int>(options.as_of->year()));
        } catch (const Error&) { // no period covers that year: projects use their own years' rules
        }
        const RuleSet& on = *as_of_rules;
        m.time_progress = time_progress(*options.as_of, on.monitoring.time_progress.method);
        m.deviation = on.monitoring.deviation.enabled;
        m.deviation_threshold = on.monitoring.deviation.threshold;
        m.yellow_below = on.monitoring.execution.yellow_below;
        std::set<std::pair<const RuleSet*, std::uint16_t>> fired;
        m.summary = monitor_files(mo, book, [&](const ProjectView& p, const MonitorResult& r) {
            std::uint8_t reasons = 0;
            for (std::size_t k = 0; k < monitor_rule_count; ++k)
                if (r.reason(static_cast<MonitorRule>(k))) reasons |= static_cast<std::uint8_t>(1U << k);
            lights.push_back(static_cast<std::uint8_t>(static_cast<unsigned>(r.level) | reasons << 2U));
            if (r.exec_applicable && r.has_completion)
                ++m.grid[grid_cell(r.exec_rate)][grid_cell(r.completion)];
            else
                ++m.not_plotted;
            for (std::size_t i = 0; i < r.fired_count; ++i) fired.emplace(p.rules, r.fired[i].step);
            if (r.has_cut && r.cut.fen() != 0) m.mid_year_cut.add(r.cut);
            if (r.warning() && r.reason(MonitorRule::deviation))
                assumptions.check(*p.rules, p.rules->monitoring.deviation.where, "warning");
            if (r.warning() && r.reason(MonitorRule::execution))
                assumptions.check(*p.rules, p.rules->monitoring.execution.where, "warning");
        });
        for (const auto& [rules, step] : fired)
            if (step < rules->monitoring.custom.steps.size())
                assumptions.check(*rules, rules->monitoring.custom.steps[step].where(), "warning");
        report.notices = m.summary.notices;
        report.monitoring = std::move(m);
    }

    // 2. Evaluation, rolled up as it streams; flagged projects kept for the listing.
    EvaluationRollup rollup(&book.periods().back()); // its grades are listed even for an empty file
    std::priority_queue<ReportProject, std::vector<ReportProject>, Worse> kept; // the worst kept at the top
    std::set<std::pair<const RuleSet*, std::string_view>> fired; // custom steps that fired (ids held by the rules)
    std::set<const RuleSet*> periods;
    std::size_t order = 0;
    const BatchSummary batch = evaluate_files(options.files, book, [&](const ProjectView& p, const ProjectResult& r) {
        rollup.add(p, r);
        periods.insert(p.rules);
        const std::size_t k = order++;
        const std::uint8_t light = k < lights.size() ? lights[k] : 0;
        const bool warning = report.monitoring && ((light & 3U) == 2U || (light & 3U) == 3U);
        const std::vector<std::string_view> ids = r.fired_count || r.indicator_rules_fired ? reason_ids(r, *p.rules)
                                                                                             : std::vector<std::string_view>{};
        for (std::string_view id : ids) fired.emplace(p.rules, id);
        const bool listed = r.rectify || r.cut.fen() != 0 || r.recover.fen() != 0 || warning;
        if (!listed && !options.each) return;
        const Decimal total = r.total.rounded(p.rules->evaluation.rounding.digits, RoundingMode::half_up);
        bool keep = listed;
        if (listed) {
            ++report.listed_total;
            keep = kept.size() < options.max_listed || (options.max_listed > 0 && total < kept.top().total);
        }
        if (!keep && !options.each) return; // not worse than the best kept
        ReportProject lp;
        lp.order = k;
        lp.line = p.line;
        lp.id = p.id;
        lp.department = p.department;
        lp.budget = p.funds.budget;
        lp.spent = p.funds.spent;
        lp.total = total;
        lp.grade = rollup.grade_index(*p.rules, r.grade);
        lp.rectify = r.rectify;
        lp.failed = p.rules->application.rectify.grades.contains(r.grade);
        lp.cut = r.cut;
        lp.cut_rate = r.cut_rate;
        lp.recover = r.recover;
        custom_reasons(ids, p.rules->custom, lp.reasons_zh, lp.reasons_en);
        if (report.monitoring && k < lights.size()) {
            lp.light = static_cast<Light>(light & 3U);
            lp.monitor_reasons = static_cast<std::uint8_t>(light >> 2U);
        }
        if (options.each) options.each(lp, rollup.summary().grades.at(lp.grade));
        if (!keep) return;
        if (kept.size() >= options.max_listed) kept.pop();
        kept.push(std::move(lp));
    });
    if (report.monitoring && order != lights.size()) // both stages hand on every project, in file order
        throw Error({options.files.projects, 0, 0}, "monitoring and evaluation saw different projects",
                    "监控与评价所见项目不一致");
    report.indicators = batch.indicators;
    report.notices.insert(report.notices.end(), batch.notices.begin(), batch.notices.end());
    report.notices_dropped = batch.notices_dropped;
    report.evaluation = rollup.take();
    const RuleSet& latest = book.periods().back(); // the department rules of the latest period
    apply_rollup_rules(report.evaluation, latest);
    if (latest.rollup.criticise.enabled) {
        report.criticise_above = latest.rollup.criticise.failed_share_above;
        assumptions.check(latest, latest.rollup.criticise.where, "criticise");
    }
    while (!kept.empty()) {
        report.listed.push_back(kept.top());
        kept.pop();
    }
    std::reverse(report.listed.begin(), report.listed.end());
    add_names(options.files, report.listed);

    // 3. The footnotes: the rules each figure rests on, in every period used.
    if (periods.empty()) report.rectify_line = rectify_line(book.periods().back());
    for (const RuleSet* rules : periods) {
        if (!report.rectify_line) report.rectify_line = rectify_line(*rules);
        for (const GradeBand& band : rules->grades.bands) assumptions.check(*rules, band.where, "grades");
        if (report.evaluation.rectify.projects) assumptions.check(*rules, rules->application.rectify.where, "rectify");
        if (report.evaluation.cut_projects) assumptions.check(*rules, rules->application.cut.where, "cut");
        if (report.evaluation.recover_projects) assumptions.check(*rules, rules->application.recover.where, "recover");
    }
    for (const auto& [rules, id] : fired)
        for (const custom::Step& s : rules->custom.steps)
            if (s.id() == id) assumptions.check(*rules, s.where(), "custom");
    // 4. The stages before the money, on request: the target review of the same
    // files and the ex-ante assessment (each its own pass; neither lists projects).
    if (options.review) {
        ReviewOptions ro;
        static_cast<InputOptions&>(ro) = options.files;
        ro.projects = options.files.projects;
        ro.indicators = options.files.indicators;
        ro.year = options.files.year;
        std::set<std::pair<const RuleSet*, std::uint16_t>> steps;
        std::set<const RuleSet*> used;
        report.review = review_files(ro, book, [&](const ProjectView& p, const ReviewResult& r) {
            used.insert(p.rules);
            for (std::size_t i = 0; i < r.fired_count; ++i) steps.emplace(p.rules, r.fired[i].step);
        });
        for (const RuleSet* rules : used) assumptions.check(*rules, rules->review.admission_where, "review");
        for (const auto& [rules, step] : steps)
            if (step < rules->review.custom.steps.size()) assumptions.check(*rules, rules->review.custom.steps[step].where(), "review");
    }
    if (!options.assessments.empty()) {
        AssessOptions ao;
        static_cast<InputOptions&>(ao) = options.files;
        ao.projects = options.files.projects;
        ao.assessments = options.assessments;
        ao.year = options.files.year;
        std::set<const RuleSet*> used;
        report.assessment = assess_files(ao, book, [&](const ProjectView& p, const AssessResult&) { used.insert(p.rules); });
        for (const RuleSet* rules : used) {
            assumptions.check(*rules, rules->assessment.approve.where, "assessment");
            if (rules->assessment.mid_year_cut.any()) assumptions.check(*rules, rules->assessment.mid_year_cut.where, "assessment");
        }
    }
    report.assumptions = assumptions.take();
    return report;
}

// --- JSON ---------------------------------------------------------------------------

namespace {

using nlohmann::ordered_json;

ordered_json rate_json(const std::optional<Fraction>& f) { return f ? ordered_json(f->to_string(4)) : ordered_json(nullptr); }
ordered_json score_json(const std::optional<Number>& n) {
    return n ? ordered_json(n->rounded(2, RoundingMode::half_up).to_string(2)) : ordered_json(nullptr);
}

void totals_json(ordered_json& j, const RollupTotals& t, const std::vector<RollupGrade>& grades, const MonitorTotals* m,
                 const DepartmentRollup* department = nullptr) {
    j["projects"] = t.projects;
    j["budget"] = t.budget.to_string();
    j["spent"] = t.spent.to_string();
    j["exec_rate"] = rate_json(t.exec_rate());
    j["mean_score"] = score_json(t.mean_score());
    j["weighted_mean_score"] = score_json(t.weighted_mean_score());
    ordered_json by_grade = ordered_json::object();
    for (std::size_t g = 0; g < grades.size(); ++g) by_grade[grades[g].id] = detail::count_json(t.grade(g).projects, t.grade(g).budget);
    j["by_grade"] = std::move(by_grade);
    j["rectify"] = detail::count_json(t.rectify.projects, t.rectify.budget);
    j["cut"] = t.cut.to_string();
    j["recover"] = t.recover.to_string();
    j["failed"] = detail::count_json(t.failed.projects, t.failed.budget);
    j["failed_share"] = rate_json(t.failed_share());
    j["cut_projects"] = t.cut_projects;
    j["recover_projects"] = t.recover_projects;
    if (department) j["criticised"] = department->criticised;
    if (!m) return;
    ordered_json levels = ordered_json::object();
    for (std::size_t l = 0; l < light_count; ++l)
        levels[std::string(names::light[l])] = detail::count_json(m->by_level[l], m->budget_by_level[l]);
    j["by_level"] = std::move(levels);
    j["warning"] = detail::count_json(m->warning_projects(), m->warning_budget());
}

/// {"projects", "amount"}: the mid-year cuts monitoring's custom steps recommended.
ordered_json mid_year_cut_json(const CountMoney& c) {
    return ordered_json{{"projects", c.projects}, {"amount", c.budget.to_string()}};
}

} // namespace

std::string report_json(const Report& r) {
    ordered_json j;
    totals_json(j, r.evaluation, r.evaluation.grades, r.monitoring ? &r.monitoring->summary : nullptr);
    ordered_json deps = ordered_json::array();
    for (std::size_t d = 0; d < r.evaluation.departments.size(); ++d) {
        ordered_json jd;
        jd["department"] = r.evaluation.departments[d].department;
        totals_json(jd, r.evaluation.departments[d], r.evaluation.grades, detail::monitor_department(r, d),
                    &r.evaluation.departments[d]);
        deps.push_back(std::move(jd));
    }
    j["departments"] = std::move(deps);
    j["departments_with_cut"] = r.evaluation.departments_with_cut();
    j["departments_criticised"] = r.evaluation.departments_criticised();
    j["indicators"] = r.indicators;
    j["rules"] = r.rules_name;
    if (r.monitoring) {
        j["as_of"] = to_string(r.monitoring->as_of);
        j["time_progress"] = r.monitoring->time_progress.to_string(4);
        j["mid_year_cut"] = mid_year_cut_json(r.monitoring->mid_year_cut);
    }
    if (r.review) j["review"] = ordered_json::parse(review_summary_json(*r.review));
    if (r.assessment) j["assessment"] = ordered_json::parse(assess_summary_json(*r.assessment));
    ordered_json notes = ordered_json::array();
    for (const ReportAssumption& a : r.assumptions) notes.push_back({{"figure", a.figure}, {"source", a.source}, {"text", a.text}});
    j["assumptions"] = std::move(notes);
    return j.dump(2) + "\n";
}

// --- Markdown ----------------------------------------------------------------------

namespace {

std::string md_cell(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += "\\|";
        else if (c == '\n') out += ' ';
        else out += c;
    }
    return out;
}

} // namespace

std::string report_markdown(const Report& r, Lang lang) {
    const detail::ReportText t(r, lang);
    const bool zh = lang == Lang::zh;
    const RollupSummary& s = r.evaluation;
    std::string md;
    md += "# " + t.title() + "\n\n";
    md += t.subtitle() + "\n\n";
    md += "## " + std::string(zh ? "概况" : "Summary") + "\n\n";
    md += t.paragraph() + "\n\n";
    md += zh ? "| 指标 | 数值 |\n|---|---:|\n" : "| figure | value |\n|---|---:|\n";
    for (const auto& [label, value] : t.figures()) md += "| " + md_cell(label) + " | " + md_cell(value) + " |\n";

    md += "\n## " + std::string(zh ? "等级分布" : "Grades") + t.mark("grades") + "\n\n";
    md += zh ? "| 等级 | 分数段 | 项目数 | 预算（万元） |\n|---|---|---:|---:|\n"
             : "| grade | band | projects | budget (万元) |\n|---|---|---:|---:|\n";
    for (std::size_t g = 0; g < s.grades.size(); ++g)
        md += "| " + t.grade(g) + " | " + t.band(g) + " | " + std::to_string(s.grade(g).projects) + " | " +
              detail::wan_text(s.grade(g).budget) + " |\n";

    if (r.monitoring) {
        md += "\n## " + std::string(zh ? "监控预警" : "Monitoring") + t.mark("warning") + "\n\n";
        md += zh ? "| 灯 | 项目数 | 预算（万元） |\n|---|---:|---:|\n" : "| light | projects | budget (万元) |\n|---|---:|---:|\n";
        const MonitorSummary& m = r.monitoring->summary;
        for (std::size_t l = 0; l < light_count; ++l)
            md += "| " + detail::light_label(static_cast<Light>(l), lang) + " | " + std::to_string(m.by_level[l]) + " | " +
                  detail::wan_text(m.budget_by_level[l]) + " |\n";
    }

    // A table of `rows` rows, row_of(k) giving row k; its first column is text, the
    // others numbers (right-aligned).
    const auto table = [&](const std::vector<std::string>& head, std::size_t rows, const auto& row_of) {
        md += "|";
        for (const std::string& h : head) md += " " + md_cell(h) + " |";
        md += "\n|---|";
        for (std::size_t c = 1; c < head.size(); ++c) md += "---:|";
        md += "\n";
        for (std::size_t k = 0; k < rows; ++k) {
            md += "|";
            for (const std::string& cell : row_of(k)) md += " " + md_cell(cell) + " |";
            md += "\n";
        }
    };
    md += "\n## " + std::string(zh ? "部门汇总" : "Departments") + "\n\n";
    table(t.department_header(), s.departments.size(), [&](std::size_t d) { return t.department_row(d); });
    if (r.review) {
        md += "\n## " + t.review_title() + "\n\n" + t.review_paragraph() + "\n\n";
        const auto& departments = r.review->departments;
        table(t.review_header(), departments.size(), [&](std::size_t k) { return t.review_row(departments[k]); });
    }
    if (r.assessment) {
        md += "\n## " + t.assessment_title() + "\n\n" + t.assessment_paragraph() + "\n\n";
        const auto& departments = r.assessment->departments;
        table(t.assessment_header(), departments.size(), [&](std::size_t k) { return t.assessment_row(departments[k]); });
    }

    md += "\n## " + t.listed_title() + "\n\n" + t.listed_note() + "\n\n";
    if (!r.listed.empty()) {
        const std::vector<std::string> ph = t.project_header();
        md += "|";
        for (const std::string& h : ph) md += " " + md_cell(h) + " |";
        md += "\n|---|---|---|---:|---:|---|---|---|\n";
        for (const ReportProject& p : r.listed) {
            md += "|";
            for (const std::string& cell : t.project_row(p)) md += " " + md_cell(cell) + " |";
            md += "\n";
        }
    }

    md += "\n## " + std::string(zh ? "说明" : "Notes") + "\n\n";
    for (const std::string& n : t.notes()) md += "- " + n + "\n";
    return md;
}

// --- the command -----------------------------------------------------------------

Report report_files(const ReportOptions& options, const RuleBook& rules) {
    check_output_not_input(options.files);
    if (!options.assessments.empty())
        detail::check_not_input(options.files.out, "output", "输出", options.assessments, "assessments", "专家评分");
    Report report;
    std::string text;
    std::optional<detail::WorkbookFile> workbook;
    if (options.format == ReportFormat::xlsx) { // libxlsxwriter writes a file: made aside, then copied into the output
        workbook.emplace();
        report = report_xlsx(options, rules, workbook->path());
    } else {
        report = build_report(options, rules);
        switch (options.format) {
        case ReportFormat::json: text = report_json(report); break;
        case ReportFormat::markdown: text = report_markdown(report, options.files.lang); break;
        default: text = report_html(report, options.files.lang); break;
        }
    }
    OutputFile out(options.files.out);
    if (workbook) workbook->copy_into(out);
    else out.write(text);
    out.commit();
    return report;
}

std::string report_summary_text(const Report& r, Lang lang) {
    return detail::ReportText(r, lang).stderr_summary();
}

namespace detail {

std::string assumption_note(const RuleSet& rules, const RuleRef& where, Lang lang) {
    if (where.line == 0 || where.file >= rules.files.size()) return {};
    const auto lines = rule_file_lines(rules.files[where.file]);
    if (assumption_at(*lines, where.line).empty()) return {};
    return lang == Lang::zh ? "（该取值是本配置文件的假设，见所引行上方的注释）"
                            : " (an assumption of this profile: see the comment above the line cited)";
}

} // namespace detail

} // namespace perfbudget
