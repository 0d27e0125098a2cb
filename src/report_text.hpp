// src/report_text.hpp — the words and formatted figures of a report, shared by the
// Markdown and HTML writers (report.cpp, report_html.cpp). INTERNAL.
#pragma once

#include "perfbudget/report.hpp"

#include "monitor_text.hpp"
#include "summary_support.hpp"

#include <string>
#include <utility>
#include <vector>

namespace perfbudget::detail {

/// A rate rounded once to 4 places, shown as a percentage: 0.74915… → "74.92%"; "—" when empty.
inline std::string percent_text(const std::optional<Fraction>& f) {
    if (!f) return "—";
    const Decimal d = f->rounded(4, RoundingMode::half_up);
    return Decimal::from_units(d.units() * 100).to_string(2) + "%";
}

/// A mean score, 2 places half-up; "—" when empty.
inline std::string score_text(const std::optional<Number>& n) {
    return n ? n->rounded(2, RoundingMode::half_up).to_string(2) : std::string("—");
}

/// A share of the budget as a percentage without trailing zeros: 0.1 → "10%".
inline std::string share_text(Decimal share) { return Decimal::from_units(share.units() * 100).to_string() + "%"; }

/// The monitoring totals of evaluation department `d` (both lists are in order of
/// first appearance in the projects file); null without monitoring.
inline const MonitorTotals* monitor_department(const Report& r, std::size_t d) {
    if (!r.monitoring) return nullptr;
    const auto& deps = r.monitoring->summary.departments;
    const std::string& name = r.evaluation.departments[d].department;
    if (d < deps.size() && deps[d].department == name) return &deps[d];
    for (const DepartmentMonitor& m : deps)
        if (m.department == name) return &m;
    return nullptr;
}

/// The report's words in one language.
class ReportText {
public:
    ReportText(const Report& r, Lang lang) : r_(r), zh_(lang == Lang::zh), lang_(lang) {}

    std::string title() const { return zh_ ? "预算绩效管理汇总报告" : "Budget performance report"; }

    std::string subtitle() const {
        std::string t = zh_ ? "规则：" + r_.rules_name : "Rules: " + r_.rules_name;
        if (r_.monitoring) t += zh_ ? "；监控截至 " + date_text(r_.monitoring->as_of) : "; monitoring as of " + to_string(r_.monitoring->as_of);
        return t;
    }

    /// A paragraph in the seed reports' style (seed 000).
    std::string paragraph() const {
        const RollupSummary& s = r_.evaluation;
        std::string p;
        if (zh_) {
            p = "本次汇总自评项目" + std::to_string(s.projects) + "个、三级指标" + std::to_string(r_.indicators) + "个，涉及资金" +
                wan_text(s.budget) + "万元，执行数" + wan_text(s.spent) + "万元，预算执行率" + percent_text(s.exec_rate()) +
                "，评分平均" + score_text(s.mean_score()) + "分（按预算加权" + score_text(s.weighted_mean_score()) + "分）。其中";
            for (std::size_t g = 0; g < s.grades.size(); ++g)
                p += (g ? "、" : "") + s.grades[g].zh + std::to_string(s.grade(g).projects) + "个";
            p += mark("grades") + "；";
            if (same_failed_and_rectify())
                p += below_line() + "的项目" + std::to_string(s.failed.projects) + "个，涉及资金" + wan_text(s.failed.budget) +
                     "万元，要求项目实施单位限时整改" + mark("rectify") + "；";
            else
                p += "须限时整改的项目" + std::to_string(s.rectify.projects) + "个，涉及资金" + wan_text(s.rectify.budget) + "万元" +
                     mark("rectify") + "，其中" + below_line() + "的" + std::to_string(s.failed.projects) + "个；";
            p += "调减" + std::to_string(s.departments_with_cut()) + "家单位" + std::to_string(s.cut_projects) +
                 "个预算项目下年同类预算，核减资金" + wan_text(s.cut) + "万元" + mark("cut") + "；收回结余资金" + wan_text(s.recover) +
                 "万元（" + std::to_string(s.recover_projects) + "个项目）" + mark("recover") + "。";
            if (const DepartmentRollup* d = worst_department())
                p += "以项目自评不合格率计，" + d->department + "最高（" + percent_text(d->failed_share()) + "，" +
                     std::to_string(d->failed.projects) + "/" + std::to_string(d->projects) + "）。";
            if (r_.criticise_above)
                p += s.departments_criticised() ? "不合格率超过" + share_text(*r_.criticise_above) + "的部门" +
                                                      std::to_string(s.departments_criticised()) + "个（" + criticised_list() +
                                                      "），予以通报批评" + mark("criticise") + "。"
                                                : "无部门不合格率超过" + share_text(*r_.criticise_above) + mark("criticise") + "。";
            if (r_.monitoring) {
                const MonitorSummary& m = r_.monitoring->summary;
                p += "截至" + date_text(r_.monitoring->as_of) + "，有" + std::to_string(m.warning_projects()) + "个项目、涉及资金" +
                     wan_text(m.warning_budget()) + "万元被列为预警项目" + mark("warning") + "，予以重点关注。";
            }
        } else {
            p = std::to_string(s.projects) + " projects with " + std::to_string(r_.indicators) +
                " indicators were evaluated: budget " + wan_text(s.budget) + " 万元, spent " + wan_text(s.spent) +
                " 万元, execution " + percent_text(s.exec_rate()) + ", mean score " + score_text(s.mean_score()) + " (" +
                score_text(s.weighted_mean_score()) + " weighted by budget). By grade: ";
            for (std::size_t g = 0; g < s.grades.size(); ++g)
                p += (g ? ", " : "") + s.grades[g].en + " " + std::to_string(s.grade(g).projects);
            p += mark("grades") + ". ";
            if (same_failed_and_rectify())
                p += std::to_string(s.failed.projects) + " projects (" + wan_text(s.failed.budget) + " 万元) " + below_line() +
                     " must rectify within a deadline" + mark("rectify") + "; ";
            else
                p += std::to_string(s.rectify.projects) + " projects (" + wan_text(s.rectify.budget) + " 万元) must rectify" +
                     mark("rectify") + ", " + std::to_string(s.failed.projects) + " of them " + below_line() + "; ";
            p += std::to_string(s.cut_projects) + " projects of " + std::to_string(s.departments_with_cut()) +
                 " units are cut next year by " + wan_text(s.cut) + " 万元" + mark("cut") + "; " + wan_text(s.recover) +
                 " 万元 of unspent funds are recovered from " + std::to_string(s.recover_projects) + " projects" + mark("recover") + ".";
            if (const DepartmentRollup* d = worst_department())
                p += " By failed share, " + d->department + " is highest (" + percent_text(d->failed_share()) + ", " +
                     std::to_string(d->failed.projects) + " of " + std::to_string(d->projects) + ").";
            if (r_.criticise_above)
                p += s.departments_criticised()
                         ? " " + std::to_string(s.departments_criticised()) + " units with more than " +
                               share_text(*r_.criticise_above) + " failing projects are criticised (" + criticised_list() + ")" +
                               mark("criticise") + "."
                         : " No unit has more than " + share_text(*r_.criticise_above) + " failing projects" +
                               mark("criticise") + ".";
            if (r_.monitoring) {
                const MonitorSummary& m = r_.monitoring->summary;
                p += " As of " + to_string(r_.monitoring->as_of) + ", " + std::to_string(m.warning_projects()) +
                     " warning projects (" + wan_text(m.warning_budget()) + " 万元)" + mark("warning") + " need close attention.";
            }
        }
        return p;
    }

    /// The summary figures: label, value.
    std::vector<std::pair<std::string, std::string>> figures() const {
        const RollupSummary& s = r_.evaluation;
        std::vector<std::pair<std::string, std::string>> f;
        const auto count_money = [&](std::size_t n, Money m) {
            return zh_ ? std::to_string(n) + " 个项目，" + wan_text(m) + " 万元"
                       : std::to_string(n) + " projects, " + wan_text(m) + " 万元";
        };
        f.emplace_back(zh_ ? "项目数" : "projects", std::to_string(s.projects));
        f.emplace_back(zh_ ? "三级指标数" : "indicators", std::to_string(r_.indicators));
        f.emplace_back(zh_ ? "预算数（万元）" : "budget (万元)", wan_text(s.budget));
        f.emplace_back(zh_ ? "执行数（万元）" : "spent (万元)", wan_text(s.spent));
        f.emplace_back(zh_ ? "预算执行率" : "execution rate", percent_text(s.exec_rate()));
        f.emplace_back(zh_ ? "平均分" : "mean score", score_text(s.mean_score()));
        f.emplace_back(zh_ ? "按预算加权平均分" : "mean score weighted by budget", score_text(s.weighted_mean_score()));
        f.emplace_back((zh_ ? "限期整改" : "to rectify") + mark("rectify"), count_money(s.rectify.projects, s.rectify.budget));
        f.emplace_back(zh_ ? "不合格率（" + below_line() + "）" : "failed share (" + below_line() + ")",
                       percent_text(s.failed_share()) + (zh_ ? "（" : " (") + std::to_string(s.failed.projects) + "/" +
                           std::to_string(s.projects) + (zh_ ? "）" : ")"));
        if (r_.criticise_above)
            f.emplace_back((zh_ ? "通报批评部门（不合格率超过" + share_text(*r_.criticise_above) + "）"
                                : "units criticised (failed share above " + share_text(*r_.criticise_above) + ")") +
                               mark("criticise"),
                           std::to_string(s.departments_criticised()));
        f.emplace_back((zh_ ? "下年核减" : "next-year cut") + mark("cut"),
                       zh_ ? std::to_string(s.departments_with_cut()) + " 家单位 " + std::to_string(s.cut_projects) + " 个项目，" +
                                 wan_text(s.cut) + " 万元"
                           : std::to_string(s.cut_projects) + " projects of " + std::to_string(s.departments_with_cut()) +
                                 " units, " + wan_text(s.cut) + " 万元");
        f.emplace_back((zh_ ? "收回结余资金" : "recovered") + mark("recover"), count_money(s.recover_projects, s.recover));
        if (r_.monitoring) {
            const MonitorSummary& m = r_.monitoring->summary;
            f.emplace_back(zh_ ? "序时进度" : "time progress", percent_text(r_.monitoring->time_progress));
            f.emplace_back((zh_ ? "预警项目（红灯、黄灯）" : "warning projects (red, yellow)") + mark("warning"),
                           count_money(m.warning_projects(), m.warning_budget()));
            const CountMoney& cut = r_.monitoring->mid_year_cut;
            if (cut.projects)
                f.emplace_back((zh_ ? "年中调减建议" : "mid-year cut recommended") + mark("warning"),
                               count_money(cut.projects, cut.budget));
        }
        return f;
    }

    std::string grade(std::size_t g) const {
        const RollupGrade& gr = r_.evaluation.grades[g];
        return zh_ ? gr.zh : gr.en;
    }
    /// "[90, 100]" for the top band, "[80, 90)" below.
    std::string band(std::size_t g) const {
        const RollupGrade& gr = r_.evaluation.grades[g];
        return "[" + gr.from.to_string() + ", " + gr.to.to_string() + (g == 0 ? "]" : ")");
    }

    std::vector<std::string> department_header() const {
        std::vector<std::string> h;
        if (zh_) h = {"部门", "项目数", "预算（万元）", "执行率", "平均分", "加权平均分"};
        else h = {"department", "projects", "budget (万元)", "execution", "mean", "weighted mean"};
        for (std::size_t g = 0; g < r_.evaluation.grades.size(); ++g) h.push_back(grade(g));
        if (zh_) h.insert(h.end(), {"整改", "不合格率", "核减（万元）", "收回（万元）"});
        else h.insert(h.end(), {"rectify", "failed share", "cut (万元)", "recovered (万元)"});
        if (r_.criticise_above) h.push_back((zh_ ? "通报批评" : "criticised") + mark("criticise"));
        if (r_.monitoring) {
            if (zh_) h.insert(h.end(), {"预警", "预警资金（万元）"});
            else h.insert(h.end(), {"warning", "warning budget (万元)"});
        }
        return h;
    }

    std::vector<std::string> department_row(std::size_t d) const {
        const DepartmentRollup& x = r_.evaluation.departments[d];
        std::vector<std::string> row{x.department, std::to_string(x.projects), wan_text(x.budget), percent_text(x.exec_rate()),
                                     score_text(x.mean_score()), score_text(x.weighted_mean_score())};
        for (std::size_t g = 0; g < r_.evaluation.grades.size(); ++g) row.push_back(std::to_string(x.grade(g).projects));
        row.push_back(std::to_string(x.rectify.projects));
        row.push_back(percent_text(x.failed_share()));
        row.push_back(wan_text(x.cut));
        row.push_back(wan_text(x.recover));
        if (r_.criticise_above) row.push_back(x.criticised ? (zh_ ? "是" : "yes") : "");
        if (r_.monitoring) {
            const MonitorTotals* m = monitoring_of(d);
            row.push_back(m ? std::to_string(m->warning_projects()) : "—");
            row.push_back(m ? wan_text(m->warning_budget()) : "—");
        }
        return row;
    }

    // --- the stages before the money (ReportOptions::review, ::assessments) ---

    std::string review_title() const { return (zh_ ? "绩效目标审核" : "Target review") + mark("review"); }
    /// Seed 000's words: "三级绩效指标3308个，量化率达72.79%", the grades and the admissions.
    std::string review_paragraph() const {
        const ReviewSummary& v = *r_.review;
        const std::string quantification = percent_text(quantification_of(v));
        std::string p = zh_ ? "审核项目" + std::to_string(v.projects) + "个，涉及资金" + wan_text(v.budget) + "万元；三级绩效指标" +
                                  std::to_string(v.indicators) + "个，量化率达" + quantification + "。其中"
                            : std::to_string(v.projects) + " projects reviewed (" + wan_text(v.budget) + " 万元); " +
                                  std::to_string(v.indicators) + " level-3 indicators, " + quantification + " quantified. Grades: ";
        for (std::size_t g = 0; g < v.grades.size(); ++g) {
            const std::size_t n = g < v.by_grade.size() ? v.by_grade[g] : 0;
            p += zh_ ? (g ? "、" : "") + v.grades[g].zh + std::to_string(n) + "个" : (g ? ", " : "") + v.grades[g].en + " " + std::to_string(n);
        }
        p += zh_ ? "；" : "; ";
        for (std::size_t a = 0; a < admission_count; ++a)
            p += zh_ ? (a ? "、" : "") + std::string(names::admission_zh[a]) + std::to_string(v.by_admission[a]) + "个（" +
                           wan_text(v.budget_by_admission[a]) + "万元）"
                     : (a ? ", " : "") + std::string(names::admission[a]) + " " + std::to_string(v.by_admission[a]) + " (" +
                           wan_text(v.budget_by_admission[a]) + " 万元)";
        return p + (zh_ ? "。" : ".");
    }
    std::vector<std::string> review_header() const {
        std::vector<std::string> h = zh_ ? std::vector<std::string>{"部门", "项目数", "预算（万元）", "三级指标", "量化率"}
                                         : std::vector<std::string>{"department", "projects", "budget (万元)", "indicators", "quantified"};
        for (std::size_t a = 0; a < admission_count; ++a) h.emplace_back(zh_ ? names::admission_zh[a] : names::admission[a]);
        return h;
    }
    std::vector<std::string> review_row(const ReviewDepartment& d) const {
        std::vector<std::string> row{d.department, std::to_string(d.projects), wan_text(d.budget), std::to_string(d.indicators),
                                     percent_text(quantification_of(d))};
        for (std::size_t a = 0; a < admission_count; ++a) row.push_back(std::to_string(d.by_admission[a]));
        return row;
    }

    std::string assessment_title() const { return (zh_ ? "事前绩效评估" : "Ex-ante assessment") + mark("assessment"); }
    std::string assessment_paragraph() const {
        const AssessSummary& v = *r_.assessment;
        std::string p = zh_ ? "事前评估项目" + std::to_string(v.projects) + "个，涉及资金" + wan_text(v.budget) + "万元。其中"
                            : std::to_string(v.projects) + " projects assessed (" + wan_text(v.budget) + " 万元). Grades: ";
        for (std::size_t g = 0; g < v.grades.size(); ++g) {
            const std::size_t n = g < v.by_grade.size() ? v.by_grade[g] : 0;
            p += zh_ ? (g ? "、" : "") + v.grades[g].zh + std::to_string(n) + "个" : (g ? ", " : "") + v.grades[g].en + " " + std::to_string(n);
        }
        p += zh_ ? "；予以通过" + std::to_string(v.approved) + "个（" + wan_text(v.approved_budget) + "万元），未通过" +
                       std::to_string(v.not_approved) + "个（" + wan_text(v.not_approved_budget) + "万元）"
                 : "; approved " + std::to_string(v.approved) + " (" + wan_text(v.approved_budget) + " 万元), not approved " +
                       std::to_string(v.not_approved) + " (" + wan_text(v.not_approved_budget) + " 万元)";
        if (v.cut != Money()) p += zh_ ? "；建议年中核减资金" + wan_text(v.cut) + "万元" : "; mid-year cuts " + wan_text(v.cut) + " 万元";
        if (v.not_assessed)
            p += zh_ ? "；另有" + std::to_string(v.not_assessed) + "个项目未经事前评估"
                     : "; " + std::to_string(v.not_assessed) + " more projects were not assessed";
        return p + (zh_ ? "。" : ".");
    }
    std::vector<std::string> assessment_header() const {
        return zh_ ? std::vector<std::string>{"部门", "项目数", "预算（万元）", "予以通过", "未通过", "年中核减（万元）"}
                   : std::vector<std::string>{"department", "projects", "budget (万元)", "approved", "not approved", "mid-year cut (万元)"};
    }
    std::vector<std::string> assessment_row(const DepartmentAssessment& d) const {
        return {d.department, std::to_string(d.projects), wan_text(d.budget), std::to_string(d.approved),
                std::to_string(d.not_approved), wan_text(d.cut)};
    }

    std::string listed_title() const {
        return zh_ ? (r_.monitoring ? "需整改、核减、收回或预警的项目" : "需整改、核减或收回的项目")
                   : (r_.monitoring ? "Projects to rectify, cut, recover or watch" : "Projects to rectify, cut or recover");
    }

    std::string listed_note() const {
        const std::string n = std::to_string(r_.listed_total), shown = std::to_string(r_.listed.size()),
                          cap = std::to_string(r_.max_listed);
        if (zh_)
            return "共 " + n + " 个项目，按得分从低到高列出" +
                   (r_.listed.size() < r_.listed_total ? "得分最低的 " + shown + " 个（上限 " + cap +
                                                             " 个）；全部项目见 Excel 工作簿（perfbudget report --out 报告.xlsx）的“项目”表。"
                                                      : "全部（上限 " + cap + " 个）。");
        return n + " projects, lowest score first; " +
               (r_.listed.size() < r_.listed_total ? "the " + shown + " lowest are listed (limit " + cap +
                                                         "); every project is on the Projects sheet of the workbook "
                                                         "(perfbudget report --out report.xlsx)."
                                                   : "all are listed (limit " + cap + ").");
    }

    std::vector<std::string> project_header() const {
        if (zh_) return {"项目编号", "项目名称", "部门", "预算（万元）", "得分", "等级", "处理", "原因" + mark("custom")};
        return {"project", "name", "department", "budget (万元)", "score", "grade", "actions", "reasons" + mark("custom")};
    }

    std::vector<std::string> project_row(const ReportProject& p) const {
        const std::string sep = zh_ ? "；" : "; ";
        std::string actions, reasons;
        const auto add = [&](std::string& to, const std::string& what) {
            if (!to.empty()) to += sep;
            to += what;
        };
        if (p.rectify) add(actions, zh_ ? "限期整改" : "rectify");
        if (p.cut.fen() != 0)
            add(actions, zh_ ? "下年核减 " + share_text(p.cut_rate) + "（" + wan_text(p.cut) + " 万元）"
                             : "cut " + share_text(p.cut_rate) + " next year (" + wan_text(p.cut) + " 万元)");
        if (p.recover.fen() != 0)
            add(actions, zh_ ? "收回结余 " + wan_text(p.recover) + " 万元" : "recover " + wan_text(p.recover) + " 万元");
        if (p.light && (*p.light == Light::red || *p.light == Light::yellow))
            add(actions, (zh_ ? "预警：" : "warning: ") + light_label(*p.light, lang_));
        if (p.failed) add(reasons, zh_ ? "得分" + p.total.to_string(2) + below_line() : "score " + p.total.to_string(2) + " " + below_line());
        const std::string& custom = zh_ ? p.reasons_zh : p.reasons_en;
        if (!custom.empty()) add(reasons, custom);
        for (std::size_t k = 0; k < monitor_rule_count; ++k)
            if (p.monitor_reasons >> k & 1U) add(reasons, monitor_reason(static_cast<MonitorRule>(k)));
        const std::string grade_label = p.grade < r_.evaluation.grades.size() ? grade(p.grade) : std::string("?");
        return {p.id, p.name, p.department, wan_text(p.budget), p.total.to_string(2), grade_label, actions, reasons};
    }

    /// The notes under the report: units, rules, definitions, then the footnotes.
    std::vector<std::string> notes() const {
        std::vector<std::string> n;
        std::string files;
        for (const std::string& f : r_.rule_files) files += (files.empty() ? "" : ", ") + f;
        if (zh_) {
            n.push_back("金额单位为万元，由精确到分的元金额四舍五入保留两位小数；精确金额（元）见 JSON 输出，各项合计按逐项目金额精确相加。");
            n.push_back("规则：" + r_.rules_name + "（" + files + "）。");
            n.push_back("执行率 = 执行数合计 / 预算数合计；平均分为各项目报告得分的算术平均，加权平均分 = Σ(预算 × 得分) / Σ预算；均一次性四舍五入。");
            n.push_back("不合格率（部门因素，种子 000“以部分（单位）项目自评不合格率计算分数”）= " + below_line() + "的项目数 / 项目数" +
                        (r_.criticise_above ? "；超过 " + share_text(*r_.criticise_above) + " 的部门予以通报批评（规则 rollup.criticise）。" : "。"));
            if (r_.monitoring)
                n.push_back("预警项目为截至 " + date_text(r_.monitoring->as_of) + " 监控为红灯或黄灯的项目；序时进度 " +
                            percent_text(r_.monitoring->time_progress) + "。");
        } else {
            n.push_back("Money in 万元 (10,000 yuan), rounded half-up to 2 places from exact amounts in fen; the JSON output has "
                        "the exact yuan amounts, and every total adds the per-project amounts exactly.");
            n.push_back("Rules: " + r_.rules_name + " (" + files + ").");
            n.push_back("Execution = Σ spent / Σ budget; mean score = the mean of the reported totals; weighted mean = "
                        "Σ(budget × total) / Σ budget; each rounded once, half-up.");
            n.push_back("Failed share (the department factor of seed 000) = projects " + below_line() + " / projects" +
                        (r_.criticise_above ? "; a unit above " + share_text(*r_.criticise_above) + " is criticised (rule rollup.criticise)." : "."));
            if (r_.monitoring)
                n.push_back("Warning projects are red or yellow as of " + to_string(r_.monitoring->as_of) + "; time progress " +
                            percent_text(r_.monitoring->time_progress) + ".");
        }
        for (std::size_t k = 0; k < r_.assumptions.size(); ++k) {
            const ReportAssumption& a = r_.assumptions[k];
            n.push_back(superscript(k + 1) + " " + figure_label(a.figure) +
                        (zh_ ? "：依据 " + a.source + "，规则文件标注为假设（[assumption]）：" + a.text
                             : ": rests on " + a.source + ", marked [assumption] in the rule file: " + a.text));
        }
        return n;
    }

    std::string stderr_summary() const {
        const RollupSummary& s = r_.evaluation;
        std::string t = zh_ ? "已汇总 " + std::to_string(s.projects) + " 个项目、" + std::to_string(r_.indicators) + " 个指标：平均分 " +
                                  score_text(s.mean_score()) + "，限期整改 " + std::to_string(s.rectify.projects) + " 个（" +
                                  wan_text(s.rectify.budget) + " 万元），核减 " + wan_text(s.cut) + " 万元，收回 " + wan_text(s.recover) + " 万元"
                            : "rolled up " + std::to_string(s.projects) + " projects, " + std::to_string(r_.indicators) +
                                  " indicators: mean score " + score_text(s.mean_score()) + ", " + std::to_string(s.rectify.projects) +
                                  " to rectify (" + wan_text(s.rectify.budget) + " 万元), cut " + wan_text(s.cut) + " 万元, recovered " +
                                  wan_text(s.recover) + " 万元";
        if (r_.monitoring) {
            const MonitorSummary& m = r_.monitoring->summary;
            t += zh_ ? "；预警项目 " + std::to_string(m.warning_projects()) + " 个（" + wan_text(m.warning_budget()) + " 万元）"
                     : "; " + std::to_string(m.warning_projects()) + " warning projects (" + wan_text(m.warning_budget()) + " 万元)";
        }
        return zh_ ? t : t + " "; // before "(rules: …)"
    }

    /// The footnote marks of a figure: "¹²".
    std::string mark(std::string_view figure) const {
        std::string m;
        for (std::size_t k = 0; k < r_.assumptions.size(); ++k)
            if (r_.assumptions[k].figure == figure) m += superscript(k + 1);
        return m;
    }

    const MonitorTotals* monitoring_of(std::size_t d) const { return monitor_department(r_, d); }

    /// "低于80分" / "below 80": the rectification line, or the grades below it.
    std::string below_line() const {
        if (r_.rectify_line) return zh_ ? "低于" + r_.rectify_line->to_string() + "分" : "below " + r_.rectify_line->to_string();
        return zh_ ? "低于整改线" : "below the rectification line";
    }

    std::string date_text(Date d) const {
        if (!zh_) return to_string(d);
        return std::to_string(static_cast<int>(d.year())) + "年" + std::to_string(static_cast<unsigned>(d.month())) + "月" + std::to_string(static_cast<unsigned>(d.day())) + "日";
    }

    static std::string superscript(std::size_t n) {
        static const char* const digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
        std::string s;
        for (char c : std::to_string(n)) s += digits[c - '0'];
        return s;
    }

private:
    bool same_failed_and_rectify() const {
        const RollupSummary& s = r_.evaluation;
        return s.failed.projects == s.rectify.projects && s.failed.budget == s.rectify.budget;
    }

    /// The department with the highest failed share (the first on ties), when any failed.
    const DepartmentRollup* worst_department() const {
        const DepartmentRollup* worst = nullptr;
        for (const DepartmentRollup& d : r_.evaluation.departments) {
            if (d.failed.projects == 0) continue;
            if (!worst || *d.failed_share() > *worst->failed_share()) worst = &d;
        }
        return worst;
    }

    /// The criticised departments, in their order: "县水利局、县民政局" / "A, B".
    std::string criticised_list() const {
        std::string list;
        for (const DepartmentRollup& d : r_.evaluation.departments)
            if (d.criticised) list += (list.empty() ? "" : (zh_ ? "、" : ", ")) + d.department;
        return list;
    }

    std::string monitor_reason(MonitorRule k) const {
        static const char* const zh[] = {"预算执行进度偏慢", "指标完成进度异常", "目标预计无法完成", "执行率与总体完成率偏差过大"};
        static const char* const en[] = {"execution behind time", "indicator pace off target", "target cannot be met",
                                         "execution and completion far apart"};
        const auto i = static_cast<std::size_t>(k);
        return zh_ ? zh[i] : en[i];
    }

    static std::optional<Fraction> quantification_of(const ReviewTotals& t) {
        if (!t.indicators) return std::nullopt;
        return Fraction(Fraction::wide(static_cast<std::int64_t>(t.quantified)), Fraction::wide(static_cast<std::int64_t>(t.indicators)));
    }

    std::string figure_label(const std::string& figure) const {
        if (figure == "grades") return zh_ ? "等级划分" : "grade bands";
        if (figure == "rectify") return zh_ ? "限期整改" : "rectification";
        if (figure == "cut") return zh_ ? "下年核减" : "next-year cut";
        if (figure == "recover") return zh_ ? "收回结余资金" : "recovery";
        if (figure == "warning") return zh_ ? "预警" : "warnings";
        if (figure == "criticise") return zh_ ? "通报批评" : "criticism";
        if (figure == "review") return zh_ ? "目标审核结论" : "target review";
        if (figure == "assessment") return zh_ ? "事前评估结论" : "ex-ante assessment";
        return zh_ ? "自定义规则" : "custom rules";
    }

    const Report& r_;
    bool zh_;
    Lang lang_;
};

} // namespace perfbudget::detail
