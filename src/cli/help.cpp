// Help texts of the command-line tool (help.hpp). Kept apart from main.cpp so the
// commands read as argument handling, and the words can be edited in one place.
#include "help.hpp"

#include <array>
#include <cstdlib>
#include <cstring>

namespace perfbudget::cli {

namespace {

struct Help {
    std::string_view command;
    std::string_view en, zh; // the whole text after the usage line
    std::string_view usage;  // options, the same in both languages
};

// Options shared by the commands that read projects.csv.
#define PB_INPUT_EN                                                                                                      \
    "  --rules R.yaml        a county profile or rule file (default: the national rules built in)\n"                       \
    "  --out F               the output file (default: standard output); a failed run writes nothing\n"                   \
    "  --format csv|json|xlsx  the output's form (default: by the --out name, .xlsx or .json, else csv);\n"            \
    "                        xlsx: an Excel workbook with number cells\n"                                             \
    "  --lang zh|en          the language of messages, explanations and summaries (default zh); written out,\n"        \
    "                        --lang zh also gives CSV Chinese headers and a 项目名称 column (docs/output.md)\n"       \
    "  --encoding utf8|gbk   the inputs' encoding, and the CSV output's; Excel on Chinese Windows saves GBK (default utf8)\n"            \
    "  --excel               CSV output in UTF-8 with a BOM, which Excel on Chinese Windows reads correctly\n"        \
    "  --output-encoding utf8|gbk  the CSV output's encoding (default: as --encoding)\n"                                         \
    "  --year YYYY           the budget year of projects without a year value (picks dated rules)\n"                   \
    "  --money-unit yuan|wan money in 元 or 万元: input columns whose header names no unit, and the\n"              \
    "                        output's money columns (6 decimals in 万元) (default yuan)\n"                          \
    "  --fill-down           blank project_id, level1, level2, department cells take the value above\n"               \
    "                        (merged cells saved as CSV)\n"                                                              \
    "  --sheet NAME          the sheet of an .xlsx input (default: 项目/指标 by name, else the first)\n"
#define PB_INPUT_ZH                                                                                                      \
    "  --rules R.yaml        县级规则文件（默认：程序内置的全国规则）\n"                                                  \
    "  --out F               输出文件（默认：标准输出）；运行失败时不写任何文件\n"                                       \
    "  --format csv|json|xlsx  输出格式（默认按 --out 的扩展名：.xlsx、.json，否则 csv）；\n"                          \
    "                        xlsx 为 Excel 工作簿，数值为数字单元格\n"                                                \
    "  --lang zh|en          提示、说明和汇总所用语言（默认 zh 中文）；在命令行写明 --lang zh 时，\n"                     \
    "                        CSV 表头为中文并增加“项目名称”列（docs/output.md）\n"                                    \
    "  --encoding utf8|gbk   输入文件及 CSV 输出的编码；中文 Windows 下 Excel 保存的 CSV 为 GBK（默认 utf8）\n"                         \
    "  --excel               CSV 输出为带 BOM 的 UTF-8，中文 Windows 下 Excel 可直接正确打开\n"                           \
    "  --output-encoding utf8|gbk  CSV 输出文件的编码（默认同 --encoding）\n"                                                   \
    "  --year YYYY           未填写预算年度的项目所属年度（用于选择按年度生效的规则）\n"                              \
    "  --money-unit yuan|wan 金额单位：元或万元，用于列名未注明单位的输入金额列，以及输出的金额列\n"                    \
    "                        （万元为 6 位小数）（默认 yuan 元）\n"                                                    \
    "  --fill-down           项目编号、一级指标、二级指标、主管部门为空时取上一行的值（合并单元格另存的 CSV）\n"   \
    "  --sheet NAME          .xlsx 输入所读的工作表（默认：名为“项目”“指标”的表，否则第一张）\n"

constexpr std::array<Help, 8> helps{{
    {"evaluate",
     "Year-end self-evaluation (绩效自评): scores every project out of 100, grades it and\n"
     "recommends what follows (rectification, budget cut, recovery of unspent funds).\n\n"
     "Options:\n"
     "  --projects P.csv      the projects (required)\n"
     "  --indicators I.csv    their indicators with targets and actual values (required)\n" PB_INPUT_EN
     "  --explain             a column (or JSON field) saying why: rule, inputs, formula\n"
     "  --ordered             the indicator rows are grouped by project in the projects' order (the usual\n"
     "                        export): one project is kept at a time, memory stays flat at any size; a row\n"
     "                        out of that order stops the run (docs/input.md, \"Ordered files\")\n"
     "  --threads N           with 2 or more, read the tables ahead on a thread of their own and parse a\n"
     "                        workbook's sheets on one more (default: the cores available); the results\n"
     "                        are the same bytes for any N\n"
     "  --forms BOOK|FOLDER   instead of the two files: filled self-evaluation forms (项目支出绩效自评表),\n"
     "                        one per sheet; --format forms, --differences D.csv (docs/forms.md)\n\n"
     "Example:\n"
     "  perfbudget evaluate --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                      --rules rules/urumqi-county.yaml --out results.csv --explain\n\n"
     "Docs: docs/input.md (the files), docs/output.md (the output), docs/rules.md (the rules)\n",
     "年度绩效自评：对每个项目按百分制评分、定级，并给出结果应用建议（整改、核减预算、收回结余资金）。\n\n"
     "选项：\n"
     "  --projects P.csv      项目表（必填）\n"
     "  --indicators I.csv    绩效指标表，含年度指标值和实际完成值（必填）\n" PB_INPUT_ZH
     "  --explain             增加“说明”列（或 JSON 字段）：所依据的规则、数据和公式\n"
     "  --ordered             指标行已按项目分组、且与项目表顺序一致（常见的导出格式）：每次只保留一个项目，\n"
     "                        文件再大内存也不增长；出现顺序不符的行即停止运行（docs/input.md“按序文件”）\n"
     "  --threads N           N 不小于 2 时，另用一个线程预先读取表格，工作簿的工作表再用一个线程解析\n"
     "                        （默认：可用的处理器核数）；无论 N 为多少，结果逐字节相同\n"
     "  --forms 工作簿|文件夹  改为读取填好的项目支出绩效自评表（每表一个项目）；\n"
     "                        --format forms 回填得分，--differences D.csv 列出与单位自评得分的差异（docs/forms.md）\n\n"
     "示例：\n"
     "  perfbudget evaluate --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                      --rules rules/urumqi-county.yaml --out results.csv --explain\n\n"
     "文档：docs/input.md（输入文件）、docs/output.md（输出）、docs/rules.md（规则）\n",
     "perfbudget evaluate --projects P.csv --indicators I.csv [options]"},
    {"monitor",
     "In-year monitoring (绩效运行监控, \"dual monitoring\"): compares budget execution and target\n"
     "completion with the time elapsed at an as-of date, gives every project a light\n"
     "(green, blue, yellow, red) and flags warning projects (yellow or red).\n\n"
     "Options:\n"
     "  --projects P.csv      the projects, with the amount spent so far (required)\n"
     "  --indicators I.csv    their indicators with the values reached so far (required)\n"
     "  --as-of YYYY-MM-DD    the monitoring date (required)\n"
     "  --summary S.json      projects and money per light and department, as JSON\n"
     "  --ordered             the indicator rows are grouped by project in the projects' order (the usual\n"
     "                        export): one project is kept at a time, memory stays flat at any size; a row\n"
     "                        out of that order stops the run (docs/input.md, \"Ordered files\")\n"
     "  --threads N           with 2 or more, read the tables ahead on a thread of their own and parse a\n"
     "                        workbook's sheets on one more (default: the cores available); the results\n"
     "                        are the same bytes for any N\n" PB_INPUT_EN "\n"
     "Example:\n"
     "  perfbudget monitor --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                     --as-of 2023-12-31 --out lights.csv --summary lights.json\n\n"
     "Docs: docs/monitoring.md\n",
     "绩效运行监控（“双监控”）：按监控基准日的时间进度，对比预算执行率和绩效目标完成程度，\n"
     "为每个项目亮灯（绿、蓝、黄、红），并标出预警项目（黄灯或红灯）。\n\n"
     "选项：\n"
     "  --projects P.csv      项目表，含截至基准日的执行数（必填）\n"
     "  --indicators I.csv    绩效指标表，含截至基准日的完成值（必填）\n"
     "  --as-of YYYY-MM-DD    监控基准日（必填）\n"
     "  --summary S.json      按灯色和部门汇总的项目数和金额（JSON）\n"
     "  --ordered             指标行已按项目分组、且与项目表顺序一致（常见的导出格式）：每次只保留一个项目，\n"
     "                        文件再大内存也不增长；出现顺序不符的行即停止运行（docs/input.md“按序文件”）\n"
     "  --threads N           N 不小于 2 时，另用一个线程预先读取表格，工作簿的工作表再用一个线程解析\n"
     "                        （默认：可用的处理器核数）；无论 N 为多少，结果逐字节相同\n" PB_INPUT_ZH "\n"
     "示例：\n"
     "  perfbudget monitor --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                     --as-of 2023-12-31 --out lights.csv --summary lights.json\n\n"
     "文档：docs/monitoring.md\n",
     "perfbudget monitor --projects P.csv --indicators I.csv --as-of YYYY-MM-DD [options]"},
    {"review",
     "Target review (绩效目标审核): scores each project's target sheet on four dimensions,\n"
     "lists every defect with its indicator row, grades it 优/良/中/差 and decides admission.\n\n"
     "Options:\n"
     "  --projects P.csv      the projects (optional column `revision`: first or revised sheet) (required)\n"
     "  --indicators I.csv    the target sheet; actual values may be blank (required)\n"
     "  --summary S.json      projects and money per grade and admission, quantification rate, as JSON\n"
     "  --threads N           with 2 or more, read the tables ahead on a thread of their own and parse a\n"
     "                        workbook's sheets on one more (default: the cores available); the results\n"
     "                        are the same bytes for any N\n" PB_INPUT_EN "\n"
     "Example:\n"
     "  perfbudget review --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                    --rules rules/lanzhou-new-area.yaml --out review.csv\n\n"
     "Docs: docs/review.md\n",
     "绩效目标审核：从四个维度为每个项目的绩效目标表评分，逐条列出问题（含所在指标行），\n"
     "评定优/良/中/差，并给出是否纳入预算的意见。\n\n"
     "选项：\n"
     "  --projects P.csv      项目表（可选列 revision：初次申报或修改后）（必填）\n"
     "  --indicators I.csv    绩效目标表，实际完成值可不填（必填）\n"
     "  --summary S.json      按等级和审核意见汇总的项目数、金额及量化率（JSON）\n"
     "  --threads N           N 不小于 2 时，另用一个线程预先读取表格，工作簿的工作表再用一个线程解析\n"
     "                        （默认：可用的处理器核数）；无论 N 为多少，结果逐字节相同\n" PB_INPUT_ZH "\n"
     "示例：\n"
     "  perfbudget review --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                    --rules rules/lanzhou-new-area.yaml --out review.csv\n\n"
     "文档：docs/review.md\n",
     "perfbudget review --projects P.csv --indicators I.csv [options]"},
    {"assess",
     "Ex-ante assessment (事前绩效评估): weighs the experts' scores per dimension, optionally\n"
     "drops the highest and lowest, grades the project and says whether it is approved.\n\n"
     "Options:\n"
     "  --projects P.csv      the projects (required)\n"
     "  --assessments A.csv   one row per expert and project, a score per dimension (required)\n"
     "  --summary S.json      projects and money per grade, as JSON\n" PB_INPUT_EN "\n"
     "Example:\n"
     "  perfbudget assess --projects examples/data/projects.csv --assessments examples/data/assessments.csv\n\n"
     "Docs: docs/assessment.md\n",
     "事前绩效评估：按维度权重汇总专家评分（可去掉最高分和最低分），评定等级并给出是否通过。\n\n"
     "选项：\n"
     "  --projects P.csv      项目表（必填）\n"
     "  --assessments A.csv   专家评分表，每位专家每个项目一行，各维度一个分数（必填）\n"
     "  --summary S.json      按等级汇总的项目数和金额（JSON）\n" PB_INPUT_ZH "\n"
     "示例：\n"
     "  perfbudget assess --projects examples/data/projects.csv --assessments examples/data/assessments.csv\n\n"
     "文档：docs/assessment.md\n",
     "perfbudget assess --projects P.csv --assessments A.csv [options]"},
    {"report",
     "Figures for leadership (汇总报告): totals per department and for the county, grade counts,\n"
     "cuts and recoveries, warning projects with --as-of, the target review with --review and\n"
     "the ex-ante assessment with --assessments, as a Markdown or HTML page with\n"
     "charts, JSON, or an Excel workbook.\n\n"
     "Options:\n"
     "  --projects P.csv      the projects (required)\n"
     "  --indicators I.csv    their indicators (required)\n"
     "  --out F               report.html, .md, .json or .xlsx (required; the extension gives the form)\n"
     "  --format html|md|json|xlsx   the form, when the extension does not say\n"
     "  --as-of YYYY-MM-DD    also monitor as of this date (lights, warning projects)\n"
     "  --review              also review the same files' targets (grades, admissions, quantification)\n"
     "  --assessments A.csv   also roll up the ex-ante assessment of these expert scores\n"
     "  --max-listed N        at most N projects listed per table (default 200; the workbook has all)\n"
     "  --rules, --lang, --encoding, --year   as for evaluate\n\n"
     "Example:\n"
     "  perfbudget report --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                    --out report.html\n\n"
     "Docs: docs/report.md\n",
     "汇总报告：按部门和全县汇总的数据、各等级项目数、核减和收回金额，加 --as-of 时含预警项目，\n"
     "加 --review 时含绩效目标审核，加 --assessments 时含事前绩效评估；\n"
     "可输出为带图表的 Markdown 或 HTML 页面、JSON 或 Excel 工作簿。\n\n"
     "选项：\n"
     "  --projects P.csv      项目表（必填）\n"
     "  --indicators I.csv    绩效指标表（必填）\n"
     "  --out F               report.html、.md、.json 或 .xlsx（必填；按扩展名确定格式）\n"
     "  --format html|md|json|xlsx   扩展名无法确定格式时指定\n"
     "  --as-of YYYY-MM-DD    同时按此基准日进行运行监控（灯色、预警项目）\n"
     "  --review              同时审核同一批文件的绩效目标（等级、审核结论、量化率）\n"
     "  --assessments A.csv   同时汇总这份专家评分的事前绩效评估结果\n"
     "  --max-listed N        每张表最多列出的项目数（默认 200；工作簿中列出全部）\n"
     "  --rules、--lang、--encoding、--year   同 evaluate\n\n"
     "示例：\n"
     "  perfbudget report --projects examples/data/projects.csv --indicators examples/data/indicators.csv \\\n"
     "                    --out report.html\n\n"
     "文档：docs/report.md\n",
     "perfbudget report --projects P.csv --indicators I.csv --out F [options]"},
    {"check",
     "Checks rule files (a county profile and what it builds on) and reports every problem\n"
     "with file:line:column; prints \"rules are valid\" otherwise.\n\n"
     "Options:\n"
     "  --lang zh|en          the language of the messages (default zh)\n\n"
     "Example:\n"
     "  perfbudget check rules/urumqi-county.yaml\n\n"
     "Docs: docs/rules.md\n",
     "检查规则文件（县级规则及其所依据的文件），逐条报告问题及其所在的文件:行:列；无误时提示“规则有效”。\n\n"
     "选项：\n"
     "  --lang zh|en          提示所用语言（默认 zh）\n\n"
     "示例：\n"
     "  perfbudget check rules/urumqi-county.yaml\n\n"
     "文档：docs/rules.md\n",
     "perfbudget check R.yaml... [--lang zh|en]"},
    {"test",
     "Runs YAML test cases (projects, the rules they use, the expected results) and shows\n"
     "each difference with the line of the expectation.\n\n"
     "Options:\n"
     "  --lang zh|en          the language of the messages (default zh)\n\n"
     "Example:\n"
     "  perfbudget test rules/tests/urumqi-county.yaml\n\n"
     "Docs: docs/testing.md\n",
     "运行 YAML 测试用例（项目、所用规则及预期结果），逐条列出不一致之处及预期值所在行。\n\n"
     "选项：\n"
     "  --lang zh|en          提示所用语言（默认 zh）\n\n"
     "示例：\n"
     "  perfbudget test rules/tests/urumqi-county.yaml\n\n"
     "文档：docs/testing.md\n",
     "perfbudget test T.yaml... [--lang zh|en]"},
    {"rules",
     "Prints the national rules built into the program (rules/national.yaml), to start a\n"
     "county profile from.\n\n"
     "Example:\n"
     "  perfbudget rules > national.yaml\n\n"
     "Docs: docs/rules.md\n",
     "输出程序内置的全国规则（rules/national.yaml），可作为编写县级规则的起点。\n\n"
     "示例：\n"
     "  perfbudget rules > national.yaml\n\n"
     "文档：docs/rules.md\n",
     "perfbudget rules"},
}};

#undef PB_INPUT_EN
#undef PB_INPUT_ZH

constexpr std::string_view program_en =
    "perfbudget — budget performance management (预算绩效管理) by the rules, exactly and explained.\n\n"
    "Commands:\n"
    "  evaluate   year-end self-evaluation: scores, grades, rectification, cuts, recovery\n"
    "  monitor    in-year monitoring at an as-of date: lights and warning projects\n"
    "  review     target review: defects, grade, admission\n"
    "  assess     ex-ante assessment from the experts' scores\n"
    "  report     roll-up for leadership: HTML, Markdown, JSON, Excel\n"
    "  check      check rule files\n"
    "  test       run YAML test cases of rule files\n"
    "  rules      print the built-in national rules\n\n"
    "perfbudget COMMAND --help shows a command's options and an example.\n"
    "perfbudget --version shows the version and the rule-file format.\n"
    "Exit status: 0 success, 1 bad data or rules (each problem with file:line), 2 bad usage.\n"
    "Docs: README.md, docs/\n";

constexpr std::string_view program_zh =
    "perfbudget —— 按规则进行预算绩效管理，结果精确并附说明。\n\n"
    "命令：\n"
    "  evaluate   年度绩效自评：评分、定级、整改、核减、收回\n"
    "  monitor    按基准日进行绩效运行监控：亮灯和预警项目\n"
    "  review     绩效目标审核：问题清单、等级、是否纳入预算\n"
    "  assess     根据专家评分进行事前绩效评估\n"
    "  report     面向领导的汇总报告：HTML、Markdown、JSON、Excel\n"
    "  check      检查规则文件\n"
    "  test       运行规则文件的 YAML 测试用例\n"
    "  rules      输出内置的全国规则\n\n"
    "perfbudget 命令 --help 显示该命令的选项和示例。\n"
    "perfbudget --version 显示版本号和规则文件格式版本。\n"
    "退出状态：0 成功，1 数据或规则有误（逐条列出文件:行），2 用法错误。\n"
    "文档：README.md、docs/\n";

bool starts_with_zh(const char* v) { return v && std::strncmp(v, "zh", 2) == 0; }

} // namespace

std::string help_text(std::string_view command, bool zh) {
    if (command.empty()) return std::string(zh ? program_zh : program_en);
    for (const Help& h : helps) {
        if (h.command != command) continue;
        std::string s = zh ? "用法：" : "usage: ";
        s += h.usage;
        s += "\n\n";
        s += zh ? h.zh : h.en;
        return s;
    }
    return {};
}

bool help_in_chinese(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        std::string_view lang;
        if (a == "--lang" && i + 1 < argc) lang = argv[i + 1];
        else if (a.starts_with("--lang=")) lang = a.substr(7);
        if (lang == "zh") return true;
        if (lang == "en") return false;
    }
    // The locale's language, as POSIX orders the variables for messages.
    for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* v = std::getenv(var);
        if (v && *v) return starts_with_zh(v);
    }
    return false;
}

} // namespace perfbudget::cli
