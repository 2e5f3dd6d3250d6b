#include "kiosk/journey/flow.h"

namespace kiosk::journey {

namespace {

using S = Screen;
using T = Step;

constexpr Transition kFlow[] = {
    {S::kAttract, T::kStart, S::kIdentify},
    {S::kGoodbye, T::kStart, S::kIdentify},
    {S::kAttract, T::kLookUp, S::kLookup},
    {S::kAttract, T::kTakeTicket, S::kTicket},
    {S::kIdentify, T::kCardPresented, S::kReadingCard},
    {S::kReadingCard, T::kCardFailed, S::kIdentify},
    {S::kReadingCard, T::kCardRead, S::kChooseProcedure},
    {S::kChooseProcedure, T::kProcedureChosen, S::kReviewForm},
    {S::kReviewForm, T::kToPapers, S::kAttachPapers},
    {S::kReviewForm, T::kToFees, S::kFees},
    {S::kAttachPapers, T::kToFees, S::kFees},
    {S::kReviewForm, T::kToCounter, S::kAtCounter},
    {S::kAttachPapers, T::kToCounter, S::kAtCounter},
    {S::kAtCounter, T::kToFees, S::kFees},
    {S::kFees, T::kFeesSettled, S::kConsent},
    {S::kConsent, T::kConfirmed, S::kSubmitting},
    {S::kSubmitting, T::kSubmitFailed, S::kConsent},
    {S::kSubmitting, T::kSubmitted, S::kReceipt},
    {S::kReceipt, T::kReceiptTaken, S::kRating},
    {S::kRating, T::kRated, S::kGoodbye},
    {S::kChooseProcedure, T::kBack, S::kIdentify},
    {S::kReviewForm, T::kBack, S::kChooseProcedure},
    {S::kAttachPapers, T::kBack, S::kReviewForm},
    {S::kFees, T::kBack, S::kReviewForm},
    {S::kAtCounter, T::kBack, S::kReviewForm},
    {S::kAtCounter, T::kBackToPapers, S::kAttachPapers},
    {S::kFees, T::kBackToPapers, S::kAttachPapers},
    {S::kFees, T::kBackToCounter, S::kAtCounter},
    {S::kConsent, T::kBack, S::kFees},
    {std::nullopt, T::kCancel, S::kAttract},
};

}  // namespace

std::span<const Transition> Flow() { return kFlow; }

std::optional<Screen> Destination(Screen from, Step step) {
  for (const auto& t : kFlow) {
    if (t.step == step && (!t.from || *t.from == from)) return t.to;
  }
  return std::nullopt;
}

const char* ToString(Step step) {
  switch (step) {
    case T::kStart:
      return "start";
    case T::kLookUp:
      return "look_up";
    case T::kTakeTicket:
      return "take_ticket";
    case T::kCardPresented:
      return "card_presented";
    case T::kCardFailed:
      return "card_failed";
    case T::kCardRead:
      return "card_read";
    case T::kProcedureChosen:
      return "procedure_chosen";
    case T::kToPapers:
      return "to_papers";
    case T::kToCounter:
      return "to_counter";
    case T::kBackToCounter:
      return "back_to_counter";
    case T::kToFees:
      return "to_fees";
    case T::kFeesSettled:
      return "fees_settled";
    case T::kConfirmed:
      return "confirmed";
    case T::kSubmitFailed:
      return "submit_failed";
    case T::kSubmitted:
      return "submitted";
    case T::kReceiptTaken:
      return "receipt_taken";
    case T::kRated:
      return "rated";
    case T::kBack:
      return "back";
    case T::kBackToPapers:
      return "back_to_papers";
    case T::kCancel:
      return "cancel";
  }
  return "?";
}

}  // namespace kiosk::journey
