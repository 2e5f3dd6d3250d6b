// The receipt screen.
#include "../ui_internal.h"
#include "kiosk/journey/slips.h"

namespace kiosk::ui {

using namespace layout;  // NOLINT(google-build-using-namespace): the layer's own constants
using journey::Screen;

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
  const std::string due = journey::AppointmentText(outcome.appointment, journey_.Language());
  if (!due.empty()) {
    // The hour and the day, large: what the citizen must remember.
    Text(std::string(tr_("Result due on")) + " " + due, fonts_.title, palette_.text, content);
  }
  ImGui::Dummy(ImVec2(0, 20));
  if (journey_.Busy()) {
    Text(tr_("Printing your receipt..."), fonts_.body, palette_.text, content);
  } else if (journey_.PrintProblem() == "printer.absent") {
    // No printer at this kiosk: printing again cannot help.
    Text(tr_("This kiosk has no receipt printer. Your dossier is safe: write down the code above, "
             "or ask the staff for a printed receipt."),
         fonts_.body, palette_.error, content);
    ReceiptQr(h, content);
  } else if (!journey_.PrintProblem().empty()) {
    Text(tr_("The receipt could not be printed. Your dossier is safe; ask the staff, then tap "
             "Print again."),
         fonts_.body, palette_.error, content);
    ImGui::SetCursorPosX(kMargin);
    if (Button("reprint", tr_("Print again"), content, kButtonHeight, Style::kSecondary)) {
      Emit(journey::intent::Reprint{});
    }
    ReceiptQr(h, content);
  } else {
    Text(tr_("Take your receipt from the printer, and your card from the reader."), fonts_.body,
         palette_.text, content);
  }
  Footer(w, h, false, true);
}

// No paper receipt: the receipt's look-up as a QR code on the screen, for the
// citizen's phone, in what room the screen has left.
void KioskUi::ReceiptQr(float h, float content) {
  const auto* session = journey_.CurrentSession();
  if (session == nullptr || !session->outcome) return;
  Text(tr_("Or photograph this code with a phone: it opens the dossier's status."), fonts_.small,
       palette_.text, content);
  const float room = h - kFooterHeight - ImGui::GetCursorPosY() - kGap;
  if (room < 160) return;
  DrawQr(journey::ReceiptOf(*session, journey_.Config()).lookup_url, content, "receipt.qr",
         std::min(420.0f, room));
}

}  // namespace kiosk::ui
