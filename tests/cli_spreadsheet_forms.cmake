# The example county written as spreadsheets hand it over (tests/data/messy, made
# by make_messy.py: title rows, Chinese headers with units, 万元, full-width
# characters, thousands separators, date forms, merged cells) must give
# byte-identical results to the tidy files, for evaluate (CSV and JSON),
# monitor and review. Without --fill-down the merged layout is one error with a
# hint, and no output file.
#   CLI, DATA (examples/data), MESSY (tests/data/messy), OUT (scratch directory)
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
include(${CMAKE_CURRENT_LIST_DIR}/cli_script_support.cmake)
set(tidy --projects ${DATA}/projects.csv --indicators ${DATA}/indicators.csv)
set(messy_sets "projects_wan.csv" "projects_thousands.csv")
foreach(command_format "evaluate;csv" "evaluate;json" "monitor;csv" "review;csv")
  list(GET command_format 0 command)
  list(GET command_format 1 format)
  set(extra --format ${format})
  if(command STREQUAL "monitor")
    list(APPEND extra --as-of 2023-12-31)
  endif()
  run(tidy-${command}.${format} ${command} ${tidy} ${extra})
  foreach(p ${messy_sets})
    run(${p}-${command}.${format} ${command} --projects ${MESSY}/${p} --indicators ${MESSY}/indicators_merged.csv
        --fill-down ${extra})
    same(tidy-${command}.${format} ${p}-${command}.${format}
         "${command} --format ${format}: ${p} with indicators_merged.csv against the tidy files")
  endforeach()
endforeach()

execute_process(COMMAND ${CLI} evaluate --projects ${MESSY}/projects_wan.csv --indicators ${MESSY}/indicators_merged.csv
                        --lang en --out ${OUT}/refused.csv RESULT_VARIABLE rc ERROR_VARIABLE err)
string(REGEX MATCHALL "error:" errors "${err}")
list(LENGTH errors n)
if(NOT rc EQUAL 1 OR NOT n EQUAL 1 OR NOT err MATCHES "indicators_merged.csv:4: error: column \"项目编号\" is blank under \"W1\": merged cells saved as CSV\\? --fill-down"
   OR EXISTS ${OUT}/refused.csv)
  message(FATAL_ERROR "the merged layout without --fill-down was not one error with a hint (exit ${rc}, ${n} errors):\n${err}")
endif()
