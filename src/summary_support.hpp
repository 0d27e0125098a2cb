// src/summary_support.hpp — what the commands that write a `--summary` share:
// checking the summary's path, money in 万元 for the stderr summary, the JSON
// counts and department list. INTERNAL.
#pragma once

#include "perfbudget/batch.hpp"
#include "perfbudget/decimal.hpp"
#include "perfbudget/output.hpp"
#include "perfbudget/rules.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace perfbudget::detail {

/// Throws OptionsError when `out` (the output, or another file a command writes:
/// `what` "summary") is the input file `input` (named `input_en`/`input_zh` in the
/// message): the same path or another name for the same file. For inputs other
/// than projects.csv and indicators.csv, which check_output_not_input covers.
inline void check_not_input(const std::string& out, std::string_view what_en, std::string_view what_zh,
                            const std::string& input, std::string_view input_en, std::string_view input_zh) {
    if (out.empty() || out == "-") return;
    std::error_code ec; // a file that does not exist is no input it could replace
    if (out != input && !std::filesystem::equivalent(out, input, ec)) return;
    const std::string en(what_en), zh(what_zh);
    throw OptionsError({out, 0, 0},
                       "the " + en + " file \"" + out + "\" is the " + std::string(input_en) + " file \"" + input +
                           "\": writing the results would replace it; choose another " + en + " file",
                       zh + "文件“" + out + "”就是" + std::string(input_zh) + "文件“" + input + "”：写入结果会覆盖该输入文件；请另选" +
                           zh + "文件");
}

/// Throws OptionsError when the summary file is one of the inputs or the output itself.
inline void check_summary_path(const EvaluateOptions& files, const std::string& summary) {
    if (summary.empty()) return;
    check_output_not_input(files, summary, "summary", "汇总");
    const auto stdout_or = [](const std::string& p) { return p.empty() ? std::string("-") : p; };
    std::error_code ec; // the output does not exist yet: compared by name
    if (stdout_or(summary) == stdout_or(files.out) || std::filesystem::equivalent(summary, files.out, ec))
        throw OptionsError({summary, 0, 0}, "the summary file \"" + summary + "\" is the output file; choose another summary file",
                           "汇总文件“" + summary + "”就是输出文件；请另选汇总文件");
}

/// 1234567 fen → "12,345.67" (万元 are yuan / 10,000: fen / 10^6), 2 places half-up.
inline std::string wan_text(Money m) {
    const std::string plain = Fraction::of(m, Money::from_fen(1'000'000)).to_string(2);
    const bool negative = plain[0] == '-';
    const std::size_t dot = plain.find('.');
    std::string whole = plain.substr(negative ? 1 : 0, dot - (negative ? 1 : 0));
    for (std::size_t k = whole.size(); k > 3; k -= 3) whole.insert(k - 3, 1, ',');
    return (negative ? "-" : "") + whole + plain.substr(dot);
}

/// {"projects": n, "budget": "1234.00"}: a count and its money in the summary JSON.
inline nlohmann::ordered_json count_json(std::size_t projects, Money budget) {
    return nlohmann::ordered_json{{"projects", projects}, {"budget", budget.to_string()}};
}

/// One more project of grade `grade` (of `grade_count` bands) and its budget in the
/// per-grade counts of a summary (the assessment's and the review's).
inline void count_grade(std::vector<std::size_t>& by_grade, std::vector<Money>& budget_by_grade, std::size_t grade,
                        Money budget, std::size_t grade_count) {
    if (by_grade.size() < grade_count) {
        by_grade.resize(grade_count);
        budget_by_grade.resize(grade_count);
    }
    ++by_grade[grade];
    budget_by_grade[grade] += budget;
}

/// "优 1 个（100.00 万元），良 0 个（0.00 万元）…" / "excellent 1 (100.00 万元); good 0 …":
/// every band of the scale, those without projects too.
inline std::string grades_text(const std::vector<GradeBand>& grades, const std::vector<std::size_t>& by_grade,
                               const std::vector<Money>& budget_by_grade, bool zh) {
    std::string t;
    for (std::size_t g = 0; g < grades.size(); ++g) {
        const std::size_t count = g < by_grade.size() ? by_grade[g] : 0;
        const Money money = g < budget_by_grade.size() ? budget_by_grade[g] : Money();
        if (g) t += zh ? "，" : "; ";
        t += zh ? grades[g].zh + " " + std::to_string(count) + " 个（" + wan_text(money) + " 万元）"
                : grades[g].en + " " + std::to_string(count) + " (" + wan_text(money) + " 万元)";
    }
    return t;
}

/// {grade id: {"projects", "budget"}} for every band of the scale.
inline nlohmann::ordered_json grades_json(const std::vector<GradeBand>& grades, const std::vector<std::size_t>& by_grade,
                                          const std::vector<Money>& budget_by_grade) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (std::size_t g = 0; g < grades.size(); ++g)
        out[grades[g].id] = count_json(g < by_grade.size() ? by_grade[g] : 0,
                                       g < budget_by_grade.size() ? budget_by_grade[g] : Money());
    return out;
}

/// Writes the output (`write(out)`) and, when `summary_path` is set, the summary
/// text: both complete in their temporaries before either is renamed, so a failed
/// run replaces neither.
template <class Write>
void write_outputs(const std::string& out_path, const std::string& summary_path, const std::string& summary,
                   Write&& write) {
    std::optional<OutputFile> summary_file;
    if (!summary_path.empty()) {
        summary_file.emplace(summary_path);
        summary_file->write(summary);
    }
    OutputFile out(out_path);
    write(out);
    out.commit();
    if (summary_file) summary_file->commit();
}

/// [{"department": name, …totals}] in the departments' order; `totals(j, d)` adds a
/// department's keys as it adds the whole run's.
template <class Departments, class Totals>
nlohmann::ordered_json departments_json(const Departments& departments, const Totals& totals) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& d : departments) {
        nlohmann::ordered_json jd;
        jd["department"] = d.department;
        totals(jd, d);
        out.push_back(std::move(jd));
    }
    return out;
}

} // namespace perfbudget::detail
