// The attract screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawAttract(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.18f));
  if (journey_.OutOfService()) {
    Text(tr_("Out of service"), fonts_.title, palette_.text, content);
    Text(tr_("This kiosk is being maintained. Please ask the staff at the one-stop desk, or come "
             "back later."),
         fonts_.body, palette_.text, content);
    return;
  }
  Text(tr_("Welcome"), fonts_.title, palette_.text, content);
  Text(tr_("File your papers here without writing: tap your chip ID card, choose the procedure, "
           "and take your receipt."),
       fonts_.body, palette_.text, content);
  ImGui::Dummy(ImVec2(0, 40));
  ImGui::SetCursorPosX(kMargin);
  if (Button("start", tr_("Start a procedure"), content, 160, Style::kPrimary, fonts_.title)) {
    Emit(journey::intent::Start{});
  }
  ImGui::SetCursorPosX(kMargin);
  const float half = (content - kGap) / 2;
  if (Button("lookup", tr_("Look up a dossier"), half, 140, Style::kSecondary)) {
    Emit(journey::intent::StartLookup{});
  }
  ImGui::SameLine();
  if (Button("ticket", tr_("Take a queue number"), half, 140, Style::kSecondary)) {
    Emit(journey::intent::TakeTicket{});
  }
}

}  // namespace kiosk::ui
