// `perfbudget report` (report.hpp) on the example county: SPEC §9's JSON keys, the
// footnotes on [assumption] values, the listing's cap, and the HTML page's figures
// and chart marks. Expected figures are hand-computed (tests/test_rollup.cpp, and the
// monitoring lights of tests/golden/monitor-examples-national.csv, hand-checked in
// tests/test_monitor.cpp), never taken from the program.
#include "perfbudget/load.hpp"
#include "perfbudget/report.hpp"

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

using namespace perfbudget;
using namespace perfbudget::test;

namespace {

ReportOptions example_options() {
    ReportOptions opt;
    opt.files.projects = example_projects;
    opt.files.indicators = example_indicators;
    return opt;
}

Report example_report(const RuleBook& rules, bool monitoring, std::size_t max_listed = 200) {
    ReportOptions opt = example_options();
    if (monitoring) opt.as_of = make_date(2023, 12, 31);
    opt.max_listed = max_listed;
    return build_report(opt, rules);
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
    std::vector<std::string> k;
    for (const auto& [key, value] : j.items()) k.push_back(key);
    return k;
}

/// Every value of attribute `attr` on elements carrying `marker` (e.g. class="bin"), in order.
std::vector<std::string> attrs(const std::string& html, const std::string& marker, const std::string& attr) {
    std::vector<std::string> out;
    const std::regex element("<[a-z]+ [^>]*" + marker + "[^>]*>");
    const std::regex value(" " + attr + "=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), element); it != std::sregex_iterator(); ++it) {
        const std::string tag = it->str();
        std::smatch m;
        if (std::regex_search(tag, m, value)) out.push_back(m[1]);
    }
    return out;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

/// The text of the element with id `id` (tags stripped).
std::string text_of(const std::string& html, const std::string& id) {
    const std::size_t open = html.find("id=\"" + id + "\"");
    REQUIRE(open != std::string::npos);
    const std::size_t start = html.find('>', open) + 1;
    const std::size_t end = html.find("</p>", start) != std::string::npos && id == "paragraph" ? html.find("</p>", start)
                                                                                                 : html.find("</div>\n", start);
    return std::regex_replace(html.substr(start, end - start), std::regex("<[^>]*>"), " ");
}

} // namespace

TEST_CASE("report: JSON has SPEC §9's keys, in order, at both levels") {
    const Report r = example_report(national_rules(), true);
    const auto j = nlohmann::ordered_json::parse(report_json(r));
    const std::vector<std::string> spec{"projects", "budget", "spent", "exec_rate", "mean_score", "weighted_mean_score",
                                        "by_grade", "rectify", "cut", "recover"};
    const std::vector<std::string> top = keys(j);
    REQUIRE(top.size() > spec.size());
    CHECK(std::vector<std::string>(top.begin(), top.begin() + 10) == spec);
    for (const char* k : {"by_level", "warning", "departments", "failed_share"}) CHECK_MESSAGE(j.contains(k), k);
    // Figures as strings: money in yuan with 2 places, rates 4, scores 2 (hand-computed in test_rollup.cpp).
    CHECK(j["budget"] == "37150000.00");
    CHECK(j["exec_rate"] == "0.7492");
    CHECK(j["mean_score"] == "78.07");
    CHECK(j["weighted_mean_score"] == "75.85");
    CHECK(j["by_grade"]["fair"]["projects"] == 4);
    CHECK(j["by_grade"]["fair"]["budget"] == "10750000.00");
    CHECK(j["rectify"]["budget"] == "21750000.00");
    CHECK(j["cut"] == "12075000.00");
    CHECK(j["recover"] == "5168000.00");
    CHECK(j["failed_share"] == "0.5000");
    // Monitoring as of 2023-12-31: 10 red (all but JY-02 green and WJ-01 yellow): 3,715 − 450 − 580 = 2,685 万;
    // warning = red + yellow = 11, 2,685 + 580 = 3,265 万.
    CHECK(j["by_level"]["red"]["projects"] == 10);
    CHECK(j["by_level"]["red"]["budget"] == "26850000.00");
    CHECK(j["warning"]["projects"] == 11);
    CHECK(j["warning"]["budget"] == "32650000.00");
    REQUIRE(j["departments"].size() == 5);
    const auto& edu = j["departments"][0];
    CHECK(edu["department"] == "县教育局");
    const std::vector<std::string> dk = keys(edu);
    CHECK(dk.front() == "department");
    CHECK(std::vector<std::string>(dk.begin() + 1, dk.begin() + 11) == spec);
    CHECK(edu["failed_share"] == "0.3333");
    CHECK(edu["weighted_mean_score"] == "87.02");
    // 县教育局: W1 red (100 万) and JY-03 red (185 万); JY-02 green.
    CHECK(edu["warning"]["projects"] == 2);
    CHECK(edu["warning"]["budget"] == "2850000.00");
    CHECK(j["departments"][4]["failed_share"] == "1.0000");
}

TEST_CASE("report: without --as-of there are no monitoring keys") {
    const auto j = nlohmann::ordered_json::parse(report_json(example_report(national_rules(), false)));
    CHECK_FALSE(j.contains("by_level"));
    CHECK_FALSE(j.contains("warning"));
    CHECK_FALSE(j["departments"][0].contains("warning"));
    CHECK(j["assumptions"].empty()); // the national rules mark nothing [assumption]
}

TEST_CASE("report: figures resting on [assumption] values get footnotes citing the rule file") {
    const RuleBook wuchang = load_rules_file(source_dir + "/rules/wuchang.yaml");
    const Report r = example_report(wuchang, false);
    REQUIRE(r.assumptions.size() == 4);
    CHECK(r.assumptions[0].figure == "grades");
    CHECK(r.assumptions[0].source == source_dir + "/rules/wuchang.yaml:22");
    CHECK(r.assumptions[0].text.rfind("The seed does NOT state the band boundaries.", 0) == 0);
    CHECK(r.assumptions[1].figure == "rectify");
    CHECK(r.assumptions[1].text == "中 is kept in the list as in the national rules (rectify below 80); the seed does not mention 中.");
    CHECK(r.assumptions[2].figure == "cut");
    // the [national] sentence after it is not part of the assumption
    CHECK(r.assumptions[2].text ==
          "The seed gives no percentages: 低 \"reduce\" → 50%, 差 \"no longer budget\" → 100% of this year's budget.");
    CHECK(r.assumptions[3].figure == "recover");
    const std::string md = report_markdown(r, Lang::zh);
    CHECK(md.find("下年核减³") != std::string::npos);
    CHECK(md.find("³ 下年核减：依据 " + source_dir + "/rules/wuchang.yaml:43，规则文件标注为假设") != std::string::npos);

    // A custom step with its own comments (Urumqi County's `commend`, which fires on 优), and
    // its department rule (rollup.criticise above 30%: every department of the example county,
    // whose failed shares are 1/3, 1/2, 1/3, 1/2 and 1).
    const RuleBook urumqi = load_rules_file(source_dir + "/rules/urumqi-county.yaml");
    const Report u = example_report(urumqi, false);
    REQUIRE(u.assumptions.size() == 2);
    CHECK(u.assumptions[0].figure == "criticise");
    CHECK(u.assumptions[0].text.rfind("The seed gives neither the rating formula nor a threshold", 0) == 0);
    CHECK(u.assumptions[1].figure == "custom");
    CHECK(u.assumptions[1].text == "\"评价好\" read as grade 优 (excellent) for the commendation.");
    CHECK(u.evaluation.departments_criticised() == 5);
    CHECK(report_markdown(u, Lang::zh).find("不合格率超过30%的部门5个（县教育局、县水利局、县卫生健康委员会、县农业农村局、县民政局），予以通报批评¹。") !=
          std::string::npos);
    CHECK(nlohmann::ordered_json::parse(report_json(u))["departments"][0]["criticised"] == true);
}

TEST_CASE("report: mid-year cuts recommended by monitoring steps (Lanzhou New Area)") {
    // rules/lanzhou-new-area.yaml: deviation > 30 points → cut min(deviation, 1 − exec_rate).
    // As of 2023-12-31 only JY-03 is that far off: |0.92 − 0.5644| > 0.30; rate 1 − 0.92 = 0.08,
    // × 1,850,000.00 = 148,000.00 (SL-02 0.2894, NY-01 0.2222, WJ-03 0.2001 are not).
    const RuleBook lanzhou = load_rules_file(source_dir + "/rules/lanzhou-new-area.yaml");
    const auto j = nlohmann::ordered_json::parse(report_json(example_report(lanzhou, true)));
    CHECK(j["mid_year_cut"]["projects"] == 1);
    CHECK(j["mid_year_cut"]["amount"] == "148000.00");
}

TEST_CASE("report: an empty file still lists the grade scale, and has no rates") {
    const std::string projects = scratch_file("report", "empty-projects.csv").string();
    const std::string indicators = scratch_file("report", "empty-indicators.csv").string();
    std::ofstream(projects) << "project_id,name,department,budget,spent\n";
    std::ofstream(indicators) << "project_id,level1,level2,name,direction,target,actual,weight\n";
    ReportOptions opt;
    opt.files.projects = projects;
    opt.files.indicators = indicators;
    const Report r = build_report(opt, national_rules());
    CHECK(r.evaluation.projects == 0);
    CHECK(r.evaluation.grades.size() == 4);
    const auto j = nlohmann::ordered_json::parse(report_json(r));
    CHECK(j["exec_rate"].is_null());
    CHECK(j["mean_score"].is_null());
    CHECK(j["by_grade"]["poor"]["projects"] == 0);
    CHECK(report_markdown(r, Lang::zh).find("其中优0个、良0个、中0个、差0个；低于80分的项目0个") != std::string::npos);
    CHECK(report_html(r, Lang::en).find("<svg id=\"chart-histogram\"") != std::string::npos);
}

TEST_CASE("report: the project listing keeps the lowest scores, up to the limit") {
    // Flagged (rectify, cut or recover) with national rules: the 中 and 差 projects, 6 in all;
    // the two lowest totals are SL-02 56.05 and NY-02 56.50.
    const Report r = example_report(national_rules(), false, 2);
    CHECK(r.listed_total == 6);
    REQUIRE(r.listed.size() == 2);
    CHECK(r.listed[0].id == "SL-02");
    CHECK(r.listed[0].name == "农村饮水安全巩固提升项目"); // read again from projects.csv, line 6
    CHECK(r.listed[1].id == "NY-02");
    CHECK(r.listed[1].name == "2023年高标准农田建设项目");
    CHECK(r.listed[1].recover.to_string() == "4800000.00");
    const std::string md = report_markdown(r, Lang::en);
    CHECK(md.find("6 projects, lowest score first; the 2 lowest are listed (limit 2); every project is on the "
                  "Projects sheet of the workbook") != std::string::npos);
    // With monitoring the warnings join: 11 flagged or warned (all but JY-02).
    CHECK(example_report(national_rules(), true).listed_total == 11);
}

TEST_CASE("report: HTML is one self-contained page with the figures and every chart's marks") {
    const Report r = example_report(national_rules(), true);
    const std::string html = report_html(r, Lang::zh);
    // Self-contained: no script, no external resource (the SVG namespace is an identifier, not a fetch).
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(count(html, "http://") == count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
    CHECK(html.find("size: A4") != std::string::npos);
    // The summary figures (hand-computed in test_rollup.cpp) and the paragraph.
    const std::string figures = text_of(html, "figures");
    for (const char* f : {"3,715.00", "2,783.09", "74.92%", "78.07", "75.85", "6 个项目，2,175.00 万元", "50.00%（6/12）",
                          "5 家单位 6 个项目，1,207.50 万元", "4 个项目，516.80 万元", "11 个项目，3,265.00 万元"})
        CHECK_MESSAGE(figures.find(f) != std::string::npos, f);
    CHECK(text_of(html, "paragraph").find("有11个项目、涉及资金3,265.00万元被列为预警项目") != std::string::npos);
    // Grade distribution: 优 3, 良 3, 中 4, 差 2.
    CHECK(attrs(html, "data-projects", "data-projects") == std::vector<std::string>{"3", "3", "4", "2"});
    // Money by grade: 1,280 / 260 / 1,075 / 1,100 万元 in yuan.
    CHECK(attrs(html, "data-grade=\"[a-z]+\" data-yuan", "data-yuan") ==
          std::vector<std::string>{"12800000.00", "2600000.00", "10750000.00", "11000000.00"});
    // Histogram: 10 bins, [50,60) 2, [60,70) 1, [70,80) 3, [80,90) 3, [90,100] 3; the 4 grade bands behind.
    CHECK(attrs(html, "class=\"bin\"", "data-count") == std::vector<std::string>{"0", "0", "0", "0", "0", "2", "1", "3", "3", "3"});
    CHECK(attrs(html, "class=\"band\"", "data-grade") == std::vector<std::string>{"excellent", "good", "fair", "poor"});
    // Money by light: green 450, blue 0, yellow 580, red 2,685 万元.
    CHECK(attrs(html, "data-light", "data-yuan") == std::vector<std::string>{"4500000.00", "0.00", "5800000.00", "26850000.00"});
    // Execution against completion: 5-point cells floor(rate × 20), capped at 20 (100% and above).
    // JY-02 (1.0000, 0.9833) and SL-01 (1.0600 → 100%, 0.9616) share cell (100, 95): 11 circles, 12 projects.
    const std::vector<std::string> counts = attrs(html, "class=\"cell\"", "data-count");
    CHECK(counts.size() == 11);
    CHECK(html.find("data-exec=\"100\" data-completion=\"95\" data-count=\"2\"") != std::string::npos);
    CHECK(html.find("data-exec=\"30\" data-completion=\"55\" data-count=\"1\"") != std::string::npos); // SL-02 (0.30, 0.5894)
    CHECK(html.find("data-exec=\"80\" data-completion=\"70\" data-count=\"1\"") != std::string::npos); // MZ-02 (0.80, 0.7167)
    // The warning zone: execution behind time (v < 80% of time progress 100%); national: no deviation zone.
    CHECK(attrs(html, "class=\"warning-zone\"", "data-zone") == std::vector<std::string>{"execution"});
    CHECK(html.find("data-zone=\"execution\" x=\"50\" y=\"10\" width=\"320\"") != std::string::npos); // 80% of 400 px
    // The department table and the listed projects (all 11: within the limit).
    CHECK(count(html, "<tr>") == 1 + 4 + 1 + 5 + 1 + 11); // header + rows of the grade, department and project tables
    // Every project is drawn, so the chart says nothing about projects not drawn.
    CHECK(html.find("未绘出") == std::string::npos);
}

TEST_CASE("report: the scatter chart counts the projects it could not draw, only when there are some") {
    Report r = example_report(national_rules(), true);
    REQUIRE(r.monitoring);
    CHECK(report_html(r, Lang::en).find("not drawn") == std::string::npos);
    r.monitoring->not_plotted = 1;
    CHECK(report_html(r, Lang::en).find("1 project not drawn (no execution rate, or no indicator counted).") != std::string::npos);
    r.monitoring->not_plotted = 3;
    CHECK(report_html(r, Lang::zh).find("未绘出 3 个项目（无执行率或无可计入的指标）。") != std::string::npos);
    CHECK(report_html(r, Lang::en).find("3 projects not drawn") != std::string::npos);
}

TEST_CASE("report: the deviation rule shades both corners off the diagonal") {
    const RuleBook urumqi = load_rules_file(source_dir + "/rules/urumqi-county.yaml");
    const std::string html = report_html(example_report(urumqi, true), Lang::en);
    CHECK(attrs(html, "class=\"warning-zone\"", "data-zone") == std::vector<std::string>{"execution", "deviation", "deviation"});
    // 20 points = 80 px of the 400 px to 100%; the plot's edge is 420 px (the last cell holds 100% and above).
    CHECK(html.find("points=\"130,430 470,430 470,90\"") != std::string::npos);
}

TEST_CASE("report: output format by extension") {
    CHECK(report_format_of_path("a/report.HTML") == ReportFormat::html);
    CHECK(report_format_of_path("report.md") == ReportFormat::markdown);
    CHECK(report_format_of_path("report.json") == ReportFormat::json);
    CHECK_FALSE(report_format_of_path("report.txt"));
    CHECK_FALSE(report_format_of_path(""));
}

namespace {

/// A file of the workbook `xlsx` (unzip -p), as text.
std::string zipped(const std::string& xlsx, const std::string& member) {
    const std::string command = "unzip -p '" + xlsx + "' " + member;
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    REQUIRE(::pclose(pipe) == 0);
    return out;
}

/// A decimal text rounded half-up to 15 significant digits, without trailing zeros:
/// "74.45999999999999" → "74.46", "7350000" → "7350000" (an Excel number as Excel shows it).
std::string sig15(const std::string& v) {
    const std::size_t dot = v.find('.');
    const std::string whole = v.substr(0, dot), frac = dot == std::string::npos ? "" : v.substr(dot + 1);
    std::string digits = whole + frac;
    const std::size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return "0";
    if (digits.size() - first > 15) {
        const bool up = digits[first + 15] >= '5';
        digits.resize(first + 15);
        for (std::size_t k = digits.size(); up && k-- > 0;) {
            if (digits[k] == '9') {
                digits[k] = '0';
                if (k == 0) digits.insert(0, 1, '1'); // carried past the first digit
                continue;
            }
            ++digits[k];
            break;
        }
        digits.append(whole.size() + frac.size() - digits.size() + (digits.size() > first + 15 ? 1 : 0), '0');
    }
    std::string w = digits.substr(0, digits.size() - frac.size()), f = digits.substr(digits.size() - frac.size());
    while (!f.empty() && f.back() == '0') f.pop_back();
    w.erase(0, std::min(w.find_first_not_of('0'), w.size() - 1));
    return f.empty() ? w : w + "." + f;
}

/// The cells of a sheet: reference → (typed number?, text).
std::map<std::string, std::pair<bool, std::string>> cells(const std::string& sheet) {
    std::map<std::string, std::pair<bool, std::string>> out;
    const std::regex cell("<c r=\"([A-Z]+[0-9]+)\"([^>]*)>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)</c>");
    for (auto it = std::sregex_iterator(sheet.begin(), sheet.end(), cell); it != std::sregex_iterator(); ++it) {
        const std::smatch& m = *it;
        const bool inline_string = m[2].str().find("t=\"inlineStr\"") != std::string::npos;
        out[m[1]] = {!inline_string && m[3].matched, inline_string ? m[4].str() : m[3].str()};
    }
    return out;
}

} // namespace

TEST_CASE("report: the workbook, unzipped and checked cell by cell") {
    CHECK(sig15("74.45999999999999") == "74.46");
    CHECK(sig15("0.3") == "0.3");
    CHECK(sig15("7350000") == "7350000");
    CHECK(sig15("9.999999999999999") == "10");
    ReportOptions opt = example_options();
    opt.as_of = make_date(2023, 12, 31);
    const std::string path = scratch_file("report", "county.xlsx").string();
    std::filesystem::remove(path);
    opt.files.out = path;
    opt.format = ReportFormat::xlsx;
    (void)report_files(opt, national_rules());
    REQUIRE(std::filesystem::exists(path));
    CHECK(zipped(path, "xl/workbook.xml").find("<sheet name=\"汇总\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"部门\" sheetId=\"2\" "
                                               "r:id=\"rId2\"/><sheet name=\"项目\" sheetId=\"3\" r:id=\"rId3\"/>") != std::string::npos);
    // A typed number whose value, as Excel shows it (15 significant digits), is `exact`.
    const auto number = [](const auto& sheet, const char* ref, const std::string& exact) {
        const auto it = sheet.find(ref);
        REQUIRE_MESSAGE(it != sheet.end(), ref);
        CHECK_MESSAGE(it->second.first, ref);
        CHECK_MESSAGE(sig15(it->second.second) == exact, ref, " = ", it->second.second);
    };
    const auto text = [](const auto& sheet, const char* ref, const std::string& want) {
        const auto it = sheet.find(ref);
        REQUIRE_MESSAGE(it != sheet.end(), ref);
        CHECK_MESSAGE(!it->second.first, ref);
        CHECK(it->second.second == want);
    };

    // Each sheet: (cell, text) for text cells, (cell, exact value) for number cells.
    using Cells = std::vector<std::pair<const char*, const char*>>;
    const auto check = [&](const char* member, const Cells& texts, const Cells& numbers, const char* past_end) {
        const auto sheet = cells(zipped(path, member));
        for (const auto& [ref, want] : texts) text(sheet, ref, want);
        for (const auto& [ref, want] : numbers) number(sheet, ref, want);
        CHECK(sheet.find(past_end) == sheet.end());
    };
    // Summary (hand-computed in test_rollup.cpp): label in A, value in B.
    check("xl/worksheets/sheet1.xml", {{"A1", "指标"}, {"A2", "项目数"}, {"A4", "预算数（元）"}},
          {{"B2", "12"}, {"B3", "89"}, {"B4", "37150000"}, {"B5", "27830945.67"}, {"B6", "0.7492"}, {"B7", "78.07"},
           {"B8", "75.85"}},
          "C2");
    // Departments: row 2 县教育局 (R, S: W1 and JY-03 red, 100 + 185 万), row 3 县水利局
    // (weighted mean 74.46, stored by libxlsxwriter as 74.45999999999999), row 6 县民政局, no row 7.
    check("xl/worksheets/sheet2.xml",
          {{"A1", "部门"}, {"H1", "优"}, {"O1", "不合格率"}, {"A2", "县教育局"}, {"A3", "县水利局"}, {"A6", "县民政局"}},
          {{"B2", "3"}, {"C2", "7350000"}, {"D2", "7014345.67"}, {"E2", "0.9543"}, {"F2", "81.27"}, {"G2", "87.02"},
           {"H2", "1"}, {"K2", "0"}, {"M2", "1850000"}, {"O2", "0.3333"}, {"P2", "185000"}, {"Q2", "148000"}, {"R2", "2"},
           {"S2", "2850000"}, {"G3", "74.46"}, {"O6", "1"}},
          "A7");
    // Projects: every project (12), in file order, from row 2: W1 (row 2), JY-03 (row 4), MZ-02 (row 13).
    check("xl/worksheets/sheet3.xml",
          {{"A2", "W1"}, {"B2", "县教育局"}, {"F2", "良"}, {"K2", "红灯"}, {"A4", "JY-03"}, {"F4", "中"}, {"A13", "MZ-02"}},
          {{"C2", "1000000"}, {"D2", "812345.67"}, {"E2", "85.32"}, {"G2", "0"}, {"E4", "60"}, {"G4", "1"}, {"H4", "0.1"},
           {"I4", "185000"}, {"J4", "148000"}},
          "A14");
    CHECK(zipped(path, "xl/worksheets/sheet3.xml").find("state=\"frozen\"") != std::string::npos);
}

TEST_CASE("report: --review and --assessments add the stages before the money, per department") {
    ReportOptions opt = example_options();
    opt.review = true;
    opt.assessments = std::string(PERFBUDGET_SOURCE_DIR) + "/examples/data/assessments.csv";
    const Report r = build_report(opt, national_rules());
    REQUIRE(r.review);
    REQUIRE(r.assessment);
    // Counted from the CSV by hand (direction ge/le/eq is quantified): 89 indicators, 66 quantified,
    // 66/89 = 0.74157… → 74.16%; per department 县教育局 21/15, 县水利局 16/13, 县卫生健康委员会 24/18,
    // 县农业农村局 14/10, 县民政局 14/10.
    const ReviewSummary& v = *r.review;
    CHECK(v.projects == 12);
    CHECK(v.budget == yuan("37150000.00"));
    CHECK(v.indicators == 89);
    CHECK(v.quantified == 66);
    REQUIRE(v.departments.size() == 5);
    const std::pair<const char*, std::pair<std::size_t, std::size_t>> deps[] = {
        {"县教育局", {21, 15}}, {"县水利局", {16, 13}}, {"县卫生健康委员会", {24, 18}}, {"县农业农村局", {14, 10}}, {"县民政局", {14, 10}}};
    for (std::size_t d = 0; d < 5; ++d) {
        CAPTURE(d);
        CHECK(v.departments[d].department == deps[d].first);
        CHECK(v.departments[d].indicators == deps[d].second.first);
        CHECK(v.departments[d].quantified == deps[d].second.second);
    }
    // The same figures the review command's own summary gives.
    ReviewOptions ro;
    ro.projects = example_projects;
    ro.indicators = example_indicators;
    ro.out = scratch_file("report", "review.csv").string();
    const ReviewSummary own = review_files(ro, national_rules());
    CHECK(own.by_grade == v.by_grade);
    CHECK(own.by_admission == v.by_admission);
    CHECK(own.departments.size() == v.departments.size());
    // The assessment: JY-03, NY-01, NY-02, SL-02, WJ-03 (1,605.00 万元); 1 excellent, 4 good, all approved; 7 not assessed.
    const AssessSummary& a = *r.assessment;
    CHECK(a.projects == 5);
    CHECK(a.not_assessed == 7);
    CHECK(a.budget == yuan("16050000.00"));
    CHECK(a.by_grade == std::vector<std::size_t>{1, 4, 0, 0});
    CHECK(a.approved == 5);
    REQUIRE(a.departments.size() == 4);
    CHECK(a.departments[2].department == "县卫生健康委员会");
    CHECK(a.departments[2].budget == yuan("2000000.00"));

    const nlohmann::ordered_json j = nlohmann::ordered_json::parse(report_json(r));
    CHECK(j["review"]["quantification"] == "0.7416");
    CHECK(j["review"]["departments"][1]["quantification"] == "0.8125"); // 13/16
    CHECK(j["assessment"]["approved"]["budget"] == "16050000.00");
    const std::string md = report_markdown(r, Lang::zh);
    CHECK(md.find("## 绩效目标审核\n\n审核项目12个，涉及资金3,715.00万元；三级绩效指标89个，量化率达74.16%。") != std::string::npos);
    CHECK(md.find("| 县水利局 | 2 | 550.00 | 16 | 81.25% |") != std::string::npos);
    CHECK(md.find("## 事前绩效评估\n\n事前评估项目5个，涉及资金1,605.00万元。其中优1个、良4个、中0个、差0个；予以通过5个（1,605.00万元），"
                  "未通过0个（0.00万元）；另有7个项目未经事前评估。") != std::string::npos);
    const std::string en = report_markdown(r, Lang::en);
    CHECK(en.find("89 level-3 indicators, 74.16% quantified") != std::string::npos);
    const std::string html = report_html(r, Lang::zh);
    CHECK(html.find("<h2 id=\"review\">绩效目标审核</h2>") != std::string::npos);
    CHECK(html.find("<h2 id=\"assessment\">事前绩效评估</h2>") != std::string::npos);
    // Without the options, none of it.
    const Report plain = build_report(example_options(), national_rules());
    CHECK_FALSE(plain.review);
    CHECK_FALSE(plain.assessment);
    CHECK(report_json(plain).find("\"review\"") == std::string::npos);
}

TEST_CASE("report: the review's county steps resting on [assumption] are footnoted (Changji, seed 001)") {
    // B has no overall goal, so Changji's no_targets step rejects it (nationally a blank goal
    // only deducts 5 points); the step's line in rules/changji.yaml is marked [assumption].
    const std::string projects = scratch_file("report", "changji-projects.csv").string();
    const std::string indicators = scratch_file("report", "changji-indicators.csv").string();
    std::ofstream(projects) << "project_id,name,department,budget,spent,year,goal\n"
                               "A,甲,县教育局,100000.00,90000.00,2023,培训教师\n"
                               "B,乙,县水利局,150000.00,90000.00,2023,\n";
    std::ofstream(indicators) << "project_id,level1,level2,name,direction,target,actual,unit,weight\n"
                                 "A,output,quantity,培训人次,ge,100,100,人次,40\n"
                                 "A,benefit,social,受益人数,ge,100,100,人,30\n"
                                 "A,satisfaction,satisfaction,满意度,ge,90%,95%,%,20\n"
                                 "B,output,quantity,渠道长度,ge,10,10,公里,40\n"
                                 "B,benefit,social,灌溉面积,ge,100,100,亩,30\n"
                                 "B,satisfaction,satisfaction,满意度,ge,90%,95%,%,20\n";
    ReportOptions opt;
    opt.files.projects = projects;
    opt.files.indicators = indicators;
    opt.review = true;
    const RuleBook changji = load_rules_file(std::string(PERFBUDGET_SOURCE_DIR) + "/rules/changji.yaml");
    const Report r = build_report(opt, changji);
    REQUIRE(r.review);
    CHECK(r.review->by_admission[static_cast<std::size_t>(Admission::reject)] == 1);
    CHECK(r.review->budget_by_admission[static_cast<std::size_t>(Admission::reject)] == yuan("150000.00"));
    std::vector<std::string> sources;
    for (const ReportAssumption& a : r.assumptions)
        if (a.figure == "review") sources.push_back(a.source);
    REQUIRE(sources.size() == 1);
    CHECK(sources[0].find("changji.yaml:111") != std::string::npos);
    const std::string md = report_markdown(r, Lang::zh);
    // The section's title carries the footnote's mark.
    CHECK(md.find("## 绩效目标审核") != std::string::npos);
    CHECK(md.find("## 绩效目标审核\n") == std::string::npos);
    CHECK(md.find("目标审核结论：依据 " + sources[0]) != std::string::npos);
}
