# Installs the build into a scratch prefix, then configures, builds and runs
# examples/embed against it with find_package(perfbudget CONFIG).
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed -B ${WORK}/build
                        -DCMAKE_PREFIX_PATH=${WORK}/prefix RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring examples/embed against the installed package failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building examples/embed failed: ${rc}")
endif()
execute_process(COMMAND ${WORK}/build/embed RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc)
  message(FATAL_ERROR "examples/embed failed: ${rc}")
endif()

# A C program built without CMake: examples/c with the flags `pkg-config perfbudget`
# gives for the installed prefix, linked with the shared library.
file(GLOB_RECURSE pc ${WORK}/prefix/*/perfbudget.pc)
if(NOT pc)
  message(FATAL_ERROR "perfbudget.pc is not installed")
endif()
get_filename_component(pcdir ${pc} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pcdir})
find_program(PKG_CONFIG pkg-config REQUIRED)
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs perfbudget OUTPUT_VARIABLE flags RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${PKG_CONFIG} --variable=libdir perfbudget OUTPUT_VARIABLE libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
if(rc OR NOT flags MATCHES "-lperfbudget")
  message(FATAL_ERROR "pkg-config perfbudget failed: ${rc} ${flags}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
execute_process(COMMAND ${CC} -std=c99 -Wall -Wextra -Werror ${SOURCE_DIR}/examples/c/evaluate.c ${flags}
                        -Wl,-rpath,${libdir} -o ${WORK}/evaluate-c RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building examples/c with pkg-config's flags failed: ${rc}")
endif()
execute_process(COMMAND ${WORK}/evaluate-c ${SOURCE_DIR}/examples/data/projects.csv ${SOURCE_DIR}/examples/data/indicators.csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc OR NOT out MATCHES "W1 85.32 良 cut 0.00\nJY-02 98.50 优")
  message(FATAL_ERROR "examples/c against the installed shared library failed: ${rc}")
endif()
execute_process(COMMAND ldd ${WORK}/evaluate-c OUTPUT_VARIABLE deps)
if(NOT deps MATCHES "libperfbudget.so.1 => ${libdir}")
  message(FATAL_ERROR "examples/c is not linked with the installed libperfbudget.so.1:\n${deps}")
endif()

# The same program with CMake: find_package(perfbudget) and the target perfbudget::shared.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/c -B ${WORK}/build-c -DCMAKE_PREFIX_PATH=${WORK}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc)
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/build-c RESULT_VARIABLE rc OUTPUT_QUIET)
endif()
if(rc)
  message(FATAL_ERROR "building examples/c with find_package(perfbudget) and perfbudget::shared failed: ${rc}")
endif()
execute_process(COMMAND ${WORK}/build-c/evaluate ${SOURCE_DIR}/examples/data/projects.csv ${SOURCE_DIR}/examples/data/indicators.csv
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
execute_process(COMMAND ldd ${WORK}/build-c/evaluate OUTPUT_VARIABLE deps)
if(rc OR NOT out MATCHES "W1 85.32 良 cut 0.00" OR NOT deps MATCHES "libperfbudget.so.1 => ${WORK}/prefix/")
  message(FATAL_ERROR "examples/c with perfbudget::shared failed: ${rc}\n${out}\n${deps}")
endif()
