#include "kiosk/payment/vietqr.h"

#include <cstdio>

namespace kiosk::payment {
namespace {

core::Error Invalid(const std::string& what) {
  return core::Error::Fatal("vietqr.invalid", "VietQR: " + what);
}

core::Error Malformed(const std::string& what) {
  return core::Error::Fatal("vietqr.malformed", "VietQR payload: " + what);
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

bool PrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

core::Expected<std::string> Field(std::string_view id, std::string_view value) {
  if (value.size() > 99) return Invalid("field " + std::string(id) + " is over 99 characters");
  char length[3];
  std::snprintf(length, sizeof length, "%02zu", value.size());
  return std::string(id) + length + std::string(value);
}

const EmvField* Find(const std::vector<EmvField>& fields, std::string_view id) {
  for (const auto& f : fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

}  // namespace

std::uint16_t Crc16CcittFalse(std::string_view data) {
  std::uint16_t crc = 0xFFFF;
  for (char c : data) {
    crc = static_cast<std::uint16_t>(crc ^ (static_cast<std::uint8_t>(c) << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

core::Expected<std::string> EncodeVietQr(const VietQr& qr) {
  if (qr.bank_bin.size() != 6 || !AllDigits(qr.bank_bin)) {
    return Invalid("the bank BIN must be 6 digits");
  }
  if (qr.account.empty() || qr.account.size() > 19 || !PrintableAscii(qr.account)) {
    return Invalid("the account must be 1 to 19 printable characters");
  }
  if (qr.service != "QRIBFTTA" && qr.service != "QRIBFTTC") {
    return Invalid("unknown service code " + qr.service);
  }
  if (qr.amount_vnd < 0 || qr.amount_vnd > 9'999'999'999'999) return Invalid("amount out of range");
  if (qr.dynamic && qr.amount_vnd == 0) return Invalid("a dynamic code needs an amount");
  if (qr.purpose.size() > 25 || !PrintableAscii(qr.purpose)) {
    return Invalid("the purpose must be up to 25 printable ASCII characters");
  }

  KIOSK_ASSIGN_OR_RETURN(auto bin, Field("00", qr.bank_bin));
  KIOSK_ASSIGN_OR_RETURN(auto account, Field("01", qr.account));
  KIOSK_ASSIGN_OR_RETURN(auto beneficiary, Field("01", bin + account));
  KIOSK_ASSIGN_OR_RETURN(auto guid, Field("00", kNapasGuid));
  KIOSK_ASSIGN_OR_RETURN(auto service, Field("02", qr.service));
  KIOSK_ASSIGN_OR_RETURN(auto napas, Field("38", guid + beneficiary + service));

  std::string payload = "000201";
  payload += qr.dynamic ? "010212" : "010211";
  payload += napas;
  payload += "5303704";
  if (qr.amount_vnd > 0) {
    KIOSK_ASSIGN_OR_RETURN(auto amount, Field("54", std::to_string(qr.amount_vnd)));
    payload += amount;
  }
  payload += "5802VN";
  if (!qr.purpose.empty()) {
    KIOSK_ASSIGN_OR_RETURN(auto purpose, Field("08", qr.purpose));
    KIOSK_ASSIGN_OR_RETURN(auto additional, Field("62", purpose));
    payload += additional;
  }
  payload += "6304";
  char crc[5];
  std::snprintf(crc, sizeof crc, "%04X", Crc16CcittFalse(payload));
  return payload + crc;
}

core::Expected<std::vector<EmvField>> ParseEmvFields(std::string_view payload) {
  std::vector<EmvField> fields;
  std::size_t at = 0;
  while (at < payload.size()) {
    if (payload.size() - at < 4) return Malformed("a field header is cut short");
    const std::string_view id = payload.substr(at, 2);
    const std::string_view length = payload.substr(at + 2, 2);
    if (!AllDigits(id) || !AllDigits(length)) return Malformed("a field header is not digits");
    const std::size_t n = static_cast<std::size_t>((length[0] - '0') * 10 + (length[1] - '0'));
    at += 4;
    if (payload.size() - at < n) return Malformed("field " + std::string(id) + " is cut short");
    fields.push_back({std::string(id), std::string(payload.substr(at, n))});
    at += n;
  }
  return fields;
}

core::Expected<VietQr> ParseVietQr(std::string_view payload) {
  KIOSK_ASSIGN_OR_RETURN(auto fields, ParseEmvFields(payload));
  if (fields.empty() || fields.back().id != "63" || fields.back().value.size() != 4) {
    return Malformed("the CRC field (63) must close the payload");
  }
  char expected[5];
  std::snprintf(expected, sizeof expected, "%04X",
                Crc16CcittFalse(payload.substr(0, payload.size() - 4)));
  if (fields.back().value != expected) {
    return core::Error::Fatal(
        "vietqr.crc", "VietQR payload: CRC " + fields.back().value + " does not match " + expected);
  }
  if (fields.front().id != "00" || fields.front().value != "01") {
    return Malformed("the payload format indicator (00) must come first and be 01");
  }
  VietQr qr;
  const EmvField* initiation = Find(fields, "01");
  if (initiation && initiation->value != "11" && initiation->value != "12") {
    return Malformed("point of initiation must be 11 or 12");
  }
  qr.dynamic = initiation && initiation->value == "12";

  const EmvField* napas = Find(fields, "38");
  if (!napas) return Malformed("no NAPAS merchant account (38)");
  KIOSK_ASSIGN_OR_RETURN(auto account_fields, ParseEmvFields(napas->value));
  const EmvField* guid = Find(account_fields, "00");
  if (!guid || guid->value != kNapasGuid) return Malformed("38.00 is not the NAPAS AID");
  const EmvField* beneficiary = Find(account_fields, "01");
  if (!beneficiary) return Malformed("no beneficiary (38.01)");
  KIOSK_ASSIGN_OR_RETURN(auto beneficiary_fields, ParseEmvFields(beneficiary->value));
  const EmvField* bin = Find(beneficiary_fields, "00");
  const EmvField* account = Find(beneficiary_fields, "01");
  if (!bin || !account) return Malformed("the beneficiary needs a BIN and an account");
  qr.bank_bin = bin->value;
  qr.account = account->value;
  const EmvField* service = Find(account_fields, "02");
  qr.service = service ? service->value : "";

  const EmvField* currency = Find(fields, "53");
  if (!currency || currency->value != "704") return Malformed("currency (53) must be 704, VND");
  const EmvField* country = Find(fields, "58");
  if (!country || country->value != "VN") return Malformed("country (58) must be VN");
  if (const EmvField* amount = Find(fields, "54")) {
    if (!AllDigits(amount->value) || amount->value.size() > 13) {
      return Malformed("the amount (54) must be whole VND");
    }
    qr.amount_vnd = std::stoll(amount->value);
  }
  if (const EmvField* additional = Find(fields, "62")) {
    KIOSK_ASSIGN_OR_RETURN(auto extra, ParseEmvFields(additional->value));
    if (const EmvField* purpose = Find(extra, "08")) qr.purpose = purpose->value;
  }
  return qr;
}

}  // namespace kiosk::payment
