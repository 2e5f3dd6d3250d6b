#include "kiosk/journey/journey.h"

namespace kiosk::journey {

dossier::Dossier DossierOf(const Session& s, const Settings& settings,
                           core::WallTime submitted_at) {
  dossier::Dossier out;
  auto* dossier = &out;
  dossier->id = s.dossier_id;
  dossier->procedure_code = s.procedure->code;
  dossier->procedure_version = s.procedure->version;
  dossier->receiving_agency = settings.agency_code;
  dossier->kiosk_id = settings.kiosk_id;
  auto field = [&](const char* id) -> std::string {
    auto it = s.fields.find(id);
    return it == s.fields.end() ? std::string() : it->second.value.Reveal();
  };
  auto& applicant = dossier->applicant;
  if (s.identity) {
    applicant.id_number = s.identity->id_number.Clone();
    applicant.full_name = s.identity->full_name.Clone();
    applicant.birth_date = s.identity->birth_date.Clone();
    applicant.sex = s.identity->sex.Clone();
    applicant.residence = s.identity->residence.Clone();
    applicant.authenticity = s.identity->authenticity.Verdict();
    applicant.source = s.identity->authenticity.AnyFailed()
                           ? dossier::IdentitySource::kChipUnverified
                           : dossier::IdentitySource::kChipVerified;
  } else {
    applicant.id_number = core::PersonalText(field("applicant_id"));
    applicant.full_name = core::PersonalText(field("applicant_name"));
    applicant.source = dossier::IdentitySource::kTyped;
  }
  applicant.phone = core::PersonalText(field("phone"));
  for (const auto& f : s.procedure->form) {
    dossier->form.emplace_back(f.id, s.fields.at(f.id).value.Clone());
  }
  for (const auto& fee : s.fees) dossier->fees.push_back({fee.code, fee.amount_vnd});
  if (s.payment) {
    // Decision 766 DuocThanhToanTrucTuyen: 2, the province's own channel (the
    // agency's card terminal, or VietQR confirmed through the province gateway).
    dossier->payment = dossier::Payment{s.payment->method,   s.payment->transaction_reference,
                                        s.payment_reference, s.payment->amount_vnd,
                                        s.payment->paid_at,  2};
  }
  dossier->consent = {settings.consent_version, s.consent_at};
  if (s.assisted_by) dossier->assisted_by = *s.assisted_by;
  dossier->started_at = s.started_at;
  dossier->submitted_at = submitted_at;
  return out;
}

}  // namespace kiosk::journey
