# Runs with -P: compiles SOURCE twice with COMPILER. Without KIOSK_LOG_PERSONAL
# it must compile; with it, compilation must fail and mention Loggable.
foreach(var COMPILER SOURCE INCLUDE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ExpectCompileFailure: ${var} not set")
  endif()
endforeach()

set(flags -std=c++20 -fsyntax-only -I${INCLUDE} ${SOURCE})
execute_process(COMMAND ${COMPILER} ${flags} RESULT_VARIABLE ok_rc ERROR_VARIABLE ok_err)
if(NOT ok_rc EQUAL 0)
  message(FATAL_ERROR "control compile failed, so the test proves nothing:\n${ok_err}")
endif()

execute_process(COMMAND ${COMPILER} -DKIOSK_LOG_PERSONAL ${flags}
                RESULT_VARIABLE bad_rc ERROR_VARIABLE bad_err)
if(bad_rc EQUAL 0)
  message(FATAL_ERROR "logging a Personal<T> compiled; it must not")
endif()
if(NOT bad_err MATCHES "Loggable")
  message(FATAL_ERROR "compile failed, but not on the Loggable constraint:\n${bad_err}")
endif()
message(STATUS "logging personal data is rejected at compile time, as required")
