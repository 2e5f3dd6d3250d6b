#include "kiosk/ui/ui.h"

#include "kiosk/ui/prompts.h"

#include "ui_internal.h"

#include <qrencode.h>

#include <imgui.h>
#include <imgui_freetype.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "kiosk/core/secret.h"

namespace kiosk::ui {

using journey::Screen;

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants

bool LoadFonts(const std::string& regular_ttf, const std::string& bold_ttf, Fonts& fonts) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  io.Fonts->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
  // Vietnamese, with the one-dot leader that keeps "200.000" whole when a
  // line wraps (NumbersUnbroken) and the ellipsis.
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesVietnamese());
    builder.AddChar(0x2024);
    builder.AddChar(0x2026);
    builder.BuildRanges(&ranges);
  }
  const ImWchar* vietnamese = ranges.Data;
  static const ImWchar digits[] = {0x0020, 0x0039, 0};
  fonts.body = io.Fonts->AddFontFromFileTTF(regular_ttf.c_str(), 40.0f, nullptr, vietnamese);
  fonts.small = io.Fonts->AddFontFromFileTTF(regular_ttf.c_str(), 34.0f, nullptr, vietnamese);
  fonts.title = io.Fonts->AddFontFromFileTTF(bold_ttf.c_str(), 52.0f, nullptr, vietnamese);
  fonts.huge = io.Fonts->AddFontFromFileTTF(bold_ttf.c_str(), 160.0f, nullptr, digits);
  fonts.large_body = io.Fonts->AddFontFromFileTTF(regular_ttf.c_str(), 52.0f, nullptr, vietnamese);
  fonts.large_small = io.Fonts->AddFontFromFileTTF(regular_ttf.c_str(), 44.0f, nullptr, vietnamese);
  fonts.large_title = io.Fonts->AddFontFromFileTTF(bold_ttf.c_str(), 64.0f, nullptr, vietnamese);
  return fonts.body != nullptr && fonts.small != nullptr && fonts.title != nullptr &&
         fonts.huge != nullptr && fonts.large_body != nullptr && fonts.large_small != nullptr &&
         fonts.large_title != nullptr && io.Fonts->Build();
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
  // Borders as geometry with an alpha fringe, not as Dear ImGui's baked line
  // textures: those assume bilinear sampling, and the software paths sample
  // the atlas nearest.
  style.AntiAliasedLinesUseTex = false;
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
    : journey_(journey),
      emit_([&journey](journey::Intent intent) { journey::Apply(journey, std::move(intent)); }),
      tr_(tr),
      fonts_(fonts),
      palette_(palette) {
  base_fonts_ = fonts;
}

// ---- widgets ----

const char* KioskUi::StepName(journey::Screen step) const {
  switch (step) {
    case Screen::kIdentify:
      return tr_("Card");
    case Screen::kChooseProcedure:
      return tr_("Procedure");
    case Screen::kReviewForm:
      return tr_("Form");
    case Screen::kAttachPapers:
      return tr_("Papers");
    case Screen::kAtCounter:
      return tr_("Counter");
    case Screen::kFees:
      return tr_("Fees");
    case Screen::kConsent:
      return tr_("Confirm");
    case Screen::kReceipt:
      return tr_("Receipt");
    default:
      return "";
  }
}

bool KioskUi::Button(const std::string& id, const char* label, float w, float h, Style style,
                     ImFont* font, const char* caption) {
  ImGuiIO& io = ImGui::GetIO();
  font = font != nullptr ? font : fonts_.body;
  ImGui::PushID(id.c_str());
  bool pressed = ImGui::InvisibleButton("##b", ImVec2(w, h));
  ImGui::PopID();
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  // What lies under a panel (help, the idle warning) cannot be touched.
  if ((ImGui::GetItemFlags() & ImGuiItemFlags_Disabled) == 0) {
    static constexpr const char* kLooks[] = {"primary", "secondary", "disabled", "choice",
                                             "key",     "help",      "muted",    "danger"};
    widgets_[id] =
        Rect{min.x, min.y, max.x - min.x, max.y - min.y, area_, kLooks[static_cast<int>(style)]};
  }
  // A finger that scrolled a list did not mean to press what it started on.
  pressed = pressed && io.MouseDragMaxDistanceSqr[0] < 20.0f * 20.0f && style != Style::kDisabled;
  // What a citizen picks is said back to them (a choice, a procedure, a word).
  if (pressed &&
      (id.starts_with("choice.") || id.starts_with("procedure.") || id.starts_with("category.") ||
       id.starts_with("suggest.") || id.starts_with("rate."))) {
    const std::string_view said(label);
    touched_ = std::string(said.substr(0, said.find('\n')));  // not a procedure's code
  }

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
    case Style::kMuted:
      fill = palette_.disabled;
      text = palette_.disabled_text;
      break;
    case Style::kHelp:
      fill = palette_.help;
      text = palette_.help_text;
      break;
    case Style::kDanger:
      fill = palette_.background;
      text = palette_.error;
      break;
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const bool held = ImGui::IsItemActive() && style != Style::kDisabled;
  draw->AddRectFilled(min, max, Colour(held ? palette_.header : fill), 14.0f);
  if (style == Style::kSecondary || style == Style::kKey || style == Style::kHelp) {
    draw->AddRect(min, max, Colour(palette_.border), 14.0f, 0, 2.0f);
  }
  if (style == Style::kDanger) draw->AddRect(min, max, Colour(palette_.error), 14.0f, 0, 3.0f);
  const float wrap = w - 32;
  const std::string addressed = NumbersUnbroken(Addressed(label, salutation_));
  label = addressed.c_str();
  // The caption's line at the bottom; the label centred above it.
  const float caption_h = caption != nullptr ? fonts_.small->FontSize + 12 : 0;
  const float label_h = h - caption_h;
  ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, label);
  // A label that would spill out of its button is set smaller, never cut.
  if (size.y > label_h - 8 && font != fonts_.small) {
    font = fonts_.small;
    size = font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap, label);
  }
  const ImVec2 at(min.x + (w - size.x) / 2, min.y + (label_h - size.y) / 2 + caption_h / 4);
  draw->AddText(font, font->FontSize, at, Colour(held ? palette_.header_text : text), label,
                nullptr, wrap);
  if (caption != nullptr) {
    const ImVec2 cs = fonts_.small->CalcTextSizeA(fonts_.small->FontSize, FLT_MAX, 0, caption);
    draw->AddText(fonts_.small, fonts_.small->FontSize,
                  ImVec2(max.x - 20 - cs.x, max.y - caption_h + 2),
                  Colour(style == Style::kSecondary ? palette_.muted_text : text), caption);
  }
  if (pressed) {
    Emit(journey::intent::Activity{});
    if (StartsWith(id, "key.") || StartsWith(id, "pad.")) {
      ++counts_.keystrokes;
    } else {
      ++counts_.taps;
    }
  }
  return pressed;
}

void KioskUi::Text(const std::string& raw, ImFont* font, Rgb colour, float wrap_width) {
  const std::string text = NumbersUnbroken(Addressed(raw, salutation_));
  font = font != nullptr ? font : fonts_.body;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap_width, text.c_str());
  ImGui::GetWindowDrawList()->AddText(font, font->FontSize, at, Colour(colour), text.c_str(),
                                      nullptr, wrap_width);
  ImGui::Dummy(ImVec2(wrap_width, size.y));
}

float KioskUi::FitHeight(const std::string& label, float w, float min_h, ImFont* font) const {
  font = font != nullptr ? font : fonts_.body;
  const ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, w - 32, label.c_str());
  return std::max(min_h, std::ceil(size.y) + 32);
}

void KioskUi::BeginScroll(const char* id, float height, float width) {
  ImGui::BeginChild(id, ImVec2(width, height), false, ImGuiWindowFlags_NoScrollWithMouse);
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left, 12.0f)) {
    ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
  }
  const ImVec2 min = ImGui::GetWindowPos();
  const ImVec2 size = ImGui::GetWindowSize();
  area_ = std::string("scroll.") + id;
  widgets_[area_] = Rect{min.x, min.y, size.x, size.y, "", "area"};
}

void KioskUi::EndScroll() {
  ImGui::EndChild();
  area_.clear();
}

void KioskUi::Header(float width) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRectFullScreen();
  // The buttons on the right: the language, the voice's, and help from
  // staff; on a narrow screen help has a row of its own under the others.
  const bool help = journey_.HelpAvailable();
  const float lang_width = speaker_ != nullptr ? 200 : 260;
  // Without voice buttons (no audio device) the right part keeps its width:
  // help needs the room.
  const float drawn_width = lang_width + (speaker_ != nullptr ? 12 + 94 + 12 + 190 : 0);
  const float buttons_width = std::max(drawn_width, 508.0f);
  const float help_width = 420;
  const float size_width = 150;  // "Chữ to"
  const bool two_rows =
      help && width - 2 * kMargin - buttons_width - help_width - size_width - 24 < 560;
  header_height_ = two_rows ? 184 : kHeaderHeight;
  const float row_y = two_rows ? 12 : 28;
  const float row_h = two_rows ? 76 : 94;
  draw->AddRectFilled(ImVec2(0, 0), ImVec2(width, header_height_), Colour(palette_.header));
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(kMargin, 22),
                Colour(palette_.header_text), tr_("Online public services"));
  draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(kMargin, two_rows ? 104 : 90),
                Colour(palette_.header_text), journey_.Config().site_name.c_str());
  // Language toggle: always one tap away; the voice's buttons beside it.
  ImGui::SetCursorPos(ImVec2(width - kMargin - lang_width, row_y));
  if (Button("lang", journey_.Language() == "vi" ? "English" : "Tiếng Việt", lang_width, row_h,
             Style::kSecondary)) {
    Emit(journey::intent::SetLanguage{journey_.Language() == "vi" ? "en" : "vi"});
    tr_.SetLanguage(journey_.Language());
  }
  if (speaker_ != nullptr) VoiceButtons(width - kMargin - lang_width - 12, row_y, row_h);
  if (two_rows) {
    const float x = width - kMargin - buttons_width;
    TextSizeButton(x, row_y + row_h + 8, size_width, row_h);
    HelpButton(x + size_width + 12, row_y + row_h + 8, buttons_width - size_width - 12, row_h);
  } else {
    const float x = width - kMargin - drawn_width - 12 - size_width;
    TextSizeButton(x, row_y, size_width, row_h);
    if (help) HelpButton(x - 12 - help_width, row_y, help_width, row_h);
  }
  // Step indicator of the dossier path: this citizen's own steps, so none
  // turns green without having happened.
  const int step = journey::StepOf(journey_.CurrentScreen());
  if (step > 0) {
    const auto path = journey_.Path();
    const auto count = static_cast<int>(path.size());
    const float y = header_height_ + 16;
    const float slot = (width - 2 * kMargin) / static_cast<float>(count);
    for (int i = 0; i < count; ++i) {
      const int its = journey::StepOf(path[static_cast<std::size_t>(i)]);
      const char* name = StepName(path[static_cast<std::size_t>(i)]);
      const float cx = kMargin + slot * (static_cast<float>(i) + 0.5f);
      const bool done = its < step;
      const bool current = its == step;
      const Rgb fill = current ? palette_.primary : (done ? palette_.success : palette_.disabled);
      draw->AddCircleFilled(ImVec2(cx, y + 26), 26, Colour(fill));
      char number[12];
      std::snprintf(number, sizeof number, "%d", i + 1);
      const ImVec2 ns = fonts_.small->CalcTextSizeA(fonts_.small->FontSize, FLT_MAX, 0, number);
      draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(cx - ns.x / 2, y + 26 - ns.y / 2),
                    Colour(current || done ? palette_.primary_text : palette_.disabled_text),
                    number);
      const ImVec2 ls = fonts_.small->CalcTextSizeA(fonts_.small->FontSize, FLT_MAX, 0, name);
      if (ls.x < slot - 4) {
        draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(cx - ls.x / 2, y + 58),
                      Colour(current ? palette_.text : palette_.muted_text), name);
      }
    }
  }
  draw->PopClipRect();
  ImGui::SetCursorPos(ImVec2(kMargin, header_height_ + (step > 0 ? 120 : 40)));
}

// "Chữ to": a small and a large A, so it is found without reading; held
// down while the larger text is on.
void KioskUi::TextSizeButton(float x, float y, float w, float h) {
  const bool large = journey_.LargeText();
  ImGui::SetCursorPos(ImVec2(x, y));
  if (Button("text.size", "", w, h, large ? Style::kChoiceOn : Style::kSecondary)) {
    Emit(journey::intent::SetLargeText{!large});
  }
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImU32 ink = Colour(large ? palette_.primary_text : palette_.secondary_text);
  ImFont* small = base_fonts_.small;
  ImFont* big = base_fonts_.title;
  const ImVec2 a_small = small->CalcTextSizeA(small->FontSize, FLT_MAX, 0, "A");
  const ImVec2 a_big = big->CalcTextSizeA(big->FontSize, FLT_MAX, 0, "A");
  const float left = min.x + (w - a_small.x - 6 - a_big.x) / 2;
  const float base = min.y + (h + a_big.y) / 2 - 4;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddText(small, small->FontSize, ImVec2(left, base - a_small.y), ink, "A");
  draw->AddText(big, big->FontSize, ImVec2(left + a_small.x + 6, base - a_big.y), ink, "A");
}

void KioskUi::Footer(float width, float height, bool back, bool next, const char* next_label,
                     Style next_style) {
  const float y = height - kFooterHeight + 20;
  const float w = (width - 2 * kMargin - 2 * kGap) / 3;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRectFullScreen();
  draw->AddLine(ImVec2(0, height - kFooterHeight), ImVec2(width, height - kFooterHeight),
                Colour(palette_.border), 2.0f);
  draw->PopClipRect();
  ImGui::SetCursorPos(ImVec2(kMargin, y));
  // Set apart from "Quay lại": it throws the dossier away, so it asks first
  // once there is one (a session on the dossier's path).
  if (Button("cancel", tr_("Start over"), w, kButtonHeight, Style::kDanger)) {
    CloseEditor();
    const auto* session = journey_.CurrentSession();
    if (session != nullptr && !session->outcome && journey::StepOf(journey_.CurrentScreen()) > 1) {
      confirm_start_over_ = true;
    } else {
      Emit(journey::intent::Cancel{});
    }
  }
  if (back) {
    ImGui::SetCursorPos(ImVec2(kMargin + w + kGap, y));
    if (Button("back", tr_("Back"), w, kButtonHeight, Style::kSecondary))
      Emit(journey::intent::Back{});
  }
  if (next) {
    ImGui::SetCursorPos(ImVec2(kMargin + 2 * (w + kGap), y));
    if (Button("next", next_label != nullptr ? next_label : tr_("Continue"), w, kButtonHeight,
               next_style)) {
      Emit(journey::intent::Next{});
    }
  }
}

void KioskUi::Message() {
  if (journey_.Message().empty()) return;
  const float wrap = ImGui::GetContentRegionAvail().x - kMargin;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const std::string text = ui::MessageText(journey_.Message(), tr_);
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

namespace {

// A loudspeaker, with one to three sound waves for how loud it speaks and a
// cross when it is off: the switch is recognised without reading.
void DrawSpeakerIcon(ImDrawList* draw, ImVec2 centre, float size, ImU32 colour, int waves) {
  const float s = size / 2;
  const ImVec2 body_min(centre.x - s, centre.y - s * 0.35f);
  const ImVec2 body_max(centre.x - s * 0.45f, centre.y + s * 0.35f);
  draw->AddRectFilled(body_min, body_max, colour);
  draw->AddQuadFilled(ImVec2(body_max.x, body_min.y), ImVec2(centre.x + s * 0.05f, centre.y - s),
                      ImVec2(centre.x + s * 0.05f, centre.y + s), ImVec2(body_max.x, body_max.y),
                      colour);
  if (waves > 0) {
    for (int i = 1; i <= waves; ++i) {
      const float r = s * 0.3f * static_cast<float>(i);
      draw->PathArcTo(ImVec2(centre.x + s * 0.1f, centre.y), r, -0.9f, 0.9f, 12);
      draw->PathStroke(colour, 0, 4.0f);
    }
    return;
  }
  const ImVec2 a(centre.x + s * 0.35f, centre.y - s * 0.4f);
  const ImVec2 b(centre.x + s * 0.95f, centre.y + s * 0.4f);
  draw->AddLine(a, b, colour, 5.0f);
  draw->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, a.y), colour, 5.0f);
}

}  // namespace

// The loudspeaker button: each touch speaks louder, one wave more, and
// after the loudest it is quiet; the next touch speaks again, softly. What
// was last said is said again at the new loudness.
void KioskUi::VoiceButtons(float right, float y, float h) {
  static constexpr int kLevels[] = {50, 75, 100};
  const bool on = speaker_->Enabled();
  int level = 0;  // the loudest step at or below the voice's volume
  for (int i = 0; i < 3; ++i) {
    if (speaker_->Volume() >= kLevels[i]) level = i;
  }
  ImGui::SetCursorPos(ImVec2(right - 94, y));
  if (Button("voice.toggle", "", 94, h, Style::kSecondary)) {
    if (!on) {
      level = 0;
      speaker_->SetVolume(kLevels[0]);
      speaker_->SetEnabled(true);
      speaker_->Replay();
    } else if (level < 2) {
      speaker_->SetVolume(kLevels[++level]);
      speaker_->Replay();
    } else {
      speaker_->SetEnabled(false);
    }
  }
  const ImVec2 min = ImGui::GetItemRectMin();
  DrawSpeakerIcon(ImGui::GetWindowDrawList(), ImVec2(min.x + 47, min.y + h / 2), 44,
                  Colour(palette_.secondary_text), speaker_->Enabled() ? level + 1 : 0);
  if (!on) return;
  ImGui::SetCursorPos(ImVec2(right - 94 - 12 - 190, y));
  if (Button("voice.replay", tr_("Listen again"), 190, h, Style::kSecondary)) speaker_->Replay();
}

// ---- the frame ----

// The card's photo: decoded once the card is read, gone with the session.
void KioskUi::KeepPhotoWithSession() {
  if (pictures_ == nullptr) return;
  const auto* session = journey_.CurrentSession();
  const void* owner = session != nullptr && session->identity ? &*session->identity : nullptr;
  if (owner == photo_of_) return;
  if (photo_texture_ != nullptr) pictures_->Clear();
  photo_texture_ = nullptr;
  photo_of_ = owner;
  if (owner == nullptr) return;
  const auto& id = *session->identity;
  auto picture = DecodePhoto(id.photo.Reveal(), id.photo_mime);
  if (!picture) return;  // no photo, or one this kiosk does not show
  photo_aspect_ = static_cast<float>(picture->width) / static_cast<float>(picture->height);
  photo_texture_ = pictures_->Show(*picture);
}  // the decoded pixels are wiped here; the renderer keeps its copy until Clear

void KioskUi::Draw(float width, float height) {
  widgets_.clear();
  salutation_ = journey::Salutation(journey_.CurrentSession());
  fonts_ = base_fonts_;
  if (journey_.LargeText() && base_fonts_.large_body != nullptr) {
    fonts_.body = base_fonts_.large_body;
    fonts_.small = base_fonts_.large_small;
    fonts_.title = base_fonts_.large_title;
  }
  KeepPhotoWithSession();
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
  // The header keeps its size: its buttons are where they always are.
  const Fonts chosen = fonts_;
  fonts_ = base_fonts_;
  ImGui::PushFont(fonts_.body);
  Header(width);
  ImGui::PopFont();
  fonts_ = chosen;
  ImGui::PushFont(fonts_.body);
  // A touch anywhere while the idle warning shows keeps the session, and is
  // swallowed: it must not also press what lies under the warning.
  const bool warning = journey_.IdleWarning().has_value();
  if (warning && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    Emit(journey::intent::Activity{});
    swallow_touch_ = true;
  }
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left) &&
      !ImGui::IsMouseReleased(ImGuiMouseButton_Left)) {
    swallow_touch_ = false;
  }
  const bool help_panel = journey_.HelpStatus().shown;
  if (journey_.CurrentSession() == nullptr) confirm_start_over_ = false;
  const bool disabled = warning || swallow_touch_ || help_panel || confirm_start_over_;
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
      case Screen::kAtCounter:
        DrawAtCounter(width, height);
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
  if (help_panel && !warning) DrawHelpPanel(width, height);
  if (confirm_start_over_ && !help_panel && !warning) {
    // Asked on this very frame: what the screen drew is now under the panel.
    if (!disabled) widgets_.clear();
    DrawConfirmStartOver(width, height);
  }
}

// ---- screens ----

// ---- the editor: keyboard and numeric pad ----

void KioskUi::OpenEditor(std::string target, Editor kind, std::string label, std::string initial,
                         bool date) {
  editing_ = std::move(target);
  // A person's name: the form's *_name fields.
  editing_name_ = editing_.starts_with("field.") && editing_.ends_with("_name");
  editor_ = kind;
  editor_label_ = std::move(label);
  focused_ = editor_label_;
  composer_ = input::TelexComposer(kind == Editor::kKeyboard ? initial : "");
  core::WipeString(initial);
  pad_date_ = date;
  pad_recent_days_ = 0;
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
    Emit(journey::intent::IdentifyWith{journey::KeySource::kIdNumber, text});
  } else if (target == "search") {
    Emit(journey::intent::SetSearch{text});
  } else if (target == "lookup") {
    Emit(journey::intent::LookupDossier{text});
  } else if (StartsWith(target, "field.")) {
    Emit(journey::intent::SetField{target.substr(6), text});
  }
  core::WipeString(text);
}

void KioskUi::DrawEditor(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(editor_label_, fonts_.title, palette_.text, content);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  if (pad_date_ && editor_ == Editor::kPad) {
    DrawDateFields(content);
    if (pad_recent_days_ > 0) DrawRecentDays(content);
    DrawPad(w, h);
    return;
  }
  std::string text = EditorText();
  const ImVec2 size = fonts_.title->CalcTextSizeA(fonts_.title->FontSize, FLT_MAX, content - 240,
                                                  (text + "|").c_str());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(at, ImVec2(at.x + content, at.y + size.y + 40), Colour(palette_.panel),
                      12.0f);
  draw->AddRect(at, ImVec2(at.x + content, at.y + size.y + 40), Colour(palette_.primary), 12.0f, 0,
                4.0f);
  draw->AddText(fonts_.title, fonts_.title->FontSize, ImVec2(at.x + 20, at.y + 20),
                Colour(palette_.text), (text + "|").c_str(), nullptr, content - 240);
  ImGui::Dummy(ImVec2(content, size.y + 60));
  // "Xóa hết": everything typed goes at once, at the end of the field.
  if (!text.empty()) {
    const ImVec2 after = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(at.x + content - 200, at.y + 8));
    if (Button("editor.clear", tr_("Clear all"), 192, std::max(64.0f, size.y + 24),
               Style::kSecondary, fonts_.small)) {
      composer_.Clear();
      std::fill(pad_digits_.begin(), pad_digits_.end(), '\0');
      pad_digits_.clear();
    }
    ImGui::SetCursorScreenPos(after);
  }
  if (editor_ == Editor::kKeyboard) {
    // The hint, when the keyboard still has room under it (six rows of
    // 64 px keys and the suggestions).
    const char* hint =
        suggester_ != nullptr
            ? tr_("Type without marks and tap the written word, or tap the mark and tone keys "
                  "above the letters. Telex works too.")
            : tr_("Tap the mark and tone keys above the letters, or type Telex.");
    const float hint_h =
        fonts_.small->CalcTextSizeA(fonts_.small->FontSize, FLT_MAX, content, hint).y + kGap;
    const float keyboard_min = 6 * 64 + 5 * 8 + kGap + (suggester_ != nullptr ? 88 + kGap : 0);
    if (h - ImGui::GetCursorPosY() - hint_h >= keyboard_min) {
      Text(hint, fonts_.small, palette_.muted_text, content);
    }
    if (suggester_ != nullptr) DrawSuggestions(w);
    DrawKeyboard(w, h);
  } else {
    DrawPad(w, h);
  }
}

// Written words for the word being typed: one tap puts "Nguyễn" for "nguyen".
// The strip keeps its height when empty, so the keys never move under a finger.
void KioskUi::DrawSuggestions(float w) {
  const float width = std::min(w - 2 * kMargin, 1500.0f);
  const float x0 = (w - width) / 2;
  const float height = 88;
  ImGui::SetCursorPosX(x0);
  const std::string typed = composer_.Word();
  const auto kind = !editing_name_          ? input::WordKind::kOther
                    : composer_.FirstWord() ? input::WordKind::kFirstOfName
                                            : input::WordKind::kInName;
  const auto words = typed.empty() ? std::vector<std::string>{} : suggester_->For(typed, kind, 5);
  if (words.empty()) {
    ImGui::Dummy(ImVec2(width, height));
    return;
  }
  const float each = (width - 12 * 4) / 5;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) ImGui::SameLine(0, 12);
    if (Button("suggest." + std::to_string(i), words[i].c_str(), each, height,
               i == 0 ? Style::kChoiceOn : Style::kSecondary)) {
      composer_.ReplaceWord(words[i]);
    }
  }
}

void KioskUi::DrawKeyboard(float w, float h) {
  const float width = std::min(w - 2 * kMargin, 1500.0f);
  const float x0 = (w - width) / 2;
  const float key = (width - 9 * 12) / 10;
  // Six rows in what is left of the screen, never below 64 px; rows stand
  // kGap apart, closer where the screen is short.
  const float room = h - ImGui::GetCursorPosY() - kGap;
  const float row_gap = (room - 5 * kGap) / 6 >= 64 ? kGap : 8;
  const float key_h = std::clamp((room - 5 * row_gap) / 6, 64.0f, 96.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(12, row_gap));
  // The marks and the five tones as keys of their own, for those who do
  // not know Telex: they mark the word being typed (the text above shows it).
  {
    struct Accent {
      const char* id;
      const char* label;
      const char* mark;  // or null: a tone
      char tone;
    };
    static constexpr Accent kAccents[] = {
        {"key.â", "â", "â", 0},           {"key.ă", "ă", "ă", 0},
        {"key.ê", "ê", "ê", 0},           {"key.ô", "ô", "ô", 0},
        {"key.ơ", "ơ", "ơ", 0},           {"key.ư", "ư", "ư", 0},
        {"key.đ", "đ", "đ", 0},           {"key.sắc", "á", nullptr, 's'},
        {"key.huyền", "à", nullptr, 'f'}, {"key.hỏi", "ả", nullptr, 'r'},
        {"key.ngã", "ã", nullptr, 'x'},   {"key.nặng", "ạ", nullptr, 'j'}};
    const float accent = (width - 11 * 12 - 24) / 12;
    ImGui::SetCursorPosX(x0);
    for (std::size_t i = 0; i < std::size(kAccents); ++i) {
      const Accent& a = kAccents[i];
      if (i > 0) ImGui::SameLine(0, i == 7 ? 36 : 12);  // the tones apart from the marks
      if (Button(a.id, a.label, accent, key_h,
                 a.mark != nullptr ? Style::kKey : Style::kSecondary)) {
        if (a.mark != nullptr) {
          (void)composer_.Mark(a.mark);
        } else {
          (void)composer_.Tone(a.tone);
        }
      }
    }
  }
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
      if (Button("key.shift", tr_("Capitals"), key * 1.5f + 6, key_h,
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
  ImGui::PopStyleVar();
}

// A date as three large boxes, day, month and year, each named: the one
// being filled has the heavy border. Never a mask like "20/11/20yy".
void KioskUi::DrawDateFields(float content) {
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const char* names[3] = {tr_("Day"), tr_("Month"), tr_("Year")};
  const std::size_t starts[3] = {0, 2, 4};
  const std::size_t lengths[3] = {2, 2, 4};
  const float box_w = (content - 2 * kGap) / 3;
  const float label_h = fonts_.small->FontSize + 8;
  const float box_h = fonts_.title->FontSize + 48;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int i = 0; i < 3; ++i) {
    const float x = at.x + static_cast<float>(i) * (box_w + kGap);
    draw->AddText(fonts_.small, fonts_.small->FontSize, ImVec2(x, at.y),
                  Colour(palette_.muted_text), names[i]);
    std::string digits;
    if (pad_digits_.size() > starts[i]) {
      digits = pad_digits_.substr(starts[i], std::min(lengths[i], pad_digits_.size() - starts[i]));
    }
    // The box the next digit goes into.
    const bool filling =
        pad_digits_.size() >= starts[i] && pad_digits_.size() < starts[i] + lengths[i];
    const ImVec2 min(x, at.y + label_h);
    const ImVec2 max(x + box_w, at.y + label_h + box_h);
    draw->AddRectFilled(min, max, Colour(palette_.panel), 12.0f);
    draw->AddRect(min, max, Colour(filling ? palette_.primary : palette_.border), 12.0f, 0,
                  filling ? 5.0f : 2.0f);
    const std::string shown = digits + (filling ? "|" : "");
    const ImVec2 size =
        fonts_.title->CalcTextSizeA(fonts_.title->FontSize, FLT_MAX, 0, shown.c_str());
    draw->AddText(fonts_.title, fonts_.title->FontSize,
                  ImVec2(x + (box_w - size.x) / 2, min.y + (box_h - size.y) / 2),
                  Colour(palette_.text), shown.c_str());
  }
  ImGui::Dummy(ImVec2(content, label_h + box_h + kGap));
}

// The last days as buttons ("Hôm nay 30/11", "Hôm qua 29/11", "28/11", ...):
// a birth or a death registered within days is one touch, no digits.
void KioskUi::DrawRecentDays(float content) {
  const int count = std::min(pad_recent_days_, 8);
  const int per_row = content > 1400 ? 8 : 4;
  const float each =
      (content - kGap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  const auto today = std::chrono::sys_days{journey_.Today()};
  for (int i = 0; i < count; ++i) {
    const std::chrono::year_month_day day{today - std::chrono::days(i)};
    char dd_mm[8];
    std::snprintf(dd_mm, sizeof dd_mm, "%02u/%02u", static_cast<unsigned>(day.day()),
                  static_cast<unsigned>(day.month()));
    std::string label = dd_mm;
    if (i == 0) label = std::string(tr_("Today")) + "\n" + label;
    if (i == 1) label = std::string(tr_("Yesterday")) + "\n" + label;
    if (i % per_row == 0) {
      ImGui::SetCursorPosX(kMargin);
    } else {
      ImGui::SameLine(0, kGap);
    }
    if (Button("date.recent." + std::to_string(i), label.c_str(), each, kButtonHeight,
               Style::kSecondary, fonts_.small)) {
      char digits[16];
      std::snprintf(digits, sizeof digits, "%02u%02u%04d", static_cast<unsigned>(day.day()),
                    static_cast<unsigned>(day.month()), static_cast<int>(day.year()));
      pad_digits_ = digits;
      CommitEditor();
      return;
    }
  }
  ImGui::Dummy(ImVec2(content, 4));
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
