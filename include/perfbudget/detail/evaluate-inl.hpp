// Implementation of evaluate() (evaluate.hpp). Kept apart so the header reads as an interface.
#pragma once

namespace perfbudget {

namespace detail {

/// An indicator score_indicator() refused, placed at its line.
inline Diagnostic issue_diagnostic(Issue issue, std::string_view file, std::string_view id, const Indicator& ind) {
    auto [en, zh] = describe(issue);
    return Diagnostic{SourceLocation{std::string(file), ind.source_line, 0},
                      "project " + std::string(id) + ", indicator \"" + ind.name + "\": " + en,
                      "项目 " + std::string(id) + "，指标“" + ind.name + "”：" + zh};
}

/// A project finish_project() refused. A weight total is placed at the project's
/// first indicator line, where the weights are written, and gives the total that
/// was checked (indicator weights plus execution points); anything else is placed
/// at the project's line.
inline Diagnostic project_issue_diagnostic(Issue issue, const ProjectResult& r, const RuleSet& rules,
                                           const InputNames& files, std::string_view id, std::uint32_t project_line,
                                           std::uint32_t first_indicator_line) {
    auto [en, zh] = describe(issue);
    const bool weights = issue == Issue::weights_not_100 || issue == Issue::weights_over_100;
    if (weights) {
        const Decimal exec = rules.evaluation.execution.points;
        const std::string total = (r.weight_total + exec).to_string(), ind = r.weight_total.to_string();
        en += ": total " + total + " points (indicators " + ind + " + execution " + exec.to_string() + ")";
        zh += "，实际合计 " + total + " 分（指标 " + ind + " 分 + 预算执行率 " + exec.to_string() + " 分）";
    }
    return Diagnostic{SourceLocation{std::string(weights ? files.indicators : files.projects),
                                     weights ? first_indicator_line : project_line, 0},
                      "project " + std::string(id) + ": " + en, "项目 " + std::string(id) + "：" + zh};
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
    NumberSum exact_sum; // only for total_only
    for (std::size_t i = 0; i < project.indicators.size(); ++i) {
        const Indicator& ind = project.indicators[i];
        IndicatorResult& r = out.indicators[i];
        const Issue issue = score_indicator(ind, rules, r);
        if (issue != Issue::none) {
            problems.push_back(detail::issue_diagnostic(issue, files.indicators, project.id, ind));
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
            exact_sum += r.exact_score();
            if (r.custom_adjustment.units() != 0) exact_sum += Fraction::of(r.custom_adjustment);
        }
    }
    if (problems.empty()) {
        const Number exact_indicators = exact_total ? exact_sum.value() : Number();
        const Issue issue = finish_project({project.budget, project.spent, project.fund_source}, acc, rules, out,
                                           exact_total ? &exact_indicators : nullptr);
        if (issue != Issue::none)
            problems.push_back(detail::project_issue_diagnostic(issue, out, rules, files, project.id, project.source_line,
                                                                project.indicators.empty() ? 0 : project.indicators.front().source_line));
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
