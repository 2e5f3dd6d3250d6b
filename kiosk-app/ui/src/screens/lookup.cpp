// The lookup screen.
#include "../ui_internal.h"
#include "kiosk/journey/slips.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawLookup(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Look up a dossier"), fonts_.title, palette_.text, content);
  Text(tr_("Hold the QR code on your receipt under the camera, or type the dossier code or the "
           "kiosk reference."),
       fonts_.body, palette_.text, content);
  ImGui::SetCursorPosX(kMargin);
  if (Button("lookup.type", tr_("Type the code"), content, kButtonHeight, Style::kSecondary)) {
    OpenEditor("lookup", Editor::kKeyboard, tr_("Dossier code or kiosk reference"), "");
  }
  Message();
  if (journey_.Busy()) Text(tr_("Looking up..."), fonts_.body, palette_.text, content);
  if (const auto& result = journey_.Lookup(); result) {
    ImGui::Dummy(ImVec2(0, 20));
    if (!result->found) {
      Text(tr_("No dossier submitted at this kiosk has this code. Dossiers from other places "
               "can be looked up on the national portal."),
           fonts_.body, palette_.text, content);
    } else {
      if (!result->code.empty()) Text(result->code, fonts_.title, palette_.text, content);
      Text(std::string(tr_("Kiosk reference")) + ": " + result->reference, fonts_.body,
           palette_.text, content);
      const char* state = tr_("Waiting to be delivered to the agency");
      if (result->state == "acknowledged" || result->state == "purged") {
        state = tr_("Received by the agency");
      } else if (result->state == "quarantined") {
        state = tr_("Refused by the agency's system: please ask the staff");
      }
      Text(state, fonts_.body, palette_.success, content);
      const std::string due = journey::AppointmentText(result->appointment, journey_.Language());
      if (!due.empty()) {
        // The hour and the day, large: what the citizen must remember.
        Text(std::string(tr_("Result due on")) + " " + due, fonts_.title, palette_.text, content);
      }
    }
  }
  Footer(w, h, true, false);
}

}  // namespace kiosk::ui
