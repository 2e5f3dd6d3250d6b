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
  // While the payment waits on the citizen: its prompt alone, and a way out.
  if (total > 0 && !session->payment && journey_.Busy() && session->payment_prompt) {
    const auto& prompt = *session->payment_prompt;
    if (!prompt.qr_payload.empty()) {
      DrawVietQrPrompt(prompt, content, h);
      Footer(w, h, true, false);
      return;
    }
    Text(std::string(tr_("Total")) + ": " + catalog::FormatVnd(total), fonts_.title, palette_.text,
         content);
    Text(tr_("Follow the card terminal..."), fonts_.title, palette_.text, content);
    Text(tr_("Insert, tap or swipe your card on the terminal beside the screen, and enter your PIN "
             "there if it asks."),
         fonts_.body, palette_.text, content);
    ImGui::SetCursorPos(ImVec2(kMargin, h - kFooterHeight - 100 - kGap));
    if (Button("pay.cancel", tr_("Cancel payment"), content, 100, Style::kSecondary,
               fonts_.title)) {
      Emit(journey::intent::CancelPayment{});
    }
    Footer(w, h, true, false);
    return;
  }
  // The fee, what sets it, who pays less, and the ways to pay: scrolled when
  // larger text needs it.
  ImGui::SetCursorPosX(kMargin);
  BeginScroll("fees", h - kFooterHeight - ImGui::GetCursorPosY() - kGap);
  const float row = content - 40;
  for (const auto& line : session->fees) {
    Text(line.label.In(journey_.Language()) + ": " + catalog::FormatVnd(line.amount_vnd),
         fonts_.body, palette_.text, row);
    Text(std::string(tr_("Set by")) + " " + line.source, fonts_.small, palette_.muted_text, row);
  }
  if (total == 0) {
    Text(tr_("There is no fee to pay for this procedure."), fonts_.body, palette_.success, row);
  } else {
    Text(std::string(tr_("Total")) + ": " + catalog::FormatVnd(total), fonts_.title, palette_.text,
         row);
  }
  for (const auto& exemption : session->procedure->exemptions) {
    Text(std::string(tr_("Who pays less or nothing")) + ": " + exemption, fonts_.small,
         palette_.muted_text, row);
  }
  Message();
  ImGui::Dummy(ImVec2(0, kGap));
  if (total > 0 && !session->payment && !session->fee_at_counter) {
    for (const auto& method : journey_.Config().payment_methods) {
      const bool card = method == "card";
      const char* label = journey_.Busy() ? tr_("Please wait...")
                          : card          ? tr_("Pay by bank card")
                                          : tr_("Pay by bank transfer (VietQR)");
      if (Button("pay." + method, label, row, FitHeight(label, row, 120, fonts_.title),
                 journey_.Busy() ? Style::kDisabled : Style::kPrimary, fonts_.title)) {
        Emit(journey::intent::Pay{method});
      }
    }
    if (session->procedure->pay_at_counter) {
      const char* label = tr_("Pay in cash at the counter");
      if (Button("pay.at_counter", label, row, FitHeight(label, row, 100),
                 journey_.Busy() ? Style::kDisabled : Style::kSecondary)) {
        Emit(journey::intent::PayAtCounter{});
      }
    }
  } else if (session->payment) {
    Text(std::string(tr_("Paid. Transaction")) + " " + session->payment->transaction_reference,
         fonts_.body, palette_.success, row);
  } else if (session->fee_at_counter) {
    Text(tr_("You pay the fee in cash at the counter. The receipt says so."), fonts_.body,
         palette_.text, row);
  }
  EndScroll();
  Footer(w, h, true, total == 0 || session->payment.has_value() || session->fee_at_counter);
}

// The VietQR code with what the citizen checks in their banking app before
// paying (who receives, how much, in words), how long the code stays, and
// what happens to a transfer made after that. On a wide screen the code and
// "Hủy thanh toán" on the left, the words scrolling on the right.
void KioskUi::DrawVietQrPrompt(const payment::PaymentPrompt& prompt, float content, float h) {
  const bool wide = ImGui::GetIO().DisplaySize.x > ImGui::GetIO().DisplaySize.y;
  const float qr_side = wide ? std::min(content * 0.32f, 420.0f) : std::min(content, 440.0f);
  const float top = ImGui::GetCursorPosY();
  const float bottom = h - kFooterHeight - kGap;
  auto cancel = [&](float x, float y, float width) {
    ImGui::SetCursorPos(ImVec2(x, y));
    if (Button("pay.cancel", tr_("Cancel payment"), width, 100, Style::kSecondary, fonts_.title)) {
      Emit(journey::intent::CancelPayment{});
    }
  };
  float text_w = content - 40;
  if (wide) {
    DrawQr(prompt.qr_payload, qr_side, "pay.qr", qr_side);
    cancel(kMargin, top + qr_side + kGap, qr_side);
    ImGui::SetCursorPos(ImVec2(kMargin + qr_side + kGap, top));
    text_w = content - qr_side - kGap - 40;
    BeginScroll("vietqr", bottom - top, text_w + 40);
  } else {
    BeginScroll("vietqr", bottom - 100 - kGap - top, content);
  }
  Text(tr_("Scan this code with your banking app. The amount and reference are filled in."),
       fonts_.body, palette_.text, text_w);
  if (!wide) DrawQr(prompt.qr_payload, text_w, "pay.qr", qr_side);
  auto line = [&](const char* label, const std::string& value, ImFont* font) {
    if (value.empty()) return;
    Text(*label == '\0' ? value : std::string(label) + " " + value, font, palette_.text, text_w);
  };
  line(tr_("Receiver:"), prompt.beneficiary, fonts_.body);
  line(tr_("Bank and account:"),
       prompt.bank.empty() ? prompt.account : prompt.bank + " - " + prompt.account, fonts_.body);
  line(tr_("Amount:"), catalog::FormatVnd(prompt.amount_vnd), fonts_.title);
  if (journey_.Language() == "vi") {
    line("", "(" + catalog::VndInWords(prompt.amount_vnd) + ")", fonts_.body);
  }
  line(tr_("Transfer content:"), prompt.purpose, fonts_.small);
  if (const auto left = journey_.PaymentSecondsLeft()) {
    char remaining[96];
    std::snprintf(remaining, sizeof remaining, "%s %d:%02d", tr_("The code is valid for"),
                  *left / 60, *left % 60);
    Text(remaining, fonts_.title, *left < 30 ? palette_.error : palette_.text, text_w);
  }
  Text(tr_("If time runs out, the code goes away and nothing is charged. A transfer already made "
           "is kept for this dossier: tap Pay by bank transfer again, or ask at the counter."),
       fonts_.small, palette_.muted_text, text_w);
  EndScroll();
  if (!wide) cancel(kMargin, bottom - 100, content);
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
  const float left = area_.empty() ? kMargin : 0.0f;  // inside a scrolled part: its own left
  ImGui::SetCursorPosX(left + (width - size) / 2);
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
