// The choose procedure screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawChooseProcedure(float w, float h) {
  const auto* session = journey_.CurrentSession();
  // Landscape: who the citizen is, the search and the categories on the
  // left; the procedures in two columns on the right, six or more in view.
  const bool wide = w > h;
  const float full = w - 2 * kMargin;
  const float content = wide ? full * 0.4f : full;
  const float top = ImGui::GetCursorPosY();
  ImGui::SetCursorPosX(kMargin);
  if (session != nullptr && session->identity) {
    const auto& id = *session->identity;
    // The chip's photo beside the name: a wrong card is noticed at once.
    float text_width = content;
    if (photo_texture_ != nullptr) {
      const float photo_h = wide ? 160 : 200;
      const float photo_w = photo_h * photo_aspect_;
      ImGui::Image(photo_texture_, ImVec2(photo_w, photo_h));
      ImGui::SameLine(0, kGap);
      text_width = content - photo_w - kGap;
      ImGui::BeginGroup();
    }
    Text(std::string(tr_("Hello,")) + " " + id.full_name.Reveal(), fonts_.title, palette_.text,
         text_width);
    if (photo_texture_ != nullptr) {
      Text(tr_("Is this you? If not, tap Start over."), fonts_.body, palette_.text, text_width);
    }
    const bool verified = !id.authenticity.AnyFailed();
    Text(verified ? tr_("Card read and checked: the chip's signature is valid.")
                  : tr_("Card read, but its signature could not be verified: the staff will check "
                        "your papers."),
         fonts_.small, verified ? palette_.success : palette_.error, text_width);
    if (photo_texture_ != nullptr) ImGui::EndGroup();
  }
  ImGui::SetCursorPosX(kMargin);
  const std::string search = session != nullptr && !session->search.empty()
                                 ? session->search
                                 : std::string(tr_("Search: tap to type, e.g. khai sinh"));
  if (Button("search", search.c_str(), content, kButtonHeight, Style::kSecondary)) {
    OpenEditor("search", Editor::kKeyboard, tr_("Search for a procedure"),
               session != nullptr ? session->search : "");
  }
  ImGui::SetCursorPosX(kMargin);
  const auto& categories = journey_.Catalog().Categories();
  const std::size_t per_row = wide ? 3 : categories.size();
  const float chip =
      (content - kGap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  for (std::size_t i = 0; i < categories.size(); ++i) {
    if (i % per_row != 0) ImGui::SameLine();
    if (i % per_row == 0) ImGui::SetCursorPosX(kMargin);
    const auto& c = categories[i];
    const bool on = session != nullptr && session->category == c.id;
    if (Button("category." + c.id, c.name.In(journey_.Language()).c_str(), chip, 88,
               on ? Style::kChoiceOn : Style::kSecondary, fonts_.small)) {
      Emit(journey::intent::SetCategory{c.id});
    }
  }
  Message();
  const float list_x = wide ? kMargin + content + kGap : kMargin;
  const float list_width = wide ? full - content - kGap : full;
  if (wide) ImGui::SetCursorPos(ImVec2(list_x, top));
  const float list_height = h - kFooterHeight - ImGui::GetCursorPosY() - kGap;
  ImGui::SetCursorPosX(list_x);
  ImGui::PushID("list");
  BeginScroll("procedures", list_height);
  const auto hits = journey_.SearchResults();
  if (hits.empty()) {
    Text(tr_("No procedure matches. Try fewer words."), fonts_.body, palette_.text,
         list_width - 40);
  }
  const int columns = wide ? 2 : 1;
  const float button_w =
      (list_width - 40 - kGap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (i % static_cast<std::size_t>(columns) != 0) ImGui::SameLine();
    const auto& p = *hits[i].procedure;
    const std::string label = p.name.In(journey_.Language()) + "\n" + p.code;
    if (Button("procedure." + p.code, label.c_str(), button_w, wide ? 120 : 132,
               Style::kSecondary)) {
      Emit(journey::intent::ChooseProcedure{p.code});
    }
  }
  EndScroll();
  ImGui::PopID();
  Footer(w, h, true, false);
}

}  // namespace kiosk::ui
