// report_html(): one self-contained HTML page (report.hpp). No script, no network,
// no font files: inline CSS (with an A4 print stylesheet) and inline SVG charts.
// Chart coordinates are integers scaled from the exact figures with integer
// arithmetic; every number printed is the exact figure's text (report_text.hpp).
#include "perfbudget/report.hpp"

#include "report_text.hpp"

#include <algorithm>

namespace perfbudget {

namespace {

std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

/// value / max × length, truncated (0 when max is 0): an SVG length from exact integers.
int scaled(std::int64_t value, std::int64_t max, int length) {
    if (max <= 0 || value <= 0) return 0;
    const detail::wide v = detail::wide(value) * detail::wide(length) / detail::wide(max);
    return v > detail::wide(length) ? length : static_cast<int>(v.native());
}

std::string num(int v) { return std::to_string(v); }

const char* const style = R"(
:root { --ink: #1f2933; --muted: #616e7c; --line: #cbd2d9; --accent: #2f6fb0; --warn: #f0b429; --red: #d64545; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.55; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.25em; border-bottom: 2px solid var(--accent); padding-bottom: 2px; margin-top: 1.6em; }
.subtitle { color: var(--muted); margin: 0 0 1em; }
.lead { font-size: 1.05em; text-align: justify; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px; margin: 12px 0; }
.figure { border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; overflow-wrap: anywhere; }
.figure .label { color: var(--muted); font-size: 0.85em; }
.figure .value { font-size: 1.15em; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 4px; padding: 8px; break-inside: avoid; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
svg { width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: var(--ink); }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .bar, svg .bin { fill: var(--accent); }
svg .bar.light-green { fill: #3f9142; } svg .bar.light-blue { fill: #2f6fb0; }
svg .bar.light-yellow { fill: var(--warn); } svg .bar.light-red { fill: var(--red); }
svg .band { opacity: 0.18; } svg .band-label { font-size: 11px; fill: var(--muted); }
svg .warning-zone { fill: var(--warn); opacity: 0.22; } svg .cell { fill: var(--accent); opacity: 0.75; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 0.9em; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f0f4f8; text-align: left; }
td.n { text-align: right; white-space: nowrap; }
.wide { overflow-x: auto; }
.notes { color: var(--muted); font-size: 0.88em; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .charts { grid-template-columns: 1fr 1fr; }
  .figures { grid-template-columns: repeat(4, 1fr); }
  figure.chart, table, tr { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .wide { overflow: visible; }
  table { font-size: 8pt; }
}
)";

/// A horizontal bar chart: one labelled bar per row, lengths scaled to the largest value.
struct Bar {
    std::string label, value_text, css, data; // data: the data-* attributes (exact values)
    std::int64_t value = 0;
};

std::string bar_chart(const std::string& id, const std::vector<Bar>& bars) {
    const int label_w = 120, bar_w = 300, row_h = 26, width = 560;
    const int height = static_cast<int>(bars.size()) * row_h + 10;
    std::int64_t max = 0;
    for (const Bar& b : bars) max = std::max(max, b.value);
    std::string s = "<svg id=\"" + id + "\" class=\"chart\" viewBox=\"0 0 " + num(width) + " " + num(height) +
                    "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">";
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        const int y = 5 + static_cast<int>(i) * row_h;
        const int w = scaled(b.value, max, bar_w);
        s += "<text x=\"" + num(label_w - 6) + "\" y=\"" + num(y + 17) + "\" text-anchor=\"end\">" + esc(b.label) + "</text>";
        s += "<rect class=\"bar" + (b.css.empty() ? "" : " " + b.css) + "\" x=\"" + num(label_w) + "\" y=\"" + num(y + 3) +
             "\" width=\"" + num(w) + "\" height=\"" + num(row_h - 8) + "\" " + b.data + "/>";
        s += "<text x=\"" + num(label_w + w + 6) + "\" y=\"" + num(y + 17) + "\">" + esc(b.value_text) + "</text>";
    }
    return s + "</svg>";
}

/// The score histogram: 10-point bins over 0–100, the grade bands shaded behind.
std::string histogram_chart(const Report& r, const detail::ReportText& t) {
    const RollupSummary& s = r.evaluation;
    const int left = 40, top = 24, w = 500, h = 200, width = 560, height = 270;
    std::size_t max = 0;
    for (std::size_t c : s.histogram) max = std::max(max, c);
    const auto x_of = [&](const Decimal& score) { // score 0–100 → x
        return left + scaled(score.units(), Decimal::whole(100).units(), w);
    };
    static const char* const band_colors[] = {"#3f9142", "#2f6fb0", "#f0b429", "#e8833a", "#d64545", "#7b8794"};
    std::string svg = "<svg id=\"chart-histogram\" class=\"chart\" viewBox=\"0 0 " + num(width) + " " + num(height) +
                      "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">";
    for (std::size_t g = 0; g < s.grades.size(); ++g) {
        const RollupGrade& gr = s.grades[g];
        const int x0 = x_of(gr.from), x1 = x_of(gr.to);
        svg += "<rect class=\"band\" data-grade=\"" + esc(gr.id) + "\" x=\"" + num(x0) + "\" y=\"" + num(top) + "\" width=\"" +
               num(std::max(x1 - x0, 0)) + "\" height=\"" + num(h) + "\" fill=\"" + band_colors[g % 6] + "\"/>";
        svg += "<text class=\"band-label\" x=\"" + num((x0 + x1) / 2) + "\" y=\"" + num(top - 8) + "\" text-anchor=\"middle\">" +
               esc(t.grade(g)) + "</text>";
    }
    const int bin_w = w / static_cast<int>(score_bins);
    for (std::size_t b = 0; b < score_bins; ++b) {
        const int bh = scaled(static_cast<std::int64_t>(s.histogram[b]), static_cast<std::int64_t>(max), h - 16);
        const int x = left + static_cast<int>(b) * bin_w;
        svg += "<rect class=\"bin\" data-from=\"" + num(static_cast<int>(b) * 10) + "\" data-count=\"" +
               std::to_string(s.histogram[b]) + "\" x=\"" + num(x + 3) + "\" y=\"" + num(top + h - bh) + "\" width=\"" +
               num(bin_w - 6) + "\" height=\"" + num(bh) + "\"/>";
        if (s.histogram[b])
            svg += "<text x=\"" + num(x + bin_w / 2) + "\" y=\"" + num(top + h - bh - 4) + "\" text-anchor=\"middle\">" +
                   std::to_string(s.histogram[b]) + "</text>";
    }
    svg += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(top + h) + "\" x2=\"" + num(left + w) + "\" y2=\"" +
           num(top + h) + "\"/>";
    for (int tick = 0; tick <= 100; tick += 10)
        svg += "<text x=\"" + num(left + tick * w / 100) + "\" y=\"" + num(top + h + 16) + "\" text-anchor=\"middle\">" +
               num(tick) + "</text>";
    return svg + "</svg>";
}

/// Execution rate (x) against overall completion (y), 5-point cells, the warning
/// zones shaded: execution behind time (x below yellow_below × time progress) and,
/// when the deviation rule is on, |x − y| above its threshold.
std::string scatter_chart(const ReportMonitoring& m, bool zh) {
    const int left = 50, top = 10, size = 420, width = 500, height = 480;
    const int cell = size / static_cast<int>(grid_cells); // 20 px: the last cell is 100% and above
    const int full = cell * static_cast<int>(grid_cells - 1); // x or y of 100%
    std::uint32_t max = 0;
    for (const auto& col : m.grid)
        for (std::uint32_t c : col) max = std::max(max, c);
    const auto px = [&](const Fraction& f) { // a rate 0–1 → pixels along an axis (capped at 100%)
        const Fraction c = min(f, Fraction::one());
        const detail::wide v = c.num() * detail::wide(full) / c.den();
        return static_cast<int>(v.native());
    };
    const int y0 = top + size; // the origin's y
    std::string svg = "<svg id=\"chart-monitoring\" class=\"chart\" viewBox=\"0 0 " + num(width) + " " + num(height) +
                      "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">";
    // Execution behind time: v = exec / time progress < yellow_below.
    const int behind = px(Fraction::of(m.yellow_below) * m.time_progress);
    svg += "<rect class=\"warning-zone\" data-zone=\"execution\" x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" +
           num(behind) + "\" height=\"" + num(size) + "\"/>";
    if (m.deviation) { // |x − y| > threshold: the two corners off the diagonal
        const int d = px(Fraction::of(m.deviation_threshold));
        const int e = size; // the plot's far edge (100% and above cell included)
        svg += "<polygon class=\"warning-zone\" data-zone=\"deviation\" points=\"" + num(left + d) + "," + num(y0) + " " +
               num(left + e) + "," + num(y0) + " " + num(left + e) + "," + num(y0 - (e - d)) + "\"/>";
        svg += "<polygon class=\"warning-zone\" data-zone=\"deviation\" points=\"" + num(left) + "," + num(y0 - d) + " " +
               num(left) + "," + num(y0 - e) + " " + num(left + (e - d)) + "," + num(y0 - e) + "\"/>";
    }
    for (std::size_t x = 0; x < grid_cells; ++x)
        for (std::size_t y = 0; y < grid_cells; ++y) {
            const std::uint32_t c = m.grid[x][y];
            if (!c) continue;
            const int radius = 2 + scaled(c, max, cell / 2 - 2);
            svg += "<circle class=\"cell\" data-exec=\"" + num(static_cast<int>(x) * 5) + "\" data-completion=\"" +
                   num(static_cast<int>(y) * 5) + "\" data-count=\"" + std::to_string(c) + "\" cx=\"" +
                   num(left + static_cast<int>(x) * cell + cell / 2) + "\" cy=\"" + num(y0 - static_cast<int>(y) * cell - cell / 2) +
                   "\" r=\"" + num(radius) + "\"><title>" + std::to_string(c) + "</title></circle>";
        }
    svg += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(left + size) + "\" y2=\"" + num(y0) + "\"/>";
    svg += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(left) + "\" y2=\"" + num(top) + "\"/>";
    for (int tick = 0; tick <= 100; tick += 20) {
        const int p = tick * full / 100;
        svg += "<text x=\"" + num(left + p) + "\" y=\"" + num(y0 + 16) + "\" text-anchor=\"middle\">" + num(tick) + "%</text>";
        svg += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y0 - p + 4) + "\" text-anchor=\"end\">" + num(tick) + "%</text>";
    }
    svg += "<text x=\"" + num(left + size / 2) + "\" y=\"" + num(y0 + 34) + "\" text-anchor=\"middle\">" +
           (zh ? "预算执行率" : "execution rate") + "</text>";
    svg += "<text x=\"14\" y=\"" + num(top + size / 2) + "\" transform=\"rotate(-90 14 " + num(top + size / 2) +
           ")\" text-anchor=\"middle\">" + (zh ? "总体完成率" : "overall completion") + "</text>";
    return svg + "</svg>";
}

std::string table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& numeric, const std::string& cls = {}) {
    std::string s = "<div class=\"wide\"><table" + (cls.empty() ? "" : " class=\"" + cls + "\"") + "><thead><tr>";
    for (const std::string& h : head) s += "<th>" + esc(h) + "</th>";
    s += "</tr></thead><tbody>";
    for (const auto& row : rows) {
        s += "<tr>";
        for (std::size_t c = 0; c < row.size(); ++c)
            s += (c < numeric.size() && numeric[c] ? "<td class=\"n\">" : "<td>") + esc(row[c]) + "</td>";
        s += "</tr>";
    }
    return s + "</tbody></table></div>";
}

} // namespace

std::string report_html(const Report& r, Lang lang) {
    const detail::ReportText t(r, lang);
    const bool zh = lang == Lang::zh;
    const RollupSummary& s = r.evaluation;
    std::string h = "<!DOCTYPE html>\n<html lang=\"" + std::string(zh ? "zh-CN" : "en") +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                    esc(t.title()) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n";
    h += "<h1>" + esc(t.title()) + "</h1>\n<p class=\"subtitle\">" + esc(t.subtitle()) + "</p>\n";
    h += "<p class=\"lead\" id=\"paragraph\">" + esc(t.paragraph()) + "</p>\n";
    h += "<div class=\"figures\" id=\"figures\">";
    for (const auto& [label, value] : t.figures())
        h += "<div class=\"figure\"><div class=\"label\">" + esc(label) + "</div><div class=\"value\">" + esc(value) + "</div></div>";
    h += "</div>\n";

    h += "<h2>" + std::string(zh ? "图表" : "Charts") + "</h2>\n<div class=\"charts\">\n";
    std::vector<Bar> grades, money;
    for (std::size_t g = 0; g < s.grades.size(); ++g) {
        const CountMoney c = s.grade(g);
        grades.push_back({t.grade(g), std::to_string(c.projects) + (zh ? " 个" : ""), "",
                          "data-grade=\"" + esc(s.grades[g].id) + "\" data-projects=\"" + std::to_string(c.projects) + "\"",
                          static_cast<std::int64_t>(c.projects)});
        money.push_back({t.grade(g), detail::wan_text(c.budget) + " 万元", "money",
                         "data-grade=\"" + esc(s.grades[g].id) + "\" data-yuan=\"" + c.budget.to_string() + "\"", c.budget.fen()});
    }
    h += "<figure class=\"chart\"><figcaption>" + std::string(zh ? "等级分布（项目数）" : "Grades (projects)") + t.mark("grades") +
         "</figcaption>" + bar_chart("chart-grades", grades) + "</figure>\n";
    h += "<figure class=\"chart\"><figcaption>" + std::string(zh ? "得分分布与等级区间" : "Scores and grade bands") +
         "</figcaption>" + histogram_chart(r, t) + "</figure>\n";
    h += "<figure class=\"chart\"><figcaption>" + std::string(zh ? "各等级资金（万元）" : "Budget by grade (万元)") +
         "</figcaption>" + bar_chart("chart-money-grade", money) + "</figure>\n";
    if (r.monitoring) {
        const ReportMonitoring& m = *r.monitoring;
        std::vector<Bar> lights;
        for (std::size_t l = 0; l < light_count; ++l)
            lights.push_back({detail::light_label(static_cast<Light>(l), lang),
                              std::to_string(m.summary.by_level[l]) + (zh ? " 个，" : ", ") +
                                  detail::wan_text(m.summary.budget_by_level[l]) + " 万元",
                              "money light-" + std::string(names::light[l]),
                              "data-light=\"" + std::string(names::light[l]) + "\" data-yuan=\"" +
                                  m.summary.budget_by_level[l].to_string() + "\"",
                              m.summary.budget_by_level[l].fen()});
        h += "<figure class=\"chart\"><figcaption>" + std::string(zh ? "各监控灯资金（万元）" : "Budget by light (万元)") +
             t.mark("warning") + "</figcaption>" + bar_chart("chart-money-light", lights) + "</figure>\n";
        const std::string not_plotted = std::to_string(m.not_plotted);
        h += "<figure class=\"chart\"><figcaption>" +
             std::string(zh ? "预算执行率与总体完成率（每格 5 个百分点，阴影为预警区）" : "Execution rate against overall completion (5-point cells; shaded: warning zone)") +
             "</figcaption>" + scatter_chart(m, zh);
        if (m.not_plotted != 0) // every project drawn: nothing to say
            h += "<p class=\"notes\">" +
                 (zh ? "未绘出 " + not_plotted + " 个项目（无执行率或无可计入的指标）。"
                     : not_plotted + (m.not_plotted == 1 ? " project" : " projects") +
                           " not drawn (no execution rate, or no indicator counted).") +
                 "</p>";
        h += "</figure>\n";
    }
    h += "</div>\n";

    std::vector<std::vector<std::string>> grade_rows;
    for (std::size_t g = 0; g < s.grades.size(); ++g)
        grade_rows.push_back({t.grade(g), t.band(g), std::to_string(s.grade(g).projects), detail::wan_text(s.grade(g).budget)});
    h += "<h2>" + std::string(zh ? "等级分布" : "Grades") + t.mark("grades") + "</h2>\n";
    h += table(zh ? std::vector<std::string>{"等级", "分数段", "项目数", "预算（万元）"}
                  : std::vector<std::string>{"grade", "band", "projects", "budget (万元)"},
               grade_rows, {false, false, true, true}, "grades");

    std::vector<std::vector<std::string>> dep_rows;
    for (std::size_t d = 0; d < s.departments.size(); ++d) dep_rows.push_back(t.department_row(d));
    std::vector<bool> dep_numeric(t.department_header().size(), true);
    dep_numeric[0] = false;
    h += "<h2>" + std::string(zh ? "部门汇总" : "Departments") + "</h2>\n" +
         table(t.department_header(), dep_rows, dep_numeric, "departments");

    const auto numeric_but_first = [](std::size_t n) {
        std::vector<bool> v(n, true);
        v[0] = false;
        return v;
    };
    if (r.review) {
        std::vector<std::vector<std::string>> rows;
        for (const ReviewDepartment& d : r.review->departments) rows.push_back(t.review_row(d));
        h += "<h2 id=\"review\">" + esc(t.review_title()) + "</h2>\n<p>" + esc(t.review_paragraph()) + "</p>\n" +
             table(t.review_header(), rows, numeric_but_first(t.review_header().size()), "review");
    }
    if (r.assessment) {
        std::vector<std::vector<std::string>> rows;
        for (const DepartmentAssessment& d : r.assessment->departments) rows.push_back(t.assessment_row(d));
        h += "<h2 id=\"assessment\">" + esc(t.assessment_title()) + "</h2>\n<p>" + esc(t.assessment_paragraph()) + "</p>\n" +
             table(t.assessment_header(), rows, numeric_but_first(t.assessment_header().size()), "assessment");
    }

    h += "<h2>" + esc(t.listed_title()) + "</h2>\n<p>" + esc(t.listed_note()) + "</p>\n";
    std::vector<std::vector<std::string>> project_rows;
    for (const ReportProject& p : r.listed) project_rows.push_back(t.project_row(p));
    if (!project_rows.empty())
        h += table(t.project_header(), project_rows, {false, false, false, true, true, false, false, false}, "projects");

    h += "<h2>" + std::string(zh ? "说明" : "Notes") + "</h2>\n<ul class=\"notes\">";
    for (const std::string& n : t.notes()) h += "<li>" + esc(n) + "</li>";
    h += "</ul>\n</body>\n</html>\n";
    return h;
}

} // namespace perfbudget
