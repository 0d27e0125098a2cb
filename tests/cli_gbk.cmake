# Converts the example data to GBK (as Excel on Chinese Windows writes it), runs
# `perfbudget evaluate --encoding gbk` and compares with the UTF-8 golden file.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
foreach(f projects indicators)
  execute_process(COMMAND iconv -f UTF-8 -t GBK ${DATA}/${f}.csv OUTPUT_FILE ${OUT}/${f}.csv RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "iconv failed on ${f}.csv")
  endif()
endforeach()
execute_process(COMMAND ${CLI} evaluate --projects ${OUT}/projects.csv --indicators ${OUT}/indicators.csv
                        --encoding gbk --out ${OUT}/results.csv --lang en RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "perfbudget evaluate --encoding gbk exited ${rc}:\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/results.csv ${EXPECTED} RESULT_VARIABLE diff)
if(diff)
  message(FATAL_ERROR "GBK results differ from ${EXPECTED}")
endif()
# The same GBK bytes read as UTF-8 must be refused with the line and a hint, not misread.
execute_process(COMMAND ${CLI} evaluate --projects ${OUT}/projects.csv --indicators ${OUT}/indicators.csv
                        --out ${OUT}/wrong.csv --lang en RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "projects.csv:2.*UTF-8" OR EXISTS ${OUT}/wrong.csv)
  message(FATAL_ERROR "GBK read as UTF-8 was not refused properly (exit ${rc}):\n${err}")
endif()
