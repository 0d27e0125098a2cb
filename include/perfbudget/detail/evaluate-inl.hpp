// Implementation of evaluate() (evaluate.hpp). Kept apart so the header reads as an interface.
#pragma once

namespace perfbudget {

namespace detail {

inline Diagnostic issue_diagnostic(Issue issue, std::string_view file, std::uint32_t line, const Project& project,
                                   const Indicator* ind) {
    auto [en, zh] = describe(issue);
    std::string subject_en = "project " + project.id;
    std::string subject_zh = "项目 " + project.id;
    if (ind) {
        subject_en += ", indicator \"" + ind->name + "\"";
        subject_zh += "，指标“" + ind->name + "”";
    }
    return Diagnostic{SourceLocation{std::string(file), line, 0}, subject_en + ": " + en, subject_zh + "：" + zh};
}

/// The rules for `project`'s budget year (RuleBook::for_year), with a failure
/// placed at the project's line.
inline const RuleSet& rules_for(const Project& project, const RuleBook& book, std::string_view projects_file) {
    if (!book.dated()) return book.only();
    try {
        return book.for_year(project.year);
    } catch (const Error& e) {
        std::vector<Diagnostic> located;
        for (Diagnostic d : e.diagnostics()) {
            d.where = SourceLocation{std::string(projects_file), project.source_line, 0};
            d.en = "project " + project.id + ": " + d.en;
            d.zh = "项目 " + project.id + "：" + d.zh;
            located.push_back(std::move(d));
        }
        throw Error(std::move(located));
    }
}

} // namespace detail

inline void evaluate(const Project& project, const RuleSet& rules, ProjectResult& out, const InputNames& files) {
    std::vector<Diagnostic> problems;
    out.indicators.resize(project.indicators.size());
    out.indicator_rules_fired = 0;
    ScoreAccumulator acc;
    const bool exact_total = rules.evaluation.rounding.apply == RoundApply::total_only;
    std::optional<detail::ExactSum> exact_sum; // only for total_only: cpp_rational is not free
    if (exact_total) exact_sum.emplace();
    for (std::size_t i = 0; i < project.indicators.size(); ++i) {
        const Indicator& ind = project.indicators[i];
        IndicatorResult& r = out.indicators[i];
        const Issue issue = score_indicator(ind, rules, r);
        if (issue != Issue::none) {
            problems.push_back(detail::issue_diagnostic(issue, files.indicators, ind.source_line, project, &ind));
            continue;
        }
        if (!rules.custom.indicator_rules.empty()) {
            try {
                apply_indicator_rules(project, ind, rules, r);
            } catch (const Error& e) { // placed at the indicator's line; the message cites the rule
                for (Diagnostic d : e.diagnostics()) {
                    d.where = SourceLocation{std::string(files.indicators), ind.source_line, 0};
                    problems.push_back(std::move(d));
                }
                continue;
            }
            out.indicator_rules_fired |= r.custom_fired;
        }
        acc.add(ind, r);
        if (exact_total) {
            *exact_sum += detail::to_exact(r.exact_score());
            if (r.custom_adjustment.units() != 0) *exact_sum += detail::to_exact(Fraction::of(r.custom_adjustment));
        }
    }
    if (problems.empty()) {
        const Issue issue = finish_project({project.budget, project.spent, project.fund_source}, acc, rules, out,
                                           exact_total ? &*exact_sum : nullptr);
        if (issue != Issue::none)
            problems.push_back(detail::issue_diagnostic(issue, files.projects, project.source_line, project, nullptr));
        else if (!rules.custom.empty()) {
            try {
                // Sums the indicator aggregates from out.indicators with the
                // CustomAccumulator the streaming path uses, so both give the same
                // results. Not in the loop above: any custom code there, even not
                // run, made the national rules measurably slower.
                apply_custom(project, rules, out);
            } catch (const Error& e) { // placed at the project's line; the message cites the rule
                for (Diagnostic d : e.diagnostics()) {
                    d.where = SourceLocation{std::string(files.projects), project.source_line, 0};
                    problems.push_back(std::move(d));
                }
            }
        }
    }
    if (!problems.empty()) throw Error(std::move(problems));
}

inline void evaluate(const Project& project, const RuleBook& book, ProjectResult& out, const InputNames& files) {
    evaluate(project, detail::rules_for(project, book, files.projects), out, files);
}

} // namespace perfbudget
