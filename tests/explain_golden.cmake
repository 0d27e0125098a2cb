# Compares the explanations of a data set (tests/explain_golden.cpp) with a golden
# file a person has read (docs/testing.md, "Explanation goldens"). With -DUPDATE=ON
# it writes the golden file instead: read its diff before committing it.
execute_process(COMMAND ${TOOL} ${PROJECTS} ${INDICATORS} ${RULES} ${EXPLAIN_LANG} ${ONLY}
                WORKING_DIRECTORY ${SOURCE} OUTPUT_VARIABLE got ERROR_VARIABLE err RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "explain_golden exited ${rc}:\n${err}")
endif()
if(UPDATE)
  file(WRITE ${EXPECTED} "${got}")
  return()
endif()
file(READ ${EXPECTED} expected)
if(NOT got STREQUAL expected)
  file(WRITE ${OUT} "${got}")
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u ${EXPECTED} ${OUT} OUTPUT_VARIABLE d)
  endif()
  message(FATAL_ERROR "explanations differ from ${EXPECTED} (got ${OUT}):\n${d}")
endif()
