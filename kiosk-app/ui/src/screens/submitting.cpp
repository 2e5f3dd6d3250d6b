// The submitting screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawSubmitting(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.3f));
  Text(tr_("Sending your dossier..."), fonts_.title, palette_.text, content);
  Text(tr_("Your dossier is sealed and kept safe on this kiosk until the agency receives it."),
       fonts_.body, palette_.text, content);
}

}  // namespace kiosk::ui
