/* examples/c/evaluate.c — a C program using perfbudget through its C API and the
 * shared library, built without CMake:
 *
 *   cc -std=c99 evaluate.c $(pkg-config --cflags --libs perfbudget) -o evaluate
 *   ./evaluate examples/data/projects.csv examples/data/indicators.csv
 *
 * Prints each project's total, grade and cut; a bad file prints every problem
 * (file:line: message) and exits 1. */
#include <perfbudget/perfbudget.h>

#include <stdio.h>

int main(int argc, char** argv) {
    perfbudget_rules* rules = NULL;
    perfbudget_result* result = NULL;
    perfbudget_error* error = NULL;
    perfbudget_batch batch = {PERFBUDGET_EVALUATE, NULL, NULL, NULL, NULL, PERFBUDGET_ZH, NULL};
    size_t i;

    if (argc != 3) {
        fprintf(stderr, "usage: evaluate projects.csv indicators.csv\n");
        return 2;
    }
    if (perfbudget_rules_national(&rules, &error) != PERFBUDGET_OK) {
        fputs(perfbudget_error_message(error, PERFBUDGET_ZH), stderr);
        perfbudget_error_free(error);
        return 1;
    }
    batch.projects = argv[1];
    batch.second = argv[2];
    if (perfbudget_run_files(rules, &batch, &result, &error) != PERFBUDGET_OK) {
        fputs(perfbudget_error_message(error, PERFBUDGET_ZH), stderr); /* 文件:行: 错误: … */
        perfbudget_error_free(error);
        perfbudget_rules_free(rules);
        return 1;
    }
    for (i = 0; i < perfbudget_result_count(result); ++i)
        printf("%s %s %s cut %s\n", perfbudget_result_get(result, i, "project_id"), perfbudget_result_get(result, i, "total"),
               perfbudget_result_get(result, i, "grade_label"), perfbudget_result_get(result, i, "cut"));
    perfbudget_result_free(result);
    perfbudget_rules_free(rules);
    return 0;
}
