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

/// The rules for `project`'s budget year (RuleSet::for_year), with a failure
/// placed at the project's line.
inline const RuleSet& rules_for(const Project& project, const RuleSet& rules, std::string_view projects_file) {
    if (rules.periods.empty()) return rules;
    try {
        return rules.period_for(project.year);
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

inline void evaluate(const Project& project, const RuleSet& all_rules, ProjectResult& out, const InputNames& files) {
    const RuleSet& rules = detail::rules_for(project, all_rules, files.projects); // by budget year
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
            exact_sum += r.exact_score();
            if (r.custom_adjustment.units() != 0) exact_sum += Fraction::of(r.custom_adjustment);
        }
    }
    if (problems.empty()) {
        const Number exact_indicators = exact_total ? exact_sum.value() : Number();
        const Issue issue = finish_project({project.budget, project.spent, project.fund_source}, acc, rules, out,
                                           exact_total ? &exact_indicators : nullptr);
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

} // namespace perfbudget
