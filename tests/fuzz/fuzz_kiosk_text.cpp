// What the kiosk app reads from files and keys: scripts, compiled message
// catalogs (.mo), and keystrokes composed by Telex.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kiosk/i18n/translator.h"
#include "kiosk/input/telex.h"
#include "kiosk/ui/script.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)kiosk::ui::ParseScript(text);
  (void)kiosk::i18n::MessageCatalog::Parse(std::vector<std::uint8_t>(data, data + size));
  const std::string composed = kiosk::input::ComposeTelex(text);
  kiosk::input::TelexComposer composer;
  for (char c : text.substr(0, 64)) {
    if (c == '\b') {
      composer.Backspace();
    } else {
      composer.Key(c);
    }
  }
  (void)composer.Text();
  (void)composed;
  return 0;
}
