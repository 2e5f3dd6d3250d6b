#pragma once

// The journey's screens as data: on a step at a screen, the journey goes to
// the screen the table names, and nowhere else. What decides which step is
// taken (the form is complete, the fee is paid, the card answered) stays in
// the journey; where the step leads is here, testable as a table.

#include <optional>
#include <span>

namespace kiosk::journey {

enum class Screen {
  kAttract,
  kIdentify,
  kReadingCard,
  kChooseProcedure,
  kReviewForm,
  kAttachPapers,
  kAtCounter,  // what the citizen does in person at the counter (certifications)
  kFees,
  kConsent,
  kSubmitting,
  kReceipt,
  kRating,
  kGoodbye,
  kLookup,
  kTicket,
};
inline constexpr Screen kAllScreens[] = {
    Screen::kAttract,    Screen::kIdentify,     Screen::kReadingCard, Screen::kChooseProcedure,
    Screen::kReviewForm, Screen::kAttachPapers, Screen::kAtCounter,   Screen::kFees,
    Screen::kConsent,    Screen::kSubmitting,   Screen::kReceipt,     Screen::kRating,
    Screen::kGoodbye,    Screen::kLookup,       Screen::kTicket};

enum class Step {
  kStart,            // a citizen begins
  kLookUp,           // look up a dossier by its receipt
  kTakeTicket,       // a queue ticket
  kCardPresented,    // an access key was given: the chip is read
  kCardFailed,       // the chip could not be read
  kCardRead,         // the identity is in
  kProcedureChosen,  // the form is filled from the card
  kToPapers,         // the form is complete and papers are to be scanned
  kToCounter,        // the form (and its papers) are complete; some is done at the counter
  kToFees,           // the form (and its papers) are complete
  kFeesSettled,      // paid, or nothing to pay
  kConfirmed,        // consent given: the dossier is sealed
  kSubmitFailed,     // not sealed: the citizen may try again
  kSubmitted,        // sealed: the receipt prints
  kReceiptTaken,     // on to the rating
  kRated,            // thanks, goodbye
  kBack,             // the previous step
  kBackToPapers,     // back to the papers scanned
  kBackToCounter,    // back from the fees to the counter step
  kCancel,           // the citizen leaves, or the kiosk timed out: wiped
};

struct Transition {
  std::optional<Screen> from;  // nullopt: from any screen
  Step step;
  Screen to;
};

// Every move of the journey, in the order a citizen meets them.
std::span<const Transition> Flow();

// Where `step` at `from` leads; nullopt when the table has no such move.
std::optional<Screen> Destination(Screen from, Step step);

const char* ToString(Step step);

}  // namespace kiosk::journey
