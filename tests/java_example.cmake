# Compiles examples/java/Example.java against Debian's JNA and runs it on the
# example data with the built libperfbudget.so.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${JAVAC} -encoding UTF-8 -cp ${JNA} -d ${WORK} ${SOURCE} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "javac failed: ${rc}")
endif()
get_filename_component(libdir ${LIB} DIRECTORY)
execute_process(COMMAND ${JAVA} -cp ${JNA}:${WORK} -Djna.library.path=${libdir} -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8
                        Example ${DATA} ${GOLDEN}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc)
  message(FATAL_ERROR "examples/java failed: ${rc}")
endif()
