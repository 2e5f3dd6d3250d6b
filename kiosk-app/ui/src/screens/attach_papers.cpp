// The attach papers screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawAttachPapers(float w, float h) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr || session->procedure == nullptr) return;
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Scan your papers"), fonts_.title, palette_.text, content);
  Text(tr_("Put each paper face down on the scanner glass and tap Scan, once per page."),
       fonts_.body, palette_.text, content);
  Message();
  const float list_height = h - kFooterHeight - ImGui::GetCursorPosY() - kGap;
  ImGui::SetCursorPosX(kMargin);
  BeginScroll("papers", list_height);
  const float row = content - 40;
  for (const auto& paper : session->procedure->papers) {
    if (!paper.scan) continue;  // shown at the counter: the counter step says so
    std::string name = paper.name.In(journey_.Language());
    if (!paper.required) name += std::string(" (") + tr_("optional") + ")";
    Text(name, fonts_.body, palette_.text, row);
    auto it = session->pages.find(paper.code);
    const std::size_t pages = it == session->pages.end() ? 0 : it->second.size();
    // One small page drawn per scanned page.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    for (std::size_t i = 0; i < pages && i < 8; ++i) {
      const float x = at.x + static_cast<float>(i) * 70;
      draw->AddRectFilled(ImVec2(x, at.y), ImVec2(x + 56, at.y + 78), Colour(palette_.panel));
      draw->AddRect(ImVec2(x, at.y), ImVec2(x + 56, at.y + 78), Colour(palette_.border), 0, 0, 2);
      for (int line = 0; line < 5; ++line) {
        const float ly = at.y + 16 + static_cast<float>(line) * 11;
        draw->AddLine(ImVec2(x + 8, ly), ImVec2(x + 48, ly), Colour(palette_.border), 2);
      }
    }
    char count[64];
    std::snprintf(count, sizeof count, "%zu %s", pages, tr_("page(s)"));
    draw->AddText(
        fonts_.body, fonts_.body->FontSize,
        ImVec2(
            at.x + (pages > 0 ? static_cast<float>(std::min<std::size_t>(pages, 8)) * 70 + 10 : 0),
            at.y + 20),
        Colour(palette_.text), count);
    ImGui::Dummy(ImVec2(row, 86));
    const float half = (row - kGap) / 2;
    if (Button("scan." + paper.code, journey_.Busy() ? tr_("Scanning...") : tr_("Scan a page"),
               half, kButtonHeight, journey_.Busy() ? Style::kDisabled : Style::kPrimary)) {
      Emit(journey::intent::ScanPage{paper.code});
    }
    ImGui::SameLine();
    if (Button("remove." + paper.code, tr_("Remove the last page"), half, kButtonHeight,
               pages > 0 ? Style::kSecondary : Style::kDisabled)) {
      Emit(journey::intent::RemoveLastPage{paper.code});
    }
    ImGui::Dummy(ImVec2(0, 16));
  }
  EndScroll();
  Footer(w, h, true, true);
}

}  // namespace kiosk::ui
