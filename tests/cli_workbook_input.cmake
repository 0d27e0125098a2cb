# .xlsx input (issue 11 item 1): the example county written into workbooks by
# csv_to_xlsx (number, percent and date cells; 项目编号/一级指标/二级指标 merged
# as in real indicator tables) gives byte-identical results to the CSV files,
# for evaluate (CSV, JSON), monitor, review and assess: one workbook with both
# tables as sheets 项目/指标, and one workbook per table with a sheet of any name.
# A bad cell is named as book.xlsx!sheet!CELL, with no output file.
#   CLI, TOXLSX (csv_to_xlsx), DATA (examples/data), OUT (scratch directory)
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
function(convert out)
  execute_process(COMMAND ${TOXLSX} ${OUT}/${out} ${ARGN} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "csv_to_xlsx ${out} failed:\n${err}")
  endif()
endfunction()
include(${CMAKE_CURRENT_LIST_DIR}/cli_script_support.cmake)

convert(county.xlsx 项目=${DATA}/projects.csv 指标=${DATA}/indicators.csv --merge project_id,level1,level2)
convert(projects.xlsx Sheet1=${DATA}/projects.csv)
convert(indicators.xlsx 绩效目标表=${DATA}/indicators.csv --merge project_id,level1)
convert(assessments.xlsx 评审=${DATA}/assessments.csv --merge project_id)

set(csv --projects ${DATA}/projects.csv --indicators ${DATA}/indicators.csv)
set(one --projects ${OUT}/county.xlsx --indicators ${OUT}/county.xlsx)
set(two --projects ${OUT}/projects.xlsx --indicators ${OUT}/indicators.xlsx)
foreach(command_format "evaluate;csv" "evaluate;json" "monitor;csv" "review;csv")
  list(GET command_format 0 command)
  list(GET command_format 1 format)
  set(extra --format ${format})
  if(command STREQUAL "monitor")
    list(APPEND extra --as-of 2023-12-31)
  endif()
  run(csv-${command}.${format} ${command} ${csv} ${extra})
  run(one-${command}.${format} ${command} ${one} ${extra})
  run(two-${command}.${format} ${command} ${two} ${extra})
  same(csv-${command}.${format} one-${command}.${format} "${command} ${format}, one workbook against the CSV files")
  same(csv-${command}.${format} two-${command}.${format} "${command} ${format}, a workbook per table against the CSV files")
endforeach()
run(csv-assess.csv assess --projects ${DATA}/projects.csv --assessments ${DATA}/assessments.csv)
run(xlsx-assess.csv assess --projects ${OUT}/projects.xlsx --assessments ${OUT}/assessments.xlsx)
same(csv-assess.csv xlsx-assess.csv "assess, workbooks against the CSV files")

# A bad cell: named by sheet and cell, no output.
file(READ ${DATA}/indicators.csv text)
string(REPLACE "W1,output,quality,合格率,ge,95%,98%" "W1,output,quality,合格率,ge,95%,abc" text "${text}")
file(WRITE ${OUT}/bad-indicators.csv "${text}")
convert(bad.xlsx 指标=${OUT}/bad-indicators.csv 项目=${DATA}/projects.csv)
execute_process(COMMAND ${CLI} evaluate --projects ${OUT}/bad.xlsx --indicators ${OUT}/bad.xlsx --lang en
                        --out ${OUT}/bad.csv RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.xlsx!指标!G3: error: column \"actual\": \"abc\"" OR EXISTS ${OUT}/bad.csv)
  message(FATAL_ERROR "a bad workbook cell was not named by sheet and cell (exit ${rc}):\n${err}")
endif()
execute_process(COMMAND ${CLI} evaluate ${one} --sheet 附表 --lang en --out ${OUT}/none.csv RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "county.xlsx: error: the workbook has no sheet \"附表\"; its sheets: \"项目\", \"指标\"")
  message(FATAL_ERROR "--sheet naming no sheet was not refused with the sheets' names (exit ${rc}):\n${err}")
endif()

# A problem the evaluation finds after reading (an indicator of no project) is placed at
# the sheet's row too, when each table is its own workbook.
file(READ ${DATA}/indicators.csv text)
string(REPLACE "\nW1,output,quality,合格率" "\nZZ,output,quality,合格率" text "${text}")
file(WRITE ${OUT}/orphan-indicators.csv "${text}")
convert(orphan.xlsx 绩效目标表=${OUT}/orphan-indicators.csv)
execute_process(COMMAND ${CLI} evaluate --projects ${OUT}/projects.xlsx --indicators ${OUT}/orphan.xlsx --lang en
                        --out ${OUT}/orphan.csv RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "orphan.xlsx!绩效目标表!3: error: project_id \"ZZ\" is not in" OR EXISTS ${OUT}/orphan.csv)
  message(FATAL_ERROR "an indicator row of no project was not placed at its sheet's row (exit ${rc}):\n${err}")
endif()
