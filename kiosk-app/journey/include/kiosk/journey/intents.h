#pragma once

// What a screen asks of the journey, as values. Screens draw the journey's
// state and return intents; the journey applies them (Apply). A screen can
// so be tested by the intents a tap produces, without a journey behind it,
// and the same intents come from touch, a script, or (later) voice.

#include <string>
#include <variant>

#include "kiosk/journey/journey.h"

namespace kiosk::journey {

namespace intent {
struct Activity {};  // any touch: the citizen is still there
struct SetLanguage {
  std::string language;
};
struct SetLargeText {
  bool on = false;
};
struct Start {};
struct StartLookup {};
struct TakeTicket {};
struct IdentifyWith {
  KeySource source = KeySource::kQr;
  std::string text;
};
struct SetCategory {
  std::string category;
};
struct SetSearch {
  std::string query;
};
struct ChooseProcedure {
  std::string code;
};
struct SetField {
  std::string id;
  std::string value;
};
struct ScanPage {
  std::string paper;
};
struct RemoveLastPage {
  std::string paper;
};
struct Pay {
  std::string method;
};
struct CancelPayment {};
struct SetConsent {
  bool accepted = false;
};
struct Confirm {};
struct Reprint {};
struct Rate {
  int score = 0;
};
struct LookupDossier {
  std::string text;
};
struct Next {};
struct Back {};
struct Cancel {};
struct CallHelp {};
struct HideHelp {};
struct CancelHelp {};
struct StartOfficerPin {};
struct OfficerPin {
  std::string pin;
};
struct EndAssistance {};
struct PayAtCounter {};
}  // namespace intent

using Intent =
    std::variant<intent::Activity, intent::SetLanguage, intent::Start, intent::StartLookup,
                 intent::TakeTicket, intent::IdentifyWith, intent::SetCategory, intent::SetSearch,
                 intent::ChooseProcedure, intent::SetField, intent::ScanPage,
                 intent::RemoveLastPage, intent::Pay, intent::CancelPayment, intent::SetConsent,
                 intent::Confirm, intent::Reprint, intent::Rate, intent::LookupDossier,
                 intent::Next, intent::Back, intent::Cancel, intent::CallHelp, intent::HideHelp,
                 intent::CancelHelp, intent::StartOfficerPin, intent::OfficerPin,
                 intent::EndAssistance, intent::SetLargeText, intent::PayAtCounter>;

void Apply(Journey& journey, Intent intent);

// "start", "set_field", ...: for logs and tests; never the values it carries.
const char* NameOf(const Intent& intent);

}  // namespace kiosk::journey
