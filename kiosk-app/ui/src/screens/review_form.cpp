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
      DrawChoices(field, state.value.Reveal(), label, row);
    } else {
      const std::string value = state.value.Reveal();
      const bool from_choice = DrawCardChoices(field, value, row);
      std::string shown = value;
      if (from_choice) shown = tr_("Another answer (tap to type)");
      if (value.empty()) shown = tr_("Tap to enter");
      const bool pad = field.type != catalog::FieldType::kText;
      if (Button("field." + field.id, shown.c_str(), row, kButtonHeight, Style::kSecondary)) {
        OpenEditor("field." + field.id, pad ? Editor::kPad : Editor::kKeyboard, label, value,
                   field.type == catalog::FieldType::kDate);
        pad_recent_days_ = field.recent_days;
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

// A choice as buttons, as many to a row as their labels allow; the kiosk's
// own list (its health facilities) after the catalog's; "another answer"
// opens the keyboard and shows what was typed.
void KioskUi::DrawChoices(const catalog::FormField& field, const std::string& value,
                          const std::string& label, float row) {
  std::vector<std::pair<std::string, std::string>> options;  // value, label
  for (const auto& c : field.choices)
    options.emplace_back(c.value, c.label.In(journey_.Language()));
  if (field.choices_from == "health_facilities") {
    for (const auto& place : journey_.Config().health_facilities)
      options.emplace_back(place, place);
  }
  float widest = 0;
  for (const auto& [v, l] : options) {
    widest = std::max(widest,
                      fonts_.small->CalcTextSizeA(fonts_.small->FontSize, FLT_MAX, 0, l.c_str()).x);
  }
  const auto count = static_cast<int>(options.size());
  const int fit = std::max(1, static_cast<int>((row + kGap) / (widest + 48 + kGap)));
  const int per_row = std::min({count, fit, 5});
  const float cw = (row - kGap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  bool chosen = false;
  for (int i = 0; i < count; ++i) {
    if (i % per_row != 0) ImGui::SameLine();
    const auto& [v, l] = options[static_cast<std::size_t>(i)];
    const bool on = value == v;
    chosen = chosen || on;
    if (Button("choice." + field.id + "." + v, l.c_str(), cw, 96,
               on ? Style::kChoiceOn : Style::kSecondary, fonts_.small)) {
      Emit(journey::intent::SetField{field.id, v});
    }
  }
  if (!field.allow_other) return;
  const bool other = !value.empty() && !chosen;
  const std::string shown = other ? std::string(tr_("Another answer:")) + " " + value
                                  : std::string(tr_("Another answer (tap to type)"));
  if (Button("other." + field.id, shown.c_str(), row, 96,
             other ? Style::kChoiceOn : Style::kSecondary, fonts_.small)) {
    OpenEditor("field." + field.id, Editor::kKeyboard, label, other ? value : "");
  }
}

// Answers the citizen's own card holds for this field: their own name or
// birth date, their father's, mother's or spouse's name (DG13), as buttons
// that fill the field with one touch. True when the value is one of them.
bool KioskUi::DrawCardChoices(const catalog::FormField& field, const std::string& value,
                              float row) {
  const auto* session = journey_.CurrentSession();
  if (field.card_choices.empty() || session == nullptr || !session->identity) return false;
  struct Option {
    std::string source, value, label;
  };
  std::vector<Option> options;
  for (const auto& source : field.card_choices) {
    const auto* text = journey::CardField(*session->identity, source);
    if (text == nullptr || text->Reveal().empty()) continue;
    const char* whose = tr_("On your card:");
    if (source == "full_name") whose = tr_("Myself:");
    if (source == "father_name") whose = tr_("Father:");
    if (source == "mother_name") whose = tr_("Mother:");
    if (source == "spouse_name") whose = tr_("Spouse:");
    options.push_back({source, text->Reveal(), std::string(whose) + " " + text->Reveal()});
  }
  if (options.empty()) return false;
  const int per_row = row > 1400 ? 2 : 1;
  const float cw = (row - kGap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  bool chosen = false;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (i % static_cast<std::size_t>(per_row) != 0) ImGui::SameLine();
    const Option& o = options[i];
    const bool on = value == o.value;
    chosen = chosen || on;
    if (Button("card." + field.id + "." + o.source, o.label.c_str(), cw,
               FitHeight(o.label, cw, 96, fonts_.small), on ? Style::kChoiceOn : Style::kSecondary,
               fonts_.small)) {
      Emit(journey::intent::SetField{field.id, o.value});
    }
  }
  return chosen;
}

std::string KioskUi::FieldValueText(const catalog::FormField& field,
                                    const std::string& value) const {
  for (const auto& c : field.choices) {
    if (c.value == value) return c.label.In(journey_.Language());
  }
  return value;
}

}  // namespace kiosk::ui
