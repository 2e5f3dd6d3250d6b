#include "kiosk/idcard/fake_reader.h"

#include <thread>

namespace kiosk::idcard {

using core::Error;

namespace {

// "15/05/1990" -> "900515"; "Không thời hạn" (or nothing) -> "991231", as
// the MRZ of a card without expiry carries it.
std::string MrzDate(const std::string& ddmmyyyy) {
  if (ddmmyyyy.size() != 10) return "991231";
  return ddmmyyyy.substr(8, 2) + ddmmyyyy.substr(3, 2) + ddmmyyyy.substr(0, 2);
}

bool Opens(const BacInput& bac, const CitizenIdentity& id) {
  const std::string& number = id.id_number.Reveal();
  return number.size() == 12 && bac.document_number == number.substr(3) &&
         bac.birth_date == MrzDate(id.birth_date.Reveal()) &&
         bac.expiry_date == MrzDate(id.expiry_date.Reveal());
}

void Report(const ReadOptions& options, const char* phase, int percent) {
  if (options.on_progress) options.on_progress({phase, percent});
}

}  // namespace

CitizenIdentity CloneIdentity(const CitizenIdentity& from) {
  CitizenIdentity id;
  id.id_number = from.id_number.Clone();
  id.full_name = from.full_name.Clone();
  id.mrz_name = from.mrz_name.Clone();
  id.birth_date = from.birth_date.Clone();
  id.sex = from.sex.Clone();
  id.nationality = from.nationality.Clone();
  id.ethnicity = from.ethnicity.Clone();
  id.religion = from.religion.Clone();
  id.place_of_origin = from.place_of_origin.Clone();
  id.residence = from.residence.Clone();
  id.identification_marks = from.identification_marks.Clone();
  id.issue_date = from.issue_date.Clone();
  id.expiry_date = from.expiry_date.Clone();
  id.father_name = from.father_name.Clone();
  id.mother_name = from.mother_name.Clone();
  id.spouse_name = from.spouse_name.Clone();
  id.old_id_number = from.old_id_number.Clone();
  id.card_serial = from.card_serial.Clone();
  id.photo_mime = from.photo_mime;
  id.photo = from.photo.Clone();
  id.access_method = from.access_method;
  id.authenticity = from.authenticity;
  return id;
}

core::Expected<CitizenIdentity> FakeIdCardReader::Read(const AccessKey& key,
                                                       const ReadOptions& options,
                                                       std::chrono::milliseconds wait) {
  ++reads_;
  if (!card_) {
    std::this_thread::sleep_for(wait);
    return Error::NeedsPerson("card.absent", "no card was placed on the reader");
  }
  if (next_failure_) {
    Error failure = std::move(*next_failure_);
    next_failure_.reset();
    return failure;
  }
  const CitizenIdentity& chip = card_->identity;
  const std::string& number = chip.id_number.Reveal();
  Report(options, "access", 0);
  // As ChipReader: PACE with the CAN when the chip offers it, else BAC.
  std::string method;
  Error refused = Error::NeedsPerson("card.wrong_key", "no key to open the chip");
  if (card_->pace && key.Can()) {
    if (number.size() == 12 && *key.Can() == number.substr(6)) {
      method = "PACE-CAN";
    } else {
      refused = Error::NeedsPerson("card.wrong_key", "the chip refused the CAN (PACE)");
    }
  }
  if (method.empty()) {
    if (key.BacCandidates().empty()) return refused;
    for (const auto& candidate : key.BacCandidates()) {
      if (Opens(candidate, chip)) method = "BAC";
    }
    if (method.empty()) {
      return Error::NeedsPerson(
          "card.wrong_key",
          "no BAC key opened the chip (" + std::to_string(key.BacCandidates().size()) + " tried)");
    }
  }
  Report(options, "access", 10);
  if (!key.IdNumber().Reveal().empty() && key.IdNumber().Reveal() != number) {
    return Error::NeedsPerson("card.mismatch",
                              "the chip belongs to another ID number than the key");
  }
  CitizenIdentity id = CloneIdentity(chip);
  id.access_method = method;
  Report(options, "DG13", 25);
  if (options.read_photo) {
    Report(options, "DG2", 75);
  } else {
    id.photo_mime.clear();
    id.photo = core::Personal<std::vector<std::uint8_t>>(std::vector<std::uint8_t>());
  }
  if (!options.active_authentication) {
    id.authenticity.active_authentication = {CheckState::kNotChecked, "not requested"};
  }
  Report(options, "done", 100);
  return id;
}

}  // namespace kiosk::idcard
