#pragma once

// Include first in every test file. CppUTest's leak detector redefines `new`
// and `malloc` as macros; every standard and third-party header must be parsed
// before that, or their placement-new and allocator code breaks. Add a header
// here, not in a test, when a test needs one that is missing.

#include <algorithm>
#include <any>
#include <array>
#include <atomic>
#include <bitset>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <compare>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <ostream>
#include <queue>
#include <random>
#include <regex>
#include <set>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

// OpenCV, where the test links it (scanning and digitization suites).
#if __has_include(<opencv2/core.hpp>)
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

// CppUTest last: from here on `new` and `malloc` are tracked for leaks.
#include <CppUTest/TestHarness.h>
#include <CppUTestExt/MockSupport.h>

#include "test_support.h"

namespace kiosk::test {

// For suites over libraries that allocate in one test and free in another,
// or from their own threads (Tesseract, OpenCV, zxing-cpp): CppUTest's
// tracking of each allocation is off while such a test runs (it would crawl
// or report frees it did not see). The asan preset checks their leaks.
inline void StopTrackingAllocations() {
  IGNORE_ALL_LEAKS_IN_TEST();
  MemoryLeakWarningPlugin::saveAndDisableNewDeleteOverloads();
}
inline void ResumeTrackingAllocations() { MemoryLeakWarningPlugin::restoreNewDeleteOverloads(); }

}  // namespace kiosk::test
