// src/assessment_input.cpp — assessments.csv grouped and checked by project
// (assessment_input.hpp). Row-level reading is input.cpp's (AssessmentReader).
#include "perfbudget/assessment_input.hpp"
#include "diagnostic.hpp"

#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace perfbudget {
namespace {

std::string dimension_text(std::size_t d) {
    return std::string(names::assess_dimension[d]) + " (" + std::string(names::assess_dimension_zh[d]) + ")";
}

} // namespace

std::vector<std::pair<std::string, std::string>> missing_pairs(const ProjectAssessment& a) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const ExpertScores& e : a.experts) {
        std::string en, zh;
        for (std::size_t d = 0; d < assess_dimension_count; ++d) {
            if (e.has(static_cast<AssessDimension>(d))) continue;
            en += (en.empty() ? "" : ", ") + dimension_text(d);
            zh += (zh.empty() ? "" : "、") + std::string(names::assess_dimension_zh[d]);
        }
        if (!en.empty()) out.emplace_back("expert \"" + e.expert + "\": " + en, "专家“" + e.expert + "”：" + zh);
    }
    return out;
}

std::vector<ProjectAssessment> read_assessments(const std::string& path, const std::vector<Project>& projects,
                                                const std::string& projects_file, const InputOptions& options,
                                                std::vector<Diagnostic>* notices) {
    std::unordered_set<std::string_view> known;
    for (const Project& p : projects) known.insert(p.id);
    std::vector<ProjectAssessment> out;
    std::unordered_map<std::string, std::size_t> index; // project_id → position in `out`
    std::vector<Diagnostic> problems, row_problems;
    std::unordered_set<std::string> with_bad_rows; // projects with a row already reported
    constexpr std::size_t max_problems = 1000;
    const auto add = [&](Diagnostic d) {
        if (problems.size() < max_problems) problems.push_back(std::move(d));
    };

    AssessmentReader reader(path, options); // a missing column throws: nothing else to check
    AssessmentRow row;
    bool ok = true;
    while (reader.next(row, ok, row_problems)) {
        for (Diagnostic& d : row_problems) add(std::move(d));
        row_problems.clear();
        if (row.project_id.empty()) continue;
        if (!known.count(row.project_id)) { // reported once per row: each row is the mistake
            add(detail::unknown_id_problem(projects_file, path, row.source_line, row.project_id));
            continue;
        }
        if (!ok) { // one mistake, one message: its gap is not reported again as a missing pair
            with_bad_rows.insert(row.project_id);
            continue;
        }
        const auto [it, fresh] = index.try_emplace(row.project_id, out.size());
        if (fresh) {
            out.emplace_back();
            out.back().project_id = row.project_id;
            out.back().source_line = row.source_line;
        }
        ProjectAssessment& a = out[it->second];
        ExpertScores* e = nullptr;
        for (ExpertScores& x : a.experts)
            if (x.expert == row.expert) e = &x;
        if (!e) {
            e = &a.experts.emplace_back();
            e->expert = row.expert;
        }
        const auto d = static_cast<std::size_t>(row.dimension);
        if (e->has(row.dimension)) {
            const std::string first = std::to_string(e->line[d]);
            add(detail::make_diagnostic(path, row.source_line,
                        "project " + row.project_id + ": expert \"" + row.expert + "\" scores " + dimension_text(d) +
                            " twice (first at line " + first + ")",
                        "项目 " + row.project_id + "：专家“" + row.expert + "”对" +
                            std::string(names::assess_dimension_zh[d]) + "重复评分（首次在第 " + first + " 行）"));
            continue;
        }
        e->set(row.dimension, row.score, row.source_line);
    }
    for (Diagnostic& d : row_problems) add(std::move(d));

    for (const ProjectAssessment& a : out) {
        if (with_bad_rows.count(a.project_id)) continue;
        const auto gaps = missing_pairs(a);
        if (gaps.empty()) continue;
        std::string en, zh;
        for (const auto& [g_en, g_zh] : gaps) {
            en += (en.empty() ? "" : "; ") + g_en;
            zh += (zh.empty() ? "" : "；") + g_zh;
        }
        add(detail::make_diagnostic(path, a.source_line,
                    "project " + a.project_id + ": every expert must score every dimension; missing " + en,
                    "项目 " + a.project_id + "：每位专家须对每个维度评分；缺少 " + zh));
    }
    if (!problems.empty()) throw Error(std::move(problems));
    if (notices) notices->insert(notices->end(), reader.notices().begin(), reader.notices().end());
    return out;
}

} // namespace perfbudget
