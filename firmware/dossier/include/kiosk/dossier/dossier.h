#pragma once

// A dossier (hồ sơ) as the kiosk builds it during one citizen's session: the
// procedure, the applicant and how their identity was verified, the e-form,
// the attached papers, fees and payment, consent, and the fields the one-stop
// system needs for Decision 766 reporting (docs/dvc-domain.md §2).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/secret.h"
#include "kiosk/core/uuid.h"

namespace kiosk::dossier {

enum class IdentitySource {
  kChipVerified,    // chip read, passive authentication passed (chain may be unverified)
  kChipUnverified,  // chip read, verification failed or not possible
  kQr,              // the card's QR code only
  kTyped,           // keyed in on the kiosk
};
const char* ToString(IdentitySource source);

struct Applicant : core::NotLoggable {
  core::PersonalText id_number;
  core::PersonalText full_name;
  core::PersonalText birth_date;  // dd/mm/yyyy
  core::PersonalText sex;
  core::PersonalText residence;
  core::PersonalText phone;
  IdentitySource source = IdentitySource::kTyped;
  std::string authenticity;  // the chip's verdict, e.g. "signature valid, chain not verified"
};

struct FormValue : core::NotLoggable {
  FormValue(std::string field_id, core::PersonalText text)
      : field(std::move(field_id)), value(std::move(text)) {}
  std::string field;  // e-form field id
  core::PersonalText value;
};

struct Attachment {
  std::string name;            // "attachment-01.pdf": never the citizen's file name
  std::string component_code;  // the procedure's dossier component (thành phần hồ sơ)
  std::string mime = "application/pdf";
  std::uint64_t size = 0;
  std::string sha256;  // hex, of the plaintext file
  int pages = 0;
  bool digitized = true;  // scanned at the kiosk
  bool has_ocr_text = false;
  bool reused = false;           // taken from the citizen's data store (766 indicator 4.3)
  std::filesystem::path source;  // the plaintext file while sealing; not in the manifest
  // Or the plaintext itself, in memory (wiped when the last copy goes): how
  // the kiosk seals what it scanned, so no page is ever on disk in the clear.
  std::shared_ptr<const core::SecretBytes> content;
};

struct Fee {
  std::string code;
  std::int64_t amount_vnd = 0;
};

struct Payment {
  std::string method;     // "vietqr", "card"
  std::string reference;  // the payment provider's transaction reference
  // What the payment was made against ("DVC" + 20 hex digits, PaymentReference):
  // the purpose of a VietQR transfer, the sale transaction of a card payment.
  // The agency reconciles its bank statement with it. Empty in older dossiers.
  std::string payment_reference;
  std::int64_t amount_vnd = 0;
  core::WallTime paid_at;
  int online_channel = 1;  // 766 DuocThanhToanTrucTuyen: 1 = national portal, 2 = province gateway
};

struct Consent {
  std::string text_version;  // which consent text the citizen accepted
  core::WallTime accepted_at;
};

// The commune officer who helped the citizen at the kiosk (assisted mode),
// as the gateway's register of officers names them. The citizen still
// confirmed and consented.
struct Assistance {
  std::string officer_id;  // "CB-000001"
  std::string officer_name;
};

struct Dossier : core::NotLoggable {
  core::Uuid id;                  // UUIDv7: the idempotency key of the upload
  std::string procedure_code;     // national TTHC code, e.g. "1.001612"
  std::string procedure_version;  // catalog version in force
  std::string receiving_agency;   // agency code, e.g. "000.17.22.H56"
  std::string kiosk_id;
  Applicant applicant;
  std::vector<FormValue> form;
  std::vector<Attachment> attachments;
  std::vector<Fee> fees;
  std::optional<Payment> payment;
  Consent consent;
  std::optional<Assistance> assisted_by;  // none: the citizen alone
  core::WallTime started_at;              // the citizen began
  core::WallTime submitted_at;            // sealed on the kiosk ("ngày tiếp nhận" for 766)
};

}  // namespace kiosk::dossier
