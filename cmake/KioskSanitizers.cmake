# Sanitizers apply to the whole build so that every object agrees on them.
if(KIOSK_SANITIZE)
  message(STATUS "kiosk: sanitizers: ${KIOSK_SANITIZE}")
  add_compile_options(-fsanitize=${KIOSK_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${KIOSK_SANITIZE})
endif()

if(KIOSK_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "kiosk: fuzz targets need clang (use the 'fuzz' preset)")
  endif()
  # Every library is instrumented for coverage; only fuzz executables link the
  # libFuzzer main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
