// The self-evaluation form (项目支出绩效自评表, SPEC §3b; docs/forms.md): reading
// form grids of both layouts, splitting targets, tiers, the unit's own scores and
// their differences, problems at their cells, and writing the forms back.
// The three example forms are examples/forms/forms_data.hpp, the source of the
// example workbook; their totals are worked out by hand in docs/forms.md.
#include "perfbudget/forms.hpp"
#include "perfbudget/load.hpp"

#include "../examples/forms/forms_data.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace perfbudget;

namespace {

Decimal dec(const char* s) { return Decimal::parse(s); }

/// Parses a sheet of the example (merged cells filled, as the reader gives them).
FormReading read(const SheetGrid& sheet) {
    return parse_form(examples::as_read(sheet), "自评表.xlsx!" + sheet.name, sheet.name, national_rules());
}

Form form_of(const SheetGrid& sheet) {
    FormReading r = read(sheet);
    for (const Diagnostic& d : r.problems) MESSAGE(d.to_string(Lang::en));
    REQUIRE(r.problems.empty());
    REQUIRE(r.form);
    return *r.form;
}

/// The first problem's text "where: error: message" in English.
std::string first_problem(const Grid& grid) {
    const FormReading r = parse_form(grid, "book.xlsx!表1", "表1", national_rules());
    REQUIRE_FALSE(r.problems.empty());
    return r.problems.front().to_string(Lang::en);
}

/// Refused for a temporary Form: the reference would outlive it (found by ASan).
const Indicator& indicator(Form&& f, std::string_view name) = delete;
const Indicator& indicator(const Form& f, std::string_view name) {
    for (const Indicator& ind : f.project.indicators)
        if (ind.name == name) return ind;
    FAIL("no indicator " << name);
    return f.project.indicators.front();
}

/// A small national form with the given indicator rows (一级 二级 三级 年度指标值 实际完成值 分值 得分).
Grid small_form(const std::vector<std::vector<std::string>>& rows) {
    Grid g = {{"项目支出绩效自评表"},
              {"（2024年度）"},
              {"项目名称", "测试项目"},
              {"主管部门", "某县财政局", "实施单位", "某县国库支付中心"},
              {"项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"},
              {"项目资金（万元）", "年度资金总额", "100", "100", "100", "10", "100%", "10"},
              {"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"}};
    for (const auto& r : rows) g.push_back(r);
    g.push_back({"总分", "", "", "", "", "100", ""});
    return g;
}

} // namespace

TEST_CASE("forms: the national example form is read by its labels") {
    const Form f = form_of(examples::nutrition_form());
    CHECK(f.layout == FormLayout::national);
    CHECK(f.project.id == "YC2023-JY-001");
    CHECK(f.project.name == "2023年农村义务教育学生营养改善计划");
    CHECK(f.project.department == "岳池县教育科技和体育局");
    CHECK(f.implementer == "岳池县学生资助管理中心");
    CHECK(f.project.year == 2023);
    CHECK(f.project.budget == Money::parse("3365000.00")); // 336.5 万元, exact
    CHECK(f.project.spent == Money::parse("3182000.00"));
    CHECK(f.initial_budget == Money::parse("3200000.00"));
    CHECK(f.goal == "为全县农村义务教育学生提供营养膳食补助，改善学生营养健康状况");
    CHECK(f.goal_actual.find("11860") != std::string::npos);
    CHECK(f.own_exec_score == dec("9.46"));
    CHECK(f.own_exec_rate == dec("0.9456"));
    CHECK(f.own_total == dec("96.23"));
    REQUIRE(f.project.indicators.size() == 8);
    const Indicator& students = f.project.indicators[0];
    CHECK(students.level1 == Level1::output);
    CHECK(students.level2 == Level2::quantity);
    CHECK(students.direction == Direction::ge);
    CHECK(std::get<Decimal>(students.target) == dec("12000"));
    CHECK(std::get<Decimal>(students.actual) == dec("11860"));
    CHECK(students.unit == "人");
    CHECK(students.weight == dec("20"));
    CHECK(students.source_line == 14);
    CHECK(f.project.indicators[1].level2 == Level2::quantity); // 二级指标 merged down
    CHECK(f.rows[0].own_score == dec("19.77"));
    CHECK(f.rows[0].note == "部分学生转学至城区学校");
}

TEST_CASE("forms: the three example forms score as worked out by hand (national rules)") {
    const std::vector<SheetGrid> sheets = examples::example_forms();
    std::vector<Form> forms;
    for (const SheetGrid& s : sheets) forms.push_back(form_of(s));
    const FormResults r = evaluate_forms(forms, national_rules());
    REQUIRE(r.results.size() == 3);
    // 营养改善计划: exec 318.2/336.5 → 9.46; indicators 19.77+10+10+4.50+5+14.00+10.50+10 = 83.77.
    CHECK(r.results[0].exec_score == dec("9.46"));
    CHECK(r.results[0].indicator_score == dec("83.77"));
    CHECK(r.results[0].total == dec("93.23"));
    // 高标准农田: exec 1187.5/1250 → 9.50; 18.40+10+5+5+9.38+15+12.60+9.78 = 85.16.
    CHECK(r.results[1].exec_score == dec("9.5"));
    CHECK(r.results[1].indicator_score == dec("85.16"));
    CHECK(r.results[1].total == dec("94.66"));
    // 农村公路养护 (Sichuan): exec 396/480 → 8.25; 19.06+10+9.00+9.60+28.00+10 = 85.66.
    CHECK(r.results[2].exec_score == dec("8.25"));
    CHECK(r.results[2].indicator_score == dec("85.66"));
    CHECK(r.results[2].total == dec("93.91"));
    for (const ProjectResult& p : r.results) CHECK(national_rules().only().grades.bands[p.grade].id == "excellent");
}

TEST_CASE("forms: the unit's own scores that differ from perfbudget's are listed at their cells") {
    std::vector<Form> forms;
    for (const SheetGrid& s : examples::example_forms()) forms.push_back(form_of(s));
    const FormResults r = evaluate_forms(forms, national_rules());
    std::vector<std::string> lines;
    for (const ScoreDifference& d : r.differences)
        lines.push_back(d.where.to_string() + " " + d.item + " " + d.own.to_string(2) + " " + d.computed.to_string(2));
    const std::vector<std::string> expected = {
        "自评表.xlsx!营养改善计划!G17 资金拨付完成时间 5.00 4.50",  // 20 days late: one period, −10%
        "自评表.xlsx!营养改善计划!G20 营养改善长效机制 13.00 10.50", // 13/15 is not in B's range: B's 70%
        "自评表.xlsx!营养改善计划!G22 total 96.23 93.23",
        "自评表.xlsx!高标准农田!G16 化肥使用量减少 12.00 12.60",
        "自评表.xlsx!高标准农田!G18 total 94.06 94.66",
        "自评表.xlsx!农村公路养护!I10 年度养护任务完成时间 10.00 9.00",
        "自评表.xlsx!农村公路养护!I14 total 94.91 93.91",
    };
    CHECK(lines == expected);
    std::string csv;
    write_differences_csv(csv, {r.differences.front()}, true);
    CHECK(csv == "project_id,cell,item,own_score,perfbudget_score,difference\n"
                 "YC2023-JY-001,自评表.xlsx!营养改善计划!G17,资金拨付完成时间,5.00,4.50,-0.50\n");
}

TEST_CASE("forms: label variants (title with the year, 项目代码, spaced labels, colons)") {
    const Form f = form_of(examples::farmland_form());
    CHECK(f.project.year == 2023); // 项目支出绩效自评表（2023年度） in one cell
    CHECK(f.project.id == "YC2023-NY-017");
    CHECK(f.project.name == "2023年高标准农田建设项目"); // 项 目 名 称
    CHECK(f.project.budget == Money::parse("12500000.00")); // 年度资金总额：
    CHECK(f.project.spent == Money::parse("11875000.00"));
}

TEST_CASE("forms: the Sichuan variant (预算执行情况, 调整后预算数, 指标性质, 度量单位)") {
    const Form f = form_of(examples::road_form());
    CHECK(f.layout == FormLayout::sichuan);
    CHECK(f.project.id == "农村公路养护"); // no 项目编号: the sheet's name
    CHECK(f.project.budget == Money::parse("4800000.00")); // 调整后预算数, not 年初预算
    CHECK(f.initial_budget == Money::parse("4500000.00"));
    CHECK(f.project.spent == Money::parse("3960000.00"));
    CHECK(f.own_exec_score == dec("8.25"));
    const Indicator& road = indicator(f, "养护农村公路里程");
    CHECK(road.direction == Direction::ge);
    CHECK(road.unit == "公里");
    CHECK(std::get<Decimal>(road.target) == dec("320"));
    const Indicator& rate = indicator(f, "路面技术状况指数达标率");
    CHECK(std::get<Decimal>(rate.target) == dec("0.85")); // 85 under 度量单位 % is 85%
    CHECK(std::get<Decimal>(rate.actual) == dec("0.87"));
    const Indicator& done = indicator(f, "年度养护任务完成时间");
    CHECK(done.direction == Direction::date); // 指标性质 ≤ with a date
    CHECK(std::get<Date>(done.target) == make_date(2023, 11, 30));
    CHECK(std::get<Date>(done.actual) == make_date(2023, 12, 28));
    const Indicator& cost = indicator(f, "每公里养护成本");
    CHECK(cost.direction == Direction::le);
    CHECK(cost.unit == "万元");
    const Indicator& roads = indicator(f, "群众出行条件");
    CHECK(roads.direction == Direction::qual);
    CHECK(roads.target_text == "明显改善"); // the qualitative target, kept for the explanation
    CHECK(std::get<QualRating>(roads.actual) == QualRating{Tier::A, dec("0.933333")});
    CHECK(f.own_total == dec("94.91"));
}

TEST_CASE("forms: a target cell splits into operator, value and unit") {
    TargetParts t;
    std::string en, zh;
    REQUIRE(split_target("≥50个", t, en, zh));
    CHECK(t.direction == Direction::ge);
    CHECK(std::get<Decimal>(t.value) == dec("50"));
    CHECK(t.unit == "个");
    REQUIRE(split_target("≤90万元", t, en, zh));
    CHECK(t.direction == Direction::le);
    CHECK(std::get<Decimal>(t.value) == dec("90"));
    CHECK(t.unit == "万元");
    REQUIRE(split_target("≥100百分比", t, en, zh));
    CHECK(t.direction == Direction::ge);
    CHECK(std::get<Decimal>(t.value) == dec("1")); // 100 per cent
    CHECK(t.unit == "百分比");
    REQUIRE(split_target("=100%", t, en, zh));
    CHECK(t.direction == Direction::eq);
    CHECK(std::get<Decimal>(t.value) == dec("1"));
    CHECK(t.unit == "%");
    REQUIRE(split_target("＞９５％", t, en, zh)); // full width; > is scored as ≥
    CHECK(t.direction == Direction::ge);
    CHECK(std::get<Decimal>(t.value) == dec("0.95"));
    REQUIRE(split_target("<3次", t, en, zh));
    CHECK(t.direction == Direction::le);
    CHECK(std::get<Decimal>(t.value) == dec("3"));
    REQUIRE(split_target(">= 1200 人次", t, en, zh));
    CHECK(t.direction == Direction::ge);
    CHECK(t.unit == "人次");
    REQUIRE(split_target("1200人次", t, en, zh)); // no operator: a fixed value
    CHECK(t.direction == Direction::eq);
    CHECK_FALSE(t.has_operator);
    REQUIRE(split_target("2023年10月31日前", t, en, zh));
    CHECK(t.direction == Direction::date);
    CHECK(std::get<Date>(t.value) == make_date(2023, 10, 31));
    REQUIRE(split_target("≤2023-10-31", t, en, zh));
    CHECK(t.direction == Direction::date);
    CHECK(std::get<Date>(t.value) == make_date(2023, 10, 31));
    REQUIRE(split_target("2023年12月底前", t, en, zh));
    CHECK(std::get<Date>(t.value) == make_date(2023, 12, 31));
    REQUIRE(split_target("严格执行相关制度规定", t, en, zh));
    CHECK(t.direction == Direction::qual);
    CHECK(std::holds_alternative<std::monostate>(t.value));
    CHECK_FALSE(split_target("≥2023-10-31", t, en, zh)); // a date is met on or before
    CHECK_FALSE(split_target("≥较好", t, en, zh));
    CHECK(zh.find("运算符后应为数值") != std::string::npos);
    CHECK_FALSE(split_target("≥1.2345678", t, en, zh)); // more than 6 decimals
}

TEST_CASE("forms: tier phrases and the unit's percentage within the tier") {
    CHECK(tier_of_phrase("达成预期指标") == Tier::A);
    CHECK(tier_of_phrase("达成年度指标") == Tier::A);
    CHECK(tier_of_phrase("部分达成预期指标并具有一定效果") == Tier::B);
    CHECK(tier_of_phrase("部分达成年度指标并具有一定效果") == Tier::B);
    CHECK(tier_of_phrase("未达成预期指标且效果较差") == Tier::C);
    CHECK(tier_of_phrase("未达成年度指标且效果较差") == Tier::C);
    CHECK(tier_of_phrase("B") == Tier::B);
    CHECK_FALSE(tier_of_phrase("效果明显"));

    // 14 of 15 points with A: 93.3333% is in A's [80%, 100%] → that percentage.
    const Form f = form_of(examples::nutrition_form());
    CHECK(std::get<QualRating>(indicator(f, "学生营养健康状况").actual) == QualRating{Tier::A, dec("0.933333")});
    // 13 of 15 with B: 86.67% is not in B's [60%, 80%) → B's default, with a notice at the 得分 cell.
    CHECK(std::get<QualRating>(indicator(f, "营养改善长效机制").actual) == QualRating{Tier::B});
    const FormReading r = read(examples::nutrition_form());
    REQUIRE(r.notices.size() == 1);
    CHECK(r.notices[0].severity == Diagnostic::Severity::notice);
    CHECK(r.notices[0].where.to_string() == "自评表.xlsx!营养改善计划!G20");
    CHECK(r.notices[0].en.find("outside tier B's range") != std::string::npos);

    // No unit score: the tier alone (its default share).
    const Form g = form_of({"t", small_form({{"效益指标", "社会效益指标", "制度执行", "严格执行相关制度规定", "C", "90", ""}}), {}});
    CHECK(std::get<QualRating>(g.project.indicators[0].actual) == QualRating{Tier::C});
}

TEST_CASE("forms: a date target and its actual in the national layout") {
    const Form f = form_of(examples::nutrition_form());
    const Indicator& paid = indicator(f, "资金拨付完成时间");
    CHECK(paid.direction == Direction::date);
    CHECK(std::get<Date>(paid.target) == make_date(2023, 10, 31));
    CHECK(std::get<Date>(paid.actual) == make_date(2023, 11, 20));
    const Form farmland = form_of(examples::farmland_form()); // kept: `indicator` returns a reference into it
    const Indicator& done = indicator(farmland, "项目完工时间");
    CHECK(std::get<Date>(done.target) == make_date(2023, 12, 31)); // ≤2023-12-31
}

TEST_CASE("forms: percentages under 百分比 and % units") {
    const Form f = form_of(examples::farmland_form());
    const Indicator& pass = indicator(f, "工程验收合格率"); // ≥100百分比, actual 100
    CHECK(std::get<Decimal>(pass.target) == dec("1"));
    CHECK(std::get<Decimal>(pass.actual) == dec("1"));
    const Indicator& earmarked = indicator(f, "资金专款专用率"); // =100%, actual 100%
    CHECK(earmarked.direction == Direction::eq);
    CHECK(std::get<Decimal>(earmarked.actual) == dec("1"));
    const Indicator& fertiliser = indicator(f, "化肥使用量减少"); // ≥5%, actual 4.2%
    CHECK(std::get<Decimal>(fertiliser.target) == dec("0.05"));
    CHECK(std::get<Decimal>(fertiliser.actual) == dec("0.042"));
    const Indicator& fee = indicator(f, "工程监理费用"); // ≤90万元, actual 96万元
    CHECK(fee.direction == Direction::le);
    CHECK(std::get<Decimal>(fee.actual) == dec("96"));
}

TEST_CASE("forms: a missing label is an error naming the sheet") {
    Grid g = small_form({{"产出指标", "数量指标", "培训人次", "≥100人次", "90人次", "90", ""}});
    g[2] = {"名称", "测试项目"}; // 项目名称 renamed
    CHECK(first_problem(g) == "book.xlsx!表1: error: the form has no label \"项目名称\" (looked for above the indicator table)");
    const FormReading r = parse_form(g, "book.xlsx!表1", "表1", national_rules());
    CHECK(r.problems.front().zh == "自评表缺少标签“项目名称”（在绩效指标表之上查找）");
    CHECK_FALSE(r.form);

    Grid no_value = small_form({{"产出指标", "数量指标", "培训人次", "≥100人次", "90人次", "90", ""}});
    no_value[3] = {"主管部门", "", "实施单位", "某县国库支付中心"}; // the department left empty
    CHECK(first_problem(no_value) == "book.xlsx!表1!A4: error: \"主管部门\" has no value to its right");

    Grid no_funds = small_form({{"产出指标", "数量指标", "培训人次", "≥100人次", "90人次", "90", ""}});
    no_funds[4] = {"项目资金（万元）", "", "年初预算数", "预算", "全年执行数"};
    CHECK(first_problem(no_funds).find("book.xlsx!表1: error: the form has no funds block") == 0);

    Grid no_table = small_form({});
    no_table[6] = {"指标", "二级指标"};
    CHECK(first_problem(no_table).find("the form has no indicator table") != std::string::npos);

    Grid no_total = small_form({{"产出指标", "数量指标", "培训人次", "≥100人次", "90人次", "90", ""}});
    no_total.pop_back();
    CHECK(first_problem(no_total) == "book.xlsx!表1!7: error: the indicator table has no row 总分 after its indicators");
}

TEST_CASE("forms: bad cells are errors at the cell, all of them in one reading") {
    const Grid g = small_form({{"产出指标", "数量指标", "培训人次", "≥一百人次", "90人次", "50", ""},
                               {"产出指标", "质量指标", "合格率", "≥95%", "很好", "20", ""},
                               {"效益指标", "社会效益指标", "群众获得感", "明显提升", "效果明显", "10", ""},
                               {"产出指标", "成本指标", "单位成本", "≤5元", "5公斤", "10", "x"},
                               {"满意度", "数量指标", "满意度", "≥90%", "95%", "", ""}});
    const FormReading r = parse_form(g, "book.xlsx!表1", "表1", national_rules());
    std::vector<std::string> where;
    for (const Diagnostic& d : r.problems) where.push_back(d.where.to_string());
    CHECK(where == std::vector<std::string>{"book.xlsx!表1!D8", "book.xlsx!表1!E9", "book.xlsx!表1!E10", "book.xlsx!表1!G11",
                                            "book.xlsx!表1!E11", "book.xlsx!表1!B12"});
    CHECK(r.problems[2].zh.find("应为档次") != std::string::npos);
    CHECK(r.problems[5].en.find("does not belong under") != std::string::npos);
    CHECK_FALSE(r.form);
}

TEST_CASE("forms: the official layout, 年度绩效指标 merged down a first column, 总分 across") {
    const Grid g = {{"项目支出绩效自评表"},
                    {"（2023年度）"},
                    {"项目名称", "乡村学校少年宫建设", "乡村学校少年宫建设"},
                    {"主管部门", "某县教育局", "实施单位", "某县第一中学"},
                    {"项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"},
                    {"项目资金（万元）", "年度资金总额", "1,200", "1,250.5", "1,000", "10分", "—", "—"},
                    {"年度绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"},
                    {"年度绩效指标", "产出指标", "数量指标", "建成少年宫", "≥ 4 个", "4个", "50分", "50", ""},
                    {"年度绩效指标", "效益指标", "社会效益指标", "参与学生人次", "≥2,000人次", "2,400人次", "30", "30", ""},
                    {"年度绩效指标", "满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", "95%", "10", "10", ""},
                    {"总分", "总分", "总分", "总分", "总分", "总分", "100", "98", ""}};
    const FormReading r = parse_form(g, "book.xlsx!表1", "表1", national_rules());
    for (const Diagnostic& d : r.problems) MESSAGE(d.to_string(Lang::en));
    REQUIRE(r.form);
    const Form& f = *r.form;
    CHECK(f.project.budget == Money::parse("12505000.00")); // 1,250.5 万元: grouped correctly
    CHECK(f.project.spent == Money::parse("10000000.00"));
    CHECK(f.exec_points == dec("10")); // 10分
    CHECK_FALSE(f.own_exec_score); // — : not filled in
    REQUIRE(f.project.indicators.size() == 3);
    CHECK(f.project.indicators[0].level1 == Level1::output);
    CHECK(f.project.indicators[0].weight == dec("50"));
    CHECK(f.project.indicators[0].unit == "个");
    CHECK(std::get<Decimal>(f.project.indicators[1].target) == dec("2000"));
    CHECK(std::get<Decimal>(f.project.indicators[1].actual) == dec("2400"));
    CHECK(f.own_total == dec("98"));
    CHECK(f.total_cell.column == 8); // 得分 of the 总分 row
    const FormResults res = evaluate_forms({f}, national_rules());
    CHECK(res.results[0].exec_score == dec("8")); // 1000 / 1250.5 = 0.79968… → 7.9968 → 8.00
    CHECK(res.results[0].total == dec("98"));
}

TEST_CASE("forms: a money cell in 万元 is exact to the fen, and at most 6 decimals") {
    Grid g = small_form({{"产出指标", "数量指标", "培训人次", "≥100人次", "90人次", "90", ""}});
    g[5][3] = "123.456789";
    g[5][4] = "0.000001";
    FormReading r = parse_form(g, "book.xlsx!表1", "表1", national_rules());
    REQUIRE(r.form);
    CHECK(r.form->project.budget == Money::parse("1234567.89"));
    CHECK(r.form->project.spent == Money::parse("0.01"));
    g[5][3] = "1.0000001";
    CHECK(first_problem(g).find("book.xlsx!表1!D6: error: budget") == 0);
}

TEST_CASE("forms: the example workbook's notes sheet is not a form") {
    const SheetGrid notes = examples::notes_sheet();
    CHECK_FALSE(is_form(notes.cells)); // it mentions the title in a sentence
    CHECK(examples::example_workbook().size() == 4);
    for (const SheetGrid& f : examples::example_forms()) CHECK(is_form(examples::as_read(f)));
}

TEST_CASE("forms: a sheet that is not a form is skipped with a notice") {
    const Grid g = {{"说明"}, {"本工作簿为2023年度项目支出绩效自评表汇总"}, {"编制单位", "岳池县财政局"}};
    CHECK_FALSE(is_form(g));
    const FormReading r = parse_form(g, "book.xlsx!说明", "说明", national_rules());
    CHECK_FALSE(r.form);
    CHECK(r.problems.empty());
    REQUIRE(r.notices.size() == 1);
    CHECK(r.notices[0].to_string(Lang::en) ==
          "book.xlsx!说明: notice: not a self-evaluation form (no title 项目支出绩效自评表 in its first rows): sheet skipped");
}

TEST_CASE("forms: evaluation problems are placed at the form's rows") {
    Form f = form_of({"t", small_form({{"产出指标", "数量指标", "培训人次", "≥100人次", "", "90", ""}}), {}});
    f.location = "book.xlsx!表1";
    try {
        (void)evaluate_forms({f}, national_rules());
        FAIL("expected an error");
    } catch (const Error& e) {
        REQUIRE_FALSE(e.diagnostics().empty());
        CHECK(e.diagnostics().front().where.to_string() == "book.xlsx!表1!8"); // 实际完成值 empty
    }
}

TEST_CASE("forms: written back with perfbudget's 执行率, 得分 and 总分, the form reads again") {
    const Form f = form_of(examples::nutrition_form());
    const FormResults r = evaluate_forms({f}, national_rules());
    const SheetGrid back = filled_form(f, r.results[0], national_rules());
    const FormReading again = parse_form(examples::as_read(back), "out.xlsx!" + back.name, back.name, national_rules());
    REQUIRE(again.form);
    CHECK(again.form->project.id == f.project.id);
    CHECK(again.form->project.budget == f.project.budget);
    CHECK(again.form->own_exec_score == dec("9.46"));
    CHECK(again.form->own_exec_rate == dec("0.9456"));
    CHECK(again.form->own_total == dec("93.23")); // perfbudget's total in 总分's 得分
    REQUIRE(again.form->rows.size() == 8);
    CHECK(again.form->rows[3].own_score == dec("4.5"));
    CHECK(again.form->rows[6].own_score == dec("10.5"));
    const FormResults same = evaluate_forms({*again.form}, national_rules());
    CHECK(same.results[0].total == dec("93.23"));

    const auto dir = std::filesystem::temp_directory_path() / "perfbudget-forms-test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "filled.xlsx").string();
    write_sheets_xlsx(path, {back, examples::road_form()});
    std::ifstream in(path, std::ios::binary);
    char magic[2] = {};
    in.read(magic, 2);
    CHECK(std::string(magic, 2) == "PK"); // a zip archive: the .xlsx
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("forms: the evaluate CSV of the forms and the differences file") {
    std::vector<Form> forms;
    for (const SheetGrid& s : examples::example_forms()) forms.push_back(form_of(s));
    const auto dir = std::filesystem::temp_directory_path() / "perfbudget-forms-output";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    FormsOutput o;
    o.out = (dir / "results.csv").string();
    o.differences = (dir / "differences.csv").string();
    const FormResults r = evaluate_forms(forms, national_rules(), o);
    CHECK(r.differences.size() == 7);
    const auto text = [](const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::string csv = text(dir / "results.csv");
    CHECK(csv.rfind("project_id,department,budget,spent,exec_rate,exec_score,indicator_score,total,grade", 0) == 0);
    CHECK(csv.find("\nYC2023-JY-001,岳池县教育科技和体育局,3365000.00,3182000.00,0.9456,9.46,83.77,93.23,excellent") !=
          std::string::npos);
    CHECK(csv.find("\nYC2023-NY-017,岳池县农业农村局,12500000.00,11875000.00,0.9500,9.50,85.16,94.66,excellent") != std::string::npos);
    CHECK(csv.find("\n农村公路养护,岳池县交通运输局,4800000.00,3960000.00,0.8250,8.25,85.66,93.91,excellent") != std::string::npos);
    const std::string diffs = text(dir / "differences.csv");
    CHECK(diffs.find("农村公路养护,自评表.xlsx!农村公路养护!I10,年度养护任务完成时间,10.00,9.00,-1.00\n") != std::string::npos);

    // A form with a problem: nothing is written.
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    forms[1].project.indicators[0].actual = std::monostate{};
    CHECK_THROWS_AS(evaluate_forms(forms, national_rules(), o), Error);
    CHECK(std::filesystem::is_empty(dir));

    // --format forms: a workbook.
    forms[1] = form_of(examples::farmland_form());
    o.format = FormsFormat::forms;
    o.out = (dir / "filled.xlsx").string();
    o.differences.clear();
    (void)evaluate_forms(forms, national_rules(), o);
    CHECK(std::filesystem::file_size(o.out) > 1000);
    std::filesystem::remove_all(dir);
}

TEST_CASE("forms: a Sichuan form written back keeps its 指标性质 and 度量单位 in the target cells") {
    const Form f = form_of(examples::road_form());
    const FormResults r = evaluate_forms({f}, national_rules());
    const SheetGrid back = filled_form(f, r.results[0], national_rules());
    const Grid& cells = back.cells;
    const auto row_of = [&](std::string_view name) {
        for (const auto& row : cells)
            if (row.size() > 2 && row[2] == name) return row;
        FAIL("no row " << name);
        return cells.front();
    };
    CHECK(row_of("养护农村公路里程")[3] == "≥320公里");
    CHECK(row_of("养护农村公路里程")[4] == "305公里");
    CHECK(row_of("路面技术状况指数达标率")[3] == "≥85%");
    CHECK(row_of("每公里养护成本")[3] == "≤1.2万元");
    CHECK(row_of("年度养护任务完成时间")[3] == "2023年11月30日");
    const FormReading again = parse_form(examples::as_read(back), "out.xlsx!x", "x", national_rules());
    REQUIRE(again.form);
    CHECK(again.form->project.id == "农村公路养护"); // the sheet's name, written as 项目编号
    CHECK(evaluate_forms({*again.form}, national_rules()).results[0].total == dec("93.91"));
}
