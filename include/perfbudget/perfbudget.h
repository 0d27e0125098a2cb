/* perfbudget/perfbudget.h — the stable C API of perfbudget (C99, any C or C++
 * compiler; Java through JNA, Python through ctypes, .NET through P/Invoke).
 *
 * Everything the `perfbudget` command does is a call here too, over the same
 * library code: load rules, run a stage (evaluate, monitor, review, assess) on
 * one project given as C structs or on a batch given as files or CSV text, and
 * read the results by name. docs/embedding.md shows it in C, Java and Python.
 *
 * Text. Every string in and out is UTF-8 and NUL-terminated. Values are passed
 * as the text a projects.csv / indicators.csv cell would hold ("812345.67",
 * "95%", "2023-10-31", "B:75%"): money and scores never travel as binary
 * floating point, and a value is read by exactly the rules of the CSV files
 * (docs/input.md). Results come back as text too ("85.32").
 *
 * Errors. A function that can fail returns a perfbudget_status (0 on success)
 * and, when `error` is not NULL, stores a new perfbudget_error describing this
 * call's failure in *error: a code, and every problem found, each with its
 * place (file, line, column) and its message in Chinese and in English. No C++
 * exception ever crosses this interface; running out of memory is
 * PERFBUDGET_ERROR_MEMORY.
 *
 * Ownership. Every object is created by one function and freed by its own
 * perfbudget_*_free function (NULL is accepted and ignored). A `const char*`
 * returned by a function belongs to the object it was read from and stays
 * valid until that object is freed. Inputs are copied or used during the call
 * only: the caller may free them as soon as the call returns.
 *
 * Threads. A loaded perfbudget_rules is immutable: any number of threads may run
 * stages with the same rules at the same time, without locking (the test suite
 * checks 4 threads against one). Results and errors are plain values: reading
 * one from several threads is safe, freeing it while another thread reads it is
 * not. Nothing here keeps global mutable state.
 *
 * Versions. PERFBUDGET_API_VERSION is the version of this header;
 * perfbudget_version() tells what the loaded library implements. The ABI
 * version is the shared library's SONAME (libperfbudget.so.1); a change that
 * breaks binary compatibility (a struct's layout, a function's signature)
 * raises it. New functions and new result fields raise only the minor API
 * version.
 */
#ifndef PERFBUDGET_PERFBUDGET_H
#define PERFBUDGET_PERFBUDGET_H

#include <stddef.h>

#if defined(_WIN32)
#  if defined(PERFBUDGET_C_API_BUILD)
#    define PERFBUDGET_API __declspec(dllexport)
#  else
#    define PERFBUDGET_API
#  endif
#elif defined(__GNUC__)
#  define PERFBUDGET_API __attribute__((visibility("default")))
#else
#  define PERFBUDGET_API
#endif

/* In C++ every function is noexcept: none lets an exception out. */
#if defined(__cplusplus)
#  define PERFBUDGET_NOEXCEPT noexcept
#else
#  define PERFBUDGET_NOEXCEPT
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define PERFBUDGET_API_VERSION_MAJOR 1
#define PERFBUDGET_API_VERSION_MINOR 0
/** major × 100 + minor. */
#define PERFBUDGET_API_VERSION (PERFBUDGET_API_VERSION_MAJOR * 100 + PERFBUDGET_API_VERSION_MINOR)
/** The SONAME's number: libperfbudget.so.PERFBUDGET_ABI_VERSION. */
#define PERFBUDGET_ABI_VERSION 1

/** What the loaded library implements. */
typedef struct perfbudget_version_info {
    int api_version;     /**< PERFBUDGET_API_VERSION of the library */
    int abi_version;     /**< PERFBUDGET_ABI_VERSION of the library */
    const char* library; /**< the release, "0.2.0" */
} perfbudget_version_info;

/** The library's versions; a static object, never freed. */
PERFBUDGET_API const perfbudget_version_info* perfbudget_version(void) PERFBUDGET_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Status and errors                                                         */

typedef enum perfbudget_status {
    PERFBUDGET_OK = 0,
    PERFBUDGET_ERROR_DATA = 1,     /**< bad input data: every problem with its file and line */
    PERFBUDGET_ERROR_RULES = 2,    /**< bad rules (loading): every problem with file:line:column */
    PERFBUDGET_ERROR_ARGUMENT = 3, /**< a NULL or invalid argument: a mistake in the calling program */
    PERFBUDGET_ERROR_MEMORY = 4,   /**< out of memory */
    PERFBUDGET_ERROR_INTERNAL = 5  /**< a fault of the library; please report it */
} perfbudget_status;

typedef enum perfbudget_lang { PERFBUDGET_ZH = 0, PERFBUDGET_EN = 1 } perfbudget_lang;

/** The failure of one call. Free with perfbudget_error_free. */
typedef struct perfbudget_error perfbudget_error;

PERFBUDGET_API perfbudget_status perfbudget_error_code(const perfbudget_error* error) PERFBUDGET_NOEXCEPT;
/** Every problem, one per line: "indicators.csv:3: error: …" (错误 in Chinese). */
PERFBUDGET_API const char* perfbudget_error_message(const perfbudget_error* error, perfbudget_lang lang) PERFBUDGET_NOEXCEPT;
/** The number of problems (at least 1). */
PERFBUDGET_API size_t perfbudget_error_count(const perfbudget_error* error) PERFBUDGET_NOEXCEPT;
/** Problem i's file ("" when none), line and column (1-based; 0 when unknown) and message.
 *  For a project given as C structs the file is "project", "indicator" (line: the
 *  indicator's 1-based position) or "score" (the same for assessment scores). */
PERFBUDGET_API const char* perfbudget_error_file(const perfbudget_error* error, size_t i) PERFBUDGET_NOEXCEPT;
PERFBUDGET_API unsigned perfbudget_error_line(const perfbudget_error* error, size_t i) PERFBUDGET_NOEXCEPT;
PERFBUDGET_API unsigned perfbudget_error_column(const perfbudget_error* error, size_t i) PERFBUDGET_NOEXCEPT;
PERFBUDGET_API const char* perfbudget_error_text(const perfbudget_error* error, size_t i, perfbudget_lang lang) PERFBUDGET_NOEXCEPT;
PERFBUDGET_API void perfbudget_error_free(perfbudget_error* error) PERFBUDGET_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Rules                                                                     */

/** A loaded, checked rule file (all its periods). Immutable: share it freely
 *  between threads. Free with perfbudget_rules_free once no call uses it. */
typedef struct perfbudget_rules perfbudget_rules;

/** The national rules built into the library. */
PERFBUDGET_API perfbudget_status perfbudget_rules_national(perfbudget_rules** out, perfbudget_error** error) PERFBUDGET_NOEXCEPT;
/** Loads a rule file; a profile's `base: NAME` is NAME.yaml beside it. */
PERFBUDGET_API perfbudget_status perfbudget_rules_load_file(const char* path, perfbudget_rules** out,
                                                            perfbudget_error** error) PERFBUDGET_NOEXCEPT;
/** Loads rules from YAML text. `file_name` names the text in messages and
 *  explanations (NULL: "<rules>"); `base_dir` is where `base: NAME` finds NAME.yaml
 *  (NULL or "": only `base: national`, the built-in rules). */
PERFBUDGET_API perfbudget_status perfbudget_rules_load_text(const char* yaml, const char* file_name,
                                                            const char* base_dir, perfbudget_rules** out,
                                                            perfbudget_error** error) PERFBUDGET_NOEXCEPT;
/** The profile's name ("national", "wuchang", …). */
PERFBUDGET_API const char* perfbudget_rules_name(const perfbudget_rules* rules) PERFBUDGET_NOEXCEPT;
PERFBUDGET_API void perfbudget_rules_free(perfbudget_rules* rules) PERFBUDGET_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Input: one project as C structs. Every field is the text of the CSV cell of  */
/* the same name (docs/input.md); NULL means an empty cell.                     */

typedef struct perfbudget_indicator {
    const char* level1;    /**< "output" / "产出指标" … */
    const char* level2;    /**< "quantity" / "数量指标" … */
    const char* name;
    const char* direction; /**< "ge" "le" "eq" "qual" "date" (or ≥ ≤ = 定性 …) */
    const char* target;    /**< "1200", "95%", "2023-10-31"; NULL for qual */
    const char* actual;    /**< "1000", "98%", "2023-12-15", "B:75%" */
    const char* unit;
    const char* weight;    /**< points, "20" or "12.5" */
    const char* expected;  /**< monitoring: 全年预计完成值 */
    const char* likelihood; /**< monitoring: certain / possible / impossible */
    const char* last_year_actual;
} perfbudget_indicator;

typedef struct perfbudget_project {
    const char* project_id;
    const char* name;
    const char* department;
    const char* budget;      /**< yuan, at most 2 decimals: "1000000.00" */
    const char* spent;
    const char* budget_kind; /**< "general" (default) … */
    const char* fund_source; /**< "local" (default) or "transfer" */
    const char* category;
    const char* year;        /**< budget year, "2023"; NULL: none */
    const char* rectification;
    const char* goal;
    const perfbudget_indicator* indicators;
    size_t indicator_count;
} perfbudget_project;

/** One expert's score of one dimension (a row of assessments.csv). */
typedef struct perfbudget_score {
    const char* expert;
    const char* dimension; /**< necessity economy targets feasibility financing (or 必要性 …) */
    const char* score;     /**< 0–100, "92" or "88.5" */
} perfbudget_score;

/* ------------------------------------------------------------------------ */
/* Results                                                                   */

/** The projects of one run, each with its fields and explanation. */
typedef struct perfbudget_result perfbudget_result;

/** Projects in the result (the order of the input). */
PERFBUDGET_API size_t perfbudget_result_count(const perfbudget_result* result) PERFBUDGET_NOEXCEPT;
/** A field of project i by its path in the stage's JSON output (docs/embedding.md):
 *  "total", "grade", "grade_label", "dimensions/necessity", "indicators/0/score".
 *  Numbers come as exact decimal text ("85.32"), flags as "1" or "0", a list of
 *  names as one text joined by ';' (the CSV's `reasons`). NULL when the field is
 *  absent or has no value (null in the JSON: exec_rate of a project without budget).
 *  docs/embedding.md lists every stage's fields. */
PERFBUDGET_API const char* perfbudget_result_get(const perfbudget_result* result, size_t i, const char* path) PERFBUDGET_NOEXCEPT;
/** The length of the list at `path` of project i ("indicators", "explanation",
 *  "defects"); 0 when there is none. */
PERFBUDGET_API size_t perfbudget_result_size(const perfbudget_result* result, size_t i, const char* path) PERFBUDGET_NOEXCEPT;
/** Project i's explanation, one line per step: "rule [file:line] text". */
PERFBUDGET_API const char* perfbudget_result_explanation(const perfbudget_result* result, size_t i) PERFBUDGET_NOEXCEPT;
/** Remarks of the run that are not errors, one per line, as the command prints
 *  them ("projects.csv:1: notice: …": an unknown column ignored, level-1 weights
 *  that differ from the rules' split); "" when there are none. */
PERFBUDGET_API const char* perfbudget_result_notices(const perfbudget_result* result, perfbudget_lang lang) PERFBUDGET_NOEXCEPT;
/** The whole result as the command's JSON output (--format json). */
PERFBUDGET_API const char* perfbudget_result_json(const perfbudget_result* result) PERFBUDGET_NOEXCEPT;
PERFBUDGET_API void perfbudget_result_free(perfbudget_result* result) PERFBUDGET_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Stages on one project. Explanations and labels come in `lang`.             */

/** Year-end self-evaluation (绩效自评): total, grade, rectify, priority, cut, recover. */
PERFBUDGET_API perfbudget_status perfbudget_evaluate(const perfbudget_rules* rules, const perfbudget_project* project,
                                                     perfbudget_lang lang, perfbudget_result** out,
                                                     perfbudget_error** error) PERFBUDGET_NOEXCEPT;
/** In-year monitoring (绩效运行监控) as of `as_of` ("2024-06-30"): lights, reasons, action. */
PERFBUDGET_API perfbudget_status perfbudget_monitor(const perfbudget_rules* rules, const perfbudget_project* project,
                                                    const char* as_of, perfbudget_lang lang, perfbudget_result** out,
                                                    perfbudget_error** error) PERFBUDGET_NOEXCEPT;
/** Target review (绩效目标审核): dimensions, defects, grade, admission. */
PERFBUDGET_API perfbudget_status perfbudget_review(const perfbudget_rules* rules, const perfbudget_project* project,
                                                   perfbudget_lang lang, perfbudget_result** out,
                                                   perfbudget_error** error) PERFBUDGET_NOEXCEPT;
/** Ex-ante assessment (事前绩效评估) from experts' scores: score, grade, approved. */
PERFBUDGET_API perfbudget_status perfbudget_assess(const perfbudget_rules* rules, const perfbudget_project* project,
                                                   const perfbudget_score* scores, size_t score_count,
                                                   perfbudget_lang lang, perfbudget_result** out,
                                                   perfbudget_error** error) PERFBUDGET_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Batches: a projects file and the stage's second file (indicators, or        */
/* assessments for PERFBUDGET_ASSESS), as the command line takes them.         */

typedef enum perfbudget_stage {
    PERFBUDGET_EVALUATE = 0,
    PERFBUDGET_MONITOR = 1, /**< needs `as_of` */
    PERFBUDGET_REVIEW = 2,
    PERFBUDGET_ASSESS = 3   /**< the second file is assessments.csv */
} perfbudget_stage;

typedef struct perfbudget_batch {
    perfbudget_stage stage;
    const char* projects; /**< projects.csv: a path (perfbudget_run_files) or the text (perfbudget_run_csv) */
    const char* second;   /**< indicators.csv, or assessments.csv for PERFBUDGET_ASSESS */
    const char* as_of;    /**< PERFBUDGET_MONITOR: "YYYY-MM-DD"; else NULL */
    const char* year;     /**< budget year of projects without one (--year); NULL: none */
    perfbudget_lang lang;
    const char* encoding; /**< of the files or text: NULL or "utf8", or "gbk" (Excel's CSV on Chinese Windows) */
} perfbudget_batch;

/** Runs a stage on files (CSV, as the command line reads them). */
PERFBUDGET_API perfbudget_status perfbudget_run_files(const perfbudget_rules* rules, const perfbudget_batch* batch,
                                                      perfbudget_result** out, perfbudget_error** error) PERFBUDGET_NOEXCEPT;
/** The same with the files' contents given as text; problems name them
 *  "projects.csv" and "indicators.csv" (or "assessments.csv"). */
PERFBUDGET_API perfbudget_status perfbudget_run_csv(const perfbudget_rules* rules, const perfbudget_batch* batch,
                                                    perfbudget_result** out, perfbudget_error** error) PERFBUDGET_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PERFBUDGET_PERFBUDGET_H */
