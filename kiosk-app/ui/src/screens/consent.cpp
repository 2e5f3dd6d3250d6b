// The consent screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawConsent(float w, float h) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr) return;
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Your personal data"), fonts_.title, palette_.text, content);
  Text(tr_("The details read from your card, your answers and your scanned papers are sent, "
           "encrypted, only to the agency that handles this procedure, and are used only to "
           "handle it. Nothing stays on this kiosk after it has been delivered. You may ask "
           "the agency to see or correct them (Personal Data Protection Law 2025)."),
       fonts_.body, palette_.text, content);
  ImGui::Dummy(ImVec2(0, 20));
  ImGui::SetCursorPosX(kMargin);
  if (Button("consent", session->consent ? tr_("[x] I agree") : tr_("[ ] I agree"), content, 120,
             session->consent ? Style::kChoiceOn : Style::kSecondary, fonts_.title)) {
    Emit(journey::intent::SetConsent{!session->consent});
  }
  Message();
  ImGui::SetCursorPosX(kMargin);
  if (Button("confirm", tr_("Submit my dossier"), content, 140,
             session->consent ? Style::kPrimary : Style::kDisabled, fonts_.title)) {
    Emit(journey::intent::Confirm{});
  }
  Footer(w, h, true, false);
}

}  // namespace kiosk::ui
