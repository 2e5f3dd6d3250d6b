// The identify screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

void KioskUi::DrawIdentify(float w, float h) {
  const float content = w - 2 * kMargin;
  ImGui::SetCursorPosX(kMargin);
  Text(tr_("Place your chip ID card on the reader"), fonts_.title, palette_.text, content);
  Text(tr_("Leave it there, the QR code or the back with its three lines of letters facing up: "
           "the camera reads the code and the kiosk reads your details from the chip. You do not "
           "need to write anything."),
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

}  // namespace kiosk::ui
