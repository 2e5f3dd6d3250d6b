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
  // In landscape the left part scrolls too, when larger text needs it.
  const float left = wide ? 0 : kMargin;
  const float column = wide ? content - 40 : content;  // beside the left part's scroll bar
  ImGui::SetCursorPosX(kMargin);
  if (wide) BeginScroll("who", h - kFooterHeight - top - kGap, content);
  ImGui::SetCursorPosX(left);
  if (session != nullptr && session->identity) {
    const auto& id = *session->identity;
    // The chip's photo beside the name: a wrong card is noticed at once.
    float text_width = column;
    if (photo_texture_ != nullptr) {
      const float photo_h = wide ? 160 : 200;
      const float photo_w = photo_h * photo_aspect_;
      ImGui::Image(photo_texture_, ImVec2(photo_w, photo_h));
      ImGui::SameLine(0, kGap);
      text_width = column - photo_w - kGap;
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
  ImGui::SetCursorPosX(left);
  // The search field: a new search starts empty; the one shown can be cleared.
  const bool searching = session != nullptr && !session->search.empty();
  const std::string search = searching ? std::string(tr_("Search:")) + " " + session->search
                                       : std::string(tr_("Search: tap to type, e.g. khai sinh"));
  const float clear_w = searching ? std::min(260.0f, column * 0.4f) : 0;
  const float search_w = searching ? column - clear_w - kGap : column;
  const float search_h = std::max(
      FitHeight(search, search_w, kButtonHeight),
      searching ? FitHeight(tr_("Clear search"), clear_w, kButtonHeight, fonts_.small) : 0.0f);
  if (Button("search", search.c_str(), search_w, search_h, Style::kSecondary)) {
    OpenEditor("search", Editor::kKeyboard, tr_("Search for a procedure"), "");
  }
  if (searching) {
    ImGui::SameLine(0, kGap);
    if (Button("search.clear", tr_("Clear search"), clear_w, search_h, Style::kSecondary,
               fonts_.small)) {
      Emit(journey::intent::SetSearch{""});
    }
  }
  ImGui::SetCursorPosX(left);
  const auto& categories = journey_.Catalog().Categories();
  const std::size_t per_row = wide ? 3 : categories.size();
  const float chip =
      (column - kGap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  float chip_h = 88;  // one height for all: the row stays even
  for (const auto& c : categories) {
    chip_h = std::max(chip_h, FitHeight(c.name.In(journey_.Language()), chip, 88, fonts_.small));
  }
  for (std::size_t i = 0; i < categories.size(); ++i) {
    if (i % per_row != 0) ImGui::SameLine();
    if (i % per_row == 0) ImGui::SetCursorPosX(left);
    const auto& c = categories[i];
    const bool on = session != nullptr && session->category == c.id;
    if (Button("category." + c.id, c.name.In(journey_.Language()).c_str(), chip, chip_h,
               on ? Style::kChoiceOn : Style::kSecondary, fonts_.small)) {
      Emit(journey::intent::SetCategory{c.id});
    }
  }
  Message();
  if (wide) EndScroll();
  const float list_x = wide ? kMargin + content + kGap : kMargin;
  const float list_width = wide ? full - content - kGap : full;
  if (wide) ImGui::SetCursorPos(ImVec2(list_x, top));
  const float list_height = h - kFooterHeight - ImGui::GetCursorPosY() - kGap;
  ImGui::SetCursorPosX(list_x);
  ImGui::PushID("list");
  BeginScroll("procedures", list_height);
  // Never an empty list: the closest procedures when nothing matches the
  // words, every procedure when nothing comes near.
  auto hits = journey_.SearchResults();
  if (searching && hits.empty()) {
    Text(tr_("No procedure matches these words. Choose a group above, or one of all the "
             "procedures below."),
         fonts_.body, palette_.text, list_width - 40);
    hits = journey_.OfferedProcedures();
  } else if (!hits.empty() && hits.front().closest) {
    Text(tr_("No procedure has all these words. The closest ones:"), fonts_.body, palette_.text,
         list_width - 40);
  }
  const int columns = wide ? 2 : 1;
  const float button_w =
      (list_width - 40 - kGap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
  // The procedure's name; its national code is small print under it.
  auto label_of = [&](std::size_t i) { return hits[i].procedure->name.In(journey_.Language()); };
  const float caption_h = fonts_.small->FontSize + 12;
  float row_h = 0;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const auto col = i % static_cast<std::size_t>(columns);
    if (col != 0) ImGui::SameLine();
    if (col == 0) {  // the row's height: its tallest label
      row_h = 0;
      for (std::size_t j = i; j < std::min(hits.size(), i + static_cast<std::size_t>(columns));
           ++j) {
        row_h = std::max(row_h, FitHeight(label_of(j), button_w, wide ? 120 : 132) + caption_h);
      }
    }
    const std::string label = label_of(i);
    if (Button("procedure." + hits[i].procedure->code, label.c_str(), button_w, row_h,
               Style::kSecondary, nullptr, hits[i].procedure->code.c_str())) {
      Emit(journey::intent::ChooseProcedure{hits[i].procedure->code});
    }
  }
  EndScroll();
  ImGui::PopID();
  Footer(w, h, true, false);
}

}  // namespace kiosk::ui
