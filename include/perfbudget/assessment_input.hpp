// perfbudget/assessment_input.hpp — reading assessments.csv (专家评分表), SPEC §7.
//
// One row per expert, dimension and project: `project_id,expert,dimension,score`
// (Chinese headers 项目编号, 专家/评审专家, 评估维度/维度, 评分/得分). The dimension
// by identifier, full Chinese name or short form (assessment_rules.hpp); the score
// 0–100 with at most 2 decimals. Same conventions as projects.csv (input.hpp):
// UTF-8 with or without BOM or GBK, columns in any order, unknown columns ignored
// with a notice, every problem with file:line.
#pragma once

#include "perfbudget/assessment_rules.hpp"
#include "perfbudget/decimal.hpp"
#include "perfbudget/error.hpp"
#include "perfbudget/input.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace perfbudget {

/// One row of assessments.csv.
struct AssessmentRow {
    std::string project_id;
    std::string expert;
    AssessDimension dimension = AssessDimension::necessity;
    Decimal score;
    std::uint32_t source_line = 0;
};

/// Streams assessments.csv rows (as ProjectReader does projects.csv).
class AssessmentReader {
public:
    /// Opens the file and maps its header; throws Error on a missing required column.
    AssessmentReader(const std::string& path, const InputOptions& options = {});
    ~AssessmentReader();
    AssessmentReader(AssessmentReader&&) noexcept;
    AssessmentReader& operator=(AssessmentReader&&) noexcept;

    /// Fills `out` with the next row; false at end of file. A row with bad values
    /// adds Diagnostics to `problems` and returns true with ok == false.
    bool next(AssessmentRow& out, bool& ok, std::vector<Diagnostic>& problems);
    const std::vector<Diagnostic>& notices() const;
    const std::string& file() const;
    /// Where line (CSV) or row (workbook sheet) `line` is, for a message about it.
    SourceLocation where(std::uint32_t line) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One expert's scores of one project.
struct ExpertScores {
    std::string expert;
    std::array<Decimal, assess_dimension_count> score{};
    std::array<std::uint32_t, assess_dimension_count> line{}; // where each score was written (0: unknown)
    std::uint8_t given = 0; // a bit per dimension scored

    bool has(AssessDimension d) const { return ((given >> static_cast<unsigned>(d)) & 1U) != 0; }
    void set(AssessDimension d, Decimal s, std::uint32_t at = 0) {
        const auto i = static_cast<std::size_t>(d);
        score[i] = s;
        line[i] = at;
        given = static_cast<std::uint8_t>(given | (1U << i));
    }
};

/// A project's expert scores: every expert scores every dimension.
struct ProjectAssessment {
    std::string project_id;
    std::vector<ExpertScores> experts; // in order of first appearance
    std::uint32_t source_line = 0;     // the project's first row
};

/// Reads assessments.csv, grouped by project in order of first appearance in the
/// file. Throws Error listing every problem with file:line: bad cells, a project
/// not in `projects` (read from `projects_file`), an expert scoring a dimension
/// twice, and the missing (expert, dimension) pairs of each project. Notices
/// (unknown columns ignored) are appended to `notices` when given.
std::vector<ProjectAssessment> read_assessments(const std::string& path, const std::vector<Project>& projects,
                                                const std::string& projects_file, const InputOptions& options = {},
                                                std::vector<Diagnostic>* notices = nullptr);

/// The pairs a project lacks — "expert 张三: economy (投入经济性), financing (筹资合规性)" —
/// in zh and en, one entry per expert with a gap; empty when complete.
std::vector<std::pair<std::string, std::string>> missing_pairs(const ProjectAssessment& a);

} // namespace perfbudget
