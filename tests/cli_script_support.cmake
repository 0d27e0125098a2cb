# Functions the CLI test scripts share (cmake -P; include()d after CLI and OUT are set).
#   run(NAME ARGS…)      perfbudget ARGS --lang en --out OUT/NAME; fails on a non-zero exit
#   same(A B WHAT)       OUT/A and OUT/B are byte-identical, else fails naming WHAT
function(run name)
  execute_process(COMMAND ${CLI} ${ARGN} --lang en --out ${OUT}/${name} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "perfbudget ${ARGN} exited ${rc}:\n${err}")
  endif()
endfunction()
function(same a b what)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${a} ${OUT}/${b} RESULT_VARIABLE diff)
  if(diff)
    message(FATAL_ERROR "${what}: ${a} and ${b} differ")
  endif()
endfunction()
