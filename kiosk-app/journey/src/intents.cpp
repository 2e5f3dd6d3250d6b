#include "kiosk/journey/intents.h"

namespace kiosk::journey {

namespace {

template <typename... F>
struct Overload : F... {
  using F::operator()...;
};
template <typename... F>
Overload(F...) -> Overload<F...>;

}  // namespace

void Apply(Journey& j, Intent intent) {
  std::visit(Overload{
                 [&](intent::Activity&) { j.Activity(); },
                 [&](intent::SetLanguage& i) { j.SetLanguage(std::move(i.language)); },
                 [&](intent::Start&) { j.Start(); },
                 [&](intent::StartLookup&) { j.StartLookup(); },
                 [&](intent::TakeTicket&) { j.TakeTicket(); },
                 [&](intent::IdentifyWith& i) { j.IdentifyWith(i.source, std::move(i.text)); },
                 [&](intent::SetCategory& i) { j.SetCategory(std::move(i.category)); },
                 [&](intent::SetSearch& i) { j.SetSearch(std::move(i.query)); },
                 [&](intent::ChooseProcedure& i) { j.ChooseProcedure(i.code); },
                 [&](intent::SetField& i) { (void)j.SetField(i.id, std::move(i.value)); },
                 [&](intent::ScanPage& i) { j.ScanPage(i.paper); },
                 [&](intent::RemoveLastPage& i) { j.RemoveLastPage(i.paper); },
                 [&](intent::Pay& i) { j.Pay(i.method); },
                 [&](intent::CancelPayment&) { j.CancelPayment(); },
                 [&](intent::PayAtCounter&) { j.PayAtCounter(); },
                 [&](intent::SetConsent& i) { j.SetConsent(i.accepted); },
                 [&](intent::Confirm&) { j.Confirm(); },
                 [&](intent::Reprint&) { j.Reprint(); },
                 [&](intent::Rate& i) { j.Rate(i.score); },
                 [&](intent::LookupDossier& i) { j.LookupDossier(std::move(i.text)); },
                 [&](intent::Next&) { j.Next(); },
                 [&](intent::Back&) { j.Back(); },
                 [&](intent::Cancel&) { j.Cancel(); },
                 [&](intent::CallHelp&) { j.CallHelp(); },
                 [&](intent::HideHelp&) { j.HideHelp(); },
                 [&](intent::CancelHelp&) { j.CancelHelp(); },
                 [&](intent::StartOfficerPin&) { j.StartOfficerPin(); },
                 [&](intent::OfficerPin& i) { j.OfficerPin(std::move(i.pin)); },
                 [&](intent::EndAssistance&) { j.EndAssistance(); },
                 [&](intent::SetLargeText& i) { j.SetLargeText(i.on); },
             },
             intent);
}

const char* NameOf(const Intent& intent) {
  static constexpr const char* kNames[] = {"activity",
                                           "set_language",
                                           "start",
                                           "start_lookup",
                                           "take_ticket",
                                           "identify",
                                           "set_category",
                                           "set_search",
                                           "choose_procedure",
                                           "set_field",
                                           "scan_page",
                                           "remove_page",
                                           "pay",
                                           "cancel_payment",
                                           "set_consent",
                                           "confirm",
                                           "reprint",
                                           "rate",
                                           "lookup",
                                           "next",
                                           "back",
                                           "cancel",
                                           "call_help",
                                           "hide_help",
                                           "cancel_help",
                                           "officer_pin_start",
                                           "officer_pin",
                                           "end_assistance",
                                           "set_large_text",
                                           "pay_at_counter"};
  static_assert(std::size(kNames) == std::variant_size_v<Intent>);
  return kNames[intent.index()];
}

}  // namespace kiosk::journey
