// Help from staff: the header's "Nhờ cán bộ hỗ trợ" button on every screen,
// and the panel over the screen that says where the call is ("Cán bộ đang
// đến") and lets an officer enter assisted mode with their PIN.

#include "../ui_internal.h"
#include "kiosk/ui/prompts.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::HelpState;

void KioskUi::HelpButton(float x, float y, float w, float h) {
  const journey::Help& help = journey_.HelpStatus();
  std::string label;
  if (help.assisting) {
    label = std::string(tr_("Assisting:")) + " " + help.assisting->officer_name;
  } else if (help.state == HelpState::kAnswered) {
    label = tr_("Officer on the way");
  } else if (help.state == HelpState::kCalling || help.state == HelpState::kOpen) {
    label = tr_("Officer called");
  } else {
    label = tr_("Call an officer");
  }
  ImGui::SetCursorPos(ImVec2(x, y));
  if (Button("help", label.c_str(), w, h, Style::kHelp)) {
    if (help.shown) {
      Emit(journey::intent::HideHelp{});
    } else {
      Emit(journey::intent::CallHelp{});
    }
  }
}

void KioskUi::DrawOfficerPad(float x, float y, float w) {
  const float key_w = (w - 2 * kGap) / 3;
  const float key_h = 100;
  const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", ""};
  for (int i = 0; i < 12; ++i) {
    const float kx = x + static_cast<float>(i % 3) * (key_w + kGap);
    const float ky = y + static_cast<float>(i / 3) * (key_h + kGap);
    ImGui::SetCursorScreenPos(ImVec2(kx, ky));
    if (i == 9) {
      if (Button("officer.back", tr_("Delete"), key_w, key_h, Style::kKey) &&
          !officer_pin_.empty()) {
        officer_pin_.pop_back();
      }
      continue;
    }
    if (i == 11) {
      const bool ready = officer_pin_.size() >= 4 && !journey_.HelpStatus().checking;
      if (Button("officer.ok", tr_("OK"), key_w, key_h, ready ? Style::kPrimary : Style::kDisabled,
                 fonts_.title)) {
        Emit(journey::intent::OfficerPin{officer_pin_});
        std::fill(officer_pin_.begin(), officer_pin_.end(), '\0');
        officer_pin_.clear();
      }
      continue;
    }
    if (Button(std::string("officer.") + keys[i], keys[i], key_w, key_h, Style::kKey,
               fonts_.title) &&
        officer_pin_.size() < 12) {
      officer_pin_ += keys[i];
    }
  }
}

void KioskUi::DrawHelpPanel(float w, float h) {
  const journey::Help& help = journey_.HelpStatus();
  if (!help.pin_entry && !officer_pin_.empty()) {
    std::fill(officer_pin_.begin(), officer_pin_.end(), '\0');
    officer_pin_.clear();
  }
  ImGui::SetNextWindowPos(ImVec2(0, header_height_));
  ImGui::SetNextWindowSize(ImVec2(w, h - header_height_));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("help", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                   ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  ImGui::PushFont(fonts_.body);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(ImVec2(0, header_height_), ImVec2(w, h), IM_COL32(0, 0, 0, 150));
  // On a wide screen the officer's pad stands beside the words, not under.
  const bool beside = help.pin_entry && w > h;
  const float pw = std::min(w - 2 * kMargin, beside ? 1500.0f : 960.0f);
  const float px = (w - pw) / 2;
  const float inner = pw - 2 * kMargin;
  const float words_w = beside ? (inner - 2 * kGap) / 2 : inner;
  const float pad_w = beside ? inner - words_w - 2 * kGap : inner;
  const float top = header_height_ + 40;
  constexpr float kPadH = 4 * (100 + kGap);
  // The panel's height follows what it holds: measured first, drawn after.
  const std::string say = Addressed(HelpText(help, tr_), salutation_);
  const ImVec2 said =
      fonts_.title->CalcTextSizeA(fonts_.title->FontSize, FLT_MAX, words_w, say.c_str());
  const bool problem = !journey_.Message().empty();
  const std::string problem_text = problem ? MessageText(journey_.Message(), tr_) : "";
  const ImVec2 problem_size =
      fonts_.body->CalcTextSizeA(fonts_.body->FontSize, FLT_MAX, words_w, problem_text.c_str());
  const char* pin_label = tr_("For the officer: enter your PIN");
  const float label_h =
      fonts_.body->CalcTextSizeA(fonts_.body->FontSize, FLT_MAX, words_w, pin_label).y + kGap;
  const float back_h = FitHeight(tr_("Back"), words_w, kButtonHeight);
  float words_h = said.y + 40;
  if (help.pin_entry) {
    words_h += label_h + 80 + (problem ? problem_size.y + kGap : 0);
    if (beside) words_h += back_h;
  } else {
    words_h += (help.assisting ? 2 : 3) * (kButtonHeight + kGap);
  }
  float height = words_h;
  if (help.pin_entry) height = beside ? std::max(words_h, kPadH) : words_h + kPadH + back_h;
  height = std::min(height + 80, h - top - 20);
  draw->AddRectFilled(ImVec2(px, top), ImVec2(px + pw, top + height), Colour(palette_.background),
                      20.0f);
  draw->AddRect(ImVec2(px, top), ImVec2(px + pw, top + height), Colour(palette_.help), 20.0f, 0,
                8.0f);
  const float x = px + kMargin;
  float y = top + 40;
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(x, y), Colour(palette_.text),
                say.c_str(), nullptr, words_w);
  y += said.y + 40;
  if (help.pin_entry) {
    draw->AddText(fonts_.body, fonts_.body->FontSize, ImVec2(x, y), Colour(palette_.muted_text),
                  pin_label, nullptr, words_w);
    y += label_h;
    // The PIN is never shown: one star per digit.
    std::string dots;
    for (std::size_t i = 0; i < officer_pin_.size(); ++i) dots += "* ";
    if (help.checking) dots = tr_("Checking...");
    draw->AddRectFilled(ImVec2(x, y), ImVec2(x + words_w, y + 70), Colour(palette_.panel), 10.0f);
    draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(x + 20, y + 4),
                  Colour(palette_.text), dots.c_str());
    y += 80;
    if (problem) {
      draw->AddText(fonts_.body, fonts_.body->FontSize, ImVec2(x, y), Colour(palette_.error),
                    problem_text.c_str(), nullptr, words_w);
      y += problem_size.y + kGap;
    }
    if (beside) {
      DrawOfficerPad(x + words_w + 2 * kGap, top + 40, pad_w);
    } else {
      DrawOfficerPad(x, y, pad_w);
      y += kPadH;
    }
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    if (Button("help.hide", tr_("Back"), words_w, back_h, Style::kSecondary)) {
      Emit(journey::intent::HideHelp{});
    }
  } else {
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    if (Button("help.hide", tr_("Back to my application"), inner, kButtonHeight, Style::kPrimary)) {
      Emit(journey::intent::HideHelp{});
    }
    y += kButtonHeight + kGap;
    if (help.assisting) {
      ImGui::SetCursorScreenPos(ImVec2(x, y));
      if (Button("help.end", tr_("End the officer's help"), inner, kButtonHeight,
                 Style::kSecondary)) {
        Emit(journey::intent::EndAssistance{});
      }
    } else {
      const float half = (inner - kGap) / 2;
      ImGui::SetCursorScreenPos(ImVec2(x, y));
      if (Button("help.cancel", tr_("I no longer need help"), inner, kButtonHeight,
                 Style::kSecondary)) {
        Emit(journey::intent::CancelHelp{});
      }
      y += kButtonHeight + kGap;
      ImGui::SetCursorScreenPos(ImVec2(x + half + kGap, y));
      if (Button("help.officer", tr_("For the officer"), half, kButtonHeight, Style::kSecondary,
                 fonts_.small)) {
        Emit(journey::intent::StartOfficerPin{});
      }
    }
  }
  ImGui::PopFont();
  ImGui::End();
}

// "Làm lại từ đầu" on a dossier under way: what is lost is said, and going
// on is the first, larger answer.
void KioskUi::DrawConfirmStartOver(float w, float h) {
  ImGui::SetNextWindowPos(ImVec2(0, header_height_));
  ImGui::SetNextWindowSize(ImVec2(w, h - header_height_));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("start_over", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                   ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  ImGui::PushFont(fonts_.body);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(ImVec2(0, header_height_), ImVec2(w, h), IM_COL32(0, 0, 0, 150));
  const float pw = std::min(w - 2 * kMargin, 960.0f);
  const float px = (w - pw) / 2;
  const float inner = pw - 2 * kMargin;
  const float top = header_height_ + 80;
  const std::string ask = Addressed(
      tr_("Start over? Everything entered for this dossier will be erased, and the card read "
          "again."),
      salutation_);
  const ImVec2 asked =
      fonts_.title->CalcTextSizeA(fonts_.title->FontSize, FLT_MAX, inner, ask.c_str());
  const float height = 40 + asked.y + 40 + 2 * (kButtonHeight + kGap) + 40;
  draw->AddRectFilled(ImVec2(px, top), ImVec2(px + pw, top + height), Colour(palette_.background),
                      20.0f);
  draw->AddRect(ImVec2(px, top), ImVec2(px + pw, top + height), Colour(palette_.border), 20.0f, 0,
                4.0f);
  const float x = px + kMargin;
  float y = top + 40;
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(x, y), Colour(palette_.text),
                ask.c_str(), nullptr, inner);
  y += asked.y + 40;
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  if (Button("start_over.no", tr_("No, go on with my dossier"), inner, kButtonHeight,
             Style::kPrimary)) {
    confirm_start_over_ = false;
  }
  y += kButtonHeight + kGap;
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  if (Button("start_over.yes", tr_("Yes, start over"), inner, kButtonHeight, Style::kSecondary)) {
    confirm_start_over_ = false;
    Emit(journey::intent::Cancel{});
  }
  ImGui::PopFont();
  ImGui::End();
}

}  // namespace kiosk::ui
