// review_files(): the review command as a library call (review.hpp). Reads
// projects.csv and indicators.csv into memory (targets are reviewed once a year,
// before the budget, per department: not the millions of rows evaluate streams),
// reviews each project in file order and writes CSV or JSON through a temporary file.
#include "perfbudget/review.hpp"

#include "perfbudget/review_custom.hpp"

#include "json_fields.hpp"
#include "summary_support.hpp"
#include "table_writer.hpp"

#include <algorithm>
#include <optional>

namespace perfbudget {
namespace {

struct Reviewed {
    const Project* project;
    const RuleSet* rules;
    ReviewResult result;
};

std::string quantification_text(const ReviewResult& r) {
    return r.quantification ? r.quantification->to_string(4) : std::string();
}

/// The ids of the county's steps that fired, `;`-separated.
std::string reasons_text(const ReviewResult& r, const RuleSet& rules) {
    std::string s;
    for (std::string_view id : review_custom_ids(r, rules)) s += (s.empty() ? "" : ";") + std::string(id);
    return s;
}

/// SPEC §6's columns; with county steps (review.custom) also `reasons` (the steps
/// that fired), `cut` (the rate, 4 places) and `cut_amount` (yuan), blank without a cut.
void write_csv(detail::TableWriter& out, const std::vector<Reviewed>& rows, bool county) {
    out.header(std::string("project_id,department,budget,indicators,quantified,quantification,completeness,relevance,"
                           "appropriateness,feasibility,score,grade,admission,defects") +
               (county ? ",reasons,cut,cut_amount\n" : "\n"));
    for (const Reviewed& a : rows) {
        const ReviewResult& r = a.result;
        std::string& s = out.row();
        append_csv_field(s, a.project->id);
        s += ',';
        append_csv_field(s, a.project->department);
        s += ',' + a.project->budget.to_string() + ',' + std::to_string(r.indicators) + ',' + std::to_string(r.quantified) +
             ',' + quantification_text(r);
        for (Decimal d : r.dimensions) s += ',' + d.to_string(2);
        s += ',' + r.score.to_string(2) + ',';
        append_csv_field(s, a.rules->grades.bands[r.grade].id);
        s += ',' + std::string(to_string(r.admission)) + ',';
        append_csv_field(s, review_defect_ids(r, *a.rules));
        if (county) {
            s += ',';
            append_csv_field(s, reasons_text(r, *a.rules));
            s += ',' + (r.has_cut ? r.cut_rate.to_string(4) : std::string()) + ',' + (r.has_cut ? r.cut.to_string() : std::string());
        }
        s += '\n';
        out.end_row(a.project->name, a.project->source_line);
    }
    out.finish();
}

void write_json(OutputFile& out, const std::vector<Reviewed>& rows, Lang lang) {
    using nlohmann::ordered_json;
    out.write("[\n");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Reviewed& a = rows[i];
        const ReviewResult& r = a.result;
        ordered_json j;
        detail::add_project_fields(j, *a.project);
        j["indicators"] = r.indicators;
        j["quantified"] = r.quantified;
        j["quantification"] = r.quantification ? ordered_json(quantification_text(r)) : ordered_json(nullptr);
        ordered_json dims = ordered_json::object();
        for (std::size_t d = 0; d < review_dimension_count; ++d)
            dims[std::string(names::review_dimension[d])] = r.dimensions[d].to_string(2);
        j["dimensions"] = std::move(dims);
        j["score"] = r.score.to_string(2);
        j["grade"] = a.rules->grades.bands[r.grade].id;
        j["admission"] = std::string(to_string(r.admission));
        ordered_json defects = ordered_json::array();
        for (const ReviewDefect& d : r.defects) {
            ordered_json jd;
            jd["dimension"] = std::string(to_string(d.dimension()));
            jd["check"] = std::string(review_check_id(d, *a.rules));
            jd["indicator"] = d.indicator ? ordered_json(*d.indicator) : ordered_json(nullptr);
            jd["line"] = d.indicator ? ordered_json(a.project->indicators[*d.indicator].source_line) : ordered_json(nullptr);
            jd["deduction"] = d.deduction.to_string(2);
            jd["reason"] = {{"zh", d.zh}, {"en", d.en}};
            defects.push_back(std::move(jd));
        }
        j["defects"] = std::move(defects);
        if (!a.rules->review.custom.steps.empty()) {
            ordered_json reasons = ordered_json::array();
            for (std::string_view id : review_custom_ids(r, *a.rules)) reasons.push_back(id);
            j["reasons"] = std::move(reasons);
            j["cut"] = r.has_cut ? ordered_json(r.cut_rate.to_string(4)) : ordered_json(nullptr);
            j["cut_amount"] = r.has_cut ? ordered_json(r.cut.to_string()) : ordered_json(nullptr);
        }
        j["explanation"] = detail::explanation_json(explain_review(*a.project, r, *a.rules, lang));
        out.write(j.dump(2));
        out.write(i + 1 < rows.size() ? ",\n" : "\n");
    }
    out.write("]\n");
}

} // namespace

void ReviewTotals::add(const Project& p, const ReviewResult& r, std::size_t grade_count) {
    ++projects;
    budget += p.budget;
    detail::count_grade(by_grade, budget_by_grade, r.grade, p.budget, grade_count);
    const auto a = static_cast<std::size_t>(r.admission);
    ++by_admission[a];
    budget_by_admission[a] += p.budget;
    indicators += r.indicators;
    quantified += r.quantified;
}

ReviewSummary review_files(const ReviewOptions& options, const RuleBook& rules) {
    EvaluateOptions files; // the shape the output checks take
    files.projects = options.projects;
    files.indicators = options.indicators;
    files.out = options.out;
    check_output_not_input(files);
    detail::check_summary_path(files, options.summary);

    // Actuals and weights are optional in the reader: review reads targets only.
    std::vector<Project> projects = read_projects(options.projects, options.indicators, options);
    for (Project& p : projects)
        if (!p.year && options.year) p.year = options.year;

    ReviewSummary summary;
    std::vector<Reviewed> rows;
    rows.reserve(projects.size());
    std::vector<Diagnostic> problems;
    for (const Project& p : projects) {
        try {
            Reviewed& a = rows.emplace_back(Reviewed{&p, nullptr, {}});
            a.rules = &detail::rules_for(p, rules, options.projects);
            review_project(p, *a.rules, a.result);
        } catch (const Error& e) {
            for (const Diagnostic& d : e.diagnostics()) problems.push_back(d);
        }
    }
    if (!problems.empty()) throw Error(std::move(problems));

    summary.grades = rules.periods().back().grades.bands;
    const bool county = std::any_of(rules.periods().begin(), rules.periods().end(),
                                    [](const RuleSet& r) { return !r.review.custom.steps.empty(); });
    for (const Reviewed& a : rows) summary.add(*a.project, a.result, a.rules->grades.size());

    detail::write_outputs(options.out, options.summary, options.summary.empty() ? "" : review_summary_json(summary),
                          [&](OutputFile& out) {
                              if (options.format == OutputFormat::json) return write_json(out, rows, options.lang);
                              detail::TableWriter table(out, options.format, options.table, options.money_unit,
                                                        detail::TableOf::review, options.projects);
                              write_csv(table, rows, county);
                          });
    return summary;
}

namespace {
/// quantified / indicators as a percentage with 2 places ("72.79"), half-up; "" without indicators.
std::string percent(std::size_t part, std::size_t whole) {
    if (whole == 0) return {};
    return Fraction(Fraction::wide(static_cast<std::int64_t>(part)) * 100, Fraction::wide(static_cast<std::int64_t>(whole))).to_string(2);
}
} // namespace

std::string review_summary_text(const ReviewSummary& s, Lang lang) {
    using detail::wan_text;
    const bool zh = lang == Lang::zh;
    std::string t = zh ? "审核 " + std::to_string(s.projects) + " 个项目（" + wan_text(s.budget) + " 万元）："
                       : "reviewed " + std::to_string(s.projects) + " projects (" + wan_text(s.budget) + " 万元): ";
    t += detail::grades_text(s.grades, s.by_grade, s.budget_by_grade, zh) + '\n';
    for (std::size_t a = 0; a < admission_count; ++a) {
        if (a) t += zh ? "，" : "; ";
        t += zh ? std::string(names::admission_zh[a]) + " " + std::to_string(s.by_admission[a]) + " 个（" +
                      wan_text(s.budget_by_admission[a]) + " 万元）"
                : std::string(names::admission[a]) + " " + std::to_string(s.by_admission[a]) + " (" +
                      wan_text(s.budget_by_admission[a]) + " 万元)";
    }
    t += '\n';
    // Seed 000: "三级绩效指标3308个，量化率达72.79%".
    if (s.indicators)
        t += zh ? "三级绩效指标 " + std::to_string(s.indicators) + " 个，量化率达 " + percent(s.quantified, s.indicators) + "%\n"
                : std::to_string(s.indicators) + " level-3 indicators, quantification " +
                      percent(s.quantified, s.indicators) + "%\n";
    return t;
}

std::string review_summary_json(const ReviewSummary& s) {
    using nlohmann::ordered_json;
    using detail::count_json;
    ordered_json j;
    j["projects"] = s.projects;
    j["budget"] = s.budget.to_string();
    j["indicators"] = s.indicators;
    j["quantified"] = s.quantified;
    j["quantification"] = s.indicators ? ordered_json(Fraction(Fraction::wide(static_cast<std::int64_t>(s.quantified)), Fraction::wide(static_cast<std::int64_t>(s.indicators)))
                                                          .to_string(4))
                                       : ordered_json(nullptr);
    j["by_grade"] = detail::grades_json(s.grades, s.by_grade, s.budget_by_grade);
    ordered_json adm = ordered_json::object();
    for (std::size_t a = 0; a < admission_count; ++a)
        adm[std::string(names::admission[a])] = count_json(s.by_admission[a], s.budget_by_admission[a]);
    j["by_admission"] = std::move(adm);
    return j.dump(2) + "\n";
}

} // namespace perfbudget
