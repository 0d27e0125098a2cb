// perfbudget — command-line shell over the library (SPEC §11).
//
// Every command is a thin layer: parse arguments, call the library, print
// problems. Exit codes: 0 success, 1 bad data or rules (every problem listed on
// stderr with file:line[:column]), 2 bad usage.
#include "perfbudget/assess.hpp"
#include "perfbudget/batch.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/monitor.hpp"
#include "perfbudget/report.hpp"
#include "perfbudget/review.hpp"
#include "perfbudget/testing.hpp"

#include "../summary_support.hpp"
#include "forms_cmd.hpp"
#include "help.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace perfbudget;

constexpr int exit_ok = 0, exit_data = 1, exit_usage = 2;

const char* const usage_text =
    "usage:\n"
    "  perfbudget evaluate --projects P.csv --indicators I.csv [--rules R.yaml] [--out F]\n"
    "                      [--format csv|json|xlsx] [--lang zh|en] [--explain] [--encoding utf8|gbk]\n"
    "                      [--year YYYY]  (budget year of projects with no `year` value)\n"
    "                      [--excel] [--output-encoding utf8|gbk] [--money-unit yuan|wan]  (output for Excel)\n"
    "  perfbudget monitor --projects P.csv --indicators I.csv --as-of YYYY-MM-DD [--rules R.yaml]\n"
    "                      [--out F] [--summary S.json] [--format csv|json|xlsx] [--lang zh|en] [--encoding utf8|gbk]\n"
    "                      [--year YYYY]  (--summary: projects and money by light and department, JSON)\n"
    "  perfbudget assess --projects P.csv --assessments A.csv [--rules R.yaml] [--out F]\n"
    "                      [--summary S.json] [--format csv|json|xlsx] [--lang zh|en] [--encoding utf8|gbk]\n"
    "                      [--year YYYY]  (ex-ante assessment from expert scores; --summary: by grade, JSON)\n"
    "  perfbudget review --projects P.csv --indicators I.csv [--rules R.yaml] [--out F]\n"
    "                      [--summary S.json] [--format csv|json|xlsx] [--lang zh|en] [--encoding utf8|gbk]\n"
    "                      [--year YYYY]  (target review; --summary: by grade and admission, JSON)\n"
    "  monitor, review and assess also take --excel, --output-encoding and --money-unit (docs/output.md)\n"
    "  perfbudget report --projects P.csv --indicators I.csv [--as-of YYYY-MM-DD] [--review] [--assessments A.csv]\n"
    "                      [--rules R.yaml]\n"
    "                      --out report.html|.md|.json|.xlsx [--format html|md|json|xlsx] [--lang zh|en]\n"
    "                      [--encoding utf8|gbk] [--year YYYY] [--max-listed N]  (roll-up for leadership)\n"
    "  perfbudget evaluate --forms BOOK.xlsx|FOLDER [--format csv|json|forms] [--differences D.csv] ...\n"
    "                      (self-evaluation forms 项目支出绩效自评表, docs/forms.md)\n"
    "  perfbudget check R.yaml...        validate rule files\n"
    "  perfbudget test T.yaml...         run YAML test cases (docs/testing.md) [--lang zh|en]\n"
    "  perfbudget rules                  print the built-in national rules\n"
    "  perfbudget --help | --version\n"
    "Without --rules the national rules built into the program apply.\n"
    "Exit status: 0 success, 1 bad data or rules, 2 bad usage.\n";

struct UsageError {
    std::string message;
};

/// --key value options and --flags after the command name.
struct Args {
    std::map<std::string, std::string> values;
    std::vector<std::string> flags;
    std::vector<std::string> positional;

    std::optional<std::string> get(const std::string& key) const {
        auto it = values.find(key);
        return it == values.end() ? std::nullopt : std::optional(it->second);
    }
    bool has(const std::string& flag) const {
        for (const auto& f : flags)
            if (f == flag) return true;
        return false;
    }
};

Args parse(int argc, char** argv, int first, const std::vector<std::string>& valued, const std::vector<std::string>& flags) {
    Args a;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) != 0) {
            a.positional.push_back(s);
            continue;
        }
        std::string value;
        bool inline_value = false;
        if (auto eq = s.find('='); eq != std::string::npos) {
            value = s.substr(eq + 1);
            s = s.substr(0, eq);
            inline_value = true;
        }
        const std::string key = s.substr(2);
        if (std::find(valued.begin(), valued.end(), key) != valued.end()) {
            if (!inline_value) {
                if (i + 1 >= argc) throw UsageError{"option " + s + " needs a value"};
                value = argv[++i];
            }
            if (a.values.count(key)) throw UsageError{"option " + s + " given twice"};
            a.values[key] = value;
        } else if (std::find(flags.begin(), flags.end(), key) != flags.end() && !inline_value) {
            a.flags.push_back(key);
        } else {
            throw UsageError{"unknown option " + s};
        }
    }
    return a;
}

/// `options` and the valued option of the output table (--excel is a flag;
/// --money-unit is an input option too, listed with them).
std::vector<std::string> with_table(std::vector<std::string> options) {
    options.emplace_back("output-encoding");
    return options;
}

Lang lang_of(const Args& a) {
    const std::string l = a.get("lang").value_or("zh");
    if (l == "zh") return Lang::zh;
    if (l == "en") return Lang::en;
    throw UsageError{"--lang must be zh or en, not " + l};
}

void print(const std::vector<Diagnostic>& ds, Lang lang) {
    for (const auto& d : ds) std::cerr << d.to_string(lang) << '\n';
}

Encoding encoding_of(const Args& a, const std::string& option) {
    const std::string enc = a.get(option).value_or("utf8");
    if (enc == "utf8" || enc == "utf-8") return Encoding::utf8;
    if (enc == "gbk" || enc == "gb18030") return Encoding::gbk;
    throw UsageError{"--" + option + " must be utf8 or gbk, not " + enc};
}

/// The output for people (SPEC §11, docs/output.md). CSV output is written in
/// the inputs' encoding (`--encoding gbk`: Excel's GBK in, GBK out), unless
/// `--output-encoding` says otherwise or `--excel` asks for UTF-8 with a BOM.
/// Chinese headers only for `--lang zh` written on the command line (a workbook
/// has them unless `--lang en`).
void table_options(const Args& a, EvaluateOptions& opt) {
    TableStyle& t = opt.table;
    t.bom = a.has("excel");
    const bool explicit_encoding = a.get("output-encoding").has_value();
    if (explicit_encoding) t.encoding = encoding_of(a, "output-encoding");
    else t.encoding = opt.format == OutputFormat::csv && !t.bom ? opt.encoding : Encoding::utf8;
    const std::optional<std::string> lang = a.get("lang");
    t.chinese_headers = lang ? *lang == "zh" : opt.format == OutputFormat::xlsx;
    if (t.bom && t.encoding == Encoding::gbk)
        throw UsageError{"--excel writes UTF-8 with a BOM; --output-encoding gbk writes GBK: give one of them"};
    if ((t.bom || explicit_encoding) && opt.format != OutputFormat::csv)
        throw UsageError{"--excel and --output-encoding are for CSV output (JSON is UTF-8; a workbook has no encoding)"};
}

/// The input and output options evaluate and monitor share.
EvaluateOptions file_options(const Args& a, const std::string& cmd) {
    if (!a.positional.empty()) throw UsageError{"unexpected argument " + a.positional.front()};
    EvaluateOptions opt;
    opt.lang = lang_of(a);
    if (!a.get("projects") || !a.get("indicators")) throw UsageError{cmd + " needs --projects and --indicators"};
    opt.projects = *a.get("projects");
    opt.indicators = *a.get("indicators");
    opt.out = a.get("out").value_or("");
    // Without --format, the --out name says it, as for `report`: results.xlsx is a
    // workbook and results.json JSON (an .xlsx holding CSV text would not open in Excel).
    std::string format = a.get("format").value_or("");
    if (format.empty()) {
        const auto by_name = report_format_of_path(opt.out);
        format = by_name == ReportFormat::xlsx ? "xlsx" : by_name == ReportFormat::json ? "json" : "csv";
    }
    if (format == "csv") opt.format = OutputFormat::csv;
    else if (format == "json") opt.format = OutputFormat::json;
    else if (format == "xlsx") opt.format = OutputFormat::xlsx;
    else throw UsageError{"--format must be csv or json, or xlsx for a workbook, not " + format};
    opt.encoding = encoding_of(a, "encoding");
    const std::string unit = a.get("money-unit").value_or("yuan");
    if (unit == "yuan" || unit == "元") opt.money_unit = MoneyUnit::yuan;
    else if (unit == "wan" || unit == "万元") opt.money_unit = MoneyUnit::wan;
    else throw UsageError{"--money-unit must be yuan or wan, not " + unit};
    opt.fill_down = a.has("fill-down");
    opt.sheet = a.get("sheet").value_or("");
    if (const auto t = a.get("threads")) {
        const bool ok = !t->empty() && t->size() <= 3 && std::all_of(t->begin(), t->end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!ok || std::stoi(*t) < 1) throw UsageError{"--threads must be a whole number of threads from 1 to 999, not " + *t};
        opt.threads = static_cast<unsigned>(std::stoi(*t));
    }
    table_options(a, opt);
    if (const auto y = a.get("year")) {
        const bool ok = y->size() == 4 && std::all_of(y->begin(), y->end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!ok || *y < "1900") throw UsageError{"--year must be a budget year such as 2023 (1900–9999), not " + *y};
        opt.year = std::stoi(*y);
    }
    return opt;
}

/// The rules of --rules, or the built-in national rules; `loaded` keeps a file's.
/// Throws OptionsError, before reading anything, when --out or --summary names the
/// rule file: a run would replace the county's rules with its results.
const RuleBook& rules_of(const Args& a, std::optional<RuleBook>& loaded) {
    if (!a.get("rules")) return national_rules();
    const std::string file = *a.get("rules");
    if (const auto out = a.get("out")) detail::check_not_input(*out, "output", "输出", file, "rules", "规则");
    if (const auto summary = a.get("summary")) detail::check_not_input(*summary, "summary", "汇总", file, "rules", "规则");
    loaded.emplace(load_rules_file(file));
    return *loaded;
}

void print_notices(const std::vector<Diagnostic>& notices, std::size_t dropped, Lang lang) {
    print(notices, lang);
    if (dropped)
        std::cerr << (lang == Lang::zh ? "……另有 " + std::to_string(dropped) + " 条提示\n"
                                       : "… and " + std::to_string(dropped) + " more notices\n");
}

/// The options review and assess share with evaluate's, copied into theirs.
template <class Options>
void copy_shared(const Args& a, const EvaluateOptions& files, Options& opt) {
    opt.projects = files.projects;
    opt.out = files.out;
    opt.summary = a.get("summary").value_or("");
    static_cast<InputOptions&>(opt) = files;
    opt.format = files.format;
    opt.lang = files.lang;
    opt.year = files.year;
    opt.table = files.table;
}

/// Loads the rules and runs a command whose `run(rules)` writes its files and returns
/// its stderr summary: bad options exit 2, bad data or rules exit 1.
/// `as_of`, when given, is named beside the rules.
template <class Run>
int run_with_summary(const Args& a, Lang lang, Run&& run, const std::string& as_of = {}) {
    try {
        std::optional<RuleBook> loaded;
        const RuleBook& rules = rules_of(a, loaded);
        const std::string text = run(rules);
        const bool zh = lang == Lang::zh;
        const std::string date = as_of.empty() ? std::string() : (zh ? "，截至 " : ", as of ") + as_of;
        std::cerr << text << (zh ? "（规则：" + rules.name() + date + "）\n" : "(rules: " + rules.name() + date + ")\n");
        return exit_ok;
    } catch (const OptionsError& e) {
        print(e.diagnostics(), lang);
        return exit_usage;
    } catch (const Error& e) {
        print(e.diagnostics(), lang);
        return exit_data;
    }
}

int cmd_evaluate(int argc, char** argv) {
    const Args a = parse(argc, argv, 2,
                         with_table({"projects", "indicators", "rules", "out", "format", "lang", "encoding", "year", "money-unit", "sheet",
                                     "threads"}),
                         {"explain", "fill-down", "excel", "ordered"});
    EvaluateOptions opt = file_options(a, "evaluate");
    opt.explain = a.has("explain");
    opt.ordered = a.has("ordered");

    return run_with_summary(a, opt.lang, [&](const RuleBook& rules) {
        const BatchSummary s = evaluate_files(opt, rules);
        print_notices(s.notices, s.notices_dropped, opt.lang);
        return opt.lang == Lang::zh ? "已评价 " + std::to_string(s.projects) + " 个项目、" + std::to_string(s.indicators) + " 个指标"
                                    : "evaluated " + std::to_string(s.projects) + " projects, " + std::to_string(s.indicators) + " indicators ";
    });
}

int cmd_monitor(int argc, char** argv) {
    const Args a = parse(argc, argv, 2,
                         with_table({"projects", "indicators", "as-of", "rules", "out", "summary", "format", "lang", "encoding", "year",
                          "money-unit", "sheet", "threads"}),
                         {"fill-down", "excel", "ordered"});
    MonitorOptions opt;
    opt.files = file_options(a, "monitor");
    opt.files.ordered = a.has("ordered");
    if (const auto summary = a.get("summary")) opt.summary = *summary;
    const auto as_of_text = a.get("as-of");
    if (!as_of_text) throw UsageError{"monitor needs --as-of YYYY-MM-DD"};
    const std::optional<Date> as_of = parse_date(*as_of_text);
    if (!as_of) throw UsageError{"--as-of must be a date YYYY-MM-DD, not " + *as_of_text};
    opt.as_of = *as_of;
    const Lang lang = opt.files.lang;
    return run_with_summary(
        a, lang,
        [&](const RuleBook& rules) {
            const MonitorSummary s = monitor_files(opt, rules);
            print_notices(s.notices, 0, lang);
            return monitor_summary_text(s, lang);
        },
        *as_of_text);
}

int cmd_review(int argc, char** argv) {
    const Args a = parse(argc, argv, 2,
                         with_table({"projects", "indicators", "rules", "out", "summary", "format", "lang", "encoding", "year",
                          "money-unit", "sheet", "threads"}),
                         {"fill-down", "excel"});
    const EvaluateOptions files = file_options(a, "review");
    ReviewOptions opt;
    copy_shared(a, files, opt);
    opt.threads = files.threads;
    opt.indicators = files.indicators;
    return run_with_summary(a, opt.lang, [&](const RuleBook& rules) {
        const ReviewSummary s = review_files(opt, rules);
        print_notices(s.notices, 0, opt.lang);
        return review_summary_text(s, opt.lang);
    });
}

int cmd_assess(int argc, char** argv) {
    const Args a = parse(argc, argv, 2,
                         with_table({"projects", "assessments", "rules", "out", "summary", "format", "lang", "encoding", "year",
                          "money-unit", "sheet"}),
                         {"fill-down", "excel"});
    if (!a.get("projects") || !a.get("assessments")) throw UsageError{"assess needs --projects and --assessments"};
    Args shared = a; // the options evaluate reads, with assessments in the indicators' place
    shared.values["indicators"] = *a.get("assessments");
    const EvaluateOptions files = file_options(shared, "assess");
    AssessOptions opt;
    copy_shared(a, files, opt);
    opt.assessments = files.indicators;
    return run_with_summary(a, opt.lang, [&](const RuleBook& rules) {
        const AssessSummary s = assess_files(opt, rules);
        print_notices(s.notices, 0, opt.lang);
        return assess_summary_text(s, opt.lang);
    });
}

int cmd_report(int argc, char** argv) {
    const Args a = parse(argc, argv, 2,
                         {"projects", "indicators", "as-of", "rules", "out", "format", "lang", "encoding", "year", "max-listed",
                          "money-unit", "sheet", "assessments"},
                         {"fill-down", "review"});
    Args shared = a; // evaluate's options; the report's formats are its own
    shared.values.erase("format");
    ReportOptions opt;
    opt.files = file_options(shared, "report");
    const std::string format = a.get("format").value_or("");
    if (format == "json") opt.format = ReportFormat::json;
    else if (format == "md" || format == "markdown") opt.format = ReportFormat::markdown;
    else if (format == "html") opt.format = ReportFormat::html;
    else if (format == "xlsx") opt.format = ReportFormat::xlsx;
    else if (!format.empty()) throw UsageError{"--format must be html, md, json or xlsx, not " + format};
    else if (const auto by_name = report_format_of_path(opt.files.out)) opt.format = *by_name;
    else throw UsageError{"report needs --format html|md|json|xlsx or an --out file ending in .html, .md, .json or .xlsx"};
    if (const auto as_of_text = a.get("as-of")) {
        opt.as_of = parse_date(*as_of_text);
        if (!opt.as_of) throw UsageError{"--as-of must be a date YYYY-MM-DD, not " + *as_of_text};
    }
    opt.review = a.has("review");
    opt.assessments = a.get("assessments").value_or("");
    if (const auto n = a.get("max-listed")) {
        if (n->empty() || n->size() > 7 || !std::all_of(n->begin(), n->end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw UsageError{"--max-listed must be a number of projects (0–9999999), not " + *n};
        opt.max_listed = std::stoul(*n);
    }
    return run_with_summary(
        a, opt.files.lang,
        [&](const RuleBook& rules) {
            const Report r = report_files(opt, rules);
            print_notices(r.notices, r.notices_dropped, opt.files.lang);
            return report_summary_text(r, opt.files.lang);
        },
        a.get("as-of").value_or(""));
}

int cmd_check(int argc, char** argv) {
    const Args a = parse(argc, argv, 2, {"lang"}, {});
    const Lang lang = lang_of(a);
    if (a.positional.empty()) throw UsageError{"check needs one or more rule files"};
    int status = exit_ok;
    for (const auto& file : a.positional) {
        try {
            const RuleBook r = load_rules_file(file);
            std::vector<const Diagnostic*> notes; // of every period, each once
            for (const RuleSet& period : r.periods())
                for (const auto* list : {&period.custom.notes, &period.monitoring.custom.notes, &period.review.custom.notes}) // every stage's steps
                    for (const Diagnostic& n : *list)
                        if (std::none_of(notes.begin(), notes.end(), [&](const Diagnostic* m) {
                                return m->where.to_string() == n.where.to_string() && m->en == n.en;
                            }))
                            notes.push_back(&n);
            for (const Diagnostic* n : notes) // remarks, not errors: the status stays 0
                std::cerr << n->where.to_string() << (lang == Lang::zh ? ": 提示: " : ": note: ") << n->message(lang) << '\n';
            std::cerr << file << ": " << (lang == Lang::zh ? "规则有效（" : "rules are valid (") << r.name()
                      << (lang == Lang::zh ? "）\n" : ")\n");
        } catch (const Error& e) {
            print(e.diagnostics(), lang);
            status = exit_data;
        }
    }
    return status;
}

/// Runs each test file; prints every failing case's diff, then "N passed, M failed".
/// A test file that cannot be loaded counts as one failure.
int cmd_test(int argc, char** argv) {
    const Args a = parse(argc, argv, 2, {"lang"}, {});
    const Lang lang = lang_of(a);
    if (a.positional.empty()) throw UsageError{"test needs one or more test files"};
    std::size_t passed = 0, failed = 0;
    for (const auto& file : a.positional) {
        try {
            const TestReport report = run_test_file(file);
            std::cout << report.diff(lang);
            passed += report.passed();
            failed += report.failed();
        } catch (const Error& e) {
            std::cout.flush();
            print(e.diagnostics(), lang);
            ++failed;
        }
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? exit_ok : exit_data;
}

} // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    if (argc < 2) {
        std::cerr << usage_text;
        return exit_usage;
    }
    const std::string cmd = argv[1];
    try {
        const bool zh = cli::help_in_chinese(argc, argv);
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            // `perfbudget help monitor` is `perfbudget monitor --help`.
            const std::string topic = cmd == "help" && argc > 2 && argv[2][0] != '-' ? argv[2] : "";
            const std::string text = cli::help_text(topic, zh);
            if (text.empty()) throw UsageError{"unknown command " + topic};
            std::cout << text;
            return exit_ok;
        }
        for (int i = 2; i < argc; ++i) {
            const std::string_view a = argv[i];
            if (a != "--help" && a != "-h") continue;
            const std::string text = cli::help_text(cmd, zh);
            if (text.empty()) throw UsageError{"unknown command " + cmd};
            std::cout << text;
            return exit_ok;
        }
        if (cmd == "--version") {
            // The rule-file format changes when a file valid before is no longer
            // (0.2: one section per stage); the program's version with every release.
            std::cout << "perfbudget " PERFBUDGET_VERSION "\n"
                      << (zh ? "规则文件格式 0.2（每个环节一节：evaluation、monitoring、review、assessment、rollup）\n"
                             : "rule-file format 0.2 (one section per stage: evaluation, monitoring, review, assessment, rollup)\n");
            return exit_ok;
        }
        if (cmd == "evaluate" && cli::has_forms_option(argc, argv)) return cli::evaluate_forms(argc, argv); // docs/forms.md
        if (cmd == "evaluate") return cmd_evaluate(argc, argv);
        if (cmd == "check") return cmd_check(argc, argv);
        if (cmd == "rules") {
            std::cout << national_rules_text();
            return exit_ok;
        }
        if (cmd == "test") return cmd_test(argc, argv);
        if (cmd == "monitor") return cmd_monitor(argc, argv);
        if (cmd == "assess") return cmd_assess(argc, argv);
        if (cmd == "review") return cmd_review(argc, argv);
        if (cmd == "report") return cmd_report(argc, argv);
        throw UsageError{"unknown command " + cmd};
    } catch (const UsageError& e) {
        std::cerr << "perfbudget: " << e.message << "\n" << usage_text;
        return exit_usage;
    } catch (const Error& e) {
        print(e.diagnostics(), Lang::en);
        return exit_data;
    } catch (const std::exception& e) {
        std::cerr << "perfbudget: internal error: " << e.what() << '\n';
        return exit_data;
    }
}
