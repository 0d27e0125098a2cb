// src/c_api.cpp — the C API (include/perfbudget/perfbudget.h) over the library.
//
// A thin shell, like the command line: every stage runs through the library's
// batch call (evaluate_files, monitor_files, review_files, assess_files) with JSON
// output, and the result is that JSON, read back and made addressable by path. So
// a C, Java or Python caller gets exactly what `perfbudget <stage> --format json`
// writes, by construction. A project given as C structs is written as the CSV
// cells its fields are (into a private temporary directory) and read by the same
// readers, so a value is accepted or refused by exactly the rules of the files;
// problems are then placed at "project", "indicator" N or "score" N instead of the
// temporary files. No exception leaves this file: each entry point catches all.
#include "perfbudget/perfbudget.h"

#include "perfbudget/assess.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/output.hpp"
#include "perfbudget/review.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h> // access

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#ifndef PERFBUDGET_VERSION
#error "PERFBUDGET_VERSION (the release) must be defined by the build"
#endif
#if defined(PERFBUDGET_SOVERSION) && PERFBUDGET_SOVERSION != PERFBUDGET_ABI_VERSION
#error "PERFBUDGET_ABI_VERSION in perfbudget.h differs from the shared library's SOVERSION"
#endif

using namespace perfbudget;

struct perfbudget_error {
    perfbudget_status code = PERFBUDGET_ERROR_INTERNAL;
    std::vector<Diagnostic> problems;
    std::string message_zh, message_en;
};

struct perfbudget_rules {
    std::unique_ptr<const RuleBook> owned; // null for the built-in national rules
    const RuleBook* book = nullptr;
};

struct perfbudget_result {
    struct Hash { // finds a path by string_view: a lookup allocates nothing, so cannot throw
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    template <class T>
    using ByPath = std::unordered_map<std::string, T, Hash, std::equal_to<>>;
    struct Entry {
        ByPath<std::string> values; // path → text
        ByPath<std::size_t> sizes;  // path of a list → its length
        std::string explanation;
    };
    std::string json;
    std::vector<Entry> projects;
    std::string notices_zh, notices_en;
};

namespace {

/// A mistake of the calling program (a NULL argument, a malformed date): ARGUMENT.
struct ArgumentError : OptionsError {
    ArgumentError(const std::string& en, const std::string& zh) : OptionsError(SourceLocation{}, en, zh) {}
};

Lang lang_of(perfbudget_lang l) {
    if (l == PERFBUDGET_ZH) return Lang::zh;
    if (l == PERFBUDGET_EN) return Lang::en;
    throw ArgumentError("lang must be PERFBUDGET_ZH or PERFBUDGET_EN", "lang 须为 PERFBUDGET_ZH 或 PERFBUDGET_EN");
}

template <class T>
T& required(T* p, const char* what) {
    if (!p) throw ArgumentError(std::string(what) + " must not be NULL", std::string(what) + " 不能为 NULL");
    return *p;
}

const char* text_or_null(const std::string* s) { return s ? s->c_str() : nullptr; }

/// One line per problem or notice: "file:line: error: message", or the message
/// alone for a problem of the call itself (it has no place).
std::string lines_of(const std::vector<Diagnostic>& ds, Lang lang) {
    std::string out;
    for (const Diagnostic& d : ds) {
        const bool placed = !d.where.file.empty() || d.where.line;
        out += placed ? d.to_string(lang) : d.message(lang);
        out += '\n';
    }
    return out;
}

void set_error(perfbudget_error** error, perfbudget_status code, std::vector<Diagnostic> problems) {
    if (!error) return;
    try {
        auto e = std::make_unique<perfbudget_error>();
        e->code = code;
        e->problems = std::move(problems);
        e->message_zh = lines_of(e->problems, Lang::zh);
        e->message_en = lines_of(e->problems, Lang::en);
        *error = e.release();
    } catch (...) {
        *error = nullptr; // out of memory while reporting: the status still says what happened
    }
}

/// Runs `body`, turning every exception into a status and an error object.
/// `data_code`: what a perfbudget::Error means here (bad data, or bad rules).
template <class Body>
perfbudget_status guarded(perfbudget_error** error, perfbudget_status data_code, Body&& body) noexcept {
    if (error) *error = nullptr;
    const auto unplaced = [](const std::string& en, const std::string& zh) {
        return std::vector<Diagnostic>{Diagnostic{SourceLocation{}, en, zh}};
    };
    try {
        body();
        return PERFBUDGET_OK;
    } catch (const OptionsError& e) {
        set_error(error, PERFBUDGET_ERROR_ARGUMENT, e.diagnostics());
        return PERFBUDGET_ERROR_ARGUMENT;
    } catch (const Error& e) {
        set_error(error, data_code, e.diagnostics());
        return data_code;
    } catch (const std::bad_alloc&) {
        set_error(error, PERFBUDGET_ERROR_MEMORY, unplaced("out of memory", "内存不足"));
        return PERFBUDGET_ERROR_MEMORY;
    } catch (const std::exception& e) {
        try {
            set_error(error, PERFBUDGET_ERROR_INTERNAL,
                      unplaced(std::string("internal error: ") + e.what(), std::string("内部错误：") + e.what()));
        } catch (...) {
        }
        return PERFBUDGET_ERROR_INTERNAL;
    } catch (...) {
        try {
            set_error(error, PERFBUDGET_ERROR_INTERNAL, unplaced("internal error", "内部错误"));
        } catch (...) {
        }
        return PERFBUDGET_ERROR_INTERNAL;
    }
}

// ---------------------------------------------------------------------------
// Results: the stage's JSON output, each project's fields flattened to paths.

std::string scalar_text(const nlohmann::json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_boolean()) return j.get<bool>() ? "1" : "0";
    return j.dump(); // integers (counts); exact numbers are strings already
}

void flatten(const nlohmann::json& j, const std::string& path, perfbudget_result::Entry& out) {
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) flatten(value, path.empty() ? key : path + '/' + key, out);
    } else if (j.is_array()) {
        out.sizes[path] = j.size();
        if (std::all_of(j.begin(), j.end(), [](const nlohmann::json& e) { return e.is_primitive() && !e.is_null(); })) {
            std::string joined; // a list of names, as the CSV's `reasons` column: "a;b"
            for (const auto& e : j) {
                if (!joined.empty()) joined += ';';
                joined += scalar_text(e);
            }
            out.values[path] = std::move(joined);
        }
        for (std::size_t k = 0; k < j.size(); ++k) flatten(j[k], path + '/' + std::to_string(k), out);
    } else if (!j.is_null()) {
        out.values[path] = scalar_text(j);
    }
}

/// What a stage's batch call gives: its JSON output and its notices.
struct StageOutput {
    std::string json;
    std::vector<Diagnostic> notices;
};

std::unique_ptr<perfbudget_result> result_of(StageOutput out) {
    auto r = std::make_unique<perfbudget_result>();
    std::string& text = out.json;
    r->notices_zh = lines_of(out.notices, Lang::zh);
    r->notices_en = lines_of(out.notices, Lang::en);
    const nlohmann::json doc = nlohmann::json::parse(text);
    for (const nlohmann::json& project : doc) {
        perfbudget_result::Entry& e = r->projects.emplace_back();
        flatten(project, "", e);
        if (const auto ex = project.find("explanation"); ex != project.end())
            for (const auto& line : *ex)
                e.explanation += line.value("rule", "") + " [" + line.value("source", "") + "] " + line.value("text", "") + '\n';
    }
    r->json = std::move(text);
    return r;
}

// ---------------------------------------------------------------------------
// Running a stage: the library's batch call with JSON output into a private
// temporary directory.

/// A directory of its own under the system's temporary directory, removed with its files.
class TempDir {
    /// TMPDIR when set; else, for the few kilobytes of one project (`small`),
    /// /dev/shm (memory) when this process may write there, as the files live for
    /// one call (0.64 ms against 1.04 ms through /tmp, docs/embedding.md); else the
    /// system's temporary directory. A batch given as text may be large, and
    /// /dev/shm is often small (64 MB in a container): it goes to the disk.
    static std::filesystem::path temp_base(bool small, std::error_code& ec) {
        const char* tmpdir = std::getenv("TMPDIR");
        if (small && (!tmpdir || !*tmpdir) && ::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
        return std::filesystem::temp_directory_path(ec);
    }

public:
    /// `small`: the files hold one project (temp_base()).
    explicit TempDir(bool small) {
        std::error_code ec;
        const std::filesystem::path base = temp_base(small, ec);
        std::string pattern = (base / "perfbudget-XXXXXX").string();
        if (ec || !::mkdtemp(pattern.data())) {
            const std::string why = ec ? ec.message() : std::strerror(errno);
            throw Error(SourceLocation{pattern, 0, 0}, "cannot create a temporary directory (TMPDIR): " + why,
                        "无法创建临时目录（TMPDIR）：" + why);
        }
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const char* name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

void write_file(const std::string& path, std::string_view text) {
    std::ofstream f(path, std::ios::binary);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!f.flush()) throw Error(SourceLocation{path, 0, 0}, "cannot write a temporary file", "无法写入临时文件");
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (!f) throw Error(SourceLocation{path, 0, 0}, "cannot read the results", "无法读取结果");
    return text;
}

/// Where problems in a temporary input file are reported instead: under `name`,
/// at the line minus `line_offset` (0 when that leaves none).
struct Placement {
    std::string temp_file;
    std::string name;
    std::uint32_t line_offset = 0;
};

std::optional<int> year_of(const char* text) {
    if (!text || !*text) return std::nullopt;
    const std::string y = text;
    const bool ok = y.size() == 4 && std::all_of(y.begin(), y.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ok || y < "1900")
        throw ArgumentError("year must be a budget year such as 2023 (1900–9999), not \"" + y + "\"",
                            "year 须为预算年度，如 2023（1900–9999），而不是“" + y + "”");
    return std::stoi(y);
}

Date as_of_of(const char* text) {
    const std::optional<Date> d = text ? parse_date(text) : std::nullopt;
    if (!d)
        throw ArgumentError("as_of must be a date YYYY-MM-DD, not " + std::string(text ? text : "NULL"),
                            "as_of 须为日期 YYYY-MM-DD，而不是 " + std::string(text ? text : "NULL"));
    return *d;
}

Encoding encoding_of(const char* text) {
    const std::string e = text ? text : "utf8";
    if (e == "utf8" || e == "utf-8" || e == "UTF-8") return Encoding::utf8;
    if (e == "gbk" || e == "GBK" || e == "gb18030" || e == "GB18030") return Encoding::gbk;
    throw ArgumentError("encoding must be utf8 or gbk, not " + e, "encoding 须为 utf8 或 gbk，而不是 " + e);
}

/// The options every stage shares, copied into the stage's own.
template <class Options>
Options stage_options(const perfbudget_batch& b, const std::string& projects, const std::string& out) {
    Options o;
    o.projects = projects;
    o.out = out;
    o.format = OutputFormat::json;
    o.lang = lang_of(b.lang);
    o.year = year_of(b.year);
    o.encoding = encoding_of(b.encoding);
    return o;
}

/// Runs `stage` on the files with the library's batch call: the JSON it writes and its notices.
StageOutput run_stage(const RuleBook& book, const perfbudget_batch& b, const std::string& projects,
                      const std::string& second, const TempDir& dir) {
    StageOutput result;
    const std::string out = dir.file("results.json");
    switch (b.stage) {
    case PERFBUDGET_EVALUATE: {
        auto o = stage_options<EvaluateOptions>(b, projects, out);
        o.indicators = second;
        result.notices = evaluate_files(o, book).notices;
        break;
    }
    case PERFBUDGET_MONITOR: {
        MonitorOptions o;
        o.as_of = as_of_of(b.as_of);
        o.files = stage_options<EvaluateOptions>(b, projects, out);
        o.files.indicators = second;
        result.notices = monitor_files(o, book).notices;
        break;
    }
    case PERFBUDGET_REVIEW: {
        auto o = stage_options<ReviewOptions>(b, projects, out);
        o.indicators = second;
        result.notices = review_files(o, book).notices;
        break;
    }
    case PERFBUDGET_ASSESS: {
        auto o = stage_options<AssessOptions>(b, projects, out);
        o.assessments = second;
        result.notices = assess_files(o, book).notices;
        break;
    }
    default:
        throw ArgumentError("stage must be one of PERFBUDGET_EVALUATE, _MONITOR, _REVIEW, _ASSESS",
                            "stage 须为 PERFBUDGET_EVALUATE、_MONITOR、_REVIEW 或 _ASSESS");
    }
    result.json = read_file(out);
    return result;
}

/// Places problems and notices in the temporary input files at the caller's names.
void relocate(std::vector<Diagnostic>& ds, const std::vector<Placement>& places) {
    for (Diagnostic& d : ds)
        for (const Placement& p : places)
            if (d.where.file == p.temp_file) {
                d.where.file = p.name;
                d.where.line = d.where.line > p.line_offset ? d.where.line - p.line_offset : 0;
                if (!d.where.line) d.where.column = 0;
            }
}

/// run_stage(), its problems and notices placed by `places`.
StageOutput run_placed(const std::vector<Placement>& places, const RuleBook& book, const perfbudget_batch& b,
                       const std::string& projects, const std::string& second, const TempDir& dir) {
    try {
        StageOutput out = run_stage(book, b, projects, second, dir);
        relocate(out.notices, places);
        return out;
    } catch (const OptionsError&) {
        throw;
    } catch (const Error& e) {
        std::vector<Diagnostic> problems = e.diagnostics();
        relocate(problems, places);
        throw Error(std::move(problems));
    }
}

const char* second_name(perfbudget_stage stage) { return stage == PERFBUDGET_ASSESS ? "assessments.csv" : "indicators.csv"; }

// ---------------------------------------------------------------------------
// A project given as C structs, written as the CSV rows its fields are.

/// A field of a C struct and the CSV column it is written to.
template <class Record>
struct Field {
    const char* id;
    const char* Record::*member;
};

constexpr std::array<Field<perfbudget_project>, 11> project_fields{{
    {"project_id", &perfbudget_project::project_id},
    {"name", &perfbudget_project::name},
    {"department", &perfbudget_project::department},
    {"budget", &perfbudget_project::budget},
    {"spent", &perfbudget_project::spent},
    {"budget_kind", &perfbudget_project::budget_kind},
    {"fund_source", &perfbudget_project::fund_source},
    {"category", &perfbudget_project::category},
    {"year", &perfbudget_project::year},
    {"rectification", &perfbudget_project::rectification},
    {"goal", &perfbudget_project::goal},
}};
constexpr std::array<Field<perfbudget_indicator>, 11> indicator_fields{{
    {"level1", &perfbudget_indicator::level1},
    {"level2", &perfbudget_indicator::level2},
    {"name", &perfbudget_indicator::name},
    {"direction", &perfbudget_indicator::direction},
    {"target", &perfbudget_indicator::target},
    {"actual", &perfbudget_indicator::actual},
    {"unit", &perfbudget_indicator::unit},
    {"weight", &perfbudget_indicator::weight},
    {"expected", &perfbudget_indicator::expected},
    {"likelihood", &perfbudget_indicator::likelihood},
    {"last_year_actual", &perfbudget_indicator::last_year_actual},
}};
constexpr std::array<Field<perfbudget_score>, 3> score_fields{{
    {"expert", &perfbudget_score::expert},
    {"dimension", &perfbudget_score::dimension},
    {"score", &perfbudget_score::score},
}};

/// A CSV file of `count` records: a `project_id` column first when `project_id`
/// is given (the same on every row), then the fields, each cell quoted as needed.
template <class Record, std::size_t N>
std::string csv_of(const std::array<Field<Record>, N>& fields, const Record* records, std::size_t count,
                   const char* project_id) {
    std::string out;
    if (project_id) out = "project_id";
    for (const Field<Record>& f : fields) {
        if (!out.empty()) out += ',';
        out += f.id;
    }
    out += '\n';
    for (std::size_t i = 0; i < count; ++i) {
        if (project_id) {
            append_csv_field(out, project_id);
            out += ',';
        }
        for (std::size_t k = 0; k < N; ++k) {
            const char* value = records[i].*fields[k].member;
            append_csv_field(out, value ? value : "");
            out += k + 1 < N ? ',' : '\n';
        }
    }
    return out;
}

perfbudget_status run_project(const perfbudget_rules* rules, perfbudget_stage stage, const perfbudget_project* project,
                              const perfbudget_score* scores, std::size_t score_count, const char* as_of,
                              perfbudget_lang lang, perfbudget_result** out, perfbudget_error** error) {
    return guarded(error, PERFBUDGET_ERROR_DATA, [&] {
        perfbudget_result*& result = required(out, "out");
        result = nullptr;
        const RuleBook& book = *required(rules, "rules").book;
        const perfbudget_project& p = required(project, "project");
        if (p.indicator_count && !p.indicators)
            throw ArgumentError("project.indicators is NULL but indicator_count is not 0",
                                "project.indicators 为 NULL，而 indicator_count 不为 0");
        if (score_count && !scores)
            throw ArgumentError("scores is NULL but score_count is not 0", "scores 为 NULL，而 score_count 不为 0");
        const char* id = p.project_id ? p.project_id : "";
        const TempDir dir(true); // one project
        const std::string projects = dir.file("projects.csv"), second = dir.file(second_name(stage));
        write_file(projects, csv_of(project_fields, &p, 1, nullptr));
        if (stage == PERFBUDGET_ASSESS)
            write_file(second, csv_of(score_fields, scores, score_count, id));
        else
            write_file(second, csv_of(indicator_fields, p.indicators, p.indicator_count, id));
        const perfbudget_batch batch{stage, nullptr, nullptr, as_of, nullptr, lang, nullptr}; // cells are UTF-8
        // Line 1 is the header: the project is on line 2, record N on line N + 1.
        const std::vector<Placement> places{{projects, "project", 2},
                                            {second, stage == PERFBUDGET_ASSESS ? "score" : "indicator", 1}};
        std::unique_ptr<perfbudget_result> r = result_of(run_placed(places, book, batch, projects, second, dir));
        if (r->projects.empty()) // assess leaves out a project without scores; asked for one, that is an error
            throw Error(SourceLocation{"score", 0, 0},
                        "project " + std::string(id) + " has no expert scores: every expert scores every dimension",
                        "项目 " + std::string(id) + " 没有专家评分：每位专家须对每个维度评分");
        result = r.release();
    });
}

perfbudget_status run_batch(const perfbudget_rules* rules, const perfbudget_batch* batch, bool text,
                            perfbudget_result** out, perfbudget_error** error) {
    return guarded(error, PERFBUDGET_ERROR_DATA, [&] {
        perfbudget_result*& result = required(out, "out");
        result = nullptr;
        const RuleBook& book = *required(rules, "rules").book;
        const perfbudget_batch& b = required(batch, "batch");
        const char* projects = &required(b.projects, "batch.projects");
        const char* second = &required(b.second, "batch.second");
        const TempDir dir(false); // a batch, perhaps large
        if (text) {
            const std::string p = dir.file("projects.csv"), s = dir.file(second_name(b.stage));
            write_file(p, projects);
            write_file(s, second);
            result = result_of(run_placed({{p, "projects.csv", 0}, {s, second_name(b.stage), 0}}, book, b, p, s, dir)).release();
        } else {
            result = result_of(run_placed({}, book, b, projects, second, dir)).release();
        }
    });
}

const perfbudget_result::Entry* entry(const perfbudget_result* r, std::size_t i) {
    return r && i < r->projects.size() ? &r->projects[i] : nullptr;
}

const Diagnostic* problem(const perfbudget_error* e, std::size_t i) {
    return e && i < e->problems.size() ? &e->problems[i] : nullptr;
}

perfbudget_status load(perfbudget_rules** out, perfbudget_error** error, const auto& load_book) {
    return guarded(error, PERFBUDGET_ERROR_RULES, [&] {
        perfbudget_rules*& rules = required(out, "out");
        rules = nullptr;
        auto r = std::make_unique<perfbudget_rules>();
        r->owned = std::make_unique<const RuleBook>(load_book());
        r->book = r->owned.get();
        rules = r.release();
    });
}

} // namespace

extern "C" {

const perfbudget_version_info* perfbudget_version(void) noexcept {
    static const perfbudget_version_info info{PERFBUDGET_API_VERSION, PERFBUDGET_ABI_VERSION, PERFBUDGET_VERSION};
    return &info;
}

perfbudget_status perfbudget_error_code(const perfbudget_error* error) noexcept {
    return error ? error->code : PERFBUDGET_OK;
}
const char* perfbudget_error_message(const perfbudget_error* error, perfbudget_lang lang) noexcept {
    if (!error) return nullptr;
    return (lang == PERFBUDGET_EN ? error->message_en : error->message_zh).c_str();
}
size_t perfbudget_error_count(const perfbudget_error* error) noexcept { return error ? error->problems.size() : 0; }
const char* perfbudget_error_file(const perfbudget_error* error, size_t i) noexcept {
    const Diagnostic* d = problem(error, i);
    return text_or_null(d ? &d->where.file : nullptr);
}
unsigned perfbudget_error_line(const perfbudget_error* error, size_t i) noexcept {
    const Diagnostic* d = problem(error, i);
    return d ? d->where.line : 0;
}
unsigned perfbudget_error_column(const perfbudget_error* error, size_t i) noexcept {
    const Diagnostic* d = problem(error, i);
    return d ? d->where.column : 0;
}
const char* perfbudget_error_text(const perfbudget_error* error, size_t i, perfbudget_lang lang) noexcept {
    const Diagnostic* d = problem(error, i);
    return text_or_null(d ? &d->message(lang == PERFBUDGET_EN ? Lang::en : Lang::zh) : nullptr);
}
void perfbudget_error_free(perfbudget_error* error) noexcept { delete error; }

perfbudget_status perfbudget_rules_national(perfbudget_rules** out, perfbudget_error** error) noexcept {
    return guarded(error, PERFBUDGET_ERROR_RULES, [&] {
        perfbudget_rules*& rules = required(out, "out");
        rules = nullptr;
        auto r = std::make_unique<perfbudget_rules>();
        r->book = &national_rules();
        rules = r.release();
    });
}
perfbudget_status perfbudget_rules_load_file(const char* path, perfbudget_rules** out, perfbudget_error** error) noexcept {
    return load(out, error, [&] { return load_rules_file(&required(path, "path")); });
}
perfbudget_status perfbudget_rules_load_text(const char* yaml, const char* file_name, const char* base_dir,
                                             perfbudget_rules** out, perfbudget_error** error) noexcept {
    return load(out, error, [&] {
        LoadLimits limits;
        limits.base_dir = base_dir ? base_dir : "";
        return load_rules_text(&required(yaml, "yaml"), file_name ? file_name : "<rules>", limits);
    });
}
const char* perfbudget_rules_name(const perfbudget_rules* rules) noexcept {
    return rules && rules->book ? rules->book->name().c_str() : nullptr;
}
void perfbudget_rules_free(perfbudget_rules* rules) noexcept { delete rules; }

size_t perfbudget_result_count(const perfbudget_result* result) noexcept { return result ? result->projects.size() : 0; }
const char* perfbudget_result_get(const perfbudget_result* result, size_t i, const char* path) noexcept {
    const perfbudget_result::Entry* e = entry(result, i);
    if (!e || !path) return nullptr;
    const auto it = e->values.find(std::string_view(path));
    return it == e->values.end() ? nullptr : it->second.c_str();
}
size_t perfbudget_result_size(const perfbudget_result* result, size_t i, const char* path) noexcept {
    const perfbudget_result::Entry* e = entry(result, i);
    if (!e || !path) return 0;
    const auto it = e->sizes.find(std::string_view(path));
    return it == e->sizes.end() ? 0 : it->second;
}
const char* perfbudget_result_explanation(const perfbudget_result* result, size_t i) noexcept {
    const perfbudget_result::Entry* e = entry(result, i);
    return e ? e->explanation.c_str() : nullptr;
}
const char* perfbudget_result_json(const perfbudget_result* result) noexcept { return result ? result->json.c_str() : nullptr; }
const char* perfbudget_result_notices(const perfbudget_result* result, perfbudget_lang lang) noexcept {
    if (!result) return nullptr;
    return (lang == PERFBUDGET_EN ? result->notices_en : result->notices_zh).c_str();
}
void perfbudget_result_free(perfbudget_result* result) noexcept { delete result; }

perfbudget_status perfbudget_evaluate(const perfbudget_rules* rules, const perfbudget_project* project,
                                      perfbudget_lang lang, perfbudget_result** out, perfbudget_error** error) noexcept {
    return run_project(rules, PERFBUDGET_EVALUATE, project, nullptr, 0, nullptr, lang, out, error);
}
perfbudget_status perfbudget_monitor(const perfbudget_rules* rules, const perfbudget_project* project, const char* as_of,
                                     perfbudget_lang lang, perfbudget_result** out, perfbudget_error** error) noexcept {
    return run_project(rules, PERFBUDGET_MONITOR, project, nullptr, 0, as_of, lang, out, error);
}
perfbudget_status perfbudget_review(const perfbudget_rules* rules, const perfbudget_project* project,
                                    perfbudget_lang lang, perfbudget_result** out, perfbudget_error** error) noexcept {
    return run_project(rules, PERFBUDGET_REVIEW, project, nullptr, 0, nullptr, lang, out, error);
}
perfbudget_status perfbudget_assess(const perfbudget_rules* rules, const perfbudget_project* project,
                                    const perfbudget_score* scores, size_t score_count, perfbudget_lang lang,
                                    perfbudget_result** out, perfbudget_error** error) noexcept {
    return run_project(rules, PERFBUDGET_ASSESS, project, scores, score_count, nullptr, lang, out, error);
}
perfbudget_status perfbudget_run_files(const perfbudget_rules* rules, const perfbudget_batch* batch,
                                       perfbudget_result** out, perfbudget_error** error) noexcept {
    return run_batch(rules, batch, false, out, error);
}
perfbudget_status perfbudget_run_csv(const perfbudget_rules* rules, const perfbudget_batch* batch,
                                     perfbudget_result** out, perfbudget_error** error) noexcept {
    return run_batch(rules, batch, true, out, error);
}

} // extern "C"
