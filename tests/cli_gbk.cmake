# Converts example data to GBK (as Excel on Chinese Windows writes it), runs
# `perfbudget COMMAND --encoding gbk` (whose CSV output is GBK as well) and compares
# the output, converted back, with the UTF-8 golden file;
# then checks that the same GBK bytes read as UTF-8 are refused with the line and
# a hint, not misread.
#   COMMAND  evaluate (default), assess or review
#   SECOND   the second input's option and file stem: indicators (default) or assessments
#   EXTRA    more options, `;`-separated (e.g. --format;json)
if(NOT DEFINED COMMAND)
  set(COMMAND evaluate)
endif()
if(NOT DEFINED SECOND)
  set(SECOND indicators)
endif()
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
foreach(f projects ${SECOND})
  execute_process(COMMAND iconv -f UTF-8 -t GBK ${DATA}/${f}.csv OUTPUT_FILE ${OUT}/${f}.csv RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "iconv failed on ${f}.csv")
  endif()
endforeach()
set(inputs --projects ${OUT}/projects.csv --${SECOND} ${OUT}/${SECOND}.csv)
execute_process(COMMAND ${CLI} ${COMMAND} ${inputs} --encoding gbk --out ${OUT}/results.csv --lang en ${EXTRA}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "perfbudget ${COMMAND} --encoding gbk exited ${rc}:\n${err}")
endif()
# CSV output is GBK too (SPEC §11: --encoding gbk); read back, it is the UTF-8 golden file.
set(results ${OUT}/results.csv)
if(NOT "${EXTRA}" MATCHES "json" AND NOT "${COMMAND}" MATCHES "^report")  # reports and JSON are UTF-8
  execute_process(COMMAND iconv -f GBK -t UTF-8 ${OUT}/results.csv OUTPUT_FILE ${OUT}/results-utf8.csv RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "the output of --encoding gbk is not GBK")
  endif()
  set(results ${OUT}/results-utf8.csv)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/results.csv ${OUT}/results-utf8.csv RESULT_VARIABLE same)
  if(NOT same)
    message(FATAL_ERROR "the output of --encoding gbk is UTF-8, not GBK")
  endif()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${results} ${EXPECTED} RESULT_VARIABLE diff)
if(diff)
  message(FATAL_ERROR "GBK results differ from ${EXPECTED}")
endif()
execute_process(COMMAND ${CLI} ${COMMAND} ${inputs} --out ${OUT}/wrong.csv --lang en RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "projects.csv:2.*UTF-8" OR EXISTS ${OUT}/wrong.csv)
  message(FATAL_ERROR "GBK read as UTF-8 was not refused properly (exit ${rc}):\n${err}")
endif()
