# kiosk_warnings(<target>): the house warning set, errors when KIOSK_WERROR.
# Applied to our own targets only; third-party headers come in as SYSTEM.
function(kiosk_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast
    -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 at -O3 reports impossible overlaps inside std::string's operator+
    # (GCC bug 105329); the warning is noise there.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(KIOSK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
