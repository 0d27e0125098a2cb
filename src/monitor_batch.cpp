// monitor_files(): the monitor command as a library call (monitor.hpp). Plain
// CSV streams as evaluate does (projects kept compactly, indicator rows folded
// into a MonitorAccumulator as they arrive); JSON reads both files into memory
// (it shows every indicator). Both paths call monitor_indicator() and
// finish_monitoring() and hand each result to sinks: the writer, the summary
// (MonitorRollup) and a caller's.
#include "perfbudget/monitor.hpp"
#include "perfbudget/monitor_custom.hpp"
#include "perfbudget/monitoring_calendar.hpp"

#include "monitor_engine.hpp"
#include "id_ledger.hpp"
#include "indicator_stream.hpp"
#include "open_ahead.hpp"
#include "json_fields.hpp"
#include "monitor_row.hpp"
#include "stream_projects.hpp"
#include "sheets_at_once.hpp"
#include "summary_support.hpp"
#include "table_writer.hpp"

#include <algorithm>

#include <filesystem>
#include <iterator>
#include <optional>
#include <string_view>

namespace perfbudget {

namespace {

std::string rate(const Fraction& f) { return f.to_string(4); }
std::string rate(const Number& n) { return n.rounded(4, RoundingMode::half_up).to_string(4); }

void write_csv_header(detail::TableWriter& out) {
    out.header("project_id,department,budget,spent,time_progress,exec_rate,completion,level,reasons,action,cut,cut_amount\n");
}

/// The CSV rows, formatted in place (a million rows). Rates as monitor_rates_text() gives them.
class CsvRows {
public:
    explicit CsvRows(detail::TableWriter& out) : out_(out) {}
    void write(const ProjectView& p, const MonitorResult& r) {
        std::string& s = out_.row();
        append_csv_field(s, p.id);
        s += ',';
        append_csv_field(s, p.department);
        s += ',';
        append_money(s, p.funds.budget);
        s += ',';
        append_money(s, p.funds.spent);
        s += ',';
        // The same for every project of a rules period: formatted once.
        if (tp_text_.empty() || r.time_progress.num() != tp_.num() || r.time_progress.den() != tp_.den()) {
            tp_ = r.time_progress;
            tp_text_.clear();
            append_rate(tp_text_, tp_);
        }
        s += tp_text_;
        s += ',';
        if (r.exec_applicable) append_rate(s, r.exec_rate);
        s += ',';
        if (r.has_completion) append_completion(s, r.completion);
        s += ',';
        s += to_string(r.level);
        s += ',';
        append_reasons(s, r);
        if (r.fired_count > 0)
            for (std::string_view id : monitor_custom_ids(r, *p.rules)) {
                if (s.back() != ',') s += ';';
                s += id;
            }
        s += ',';
        s += to_string(r.action);
        s += ',';
        if (r.has_cut) {
            append_decimal(s, r.cut_rate.rounded(4, RoundingMode::half_up), 4);
            s += ',';
            append_money(s, r.cut);
        } else {
            s += ',';
        }
        s += '\n';
        out_.end_row(p.name, p.line);
    }

private:
    /// The completion, 4 places half-up. Usually a Fraction with a 64-bit
    /// numerator: rounded as the exec_rate is (the same exact half-up rounding as
    /// Number::rounded, without its general path).
    static void append_completion(std::string& s, const Number& c) {
        if (!c.is_big()) {
            const detail::int128_native n = c.small().num().native();
            if (n >= 0 && n == static_cast<std::int64_t>(n)) return append_rate(s, c.small());
        }
        append_decimal(s, c.rounded(4, RoundingMode::half_up), 4);
    }

    /// detail::append_monitor_reasons(), each combination of reasons formatted once.
    void append_reasons(std::string& s, const MonitorResult& r) {
        static_assert(monitor_rule_count <= 8);
        unsigned mask = 0;
        for (std::size_t k = 0; k < monitor_rule_count; ++k) mask |= unsigned{r.reason(static_cast<MonitorRule>(k))} << k;
        std::string& text = reasons_[mask];
        if (!reasons_known_[mask]) {
            detail::append_monitor_reasons(text, r);
            reasons_known_[mask] = true;
        }
        s += text;
    }

    detail::TableWriter& out_;
    Fraction tp_;
    std::string tp_text_;
    std::array<std::string, 1u << monitor_rule_count> reasons_;
    std::array<bool, 1u << monitor_rule_count> reasons_known_{};
};

/// One project as JSON; needs the project held in memory (ProjectView::project).
std::string json_project(const Project& p, const MonitorResult& r, const RuleSet& period, Lang lang) {
    using nlohmann::ordered_json;
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
    for (std::string_view id : monitor_custom_ids(r, period)) reasons.push_back(id);
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
    j["explanation"] = detail::explanation_json(explain_monitoring(p, r, period, lang));
    return j.dump(2);
}

/// The year whose rules period a project uses: its budget year, else --year, else the as-of date's.
int monitor_year(const Project& p, const MonitorOptions& options) {
    return p.year ? *p.year : options.files.year ? *options.files.year : static_cast<int>(options.as_of.year());
}

/// An ArithmeticError (unplaced) placed at the project's line.
Diagnostic placed(const ArithmeticError& e, const std::string& file, std::string_view id, std::uint32_t line) {
    return {{file, line, 0}, "project " + std::string(id) + ": " + e.diagnostics().front().en,
            "项目 " + std::string(id) + "：" + e.diagnostics().front().zh};
}

// --- in-memory path -------------------------------------------------------------

/// Monitors every project held in memory; calls `each` for every one when all succeeded.
std::size_t monitor_in_memory(const MonitorOptions& options, const RuleBook& rules, const MonitorSink& each) {
    const EvaluateOptions& opt = options.files;
    std::vector<Project> projects = read_projects(opt.projects, opt.indicators, opt);
    for (Project& p : projects) p.year = monitor_year(p, options); // the period in effect for the as-of date's year
    std::vector<MonitorResult> results(projects.size());
    std::vector<const RuleSet*> periods(projects.size());
    std::vector<Diagnostic> problems;
    const InputNames files{opt.projects, opt.indicators};
    std::size_t indicators = 0;
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const Project& p = projects[i];
        indicators += p.indicators.size();
        try {
            periods[i] = &detail::rules_for(p, rules, opt.projects);
            monitor_project(p, options.as_of, *periods[i], results[i], files);
        } catch (const ArithmeticError& e) { // unplaced: place it at the project
            problems.push_back(placed(e, opt.projects, p.id, p.source_line));
        } catch (const Error& e) {
            for (const Diagnostic& d : e.diagnostics())
                if (problems.size() < opt.max_problems) problems.push_back(d);
        }
    }
    if (!problems.empty()) throw Error(std::move(problems));
    for (std::size_t i = 0; i < projects.size(); ++i) {
        const Project& p = projects[i];
        each(view_of(p, periods[i]), results[i]);
    }
    return indicators;
}

// --- streaming path ---------------------------------------------------------------

/// A project as the streaming path keeps it: 104 bytes. SlotHead::mark is the line
/// of its first indicator without a weight (named when weights are mixed), or
/// `whole`: a problem replaced its others (SlotProblem); SlotHead::bad: a problem
/// is reported against it.
struct MonitorSlot : detail::SlotHead {
    static constexpr std::uint32_t whole = UINT32_MAX; // no line is
    MonitorAccumulator acc;
    static_assert(sizeof(MonitorAccumulator) == 56);
    bool replaced() const { return mark == whole; }
    void replace() {
        bad = true;
        mark = whole;
    }
};
static_assert(sizeof(MonitorSlot) == 104);

/// A problem of one project, put in the order the in-memory path reports it:
/// by project, then the project's own, mixed weights, its indicators' in order.
/// `whole`: a problem that replaces the project's others (no rules period, an
/// arithmetic overflow: monitor_project() stops there).
struct SlotProblem {
    enum Kind : std::uint8_t { project, weights, indicator, custom, whole_period, whole_arithmetic };
    std::uint32_t slot;
    Kind kind;
    Diagnostic d;
};

/// Reading problems (bad rows, duplicates, unknown ids) are reported exactly as
/// read_projects() reports them: it is run again to list them. Only on failure,
/// and only from regular files: a pipe cannot be read again (a named one would
/// wait for a writer for ever), so from a pipe `seen` is listed, as gathered.
[[noreturn]] void raise_reading_problems(const EvaluateOptions& opt, std::vector<Diagnostic>& seen) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(opt.projects, ec) && std::filesystem::is_regular_file(opt.indicators, ec)) {
        read_projects(opt.projects, opt.indicators, opt); // throws them
    }
    if (seen.size() > opt.max_problems) seen.resize(opt.max_problems);
    throw Error(std::move(seen)); // from a pipe; or the files changed meanwhile
}

/// Names the first indicator without a weight of each project with mixed weights,
/// reading the indicators file again (only when there are such projects).
void add_weights_problems(const EvaluateOptions& opt, const detail::ProjectSlots<MonitorSlot>& kept,
                          std::vector<SlotProblem>& staged) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> wanted; // (line, slot)
    for (const MonitorSlot& s : kept.slots)
        if (s.acc.mixed_weights() && !s.replaced()) wanted.emplace_back(s.mark, kept.number(s));
    if (wanted.empty()) return;
    std::sort(wanted.begin(), wanted.end());
    IndicatorReader reader(opt.indicators, opt);
    std::string pid;
    Indicator ind;
    bool ok = true;
    std::vector<Diagnostic> ignored;
    auto next = wanted.begin();
    while (next != wanted.end() && reader.next(pid, ind, ok, ignored)) {
        for (; next != wanted.end() && next->first == ind.source_line; ++next)
            staged.push_back({next->second, SlotProblem::weights,
                              detail::monitor_weights_problem(opt.indicators, kept.id(next->second), ind)});
    }
}

/// What monitoring custom steps read besides the slot, kept only when the rules
/// have such steps (a parallel vector: national rules pay nothing).
struct MonitorCustomSlot {
    std::uint32_t category_offset = 0, category_size = 0; // in the arena
    BudgetKind budget_kind = BudgetKind::general;
};

/// Monitoring custom steps read project fields (monitor_custom.hpp): rebuilds them
/// into one reused Project (its strings keep their capacity: no allocation per project).
class CustomProject {
public:
    void fill(const detail::ProjectSlots<MonitorSlot>& kept, std::uint32_t k, const MonitorCustomSlot& c) {
        const MonitorSlot& s = kept.slots[k];
        p_.id.assign(kept.id(k));
        p_.department.assign(kept.department(k));
        p_.category.assign(kept.text(c.category_offset, c.category_size));
        p_.budget = s.funds.budget;
        p_.spent = s.funds.spent;
        p_.fund_source = s.funds.fund_source;
        p_.budget_kind = c.budget_kind;
        p_.year = s.budget_year();
        p_.source_line = s.line;
    }
    const Project& project() const { return p_; }

private:
    Project p_;
};

bool has_monitoring_steps(const RuleBook& rules) {
    return std::any_of(rules.periods().begin(), rules.periods().end(),
                       [](const RuleSet& r) { return !r.monitoring.custom.steps.empty(); });
}

/// The streaming path's state and its steps on one project: keep it, fold an
/// indicator row into it, finish it. monitor_streaming() runs each step over every
/// project in turn (all kept); monitor_ordered() runs them project by project.
class MonitorStream : public detail::KeptProjects<MonitorSlot, MonitorCustomSlot> {
public:
    MonitorStream(const MonitorOptions& options, const RuleBook& book)
        : options_(options), opt_(options.files), book_(book), periods_(book.periods()), custom_(has_monitoring_steps(book)),
          names_(table_has_names(opt_.format, opt_.table)) {
        for (const RuleSet& r : periods_) {
            tps_.push_back(time_progress(options.as_of, r.monitoring.time_progress.method));
            rows_.push_back(detail::MonitorRowRules::of(tps_.back(), r));
        }
    }

    std::vector<Diagnostic> reading; // problems reading the files (listed instead of any other)
    std::vector<SlotProblem> staged; // monitoring problems, put in order at the end
    std::size_t indicators = 0;

    /// Step 1: keeps project `p` (read with `ok` and `row_problems`), through the id
    /// index when `indexed`; without it (the ordered path) a row with problems is
    /// kept too when its id was read, as a slot its indicator rows go to. Returns
    /// whether it was kept.
    bool keep(Project& p, bool ok, std::vector<Diagnostic>& row_problems, bool indexed) {
        const bool clean = ok && row_problems.empty();
        if (!clean) {
            reading.insert(reading.end(), row_problems.begin(), row_problems.end());
            row_problems.clear();
            if (indexed) return false;
        }
        if (p.id.empty()) return false; // as read_projects() does
        p.year = monitor_year(p, options_);
        std::uint32_t n = 0;
        if (indexed) {
            std::uint32_t first = 0;
            n = kept.add(p, ok, opt_.projects, first);
            if (n == detail::IdIndex::empty) {
                reading.push_back(detail::repeated_id_problem(opt_.projects, p.source_line, p.id, kept.slots[first].line));
                return false;
            }
        } else {
            n = kept.add_unindexed(p, clean, opt_.projects);
            if (!clean) return true;
        }
        if (names_) kept_names_.push_back(kept.keep(p.name));
        if (custom_) {
            const std::uint32_t offset = kept.add_text(p.category);
            customs_.push_back({offset, static_cast<std::uint32_t>(p.category.size()), p.budget_kind});
        }
        if (p.spent.fen() < 0) {
            kept.slots[n].bad = true;
            staged.push_back({n, SlotProblem::project, detail::monitor_spent_problem(opt_.projects, p.id, p.source_line)});
        }
        if (book_.dated()) {
            try {
                kept.slots[n].period = static_cast<std::uint32_t>(&detail::rules_for(p, book_, opt_.projects) - periods_.data());
            } catch (const Error& e) {
                kept.slots[n].replace();
                for (const Diagnostic& d : e.diagnostics()) staged.push_back({n, SlotProblem::whole_period, d});
            }
        }
        return true;
    }

    /// Step 2: monitors indicator row `ind` of the project in slot `k` (read cleanly,
    /// with no reading problem so far) and folds it into the project's accumulator.
    /// `first_unweighted`: where to copy the project's first row without a weight (the ordered path).
    void add(std::uint32_t k, std::string_view pid, const Indicator& ind, Indicator* first_unweighted = nullptr) {
        ++indicators;
        MonitorSlot& slot = kept.slots[k];
        if (slot.replaced()) return; // monitor_project() never ran or stopped for this project
        if (!ind.weight && slot.mark == 0) {
            slot.mark = ind.source_line;
            if (first_unweighted) *first_unweighted = ind;
        }
        try {
            if (!detail::monitor_indicator_row<false>(pid, ind, options_.as_of, tps_[slot.period], periods_[slot.period],
                                                      rows_[slot.period], slot.acc, m_, found_, opt_.indicators)) {
                slot.bad = true;
                for (Diagnostic& d : found_) staged.push_back({k, SlotProblem::indicator, std::move(d)});
                found_.clear();
            }
        } catch (const ArithmeticError& e) {
            found_.clear();
            slot.replace();
            staged.push_back({k, SlotProblem::whole_arithmetic, placed(e, opt_.projects, pid, slot.line)});
        }
    }

    /// Step 3: finishes the project in slot `k` (and runs its custom steps) into
    /// `result`; a problem is staged (as the in-memory path lists it) and false returned.
    /// A project with a problem already, or mixed weights, is not finished.
    bool finish(std::uint32_t k, MonitorResult& result) {
        const MonitorSlot& s = kept.slots[k];
        if (s.bad || s.acc.mixed_weights()) return false;
        try {
            finish_monitoring(s.funds.budget, s.funds.spent, s.acc, options_.as_of, tps_[s.period], periods_[s.period], result);
        } catch (const ArithmeticError& e) {
            staged.push_back({k, SlotProblem::whole_arithmetic, placed(e, opt_.projects, kept.id(k), s.line)});
            return false;
        }
        if (!custom_) return true;
        custom_project_.fill(kept, k, customs_[k]);
        try {
            apply_monitoring_custom(custom_project_.project(), periods_[s.period], result);
        } catch (const ArithmeticError& e) {
            staged.push_back({k, SlotProblem::whole_arithmetic, placed(e, opt_.projects, kept.id(k), s.line)});
            return false;
        } catch (const Error& e) { // a custom step failed (division by zero…)
            for (const Diagnostic& d : e.diagnostics()) staged.push_back({k, SlotProblem::custom, d});
            return false;
        }
        return true;
    }

    /// Hands the finished project in slot `k` on.
    void hand_on(std::uint32_t k, const MonitorResult& result, const MonitorSink& each) const {
        const MonitorSlot& s = kept.slots[k];
        const std::string_view name = names_ ? kept.text(kept_names_[k]) : std::string_view();
        each(ProjectView{kept.id(k), kept.department(k), s.funds, s.budget_year(), s.line, &periods_[s.period], nullptr, name},
             result);
    }

    /// Moves the staged problems (by project, then kind) to `problems`, as the
    /// in-memory path lists them: a problem that replaced a project's others alone,
    /// an arithmetic one always, the others up to the limit.
    void list_staged(std::vector<Diagnostic>& problems) {
        std::stable_sort(staged.begin(), staged.end(), [](const SlotProblem& a, const SlotProblem& b) {
            return a.slot != b.slot ? a.slot < b.slot : a.kind < b.kind;
        });
        for (auto it = staged.begin(); it != staged.end();) {
            auto end = std::find_if(it, staged.end(), [&](const SlotProblem& x) { return x.slot != it->slot; });
            const auto w = std::find_if(it, end, [](const SlotProblem& x) { return x.kind >= SlotProblem::whole_period; });
            if (w != end && w->kind == SlotProblem::whole_arithmetic) { // as the in-memory path: always listed
                problems.push_back(std::move(w->d));
            } else {
                for (auto k = w != end ? w : it; k != end; ++k)
                    if (problems.size() < opt_.max_problems) problems.push_back(std::move(k->d));
            }
            it = end;
        }
        staged.clear();
    }

private:
    const MonitorOptions& options_;
    const EvaluateOptions& opt_;
    const RuleBook& book_;
    const std::vector<RuleSet>& periods_;
    const bool custom_;
    const bool names_; // kept only for a name column
    std::vector<Fraction> tps_;                 // time progress per period (its method)
    std::vector<detail::MonitorRowRules> rows_; // the fast path's factors per period
    CustomProject custom_project_;
    IndicatorMonitor m_;
    std::vector<Diagnostic> found_;
};

/// Sets `read_all` once both tables are read to their end: nothing is handed on
/// before that (SheetsAtOnce).
std::size_t monitor_streaming(const MonitorOptions& options, const RuleBook& book, const MonitorSink& each, bool& read_all) {
    const EvaluateOptions& opt = options.files;
    MonitorStream stream(options, book);
    std::vector<Diagnostic> row_problems;

    const unsigned threads = detail::threads_to_use(opt.threads);
    detail::OpenAhead<IndicatorReader> indicators = detail::open_indicators_ahead(opt, threads); // read while the projects are

    // 1. Projects, kept compactly.
    try {
        ProjectReader reader(opt.projects, opt);
        stream.reserve(opt.projects, table_has_names(opt.format, opt.table), has_monitoring_steps(book));
        Project p; // read on this thread, as evaluate reads it
        bool ok = true;
        while (reader.next(p, ok, row_problems)) stream.keep(p, ok, row_problems, true);
    } catch (const Error& e) {
        stream.reading.insert(stream.reading.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
    if (!stream.reading.empty()) raise_reading_problems(opt, stream.reading);

    // 2. Indicators, streamed: each row is monitored and folded into its project's accumulator.
    try {
        IndicatorReader& reader = indicators.get();
        detail::IndicatorStream rows(reader, threads);
        std::string_view row_id;
        const Indicator* row = nullptr;
        bool ok = true;
        std::uint32_t last = detail::IdIndex::empty;
        while (rows.next(row_id, row, ok, row_problems)) {
            const std::string_view pid = row_id; // the row in place, until the next call
            const Indicator& ind = *row;
            const bool clean = ok && row_problems.empty();
            if (clean && pid.empty()) continue; // as read_projects() does
            if (!clean || stream.kept.find(pid, last) == detail::IdIndex::empty) {
                // Gathered for a pipe, which cannot be read again (raise_reading_problems), up to the limit.
                if (stream.reading.size() <= opt.max_problems) {
                    stream.reading.insert(stream.reading.end(), row_problems.begin(), row_problems.end());
                    if (clean) stream.reading.push_back(detail::ordered_row_problem(opt.projects, opt.indicators, pid, ind.source_line, 0));
                }
                row_problems.clear();
                continue;
            }
            if (!stream.reading.empty()) continue; // read_projects() will list them; nothing else counts
            stream.add(last, pid, ind);
        }
        read_all = true;
    } catch (const Error& e) {
        stream.reading.insert(stream.reading.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
    if (!stream.reading.empty()) raise_reading_problems(opt, stream.reading);

    // 3. Problems, in the in-memory path's order and with its limit.
    add_weights_problems(opt, stream.kept, stream.staged);
    if (!stream.staged.empty()) {
        // The in-memory path finishes every project without problems too, and lists an overflow there.
        MonitorResult scratch;
        for (std::uint32_t k = 0; k < stream.kept.slots.size(); ++k) stream.finish(k, scratch);
        std::vector<Diagnostic> problems;
        stream.list_staged(problems);
        throw Error(std::move(problems));
    }

    // 4. Finish every project and hand it on; only an arithmetic overflow or a
    // failing custom step can fail here.
    MonitorResult result;
    bool failed = false;
    for (std::uint32_t k = 0; k < stream.kept.slots.size(); ++k) {
        if (!stream.finish(k, result)) failed = true;
        else if (!failed) stream.hand_on(k, result, each);
    }
    if (failed) {
        std::vector<Diagnostic> problems;
        stream.list_staged(problems);
        throw Error(std::move(problems));
    }
    return stream.indicators;
}

/// The ordered path (EvaluateOptions::ordered; batch.cpp's evaluate_ordered() is
/// its twin): the two files read side by side, one project kept at a time, each
/// finished and handed on when its indicator rows end; repeated ids found at the
/// end by an IdLedger. Problems reading the files are listed as read (projects.csv's,
/// with repeated ids by line, then indicators.csv's) and replace the others, which
/// are listed as the streaming path lists them.
std::size_t monitor_ordered(const MonitorOptions& options, const RuleBook& book, const MonitorSink& each) {
    const EvaluateOptions& opt = options.files;
    MonitorStream stream(options, book);
    std::vector<Diagnostic>& reading = stream.reading;
    std::vector<Diagnostic> rows_reading; // indicators.csv's reading problems, after projects.csv's
    detail::IdLedger ledger;
    std::vector<Diagnostic> problems; // monitoring problems, project by project
    std::vector<Diagnostic> row_problems;
    MonitorResult result;
    Indicator first_unweighted;
    Project p;
    bool have = false; // slot 0 holds the current project
    std::string lost;
    std::uint32_t lost_line = 0;
    std::vector<Diagnostic> project_notices, indicator_notices; // the headers' (unknown columns), listed with the problems
    try {
        ProjectReader projects(opt.projects, opt);
        project_notices = projects.notices();
        IndicatorReader indicators(opt.indicators, opt);
        indicator_notices = indicators.notices();
        detail::IndicatorStream indicator_rows(indicators, detail::threads_to_use(opt.threads));
        const auto next_project = [&] {
            bool ok = true;
            while (projects.next(p, ok, row_problems)) {
                stream.clear();
                if (!p.id.empty()) ledger.add(p.id, p.source_line);
                if (stream.keep(p, ok, row_problems, false)) return have = true;
            }
            return have = false;
        };
        const auto finish = [&] {
            if (!have) return;
            have = false;
            const MonitorSlot& s = stream.kept.slots[0];
            if (!reading.empty() || !rows_reading.empty()) { // only the reading problems will count
                stream.staged.clear();
                return;
            }
            if (s.acc.mixed_weights() && !s.replaced())
                stream.staged.push_back({0, SlotProblem::weights, detail::monitor_weights_problem(opt.indicators, stream.kept.id(0), first_unweighted)});
            if (stream.finish(0, result) && problems.empty() && stream.staged.empty()) stream.hand_on(0, result, each);
            stream.list_staged(problems);
        };
        std::string_view row_id;
        const Indicator* row = nullptr;
        bool ok = true;
        while (indicator_rows.next(row_id, row, ok, row_problems)) {
            const std::string_view pid = row_id; // the row in place, until the next call
            const Indicator& ind = *row;
            const bool clean = ok && row_problems.empty();
            if (clean && pid.empty()) continue; // as read_projects() does
            rows_reading.insert(rows_reading.end(), row_problems.begin(), row_problems.end());
            row_problems.clear();
            if (!have || stream.kept.id(0) != pid) {
                finish();
                while (next_project() && stream.kept.id(0) != pid) finish();
                if (!have) {
                    lost = pid;
                    lost_line = ind.source_line;
                    break;
                }
            }
            if (!clean || !reading.empty() || !rows_reading.empty()) continue; // nothing else counts
            stream.add(0, pid, ind, &first_unweighted);
        }
        if (lost_line == 0) {
            finish();
            while (next_project()) finish();
        }
    } catch (const Error& e) {
        rows_reading.insert(rows_reading.end(), e.diagnostics().begin(), e.diagnostics().end());
    }

    std::size_t more = 0;
    std::uint32_t lost_first = 0;
    std::vector<Diagnostic> repeated;
    for (detail::IdLedger::Repeat& r : ledger.repeats(opt.max_problems, more, lost, lost_first)) {
        repeated.push_back(detail::repeated_id_problem(opt.projects, r.line, r.id, r.first));
    }
    if (lost_line != 0)
        rows_reading.push_back(detail::ordered_row_problem(opt.projects, opt.indicators, lost, lost_line, lost_first));
    if (!repeated.empty() || !reading.empty() || !rows_reading.empty()) {
        // In read_projects()' order, as the streaming path lists them.
        std::vector<Diagnostic> all = std::move(project_notices);
        std::merge(std::make_move_iterator(reading.begin()), std::make_move_iterator(reading.end()),
                   std::make_move_iterator(repeated.begin()), std::make_move_iterator(repeated.end()), std::back_inserter(all),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.where.line < b.where.line; });
        all.insert(all.end(), std::make_move_iterator(indicator_notices.begin()), std::make_move_iterator(indicator_notices.end()));
        all.insert(all.end(), std::make_move_iterator(rows_reading.begin()), std::make_move_iterator(rows_reading.end()));
        if (all.size() > opt.max_problems) all.resize(opt.max_problems);
        throw Error(std::move(all));
    }
    if (!problems.empty()) throw Error(std::move(problems));
    return stream.indicators;
}

std::size_t monitor_run(const MonitorOptions& options, const RuleBook& rules, bool in_memory, const MonitorSink& each) {
    if (in_memory || rules.periods().size() > detail::SlotHead::max_periods) return monitor_in_memory(options, rules, each);
    if (options.files.ordered) return monitor_ordered(options, rules, each);
    return detail::SheetsAtOnce::run({&options.files.projects, &options.files.indicators}, [&](bool at_once, bool& read_all) {
        MonitorOptions o = options;
        detail::SheetsAtOnce::set(o.files, at_once);
        return monitor_streaming(o, rules, each, read_all);
    });
}

void check_monitor_outputs(const MonitorOptions& options) {
    check_output_not_input(options.files);
    detail::check_summary_path(options.files, options.summary);
}

} // namespace

MonitorRatesText monitor_rates_text(const MonitorResult& r) {
    return {rate(r.time_progress), r.exec_applicable ? rate(r.exec_rate) : std::string(),
            r.has_completion ? rate(r.completion) : std::string(),
            r.has_cut ? r.cut_rate.rounded(4, RoundingMode::half_up).to_string(4) : std::string(),
            r.has_cut ? r.cut.to_string() : std::string()};
}

/// The rules in effect on the as-of date, which say whether it is a checkpoint and
/// a department review date (null when no period covers the as-of year: projects
/// then use their own years' rules).
struct AsOfRules {
    const RuleSet* rules = nullptr;
    bool review = false;
};
AsOfRules as_of_rules(const MonitorOptions& options, const RuleBook& book) {
    AsOfRules on;
    try {
        on.rules = &book.for_year(static_cast<int>(options.as_of.year()));
    } catch (const Error&) {
        return on;
    }
    on.review = is_department_review_date(options.as_of, on.rules->monitoring);
    return on;
}

/// The summary's parts that depend on the as-of date: each department's review on a
/// review date, and a notice when the date is not a checkpoint.
void add_as_of_parts(MonitorSummary& summary, const std::vector<DepartmentReviewTotals>& review_totals,
                     const MonitorOptions& options, const AsOfRules& on) {
    if (!on.rules) return;
    if (on.review)
        for (std::size_t d = 0; d < summary.departments.size() && d < review_totals.size(); ++d)
            summary.department_reviews.push_back(
                review_department(summary.departments[d].department, review_totals[d], options.as_of, *on.rules));
    if (is_checkpoint(options.as_of, on.rules->monitoring)) return;
    const CheckpointEvery every = on.rules->monitoring.checkpoints.every;
    Diagnostic d;
    d.where = SourceLocation{on.rules->files.at(on.rules->monitoring.checkpoints.where.file),
                             on.rules->monitoring.checkpoints.where.line, 0};
    d.en = to_string(options.as_of) + " is not a monitoring checkpoint of the rules " + on.rules->name + " (" +
           describe(every, false) + "): the figures are as of that date";
    d.zh = to_string(options.as_of) + " 不是规则 " + on.rules->name + " 的监控节点（" + describe(every, true) +
           "）：结果为截至该日的数据";
    d.severity = Diagnostic::Severity::notice;
    summary.notices.push_back(std::move(d));
}

MonitorSummary monitor_files(const MonitorOptions& options, const RuleBook& rules) {
    const EvaluateOptions& opt = options.files;
    check_monitor_outputs(options);
    const bool json = opt.format == OutputFormat::json; // shows every indicator: needs them in memory
    OutputFile out(opt.out);                            // appears only on commit()
    detail::TableWriter table(out, opt.format, opt.table, opt.money_unit, detail::TableOf::monitor, opt.projects);
    if (!json) write_csv_header(table);
    else out.write("[\n");
    const AsOfRules on = as_of_rules(options, rules);
    MonitorRollup rollup(on.review);
    CsvRows rows(table);
    bool first = true;
    const std::size_t indicators = monitor_run(options, rules, json || opt.in_memory, [&](const ProjectView& p, const MonitorResult& r) {
        rollup.add(p, r);
        if (!json) return rows.write(p, r);
        if (!first) out.write(",\n");
        first = false;
        out.write(json_project(*p.project, r, *p.rules, opt.lang));
    });
    if (json) out.write(first ? "]\n" : "\n]\n");
    else table.finish();
    const std::vector<DepartmentReviewTotals> review_totals = rollup.review_totals();
    MonitorSummary summary = rollup.take();
    summary.indicators = indicators;
    add_as_of_parts(summary, review_totals, options, on);
    // Both files are complete in their temporaries before either is renamed.
    std::optional<OutputFile> summary_file;
    if (!options.summary.empty()) {
        summary_file.emplace(options.summary);
        summary_file->write(monitor_summary_json(summary));
    }
    out.commit();
    if (summary_file) summary_file->commit();
    return summary;
}

MonitorSummary monitor_files(const MonitorOptions& options, const RuleBook& rules, const MonitorSink& sink) {
    const AsOfRules on = as_of_rules(options, rules);
    MonitorRollup rollup(on.review);
    const std::size_t indicators =
        monitor_run(options, rules, options.files.in_memory, [&](const ProjectView& p, const MonitorResult& r) {
            rollup.add(p, r);
            sink(p, r);
        });
    const std::vector<DepartmentReviewTotals> review_totals = rollup.review_totals();
    MonitorSummary summary = rollup.take();
    summary.indicators = indicators;
    add_as_of_parts(summary, review_totals, options, on);
    return summary;
}

void MonitorTotals::add(Money project_budget, Money project_spent, Light level) {
    const auto l = static_cast<std::size_t>(level);
    ++projects;
    budget += project_budget;
    spent += project_spent;
    ++by_level[l];
    budget_by_level[l] += project_budget;
}

void MonitorRollup::add(const ProjectView& p, const MonitorResult& r) {
    summary_.add(p.funds.budget, p.funds.spent, r.level);
    const std::size_t d = index_.find_or_add(summary_.departments, p.department);
    summary_.departments[d].add(p.funds.budget, p.funds.spent, r.level);
    if (review_) {
        if (review_totals_.size() < summary_.departments.size()) review_totals_.resize(summary_.departments.size());
        review_totals_[d].add(p.funds.budget, p.funds.spent, r);
    }
}

MonitorSummary monitor_summary(const std::vector<Project>& projects, const std::vector<MonitorResult>& results) {
    MonitorRollup rollup;
    for (std::size_t i = 0; i < projects.size(); ++i) rollup.add(view_of(projects[i], nullptr), results[i]);
    return rollup.take();
}

std::string monitor_summary_json(const MonitorSummary& s) {
    using nlohmann::ordered_json;
    const auto count = detail::count_json;
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
    j["departments"] = detail::departments_json(s.departments, totals);
    if (!s.department_reviews.empty()) {
        ordered_json reviews = ordered_json::array();
        for (const DepartmentReview& r : s.department_reviews) {
            const DepartmentReviewText text = department_review_text(r);
            const auto rate = [](const std::string& t) { return t.empty() ? ordered_json(nullptr) : ordered_json(t); };
            reviews.push_back(ordered_json{{"department", r.department},
                                           {"as_of", to_string(r.as_of)},
                                           {"projects", r.totals.projects},
                                           {"budget", r.totals.budget.to_string()},
                                           {"spent", r.totals.spent.to_string()},
                                           {"time_progress", text.time_progress},
                                           {"exec_rate", rate(text.exec_rate)},
                                           {"completion", rate(text.completion)},
                                           {"level", to_string(r.level)},
                                           {"action", to_string(r.action)},
                                           {"warning", count(r.totals.warning_projects, r.totals.warning_budget)}});
        }
        j["department_review"] = std::move(reviews);
    }
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
                      detail::wan_text(s.budget_by_level[l]) + " 万元）"
                : std::string(names::light[l]) + " " + std::to_string(s.by_level[l]) + " (" +
                      detail::wan_text(s.budget_by_level[l]) + " 万元)";
    }
    t += zh ? "\n预警项目 " + std::to_string(s.warning_projects()) + " 个，资金 " + detail::wan_text(s.warning_budget()) + " 万元\n"
            : "\nwarning projects " + std::to_string(s.warning_projects()) + ", funds " + detail::wan_text(s.warning_budget()) +
                  " 万元\n";
    if (!s.department_reviews.empty())
        t += zh ? "部门整体绩效监控（截至 " + to_string(s.department_reviews.front().as_of) + "）：\n"
                : "department review (as of " + to_string(s.department_reviews.front().as_of) + "):\n";
    for (const DepartmentReview& r : s.department_reviews) {
        const DepartmentReviewText text = department_review_text(r);
        const std::string none = zh ? "无" : "n/a";
        const auto light = static_cast<std::size_t>(r.level);
        t += zh ? "  " + r.department + "：执行率 " + (text.exec_rate.empty() ? none : text.exec_rate) + "，完成率 " +
                      (text.completion.empty() ? none : text.completion) + "，" + std::string(names::light_zh[light]) +
                      "，" + std::string(names::action_zh[static_cast<std::size_t>(r.action)]) + "；预警项目 " +
                      std::to_string(r.totals.warning_projects) + " 个\n"
                : "  " + r.department + ": execution " + (text.exec_rate.empty() ? none : text.exec_rate) +
                      ", completion " + (text.completion.empty() ? none : text.completion) + ", " +
                      std::string(names::light[light]) + ", " + std::string(to_string(r.action)) + "; " +
                      std::to_string(r.totals.warning_projects) + " warning projects\n";
    }
    return t;
}

} // namespace perfbudget
