# Runs `perfbudget evaluate` on the example data and compares with a golden file.
# EXTRA: more options (a ;-list), such as --ordered.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${CLI} evaluate --projects ${DATA}/projects.csv --indicators ${DATA}/indicators.csv
                        --rules ${RULES} --out ${OUT}/results.csv --lang en ${EXTRA}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "perfbudget evaluate exited ${rc}:\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/results.csv ${EXPECTED} RESULT_VARIABLE diff)
if(diff)
  file(READ ${OUT}/results.csv got)
  message(FATAL_ERROR "results differ from ${EXPECTED}; got:\n${got}")
endif()
