// evaluate_files(): the evaluate command as a library call (batch.hpp).
#include "perfbudget/batch.hpp"

#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"

#include <filesystem>
#include <functional>
#include <string_view>

namespace perfbudget {

namespace {

constexpr std::size_t max_notices = 20;

/// Collects problems up to a limit, counting the rest.
class Problems {
public:
    explicit Problems(std::size_t max) : max_(max) {}
    void add(Diagnostic d) {
        if (list_.size() < max_) list_.push_back(std::move(d));
        else ++dropped_;
    }
    void add(std::vector<Diagnostic>& ds) {
        for (auto& d : ds) add(std::move(d));
        ds.clear();
    }
    bool any() const { return !list_.empty(); }
    [[noreturn]] void raise() {
        if (dropped_)
            list_.push_back(Diagnostic{SourceLocation{std::string(), 0, 0}, "… and " + std::to_string(dropped_) + " more problems",
                                       "……另有 " + std::to_string(dropped_) + " 个问题"});
        throw Error(std::move(list_));
    }

private:
    std::size_t max_;
    std::vector<Diagnostic> list_;
    std::size_t dropped_ = 0;
};

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

/// A project as the streaming path keeps it: strings in one arena, funds, score sums.
struct Slot {
    std::uint32_t id_offset = 0, id_size = 0, dept_offset = 0, dept_size = 0;
    std::uint32_t first_indicator_line = 0; // where a wrong weight total is reported
    // The line, and whether the project's row or one of its indicators has a
    // problem already reported: one word, so a slot stays 112 bytes (a million
    // projects are kept).
    std::uint32_t line : 31 = 0;
    std::uint32_t bad : 1 = 0;
    ProjectFunds funds;
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
    CustomAccumulator aggregates;
};

/// Open-addressing index from project id to slot number (ids live in the arena).
/// Each entry keeps the upper 32 bits of the id's hash beside the slot number,
/// so a probe reads the project's id only when those agree: one cache miss per
/// lookup instead of three on a million projects.
class IdIndex {
public:
    static constexpr std::uint32_t empty = UINT32_MAX;

    /// Returns the slot of `id`, or inserts `slot` and returns it.
    template <class IdOf>
    std::uint32_t find_or_insert(std::string_view id, std::uint32_t slot, const IdOf& id_of) {
        if ((count_ + 1) * 2 > table_.size()) grow(id_of);
        const std::uint64_t h = hash(id);
        std::size_t i = h & (table_.size() - 1);
        for (;; i = (i + 1) & (table_.size() - 1)) {
            const std::uint64_t e = table_[i];
            if (e == vacant) break;
            if (e >> 32 == h >> 32 && id_of(static_cast<std::uint32_t>(e)) == id) return static_cast<std::uint32_t>(e);
        }
        table_[i] = (h >> 32) << 32 | slot;
        ++count_;
        return slot;
    }
    template <class IdOf>
    std::uint32_t find(std::string_view id, const IdOf& id_of) const {
        if (table_.empty()) return empty;
        const std::uint64_t h = hash(id);
        for (std::size_t i = h & (table_.size() - 1);; i = (i + 1) & (table_.size() - 1)) {
            const std::uint64_t e = table_[i];
            if (e == vacant) return empty;
            if (e >> 32 == h >> 32 && id_of(static_cast<std::uint32_t>(e)) == id) return static_cast<std::uint32_t>(e);
        }
    }

private:
    static constexpr std::uint64_t vacant = UINT64_MAX;
    static std::uint64_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

    template <class IdOf>
    void grow(const IdOf& id_of) {
        const std::vector<std::uint64_t> old = std::move(table_);
        table_.assign(std::max<std::size_t>(1024, old.size() * 2), vacant);
        for (const std::uint64_t e : old) {
            if (e == vacant) continue;
            std::size_t i = hash(id_of(static_cast<std::uint32_t>(e))) & (table_.size() - 1);
            while (table_[i] != vacant) i = (i + 1) & (table_.size() - 1);
            table_[i] = e;
        }
    }

    std::vector<std::uint64_t> table_;
    std::size_t count_ = 0;
};

/// Only for rules with nothing dated (evaluate_files): every project uses book.only().
BatchSummary evaluate_streaming(const EvaluateOptions& opt, const RuleBook& book) {
    const RuleSet& rules = book.only();
    BatchSummary summary;
    Problems problems(opt.max_problems);
    std::vector<Diagnostic> row_problems;

    // 1. Projects, kept compactly.
    const bool custom = !rules.custom.empty();
    std::string arena;
    std::vector<Slot> slots;
    std::vector<CustomSlot> customs; // one per slot when `custom`
    IdIndex index;
    auto id_of = [&](std::uint32_t s) { return std::string_view(arena).substr(slots[s].id_offset, slots[s].id_size); };
    {
        ProjectReader reader(opt.projects, opt.encoding);
        for (const auto& n : reader.notices()) add_notice(summary, n);
        Project p;
        bool ok = true;
        while (reader.next(p, ok, row_problems)) {
            problems.add(row_problems);
            // A row that failed is kept (as bad) when its id was read, so its
            // indicator rows are not reported again as belonging to no project.
            if (!ok && p.id.empty()) continue;
            if (arena.size() + p.id.size() + p.department.size() + p.category.size() > UINT32_MAX)
                throw Error({opt.projects, p.source_line, 0}, "too many projects in one file", "单个文件中的项目过多");
            Slot s;
            s.id_offset = static_cast<std::uint32_t>(arena.size());
            s.id_size = static_cast<std::uint32_t>(p.id.size());
            arena += p.id;
            s.dept_offset = static_cast<std::uint32_t>(arena.size());
            s.dept_size = static_cast<std::uint32_t>(p.department.size());
            arena += p.department;
            s.line = p.source_line;
            s.bad = !ok;
            s.funds = {p.budget, p.spent, p.fund_source};
            const auto n = static_cast<std::uint32_t>(slots.size());
            slots.push_back(s);
            if (custom) {
                CustomSlot c;
                c.category_offset = static_cast<std::uint32_t>(arena.size());
                c.category_size = static_cast<std::uint32_t>(p.category.size());
                arena += p.category;
                c.year = p.year ? *p.year : opt.year.value_or(0);
                c.budget_kind = p.budget_kind;
                c.rectification = p.rectification;
                customs.push_back(std::move(c));
            }
            const std::uint32_t found = index.find_or_insert(p.id, n, id_of);
            if (found != n) {
                problems.add({{opt.projects, p.source_line, 0},
                              "duplicate project_id \"" + p.id + "\" (first on line " + std::to_string(static_cast<std::uint32_t>(slots[found].line)) + ")",
                              "项目编号“" + p.id + "”重复（首次出现在第 " + std::to_string(static_cast<std::uint32_t>(slots[found].line)) + " 行）"});
                slots.pop_back();
                if (custom) customs.pop_back();
                arena.resize(s.id_offset);
            }
        }
    }
    summary.projects = slots.size();

    // 2. Indicators, streamed: each row is scored and added to its project's sums.
    {
        IndicatorReader reader(opt.indicators, opt.encoding);
        for (const auto& n : reader.notices()) add_notice(summary, n);
        std::string pid;
        Indicator ind;
        IndicatorResult r;
        bool ok = true;
        std::uint32_t last = IdIndex::empty;
        while (reader.next(pid, ind, ok, row_problems)) {
            problems.add(row_problems);
            ++summary.indicators;
            // Indicator rows usually come grouped, in the projects' order: try the
            // current project, then the next one, before the hash table.
            if (last == IdIndex::empty || id_of(last) != pid) {
                if (last != IdIndex::empty && last + 1 < slots.size() && id_of(last + 1) == pid) ++last;
                else last = index.find(pid, id_of);
            }
            if (last == IdIndex::empty) {
                problems.add({{opt.indicators, ind.source_line, 0},
                              "project_id \"" + pid + "\" is not in " + opt.projects,
                              "项目编号“" + pid + "”不在 " + opt.projects + " 中"});
                continue;
            }
            Slot& slot = slots[last];
            if (slot.first_indicator_line == 0) slot.first_indicator_line = ind.source_line;
            if (!ok) {
                slot.bad = true;
                continue;
            }
            Issue issue;
            try {
                issue = score_indicator(ind, rules, r);
                if (issue == Issue::none) {
                    slot.acc.add(ind, r);
                    if (custom) customs[last].aggregates.add(r, rules);
                }
            } catch (const ArithmeticError& e) {
                problems.add({{opt.indicators, ind.source_line, 0}, "project " + pid + ": " + e.diagnostics().front().en,
                              "项目 " + pid + "：" + e.diagnostics().front().zh});
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
    OutputFile out(opt.out);
    write_csv_header(out.buffer(), false, book);
    ProjectResult result;
    for (const Slot& s : slots) {
        if (s.bad) continue;
        const std::string_view id = id_of(static_cast<std::uint32_t>(&s - slots.data()));
        Issue issue;
        try {
            issue = finish_project(s.funds, s.acc, rules, result);
        } catch (const ArithmeticError& e) {
            problems.add({{opt.projects, s.line, 0}, "project " + std::string(id) + ": " + e.diagnostics().front().en,
                          "项目 " + std::string(id) + "：" + e.diagnostics().front().zh});
            continue;
        }
        if (issue != Issue::none) {
            problems.add(detail::project_issue_diagnostic(issue, result, rules, {opt.projects, opt.indicators}, id, s.line,
                                                          s.first_indicator_line));
            continue;
        }
        if (custom) {
            const CustomSlot& c = customs[static_cast<std::size_t>(&s - slots.data())];
            const CustomInput in{id,
                                 s.funds,
                                 c.budget_kind,
                                 std::string_view(arena).substr(c.category_offset, c.category_size),
                                 c.year,
                                 c.rectification};
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
        write_csv_row(out.buffer(), id, std::string_view(arena).substr(s.dept_offset, s.dept_size), s.funds, result, book,
                      std::nullopt, opt.lang); // nothing dated: one period whatever the year
        out.flush_if_full();
    }
    if (problems.any()) problems.raise();
    out.commit();
    return summary;
}

// --- in-memory path -----------------------------------------------------------

BatchSummary evaluate_in_memory(const EvaluateOptions& opt, const RuleBook& rules) {
    BatchSummary summary;
    Problems problems(opt.max_problems);
    std::vector<Project> projects = read_projects(opt.projects, opt.indicators, opt.encoding);
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
            problems.add({{opt.projects, projects[i].source_line, 0}, "project " + projects[i].id + ": " + e.diagnostics().front().en,
                          "项目 " + projects[i].id + "：" + e.diagnostics().front().zh});
        } catch (Error& e) {
            auto ds = e.diagnostics();
            problems.add(ds);
        }
    }
    if (problems.any()) problems.raise();

    OutputFile out(opt.out);
    if (opt.format == OutputFormat::json) {
        out.write("[\n");
        for (std::size_t i = 0; i < projects.size(); ++i) {
            write_json_project(out.buffer(), projects[i], results[i], rules, opt.lang);
            out.write(i + 1 < projects.size() ? ",\n" : "\n");
        }
        out.write("]\n");
    } else {
        write_csv_header(out.buffer(), opt.explain, rules);
        for (std::size_t i = 0; i < projects.size(); ++i) {
            const Project& p = projects[i];
            std::vector<ExplanationLine> lines;
            if (opt.explain) lines = explain(p, results[i], rules, opt.lang);
            write_csv_row(out.buffer(), p.id, p.department, {p.budget, p.spent, p.fund_source}, results[i], rules, p.year,
                          opt.lang, opt.explain ? &lines : nullptr);
            out.flush_if_full();
        }
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

BatchSummary evaluate_files(const EvaluateOptions& options, const RuleBook& rules) {
    refuse_output_over_input(options);
    // Custom steps stream too: what they read of the indicators is summed as rows
    // arrive (CustomAccumulator), the project fields are kept beside the sums.
    // Rules with values by year take the in-memory path: each project may use
    // another period's rules, which the streaming path does not keep per project.
    // So do indicator rules, which change scores as indicators are scored.
    const bool needs_everything = options.in_memory || options.format == OutputFormat::json || options.explain ||
                                  rules.dated() || !rules.only().custom.indicator_rules.empty() ||
                                  rules.only().evaluation.rounding.apply == RoundApply::total_only;
    return needs_everything ? evaluate_in_memory(options, rules) : evaluate_streaming(options, rules);
}

} // namespace perfbudget
