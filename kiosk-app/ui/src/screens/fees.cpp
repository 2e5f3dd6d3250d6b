// The fees screen.
#include "../ui_internal.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

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
    Text(std::string(tr_("Who pays less or nothing")) + ": " + exemption, fonts_.small,
         palette_.muted_text, content);
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
      Emit(journey::intent::CancelPayment{});
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
        Emit(journey::intent::Pay{method});
      }
    }
  } else if (session->payment) {
    Text(std::string(tr_("Paid. Transaction")) + " " + session->payment->transaction_reference,
         fonts_.body, palette_.success, content);
  }
  Footer(w, h, true, total == 0 || session->payment.has_value());
}

void KioskUi::DrawQr(const std::string& payload, float width, const std::string& id,
                     float max_side) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(payload.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
  if (!code) return;
  const int modules = code->width + 8;  // with the quiet zone
  const float side = std::min(width, max_side);
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
  widgets_[id] = Rect{at.x, at.y, size, size, area_, "qr"};
}

}  // namespace kiosk::ui
