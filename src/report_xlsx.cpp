// report_xlsx() (report.hpp): the report as an Excel workbook, written with Debian's
// libxlsxwriter in constant-memory mode: the project sheet is written row by row in
// the evaluation pass, the summary and department sheets after it.
//
// The number cells: see xlsx_book.hpp (the single conversion to double).
#include "perfbudget/report.hpp"

#include "report_text.hpp"
#include "xlsx_book.hpp"

namespace perfbudget {

namespace {

using detail::Workbook;

/// One sheet, written row by row.
class Sheet {
public:
    Sheet(Workbook& book, lxw_worksheet* sheet) : book_(book), sheet_(sheet) {}
    void header(const std::vector<std::string>& names) {
        for (const std::string& n : names) text(n, book_.bold_);
        worksheet_freeze_panes(sheet_, 1, 0);
        worksheet_set_column(sheet_, 0, static_cast<lxw_col_t>(names.size() - 1), 14, nullptr);
        next_row();
    }
    void text(const std::string& s, lxw_format* f = nullptr) { worksheet_write_string(sheet_, row_, col_++, s.c_str(), f); }
    /// An exact decimal text as a number cell (text beyond 15 significant digits); empty: a blank cell.
    void number(const std::string& exact, lxw_format* f = nullptr) { detail::write_exact_number(sheet_, row_, col_++, exact, f); }
    void count(std::size_t n) { number(std::to_string(n)); }
    void money(Money m) { number(m.to_string(), book_.money_); }
    void rate(const std::optional<Fraction>& f) { number(f ? f->to_string(4) : std::string(), book_.rate_); }
    void score(const std::optional<Number>& n) {
        number(n ? n->rounded(2, RoundingMode::half_up).to_string(2) : std::string(), book_.score_);
    }
    void next_row() {
        ++row_;
        col_ = 0;
    }

private:
    Workbook& book_;
    lxw_worksheet* sheet_;
    lxw_row_t row_ = 0;
    lxw_col_t col_ = 0;
};

} // namespace

Report report_xlsx(const ReportOptions& options, const RuleBook& rules, const std::string& path) {
    const bool zh = options.files.lang == Lang::zh;
    const bool monitoring = options.as_of.has_value();
    Workbook book(path);
    Sheet summary(book, book.sheet(zh ? "汇总" : "Summary"));
    Sheet departments(book, book.sheet(zh ? "部门" : "Departments"));
    Sheet projects(book, book.sheet(zh ? "项目" : "Projects"));

    // The project sheet, filled in the evaluation pass. The grade labels are the rules' (zh or en).
    std::vector<std::string> head = zh ? std::vector<std::string>{"项目编号", "部门", "预算数（元）", "执行数（元）", "得分", "等级",
                                                                  "限期整改", "核减比例", "核减（元）", "收回（元）"}
                                       : std::vector<std::string>{"project_id", "department", "budget (yuan)", "spent (yuan)",
                                                                  "total", "grade", "rectify", "cut rate", "cut (yuan)",
                                                                  "recover (yuan)"};
    if (monitoring) head.push_back(zh ? "监控灯" : "light");
    head.push_back(zh ? "原因" : "reasons");
    projects.header(head);
    ReportOptions opt = options;
    opt.each = [&](const ReportProject& p, const RollupGrade& grade) {
        projects.text(p.id);
        projects.text(p.department);
        projects.money(p.budget);
        projects.money(p.spent);
        projects.number(p.total.to_string(2), book.score_);
        projects.text(zh ? grade.zh : grade.en);
        projects.count(p.rectify ? 1 : 0);
        projects.number(p.cut_rate.to_string(4), book.rate_);
        projects.money(p.cut);
        projects.money(p.recover);
        if (monitoring) projects.text(p.light ? detail::light_label(*p.light, options.files.lang) : std::string());
        projects.text(zh ? p.reasons_zh : p.reasons_en);
        projects.next_row();
    };
    Report r = build_report(opt, rules);
    const RollupSummary& s = r.evaluation;
    const detail::ReportText t(r, options.files.lang);

    // The summary sheet: figure, value (typed), in the Markdown's order.
    summary.header(zh ? std::vector<std::string>{"指标", "数值"} : std::vector<std::string>{"figure", "value"});
    const auto row = [&](const std::string& label, auto&& write) {
        summary.text(label);
        write();
        summary.next_row();
    };
    row(zh ? "项目数" : "projects", [&] { summary.count(s.projects); });
    row(zh ? "三级指标数" : "indicators", [&] { summary.count(r.indicators); });
    row(zh ? "预算数（元）" : "budget (yuan)", [&] { summary.money(s.budget); });
    row(zh ? "执行数（元）" : "spent (yuan)", [&] { summary.money(s.spent); });
    row(zh ? "预算执行率" : "execution rate", [&] { summary.rate(s.exec_rate()); });
    row(zh ? "平均分" : "mean score", [&] { summary.score(s.mean_score()); });
    row(zh ? "按预算加权平均分" : "mean score weighted by budget", [&] { summary.score(s.weighted_mean_score()); });
    for (std::size_t g = 0; g < s.grades.size(); ++g) {
        row((zh ? s.grades[g].zh + " 项目数" : s.grades[g].en + " projects") + t.mark("grades"), [&] { summary.count(s.grade(g).projects); });
        row((zh ? s.grades[g].zh + " 预算数（元）" : s.grades[g].en + " budget (yuan)") + t.mark("grades"),
            [&] { summary.money(s.grade(g).budget); });
    }
    row((zh ? "限期整改项目数" : "projects to rectify") + t.mark("rectify"), [&] { summary.count(s.rectify.projects); });
    row((zh ? "限期整改资金（元）" : "budget to rectify (yuan)") + t.mark("rectify"), [&] { summary.money(s.rectify.budget); });
    row(zh ? "低于整改线项目数" : "projects below the rectification line", [&] { summary.count(s.failed.projects); });
    row(zh ? "不合格率" : "failed share", [&] { summary.rate(s.failed_share()); });
    row((zh ? "核减单位数" : "units cut") + t.mark("cut"), [&] { summary.count(s.departments_with_cut()); });
    row((zh ? "核减项目数" : "projects cut") + t.mark("cut"), [&] { summary.count(s.cut_projects); });
    row((zh ? "核减资金（元）" : "cut (yuan)") + t.mark("cut"), [&] { summary.money(s.cut); });
    row((zh ? "收回项目数" : "projects recovered") + t.mark("recover"), [&] { summary.count(s.recover_projects); });
    row((zh ? "收回资金（元）" : "recovered (yuan)") + t.mark("recover"), [&] { summary.money(s.recover); });
    if (r.monitoring) {
        const MonitorSummary& m = r.monitoring->summary;
        row(zh ? "监控截至" : "monitoring as of", [&] { summary.text(to_string(r.monitoring->as_of)); });
        row(zh ? "序时进度" : "time progress", [&] { summary.rate(r.monitoring->time_progress); });
        for (std::size_t l = 0; l < light_count; ++l) {
            const std::string light = detail::light_label(static_cast<Light>(l), options.files.lang);
            row(light + (zh ? " 项目数" : " projects"), [&] { summary.count(m.by_level[l]); });
            row(light + (zh ? " 预算数（元）" : " budget (yuan)"), [&] { summary.money(m.budget_by_level[l]); });
        }
        row((zh ? "预警项目数" : "warning projects") + t.mark("warning"), [&] { summary.count(m.warning_projects()); });
        row((zh ? "预警资金（元）" : "warning budget (yuan)") + t.mark("warning"), [&] { summary.money(m.warning_budget()); });
        const CountMoney& cut = r.monitoring->mid_year_cut;
        if (cut.projects) {
            row(zh ? "年中调减建议项目数" : "mid-year cuts recommended", [&] { summary.count(cut.projects); });
            row(zh ? "年中调减建议（元）" : "mid-year cut (yuan)", [&] { summary.money(cut.budget); });
        }
    }
    if (r.review) {
        const ReviewSummary& v = *r.review;
        const std::string m = t.mark("review");
        row(zh ? "目标审核项目数" : "projects reviewed", [&] { summary.count(v.projects); });
        row(zh ? "目标审核三级指标数" : "indicators reviewed", [&] { summary.count(v.indicators); });
        row(zh ? "量化率" : "quantification", [&] {
            summary.rate(v.indicators ? std::optional<Fraction>(Fraction(Fraction::wide(static_cast<std::int64_t>(v.quantified)),
                                                                         Fraction::wide(static_cast<std::int64_t>(v.indicators))))
                                      : std::nullopt);
        });
        for (std::size_t a = 0; a < admission_count; ++a) {
            const std::string label(zh ? names::admission_zh[a] : names::admission[a]);
            row(label + (zh ? " 项目数" : " projects") + m, [&] { summary.count(v.by_admission[a]); });
            row(label + (zh ? " 预算数（元）" : " budget (yuan)") + m, [&] { summary.money(v.budget_by_admission[a]); });
        }
    }
    if (r.assessment) {
        const AssessSummary& v = *r.assessment;
        const std::string m = t.mark("assessment");
        row(zh ? "事前评估项目数" : "projects assessed", [&] { summary.count(v.projects); });
        row((zh ? "事前评估通过项目数" : "assessments approved") + m, [&] { summary.count(v.approved); });
        row((zh ? "事前评估通过资金（元）" : "approved budget (yuan)") + m, [&] { summary.money(v.approved_budget); });
        row((zh ? "事前评估未通过项目数" : "assessments not approved") + m, [&] { summary.count(v.not_approved); });
        row((zh ? "事前评估未通过资金（元）" : "not approved budget (yuan)") + m, [&] { summary.money(v.not_approved_budget); });
        row((zh ? "事前评估年中核减（元）" : "assessment mid-year cut (yuan)") + m, [&] { summary.money(v.cut); });
    }
    row(zh ? "规则" : "rules", [&] { summary.text(r.rules_name); });
    for (const std::string& note : t.notes()) row(zh ? "说明" : "note", [&] { summary.text(note); });

    // The department sheet: every figure per department, typed.
    std::vector<std::string> dh = zh ? std::vector<std::string>{"部门", "项目数", "预算数（元）", "执行数（元）", "执行率", "平均分", "加权平均分"}
                                     : std::vector<std::string>{"department", "projects", "budget (yuan)", "spent (yuan)",
                                                                "execution rate", "mean score", "weighted mean score"};
    for (const RollupGrade& g : s.grades) dh.push_back(zh ? g.zh : g.en);
    const std::vector<std::string> tail =
        zh ? std::vector<std::string>{"整改项目数", "整改资金（元）", "低于整改线项目数", "不合格率", "核减（元）", "收回（元）"}
           : std::vector<std::string>{"to rectify", "to rectify (yuan)", "below the line", "failed share", "cut (yuan)",
                                      "recovered (yuan)"};
    dh.insert(dh.end(), tail.begin(), tail.end());
    if (r.criticise_above) dh.push_back(zh ? "通报批评" : "criticised");
    if (r.monitoring) {
        dh.push_back(zh ? "预警项目数" : "warning projects");
        dh.push_back(zh ? "预警资金（元）" : "warning budget (yuan)");
    }
    departments.header(dh);
    for (std::size_t d = 0; d < s.departments.size(); ++d) {
        const DepartmentRollup& x = s.departments[d];
        departments.text(x.department);
        departments.count(x.projects);
        departments.money(x.budget);
        departments.money(x.spent);
        departments.rate(x.exec_rate());
        departments.score(x.mean_score());
        departments.score(x.weighted_mean_score());
        for (std::size_t g = 0; g < s.grades.size(); ++g) departments.count(x.grade(g).projects);
        departments.count(x.rectify.projects);
        departments.money(x.rectify.budget);
        departments.count(x.failed.projects);
        departments.rate(x.failed_share());
        departments.money(x.cut);
        departments.money(x.recover);
        if (r.criticise_above) departments.count(x.criticised ? 1 : 0);
        if (const MonitorTotals* m = detail::monitor_department(r, d)) {
            departments.count(m->warning_projects());
            departments.money(m->warning_budget());
        }
        departments.next_row();
    }
    book.close();
    return r;
}

} // namespace perfbudget
