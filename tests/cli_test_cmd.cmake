# Runs `perfbudget test` with ARGS (a ;-list); expects exit status EXIT and the
# combined stdout and stderr to match every regex in EXPECT (a ;-list).
execute_process(COMMAND ${CLI} ${ARGS} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
set(all "${out}${err}")
if(NOT rc EQUAL EXIT)
  message(FATAL_ERROR "expected exit ${EXIT}, got ${rc}\noutput:\n${all}")
endif()
foreach(re IN LISTS EXPECT)
  if(NOT all MATCHES "${re}")
    message(FATAL_ERROR "output does not match \"${re}\":\n${all}")
  endif()
endforeach()
message("${all}")
