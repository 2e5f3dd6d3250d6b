#include "kiosk/ui/ui.h"

#include <qrencode.h>

#include <imgui.h>
#include <imgui_freetype.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "kiosk/core/secret.h"

namespace kiosk::ui {

using journey::Screen;

namespace {

constexpr float kMargin = 40;
constexpr float kGap = 20;
constexpr float kButtonHeight = 104;  // touch targets stay well above 64 px
constexpr float kHeaderHeight = 150;
constexpr float kFooterHeight = 150;

ImU32 Colour(Rgb c) { return IM_COL32(c.r, c.g, c.b, 255); }

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

bool LoadFonts(const std::string& regular_ttf, const std::string& bold_ttf, Fonts& fonts) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  io.Fonts->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
  const ImWchar* vietnamese = io.Fonts->GetGlyphRangesVietnamese();
  static const ImWchar digits[] = {0x0020, 0x0039, 0};
  fonts.body = io.Fonts->AddFontFromFileTTF(regular_ttf.c_str(), 34.0f, nullptr, vietnamese);
  fonts.small = io.Fonts->AddFontFromFileTTF(regular_ttf.c_str(), 28.0f, nullptr, vietnamese);
  fonts.title = io.Fonts->AddFontFromFileTTF(bold_ttf.c_str(), 52.0f, nullptr, vietnamese);
  fonts.huge = io.Fonts->AddFontFromFileTTF(bold_ttf.c_str(), 160.0f, nullptr, digits);
  return fonts.body != nullptr && fonts.small != nullptr && fonts.title != nullptr &&
         fonts.huge != nullptr && io.Fonts->Build();
}

void ApplyStyle(const Palette& p) {
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowPadding = ImVec2(0, 0);
  style.WindowBorderSize = 0;
  style.ChildBorderSize = 0;
  style.ItemSpacing = ImVec2(kGap, kGap);
  style.ScrollbarSize = 24;
  style.ScrollbarRounding = 12;
  style.AntiAliasedLines = true;
  style.AntiAliasedFill = true;
  auto c = [](Rgb rgb) { return ImVec4(rgb.r / 255.f, rgb.g / 255.f, rgb.b / 255.f, 1.f); };
  style.Colors[ImGuiCol_WindowBg] = c(p.background);
  style.Colors[ImGuiCol_ChildBg] = c(p.background);
  style.Colors[ImGuiCol_Text] = c(p.text);
  style.Colors[ImGuiCol_ScrollbarBg] = c(p.panel);
  style.Colors[ImGuiCol_ScrollbarGrab] = c(p.border);
  style.Colors[ImGuiCol_ScrollbarGrabHovered] = c(p.border);
  style.Colors[ImGuiCol_ScrollbarGrabActive] = c(p.primary);
}

KioskUi::KioskUi(journey::Journey& journey, i18n::Translator& tr, Fonts fonts,
                 const Palette& palette)
    : journey_(journey), tr_(tr), fonts_(fonts), palette_(palette) {}

// ---- widgets ----

bool KioskUi::Button(const std::string& id, const char* label, float w, float h, Style style,
                     ImFont* font) {
  ImGuiIO& io = ImGui::GetIO();
  font = font != nullptr ? font : fonts_.body;
  ImGui::PushID(id.c_str());
  bool pressed = ImGui::InvisibleButton("##b", ImVec2(w, h));
  ImGui::PopID();
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  widgets_[id] = Rect{min.x, min.y, max.x - min.x, max.y - min.y, area_};
  // A finger that scrolled a list did not mean to press what it started on.
  pressed = pressed && io.MouseDragMaxDistanceSqr[0] < 20.0f * 20.0f && style != Style::kDisabled;

  Rgb fill = palette_.primary;
  Rgb text = palette_.primary_text;
  switch (style) {
    case Style::kPrimary:
      break;
    case Style::kSecondary:
    case Style::kKey:
      fill = palette_.secondary;
      text = palette_.secondary_text;
      break;
    case Style::kChoiceOn:
      fill = palette_.primary;
      text = palette_.primary_text;
      break;
    case Style::kDisabled:
      fill = palette_.disabled;
      text = palette_.disabled_text;
      break;
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const bool held = ImGui::IsItemActive() && style != Style::kDisabled;
  draw->AddRectFilled(min, max, Colour(held ? palette_.header : fill), 14.0f);
  if (style == Style::kSecondary || style == Style::kKey) {
    draw->AddRect(min, max, Colour(palette_.border), 14.0f, 0, 2.0f);
  }
  const float wrap = w - 32;
  const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, label);
  const ImVec2 at(min.x + (w - size.x) / 2, min.y + (h - size.y) / 2);
  draw->AddText(font, font->FontSize, at, Colour(held ? palette_.header_text : text), label,
                nullptr, wrap);
  if (pressed) {
    journey_.Activity();
    if (StartsWith(id, "key.") || StartsWith(id, "pad.")) {
      ++counts_.keystrokes;
    } else {
      ++counts_.taps;
    }
  }
  return pressed;
}

void KioskUi::Text(const std::string& text, ImFont* font, Rgb colour, float wrap_width) {
  font = font != nullptr ? font : fonts_.body;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap_width, text.c_str());
  ImGui::GetWindowDrawList()->AddText(font, font->FontSize, at, Colour(colour), text.c_str(),
                                      nullptr, wrap_width);
  ImGui::Dummy(ImVec2(wrap_width, size.y));
}

void KioskUi::BeginScroll(const char* id, float height) {
  ImGui::BeginChild(id, ImVec2(0, height), false, ImGuiWindowFlags_NoScrollWithMouse);
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left, 12.0f)) {
    ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
  }
  const ImVec2 min = ImGui::GetWindowPos();
  const ImVec2 size = ImGui::GetWindowSize();
  area_ = std::string("scroll.") + id;
  widgets_[area_] = Rect{min.x, min.y, size.x, size.y, ""};
}

void KioskUi::EndScroll() {
  ImGui::EndChild();
  area_.clear();
}

void KioskUi::Header(float width) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRectFullScreen();
  draw->AddRectFilled(ImVec2(0, 0), ImVec2(width, kHeaderHeight), Colour(palette_.header));
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(kMargin, 22),
                Colour(palette_.header_text), tr_("Online public services"));
  draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(kMargin, 90),
                Colour(palette_.header_text), journey_.Config().site_name.c_str());
  // Language toggle: always one tap away.
  ImGui::SetCursorPos(ImVec2(width - kMargin - 260, 28));
  if (Button("lang", journey_.Language() == "vi" ? "English" : "Tiếng Việt", 260, 94,
             Style::kSecondary)) {
    journey_.SetLanguage(journey_.Language() == "vi" ? "en" : "vi");
    tr_.SetLanguage(journey_.Language());
  }
  // Step indicator of the dossier path.
  const int step = journey::StepOf(journey_.CurrentScreen());
  if (step > 0) {
    const char* names[journey::kStepCount] = {tr_("Card"),   tr_("Procedure"), tr_("Form"),
                                              tr_("Papers"), tr_("Fees"),      tr_("Confirm"),
                                              tr_("Receipt")};
    const float y = kHeaderHeight + 16;
    const float slot = (width - 2 * kMargin) / journey::kStepCount;
    for (int i = 0; i < journey::kStepCount; ++i) {
      const float cx = kMargin + slot * (static_cast<float>(i) + 0.5f);
      const bool done = i + 1 < step;
      const bool current = i + 1 == step;
      const Rgb fill = current ? palette_.primary : (done ? palette_.success : palette_.disabled);
      draw->AddCircleFilled(ImVec2(cx, y + 26), 26, Colour(fill));
      char number[4];
      std::snprintf(number, sizeof number, "%d", i + 1);
      const ImVec2 ns = fonts_.small->CalcTextSizeA(fonts_.small->FontSize, FLT_MAX, 0, number);
      draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(cx - ns.x / 2, y + 26 - ns.y / 2),
                    Colour(current || done ? palette_.primary_text : palette_.disabled_text),
                    number);
      const ImVec2 ls = fonts_.small->CalcTextSizeA(fonts_.small->FontSize, FLT_MAX, 0, names[i]);
      if (ls.x < slot - 4) {
        draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(cx - ls.x / 2, y + 58),
                      Colour(current ? palette_.text : palette_.muted_text), names[i]);
      }
    }
  }
  draw->PopClipRect();
  ImGui::SetCursorPos(ImVec2(kMargin, kHeaderHeight + (step > 0 ? 120 : 40)));
}

void KioskUi::Footer(float width, float height, bool back, bool next, const char* next_label) {
  const float y = height - kFooterHeight + 20;
  const float w = (width - 2 * kMargin - 2 * kGap) / 3;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRectFullScreen();
  draw->AddLine(ImVec2(0, height - kFooterHeight), ImVec2(width, height - kFooterHeight),
                Colour(palette_.border), 2.0f);
  draw->PopClipRect();
  ImGui::SetCursorPos(ImVec2(kMargin, y));
  if (Button("cancel", tr_("Start over"), w, kButtonHeight, Style::kSecondary)) {
    CloseEditor();
    journey_.Cancel();
  }
  if (back) {
    ImGui::SetCursorPos(ImVec2(kMargin + w + kGap, y));
    if (Button("back", tr_("Back"), w, kButtonHeight, Style::kSecondary)) journey_.Back();
  }
  if (next) {
    ImGui::SetCursorPos(ImVec2(kMargin + 2 * (w + kGap), y));
    if (Button("next", next_label != nullptr ? next_label : tr_("Continue"), w, kButtonHeight,
               Style::kPrimary)) {
      journey_.Next();
    }
  }
}

void KioskUi::Message() {
  if (journey_.Message().empty()) return;
  const float wrap = ImGui::GetContentRegionAvail().x - kMargin;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const std::string text = MessageText(journey_.Message());
  const ImVec2 size =
      fonts_.body->CalcTextSizeA(fonts_.body->FontSize, FLT_MAX, wrap - 40, text.c_str());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(at, ImVec2(at.x + wrap, at.y + size.y + 40), Colour(palette_.background));
  draw->AddRect(at, ImVec2(at.x + wrap, at.y + size.y + 40), Colour(palette_.error), 10.0f, 0,
                4.0f);
  draw->AddText(fonts_.body, fonts_.body->FontSize, ImVec2(at.x + 20, at.y + 20),
                Colour(palette_.error), text.c_str(), nullptr, wrap - 40);
  ImGui::Dummy(ImVec2(wrap, size.y + 40));
}

std::string KioskUi::MessageText(const std::string& code) const {
  if (code == "card.wrong_key")
    return tr_(
        "The card could not be opened with this key. Check the number, or show the QR code on the "
        "card.");
  if (code == "card.mismatch")
    return tr_("This card does not match the key. Place the card you showed.");
  if (code == "card.absent") return tr_("No card on the reader. Place your ID card on the reader.");
  if (code == "card.removed")
    return tr_("The card was lifted too early. Place it again and keep it still.");
  if (code == "key.bad_id") return tr_("An identification number has 12 digits.");
  if (code == "key.unreadable") return tr_("The code could not be read. Try again.");
  if (code == "form.invalid") return tr_("Some answers need your attention (marked in red).");
  if (code == "papers.missing") return tr_("Please scan every required paper.");
  if (code == "fees.unpaid") return tr_("Please pay the fee first.");
  if (code == "consent.required") return tr_("Please tick that you agree before submitting.");
  if (code == "payment.declined")
    return tr_("The payment was declined. Try another card or ask the staff.");
  if (code == "payment.cancelled") return tr_("The payment was cancelled.");
  if (StartsWith(code, "payment.")) return tr_("The payment did not go through. Try again.");
  if (code == "scanner.no_paper") return tr_("Put the paper on the scanner glass, face down.");
  if (code == "scanner.jammed" || code == "scanner.cover_open")
    return tr_("The scanner needs the staff's help.");
  if (StartsWith(code, "scanner.")) return tr_("The scanner is not working. Ask the staff.");
  if (code == "lookup.unreadable")
    return tr_("Enter the dossier code or the reference on your receipt.");
  if (code == "procedure.unknown") return tr_("This procedure is not offered here.");
  return tr_("Something went wrong. Please try again or ask the staff.");
}

// ---- the frame ----

void KioskUi::Draw(float width, float height) {
  widgets_.clear();
  if (journey_.CurrentScreen() != last_screen_) {
    last_screen_ = journey_.CurrentScreen();
    CloseEditor();
  }
  tr_.SetLanguage(journey_.Language());
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  // Every line starts at the margin; full-width bars are drawn directly.
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(kMargin, 0));
  ImGui::Begin("kiosk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  ImGui::PushFont(fonts_.body);
  Header(width);
  // A touch anywhere while the idle warning shows keeps the session, and is
  // swallowed: it must not also press what lies under the warning.
  const bool warning = journey_.IdleWarning().has_value();
  if (warning && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    journey_.Activity();
    swallow_touch_ = true;
  }
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left) &&
      !ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    swallow_touch_ = false;
  }
  const bool disabled = warning || swallow_touch_;
  if (disabled) ImGui::BeginDisabled(true);
  if (editor_ != Editor::kNone) {
    DrawEditor(width, height);
  } else {
    switch (journey_.CurrentScreen()) {
      case Screen::kAttract:
        DrawAttract(width, height);
        break;
      case Screen::kIdentify:
        DrawIdentify(width, height);
        break;
      case Screen::kReadingCard:
        DrawReadingCard(width, height);
        break;
      case Screen::kChooseProcedure:
        DrawChooseProcedure(width, height);
        break;
      case Screen::kReviewForm:
        DrawReviewForm(width, height);
        break;
      case Screen::kAttachPapers:
        DrawAttachPapers(width, height);
        break;
      case Screen::kFees:
        DrawFees(width, height);
        break;
      case Screen::kConsent:
        DrawConsent(width, height);
        break;
      case Screen::kSubmitting:
        DrawSubmitting(width, height);
        break;
      case Screen::kReceipt:
        DrawReceipt(width, height);
        break;
      case Screen::kRating:
        DrawRating(width, height);
        break;
      case Screen::kGoodbye:
        DrawGoodbye(width, height);
        break;
      case Screen::kLookup:
        DrawLookup(width, height);
        break;
      case Screen::kTicket:
        DrawTicket(width, height);
        break;
    }
  }
  if (disabled) ImGui::EndDisabled();
  if (warning) DrawIdleWarning(width, height);
  ImGui::PopFont();
  ImGui::End();
}

// ---- screens ----

void KioskUi::DrawAttract(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.18f));
  if (journey_.OutOfService()) {
    Text(tr_("Out of service"), fonts_.title, palette_.text, content);
    Text(tr_("This kiosk is being maintained. Please ask the staff at the one-stop desk, or come "
             "back later."),
         fonts_.body, palette_.text, content);
    return;
  }
  Text(tr_("Welcome"), fonts_.title, palette_.text, content);
  Text(tr_("File your papers here without writing: tap your chip ID card, choose the procedure, "
           "and take your receipt."),
       fonts_.body, palette_.text, content);
  ImGui::Dummy(ImVec2(0, 40));
  ImGui::SetCursorPosX(kMargin);
  if (Button("start", tr_("Start a procedure"), content, 160, Style::kPrimary, fonts_.title)) {
    journey_.Start();
  }
  ImGui::SetCursorPosX(kMargin);
  const float half = (content - kGap) / 2;
  if (Button("lookup", tr_("Look up a dossier"), half, 140, Style::kSecondary)) {
    journey_.StartLookup();
  }
  ImGui::SameLine();
  if (Button("ticket", tr_("Take a queue number"), half, 140, Style::kSecondary)) {
    journey_.TakeTicket();
  }
}

void KioskUi::DrawIdentify(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Place your chip ID card on the reader"), fonts_.title, palette_.text, content);
  Text(tr_("Then hold the QR code on the front of the card under the camera. The kiosk reads "
           "your details from the chip: you do not need to write anything."),
       fonts_.body, palette_.text, content);
  ImGui::Dummy(ImVec2(0, 20));
  // The card drawn where the reader is, for those who read pictures first;
  // as large as the screen leaves room for (landscape is short).
  const float message_room = journey_.Message().empty() ? 0.0f : 140.0f;
  const float room =
      h - kFooterHeight - ImGui::GetCursorPosY() - kButtonHeight - 3 * kGap - message_room;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float cw = std::clamp(room / 0.63f, 160.0f, std::min(content, 640.0f));
  const ImVec2 card_min(at.x + (content - cw) / 2, at.y);
  const ImVec2 card_max(card_min.x + cw, card_min.y + cw * 0.63f);
  const float u = cw / 640.0f;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(card_min, card_max, Colour(palette_.secondary), 28.0f * u);
  draw->AddRect(card_min, card_max, Colour(palette_.border), 28.0f * u, 0, 4.0f);
  draw->AddRectFilled(ImVec2(card_min.x + 40 * u, card_min.y + 90 * u),
                      ImVec2(card_min.x + 130 * u, card_min.y + 160 * u), Colour(palette_.border),
                      8.0f * u);
  draw->AddRectFilled(ImVec2(card_max.x - 170 * u, card_min.y + 50 * u),
                      ImVec2(card_max.x - 40 * u, card_min.y + 180 * u), Colour(palette_.text),
                      4.0f * u);
  ImGui::Dummy(ImVec2(content, cw * 0.63f + kGap));
  Message();
  ImGui::SetCursorPosX(kMargin);
  if (Button("identify.id_number", tr_("No QR code? Enter your ID number"), content, kButtonHeight,
             Style::kSecondary)) {
    OpenEditor("identify", Editor::kPad, tr_("Personal identification number (12 digits)"), "");
  }
  Footer(w, h, true, false);
}

void KioskUi::DrawReadingCard(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.3f));
  Text(tr_("Reading your card..."), fonts_.title, palette_.text, content);
  Text(tr_("Please keep the card on the reader until the kiosk says so."), fonts_.body,
       palette_.text, content);
  ImGui::Dummy(ImVec2(0, 30));
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(at, ImVec2(at.x + content, at.y + 48), Colour(palette_.disabled), 24.0f);
  const float done = content * static_cast<float>(journey_.Progress()) / 100.0f;
  if (done > 0) {
    draw->AddRectFilled(at, ImVec2(at.x + std::max(done, 48.0f), at.y + 48),
                        Colour(palette_.primary), 24.0f);
  }
  ImGui::Dummy(ImVec2(content, 60));
  char percent[16];
  std::snprintf(percent, sizeof percent, "%d%%", journey_.Progress());
  Text(percent, fonts_.body, palette_.text, content);
}

void KioskUi::DrawChooseProcedure(float w, float h) {
  const auto* session = journey_.CurrentSession();
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  if (session != nullptr && session->identity) {
    const auto& id = *session->identity;
    Text(std::string(tr_("Hello,")) + " " + id.full_name.Reveal(), fonts_.title, palette_.text,
         content);
    const bool verified = !id.authenticity.AnyFailed();
    Text(verified ? tr_("Card read and checked: the chip's signature is valid.")
                  : tr_("Card read, but its signature could not be verified: the staff will check "
                        "your papers."),
         fonts_.small, verified ? palette_.success : palette_.error, content);
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
  const float chip = (content - kGap * static_cast<float>(categories.size() - 1)) /
                     static_cast<float>(categories.size());
  for (std::size_t i = 0; i < categories.size(); ++i) {
    if (i > 0) ImGui::SameLine();
    const auto& c = categories[i];
    const bool on = session != nullptr && session->category == c.id;
    if (Button("category." + c.id, c.name.In(journey_.Language()).c_str(), chip, 88,
               on ? Style::kChoiceOn : Style::kSecondary, fonts_.small)) {
      journey_.SetCategory(c.id);
    }
  }
  Message();
  const float list_height = h - kFooterHeight - ImGui::GetCursorPosY() - kGap;
  ImGui::SetCursorPosX(kMargin);
  ImGui::PushID("list");
  BeginScroll("procedures", list_height);
  const auto hits = journey_.SearchResults();
  if (hits.empty())
    Text(tr_("No procedure matches. Try fewer words."), fonts_.body, palette_.text, content - 40);
  for (const auto& hit : hits) {
    const auto& p = *hit.procedure;
    const std::string label = p.name.In(journey_.Language()) + "\n" + p.code;
    if (Button("procedure." + p.code, label.c_str(), content - 40, 132, Style::kSecondary)) {
      journey_.ChooseProcedure(p.code);
    }
  }
  EndScroll();
  ImGui::PopID();
  Footer(w, h, true, false);
}

std::string KioskUi::FieldValueText(const catalog::FormField& field,
                                    const std::string& value) const {
  for (const auto& c : field.choices) {
    if (c.value == value) return c.label.In(journey_.Language());
  }
  return value;
}

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
          journey_.SetField(field.id, c.value);
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
    std::string name = paper.name.In(journey_.Language());
    if (!paper.required) name += std::string(" (") + tr_("optional") + ")";
    Text(name, fonts_.body, palette_.text, row);
    if (!paper.scan) {
      Text(tr_("Show the original to the staff at the counter; it is not scanned."), fonts_.small,
           palette_.muted_text, row);
      ImGui::Dummy(ImVec2(0, 12));
      continue;
    }
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
      journey_.ScanPage(paper.code);
    }
    ImGui::SameLine();
    if (Button("remove." + paper.code, tr_("Remove the last page"), half, kButtonHeight,
               pages > 0 ? Style::kSecondary : Style::kDisabled)) {
      journey_.RemoveLastPage(paper.code);
    }
    ImGui::Dummy(ImVec2(0, 16));
  }
  EndScroll();
  Footer(w, h, true, true);
}

void KioskUi::DrawFees(float w, float h) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr || session->procedure == nullptr) return;
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Fees"), fonts_.title, palette_.text, content);
  const auto total = catalog::TotalVnd(session->fees);
  for (const auto& line : session->fees) {
    Text(line.label.In(journey_.Language()) + ": " + catalog::FormatVnd(line.amount_vnd),
         fonts_.body, palette_.text, content);
    Text(std::string(tr_("Set by")) + " " + line.source, fonts_.small, palette_.muted_text,
         content);
  }
  if (total == 0) {
    Text(tr_("There is no fee to pay for this procedure."), fonts_.body, palette_.success, content);
  } else {
    Text(std::string(tr_("Total")) + ": " + catalog::FormatVnd(total), fonts_.title, palette_.text,
         content);
  }
  for (const auto& exemption : session->procedure->exemptions) {
    Text(std::string(tr_("Exemptions")) + ": " + exemption, fonts_.small, palette_.muted_text,
         content);
  }
  Message();
  ImGui::SetCursorPosX(kMargin);
  if (total > 0 && !session->payment && journey_.Busy() && session->payment_prompt) {
    const auto& prompt = *session->payment_prompt;
    if (!prompt.qr_payload.empty()) {
      Text(tr_("Scan this code with your banking app. The amount and reference are filled in."),
           fonts_.body, palette_.text, content);
      DrawQr(prompt.qr_payload, content);
    } else {
      Text(tr_("Follow the card terminal..."), fonts_.title, palette_.text, content);
    }
    ImGui::SetCursorPosX(kMargin);
    if (Button("pay.cancel", tr_("Cancel payment"), content, 100, Style::kSecondary,
               fonts_.title)) {
      journey_.CancelPayment();
    }
  } else if (total > 0 && !session->payment) {
    for (const auto& method : journey_.Config().payment_methods) {
      const bool card = method == "card";
      ImGui::SetCursorPosX(kMargin);
      if (Button("pay." + method,
                 journey_.Busy() ? tr_("Please wait...")
                 : card          ? tr_("Pay by bank card")
                                 : tr_("Pay by bank transfer (VietQR)"),
                 content, 120, journey_.Busy() ? Style::kDisabled : Style::kPrimary,
                 fonts_.title)) {
        journey_.Pay(method);
      }
    }
  } else if (session->payment) {
    Text(std::string(tr_("Paid. Transaction")) + " " + session->payment->transaction_reference,
         fonts_.body, palette_.success, content);
  }
  Footer(w, h, true, total == 0 || session->payment.has_value());
}

void KioskUi::DrawQr(const std::string& payload, float width) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(payload.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!code) return;
  const int modules = code->width + 8;  // with the quiet zone
  const float side = std::min(width, 420.0f);
  const float cell = std::floor(side / static_cast<float>(modules));
  const float size = cell * static_cast<float>(modules);
  ImGui::SetCursorPosX(kMargin + (width - size) / 2);
  ImGui::Dummy(ImVec2(size, size));
  const ImVec2 at = ImGui::GetItemRectMin();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(at, ImVec2(at.x + size, at.y + size), IM_COL32(255, 255, 255, 255));
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      if (!(code->data[y * code->width + x] & 1)) continue;
      const ImVec2 min(at.x + static_cast<float>(x + 4) * cell,
                       at.y + static_cast<float>(y + 4) * cell);
      draw->AddRectFilled(min, ImVec2(min.x + cell, min.y + cell), IM_COL32(0, 0, 0, 255));
    }
  }
  widgets_["pay.qr"] = Rect{at.x, at.y, size, size, area_};
}

void KioskUi::DrawConsent(float w, float h) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr) return;
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Your personal data"), fonts_.title, palette_.text, content);
  Text(tr_("The details read from your card, your answers and your scanned papers are sent, "
           "encrypted, only to the agency that handles this procedure, and are used only to "
           "handle it. Nothing stays on this kiosk after it has been delivered. You may ask "
           "the agency to see or correct them (Personal Data Protection Law 2025)."),
       fonts_.body, palette_.text, content);
  ImGui::Dummy(ImVec2(0, 20));
  ImGui::SetCursorPosX(kMargin);
  if (Button("consent", session->consent ? tr_("[x] I agree") : tr_("[ ] I agree"), content, 120,
             session->consent ? Style::kChoiceOn : Style::kSecondary, fonts_.title)) {
    journey_.SetConsent(!session->consent);
  }
  Message();
  ImGui::SetCursorPosX(kMargin);
  if (Button("confirm", tr_("Submit my dossier"), content, 140,
             session->consent ? Style::kPrimary : Style::kDisabled, fonts_.title)) {
    journey_.Confirm();
  }
  Footer(w, h, true, false);
}

void KioskUi::DrawSubmitting(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.3f));
  Text(tr_("Sending your dossier..."), fonts_.title, palette_.text, content);
  Text(tr_("Your dossier is sealed and kept safe on this kiosk until the agency receives it."),
       fonts_.body, palette_.text, content);
}

void KioskUi::DrawReceipt(float w, float h) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr || !session->outcome) return;
  const auto& outcome = *session->outcome;
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Your dossier has been received"), fonts_.title, palette_.success, content);
  if (!outcome.dossier_code.empty()) {
    Text(tr_("Dossier code"), fonts_.body, palette_.muted_text, content);
    Text(outcome.dossier_code, fonts_.title, palette_.text, content);
    Text(std::string(tr_("Look-up secret")) + ": " +
             dossier::PrintedLookupSecret(outcome.lookup_secret),
         fonts_.body, palette_.text, content);
  } else {
    Text(tr_("The official code will follow: the agency's system has not answered yet. Keep "
             "this reference to look your dossier up."),
         fonts_.body, palette_.text, content);
    Text(outcome.local_reference, fonts_.title, palette_.text, content);
  }
  auto day = catalog::ParseDay(outcome.appointment);
  if (day) {
    char text[64];
    std::snprintf(text, sizeof text, "%02u/%02u/%d", static_cast<unsigned>(day->day()),
                  static_cast<unsigned>(day->month()), static_cast<int>(day->year()));
    Text(std::string(tr_("Result due on")) + " " + text, fonts_.body, palette_.text, content);
  }
  ImGui::Dummy(ImVec2(0, 20));
  if (journey_.Busy()) {
    Text(tr_("Printing your receipt..."), fonts_.body, palette_.text, content);
  } else if (!journey_.PrintProblem().empty()) {
    Text(tr_("The receipt could not be printed. Your dossier is safe; ask the staff, then tap "
             "Print again."),
         fonts_.body, palette_.error, content);
    ImGui::SetCursorPosX(kMargin);
    if (Button("reprint", tr_("Print again"), content, kButtonHeight, Style::kSecondary)) {
      journey_.Reprint();
    }
  } else {
    Text(tr_("Take your receipt from the printer, and your card from the reader."), fonts_.body,
         palette_.text, content);
  }
  Footer(w, h, false, true);
}

void KioskUi::DrawRating(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("How satisfied are you with this service?"), fonts_.title, palette_.text, content);
  ImGui::Dummy(ImVec2(0, 20));
  const char* labels[] = {tr_("Not satisfied"), tr_("Satisfied"), tr_("Very satisfied")};
  for (int score = 3; score >= 1; --score) {
    ImGui::SetCursorPosX(kMargin);
    if (Button("rate." + std::to_string(score), labels[score - 1], content, 140,
               score == 1 ? Style::kSecondary : Style::kPrimary, fonts_.title)) {
      journey_.Rate(score);
    }
  }
  Footer(w, h, false, true, tr_("Skip"));
}

void KioskUi::DrawGoodbye(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPos(ImVec2(kMargin, h * 0.3f));
  Text(tr_("Thank you"), fonts_.title, palette_.text, content);
  Text(tr_("Remember to take your ID card and your receipt. Your details have been erased from "
           "this kiosk."),
       fonts_.body, palette_.text, content);
  ImGui::SetCursorPos(ImVec2(kMargin, h - kFooterHeight - 160));
  if (Button("done", tr_("Done"), content, 140, Style::kPrimary, fonts_.title)) journey_.Next();
}

void KioskUi::DrawLookup(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Look up a dossier"), fonts_.title, palette_.text, content);
  Text(tr_("Hold the QR code on your receipt under the camera, or type the dossier code or the "
           "kiosk reference."),
       fonts_.body, palette_.text, content);
  ImGui::SetCursorPosX(kMargin);
  if (Button("lookup.type", tr_("Type the code"), content, kButtonHeight, Style::kSecondary)) {
    OpenEditor("lookup", Editor::kKeyboard, tr_("Dossier code or kiosk reference"), "");
  }
  Message();
  if (journey_.Busy()) Text(tr_("Looking up..."), fonts_.body, palette_.text, content);
  if (const auto& result = journey_.Lookup(); result) {
    ImGui::Dummy(ImVec2(0, 20));
    if (!result->found) {
      Text(tr_("No dossier submitted at this kiosk has this code. Dossiers from other places "
               "can be looked up on the national portal."),
           fonts_.body, palette_.text, content);
    } else {
      if (!result->code.empty()) Text(result->code, fonts_.title, palette_.text, content);
      Text(std::string(tr_("Kiosk reference")) + ": " + result->reference, fonts_.body,
           palette_.text, content);
      const char* state = tr_("Waiting to be delivered to the agency");
      if (result->state == "acknowledged" || result->state == "purged") {
        state = tr_("Received by the agency");
      } else if (result->state == "quarantined") {
        state = tr_("Refused by the agency's system: please ask the staff");
      }
      Text(state, fonts_.body, palette_.success, content);
      auto day = catalog::ParseDay(result->appointment);
      if (day) {
        char text[64];
        std::snprintf(text, sizeof text, "%02u/%02u/%d", static_cast<unsigned>(day->day()),
                      static_cast<unsigned>(day->month()), static_cast<int>(day->year()));
        Text(std::string(tr_("Result due on")) + " " + text, fonts_.body, palette_.text, content);
      }
    }
  }
  Footer(w, h, true, false);
}

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
  if (Button("done", tr_("Done"), content, 140, Style::kPrimary, fonts_.title)) journey_.Next();
}

void KioskUi::DrawIdleWarning(float w, float h) {
  ImDrawList* draw = ImGui::GetForegroundDrawList();
  draw->AddRectFilled(ImVec2(0, 0), ImVec2(w, h), IM_COL32(0, 0, 0, 160));
  const float pw = std::min(w - 2 * kMargin, 900.0f);
  const ImVec2 min((w - pw) / 2, h * 0.3f);
  const ImVec2 max(min.x + pw, min.y + 460);
  draw->AddRectFilled(min, max, Colour(palette_.background), 20.0f);
  const std::string text = std::string(tr_("Are you still there? For your privacy, everything "
                                           "will be erased in")) +
                           " " + std::to_string(*journey_.IdleWarning()) + " " + tr_("seconds.");
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(min.x + 40, min.y + 40),
                Colour(palette_.text), text.c_str(), nullptr, pw - 80);
  // The button is an ordinary widget drawn above everything.
  ImGui::SetCursorScreenPos(ImVec2(min.x + 40, max.y - 180));
  ImGui::PushClipRect(ImVec2(0, 0), ImVec2(w, h), false);
  if (Button("idle.continue", tr_("I am still here"), pw - 80, 140, Style::kPrimary,
             fonts_.title)) {
    journey_.Activity();
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

// ---- the editor: keyboard and numeric pad ----

void KioskUi::OpenEditor(std::string target, Editor kind, std::string label, std::string initial,
                         bool date) {
  editing_ = std::move(target);
  editor_ = kind;
  editor_label_ = std::move(label);
  composer_ = input::TelexComposer(kind == Editor::kKeyboard ? initial : "");
  core::WipeString(initial);
  pad_date_ = date;
  // Numbers are short: the pad starts empty and the answer is typed whole.
  pad_digits_.clear();
  shift_ = false;
}

std::string KioskUi::EditorText() const {
  if (editor_ == Editor::kKeyboard) return composer_.Text();
  if (!pad_date_) return pad_digits_;
  std::string text;
  for (std::size_t i = 0; i < pad_digits_.size(); ++i) {
    if (i == 2 || i == 4) text += '/';
    text += pad_digits_[i];
  }
  return text;
}

void KioskUi::CloseEditor() {
  editor_ = Editor::kNone;
  editing_.clear();
  composer_.Clear();
  core::WipeString(pad_digits_);
}

void KioskUi::CommitEditor() {
  std::string text = EditorText();
  const std::string target = editing_;
  CloseEditor();
  if (target == "identify") {
    journey_.IdentifyWith(journey::KeySource::kIdNumber, text);
  } else if (target == "search") {
    journey_.SetSearch(text);
  } else if (target == "lookup") {
    journey_.LookupDossier(text);
  } else if (StartsWith(target, "field.")) {
    journey_.SetField(target.substr(6), text);
  }
  core::WipeString(text);
}

void KioskUi::DrawEditor(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(editor_label_, fonts_.title, palette_.text, content);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  std::string text = EditorText();
  if (pad_date_ && editor_ == Editor::kPad) {
    const std::string mask = "dd/mm/yyyy";
    text += mask.substr(std::min(text.size(), mask.size()));
  }
  const ImVec2 size = fonts_.title->CalcTextSizeA(fonts_.title->FontSize, FLT_MAX, content - 40,
                                                  (text + "|").c_str());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(at, ImVec2(at.x + content, at.y + size.y + 40), Colour(palette_.panel),
                      12.0f);
  draw->AddRect(at, ImVec2(at.x + content, at.y + size.y + 40), Colour(palette_.primary), 12.0f, 0,
                4.0f);
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(at.x + 20, at.y + 20),
                Colour(palette_.text), (text + "|").c_str(), nullptr, content - 40);
  ImGui::Dummy(ImVec2(content, size.y + 60));
  if (editor_ == Editor::kKeyboard) {
    Text(tr_("Vietnamese by Telex: double a, e, o and d, or add w, for the marked letters; add "
             "s, f, r, x or j to a word for its tone."),
         fonts_.small, palette_.muted_text, content);
    DrawKeyboard(w, h);
  } else {
    DrawPad(w, h);
  }
}

void KioskUi::DrawKeyboard(float w, float h) {
  const float width = std::min(w - 2 * kMargin, 1500.0f);
  const float x0 = (w - width) / 2;
  const float key = (width - 9 * 12) / 10;
  // Five rows in what is left of the screen, never below 64 px.
  const float key_h = std::clamp((h - ImGui::GetCursorPosY() - kGap - 4 * 12) / 5, 64.0f, 96.0f);
  const char* rows[] = {"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"};
  auto key_id = [](char c) {
    switch (c) {
      case ',':
        return std::string("key.comma");
      case '.':
        return std::string("key.period");
      case '/':
        return std::string("key.slash");
      case '-':
        return std::string("key.dash");
      default:
        return "key." + std::string(1, c);
    }
  };
  for (int r = 0; r < 4; ++r) {
    const std::string row = rows[r];
    float x = x0 + (r == 2 ? key / 2 : 0);
    ImGui::SetCursorPosX(x);
    if (r == 3) {
      if (Button("key.shift", shift_ ? "SHIFT" : "Shift", key * 1.5f + 6, key_h,
                 shift_ ? Style::kChoiceOn : Style::kKey, fonts_.small)) {
        shift_ = !shift_;
      }
      ImGui::SameLine(0, 12);
    }
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) ImGui::SameLine(0, 12);
      const char c =
          shift_ ? static_cast<char>(std::toupper(static_cast<unsigned char>(row[i]))) : row[i];
      const char label[2] = {c, 0};
      if (Button(key_id(row[i]), label, key, key_h, Style::kKey)) {
        composer_.Key(c);
        shift_ = false;
      }
    }
    if (r == 3) {
      ImGui::SameLine(0, 12);
      if (Button("key.backspace", tr_("Delete"), key * 1.5f + 6, key_h, Style::kKey,
                 fonts_.small)) {
        composer_.Backspace();
      }
    }
  }
  ImGui::SetCursorPosX(x0);
  for (char c : std::string(",.-/")) {
    const char label[2] = {c, 0};
    if (Button(key_id(c), label, key, key_h, Style::kKey)) composer_.Key(c);
    ImGui::SameLine(0, 12);
  }
  if (Button("key.space", tr_("Space"), width - 6 * (key + 12) - 2 * key - 12, key_h, Style::kKey,
             fonts_.small)) {
    composer_.Key(' ');
  }
  ImGui::SameLine(0, 12);
  if (Button("key.done", tr_("Done"), 2 * key + 12 + 2 * (key + 12) - 12, key_h, Style::kPrimary)) {
    CommitEditor();
  }
}

void KioskUi::DrawPad(float w, float h) {
  const float key = 200;
  const float key_h = std::clamp((h - ImGui::GetCursorPosY() - kGap - 3 * kGap) / 4, 64.0f, 120.0f);
  const float width = 3 * key + 2 * kGap;
  const float x0 = (w - width) / 2;
  const char* rows[] = {"123", "456", "789"};
  for (const char* row : rows) {
    ImGui::SetCursorPosX(x0);
    for (int i = 0; i < 3; ++i) {
      if (i > 0) ImGui::SameLine();
      const char label[2] = {row[i], 0};
      if (Button(std::string("pad.") + row[i], label, key, key_h, Style::kKey, fonts_.title)) {
        if (!pad_date_ || pad_digits_.size() < 8) pad_digits_ += row[i];
      }
    }
  }
  ImGui::SetCursorPosX(x0);
  if (Button("pad.backspace", tr_("Delete"), key, key_h, Style::kKey)) {
    if (!pad_digits_.empty()) pad_digits_.pop_back();
  }
  ImGui::SameLine();
  if (Button("pad.0", "0", key, key_h, Style::kKey, fonts_.title)) {
    if (!pad_date_ || pad_digits_.size() < 8) pad_digits_ += '0';
  }
  ImGui::SameLine();
  if (Button("pad.ok", tr_("OK"), key, key_h, Style::kPrimary, fonts_.title)) CommitEditor();
}

}  // namespace kiosk::ui
