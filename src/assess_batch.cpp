// assess_files(): the assess command as a library call (assess.hpp). Reads
// projects.csv and assessments.csv into memory (an assessment covers a handful
// of new or major projects), assesses each project that has scores, in the
// order of projects.csv, and writes CSV or JSON through a temporary file.
#include "perfbudget/assess.hpp"

#include "evaluate_engine.hpp"
#include "json_fields.hpp"
#include "summary_support.hpp"
#include "table_writer.hpp"

#include <optional>
#include <string_view>
#include <unordered_map>

namespace perfbudget {
namespace {

/// One assessed project: its row of projects.csv, its scores, its rules and result.
struct Assessed {
    const Project* project;
    const ProjectAssessment* scores;
    const RuleSet* rules;
    AssessResult result;
};

void write_csv(detail::TableWriter& out, const std::vector<Assessed>& rows, bool cut) {
    std::string header = "project_id,department,budget,experts";
    for (std::string_view d : names::assess_dimension) header += "," + std::string(d);
    out.header(header + (cut ? ",score,grade,approved,cut,cut_amount\n" : ",score,grade,approved\n"));
    for (const Assessed& a : rows) {
        const AssessResult& r = a.result;
        std::string& s = out.row();
        append_csv_field(s, a.project->id);
        s += ',';
        append_csv_field(s, a.project->department);
        s += ',' + a.project->budget.to_string() + ',' + std::to_string(r.experts);
        for (const DimensionAssessment& d : r.dimensions) s += ',' + d.shown.to_string(2);
        s += ',' + r.score.to_string(2) + ',';
        append_csv_field(s, a.rules->grades.bands[r.grade].id);
        s += r.approved ? ",1" : ",0";
        if (cut) s += ',' + r.cut_rate.to_string(4) + ',' + r.cut_amount.to_string();
        s += '\n';
        out.end_row(a.project->name, a.project->source_line);
    }
    out.finish();
}

void write_json(OutputFile& out, const std::vector<Assessed>& rows, bool cut, Lang lang) {
    using nlohmann::ordered_json;
    out.write("[\n");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Assessed& a = rows[i];
        const AssessResult& r = a.result;
        ordered_json j;
        detail::add_project_fields(j, *a.project);
        j["experts"] = r.experts;
        ordered_json dims = ordered_json::object();
        for (std::size_t d = 0; d < assess_dimension_count; ++d)
            dims[std::string(names::assess_dimension[d])] = r.dimensions[d].shown.to_string(2);
        j["dimensions"] = std::move(dims);
        j["score"] = r.score.to_string(2);
        j["grade"] = a.rules->grades.bands[r.grade].id;
        j["approved"] = r.approved;
        if (cut) {
            j["cut"] = r.cut_rate.to_string(4);
            j["cut_amount"] = r.cut_amount.to_string();
        }
        j["explanation"] = detail::explanation_json(explain_assessment(*a.project, *a.scores, r, *a.rules, lang));
        out.write(j.dump(2));
        out.write(i + 1 < rows.size() ? ",\n" : "\n");
    }
    out.write("]\n");
}

} // namespace

void AssessTotals::add(const Project& p, const AssessResult& r, std::size_t grade_count) {
    ++projects;
    budget += p.budget;
    detail::count_grade(by_grade, budget_by_grade, r.grade, p.budget, grade_count);
    if (r.approved) {
        ++approved;
        approved_budget += p.budget;
    } else {
        ++not_approved;
        not_approved_budget += p.budget;
    }
    cut += r.cut_amount;
}

namespace {

AssessSummary assess(const AssessOptions& options, const RuleBook& rules, const AssessSink* sink) {
    if (!sink) {
        EvaluateOptions files; // the shape the output checks take (no indicators file)
        files.projects = options.projects;
        files.out = options.out;
        check_output_not_input(files);
        detail::check_not_input(options.out, "output", "输出", options.assessments, "assessments", "专家评分");
        detail::check_summary_path(files, options.summary);
        detail::check_not_input(options.summary, "summary", "汇总", options.assessments, "assessments", "专家评分");
    }

    AssessSummary summary;
    std::vector<Project> projects = read_projects(options.projects, "", options);
    for (Project& p : projects)
        if (!p.year && options.year) p.year = options.year;
    const std::vector<ProjectAssessment> scores =
        read_assessments(options.assessments, projects, options.projects, options, &summary.notices);
    std::unordered_map<std::string_view, const ProjectAssessment*> by_id;
    for (const ProjectAssessment& a : scores) by_id.emplace(a.project_id, &a);

    std::vector<Assessed> rows;
    rows.reserve(scores.size());
    std::vector<Diagnostic> problems;
    bool cut = false;
    for (const RuleSet& period : rules.periods()) cut = cut || period.assessment.mid_year_cut.any();
    for (const Project& p : projects) {
        const auto it = by_id.find(p.id);
        if (it == by_id.end()) {
            ++summary.not_assessed;
            continue;
        }
        summary.scores += it->second->experts.size() * assess_dimension_count;
        try {
            Assessed& a = rows.emplace_back(Assessed{&p, it->second, nullptr, {}});
            a.rules = &detail::rules_for(p, rules, options.projects);
            assess_project(p, *a.scores, *a.rules, a.result, options.assessments);
        } catch (const Error& e) {
            for (const Diagnostic& d : e.diagnostics()) problems.push_back(d);
        }
    }
    if (!problems.empty()) throw Error(std::move(problems));

    const GradeScale& scale = rules.periods().back().grades;
    summary.grades = scale.bands;
    std::unordered_map<std::string_view, std::size_t> department; // → position in summary.departments
    for (const Assessed& a : rows) {
        const std::size_t n = a.rules->grades.size();
        summary.add(*a.project, a.result, n);
        const auto [d, added] = department.try_emplace(a.project->department, summary.departments.size());
        if (added) summary.departments.emplace_back().department = a.project->department;
        summary.departments[d->second].add(*a.project, a.result, n);
    }
    if (sink) {
        for (const Assessed& a : rows) (*sink)(view_of(*a.project, a.rules), a.result);
        return summary;
    }

    detail::write_outputs(options.out, options.summary, options.summary.empty() ? "" : assess_summary_json(summary),
                          [&](OutputFile& out) {
                              if (options.format == OutputFormat::json) return write_json(out, rows, cut, options.lang);
                              detail::TableWriter table(out, options.format, options.table, options.money_unit,
                                                        detail::TableOf::assess, options.projects);
                              write_csv(table, rows, cut);
                          });
    return summary;
}

} // namespace

AssessSummary assess_files(const AssessOptions& options, const RuleBook& rules) { return assess(options, rules, nullptr); }
AssessSummary assess_files(const AssessOptions& options, const RuleBook& rules, const AssessSink& sink) {
    return assess(options, rules, &sink);
}

std::string assess_summary_text(const AssessSummary& s, Lang lang) {
    using detail::wan_text;
    const bool zh = lang == Lang::zh;
    std::string t = zh ? "已评估 " + std::to_string(s.projects) + " 个项目（专家评分 " + std::to_string(s.scores) + " 条）："
                       : "assessed " + std::to_string(s.projects) + " projects (" + std::to_string(s.scores) +
                             " expert scores): ";
    t += detail::grades_text(s.grades, s.by_grade, s.budget_by_grade, zh);
    std::size_t worst = 0;
    for (std::size_t g = 0; g < s.grades.size() && g < s.by_grade.size(); ++g)
        if (s.by_grade[g]) worst = g;
    t += zh ? "\n予以通过 " + std::to_string(s.approved) + " 个（" + wan_text(s.approved_budget) + " 万元），不予通过 " +
                  std::to_string(s.not_approved) + " 个（" + wan_text(s.not_approved_budget) + " 万元）"
            : "\napproved " + std::to_string(s.approved) + " (" + wan_text(s.approved_budget) + " 万元), not approved " +
                  std::to_string(s.not_approved) + " (" + wan_text(s.not_approved_budget) + " 万元)";
    if (s.projects > 0 && worst < s.grades.size()) { // seed 000: "绩效级别都达到了良好"
        const GradeBand& w = s.grades[worst];
        t += zh ? (worst == 0 ? "；均为" + w.zh : "；均为" + w.zh + "及以上")
                : (worst == 0 ? "; all " + w.en : "; all " + w.en + " or better");
    }
    t += '\n';
    if (s.cut != Money()) t += zh ? "年中追减资金 " + wan_text(s.cut) + " 万元\n" : "mid-year cut " + wan_text(s.cut) + " 万元\n";
    if (s.not_assessed)
        t += zh ? "另有 " + std::to_string(s.not_assessed) + " 个项目没有专家评分，未列入输出\n"
                : std::to_string(s.not_assessed) + " more projects have no expert scores and are not in the output\n";
    return t;
}

std::string assess_summary_json(const AssessSummary& s) {
    using nlohmann::ordered_json;
    using detail::count_json;
    const auto totals = [&](ordered_json& j, const AssessTotals& t) {
        j["projects"] = t.projects;
        j["budget"] = t.budget.to_string();
        j["by_grade"] = detail::grades_json(s.grades, t.by_grade, t.budget_by_grade);
        j["approved"] = count_json(t.approved, t.approved_budget);
        j["not_approved"] = count_json(t.not_approved, t.not_approved_budget);
        j["cut"] = t.cut.to_string();
    };
    ordered_json j;
    totals(j, s);
    j["not_assessed"] = s.not_assessed;
    j["departments"] = detail::departments_json(s.departments, totals);
    return j.dump(2) + "\n";
}

} // namespace perfbudget
