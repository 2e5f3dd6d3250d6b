// The reading card screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawReadingCard(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.3f));
  Text(tr_("Reading your card..."), fonts_.title, palette_.text, content);
  Text(tr_("Please keep the card on the reader until the kiosk says so."), fonts_.body,
       palette_.text, content);
  ImGui::Dummy(ImVec2(0, 30));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(at, ImVec2(at.x + content, at.y + 48), Colour(palette_.disabled), 24.0f);
  const float done = content * static_cast<float>(journey_.Progress()) / 100.0f;
  if (done > 0) {
    draw->AddRectFilled(at, ImVec2(at.x + std::max(done, 48.0f), at.y + 48),
                        Colour(palette_.primary), 24.0f);
  }
  ImGui::Dummy(ImVec2(content, 60));
  char percent[16];
  std::snprintf(percent, sizeof percent, "%d%%", journey_.Progress());
  Text(percent, fonts_.body, palette_.text, content);
}

}  // namespace kiosk::ui
