# Every third-party dependency is found here, once, from Debian packages.
# A missing one fails configuration with the package that provides it
# (scripts/debian-packages.txt is the list that bootstrap installs).
find_package(PkgConfig REQUIRED)

function(kiosk_require_pkg name module debian_package)
  pkg_check_modules(${name} IMPORTED_TARGET ${module})
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "kiosk: ${module} not found; install Debian package ${debian_package} "
                        "(or run scripts/bootstrap)")
  endif()
endfunction()

function(kiosk_require_lib target header library debian_package)
  find_path(_inc_${target} ${header})
  find_library(_lib_${target} ${library})
  if(NOT _inc_${target} OR NOT _lib_${target})
    message(FATAL_ERROR "kiosk: ${library} not found; install Debian package ${debian_package} "
                        "(or run scripts/bootstrap)")
  endif()
  add_library(${target} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION "${_lib_${target}}"
                        INTERFACE_INCLUDE_DIRECTORIES "${_inc_${target}}")
endfunction()

# mbedTLS 2.28: crypto, X.509 and TLS.
kiosk_require_lib(kiosk_dep_mbedcrypto mbedtls/version.h mbedcrypto libmbedtls-dev)
kiosk_require_lib(kiosk_dep_mbedx509 mbedtls/x509_crt.h mbedx509 libmbedtls-dev)
kiosk_require_lib(kiosk_dep_mbedtls mbedtls/ssl.h mbedtls libmbedtls-dev)
add_library(kiosk::mbedtls INTERFACE IMPORTED)
target_link_libraries(kiosk::mbedtls INTERFACE kiosk_dep_mbedtls kiosk_dep_mbedx509
                      kiosk_dep_mbedcrypto)

# kiosk-app/voice: libespeak-ng (Northern, Central and Southern Vietnamese voices).
kiosk_require_lib(kiosk_dep_espeak espeak-ng/speak_lib.h espeak-ng libespeak-ng-dev)
add_library(kiosk::espeak INTERFACE IMPORTED)
target_link_libraries(kiosk::espeak INTERFACE kiosk_dep_espeak)

kiosk_require_pkg(TOMLPP tomlplusplus libtomlplusplus-dev)

# gateway/: PostgreSQL's client library, for a province's replicas.
kiosk_require_pkg(LIBPQ libpq libpq-dev)
add_library(kiosk::libpq ALIAS PkgConfig::LIBPQ)
add_library(kiosk::tomlplusplus ALIAS PkgConfig::TOMLPP)

kiosk_require_pkg(ICU "icu-uc;icu-i18n" libicu-dev)
add_library(kiosk::icu ALIAS PkgConfig::ICU)

kiosk_require_pkg(SQLITE sqlite3 libsqlite3-dev)
add_library(kiosk::sqlite ALIAS PkgConfig::SQLITE)

kiosk_require_pkg(PCSCLITE libpcsclite libpcsclite-dev)
add_library(kiosk::pcsclite ALIAS PkgConfig::PCSCLITE)

find_path(KIOSK_BOOST_BEAST boost/beast/http.hpp)
if(NOT KIOSK_BOOST_BEAST)
  message(FATAL_ERROR "kiosk: Boost.Beast not found; install Debian package libboost-dev")
endif()
add_library(kiosk::beast INTERFACE IMPORTED)
target_include_directories(kiosk::beast SYSTEM INTERFACE ${KIOSK_BOOST_BEAST})

find_package(nlohmann_json 3.11 QUIET)
if(NOT nlohmann_json_FOUND)
  message(FATAL_ERROR "kiosk: nlohmann_json not found; install Debian package nlohmann-json3-dev")
endif()

if(KIOSK_BUILD_TESTS)
  # Debian 12's CppUTestConfig.cmake points at /usr/lib/include and fails, so
  # the two static libraries are imported by hand.
  kiosk_require_lib(CppUTest CppUTest/TestHarness.h CppUTest libcpputest-dev)
  kiosk_require_lib(CppUTestExt CppUTestExt/MockSupport.h CppUTestExt libcpputest-dev)
endif()

if(KIOSK_BUILD_BENCH)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(FATAL_ERROR "kiosk: Google Benchmark not found; install libbenchmark-dev")
  endif()
endif()

# Scanning and digitization (drivers/scanner, firmware/digitize, drivers/mrz,
# drivers/qr).
kiosk_require_pkg(SANE sane-backends libsane-dev)
add_library(kiosk::sane ALIAS PkgConfig::SANE)

find_package(OpenCV 4.6 QUIET COMPONENTS core imgproc imgcodecs ml videoio)
if(NOT OpenCV_FOUND)
  message(FATAL_ERROR "kiosk: OpenCV not found; install Debian package libopencv-dev")
endif()
add_library(kiosk::opencv INTERFACE IMPORTED)
target_include_directories(kiosk::opencv SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
target_link_libraries(kiosk::opencv INTERFACE opencv_core opencv_imgproc opencv_imgcodecs opencv_ml)
# The card camera (drivers/camera): V4L2 and image sequences.
add_library(kiosk::opencv_videoio INTERFACE IMPORTED)
target_link_libraries(kiosk::opencv_videoio INTERFACE opencv_videoio)

kiosk_require_pkg(TESSERACT tesseract libtesseract-dev)
add_library(kiosk::tesseract ALIAS PkgConfig::TESSERACT)
kiosk_require_pkg(LEPTONICA lept libleptonica-dev)
add_library(kiosk::leptonica ALIAS PkgConfig::LEPTONICA)

kiosk_require_pkg(ZXING zxing libzxing-dev)
add_library(kiosk::zxing ALIAS PkgConfig::ZXING)
kiosk_require_pkg(QRENCODE libqrencode libqrencode-dev)
add_library(kiosk::qrencode ALIAS PkgConfig::QRENCODE)

# drivers/printer: the receipt printer over USB bulk endpoints.
kiosk_require_pkg(LIBUSB libusb-1.0 libusb-1.0-0-dev)
add_library(kiosk::libusb ALIAS PkgConfig::LIBUSB)

kiosk_require_pkg(FREETYPE freetype2 libfreetype-dev)
add_library(kiosk::freetype ALIAS PkgConfig::FREETYPE)

# board/: libgpiod 1.6 (the GPIO character device).
kiosk_require_pkg(GPIOD libgpiod libgpiod-dev)
add_library(kiosk::gpiod ALIAS PkgConfig::GPIOD)
