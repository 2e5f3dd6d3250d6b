#include "kiosk/ui/prompts.h"

#include <utility>

namespace kiosk::ui {

namespace {

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

}  // namespace

std::string NumbersUnbroken(std::string text) {
  auto digit = [&text](std::size_t i) {
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.' && i > 0 && digit(i - 1) && digit(i + 1) && digit(i + 2) && digit(i + 3) &&
        !digit(i + 4)) {
      out += "\u2024";
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string ScreenPrompt(journey::Screen screen, const i18n::Translator& tr_) {
  using journey::Screen;
  switch (screen) {
    case Screen::kAttract:
      return tr_("Welcome. Touch the screen to begin.");
    case Screen::kIdentify:
      return tr_("Please place your chip ID card on the reader, with the QR code facing up.");
    case Screen::kReadingCard:
      return tr_("Reading your card. Please keep the card still on the reader.");
    case Screen::kChooseProcedure:
      return tr_("Your card has been read. Please choose the procedure you need.");
    case Screen::kReviewForm:
      return tr_("Please check what the card filled in, then answer the remaining questions.");
    case Screen::kAttachPapers:
      return tr_("Please place each paper face down on the scanner glass, then tap Scan.");
    case Screen::kAtCounter:
      return tr_("Part of this procedure is done in person at the counter.");
    case Screen::kFees:
      return tr_("Please pay the fee, by bank card or by bank transfer.");
    case Screen::kConsent:
      return tr_("Please read how your personal data is used, tick that you agree, then submit.");
    case Screen::kSubmitting:
      return tr_("Sending your dossier. Please wait.");
    case Screen::kReceipt:
      return tr_("Your dossier has been received. Please take your receipt and your card.");
    case Screen::kRating:
      return tr_("How satisfied are you with this service? Please tap one answer.");
    case Screen::kGoodbye:
      return tr_("Thank you. Goodbye.");
    case Screen::kLookup:
      return tr_("Please enter the dossier code printed on your receipt.");
    case Screen::kTicket:
      return tr_("Here is your queue number. Please wait to be called at the counter.");
  }
  return "";
}

namespace {

// Problem codes and their words: exact codes, then families by prefix.
struct Words {
  const char* code;
  bool prefix;
  std::string (*text)(const i18n::Translator&);
};

const Words kWords[] = {
    {"card.wrong_key", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_(
           "The card could not be opened with this key. Check the number, or show the QR code on "
           "the card.");
     }},
    {"card.mismatch", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("This card does not match the key. Place the card you showed.");
     }},
    {"card.absent", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("No card on the reader. Place your ID card on the reader.");
     }},
    {"card.removed", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The card was lifted too early. Place it again and keep it still.");
     }},
    {"key.bad_id", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("An identification number has 12 digits.");
     }},
    {"card.turn_over", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_(
           "The code on the card could not be read. Turn the card over, the side with three lines "
           "of letters facing up, or place it again, flat and still.");
     }},
    {"key.unreadable", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The code could not be read. Try again.");
     }},
    {"form.invalid", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("Some answers need your attention (marked in red).");
     }},
    {"papers.missing", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("Please scan every required paper.");
     }},
    {"fees.unpaid", false,
     [](const i18n::Translator& tr_) -> std::string { return tr_("Please pay the fee first."); }},
    {"consent.required", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("Please tick that you agree before submitting.");
     }},
    {"payment.declined", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The payment was declined. Try another card or ask the staff.");
     }},
    {"payment.vietqr_timeout", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_(
           "No transfer arrived while the code was shown. If you did transfer, the money is not "
           "lost: tap Pay by bank transfer again and the kiosk checks it, or show your reference "
           "at the counter to finish the dossier or have the money returned.");
     }},
    {"payment.cancelled", false,
     [](const i18n::Translator& tr_) -> std::string { return tr_("The payment was cancelled."); }},
    {"payment.", true,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The payment did not go through. Try again.");
     }},
    {"scanner.no_paper", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("Put the paper on the scanner glass, face down.");
     }},
    {"scanner.jammed", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The scanner needs the staff's help.");
     }},
    {"scanner.cover_open", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The scanner needs the staff's help.");
     }},
    {"scanner.", true,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The scanner is not working. Ask the staff.");
     }},
    {"lookup.unreadable", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("Enter the dossier code or the reference on your receipt.");
     }},
    {"help.pin_refused", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("This PIN is not an officer's of this commune. Check it and try again.");
     }},
    {"help.pin_locked", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("Too many wrong PINs. Try again in ten minutes.");
     }},
    {"help.pin_invalid", false,
     [](const i18n::Translator& tr_) -> std::string { return tr_("A PIN has 4 to 12 digits."); }},
    {"help.offline", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("The officers cannot be reached from this kiosk now. Please go to the counter.");
     }},
    {"procedure.unknown", false,
     [](const i18n::Translator& tr_) -> std::string {
       return tr_("This procedure is not offered here.");
     }},
};

}  // namespace

std::string MessageText(const std::string& code, const i18n::Translator& tr_) {
  for (const Words& w : kWords) {
    if (!w.prefix && code == w.code) return w.text(tr_);
  }
  for (const Words& w : kWords) {
    if (w.prefix && StartsWith(code, w.code)) return w.text(tr_);
  }
  return tr_("Something went wrong. Please try again or ask the staff.");
}

std::vector<std::string> KnownMessageCodes() {
  std::vector<std::string> codes;
  for (const Words& w : kWords) {
    codes.emplace_back(w.prefix ? std::string(w.code) + "failed" : w.code);
  }
  return codes;
}

std::string Addressed(std::string text, const std::string& salutation) {
  if (salutation != "Ông" && salutation != "Bà") return text;
  const std::string lower = salutation == "Ông" ? "ông" : "bà";
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"Ông/Bà", salutation},
                                 std::pair<std::string, std::string>{"ông/bà", lower}}) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

std::string HelpText(const journey::Help& help, const i18n::Translator& tr_) {
  if (help.assisting) {
    return std::string(tr_("Officer")) + " " + help.assisting->officer_name + " " +
           tr_("is helping you.");
  }
  switch (help.state) {
    case journey::HelpState::kNone:
    case journey::HelpState::kCalling:
      return tr_("Calling an officer. Please stay at the kiosk.");
    case journey::HelpState::kOpen:
      return tr_("The officers have your request. Please stay at the kiosk: one is coming.");
    case journey::HelpState::kAnswered:
      return help.officer_name.empty() ? std::string(tr_("An officer is coming to help you."))
                                       : std::string(tr_("Officer")) + " " + help.officer_name +
                                             " " + tr_("is coming to help you.");
    case journey::HelpState::kOffline:
      return tr_("The officers cannot be reached from this kiosk now. Please go to the counter.");
  }
  return "";
}

std::optional<Utterance> Narrator::Next(const journey::Journey& journey, i18n::Translator& tr) {
  tr.SetLanguage(journey.Language());
  const journey::Screen screen = journey.CurrentScreen();
  const bool new_screen = !screen_ || *screen_ != screen || language_ != journey.Language();
  const std::string& message = journey.Message();
  const bool new_message = !message.empty() && message != message_;
  screen_ = screen;
  language_ = journey.Language();
  message_ = message;
  // News of the call for an officer, while its panel shows.
  const journey::Help& help = journey.HelpStatus();
  const std::string help_text = help.shown && !help.pin_entry ? HelpText(help, tr) : "";
  const bool new_help = !help_text.empty() && help_text != help_;
  help_ = help_text;
  if (new_help && !new_message) return Utterance{help_text, language_, "help"};
  // A problem is said before the screen's prompt: it is why the citizen is here.
  if (new_message) return Utterance{MessageText(message, tr), language_, message};
  if (new_screen) {
    std::string prompt = ScreenPrompt(screen, tr);
    // The counter step says what is to be done there, one task after another.
    const auto* session = journey.CurrentSession();
    if (screen == journey::Screen::kAtCounter && session != nullptr &&
        session->procedure != nullptr) {
      int n = 0;
      for (const auto& task : catalog::CounterTasks(*session->procedure)) {
        prompt += " " + std::to_string(++n) + ". " + task.In(language_) + ".";
      }
      const i18n::Translator& tr_ = tr;
      prompt += std::string(" ") + tr_("Then tap Continue.");
    }
    return Utterance{prompt, language_, journey::ToString(screen)};
  }
  return std::nullopt;
}

}  // namespace kiosk::ui
