// evaluate_files(): the evaluate command as a library call (batch.hpp).
#include "perfbudget/batch.hpp"

#include "perfbudget/evaluate.hpp"
#include "perfbudget/explain.hpp"

#include "evaluate_engine.hpp"
#include "id_ledger.hpp"
#include "finish_chunks.hpp"
#include "indicator_stream.hpp"
#include "open_ahead.hpp"
#include "sheets_at_once.hpp"
#include "stream_projects.hpp"
#include "table_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
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

/// The project fields custom steps and indicator rules read besides Slot's
/// funds (CustomInput's), kept only when one reads them (a parallel vector, so
/// the national rules pay nothing); 16 bytes.
struct CustomFields {
    std::uint32_t category_offset = 0, category_size = 0; // in the arena
    std::int32_t year = 0;
    BudgetKind budget_kind = BudgetKind::general;
    Rectification rectification = Rectification::none;
};

/// The rest of what custom steps read, summed as indicator rows stream, one of
/// each per kept project; each vector only when some step (or indicator rule)
/// of some period reads it: the indicator rules fired (4 bytes), the counts
/// (8), the least ratio (32), the completion sum (40).
class KeptAggregates {
public:
    explicit KeptAggregates(const RuleBook& book)
        : fired_(std::any_of(book.periods().begin(), book.periods().end(),
                             [](const RuleSet& r) { return !r.custom.indicator_rules.empty(); })),
          counts_(reads(book, custom::Slot::indicators_count) || reads(book, custom::Slot::indicators_min_ratio) ||
                  reads(book, custom::Slot::over_completed_count)),
          min_ratio_(reads(book, custom::Slot::indicators_min_ratio)), completion_(reads(book, custom::Slot::completion)),
          fields_(fired_ || reads(book, custom::Slot::category) || reads(book, custom::Slot::year) ||
                  reads(book, custom::Slot::budget_kind) || reads(book, custom::Slot::rectification)) {}

    /// Whether the project fields are kept (CustomFields).
    bool fields() const { return fields_; }

    template <class Kept>
    void reserve(const Kept& kept) {
        if (fired_) kept.reserve_beside(fired_by_);
        if (counts_) kept.reserve_beside(counts_by_);
        if (min_ratio_) kept.reserve_beside(min_ratios_);
        if (completion_) kept.reserve_beside(completions_);
    }
    void push_back() {
        if (fired_) fired_by_.push_back(0);
        if (counts_) counts_by_.emplace_back();
        if (min_ratio_) min_ratios_.emplace_back();
        if (completion_) completions_.emplace_back();
    }
    void clear() {
        fired_by_.clear();
        counts_by_.clear();
        min_ratios_.clear();
        completions_.clear();
    }
    /// Adds indicator result `r` to the aggregates of project `k`.
    void add(std::uint32_t k, const IndicatorResult& r, const RuleSet& rules) {
        detail::add_to_aggregates({counts_ ? &counts_by_[k] : nullptr, min_ratio_ ? &min_ratios_[k] : nullptr,
                                   completion_ ? &completions_[k] : nullptr},
                                  r, rules);
    }
    /// Notes the indicator rules that fired on an indicator of project `k`.
    void fired(std::uint32_t k, std::uint32_t rules) { fired_by_[k] |= rules; }

    std::uint32_t fired(std::uint32_t k) const { return fired_ ? fired_by_[k] : 0; }
    CustomAggregates of(std::uint32_t k) const {
        const detail::CustomCounts c = counts_ ? counts_by_[k] : detail::CustomCounts{};
        return {c.count, c.over_completed, min_ratio_ ? &min_ratios_[k] : nullptr,
                completion_ ? &completions_[k] : nullptr};
    }

private:
    static bool reads(const RuleBook& book, custom::Slot s) {
        return std::any_of(book.periods().begin(), book.periods().end(), [&](const RuleSet& r) {
            return (r.custom.reads >> static_cast<unsigned>(s) & 1U) != 0;
        });
    }

    const bool fired_, counts_, min_ratio_, completion_, fields_;
    std::vector<std::uint32_t> fired_by_; // bit i: indicator rule i fired on one of the project's indicators
    std::vector<detail::CustomCounts> counts_by_;
    std::vector<Fraction> min_ratios_;
    std::vector<detail::CompletionSum> completions_;
};

/// Indicator rules read the project's fields (apply_indicator_rules takes a
/// Project): rebuilt from the kept slot into one reused Project, whose strings
/// keep their capacity. Only for rules with indicator rules.
void fill_project(Project& p, std::string_view id, const ProjectFunds& funds, const CustomFields& c,
                  std::string_view category) {
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
[[gnu::noinline]] bool adjust_streamed(Project& p, std::string_view id, const ProjectFunds& funds, const CustomFields& c,
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
    return true;
}

/// The period of `book` for project `p` (its budget year, else --year); with
/// nothing dated always 0. Throws Error as evaluate() would, placed at the project.
std::uint32_t period_of(const Project& p, const RuleBook& book, std::string_view file) {
    if (!book.dated()) return 0;
    return static_cast<std::uint32_t>(&detail::rules_for(p, book, file) - book.periods().data());
}

/// The streaming path's state and its three steps on one project: keep it (its
/// row of projects.csv), fold an indicator row into it, finish it (score, write).
/// evaluate_streaming() runs each step over every project in turn (all kept);
/// evaluate_ordered() runs them project by project (one kept at a time).
class EvaluateStream : public detail::KeptProjects<Slot, CustomFields> {
public:
    EvaluateStream(const EvaluateOptions& opt, const RuleBook& book, const EvaluateSink* sink, BatchSummary& summary)
        : opt_(opt), book_(book), periods_(book.periods()), sink_(sink), summary_(summary), custom_(book.has_custom()),
          names_(table_has_names(opt.format, opt.table)), aggregates_(book) {}

    /// Reserves for every project of the projects file (the path that keeps them all).
    void reserve() {
        KeptProjects::reserve(opt_.projects, names_, custom_ && aggregates_.fields());
        if (custom_) aggregates_.reserve(*this);
    }
    /// Forgets every kept project (the ordered path, before each one).
    void clear() {
        KeptProjects::clear();
        aggregates_.clear();
    }

    /// A problem list placing rows of sheets read from a workbook (Problems::locate).
    detail::Problems problems(const ProjectReader& projects, const IndicatorReader* indicators) const {
        detail::Problems list(opt_.max_problems);
        list.locate(opt_.projects, projects.where(0));
        if (indicators) list.locate(opt_.indicators, indicators->where(0));
        return list;
    }

    /// Step 1: keeps project `p` (read with `ok`), through the id index when
    /// `indexed`. Returns its slot, or IdIndex::empty when it is not kept.
    std::uint32_t keep(Project& p, bool ok, bool indexed, detail::Problems& problems) {
        // A row that failed is kept (as bad) when its id was read, so its
        // indicator rows are not reported again as belonging to no project.
        if (!ok && p.id.empty()) return detail::IdIndex::empty;
        if (!p.year) p.year = opt_.year;
        std::uint32_t n = 0;
        if (indexed) {
            std::uint32_t first = 0;
            n = kept.add(p, ok, opt_.projects, first);
            if (n == detail::IdIndex::empty) {
                problems.add(detail::repeated_id_problem(opt_.projects, p.source_line, p.id,
                                                         static_cast<std::uint32_t>(kept.slots[first].line)));
                return n;
            }
        } else {
            n = kept.add_unindexed(p, ok, opt_.projects);
        }
        ++summary_.projects;
        try {
            kept.slots[n].period = period_of(p, book_, opt_.projects);
        } catch (Error& e) {
            auto ds = e.diagnostics();
            problems.add(ds);
            kept.slots[n].bad = true;
        }
        if (names_) kept_names_.push_back(kept.keep(p.name));
        if (custom_) {
            if (aggregates_.fields()) {
                CustomFields c;
                c.category_size = static_cast<std::uint32_t>(p.category.size());
                c.category_offset = kept.add_text(p.category);
                c.year = p.year.value_or(0);
                c.budget_kind = p.budget_kind;
                c.rectification = p.rectification;
                customs_.push_back(c);
            }
            aggregates_.push_back();
        }
        return n;
    }

    /// Step 2: scores indicator row `ind` (read with `ok`) of the project in slot `k`
    /// and adds it to the project's sums.
    void add(std::uint32_t k, std::string_view pid, const Indicator& ind, bool ok, detail::Problems& problems) {
        Slot& slot = kept.slots[k];
        if (slot.mark == 0) slot.mark = ind.source_line;
        if (!ok) {
            slot.bad = true;
            return;
        }
        const RuleSet& rules = periods_[slot.period];
        Issue issue;
        try {
            issue = detail::score_indicator(ind, rules, r_);
            if (issue == Issue::none && !rules.custom.indicator_rules.empty()) [[unlikely]] {
                const CustomFields& c = customs_[k];
                if (!adjust_streamed(rule_project_, pid, slot.funds, c, kept.text(c.category_offset, c.category_size), ind,
                                     rules, r_, opt_.indicators, problems)) {
                    slot.bad = true;
                    return;
                }
                aggregates_.fired(k, r_.custom_fired);
            }
            if (issue == Issue::none) {
                slot.acc.add(ind, r_);
                if (custom_) add_aggregates(k, rules);
            }
        } catch (const ArithmeticError& e) {
            problems.add(opt_.indicators, ind.source_line, "project " + std::string(pid) + ": " + e.diagnostics().front().en,
                         "项目 " + std::string(pid) + "：" + e.diagnostics().front().zh);
            slot.bad = true;
            return;
        }
        if (issue != Issue::none) {
            problems.add(detail::issue_diagnostic(issue, opt_.indicators, pid, ind));
            slot.bad = true;
        }
    }

    /// Opens the output (nothing with a sink): the file is written as projects finish
    /// and becomes visible only at commit().
    void open() {
        if (sink_) return;
        out_.emplace(opt_.out);
        table_.emplace(*out_, opt_.format, opt_.table, opt_.money_unit, detail::TableOf::evaluate, opt_.projects);
        std::string header;
        write_csv_header(header, false, book_);
        table_->header(header);
    }
    void commit() {
        if (!out_) return;
        table_->finish();
        out_->commit();
    }

    /// Where step 3 puts what it gives: the result's scratch, the problems and
    /// notices, and the rows (`text`, or null: the table or the sink).
    struct Finishing {
        ProjectResult& result;
        detail::Problems& problems;
        BatchSummary& notices;
        std::string* text;
    };

    /// Step 3: finishes the project in slot `k`; hands its result on when `write`
    /// (no problem so far) and it has none of its own.
    void finish(std::uint32_t k, detail::Problems& problems, bool write) {
        finish(k, Finishing{result_, problems, summary_, nullptr}, write);
    }
    void finish(std::uint32_t k, const Finishing& to, bool write) {
        const Slot& s = kept.slots[k];
        if (s.bad) return;
        const std::string_view id = kept.id(k);
        const RuleSet& rules = periods_[s.period];
        ProjectResult& result = to.result;
        Issue issue;
        try {
            issue = detail::finish_project(s.funds, s.acc, rules, result);
        } catch (const ArithmeticError& e) {
            to.problems.add(opt_.projects, s.line, "project " + std::string(id) + ": " + e.diagnostics().front().en,
                            "项目 " + std::string(id) + "：" + e.diagnostics().front().zh);
            return;
        }
        if (issue != Issue::none) {
            to.problems.add(detail::project_issue_diagnostic(issue, result, rules, {opt_.projects, opt_.indicators}, id, s.line, s.mark));
            return;
        }
        if (!rules.custom.empty()) {
            result.indicator_rules_fired = aggregates_.fired(k);
            // Fields no step reads are not kept: their defaults are never looked at.
            const CustomFields c = aggregates_.fields() ? customs_[k] : CustomFields{};
            const CustomInput in{id, s.funds, c.budget_kind, kept.text(c.category_offset, c.category_size), c.year, c.rectification};
            try {
                apply_custom(in, aggregates_.of(k), rules, result);
            } catch (const Error& e) { // placed at the project's line, as evaluate() does; the message cites the rule
                for (Diagnostic d : e.diagnostics()) {
                    d.where = SourceLocation{opt_.projects, s.line, 0};
                    to.problems.add(std::move(d));
                }
                return;
            }
        }
        if (result.split_differs)
            add_notice_lazily(to.notices, [&] { return split_notice(opt_.projects, id, s.line, result, rules); });
        if (!write || to.problems.any()) return; // keep checking, but stop writing
        const std::optional<int> year = s.budget_year();
        if (to.text) { // rows passed through (no name column)
            write_csv_row(*to.text, id, kept.department(k), s.funds, result, book_, year, opt_.lang);
            return;
        }
        const std::string_view name = names_ ? kept.text(kept_names_[k]) : std::string_view();
        if (sink_) {
            (*sink_)(ProjectView{id, kept.department(k), s.funds, year, s.line, &rules, nullptr, name}, result);
            return;
        }
        write_csv_row(table_->row(), id, kept.department(k), s.funds, result, book_, year, opt_.lang);
        table_->end_row(name, s.line);
    }

    /// Step 3 for every kept project, in order. With `threads` 2 or more, and rows
    /// written as they are (no sink; CSV passed through, TableWriter::passthrough),
    /// a second thread finishes every other chunk of 8,192 projects into a buffer of
    /// its own (two at most), which is appended in turn, with its problems and
    /// notices: the same bytes, problems and notices, in the same order, as on one
    /// thread. Rows formatted after a problem are dropped with the rest: nothing
    /// is written when there is one.
    void finish_all(detail::Problems& problems, unsigned threads) {
        struct Part {
            std::string text;
            std::optional<detail::Problems> problems;
            BatchSummary notices;
            ProjectResult result; // the helper's scratch
        };
        const auto finish_range = [&](std::uint32_t first, std::uint32_t last, const Finishing& to) {
            for (std::uint32_t k = first; k < last; ++k) finish(k, to, true);
        };
        const detail::Problems blank = problems.empty_like(); // made here: `problems` is the caller's to change
        detail::finish_in_order<Part>(
            static_cast<std::uint32_t>(kept.slots.size()), threads >= 2 && !sink_ && table_ && table_->passthrough(),
            [&](std::uint32_t first, std::uint32_t last) {
                finish_range(first, last, Finishing{result_, problems, summary_, nullptr});
            },
            [&](std::uint32_t first, std::uint32_t last, Part& part) {
                part.text.clear();
                part.problems.emplace(blank);
                part.notices = BatchSummary{};
                finish_range(first, last, Finishing{part.result, *part.problems, part.notices, &part.text});
            },
            [&](std::uint32_t, std::uint32_t, Part& part) {
                problems.take(*part.problems);
                for (Diagnostic& d : part.notices.notices) add_notice(summary_, std::move(d));
                summary_.notices_dropped += part.notices.notices_dropped;
                if (!problems.any()) out_->write(part.text);
            });
    }

private:
    const EvaluateOptions& opt_;
    const RuleBook& book_;
    const std::vector<RuleSet>& periods_;
    const EvaluateSink* sink_;
    BatchSummary& summary_;
    const bool custom_;
    const bool names_; // the table has a name column: names are kept, 8 bytes and the name's per project
    /// Step 2's custom part, out of line: the row loop stays as tight as without custom steps.
    [[gnu::noinline]] void add_aggregates(std::uint32_t k, const RuleSet& rules) {
        aggregates_.add(k, r_, rules);
    }

    KeptAggregates aggregates_;
    IndicatorResult r_;
    Project rule_project_; // indicator rules only
    ProjectResult result_;
    std::optional<OutputFile> out_;
    std::optional<detail::TableWriter> table_;
};

/// The default path: every project kept, then every indicator row streamed, then
/// every project finished. Sets `read_all` once both tables are read to their
/// end: no result leaves before that (SheetsAtOnce).
BatchSummary evaluate_streaming(const EvaluateOptions& opt, const RuleBook& book, const EvaluateSink* sink, bool& read_all) {
    BatchSummary summary;
    EvaluateStream stream(opt, book, sink, summary);
    std::vector<Diagnostic> row_problems;
    std::optional<detail::Problems> problems;

    const unsigned threads = detail::threads_to_use(opt.threads);
    detail::OpenAhead<IndicatorReader> indicators = detail::open_indicators_ahead(opt, threads); // read while the projects are

    // 1. Projects, kept compactly.
    {
        ProjectReader reader(opt.projects, opt);
        problems.emplace(stream.problems(reader, nullptr));
        stream.reserve();
        for (const auto& n : reader.notices()) add_notice(summary, n);
        // On this thread: handing rows to another costs more than reading them
        // (docs/decisions.md, "projects.csv on the caller's thread").
        Project p;
        bool ok = true;
        while (reader.next(p, ok, row_problems)) {
            problems->add(row_problems);
            stream.keep(p, ok, true, *problems);
        }
    }

    // 2. Indicators, streamed: each row is scored and added to its project's sums.
    {
        IndicatorReader& reader = indicators.get();
        problems->locate(opt.indicators, reader.where(0));
        for (const auto& n : reader.notices()) add_notice(summary, n);
        detail::IndicatorStream rows(reader, threads);
        std::string_view row_id;
        const Indicator* row = nullptr;
        bool ok = true;
        std::uint32_t last = detail::IdIndex::empty;
        while (rows.next(row_id, row, ok, row_problems)) {
            const std::string_view pid = row_id; // the row in place, until the next call
            const Indicator& ind = *row;
            problems->add(row_problems);
            ++summary.indicators;
            if (stream.kept.find(pid, last) == detail::IdIndex::empty) {
                problems->add(detail::ordered_row_problem(opt.projects, opt.indicators, pid, ind.source_line, 0));
                continue;
            }
            stream.add(last, pid, ind, ok, *problems);
        }
    }

    read_all = true;

    // 3. Finish every project and write its row; nothing becomes visible unless all succeed.
    stream.open();
    stream.finish_all(*problems, threads);
    if (problems->any()) problems->raise();
    stream.commit();
    return summary;
}

/// The ordered path (EvaluateOptions::ordered): indicators.csv lists each project's
/// rows together, in projects.csv's order, so the two files are read side by side
/// and each project is finished (and written) when its rows end. One project is
/// kept at a time: memory does not grow with the files. Repeated ids are found at
/// the end by an IdLedger on disk. A row whose project is not ahead in projects.csv
/// stops the run: the order is broken (or the id is unknown). Problems are listed
/// as the streaming path lists them: projects.csv's, then indicators.csv's, then
/// the finished projects' (not after a row out of order).
BatchSummary evaluate_ordered(const EvaluateOptions& opt, const RuleBook& book, const EvaluateSink* sink) {
    BatchSummary summary;
    EvaluateStream stream(opt, book, sink, summary);
    detail::ProjectSlots<Slot>& kept = stream.kept;
    ProjectReader projects(opt.projects, opt);
    for (const auto& n : projects.notices()) add_notice(summary, n);
    IndicatorReader indicators(opt.indicators, opt);
    for (const auto& n : indicators.notices()) add_notice(summary, n);
    detail::Problems read = stream.problems(projects, &indicators);      // projects.csv's rows
    detail::Problems rows = stream.problems(projects, &indicators);      // indicators.csv's rows
    detail::Problems finishing = stream.problems(projects, &indicators); // finished projects
    detail::Problems passed = stream.problems(projects, &indicators);    // projects passed over (no rows), until kept
    detail::IdLedger ledger;
    stream.open();
    detail::IndicatorStream indicator_rows(indicators, detail::threads_to_use(opt.threads));

    std::vector<Diagnostic> row_problems;
    Project p;
    bool have = false; // slot 0 holds the current project
    // Reads the next project of projects.csv into slot 0; false at its end.
    const auto next_project = [&] {
        bool ok = true;
        while (projects.next(p, ok, row_problems)) {
            read.add(row_problems);
            if (!ok && p.id.empty()) continue;
            ledger.add(p.id, p.source_line);
            stream.clear();
            stream.keep(p, ok, false, read);
            return have = true;
        }
        return have = false;
    };
    const auto failed = [&] { return read.any() || rows.any() || finishing.any() || passed.any(); };
    const auto finish = [&](detail::Problems& into) {
        if (have) stream.finish(0, into, !failed());
        have = false;
    };

    std::string lost; // the id of a row out of order
    std::uint32_t lost_line = 0;
    std::string_view row_id;
    const Indicator* row = nullptr;
    bool ok = true;
    while (indicator_rows.next(row_id, row, ok, row_problems)) {
        const std::string_view pid = row_id; // the row in place, until the next call
        const Indicator& ind = *row;
        rows.add(row_problems);
        ++summary.indicators;
        if (!have || kept.id(0) != pid) {
            finish(finishing);
            // Projects passed over have no rows: finished as they go, their problems
            // kept aside until `pid` is found (else they would only be the order's echo).
            while (next_project() && kept.id(0) != pid) finish(passed);
            if (!have) {
                lost = pid;
                lost_line = ind.source_line;
                break;
            }
            finishing.take(passed);
        }
        stream.add(0, pid, ind, ok, rows);
    }
    if (lost_line == 0) {
        finish(finishing);
        while (next_project()) finish(finishing);
    }

    // Repeated ids, and whether a row out of order names a project passed before.
    std::size_t more = 0;
    std::uint32_t lost_first = 0;
    std::vector<detail::IdLedger::Repeat> repeats = ledger.repeats(opt.max_problems, more, lost, lost_first);
    std::vector<Diagnostic> repeated;
    for (detail::IdLedger::Repeat& r : repeats) repeated.push_back(detail::repeated_id_problem(opt.projects, r.line, r.id, r.first));
    read.merge_by_line(std::move(repeated), more);
    if (lost_line != 0) rows.add(detail::ordered_row_problem(opt.projects, opt.indicators, lost, lost_line, lost_first));
    if (failed()) {
        detail::Problems all(opt.max_problems);
        all.take(read);
        all.take(rows);
        // After a row out of order, the projects passed over on the way would only
        // be reported as lacking rows: its problem stands in for theirs.
        if (lost_line == 0) all.take(finishing);
        all.raise();
    }
    stream.commit();
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
        if (i + prefetch_distance < projects.size()) prefetch_for_scoring(projects[i + prefetch_distance]);
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

namespace {

/// The default path, with workbook sheets read at once (no result leaves before
/// every row is read; the ordered path finishes projects as it reads).
BatchSummary streamed(const EvaluateOptions& options, const RuleBook& rules, const EvaluateSink* sink) {
    return detail::SheetsAtOnce::run({&options.projects, &options.indicators}, [&](bool at_once, bool& read_all) {
        EvaluateOptions o = options;
        detail::SheetsAtOnce::set(o, at_once);
        return evaluate_streaming(o, rules, sink, read_all);
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
    if (needs_everything) return evaluate_in_memory(options, rules, nullptr);
    if (options.ordered) return evaluate_ordered(options, rules, nullptr);
    return streamed(options, rules, nullptr);
}

BatchSummary evaluate_files(const EvaluateOptions& options, const RuleBook& rules, const EvaluateSink& sink) {
    if (options.in_memory || rules_need_everything(rules)) return evaluate_in_memory(options, rules, &sink);
    if (options.ordered) return evaluate_ordered(options, rules, &sink);
    return streamed(options, rules, &sink);
}

} // namespace perfbudget
