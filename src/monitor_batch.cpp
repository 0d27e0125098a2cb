// monitor_files(): the monitor command as a library call (monitor.hpp). Reads
// both files into memory (read_projects, as evaluate's in-memory path) and
// monitors each project; a streaming path can follow when monitoring runs on
// exports too large for memory.
#include "perfbudget/monitor.hpp"

#include "json_fields.hpp"

#include <filesystem>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace perfbudget {

namespace {

std::string rate(const Fraction& f) { return f.to_string(4); }
std::string rate(const Number& n) { return n.rounded(4, RoundingMode::half_up).to_string(4); }

void write_csv(OutputFile& out, const std::vector<Project>& projects, const std::vector<MonitorResult>& results,
               const std::vector<const RuleSet*>& periods) {
    out.write("project_id,department,budget,spent,time_progress,exec_rate,completion,level,reasons,action,cut,cut_amount\n");
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const Project& p = projects[i];
        const MonitorResult& r = results[i];
        std::string& s = out.buffer();
        append_csv_field(s, p.id);
        s += ',';
        append_csv_field(s, p.department);
        const MonitorRatesText rates = monitor_rates_text(r);
        s += ',' + p.budget.to_string() + ',' + p.spent.to_string() + ',' + rates.time_progress + ',' + rates.exec_rate +
             ',' + rates.completion + ',';
        s += to_string(r.level);
        s += ',';
        s += monitor_reasons(r, *periods[i]);
        s += ',';
        s += to_string(r.action);
        s += ',' + rates.cut + ',' + rates.cut_amount;
        s += '\n';
        out.flush_if_full();
    }
}

void write_json(OutputFile& out, const std::vector<Project>& projects, const std::vector<MonitorResult>& results,
                const std::vector<const RuleSet*>& periods, Lang lang) {
    using nlohmann::ordered_json;
    out.write("[\n");
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const Project& p = projects[i];
        const MonitorResult& r = results[i];
        ordered_json j;
        detail::add_project_fields(j, p);
        j["as_of"] = to_string(r.as_of);
        j["time_progress"] = rate(r.time_progress);
        j["exec_rate"] = r.exec_applicable ? ordered_json(rate(r.exec_rate)) : ordered_json(nullptr);
        j["completion"] = r.has_completion ? ordered_json(rate(r.completion)) : ordered_json(nullptr);
        j["level"] = to_string(r.level);
        j["warning"] = r.warning();
        ordered_json reasons = ordered_json::array();
        for (std::size_t k = 0; k < monitor_rule_count; ++k)
            if (r.reason(static_cast<MonitorRule>(k))) reasons.push_back(names::monitor_rule[k]);
        for (std::string_view id : monitor_custom_ids(r, *periods[i])) reasons.push_back(id);
        j["reasons"] = std::move(reasons);
        j["action"] = to_string(r.action);
        const MonitorRatesText rates = monitor_rates_text(r);
        j["cut"] = r.has_cut ? ordered_json(rates.cut) : ordered_json(nullptr);
        j["cut_amount"] = r.has_cut ? ordered_json(rates.cut_amount) : ordered_json(nullptr);
        ordered_json inds = ordered_json::array();
        for (std::size_t k = 0; k < p.indicators.size(); ++k) {
            const IndicatorMonitor& m = r.indicators[k];
            ordered_json ji;
            ji["name"] = p.indicators[k].name;
            ji["direction"] = to_string(p.indicators[k].direction);
            ji["counted"] = m.counted;
            ji["completion"] = m.counted ? ordered_json(rate(m.rc)) : ordered_json(nullptr);
            ji["pace"] = m.pace_case == PaceCase::ratio ? ordered_json(rate(m.pace)) : ordered_json(nullptr);
            ji["level"] = to_string(m.light);
            inds.push_back(std::move(ji));
        }
        j["indicators"] = std::move(inds);
        ordered_json lines = ordered_json::array();
        for (const ExplanationLine& l : explain_monitoring(p, r, *periods[i], lang))
            lines.push_back({{"rule", l.rule}, {"source", l.source}, {"text", l.text}});
        j["explanation"] = std::move(lines);
        out.write(j.dump(2));
        out.write(i + 1 < projects.size() ? ",\n" : "\n");
    }
    out.write("]\n");
}

/// 1234567 fen → "12,345.67" (万元 are yuan / 10,000: fen / 10^6), 2 places half-up.
std::string wan_text(Money m) {
    const std::string plain = Fraction::of(m, Money::from_fen(1'000'000)).to_string(2);
    const bool negative = plain[0] == '-';
    const std::size_t dot = plain.find('.');
    std::string whole = plain.substr(negative ? 1 : 0, dot - (negative ? 1 : 0));
    for (std::size_t k = whole.size(); k > 3; k -= 3) whole.insert(k - 3, 1, ',');
    return (negative ? "-" : "") + whole + plain.substr(dot);
}

} // namespace

MonitorRatesText monitor_rates_text(const MonitorResult& r) {
    return {rate(r.time_progress), r.exec_applicable ? rate(r.exec_rate) : std::string(),
            r.has_completion ? rate(r.completion) : std::string(),
            r.has_cut ? r.cut_rate.rounded(4, RoundingMode::half_up).to_string(4) : std::string(),
            r.has_cut ? r.cut.to_string() : std::string()};
}

MonitorSummary monitor_files(const MonitorOptions& options, const RuleBook& rules) {
    const EvaluateOptions& opt = options.files;
    check_output_not_input(opt);
    if (!options.summary.empty()) {
        check_output_not_input(opt, options.summary, "summary", "汇总");
        const auto stdout_or = [](const std::string& p) { return p.empty() ? std::string("-") : p; };
        std::error_code ec; // the output does not exist yet: compared by name
        if (stdout_or(options.summary) == stdout_or(opt.out) || std::filesystem::equivalent(options.summary, opt.out, ec))
            throw OptionsError({options.summary, 0, 0},
                               "the summary file \"" + options.summary + "\" is the output file; choose another summary file",
                               "汇总文件“" + options.summary + "”就是输出文件；请另选汇总文件");
    }
    MonitorSummary summary;
    std::vector<Project> projects = read_projects(opt.projects, opt.indicators, opt.encoding);
    const int as_of_year = options.as_of.year();
    for (Project& p : projects)
        if (!p.year) p.year = opt.year ? *opt.year : as_of_year; // the period in effect for the as-of date's year
    std::vector<MonitorResult> results(projects.size());
    std::vector<const RuleSet*> periods(projects.size());
    std::vector<Diagnostic> problems;
    const InputNames files{opt.projects, opt.indicators};
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const Project& p = projects[i];
        summary.indicators += p.indicators.size();
        try {
            periods[i] = &detail::rules_for(p, rules, opt.projects);
            monitor_project(p, options.as_of, *periods[i], results[i], files);
        } catch (const ArithmeticError& e) { // unplaced: place it at the project
            problems.push_back({{opt.projects, p.source_line, 0}, "project " + p.id + ": " + e.diagnostics().front().en,
                                "项目 " + p.id + "：" + e.diagnostics().front().zh});
        } catch (const Error& e) {
            for (const Diagnostic& d : e.diagnostics())
                if (problems.size() < opt.max_problems) problems.push_back(d);
        }
    }
    if (!problems.empty()) throw Error(std::move(problems));

    const std::size_t indicators = summary.indicators;
    summary = monitor_summary(projects, results);
    summary.indicators = indicators;
    // Both files are complete in their temporaries before either is renamed.
    std::optional<OutputFile> summary_file;
    if (!options.summary.empty()) {
        summary_file.emplace(options.summary);
        summary_file->write(monitor_summary_json(summary));
    }
    OutputFile out(opt.out);
    if (opt.format == OutputFormat::json) write_json(out, projects, results, periods, opt.lang);
    else write_csv(out, projects, results, periods);
    out.commit();
    if (summary_file) summary_file->commit();
    return summary;
}

void MonitorTotals::add(const Project& p, Light level) {
    const auto l = static_cast<std::size_t>(level);
    ++projects;
    budget += p.budget;
    spent += p.spent;
    ++by_level[l];
    budget_by_level[l] += p.budget;
}

MonitorSummary monitor_summary(const std::vector<Project>& projects, const std::vector<MonitorResult>& results) {
    MonitorSummary s;
    std::unordered_map<std::string_view, std::size_t> index; // department → position in s.departments
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const Project& p = projects[i];
        s.add(p, results[i].level);
        const auto [it, added] = index.try_emplace(p.department, s.departments.size());
        if (added) s.departments.emplace_back().department = p.department;
        s.departments[it->second].add(p, results[i].level);
    }
    return s;
}

std::string monitor_summary_json(const MonitorSummary& s) {
    using nlohmann::ordered_json;
    const auto count = [](std::size_t projects, Money budget) {
        return ordered_json{{"projects", projects}, {"budget", budget.to_string()}};
    };
    const auto totals = [&](ordered_json& j, const MonitorTotals& t) {
        j["projects"] = t.projects;
        j["budget"] = t.budget.to_string();
        j["spent"] = t.spent.to_string();
        ordered_json levels = ordered_json::object();
        for (std::size_t l = 0; l < light_count; ++l)
            levels[std::string(names::light[l])] = count(t.by_level[l], t.budget_by_level[l]);
        j["by_level"] = std::move(levels);
        j["warning"] = count(t.warning_projects(), t.warning_budget());
    };
    ordered_json j;
    totals(j, s);
    ordered_json departments = ordered_json::array();
    for (const DepartmentMonitor& d : s.departments) {
        ordered_json jd;
        jd["department"] = d.department;
        totals(jd, d);
        departments.push_back(std::move(jd));
    }
    j["departments"] = std::move(departments);
    return j.dump(2) + "\n";
}

std::string monitor_summary_text(const MonitorSummary& s, Lang lang) {
    const bool zh = lang == Lang::zh;
    std::string t = zh ? "已监控 " + std::to_string(s.projects) + " 个项目、" + std::to_string(s.indicators) + " 个指标："
                       : "monitored " + std::to_string(s.projects) + " projects, " + std::to_string(s.indicators) +
                             " indicators: ";
    for (std::size_t l = 0; l < light_count; ++l) {
        if (l) t += zh ? "，" : "; ";
        t += zh ? std::string(names::light_zh[l]) + " " + std::to_string(s.by_level[l]) + " 个（" +
                      wan_text(s.budget_by_level[l]) + " 万元）"
                : std::string(names::light[l]) + " " + std::to_string(s.by_level[l]) + " (" +
                      wan_text(s.budget_by_level[l]) + " 万元)";
    }
    t += zh ? "\n预警项目 " + std::to_string(s.warning_projects()) + " 个，资金 " + wan_text(s.warning_budget()) + " 万元\n"
            : "\nwarning projects " + std::to_string(s.warning_projects()) + ", funds " + wan_text(s.warning_budget()) +
                  " 万元\n";
    return t;
}

} // namespace perfbudget
