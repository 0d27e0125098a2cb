// `perfbudget evaluate --forms PATH` (docs/forms.md): read every self-evaluation
// form of a workbook or folder, score it with the rules, write the evaluate CSV
// or JSON (or the forms themselves, filled in), and report where the unit's own
// scores differ from perfbudget's.
#include "forms_cmd.hpp"

#include "perfbudget/batch.hpp"
#include "perfbudget/forms.hpp"
#include "perfbudget/load.hpp"
#include "perfbudget/output.hpp"
#include "perfbudget/report.hpp"

#include "../summary_support.hpp"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>

namespace perfbudget::cli {

namespace {

constexpr int exit_ok = 0, exit_data = 1, exit_usage = 2;

struct Usage {
    std::string message;
};

struct FormsOptions {
    std::string forms, rules, out, differences;
    FormsFormat format = FormsFormat::csv;
    Lang lang = Lang::zh;
    bool explain = false;
    std::optional<int> year;
};

FormsOptions parse_options(int argc, char** argv) {
    static const char* const valued[] = {"forms", "rules", "out", "format", "lang", "year", "differences"};
    std::map<std::string, std::string> v;
    FormsOptions o;
    for (int i = 2; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) != 0) throw Usage{"unexpected argument " + s};
        if (s == "--explain") {
            o.explain = true;
            continue;
        }
        std::string value;
        const auto eq = s.find('=');
        const std::string key = s.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        if (std::none_of(std::begin(valued), std::end(valued), [&](const char* k) { return key == k; }))
            throw Usage{"unknown option --" + key + " (with --forms: --rules --out --format --differences --lang --year --explain)"};
        if (eq != std::string::npos) value = s.substr(eq + 1);
        else if (i + 1 < argc) value = argv[++i];
        else throw Usage{"option --" + key + " needs a value"};
        if (!v.emplace(key, value).second) throw Usage{"option --" + key + " given twice"};
    }
    o.forms = v["forms"];
    if (o.forms.empty()) throw Usage{"--forms needs a workbook (.xlsx) or a folder of workbooks"};
    o.rules = v["rules"];
    o.out = v["out"];
    o.differences = v["differences"];
    const std::string lang = v.count("lang") ? v["lang"] : "zh";
    if (lang != "zh" && lang != "en") throw Usage{"--lang must be zh or en, not " + lang};
    o.lang = lang == "zh" ? Lang::zh : Lang::en;
    // Without --format the --out name says it: .xlsx the filled-in forms (the one
    // workbook this command writes), .json JSON, else CSV (as evaluate and report).
    std::string format = v.count("format") ? v["format"] : "";
    if (format.empty()) {
        const auto by_name = report_format_of_path(o.out);
        format = by_name == ReportFormat::xlsx ? "forms" : by_name == ReportFormat::json ? "json" : "csv";
    }
    if (format == "csv") o.format = FormsFormat::csv;
    else if (format == "json") o.format = FormsFormat::json;
    else if (format == "forms") o.format = FormsFormat::forms;
    else throw Usage{"--format must be csv, json or forms, not " + format};
    if (o.format == FormsFormat::forms && (o.out.empty() || o.out == "-"))
        throw Usage{"--format forms writes a workbook: give --out F.xlsx"};
    if (v.count("year")) {
        const std::string& y = v["year"];
        const bool ok = y.size() == 4 && std::all_of(y.begin(), y.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!ok || y < "1900") throw Usage{"--year must be a budget year such as 2023 (1900–9999), not " + y};
        o.year = std::stoi(y);
    }
    return o;
}

void print(const std::vector<Diagnostic>& ds, Lang lang) {
    for (const Diagnostic& d : ds) std::cerr << d.to_string(lang) << '\n';
}

/// Without --differences, one notice per difference on stderr.
void report_differences(const FormsOptions& o, const std::vector<ScoreDifference>& diffs) {
    if (!o.differences.empty()) return; // written as a CSV file
    const bool zh = o.lang == Lang::zh;
    for (const ScoreDifference& d : diffs) {
        const std::string item = d.item == "exec_score" ? (zh ? "预算执行率得分" : "budget execution score")
                                 : d.item == "total"    ? (zh ? "总分" : "total")
                                                        : d.item;
        std::cerr << d.where.to_string() << (zh ? ": 提示: " : ": notice: ")
                  << (zh ? "单位自评“" + item + "”得分 " + d.own.to_string(2) + "，perfbudget 计算为 " + d.computed.to_string(2)
                         : "the unit scored " + item + " " + d.own.to_string(2) + ", perfbudget " + d.computed.to_string(2))
                  << '\n';
    }
}

int run(const FormsOptions& o) {
    // An output over an input would replace it: the unit's workbook, or the rules.
    for (const std::string* out : {&o.out, &o.differences})
        detail::check_not_input(*out, "output", "输出", o.forms, "forms", "自评表");
    if (!o.differences.empty() && o.differences == o.out)
        throw OptionsError({o.out, 0, 0}, "--differences and --out name the same file", "--differences 与 --out 为同一文件");
    std::optional<RuleBook> loaded;
    if (!o.rules.empty()) {
        for (const std::string* out : {&o.out, &o.differences})
            detail::check_not_input(*out, "output", "输出", o.rules, "rules", "规则");
        loaded.emplace(load_rules_file(o.rules));
    }
    const RuleBook& rules = loaded ? *loaded : national_rules();
    FormsRead read = read_forms(o.forms, rules);
    if (o.year)
        for (Form& f : read.forms)
            if (!f.project.year) f.project.year = o.year;
    FormsOutput output;
    output.out = o.out;
    output.format = o.format;
    output.lang = o.lang;
    output.explain = o.explain;
    output.differences = o.differences;
    const FormResults r = perfbudget::evaluate_forms(read.forms, rules, output);
    print(read.notices, o.lang);
    print(r.notices, o.lang);
    report_differences(o, r.differences);
    const bool zh = o.lang == Lang::zh;
    std::cerr << (zh ? "已评价 " + std::to_string(read.forms.size()) + " 张自评表；单位自评得分与计算不同 " +
                           std::to_string(r.differences.size()) + " 处（规则：" + rules.name() + "）\n"
                     : "evaluated " + std::to_string(read.forms.size()) + " forms; " + std::to_string(r.differences.size()) +
                           " of the unit's scores differ (rules: " + rules.name() + ")\n");
    return exit_ok;
}

} // namespace

bool has_forms_option(int argc, char** argv) {
    for (int i = 2; i < argc; ++i)
        if (std::strcmp(argv[i], "--forms") == 0 || std::strncmp(argv[i], "--forms=", 8) == 0) return true;
    return false;
}

int evaluate_forms(int argc, char** argv) {
    FormsOptions o;
    try {
        o = parse_options(argc, argv);
    } catch (const Usage& u) {
        std::cerr << "perfbudget: " << u.message << "\n"
                  << "usage: perfbudget evaluate --forms BOOK.xlsx|FOLDER [--rules R.yaml] [--out F]\n"
                     "                           [--format csv|json|forms] [--differences D.csv] [--lang zh|en]\n"
                     "                           [--explain] [--year YYYY]   (docs/forms.md)\n";
        return exit_usage;
    }
    try {
        return run(o);
    } catch (const OptionsError& e) {
        print(e.diagnostics(), o.lang);
        return exit_usage;
    } catch (const Error& e) {
        print(e.diagnostics(), o.lang);
        return exit_data;
    }
}

} // namespace perfbudget::cli
