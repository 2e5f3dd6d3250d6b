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
  // A box that is ticked, drawn: no brackets for the citizen to decode.
  if (Button("consent", tr_("I agree"), content, 120,
             session->consent ? Style::kChoiceOn : Style::kSecondary, fonts_.title)) {
    Emit(journey::intent::SetConsent{!session->consent});
  }
  {
    const ImVec2 min = ImGui::GetItemRectMin();
    const float box = 64;
    const ImVec2 b0(min.x + 32, min.y + (120 - box) / 2);
    const ImVec2 b1(b0.x + box, b0.y + box);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(b0, b1, Colour(palette_.background), 8.0f);
    draw->AddRect(b0, b1, Colour(palette_.border), 8.0f, 0, 4.0f);
    if (session->consent) {
      const ImU32 tick = Colour(palette_.success);
      draw->AddLine(ImVec2(b0.x + 14, b0.y + 34), ImVec2(b0.x + 28, b0.y + 48), tick, 8.0f);
      draw->AddLine(ImVec2(b0.x + 28, b0.y + 48), ImVec2(b0.x + 52, b0.y + 16), tick, 8.0f);
    }
  }
  Message();
  ImGui::SetCursorPosX(kMargin);
  if (Button("confirm", tr_("Submit my dossier"), content, 140,
             session->consent ? Style::kPrimary : Style::kMuted, fonts_.title)) {
    Emit(journey::intent::Confirm{});
  }
  Footer(w, h, true, false);
}

}  // namespace kiosk::ui
