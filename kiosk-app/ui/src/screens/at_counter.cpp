// The counter step: what the citizen does in person at the one-stop counter
// (shows an original, signs before the officer). It is also said aloud and
// printed on the receipt.
#include "../ui_internal.h"
#include "kiosk/ui/prompts.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants

void KioskUi::DrawAtCounter(float w, float h) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr || session->procedure == nullptr) return;
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("At the counter"), fonts_.title, palette_.text, content);
  Text(tr_("After submitting here, take your receipt to the one-stop counter and:"), fonts_.body,
       palette_.text, content);
  ImGui::Dummy(ImVec2(0, kGap));
  const float list_height = h - kFooterHeight - ImGui::GetCursorPosY() - kGap;
  ImGui::SetCursorPosX(kMargin);
  BeginScroll("tasks", list_height);
  const float row = content - 40;
  int n = 0;
  for (const auto& task : catalog::CounterTasks(*session->procedure)) {
    // A numbered card per task: the number in a circle, the words beside it.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float text_x = 96;
    const float text_w = row - text_x - 24;
    const std::string words = task.In(journey_.Language());
    const float text_h = fonts_.body
                             ->CalcTextSizeA(fonts_.body->FontSize, FLT_MAX, text_w,
                                             Addressed(words, salutation_).c_str())
                             .y;
    const float card_h = std::max(112.0f, text_h + 48);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(at, ImVec2(at.x + row, at.y + card_h), Colour(palette_.panel), 14.0f);
    draw->AddRect(at, ImVec2(at.x + row, at.y + card_h), Colour(palette_.border), 14.0f, 0, 2.0f);
    draw->AddCircleFilled(ImVec2(at.x + 48, at.y + card_h / 2), 30, Colour(palette_.primary));
    char number[12];
    std::snprintf(number, sizeof number, "%d", ++n);
    const ImVec2 ns = fonts_.title->CalcTextSizeA(fonts_.title->FontSize, FLT_MAX, 0, number);
    draw->AddText(fonts_.title, fonts_.title->FontSize,
                  ImVec2(at.x + 48 - ns.x / 2, at.y + card_h / 2 - ns.y / 2),
                  Colour(palette_.primary_text), number);
    ImGui::SetCursorScreenPos(ImVec2(at.x + text_x, at.y + (card_h - text_h) / 2));
    Text(words, fonts_.body, palette_.text, text_w);
    ImGui::SetCursorScreenPos(ImVec2(at.x, at.y + card_h + kGap));
    ImGui::Dummy(ImVec2(row, 0));
  }
  Text(tr_("This is also printed on your receipt."), fonts_.small, palette_.muted_text, row);
  EndScroll();
  Footer(w, h, true, true);
}

}  // namespace kiosk::ui
