// evaluate_files(): the evaluate command as a library call (batch.hpp).
#include "perfbudget/batch.hpp"

#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"

#include "evaluate_engine.hpp"
#include "stream_projects.hpp"
#include "table_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string_view>

namespace perfbudget {

namespace {

constexpr std::size_t max_notices = 20;

void add_notice(BatchSummary& s, Diagnostic d) {
    d.severity = Diagnostic::Severity::notice;
    if (s.notices.size() < max_notices) s.notices.push_back(std::move(d));
    else ++s.notices_dropped;
}

/// Builds the notice only while there is room for it (a file may have thousands).
template <class Make>
void add_notice_lazily(BatchSummary& s, const Make& make) {
    if (s.notices.size() < max_notices) add_notice(s, make());
    else ++s.notices_dropped;
}

Diagnostic split_notice(std::string_view file, std::string_view id, std::uint32_t line, const ProjectResult& r,
                        const RuleSet& rules) {
    const auto& w = rules.evaluation.weights.level1;
    std::string got = r.level1_weight[0].to_string() + "/" + r.level1_weight[1].to_string() + "/" + r.level1_weight[2].to_string();
    std::string want = w[0].to_string() + "/" + w[1].to_string() + "/" + w[2].to_string();
    return {{std::string(file), line, 0},
            "project " + std::string(id) + ": level-1 weights output/benefit/satisfaction are " + got + ", not " + want + " as in principle",
            "项目 " + std::string(id) + "：产出/效益/满意度一级指标分值为 " + got + "，与原则性权重 " + want + " 不同",
            Diagnostic::Severity::notice};
}

// --- streaming path ---------------------------------------------------------

/// A project as the streaming path keeps it: strings in the arena, funds, score
/// sums; 112 bytes (a million projects are kept).
struct Slot : detail::SlotHead {
    ScoreAccumulator acc;
};

/// What custom steps read besides Slot, kept only when the rules have custom
/// steps (a parallel vector, so the national rules pay nothing): the project
/// fields of CustomInput and the indicator aggregates, summed as rows stream.
struct CustomSlot {
    std::uint32_t category_offset = 0, category_size = 0; // in the arena
    std::int32_t year = 0;
    BudgetKind budget_kind = BudgetKind::general;
    Rectification rectification = Rectification::none;
    std::uint32_t indicator_rules_fired = 0; // bit k: indicator rule k fired on one of its indicators
    CustomAccumulator aggregates;
};

/// Indicator rules read the project's fields (apply_indicator_rules takes a
/// Project): rebuilt from the kept slot into one reused Project, whose strings
/// keep their capacity. Only for rules with indicator rules.
void fill_project(Project& p, std::string_view id, const ProjectFunds& funds, const CustomSlot& c, std::string_view category) {
    p.id.assign(id);
    p.category.assign(category);
    p.budget = funds.budget;
    p.spent = funds.spent;
    p.fund_source = funds.fund_source;
    p.budget_kind = c.budget_kind;
    p.rectification = c.rectification;
    p.year = c.year ? std::optional<int>(c.year) : std::nullopt;
}

/// Runs the indicator rules on a streamed row (fill_project, then
/// apply_indicator_rules); false when one failed, its problem added at the
/// indicator's line as evaluate() places it. Out of line: the row loop stays as
/// tight as without indicator rules.
[[gnu::noinline]] bool adjust_streamed(Project& p, std::string_view id, const ProjectFunds& funds, CustomSlot& c,
                                       std::string_view category, const Indicator& ind, const RuleSet& rules,
                                       IndicatorResult& r, const std::string& file, detail::Problems& problems) {
    fill_project(p, id, funds, c, category);
    try {
        apply_indicator_rules(p, ind, rules, r);
    } catch (const Error& e) { // the message cites the rule
        for (Diagnostic d : e.diagnostics()) {
            d.where = SourceLocation{file, ind.source_line, 0};
            problems.add(std::move(d));
        }
        return false;
    }
    c.indicator_rules_fired |= r.custom_fired;
    return true;
}

/// The period of `book` for project `p` (its budget year, else --year); with
/// nothing dated always 0. Throws Error as evaluate() would, placed at the project.
std::uint32_t period_of(const Project& p, const RuleBook& book, std::string_view file) {
    if (!book.dated()) return 0;
    return static_cast<std::uint32_t>(&detail::rules_for(p, book, file) - book.periods().data());
}

BatchSummary evaluate_streaming(const EvaluateOptions& opt, const RuleBook& book, const EvaluateSink* sink) {
    const std::vector<RuleSet>& periods = book.periods();
    BatchSummary summary;
    detail::Problems problems(opt.max_problems);
    std::vector<Diagnostic> row_problems;

    // 1. Projects, kept compactly.
    const bool custom = book.has_custom();
    detail::ProjectSlots<Slot> kept;
    std::vector<Slot>& slots = kept.slots;
    std::vector<CustomSlot> customs; // one per slot when `custom`
    // The names, only for a table with a name column: 8 bytes and the name's per project.
    const bool names = table_has_names(opt.format, opt.table);
    std::vector<detail::ArenaText> kept_names; // one per slot when `names`
    {
        ProjectReader reader(opt.projects, opt);
        problems.locate(opt.projects, reader.where(0));
        kept.reserve_for(opt.projects);
        if (names) kept_names.reserve(slots.capacity()); // untouched pages cost nothing
        for (const auto& n : reader.notices()) add_notice(summary, n);
        Project p;
        bool ok = true;
        while (reader.next(p, ok, row_problems)) {
            problems.add(row_problems);
            // A row that failed is kept (as bad) when its id was read, so its
            // indicator rows are not reported again as belonging to no project.
            if (!ok && p.id.empty()) continue;
            if (!p.year) p.year = opt.year;
            std::uint32_t first = 0;
            const std::uint32_t n = kept.add(p, ok, opt.projects, first);
            if (n == detail::IdIndex::empty) {
                const std::string line = std::to_string(static_cast<std::uint32_t>(slots[first].line));
                problems.add(opt.projects, p.source_line, "duplicate project_id \"" + p.id + "\" (first on line " + line + ")",
                              "项目编号“" + p.id + "”重复（首次出现在第 " + line + " 行）");
                continue;
            }
            try {
                slots[n].period = period_of(p, book, opt.projects);
            } catch (Error& e) {
                auto ds = e.diagnostics();
                problems.add(ds);
                slots[n].bad = true;
            }
            if (names) kept_names.push_back(kept.keep(p.name));
            if (custom) {
                CustomSlot c;
                c.category_size = static_cast<std::uint32_t>(p.category.size());
                c.category_offset = kept.add_text(p.category);
                c.year = p.year.value_or(0);
                c.budget_kind = p.budget_kind;
                c.rectification = p.rectification;
                customs.push_back(std::move(c));
            }
        }
    }
    summary.projects = slots.size();

    // 2. Indicators, streamed: each row is scored and added to its project's sums.
    {
        IndicatorReader reader(opt.indicators, opt);
        problems.locate(opt.indicators, reader.where(0));
        for (const auto& n : reader.notices()) add_notice(summary, n);
        std::string pid;
        Indicator ind;
        IndicatorResult r;
        bool ok = true;
        std::uint32_t last = detail::IdIndex::empty;
        Project rule_project; // indicator rules only
        while (reader.next(pid, ind, ok, row_problems)) {
            problems.add(row_problems);
            ++summary.indicators;
            if (kept.find(pid, last) == detail::IdIndex::empty) {
                problems.add(opt.indicators, ind.source_line, "project_id \"" + pid + "\" is not in " + opt.projects,
                              "项目编号“" + pid + "”不在 " + opt.projects + " 中");
                continue;
            }
            Slot& slot = slots[last];
            if (slot.mark == 0) slot.mark = ind.source_line;
            if (!ok) {
                slot.bad = true;
                continue;
            }
            const RuleSet& rules = periods[slot.period];
            Issue issue;
            try {
                issue = detail::score_indicator(ind, rules, r);
                if (issue == Issue::none && !rules.custom.indicator_rules.empty()) [[unlikely]] {
                    CustomSlot& c = customs[last];
                    if (!adjust_streamed(rule_project, pid, slot.funds, c, kept.text(c.category_offset, c.category_size),
                                         ind, rules, r, opt.indicators, problems)) {
                        slot.bad = true;
                        continue;
                    }
                }
                if (issue == Issue::none) {
                    slot.acc.add(ind, r);
                    if (custom) customs[last].aggregates.add(r, rules);
                }
            } catch (const ArithmeticError& e) {
                problems.add(opt.indicators, ind.source_line, "project " + pid + ": " + e.diagnostics().front().en,
                              "项目 " + pid + "：" + e.diagnostics().front().zh);
                slot.bad = true;
                continue;
            }
            if (issue != Issue::none) {
                problems.add(detail::issue_diagnostic(issue, opt.indicators, pid, ind));
                slot.bad = true;
            }
        }
    }

    // 3. Finish every project and write its row; nothing becomes visible unless all succeed.
    std::optional<OutputFile> out;
    std::optional<detail::TableWriter> table;
    if (!sink) {
        out.emplace(opt.out);
        table.emplace(*out, opt.format, opt.table, opt.money_unit, detail::TableOf::evaluate, opt.projects);
        std::string header;
        write_csv_header(header, false, book);
        table->header(header);
    }
    ProjectResult result;
    for (const Slot& s : slots) {
        if (s.bad) continue;
        const std::uint32_t k = kept.number(s);
        const std::string_view id = kept.id(k);
        const RuleSet& rules = periods[s.period];
        Issue issue;
        try {
            issue = detail::finish_project(s.funds, s.acc, rules, result);
        } catch (const ArithmeticError& e) {
            problems.add(opt.projects, s.line, "project " + std::string(id) + ": " + e.diagnostics().front().en,
                          "项目 " + std::string(id) + "：" + e.diagnostics().front().zh);
            continue;
        }
        if (issue != Issue::none) {
            problems.add(detail::project_issue_diagnostic(issue, result, rules, {opt.projects, opt.indicators}, id, s.line, s.mark));
            continue;
        }
        if (!rules.custom.empty()) {
            const CustomSlot& c = customs[k];
            result.indicator_rules_fired = c.indicator_rules_fired;
            const CustomInput in{id, s.funds, c.budget_kind, kept.text(c.category_offset, c.category_size), c.year, c.rectification};
            try {
                apply_custom(in, c.aggregates, rules, result);
            } catch (const Error& e) { // placed at the project's line, as evaluate() does; the message cites the rule
                for (Diagnostic d : e.diagnostics()) {
                    d.where = SourceLocation{opt.projects, s.line, 0};
                    problems.add(std::move(d));
                }
                continue;
            }
        }
        if (result.split_differs)
            add_notice_lazily(summary, [&] { return split_notice(opt.projects, id, s.line, result, rules); });
        if (problems.any()) continue; // keep checking, but stop writing
        const std::optional<int> year = s.budget_year();
        const std::string_view name = names ? kept.text(kept_names[k]) : std::string_view();
        if (sink) {
            (*sink)(ProjectView{id, kept.department(k), s.funds, year, s.line, &rules, nullptr, name}, result);
            continue;
        }
        write_csv_row(table->row(), id, kept.department(k), s.funds, result, book, year, opt.lang);
        table->end_row(name, s.line);
    }
    if (problems.any()) problems.raise();
    if (out) {
        table->finish();
        out->commit();
    }
    return summary;
}

// --- in-memory path -----------------------------------------------------------

BatchSummary evaluate_in_memory(const EvaluateOptions& opt, const RuleBook& rules, const EvaluateSink* sink) {
    BatchSummary summary;
    detail::Problems problems(opt.max_problems);
    std::vector<Project> projects = read_projects(opt.projects, opt.indicators, opt);
    if (opt.year)
        for (Project& p : projects)
            if (!p.year) p.year = opt.year;
    summary.projects = projects.size();
    std::vector<ProjectResult> results(projects.size());
    const InputNames files{opt.projects, opt.indicators};
    for (std::size_t i = 0; i < projects.size(); ++i) {
        summary.indicators += projects[i].indicators.size();
        try {
            evaluate(projects[i], rules, results[i], files);
            if (results[i].split_differs)
                add_notice_lazily(summary, [&] {
                    return split_notice(opt.projects, projects[i].id, projects[i].source_line, results[i],
                                        rules.for_year(projects[i].year));
                });
        } catch (const ArithmeticError& e) { // unplaced: place it at the project
            problems.add(opt.projects, projects[i].source_line, "project " + projects[i].id + ": " + e.diagnostics().front().en,
                          "项目 " + projects[i].id + "：" + e.diagnostics().front().zh);
        } catch (Error& e) {
            auto ds = e.diagnostics();
            problems.add(ds);
        }
    }
    if (problems.any()) problems.raise();

    if (sink) {
        for (std::size_t i = 0; i < projects.size(); ++i) {
            const Project& p = projects[i];
            const RuleSet& period = rules.for_year(p.year);
            (*sink)(view_of(p, &period), results[i]);
        }
        return summary;
    }
    OutputFile out(opt.out);
    if (opt.format == OutputFormat::json) {
        out.write("[\n");
        for (std::size_t i = 0; i < projects.size(); ++i) {
            write_json_project(out.buffer(), projects[i], results[i], rules, opt.lang);
            out.write(i + 1 < projects.size() ? ",\n" : "\n");
        }
        out.write("]\n");
    } else {
        detail::TableWriter table(out, opt.format, opt.table, opt.money_unit, detail::TableOf::evaluate, opt.projects);
        std::string header;
        write_csv_header(header, opt.explain, rules);
        table.header(header);
        for (std::size_t i = 0; i < projects.size(); ++i) {
            const Project& p = projects[i];
            std::vector<ExplanationLine> lines;
            if (opt.explain) lines = explain(p, results[i], rules, opt.lang);
            write_csv_row(table.row(), p.id, p.department, {p.budget, p.spent, p.fund_source}, results[i], rules, p.year,
                          opt.lang, opt.explain ? &lines : nullptr);
            table.end_row(p.name, p.source_line);
        }
        table.finish();
    }
    out.commit();
    return summary;
}

/// An output file that is an input would replace it with the results (the rename
/// of OutputFile::commit). Compared as files, not names: `./p.csv`, a symbolic
/// link and a hard link name the same file.
void refuse_output_over_input(const EvaluateOptions& opt, const std::string& out = {}, std::string_view what_en = "output",
                              std::string_view what_zh = "输出") {
    const std::string& path = out.empty() ? opt.out : out;
    if (path.empty() || path == "-") return;
    struct Input {
        const std::string& path;
        const char *en, *zh;
    };
    for (const Input& in : {Input{opt.projects, "projects", "项目"}, Input{opt.indicators, "indicators", "指标"}}) {
        std::error_code ec; // a file that does not exist is no input it could replace
        if (in.path != path && !std::filesystem::equivalent(path, in.path, ec)) continue;
        const std::string en(what_en), zh(what_zh);
        throw OptionsError({path, 0, 0},
                           "the " + en + " file \"" + path + "\" is the " + in.en + " file \"" + in.path +
                               "\": writing the results would replace it; choose another " + en + " file",
                           zh + "文件“" + path + "”就是" + in.zh + "文件“" + in.path + "”：写入结果会覆盖该输入文件；请另选" +
                               zh + "文件");
    }
}

} // namespace

void check_output_not_input(const EvaluateOptions& options) { refuse_output_over_input(options); }

void check_output_not_input(const EvaluateOptions& options, const std::string& path, std::string_view what_en,
                            std::string_view what_zh) {
    refuse_output_over_input(options, path, what_en, what_zh);
}

namespace {

/// Whether the rules need every indicator's result (the in-memory path), whatever the output.
bool rules_need_everything(const RuleBook& rules) {
    if (rules.periods().size() > detail::SlotHead::max_periods) return true;
    // total_only sums every indicator's exact score. (Indicator rules stream: they
    // adjust each score as its row is read, with the project's kept fields.)
    return std::any_of(rules.periods().begin(), rules.periods().end(), [](const RuleSet& r) {
        return r.evaluation.rounding.apply == RoundApply::total_only;
    });
}

} // namespace

BatchSummary evaluate_files(const EvaluateOptions& options, const RuleBook& rules) {
    refuse_output_over_input(options);
    // Custom steps stream too: what they read of the indicators is summed as rows
    // arrive (CustomAccumulator), the project fields are kept beside the sums; so
    // do rules with values by year (each kept project remembers its period).
    const bool needs_everything =
        options.in_memory || options.format == OutputFormat::json || options.explain || rules_need_everything(rules);
    return needs_everything ? evaluate_in_memory(options, rules, nullptr) : evaluate_streaming(options, rules, nullptr);
}

BatchSummary evaluate_files(const EvaluateOptions& options, const RuleBook& rules, const EvaluateSink& sink) {
    return options.in_memory || rules_need_everything(rules) ? evaluate_in_memory(options, rules, &sink)
                                                             : evaluate_streaming(options, rules, &sink);
}

} // namespace perfbudget
