// The idle warning screen.
#include "../ui_internal.h"
#include "kiosk/ui/prompts.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawIdleWarning(float w, float h) {
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  draw->AddRectFilled(ImVec2(0, 0), ImVec2(w, h), IM_COL32(0, 0, 0, 160));
  const float pw = std::min(w - 2 * kMargin, 900.0f);
  const ImVec2 min((w - pw) / 2, h * 0.3f);
  const ImVec2 max(min.x + pw, min.y + 460);
  draw->AddRectFilled(min, max, Colour(palette_.background), 20.0f);
  const std::string text =
      Addressed(std::string(tr_("Are you still there? For your privacy, everything "
                                "will be erased in")) +
                    " " + std::to_string(*journey_.IdleWarning()) + " " + tr_("seconds."),
                salutation_);
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(min.x + 40, min.y + 40),
                Colour(palette_.text), text.c_str(), nullptr, pw - 80);
  // The button is an ordinary widget drawn above everything.
  ImGui::SetCursorScreenPos(ImVec2(min.x + 40, max.y - 180));
  ImGui::PushClipRect(ImVec2(0, 0), ImVec2(w, h), false);
  if (Button("idle.continue", tr_("I am still here"), pw - 80, 140, Style::kPrimary,
             fonts_.title)) {
    Emit(journey::intent::Activity{});
  }
  ImGui::PopClipRect();
  // Keep the button visible above the dimmed screen.
  const Rect& r = widgets_["idle.continue"];
  draw->AddRectFilled(ImVec2(r.x, r.y), ImVec2(r.x + r.w, r.y + r.h), Colour(palette_.primary),
                      14.0f);
  const char* label = tr_("I am still here");
  const ImVec2 ls = fonts_.title->CalcTextSizeA(fonts_.title->FontSize, FLT_MAX, 0, label);
  draw->AddText(fonts_.title, fonts_.title->FontSize,
                ImVec2(r.x + (r.w - ls.x) / 2, r.y + (r.h - ls.y) / 2),
                Colour(palette_.primary_text), label);
}

}  // namespace kiosk::ui
