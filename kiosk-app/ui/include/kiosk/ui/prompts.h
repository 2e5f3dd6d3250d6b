#pragma once

// What the kiosk says to the citizen: a short spoken prompt for each screen,
// the words for each problem the journey reports (shown and spoken alike),
// and the Narrator that decides, frame by frame, what to say aloud. The
// strings are gettext messages like every other on the screens.

#include <optional>
#include <string>
#include <vector>

#include "kiosk/i18n/translator.h"
#include "kiosk/journey/flow.h"
#include "kiosk/journey/journey.h"

namespace kiosk::ui {

// `text` with its "Ông/Bà" (and "ông/bà") as the salutation has it:
// "Ông" or "Bà" once the card says which, unchanged otherwise.
std::string Addressed(std::string text, const std::string& salutation);

// `text` as drawn: the thousands dot of a number ("200.000") is the one-dot
// leader U+2024, which looks the same and where a wrapped line never breaks.
std::string NumbersUnbroken(std::string text);

// The spoken prompt of a screen, in the translator's language.
std::string ScreenPrompt(journey::Screen screen, const i18n::Translator& tr_);

// The words for a problem code ("card.wrong_key", "scanner.no_paper", ...);
// a code this list does not know gets a general sentence.
std::string MessageText(const std::string& code, const i18n::Translator& tr_);
// Every code MessageText has words of its own for (a family by one member).
std::vector<std::string> KnownMessageCodes();

// What the help panel says of the citizen's call for an officer, shown and
// spoken alike ("Cán bộ Trần Thị Bình đang đến hỗ trợ Ông/Bà.").
std::string HelpText(const journey::Help& help, const i18n::Translator& tr_);

struct Utterance {
  std::string text;
  std::string language;  // "vi" or "en"
  std::string tag;       // the screen or the problem code, for file names and logs
};

// Watches the journey after each frame: a new screen, a new language, a new
// problem or news of an officer is said once.
class Narrator {
 public:
  std::optional<Utterance> Next(const journey::Journey& journey, i18n::Translator& tr);

 private:
  std::optional<journey::Screen> screen_;
  std::string language_;
  std::string message_;
  std::string help_;  // what the help panel said last
};

}  // namespace kiosk::ui
