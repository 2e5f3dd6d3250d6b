#pragma once

// The screens: a projection of the journey. Each frame draws the journey's
// state with Dear ImGui and turns touches into the journey's intents. Every
// touchable thing has a stable id ("start", "key.a", "procedure.1.001193")
// and its rectangle is recorded each frame, so a script can tap it exactly
// as a finger would (kiosk/ui/script.h).

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/i18n/translator.h"
#include "kiosk/input/suggest.h"
#include "kiosk/input/telex.h"
#include "kiosk/journey/intents.h"
#include "kiosk/journey/journey.h"
#include "kiosk/ui/palette.h"
#include "kiosk/ui/picture.h"
#include "kiosk/voice/speaker.h"

struct ImFont;

namespace kiosk::ui {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  std::string area;  // the scrolling list it is in ("" = none)
  std::string look;  // "primary", "secondary", "choice", "key", "disabled", "help"; "area", "qr"
  float CenterX() const { return x + w / 2; }
  float CenterY() const { return y + h / 2; }
};

struct Fonts {
  ImFont* body = nullptr;   // 40 px
  ImFont* small = nullptr;  // 34 px, the smallest text on any screen
  ImFont* title = nullptr;  // 52 px
  ImFont* huge = nullptr;   // 160 px, digits only (queue ticket)
  // "Chữ to": the same, larger, for a citizen who asks (body 52 px).
  ImFont* large_body = nullptr;   // 52 px
  ImFont* large_small = nullptr;  // 44 px
  ImFont* large_title = nullptr;  // 64 px
};

// Loads Noto Sans (Debian's fonts-noto-core) with Vietnamese coverage into the
// current ImGui context's atlas, rasterised with FreeType.
bool LoadFonts(const std::string& regular_ttf, const std::string& bold_ttf, Fonts& fonts);
void ApplyStyle(const Palette& palette);

// What a run did, for the figures of a scripted journey.
struct InputCounts {
  int taps = 0;        // touches on anything but keyboard keys
  int keystrokes = 0;  // touches on the on-screen keyboard or numeric pad
};

class KioskUi {
 public:
  KioskUi(journey::Journey& journey, i18n::Translator& tr, Fonts fonts,
          const Palette& palette = DefaultPalette());

  // Draws one frame for a display of `width` x `height` pixels; call between
  // ImGui::NewFrame() and ImGui::Render().
  void Draw(float width, float height);

  // Where the screens' intents go; by default, applied to the journey at
  // once. Tests record them instead.
  void SetIntentSink(std::function<void(journey::Intent)> sink) { emit_ = std::move(sink); }
  // With a speaker, the header has "Listen again" and a voice on/off switch.
  void SetSpeaker(voice::Speaker* speaker) { speaker_ = speaker; }
  // With a suggester, the keyboard offers written words for what is typed
  // without marks.
  void SetSuggester(const input::Suggester* suggester) { suggester_ = suggester; }
  // With textures for pictures, the card's photo is shown once it is read.
  void SetPictures(PictureTextures* pictures) { pictures_ = pictures; }
  // The label of the choice touched in the last frame, once ("" when none):
  // the voice says it back.
  std::string TakeTouched() { return std::exchange(touched_, std::string()); }
  // The label of the field the keyboard or pad just opened for, once: the
  // voice says which answer is being typed.
  std::string TakeFocused() { return std::exchange(focused_, std::string()); }

  // Rectangles of the touchable widgets drawn in the last frame.
  const std::map<std::string, Rect>& Widgets() const { return widgets_; }
  const InputCounts& Counts() const { return counts_; }
  // The field being edited with the keyboard or pad ("" when none).
  const std::string& Editing() const { return editing_; }

 private:
  // kMuted looks disabled but answers a touch: the journey then says what
  // is missing instead of the button ignoring the citizen.
  // kDanger (white, red outline and text) is for what throws work away.
  enum class Style { kPrimary, kSecondary, kDisabled, kChoiceOn, kKey, kHelp, kMuted, kDanger };
  enum class Editor { kNone, kKeyboard, kPad };

  // `caption`: small print under the label (a procedure's code), not said aloud.
  bool Button(const std::string& id, const char* label, float w, float h, Style style,
              ImFont* font = nullptr, const char* caption = nullptr);
  void Text(const std::string& text, ImFont* font, Rgb colour, float wrap_width);
  void Header(float width);
  void VoiceButtons(float right, float y, float h);  // ends at x = right
  // Help from staff (screens/help.cpp): the header's button, and the panel
  // over the screen while the citizen waits or an officer types a PIN.
  void HelpButton(float x, float y, float w, float h);
  void DrawHelpPanel(float w, float h);
  // "Làm lại từ đầu" asks first when there is a dossier to lose.
  void DrawConfirmStartOver(float w, float h);
  void ReceiptQr(float h, float content);  // no paper: the look-up as a QR on screen
  bool confirm_start_over_ = false;
  void DrawOfficerPad(float x, float y, float w);
  std::string officer_pin_;
  std::string salutation_ = "Ông/Bà";  // "Ông" or "Bà" once the card is read
  float header_height_ = 150;
  void TextSizeButton(float x, float y, float w, float h);
  Fonts base_fonts_;  // fonts_ is these, or their larger sizes in "Chữ to"
  void Footer(float width, float height, bool back, bool next, const char* next_label = nullptr,
              Style next_style = Style::kPrimary);
  void Message();
  // A QR code drawn as modules, centred in `width`: the VietQR to scan.
  void DrawQr(const std::string& payload, float width, const std::string& id = "pay.qr",
              float max_side = 420);
  void BeginScroll(const char* id, float height, float width = 0);
  // A button's height for its label: at least `min_h`, else the wrapped
  // text with its padding (larger text makes taller buttons, never clipped).
  float FitHeight(const std::string& label, float w, float min_h, ImFont* font = nullptr) const;
  void EndScroll();
  std::string area_;  // the scrolling list being drawn

  void DrawAttract(float w, float h);
  void DrawIdentify(float w, float h);
  void DrawReadingCard(float w, float h);
  void DrawChooseProcedure(float w, float h);
  void DrawReviewForm(float w, float h);
  void DrawAttachPapers(float w, float h);
  void DrawAtCounter(float w, float h);
  void DrawVietQrPrompt(const payment::PaymentPrompt& prompt, float content, float h);
  // The step indicator's word for a step of the path (Journey::Path).
  const char* StepName(journey::Screen step) const;
  void DrawFees(float w, float h);
  void DrawConsent(float w, float h);
  void DrawSubmitting(float w, float h);
  void DrawReceipt(float w, float h);
  void DrawRating(float w, float h);
  void DrawGoodbye(float w, float h);
  void DrawLookup(float w, float h);
  void DrawTicket(float w, float h);
  void DrawIdleWarning(float w, float h);

  // The editor: a field's label, its text, and the keyboard or pad.
  void OpenEditor(std::string target, Editor kind, std::string label, std::string initial,
                  bool date = false);
  void DrawEditor(float w, float h);
  void DrawKeyboard(float w, float h);
  void DrawPad(float w, float h);
  void DrawDateFields(float content);
  // One-touch answers for a recent date: today, yesterday, and the days before.
  void DrawRecentDays(float content);
  int pad_recent_days_ = 0;
  void CommitEditor();
  void CloseEditor();  // wipes what was typed
  std::string EditorText() const;

  std::string FieldValueText(const catalog::FormField& field, const std::string& value) const;
  void DrawChoices(const catalog::FormField& field, const std::string& value,
                   const std::string& label, float row);
  bool DrawCardChoices(const catalog::FormField& field, const std::string& value, float row);

  // Screens read the journey and emit intents; they never change it directly.
  void Emit(journey::Intent intent) { emit_(std::move(intent)); }
  const journey::Journey& journey_;
  std::function<void(journey::Intent)> emit_;
  voice::Speaker* speaker_ = nullptr;
  PictureTextures* pictures_ = nullptr;
  std::string touched_;
  std::string focused_;
  const input::Suggester* suggester_ = nullptr;
  bool editing_name_ = false;  // the field being typed is a person's name
  void DrawSuggestions(float w);
  // The photo of the card read in this session, and whose it is.
  const void* photo_of_ = nullptr;
  void* photo_texture_ = nullptr;
  float photo_aspect_ = 0.75f;  // width / height
  void KeepPhotoWithSession();
  i18n::Translator& tr_;
  Fonts fonts_;
  Palette palette_;
  std::map<std::string, Rect> widgets_;
  InputCounts counts_;
  journey::Screen last_screen_ = journey::Screen::kAttract;

  Editor editor_ = Editor::kNone;
  std::string editing_;  // "field.<id>", "search", "lookup", "identify"
  std::string editor_label_;
  input::TelexComposer composer_;
  std::string pad_digits_;
  bool pad_date_ = false;
  bool shift_ = false;
  bool swallow_touch_ = false;  // the touch that dismissed the idle warning
};

}  // namespace kiosk::ui
