# Converts the example projects and expert scores to GBK, runs
# `perfbudget assess --encoding gbk` and compares with the UTF-8 golden file.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
foreach(f projects assessments)
  execute_process(COMMAND iconv -f UTF-8 -t GBK ${DATA}/${f}.csv OUTPUT_FILE ${OUT}/${f}.csv RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "iconv failed on ${f}.csv")
  endif()
endforeach()
execute_process(COMMAND ${CLI} assess --projects ${OUT}/projects.csv --assessments ${OUT}/assessments.csv
                        --encoding gbk --out ${OUT}/results.csv --lang en RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "perfbudget assess --encoding gbk exited ${rc}:\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/results.csv ${EXPECTED} RESULT_VARIABLE diff)
if(diff)
  message(FATAL_ERROR "GBK results differ from ${EXPECTED}")
endif()
