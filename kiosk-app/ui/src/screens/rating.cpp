// The rating screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawRating(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("How satisfied are you with this service?"), fonts_.title, palette_.text, content);
  ImGui::Dummy(ImVec2(0, 20));
  const char* labels[] = {tr_("Not satisfied"), tr_("Satisfied"), tr_("Very satisfied")};
  for (int score = 3; score >= 1; --score) {
    ImGui::SetCursorPosX(kMargin);
    if (Button("rate." + std::to_string(score), labels[score - 1], content, 140,
               score == 1 ? Style::kSecondary : Style::kPrimary, fonts_.title)) {
      Emit(journey::intent::Rate{score});
    }
  }
  Footer(w, h, false, true, tr_("Skip"));
}

}  // namespace kiosk::ui
