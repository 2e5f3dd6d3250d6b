#pragma once

// VietQR: the NAPAS profile of the EMVCo merchant-presented QR code, as the
// citizen's banking app scans it (docs/dvc-domain.md §5.2). The kiosk shows a
// dynamic code for the collecting agency's own account, with the amount and
// the dossier's payment reference as the purpose, so the money goes straight
// to the agency and the bank's notification names the dossier.
//
// The payload is TLV text: two-digit id, two-digit length, value; template
// 38 (NAPAS) and 62 (additional data) nest the same way; tag 63 closes the
// payload with a CRC-16/CCITT-FALSE over everything before its value,
// "6304" included.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::payment {

// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection,
// no final XOR. "123456789" gives 0x29B1.
std::uint16_t Crc16CcittFalse(std::string_view data);

inline constexpr std::string_view kNapasGuid = "A000000727";

struct VietQr {
  bool dynamic = true;               // 12: one payment with its amount; 11: reusable
  std::string bank_bin;              // acquirer BIN, 6 digits (970436 = Vietcombank)
  std::string account;               // beneficiary account, up to 19 characters
  std::string service = "QRIBFTTA";  // QRIBFTTA to an account, QRIBFTTC to a card
  std::int64_t amount_vnd = 0;       // 0: the payer types it (static codes only)
  std::string purpose;               // 62.08, printable ASCII, up to 25 characters
};

// The payload with its CRC. Errors ("vietqr.invalid") name the field.
core::Expected<std::string> EncodeVietQr(const VietQr& qr);

struct EmvField {
  std::string id;
  std::string value;
};

// One level of TLV: every field, in order. "vietqr.malformed" on a bad id,
// length or a truncated value.
core::Expected<std::vector<EmvField>> ParseEmvFields(std::string_view payload);

// A whole payload, checked: the CRC (the last field, "vietqr.crc"), the
// format indicator, the NAPAS template, currency VND and country VN.
core::Expected<VietQr> ParseVietQr(std::string_view payload);

}  // namespace kiosk::payment
