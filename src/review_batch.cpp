// review_files(): the review command as a library call (review.hpp). Streams like
// evaluate_files(): projects kept compactly in slots (stream_projects.hpp), indicator
// rows streamed past them into per-project counts of what the national checks look
// for, each project finished and written in file order. JSON, county steps that read
// the indicators themselves, and any run with a problem take the in-memory path
// (read_projects(), review_project()), which is also what a streamed run must match.
#include "perfbudget/review.hpp"

#include "perfbudget/review_custom.hpp"
#include "perfbudget/detail/department_index.hpp"

#include "json_fields.hpp"
#include "evaluate_engine.hpp"
#include "finish_chunks.hpp"
#include "indicator_stream.hpp"
#include "open_ahead.hpp"
#include "stream_projects.hpp"
#include "sheets_at_once.hpp"
#include "summary_support.hpp"
#include "table_writer.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <unordered_set>

namespace perfbudget {
namespace {

struct Reviewed {
    const Project* project;
    const RuleSet* rules;
    ReviewResult result;
};

/// The summary as projects are finished: the whole run's totals and each department's.
class SummaryOf {
public:
    explicit SummaryOf(ReviewSummary& s) : s_(s) {}
    void add(std::string_view department, Money budget, const ReviewResult& r, std::size_t grade_count) {
        s_.add(budget, r, grade_count);
        s_.departments[index_.find_or_add(s_.departments, department)].add(budget, r, grade_count);
    }

private:
    ReviewSummary& s_;
    detail::DepartmentIndex index_;
};

std::string quantification_text(const ReviewResult& r) {
    return r.quantification ? r.quantification->to_string(4) : std::string();
}

/// The ids of the county's steps that fired, `;`-separated.
std::string reasons_text(const ReviewResult& r, const RuleSet& rules) {
    std::string s;
    for (std::string_view id : review_custom_ids(r, rules)) s += (s.empty() ? "" : ";") + std::string(id);
    return s;
}

/// SPEC §6's columns; with county steps (review.custom) also `reasons` (the steps
/// that fired), `cut` (the rate, 4 places) and `cut_amount` (yuan), blank without a cut.
void write_csv_header(detail::TableWriter& out, bool county) {
    out.header(std::string("project_id,department,budget,indicators,quantified,quantification,completeness,relevance,"
                           "appropriateness,feasibility,score,grade,admission,defects") +
               (county ? ",reasons,cut,cut_amount\n" : "\n"));
}

void append_count(std::string& s, std::uint32_t n) {
    char buf[16];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    s.append(buf, end);
}

/// A row: numbers formatted in place (append_money, append_decimal), as evaluate's rows are.
void write_csv_row(std::string& s, std::string_view id, std::string_view department, Money budget, const ReviewResult& r,
                   const RuleSet& rules, bool county) {
    append_csv_field(s, id);
    s += ',';
    append_csv_field(s, department);
    s += ',';
    append_money(s, budget);
    s += ',';
    append_count(s, r.indicators);
    s += ',';
    append_count(s, r.quantified);
    s += ',';
    if (r.quantification) append_decimal(s, *r.quantification, 4);
    for (Decimal d : r.dimensions) {
        s += ',';
        append_decimal(s, d, 2);
    }
    s += ',';
    append_decimal(s, r.score, 2);
    s += ',';
    append_csv_field(s, rules.grades.bands[r.grade].id);
    s += ',';
    s += to_string(r.admission);
    s += ',';
    thread_local std::string ids; // keeps its capacity from row to row
    ids.clear();
    append_review_defect_ids(ids, r, rules);
    append_csv_field(s, ids);
    if (county) {
        s += ',';
        append_csv_field(s, reasons_text(r, rules));
        s += ',' + (r.has_cut ? r.cut_rate.to_string(4) : std::string()) + ',' + (r.has_cut ? r.cut.to_string() : std::string());
    }
    s += '\n';
}

void write_csv(detail::TableWriter& out, const std::vector<Reviewed>& rows, bool county) {
    write_csv_header(out, county);
    for (const Reviewed& a : rows) {
        write_csv_row(out.row(), a.project->id, a.project->department, a.project->budget, a.result, *a.rules, county);
        out.end_row(a.project->name, a.project->source_line);
    }
    out.finish();
}

void write_json(OutputFile& out, const std::vector<Reviewed>& rows, Lang lang) {
    using nlohmann::ordered_json;
    out.write("[\n");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Reviewed& a = rows[i];
        const ReviewResult& r = a.result;
        ordered_json j;
        detail::add_project_fields(j, *a.project);
        j["indicators"] = r.indicators;
        j["quantified"] = r.quantified;
        j["quantification"] = r.quantification ? ordered_json(quantification_text(r)) : ordered_json(nullptr);
        ordered_json dims = ordered_json::object();
        for (std::size_t d = 0; d < review_dimension_count; ++d)
            dims[std::string(names::review_dimension[d])] = r.dimensions[d].to_string(2);
        j["dimensions"] = std::move(dims);
        j["score"] = r.score.to_string(2);
        j["grade"] = a.rules->grades.bands[r.grade].id;
        j["admission"] = std::string(to_string(r.admission));
        ordered_json defects = ordered_json::array();
        for (const ReviewDefect& d : r.defects) {
            ordered_json jd;
            jd["dimension"] = std::string(to_string(d.dimension()));
            jd["check"] = std::string(review_check_id(d, *a.rules));
            jd["indicator"] = d.indicator ? ordered_json(*d.indicator) : ordered_json(nullptr);
            jd["line"] = d.indicator ? ordered_json(a.project->indicators[*d.indicator].source_line) : ordered_json(nullptr);
            jd["deduction"] = d.deduction.to_string(2);
            jd["reason"] = {{"zh", d.zh}, {"en", d.en}};
            defects.push_back(std::move(jd));
        }
        j["defects"] = std::move(defects);
        if (!a.rules->review.custom.steps.empty()) {
            ordered_json reasons = ordered_json::array();
            for (std::string_view id : review_custom_ids(r, *a.rules)) reasons.push_back(id);
            j["reasons"] = std::move(reasons);
            j["cut"] = r.has_cut ? ordered_json(r.cut_rate.to_string(4)) : ordered_json(nullptr);
            j["cut_amount"] = r.has_cut ? ordered_json(r.cut.to_string()) : ordered_json(nullptr);
        }
        j["explanation"] = detail::explanation_json(explain_review(*a.project, r, *a.rules, lang));
        out.write(j.dump(2));
        out.write(i + 1 < rows.size() ? ",\n" : "\n");
    }
    out.write("]\n");
}

// --- streaming path -----------------------------------------------------------

using wide = Fraction::wide;

/// What the national checks (src/review.cpp) need of a project's indicator rows,
/// counted as the rows stream past: per-row defects by check, the kinds present,
/// the cost total. finish() turns it into the ReviewResult review_project() gives
/// (its defects without reasons: the CSV and the county steps read only their
/// checks and dimensions).
struct ReviewCounts {
    wide cost_micro_yuan; // Σ cost targets in 元/万元, in yuan × 10^6, exact
    std::uint32_t indicators = 0, quantified = 0;
    std::uint32_t incomplete = 0, mismatch = 0, duplicate = 0, cost_unit = 0, satisfaction = 0, too_low = 0,
                  date_outside = 0;
    std::uint8_t level1 = 0;        // bit k: an indicator of Level1 k
    std::uint8_t output_level2 = 0; // bit k: an output indicator of level2 k (quantity … cost)
    bool any_cost = false;
    bool has_goal = false;
    bool has_year = false; // the budget year (SlotHead::year keeps only 1–65535)
    std::int32_t year = 0;
};

/// A kept project: SlotHead and its counts (a million projects are kept).
struct ReviewKept : detail::SlotHead {
    ReviewCounts counts;
};

/// What county steps read besides ReviewKept (only when some period has steps).
struct ReviewCustomSlot {
    detail::ArenaText category;
    BudgetKind budget_kind = BudgetKind::general;
    Revision revision = Revision::first;
};

bool money_unit(std::string_view unit) { return unit.find("元") != std::string_view::npos; }

/// The duplicate-name check of the project whose rows are being read: its names,
/// scanned while few, in a hash set past 64 (as review.cpp's repeated_name()).
class NameRun {
public:
    /// Starts the rows of another project.
    void restart() {
        text_.clear();
        ends_.clear();
        set_.clear();
    }
    /// Whether `name` (not empty) was used by an earlier row of the project; remembers it.
    bool repeated(std::string_view name) {
        constexpr std::size_t scan_up_to = 64;
        const std::size_t used = ends_.size();
        if (used < scan_up_to) {
            bool seen = false;
            for (std::size_t k = 0, begin = 0; k < used && !seen; begin = ends_[k++])
                seen = ends_[k] - begin == name.size() && std::string_view(text_.data() + begin, name.size()) == name;
            text_ += name;
            ends_.push_back(text_.size());
            return seen;
        }
        if (set_.empty())
            for (std::size_t k = 0, begin = 0; k < used; begin = ends_[k++]) set_.emplace(text_.data() + begin, ends_[k] - begin);
        return !set_.emplace(name).second;
    }

private:
    std::string text_;              // the names of the project's rows so far, one after another (few: up to 64)
    std::vector<std::size_t> ends_; // where each ends in text_
    std::unordered_set<std::string> set_; // past 64 names
};

/// Adds an indicator row of a project to its counts (the per-row part of
/// review.cpp's completeness, relevance, appropriateness and feasibility).
void count_row(const Indicator& ind, const ReviewRules& rules, ReviewCounts& c, NameRun& names) {
    ++c.indicators;
    const bool numeric = quantified(ind.direction);
    c.quantified += numeric ? 1 : 0;
    c.level1 |= static_cast<std::uint8_t>(1U << static_cast<unsigned>(ind.level1));
    const auto l2 = static_cast<unsigned>(ind.level2);
    if (ind.level1 == Level1::output && l2 < 4) c.output_level2 |= static_cast<std::uint8_t>(1U << l2);
    const Decimal* target = std::get_if<Decimal>(&ind.target);
    // completeness
    if (ind.name.empty() || (ind.direction != Direction::qual && std::holds_alternative<std::monostate>(ind.target)) ||
        (numeric && ind.unit.empty()))
        ++c.incomplete;
    // relevance
    if (parent_of(ind.level2) != ind.level1) ++c.mismatch;
    if (!ind.name.empty() && rules.check(ReviewCheck::duplicate_name).enabled && names.repeated(ind.name)) ++c.duplicate;
    if (ind.level2 == Level2::cost && !money_unit(ind.unit)) ++c.cost_unit;
    // appropriateness
    if (target) {
        if (ind.level1 == Level1::satisfaction && *target < rules.satisfaction_min) ++c.satisfaction;
        if (ind.level2 == Level2::cost && (ind.unit == "元" || ind.unit == "万元")) {
            c.any_cost = true;
            c.cost_micro_yuan = c.cost_micro_yuan + wide(target->units()) * wide(std::int64_t{ind.unit == "万元" ? 10'000 : 1});
        }
        const Decimal* last = std::get_if<Decimal>(&ind.last_year_actual);
        if (ind.direction == Direction::ge && last && *target < *last) ++c.too_low;
    }
    // feasibility
    if (c.has_year)
        if (const Date* d = std::get_if<Date>(&ind.target); d && d->ok() && static_cast<int>(d->year()) != c.year) ++c.date_outside;
}

/// The review of a project from its counts: what review_project() gives, its
/// defects (reasonless) in check order, then the county's steps on `p` (the
/// project's fields without its indicators). Throws Error as review_project() does.
void finish(const ReviewCounts& c, Money budget, const RuleSet& rules, const Project& p, ReviewResult& r) {
    const ReviewRules& rr = rules.review;
    r.defects.clear();
    r.indicators = c.indicators;
    r.quantified = c.quantified;
    r.quantification.reset();
    if (r.indicators) // quantified / indicators half-up to 4 places, in integers (both ≥ 0, < 2^32)
        r.quantification = Decimal::from_units(
            (std::int64_t{r.quantified} * 20'000 + r.indicators) / (std::int64_t{r.indicators} * 2) * 100);
    r.no_indicators = r.indicators == 0;
    const auto add = [&](ReviewCheck check, std::uint32_t times) {
        const ReviewRules::Check& k = rr.check(check);
        if (!k.enabled) return;
        for (std::uint32_t i = 0; i < times; ++i) {
            ReviewDefect& d = r.defects.emplace_back();
            d.check = check;
            d.deduction = k.deduction;
        }
    };
    for (unsigned k = 0; k < level1_count; ++k) add(ReviewCheck::level1_missing, (c.level1 >> k & 1U) ? 0 : 1);
    if (c.level1 & 1U << static_cast<unsigned>(Level1::output))
        for (unsigned k = 0; k < 4; ++k) add(ReviewCheck::output_level2_missing, (c.output_level2 >> k & 1U) ? 0 : 1);
    add(ReviewCheck::indicator_incomplete, c.incomplete);
    add(ReviewCheck::goal_missing, c.has_goal ? 0 : 1);
    add(ReviewCheck::level2_mismatch, c.mismatch);
    add(ReviewCheck::duplicate_name, c.duplicate);
    add(ReviewCheck::cost_unit, c.cost_unit);
    add(ReviewCheck::satisfaction_target, c.satisfaction);
    add(ReviewCheck::target_too_low, c.too_low);
    add(ReviewCheck::cost_over_budget, c.any_cost && c.cost_micro_yuan > wide(budget.fen()) * 10'000 ? 1 : 0);
    add(ReviewCheck::date_outside_year, c.date_outside);
    add(ReviewCheck::quantification_low, r.quantification && *r.quantification < rr.quantification_min ? 1 : 0);
    const auto n = static_cast<long long>(r.indicators);
    add(ReviewCheck::indicator_count, n < rr.min_indicators || n > rr.max_indicators ? 1 : 0);
    r.clear_custom();
    detail::regrade_review(rules, r);
    if (!rr.custom.steps.empty()) apply_review_custom(p, rules, r);
}

bool has_error(const std::vector<Diagnostic>& ds) {
    return !ds.empty() && std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Diagnostic::Severity::error; });
}

/// Reviews the files streamed, writing the output and summary; false (nothing
/// written) when the run needs the in-memory path after all: a problem anywhere
/// (that path reports every problem, in its order and words), or a project whose
/// indicator rows are not together while the duplicate-name check is on.
bool review_streaming(const ReviewOptions& opt, const RuleBook& book, ReviewSummary& summary, const ReviewSink* sink) {
    const std::vector<RuleSet>& periods = book.periods();
    const bool county = std::any_of(periods.begin(), periods.end(), [](const RuleSet& r) { return !r.review.custom.steps.empty(); });
    detail::ProjectSlots<ReviewKept> kept;
    std::vector<ReviewKept>& slots = kept.slots;
    std::vector<ReviewCustomSlot> customs; // one per slot when `county`
    const bool names = !sink && table_has_names(opt.format, opt.table);
    std::vector<detail::ArenaText> kept_names; // one per slot when `names`
    std::vector<Diagnostic> problems;
    const unsigned threads = detail::threads_to_use(opt.threads);
    detail::OpenAhead<IndicatorReader> indicators = detail::open_indicators_ahead(opt, threads); // read while the projects are
    try {
        // 1. Projects, kept compactly.
        {
            ProjectReader reader(opt.projects, opt);
            kept.reserve_for(opt.projects);
            if (names) kept_names.reserve(slots.capacity());
            Project p; // read on this thread, as evaluate reads it
            bool ok = true;
            while (reader.next(p, ok, problems)) {
                if (!ok || has_error(problems)) return false;
                problems.clear();
                if (p.id.empty()) continue;
                if (!p.year && opt.year) p.year = opt.year;
                std::uint32_t first = 0;
                const std::uint32_t n = kept.add(p, true, opt.projects, first);
                if (n == detail::IdIndex::empty) return false; // a duplicate id
                ReviewKept& s = slots[n];
                if (book.dated())
                    s.period = static_cast<std::uint32_t>(&detail::rules_for(p, book, opt.projects) - periods.data());
                s.counts.has_goal = p.goal.find_first_not_of(" \t\r\n") != std::string::npos;
                s.counts.has_year = p.year.has_value();
                s.counts.year = p.year.value_or(0);
                if (names) kept_names.push_back(kept.keep(p.name));
                if (county) customs.push_back({kept.keep(p.category), p.budget_kind, p.revision});
            }
        }
        // 2. Indicator rows, streamed into their project's counts.
        {
            IndicatorReader& reader = indicators.get();
            detail::IndicatorStream rows(reader, threads);
            std::string_view row_id;
            const Indicator* row = nullptr;
            bool ok = true;
            std::uint32_t last = detail::IdIndex::empty, run = detail::IdIndex::empty;
            NameRun run_names;
            while (rows.next(row_id, row, ok, problems)) {
                const std::string_view pid = row_id; // the row in place, until the next call
                const Indicator& ind = *row;
                if (!ok || has_error(problems)) return false;
                problems.clear();
                if (pid.empty()) continue;
                if (kept.find(pid, last) == detail::IdIndex::empty) return false; // not in projects.csv
                ReviewKept& s = slots[last];
                const ReviewRules& rules = periods[s.period].review;
                if (last != run) {
                    // The project's rows so far were elsewhere: its earlier names are gone.
                    if (s.counts.indicators && rules.check(ReviewCheck::duplicate_name).enabled) return false;
                    run = last;
                    run_names.restart();
                }
                count_row(ind, rules, s.counts, run_names);
            }
        }

        // 3. Each project finished and written (or handed to the sink) in file order; the summary last.
        std::optional<OutputFile> summary_file, out;
        std::optional<detail::TableWriter> table;
        if (!sink) {
            if (!opt.summary.empty()) summary_file.emplace(opt.summary);
            out.emplace(opt.out);
            table.emplace(*out, opt.format, opt.table, opt.money_unit, detail::TableOf::review, opt.projects);
            write_csv_header(*table, county);
        }
        summary.grades = periods.back().grades.bands;
        SummaryOf totals(summary);
        // Finishes slot k into r; `p` holds the fields county steps read (no indicators:
        // steps that read them take the in-memory path).
        const auto finish_one = [&](std::uint32_t k, Project& p, ReviewResult& r) -> const RuleSet& {
            const ReviewKept& s = slots[k];
            const RuleSet& rules = periods[s.period];
            if (!rules.review.custom.steps.empty()) {
                const ReviewCustomSlot& c = customs[k];
                p.id.assign(kept.id(k));
                p.department.assign(kept.department(k));
                p.budget = s.funds.budget;
                p.spent = s.funds.spent;
                p.fund_source = s.funds.fund_source;
                p.budget_kind = c.budget_kind;
                p.category.assign(kept.text(c.category));
                p.year = s.counts.has_year ? std::optional<int>(s.counts.year) : std::nullopt;
                p.revision = c.revision;
                p.goal.assign(s.counts.has_goal ? "goal" : "");
                p.source_line = s.line;
            }
            finish(s.counts, s.funds.budget, rules, p, r);
            return rules;
        };
        const auto add = [&](std::uint32_t k, const RuleSet& rules, const ReviewResult& r) {
            totals.add(kept.department(k), slots[k].funds.budget, r, rules.grades.size());
        };
        ReviewResult r;
        Project p;
        const auto finish_and_hand_on = [&](std::uint32_t k) {
            const ReviewKept& s = slots[k];
            const RuleSet& rules = finish_one(k, p, r);
            add(k, rules, r);
            if (sink) {
                (*sink)(ProjectView{kept.id(k), kept.department(k), s.funds, s.budget_year(), s.line, &rules, nullptr}, r);
                return;
            }
            write_csv_row(table->row(), kept.id(k), kept.department(k), s.funds.budget, r, rules, county);
            table->end_row(names ? kept.text(kept_names[k]) : std::string_view(), s.line);
        };
        // Rows written as they are: every other chunk finished and formatted on a
        // second thread (finish_chunks.hpp), its results kept for the summary, which
        // adds them in file order.
        struct Part {
            std::string text;
            std::vector<ReviewResult> results;
            Project p; // the helper's scratch
        };
        detail::finish_in_order<Part>(
            static_cast<std::uint32_t>(slots.size()), !sink && threads >= 2 && table->passthrough(),
            [&](std::uint32_t first, std::uint32_t last) {
                for (std::uint32_t k = first; k < last; ++k) finish_and_hand_on(k);
            },
            [&](std::uint32_t first, std::uint32_t last, Part& part) {
                part.text.clear();
                part.results.resize(last - first);
                for (std::uint32_t k = first; k < last; ++k) {
                    ReviewResult& result = part.results[k - first];
                    const RuleSet& rules = finish_one(k, part.p, result);
                    write_csv_row(part.text, kept.id(k), kept.department(k), slots[k].funds.budget, result, rules, county);
                }
            },
            [&](std::uint32_t first, std::uint32_t last, Part& part) {
                for (std::uint32_t k = first; k < last; ++k) add(k, periods[slots[k].period], part.results[k - first]);
                out->write(part.text);
            });
        if (sink) return true;
        table->finish();
        if (summary_file) summary_file->write(review_summary_json(summary));
        out->commit();
        if (summary_file) summary_file->commit();
        return true;
    } catch (const Error&) { // the in-memory path reports it as it always has
        summary = ReviewSummary{};
        return false;
    }
}

/// Whether the review must hold every project with its indicators in memory:
/// JSON (each defect with its row and reason, the explanation), county steps that
/// read the indicators (quantifiers), more periods than a slot can name.
bool review_needs_everything(const ReviewOptions& opt, const RuleBook& book, const ReviewSink* sink) {
    if (opt.in_memory || (!sink && opt.format == OutputFormat::json) || book.periods().size() > detail::SlotHead::max_periods)
        return true;
    return std::any_of(book.periods().begin(), book.periods().end(), [](const RuleSet& r) {
        return !r.review.custom.steps.empty() && (r.review.custom.reads >> static_cast<unsigned>(perfbudget::ReviewSlot::indicators) & 1U);
    });
}

} // namespace

void ReviewTotals::add(const Project& p, const ReviewResult& r, std::size_t grade_count) { add(p.budget, r, grade_count); }

void ReviewTotals::add(Money project_budget, const ReviewResult& r, std::size_t grade_count) {
    ++projects;
    budget += project_budget;
    detail::count_grade(by_grade, budget_by_grade, r.grade, project_budget, grade_count);
    const auto a = static_cast<std::size_t>(r.admission);
    ++by_admission[a];
    budget_by_admission[a] += project_budget;
    indicators += r.indicators;
    quantified += r.quantified;
}

namespace {

ReviewSummary review(const ReviewOptions& options, const RuleBook& rules, const ReviewSink* sink) {
    if (!sink) {
        EvaluateOptions files; // the shape the output checks take
        files.projects = options.projects;
        files.indicators = options.indicators;
        files.out = options.out;
        check_output_not_input(files);
        detail::check_summary_path(files, options.summary);
    }

    if (!review_needs_everything(options, rules, sink)) {
        // Nothing leaves before every row is read, so sheets may be read at once.
        // review_streaming() throws no Error (it hands a problem to the path below).
        ReviewSummary streamed;
        const bool done = detail::SheetsAtOnce::run({&options.projects, &options.indicators}, [&](bool at_once, bool&) {
            ReviewOptions o = options;
            detail::SheetsAtOnce::set(o, at_once);
            streamed = ReviewSummary{};
            return review_streaming(o, rules, streamed, sink);
        });
        if (done) return streamed;
    }

    // Actuals and weights are optional in the reader: review reads targets only.
    std::vector<Project> projects = read_projects(options.projects, options.indicators, options);
    for (Project& p : projects)
        if (!p.year && options.year) p.year = options.year;

    ReviewSummary summary;
    std::vector<Reviewed> rows;
    rows.reserve(projects.size());
    std::vector<Diagnostic> problems;
    for (const Project& p : projects) {
        try {
            Reviewed& a = rows.emplace_back(Reviewed{&p, nullptr, {}});
            a.rules = &detail::rules_for(p, rules, options.projects);
            review_project(p, *a.rules, a.result);
        } catch (const Error& e) {
            for (const Diagnostic& d : e.diagnostics()) problems.push_back(d);
        }
    }
    if (!problems.empty()) throw Error(std::move(problems));

    summary.grades = rules.periods().back().grades.bands;
    const bool county = std::any_of(rules.periods().begin(), rules.periods().end(),
                                    [](const RuleSet& r) { return !r.review.custom.steps.empty(); });
    SummaryOf totals(summary);
    for (const Reviewed& a : rows) totals.add(a.project->department, a.project->budget, a.result, a.rules->grades.size());
    if (sink) {
        for (const Reviewed& a : rows) (*sink)(view_of(*a.project, a.rules), a.result);
        return summary;
    }

    detail::write_outputs(options.out, options.summary, options.summary.empty() ? "" : review_summary_json(summary),
                          [&](OutputFile& out) {
                              if (options.format == OutputFormat::json) return write_json(out, rows, options.lang);
                              detail::TableWriter table(out, options.format, options.table, options.money_unit,
                                                        detail::TableOf::review, options.projects);
                              write_csv(table, rows, county);
                          });
    return summary;
}

} // namespace

ReviewSummary review_files(const ReviewOptions& options, const RuleBook& rules) { return review(options, rules, nullptr); }
ReviewSummary review_files(const ReviewOptions& options, const RuleBook& rules, const ReviewSink& sink) {
    return review(options, rules, &sink);
}

namespace {
/// quantified / indicators as a percentage with 2 places ("72.79"), half-up; "" without indicators.
std::string percent(std::size_t part, std::size_t whole) {
    if (whole == 0) return {};
    return Fraction(Fraction::wide(static_cast<std::int64_t>(part)) * 100, Fraction::wide(static_cast<std::int64_t>(whole))).to_string(2);
}
} // namespace

std::string review_summary_text(const ReviewSummary& s, Lang lang) {
    using detail::wan_text;
    const bool zh = lang == Lang::zh;
    std::string t = zh ? "审核 " + std::to_string(s.projects) + " 个项目（" + wan_text(s.budget) + " 万元）："
                       : "reviewed " + std::to_string(s.projects) + " projects (" + wan_text(s.budget) + " 万元): ";
    t += detail::grades_text(s.grades, s.by_grade, s.budget_by_grade, zh) + '\n';
    for (std::size_t a = 0; a < admission_count; ++a) {
        if (a) t += zh ? "，" : "; ";
        t += zh ? std::string(names::admission_zh[a]) + " " + std::to_string(s.by_admission[a]) + " 个（" +
                      wan_text(s.budget_by_admission[a]) + " 万元）"
                : std::string(names::admission[a]) + " " + std::to_string(s.by_admission[a]) + " (" +
                      wan_text(s.budget_by_admission[a]) + " 万元)";
    }
    t += '\n';
    // Seed 000: "三级绩效指标3308个，量化率达72.79%".
    if (s.indicators)
        t += zh ? "三级绩效指标 " + std::to_string(s.indicators) + " 个，量化率达 " + percent(s.quantified, s.indicators) + "%\n"
                : std::to_string(s.indicators) + " level-3 indicators, quantification " +
                      percent(s.quantified, s.indicators) + "%\n";
    return t;
}

std::string review_summary_json(const ReviewSummary& s) {
    using nlohmann::ordered_json;
    using detail::count_json;
    const auto totals = [&](ordered_json& j, const ReviewTotals& t) {
        j["projects"] = t.projects;
        j["budget"] = t.budget.to_string();
        j["indicators"] = t.indicators;
        j["quantified"] = t.quantified;
        j["quantification"] = t.indicators ? ordered_json(Fraction(Fraction::wide(static_cast<std::int64_t>(t.quantified)),
                                                                   Fraction::wide(static_cast<std::int64_t>(t.indicators)))
                                                              .to_string(4))
                                           : ordered_json(nullptr);
        j["by_grade"] = detail::grades_json(s.grades, t.by_grade, t.budget_by_grade);
        ordered_json adm = ordered_json::object();
        for (std::size_t a = 0; a < admission_count; ++a)
            adm[std::string(names::admission[a])] = count_json(t.by_admission[a], t.budget_by_admission[a]);
        j["by_admission"] = std::move(adm);
    };
    ordered_json j;
    totals(j, s);
    j["departments"] = detail::departments_json(s.departments, totals);
    return j.dump(2) + "\n";
}

} // namespace perfbudget
