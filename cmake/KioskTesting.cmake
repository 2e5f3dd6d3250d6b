# Helpers that give every module the same shape of tests, fuzz targets and
# benchmarks. Tests are registered with CTest and labelled so that
# `ctest -L unit` and `ctest -L integration` select them.

set(KIOSK_TEST_SUPPORT_DIR "${CMAKE_SOURCE_DIR}/tests/support")
set(KIOSK_TEST_DATA_DIR "${CMAKE_SOURCE_DIR}/tests/data")

# PostgreSQL's server programs (initdb, pg_ctl, psql), for the tests that
# start a private cluster (tests/support/postgres.h).
find_program(KIOSK_PG_CONFIG pg_config)
if(KIOSK_PG_CONFIG)
  execute_process(COMMAND ${KIOSK_PG_CONFIG} --bindir OUTPUT_VARIABLE KIOSK_PG_BINDIR
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

# kiosk_add_test_executable(<name> LABEL unit|integration SOURCES ... LIBS ...
#                           [TIMEOUT seconds] [POSTGRES])
# One CppUTest executable per module, built with CppUTest's leak detection.
# POSTGRES: the tests start a private PostgreSQL cluster.
function(kiosk_add_test_executable name)
  cmake_parse_arguments(ARG "POSTGRES" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(ARG_POSTGRES)
    if(NOT EXISTS "${KIOSK_PG_BINDIR}/initdb")
      message(FATAL_ERROR "kiosk: ${name} needs PostgreSQL's server; install Debian package "
                          "postgresql (or run scripts/bootstrap)")
    endif()
    list(APPEND ARG_SOURCES ${KIOSK_TEST_SUPPORT_DIR}/postgres.cpp)
  endif()
  if(NOT ARG_LABEL MATCHES "^(unit|integration)$")
    message(FATAL_ERROR "kiosk_add_test_executable(${name}): LABEL must be unit or integration")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SOURCES} ${KIOSK_TEST_SUPPORT_DIR}/test_main.cpp
                 ${KIOSK_TEST_SUPPORT_DIR}/process.cpp)
  target_include_directories(${name} PRIVATE ${KIOSK_TEST_SUPPORT_DIR})
  target_compile_definitions(${name} PRIVATE KIOSK_TEST_DATA_DIR="${KIOSK_TEST_DATA_DIR}")
  if(ARG_POSTGRES)
    target_compile_definitions(${name} PRIVATE KIOSK_PG_BINDIR="${KIOSK_PG_BINDIR}")
  endif()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} CppUTestExt CppUTest)
  kiosk_warnings(${name})
  add_test(NAME ${name} COMMAND ${name} -c)
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT})
endfunction()

# kiosk_add_fuzz_target(<name> SOURCES ... LIBS ...)
# Built only in the fuzz preset; the seed corpus lives in tests/fuzz/corpus/<name>/.
function(kiosk_add_fuzz_target name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(fuzz_${name} ${ARG_SOURCES})
  target_link_libraries(fuzz_${name} PRIVATE ${ARG_LIBS})
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  kiosk_warnings(fuzz_${name})
  set_property(GLOBAL APPEND PROPERTY KIOSK_FUZZ_TARGETS ${name})
endfunction()

# kiosk_add_bench(<name> SOURCES ... LIBS ...): a Google Benchmark executable.
function(kiosk_add_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(bench_${name} ${ARG_SOURCES})
  target_compile_definitions(bench_${name} PRIVATE KIOSK_TEST_DATA_DIR="${KIOSK_TEST_DATA_DIR}")
  target_link_libraries(bench_${name} PRIVATE ${ARG_LIBS} benchmark::benchmark)
  kiosk_warnings(bench_${name})
endfunction()
