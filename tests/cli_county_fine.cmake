# A county file as staff type it (gen_data --fine: targets such as 5831.4 or 706.52,
# actuals such as 1121.1547) evaluated with rules/urumqi-county.yaml, whose deviation
# rule reads the exact overall completion: every project must be evaluated (before
# Number widened past 128 bits, about 1% of them stopped the run with an overflow).
execute_process(COMMAND ${GEN} --projects 1500 --seed 7 --fine --out ${WORK} RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gen_data failed: ${rc}")
endif()
file(REMOVE ${WORK}/out.csv)
execute_process(COMMAND ${CLI} evaluate --projects ${WORK}/projects.csv --indicators ${WORK}/indicators.csv
                        --rules ${RULES} --out ${WORK}/out.csv --lang en
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "expected exit 0, got ${rc}:\n${err}")
endif()
file(READ ${WORK}/out.csv csv) # not file(STRINGS): a `reasons` cell holds ';', CMake's list separator
string(REGEX MATCHALL "\n" rows "${csv}")
list(LENGTH rows n)
if(NOT n EQUAL 1501)
  message(FATAL_ERROR "expected 1500 result rows and a header, got ${n} lines")
endif()
# The deviation rule fires on some projects and not on others.
string(REGEX MATCHALL "deviation" deviating "${csv}")
list(LENGTH deviating d)
if(d EQUAL 0 OR d EQUAL 1500)
  message(FATAL_ERROR "the deviation rule fired on ${d} of 1500 projects")
endif()
message("1500 projects evaluated; deviation on ${d}")
