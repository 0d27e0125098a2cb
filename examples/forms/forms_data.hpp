// examples/forms/forms_data.hpp — three filled self-evaluation forms (项目支出绩效自评表)
// of a county, as the cells a unit types into them: two in the national layout of
// 财预〔2020〕10号 and one in Sichuan's. The source of examples/forms' workbook
// (make_forms.cpp writes it) and of the tests that read the same cells as a grid
// (tests/test_forms.cpp), so the two cannot drift apart.
//
// Money is in 万元, as on the form. Each form's expected perfbudget total under the
// national rules is worked out by hand in docs/forms.md ("The example").
#pragma once

#include "perfbudget/forms.hpp"

#include <string>
#include <vector>

namespace perfbudget::examples {

/// A sheet written row by row; merge("A1:J1") merges a range (top-left text kept).
class FormSheetBuilder {
public:
    explicit FormSheetBuilder(std::string name) { grid_.name = std::move(name); }
    FormSheetBuilder& row(std::vector<std::string> cells) {
        grid_.cells.push_back(std::move(cells));
        return *this;
    }
    FormSheetBuilder& merge(const std::string& range) {
        const auto colon = range.find(':');
        const auto [r1, c1] = cell(range.substr(0, colon));
        const auto [r2, c2] = cell(range.substr(colon + 1));
        grid_.merges.push_back({r1, c1, r2, c2});
        return *this;
    }
    SheetGrid build() const { return grid_; }

private:
    /// "B12" → row 12, column 2.
    static std::pair<std::uint32_t, std::uint32_t> cell(const std::string& ref) {
        std::uint32_t column = 0, row = 0;
        std::size_t i = 0;
        for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) column = column * 26 + static_cast<std::uint32_t>(ref[i] - 'A' + 1);
        for (; i < ref.size(); ++i) row = row * 10 + static_cast<std::uint32_t>(ref[i] - '0');
        return {row, column};
    }
    SheetGrid grid_;
};

/// The cells a reader gives for a sheet: every cell of a merged range holds the
/// top-left cell's text (as xlsx::read_grid does).
inline Grid as_read(const SheetGrid& sheet) {
    Grid g = sheet.cells;
    for (const SheetGrid::Merge& m : sheet.merges) {
        const std::string text = g[m.first_row - 1][m.first_column - 1];
        for (std::uint32_t r = m.first_row; r <= m.last_row; ++r) {
            if (g.size() < r) g.resize(r);
            if (g[r - 1].size() < m.last_column) g[r - 1].resize(m.last_column);
            for (std::uint32_t c = m.first_column; c <= m.last_column; ++c) g[r - 1][c - 1] = text;
        }
    }
    return g;
}

/// National layout: 营养改善计划 of the county education bureau. A qualitative
/// indicator whose unit score lies in its tier (14 of 15 points, A), one whose
/// does not (13 of 15, B: the tier's default 70% applies), a date indicator
/// finished 20 days late, and a score the unit gave itself too generously.
/// Expected total 93.23 (unit's own 96.23).
inline SheetGrid nutrition_form() {
    FormSheetBuilder s("营养改善计划");
    s.row({"项目支出绩效自评表", "", "", "", "", "", "", "", "", ""}).merge("A1:J1");
    s.row({"（2023年度）", "", "", "", "", "", "", "", "", ""}).merge("A2:J2");
    s.row({"项目名称", "2023年农村义务教育学生营养改善计划", "", "", "", "", "", "", "", ""}).merge("B3:J3");
    s.row({"主管部门", "岳池县教育科技和体育局", "", "", "", "实施单位", "岳池县学生资助管理中心", "", "", ""})
        .merge("B4:E4")
        .merge("G4:J4");
    s.row({"项目编号", "YC2023-JY-001", "", "", "", "", "", "", "", ""}).merge("B5:J5");
    s.row({"项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "", ""}).merge("A6:A10");
    s.row({"", "年度资金总额", "320", "336.5", "318.2", "10", "94.56%", "9.46", "", ""});
    s.row({"", "其中：当年财政拨款", "320", "336.5", "318.2", "—", "94.56%", "—", "", ""});
    s.row({"", "上年结转资金", "0", "0", "0", "—", "—", "—", "", ""});
    s.row({"", "其他资金", "0", "0", "0", "—", "—", "—", "", ""});
    s.row({"年度总体目标", "预期目标", "", "", "", "", "实际完成情况", "", "", ""}).merge("A11:A12").merge("B11:F11").merge("G11:J11");
    s.row({"", "为全县农村义务教育学生提供营养膳食补助，改善学生营养健康状况", "", "", "", "",
           "全年为11860名学生提供营养餐200天，学生营养状况持续改善", "", "", ""})
        .merge("B12:F12")
        .merge("G12:J12");
    s.row({"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施", "", ""})
        .merge("H13:J13");
    s.row({"产出指标（50分）", "数量指标", "受益学生人数", "≥12000人", "11860人", "20", "19.77", "部分学生转学至城区学校", "", ""})
        .merge("A14:A18")
        .merge("B14:B15")
        .merge("H14:J14");
    s.row({"", "", "供餐天数", "≥200天", "200天", "10", "10", "", "", ""}).merge("H15:J15");
    s.row({"", "质量指标", "食品安全事故发生次数", "=0次", "0次", "10", "10", "", "", ""}).merge("H16:J16");
    s.row({"", "时效指标", "资金拨付完成时间", "2023年10月31日前", "2023-11-20", "5", "5", "第二批资金到位较晚", "", ""})
        .merge("H17:J17");
    s.row({"", "成本指标", "每生每天膳食补助标准", "≤5元", "5元", "5", "5", "", "", ""}).merge("H18:J18");
    s.row({"效益指标（30分）", "社会效益指标", "学生营养健康状况", "学生营养状况持续改善", "达成预期指标", "15", "14", "", "", ""})
        .merge("A19:A20")
        .merge("H19:J19");
    s.row({"", "可持续影响指标", "营养改善长效机制", "长效机制健全", "部分达成预期指标并具有一定效果", "15", "13",
           "食堂管理制度尚需完善", "", ""})
        .merge("H20:J20");
    s.row({"满意度指标（10分）", "服务对象满意度指标", "学生家长满意度", "≥90%", "93.5%", "10", "10", "", "", ""}).merge("H21:J21");
    s.row({"总分", "", "", "", "", "100", "96.23", "", "", ""}).merge("A22:E22").merge("H22:J22");
    return s.build();
}

/// National layout, another county's habits: the year inside the title, 项目代码,
/// labels spaced out (项 目 名 称), targets `≥2.5万亩`, `≥100百分比`, `=100%`,
/// `≤2023-12-31`, `≤90万元`. The unit rounded 化肥使用量减少 down (12 for 12.60).
/// Expected total 94.66 (unit's own 94.06).
inline SheetGrid farmland_form() {
    FormSheetBuilder s("高标准农田");
    s.row({"项目支出绩效自评表（2023年度）", "", "", "", "", "", "", ""}).merge("A1:H1");
    s.row({"项 目 名 称", "2023年高标准农田建设项目", "", "", "", "", "", ""}).merge("B2:H2");
    s.row({"项目代码", "YC2023-NY-017", "", "", "", "", "", ""}).merge("B3:H3");
    s.row({"主管部门", "岳池县农业农村局", "", "", "实施单位", "岳池县农田建设服务中心", "", ""}).merge("B4:D4").merge("F4:H4");
    s.row({"项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"}).merge("A5:A8");
    s.row({"", "年度资金总额：", "1200", "1250", "1187.5", "10", "95%", "9.5"});
    s.row({"", "其中：当年财政拨款", "1200", "1250", "1187.5", "", "", ""});
    s.row({"", "其他资金", "0", "0", "0", "", "", ""});
    s.row({"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"});
    s.row({"产出指标（50分）", "数量指标", "新建高标准农田面积", "≥2.5万亩", "2.3万亩", "20", "18.4", "两个片区因用地调整延至次年"})
        .merge("A10:A14")
        .merge("B11:B12");
    s.row({"", "质量指标", "工程验收合格率", "≥100百分比", "100", "10", "10", ""});
    s.row({"", "", "资金专款专用率", "=100%", "100%", "5", "5", ""});
    s.row({"", "时效指标", "项目完工时间", "≤2023-12-31", "2023-12-20", "5", "5", ""});
    s.row({"", "成本指标", "工程监理费用", "≤90万元", "96万元", "10", "9.38", "增加两个片区的监理"});
    s.row({"效益指标（30分）", "经济效益指标", "亩均粮食增产", "≥50公斤", "52公斤", "15", "15", ""}).merge("A15:A16");
    s.row({"", "生态效益指标", "化肥使用量减少", "≥5%", "4.2%", "15", "12", "测土配方施肥推广不足"});
    s.row({"满意度指标（10分）", "服务对象满意度指标", "项目区农户满意度", "≥90%", "88%", "10", "9.78", ""});
    s.row({"总分", "", "", "", "", "100", "94.06", ""}).merge("A18:E18");
    return s.build();
}

/// Sichuan's layout: 预算执行情况（10分） with 调整后预算数, and 指标性质 / 度量单位
/// columns. No 项目编号: the project's id is the sheet's name. The unit gave
/// full points for a task finished 28 days late. Expected total 93.91 (own 94.91).
inline SheetGrid road_form() {
    FormSheetBuilder s("农村公路养护");
    s.row({"项目支出绩效自评表", "", "", "", "", "", "", "", "", ""}).merge("A1:J1");
    s.row({"（2023年度）", "", "", "", "", "", "", "", "", ""}).merge("A2:J2");
    s.row({"项目名称", "2023年农村公路养护项目", "", "", "", "", "", "", "", ""}).merge("B3:J3");
    s.row({"主管部门", "岳池县交通运输局", "", "", "", "实施单位", "岳池县农村公路养护中心", "", "", ""}).merge("B4:E4").merge("G4:J4");
    s.row({"预算执行情况（10分）", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "", "", ""}).merge("A5:A6");
    s.row({"", "450", "480", "396", "82.5%", "10", "8.25", "", "", ""});
    s.row({"一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"});
    s.row({"产出指标", "数量指标", "养护农村公路里程", "≥", "320", "公里", "305", "20", "19.06", "部分路段纳入改建工程"}).merge("A8:A11");
    s.row({"", "质量指标", "路面技术状况指数达标率", "≥", "85", "%", "87", "10", "10", ""});
    s.row({"", "时效指标", "年度养护任务完成时间", "≤", "2023年11月30日", "", "2023年12月28日", "10", "10", "汛期水毁抢修挤占工期"});
    s.row({"", "成本指标", "每公里养护成本", "≤", "1.2", "万元", "1.25", "10", "9.6", "材料价格上涨"});
    s.row({"效益指标", "社会效益指标", "群众出行条件", "定性", "明显改善", "", "达成年度指标", "30", "28", ""});
    s.row({"满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥", "90", "%", "91", "10", "10", ""});
    s.row({"总分", "", "", "", "", "", "", "100", "94.91", ""}).merge("A14:G14");
    return s.build();
}

/// The three forms, one per sheet.
inline std::vector<SheetGrid> example_forms() { return {nutrition_form(), farmland_form(), road_form()}; }

/// A sheet that is not a form (the bureau's notes on filling in): skipped with a notice.
inline SheetGrid notes_sheet() {
    FormSheetBuilder s("填表说明");
    s.row({"填表说明"});
    s.row({"1. 金额单位为万元，保留两位小数。"});
    s.row({"2. 定性指标的实际完成值填写“达成预期指标”“部分达成预期指标并具有一定效果”或“未达成预期指标且效果较差”。"});
    s.row({"3. 本工作簿各工作表为2023年度项目支出绩效自评表，每表一个项目。"});
    return s.build();
}

/// The example workbook as make_forms.cpp writes it: the notes, then the three forms.
inline std::vector<SheetGrid> example_workbook() {
    std::vector<SheetGrid> sheets{notes_sheet()};
    for (SheetGrid& f : example_forms()) sheets.push_back(std::move(f));
    return sheets;
}

} // namespace perfbudget::examples
