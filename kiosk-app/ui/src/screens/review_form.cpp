// The review form screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawReviewForm(float w, float h) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr || session->procedure == nullptr) return;
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(session->procedure->name.In(journey_.Language()), fonts_.title, palette_.text, content);
  Text(tr_("Check what the card filled in, and answer the rest."), fonts_.small,
       palette_.muted_text, content);
  Message();
  const float list_height = h - kFooterHeight - ImGui::GetCursorPosY() - kGap;
  ImGui::SetCursorPosX(kMargin);
  BeginScroll("form", list_height);
  const float row = content - 40;
  for (const auto& field : session->procedure->form) {
    const auto& state = session->fields.at(field.id);
    std::string label = field.label.In(journey_.Language());
    if (!field.required) label += std::string(" (") + tr_("optional") + ")";
    Text(label, fonts_.small, palette_.muted_text, row);
    if (state.from_card) {
      const ImVec2 at = ImGui::GetCursorScreenPos();
      const std::string value = state.value.Reveal();
      const ImVec2 size =
          fonts_.body->CalcTextSizeA(fonts_.body->FontSize, FLT_MAX, row - 40, value.c_str());
      ImDrawList* draw = ImGui::GetWindowDrawList();
      draw->AddRectFilled(at, ImVec2(at.x + row, at.y + size.y + 64), Colour(palette_.locked_field),
                          12.0f);
      draw->AddText(fonts_.body, fonts_.body->FontSize, ImVec2(at.x + 20, at.y + 12),
                    Colour(palette_.text), value.c_str(), nullptr, row - 40);
      draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(at.x + 20, at.y + size.y + 16),
                    Colour(palette_.success), tr_("From your chip ID card"));
      ImGui::Dummy(ImVec2(row, size.y + 64));
    } else if (field.type == catalog::FieldType::kChoice) {
      const float cw = (row - kGap * static_cast<float>(field.choices.size() - 1)) /
                       static_cast<float>(field.choices.size());
      for (std::size_t i = 0; i < field.choices.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        const auto& c = field.choices[i];
        const bool on = state.value.Reveal() == c.value;
        if (Button("choice." + field.id + "." + c.value, c.label.In(journey_.Language()).c_str(),
                   cw, 96, on ? Style::kChoiceOn : Style::kSecondary, fonts_.small)) {
          Emit(journey::intent::SetField{field.id, c.value});
        }
      }
    } else {
      const std::string value = state.value.Reveal();
      const std::string shown = value.empty() ? std::string(tr_("Tap to enter")) : value;
      const bool pad = field.type != catalog::FieldType::kText;
      if (Button("field." + field.id, shown.c_str(), row, kButtonHeight, Style::kSecondary)) {
        OpenEditor("field." + field.id, pad ? Editor::kPad : Editor::kKeyboard, label, value,
                   field.type == catalog::FieldType::kDate);
      }
    }
    if (!state.problem.empty()) {
      const char* problem = tr_("Please check this answer.");
      if (state.problem == "form.required") problem = tr_("This answer is needed.");
      if (state.problem == "form.bad_date") problem = tr_("Enter a date as day/month/year.");
      if (state.problem == "form.future_date") problem = tr_("This date cannot be in the future.");
      if (state.problem == "form.bad_phone")
        problem = tr_("A phone number has 10 digits and starts with 0.");
      if (state.problem == "form.out_of_range")
        problem = tr_("This number is outside the allowed range.");
      Text(problem, fonts_.small, palette_.error, row);
    }
    ImGui::Dummy(ImVec2(0, 8));
  }
  EndScroll();
  Footer(w, h, true, true);
}

std::string KioskUi::FieldValueText(const catalog::FormField& field,
                                    const std::string& value) const {
  for (const auto& c : field.choices) {
    if (c.value == value) return c.label.In(journey_.Language());
  }
  return value;
}

}  // namespace kiosk::ui
