/* tests/c_api/c_api_test.c — the C API from C (compiled as C99, linked with the
 * shared library): every stage on the example county's W1 / JY-03 given as C
 * structs, a batch from files and from text, and bad input coming back as errors.
 * Expected values are examples/data/README.md's hand-computed results and the
 * golden files under tests/golden/. Usage: c_api_test EXAMPLES_DATA_DIR */
#include <perfbudget/perfbudget.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void check_text(const char* what, const char* got, const char* expected) {
    if (!got || strcmp(got, expected) != 0) {
        printf("FAIL %s: expected \"%s\", got \"%s\"\n", what, expected, got ? got : "(null)");
        ++failures;
    }
}
static void check(const char* what, int ok) {
    if (!ok) {
        printf("FAIL %s\n", what);
        ++failures;
    }
}
/* Field `path` of project i of the result. */
static void check_field(const perfbudget_result* r, size_t i, const char* path, const char* expected) {
    char what[128];
    snprintf(what, sizeof what, "project %u %s", (unsigned)i, path);
    check_text(what, perfbudget_result_get(r, i, path), expected);
}
typedef struct expected_field {
    size_t project;
    const char* path;
    const char* value;
} expected_field;
static void check_fields(const perfbudget_result* r, const expected_field* fields, size_t n) {
    size_t k;
    for (k = 0; k < n; ++k) check_field(r, fields[k].project, fields[k].path, fields[k].value);
}
static int contains(const char* text, const char* part) { return text && strstr(text, part) != NULL; }

/* W1 of examples/data: the SPEC §4 worked example. */
static const perfbudget_indicator w1_indicators[] = {
    {"output", "quantity", "培训人次", "ge", "1200", "1000", "人次", "20", NULL, NULL, NULL},
    {"output", "quality", "合格率", "ge", "95%", "98%", "%", "10", NULL, NULL, NULL},
    {"output", "timeliness", "完成时间", "date", "2023-10-31", "2023-12-15", NULL, "10", NULL, NULL, NULL},
    {"output", "cost", "单位成本", "le", "500", "550", "元", "10", NULL, NULL, NULL},
    {"benefit", "social", "受益人数", "ge", "3000", "2400", "人", "30", NULL, NULL, NULL},
    {"satisfaction", "satisfaction", "满意度", "ge", "90%", "85%", "%", "10", NULL, NULL, NULL},
};

static perfbudget_project w1(void) {
    perfbudget_project p;
    memset(&p, 0, sizeof p);
    p.project_id = "W1";
    p.name = "2023年教师培训项目";
    p.department = "县教育局";
    p.budget = "1000000.00";
    p.spent = "812345.67";
    p.year = "2023";
    p.goal = "全年培训中小学教师1200人次，培训合格率不低于95%，提升教师教育教学能力";
    p.indicators = w1_indicators;
    p.indicator_count = sizeof w1_indicators / sizeof w1_indicators[0];
    return p;
}

int main(int argc, char** argv) {
    perfbudget_rules* rules = NULL;
    perfbudget_result* r = NULL;
    perfbudget_error* e = NULL;
    perfbudget_project p = w1();
    char projects[4096], indicators[4096];
    const perfbudget_version_info* v = perfbudget_version();

    if (argc < 2) {
        fprintf(stderr, "usage: c_api_test EXAMPLES_DATA_DIR\n");
        return 2;
    }
    check("API version", v->api_version == PERFBUDGET_API_VERSION && v->abi_version == PERFBUDGET_ABI_VERSION);
    check("library version", v->library && v->library[0] != '\0');
    check("national rules", perfbudget_rules_national(&rules, &e) == PERFBUDGET_OK && rules && !e);
    check_text("rules name", perfbudget_rules_name(rules), "national");

    /* evaluate: 85.32 良, nothing cut or recovered */
    check("evaluate W1", perfbudget_evaluate(rules, &p, PERFBUDGET_ZH, &r, &e) == PERFBUDGET_OK && r && !e);
    check("one project", perfbudget_result_count(r) == 1);
    {
        /* 培训人次 1000/1200 of 20 points: 16.67; the date 45 days late: 10 × 0.8 = 8.00 */
        static const expected_field w1_fields[] = {
            {0, "exec_rate", "0.8123"}, {0, "exec_score", "8.12"}, {0, "indicator_score", "77.20"},
            {0, "total", "85.32"}, {0, "grade", "good"}, {0, "grade_label", "良"}, {0, "priority", "1"},
            {0, "rectify", "0"}, {0, "cut", "0.00"}, {0, "indicators/0/score", "16.67"},
            {0, "indicators/2/score", "8.00"},
        };
        check_fields(r, w1_fields, sizeof w1_fields / sizeof w1_fields[0]);
    }
    check("W1 six indicators", perfbudget_result_size(r, 0, "indicators") == 6);
    check("W1 no such field", perfbudget_result_get(r, 0, "nope") == NULL && perfbudget_result_get(r, 1, "total") == NULL);
    check("W1 explanation cites the rule", contains(perfbudget_result_explanation(r, 0), "evaluation.execution"));
    check("W1 JSON", contains(perfbudget_result_json(r), "\"total\": \"85.32\""));
    perfbudget_result_free(r);

    /* English labels and explanations */
    check("evaluate W1 en", perfbudget_evaluate(rules, &p, PERFBUDGET_EN, &r, NULL) == PERFBUDGET_OK);
    check_field(r, 0, "grade_label", "good");
    check("W1 explanation en", contains(perfbudget_result_explanation(r, 0), "execution rate = spent 812345.67 yuan / budget"));
    perfbudget_result_free(r);

    /* monitor at the year end (tests/golden/monitor-examples-national.csv): red, pace, suspend */
    check("monitor W1", perfbudget_monitor(rules, &p, "2023-12-31", PERFBUDGET_EN, &r, &e) == PERFBUDGET_OK && !e);
    check_field(r, 0, "level", "red");
    check_field(r, 0, "completion", "0.8578");
    check_field(r, 0, "reasons", "pace");
    check_field(r, 0, "action", "suspend");
    perfbudget_result_free(r);
    check("monitor needs a date", perfbudget_monitor(rules, &p, "2023-13-01", PERFBUDGET_EN, &r, &e) == PERFBUDGET_ERROR_ARGUMENT
                                      && r == NULL && perfbudget_error_code(e) == PERFBUDGET_ERROR_ARGUMENT);
    check("monitor date message", contains(perfbudget_error_message(e, PERFBUDGET_EN), "as_of must be a date YYYY-MM-DD"));
    perfbudget_error_free(e);

    /* review (tests/golden/review-examples-national.csv): 100.00, excellent, proceed, 5 of 6 quantified */
    check("review W1", perfbudget_review(rules, &p, PERFBUDGET_ZH, &r, NULL) == PERFBUDGET_OK);
    check_field(r, 0, "score", "100.00");
    check_field(r, 0, "admission", "proceed");
    check_field(r, 0, "quantification", "0.8333");
    perfbudget_result_free(r);

    /* assess JY-03 from its three experts (examples/data/README.md): 87.53 good, approved */
    {
        static const perfbudget_score scores[] = {
            {"专家A", "necessity", "92"}, {"专家A", "economy", "85"}, {"专家A", "targets", "88"},
            {"专家A", "feasibility", "90"}, {"专家A", "financing", "95"}, {"专家B", "necessity", "88"},
            {"专家B", "economy", "80"}, {"专家B", "targets", "84.5"}, {"专家B", "feasibility", "86"},
            {"专家B", "financing", "90"}, {"专家C", "necessity", "95"}, {"专家C", "economy", "78"},
            {"专家C", "targets", "82"}, {"专家C", "feasibility", "88"}, {"专家C", "financing", "92"},
        };
        perfbudget_project jy03;
        memset(&jy03, 0, sizeof jy03);
        jy03.project_id = "JY-03";
        jy03.name = "教育信息化建设项目";
        jy03.department = "县教育局";
        jy03.budget = "1850000.00";
        jy03.spent = "1702000.00";
        jy03.year = "2023";
        check("assess JY-03", perfbudget_assess(rules, &jy03, scores, 15, PERFBUDGET_ZH, &r, &e) == PERFBUDGET_OK && !e);
        check_field(r, 0, "score", "87.53");
        check_field(r, 0, "grade", "good");
        check_field(r, 0, "approved", "1");
        check_field(r, 0, "dimensions/necessity", "91.67");
        perfbudget_result_free(r);
        check("assess without scores", perfbudget_assess(rules, &jy03, NULL, 0, PERFBUDGET_EN, &r, &e) == PERFBUDGET_ERROR_DATA);
        perfbudget_error_free(e);
    }

    /* a batch from the example files: 12 projects, JY-03 fair with its cut and recovery */
    {
        perfbudget_batch b;
        memset(&b, 0, sizeof b);
        b.stage = PERFBUDGET_EVALUATE;
        snprintf(projects, sizeof projects, "%s/projects.csv", argv[1]);
        snprintf(indicators, sizeof indicators, "%s/indicators.csv", argv[1]);
        b.projects = projects;
        b.second = indicators;
        b.lang = PERFBUDGET_ZH;
        check("batch files", perfbudget_run_files(rules, &b, &r, &e) == PERFBUDGET_OK && !e);
        check("12 projects", perfbudget_result_count(r) == 12);
        static const expected_field batch_fields[] = {
            {2, "project_id", "JY-03"}, {2, "total", "60.00"}, {2, "grade_label", "中"}, {2, "cut", "185000.00"},
            {2, "recover", "148000.00"}, {9, "project_id", "NY-02"}, {9, "total", "56.50"}, {9, "recover", "4800000.00"},
        };
        check_fields(r, batch_fields, sizeof batch_fields / sizeof batch_fields[0]);
        perfbudget_result_free(r);

        /* the same from text, with an error: problems name the text as projects.csv / indicators.csv */
        b.projects = "project_id,name,department,budget,spent\nP1,项目,单位,\"1,00.00\",10.00\n";
        b.second = "project_id,level1,level2,name,direction,target,actual,weight\n";
        b.lang = PERFBUDGET_EN;
        check("batch text, bad budget", perfbudget_run_csv(rules, &b, &r, &e) == PERFBUDGET_ERROR_DATA && r == NULL);
        check_text("bad budget file", perfbudget_error_file(e, 0), "projects.csv");
        check("bad budget line", perfbudget_error_line(e, 0) == 2);
        check("bad budget message", contains(perfbudget_error_text(e, 0, PERFBUDGET_EN), "1,00.00"));
        check("bad budget message zh", contains(perfbudget_error_message(e, PERFBUDGET_ZH), "projects.csv:2: 错误: "));
        perfbudget_error_free(e);

        b.projects = "/nonexistent/projects.csv";
        check("missing file", perfbudget_run_files(rules, &b, &r, &e) == PERFBUDGET_ERROR_DATA);
        check("missing file named", contains(perfbudget_error_message(e, PERFBUDGET_EN), "/nonexistent/projects.csv"));
        perfbudget_error_free(e);
    }

    /* bad values in the structs: named by field, at "indicator" N */
    {
        perfbudget_indicator bad[6];
        memcpy(bad, w1_indicators, sizeof bad);
        bad[3].actual = "5五0";
        p.indicators = bad;
        check("bad actual", perfbudget_evaluate(rules, &p, PERFBUDGET_EN, &r, &e) == PERFBUDGET_ERROR_DATA && r == NULL);
        check("one problem", perfbudget_error_count(e) == 1);
        check_text("bad actual place", perfbudget_error_file(e, 0), "indicator");
        check("bad actual is the 4th indicator", perfbudget_error_line(e, 0) == 4);
        check("bad actual message", contains(perfbudget_error_text(e, 0, PERFBUDGET_EN), "5五0"));
        perfbudget_error_free(e);
        p.indicators = w1_indicators;
        p.budget = "12.345";
        check("bad budget", perfbudget_evaluate(rules, &p, PERFBUDGET_ZH, &r, &e) == PERFBUDGET_ERROR_DATA);
        check_text("bad budget place", perfbudget_error_file(e, 0), "project");
        check("bad budget message", contains(perfbudget_error_message(e, PERFBUDGET_EN), "project: error: "));
        perfbudget_error_free(e);
        p.budget = "1000000.00";
    }

    /* bad rules: file:line:column; NULL arguments */
    {
        perfbudget_rules* bad = NULL;
        check("bad rules", perfbudget_rules_load_text("base: national\nprofile: county\nevaluation:\n  executoin: 1\n", "county.yaml", NULL,
                                                      &bad, &e) == PERFBUDGET_ERROR_RULES && bad == NULL);
    }
    check_text("bad rules file", perfbudget_error_file(e, 0), "county.yaml");
    check("bad rules line", perfbudget_error_line(e, 0) == 4 && perfbudget_error_column(e, 0) == 3);
    check("bad rules did you mean", contains(perfbudget_error_text(e, 0, PERFBUDGET_EN), "execution"));
    perfbudget_error_free(e);
    check("NULL rules", perfbudget_evaluate(NULL, &p, PERFBUDGET_ZH, &r, &e) == PERFBUDGET_ERROR_ARGUMENT);
    check("NULL rules message", contains(perfbudget_error_message(e, PERFBUDGET_EN), "rules must not be NULL"));
    perfbudget_error_free(e);
    check("NULL out, no error object", perfbudget_evaluate(rules, &p, PERFBUDGET_ZH, NULL, NULL) == PERFBUDGET_ERROR_ARGUMENT);

    perfbudget_rules_free(rules);
    perfbudget_error_free(NULL);
    perfbudget_result_free(NULL);
    if (failures) printf("%d failed\n", failures);
    else printf("c_api_test: all passed (perfbudget %s, API %d, ABI %d)\n", v->library, v->api_version, v->abi_version);
    return failures ? 1 : 0;
}
