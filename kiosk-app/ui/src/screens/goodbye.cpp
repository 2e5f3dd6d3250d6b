// The goodbye screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawGoodbye(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.3f));
  Text(tr_("Thank you"), fonts_.title, palette_.text, content);
  Text(tr_("Remember to take your ID card and your receipt. Your details have been erased from "
           "this kiosk."),
       fonts_.body, palette_.text, content);
  ImGui::SetCursorPos(ImVec2(kMargin, h - kFooterHeight - 160));
  if (Button("done", tr_("Done"), content, 140, Style::kPrimary, fonts_.title))
    Emit(journey::intent::Next{});
}

}  // namespace kiosk::ui
