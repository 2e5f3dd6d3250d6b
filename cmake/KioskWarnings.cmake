# kiosk_warnings(<target>): the house warning set, errors when KIOSK_WERROR.
# Applied to our own targets only; third-party headers come in as SYSTEM.
function(kiosk_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast
    -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2)
  if(KIOSK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
