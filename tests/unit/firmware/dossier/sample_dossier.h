#pragma once

// A synthetic dossier for tests: invented applicant, made-up codes.

#include "kiosk/core/random.h"
#include "kiosk/core/uuid.h"
#include "kiosk/dossier/dossier.h"

namespace kiosk::test {

inline dossier::Dossier SampleDossier(core::UuidV7Generator& ids, const core::Clock& clock) {
  dossier::Dossier d;
  d.id = *ids.Next();
  d.procedure_code = "1.001612";
  d.procedure_version = "2025.1";
  d.receiving_agency = "000.17.22.H56";
  d.kiosk_id = "QNM-TAMKY-0001";
  d.applicant.id_number = core::PersonalText(std::string("049090100001"));
  d.applicant.full_name = core::PersonalText(std::string("Nguyễn Văn An"));
  d.applicant.birth_date = core::PersonalText(std::string("15/05/1990"));
  d.applicant.sex = core::PersonalText(std::string("Nam"));
  d.applicant.residence = core::PersonalText(std::string("Số 12 Phan Bội Châu, Tam Kỳ, Quảng Nam"));
  d.applicant.phone = core::PersonalText(std::string("0900000001"));
  d.applicant.source = dossier::IdentitySource::kChipVerified;
  d.applicant.authenticity = "signature valid, chain not verified";
  d.form.push_back({"ho_ten_cha", core::PersonalText(std::string("Nguyễn Văn Bình"))});
  d.form.push_back({"noi_dang_ky", core::PersonalText(std::string("UBND phường An Mỹ"))});
  dossier::Attachment a;
  a.name = "attachment-01.pdf";
  a.component_code = "TP1";
  a.size = 1234;
  a.sha256 = std::string(64, 'a');
  a.pages = 2;
  a.has_ocr_text = true;
  d.attachments.push_back(a);
  d.fees.push_back({"LE_PHI", 8000});
  d.payment =
      dossier::Payment{"vietqr", "FT26333000001", "DVC0123456789ABCDEF0123", 8000, clock.Now(), 2};
  d.consent = {"consent-vi-2026.1", clock.Now()};
  d.started_at = clock.Now() - std::chrono::minutes(6);
  d.submitted_at = clock.Now();
  return d;
}

}  // namespace kiosk::test
