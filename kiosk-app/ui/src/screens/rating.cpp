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
  // Decision 766's satisfaction index is only as honest as this screen: every
  // answer, and skipping, looks the same, in the same order every time.
  const char* labels[] = {tr_("Not satisfied"), tr_("Satisfied"), tr_("Very satisfied")};
  for (int score = 3; score >= 1; --score) {
    ImGui::SetCursorPosX(kMargin);
    if (Button("rate." + std::to_string(score), labels[score - 1], content, 140, Style::kSecondary,
               fonts_.title)) {
      Emit(journey::intent::Rate{score});
    }
  }
  Footer(w, h, false, true, tr_("Skip"), Style::kSecondary);
}

}  // namespace kiosk::ui
