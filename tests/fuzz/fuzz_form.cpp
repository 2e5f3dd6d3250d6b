// Dashboard form bodies and query strings (application/x-www-form-urlencoded)
// and the cookie header, as a browser or anyone else sends them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../../gateway/src/form.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string decoded = kiosk::gateway::UrlDecode(text);
  if (decoded.size() > text.size()) std::abort();  // decoding never grows
  (void)kiosk::gateway::FormField(text, "csrf");
  (void)kiosk::gateway::QueryField(text, "commune");
  (void)kiosk::gateway::TargetPath(text);
  return 0;
}
