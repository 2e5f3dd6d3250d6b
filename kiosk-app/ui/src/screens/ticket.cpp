// The ticket screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawTicket(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.22f));
  Text(tr_("Your queue number"), fonts_.title, palette_.text, content);
  if (journey_.Ticket()) {
    char number[16];
    std::snprintf(number, sizeof number, "%03d", *journey_.Ticket());
    const ImVec2 size = fonts_.huge->CalcTextSizeA(fonts_.huge->FontSize, FLT_MAX, 0, number);
    ImGui::SetCursorPosX((w - size.x) / 2);
    Text(number, fonts_.huge, palette_.primary, size.x + 2);
    // As the printed ticket says: the counter, and how many took a number before.
    if (!journey_.Config().counter.empty()) {
      Text(journey_.Config().counter, fonts_.title, palette_.text, content);
    }
    if (*journey_.Ticket() > 1) {
      std::string before = tr_("{1} people took a number before you today.");
      if (const auto at = before.find("{1}"); at != std::string::npos) {
        before.replace(at, 3, std::to_string(*journey_.Ticket() - 1));
      }
      Text(before, fonts_.body, palette_.text, content);
    }
    Text(tr_("Please wait to be called at the counter."), fonts_.body, palette_.text, content);
    if (!journey_.PrintProblem().empty()) {
      Text(tr_("The ticket could not be printed: remember this number."), fonts_.body,
           palette_.error, content);
    }
  } else if (!journey_.Message().empty()) {
    Message();
  } else {
    Text(tr_("Printing..."), fonts_.body, palette_.text, content);
  }
  ImGui::SetCursorPos(ImVec2(kMargin, h - kFooterHeight - 160));
  if (Button("done", tr_("Done"), content, 140, Style::kPrimary, fonts_.title))
    Emit(journey::intent::Next{});
}

}  // namespace kiosk::ui
