#include "kiosk/camera/sim/sim_camera.h"

#include <cctype>
#include <fstream>

#include "kiosk/camera/fake_camera.h"
#include "kiosk/core/text.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/scanner/sim/card_photo.h"

namespace kiosk::camera::sim {

namespace {

// "dd/mm/yyyy" to "ddmmyyyy".
std::string Digits(const std::string& date) {
  std::string out;
  for (char c : date) {
    if (c != '/') out += c;
  }
  return out;
}

// "ddmmyyyy" to "yymmdd".
std::string YyMmDd(const std::string& digits) {
  return digits.substr(6, 2) + digits.substr(2, 2) + digits.substr(0, 2);
}

}  // namespace

core::Expected<scanner::sim::SyntheticIdentity> PersonaIdentity(
    const idcard::sim::Persona& persona) {
  scanner::sim::SyntheticIdentity who;
  who.id_number = persona.id_number;
  who.full_name = persona.full_name;
  who.birth_date = Digits(persona.birth_date);
  who.sex = persona.sex;
  who.address = persona.residence;
  who.issue_date = Digits(persona.issue_date);
  if (who.birth_date.size() != 8) {
    return core::Error::NeedsPerson("persona.invalid",
                                    persona.name + ": birth_date is not dd/mm/yyyy");
  }
  const std::string expiry = Digits(persona.expiry_date);
  who.expiry_yymmdd = expiry.size() == 8 ? YyMmDd(expiry) : "991231";
  std::string name = persona.mrz_name;
  if (name.empty()) {
    name = core::FoldToAscii(persona.full_name).ValueOr("");
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  KIOSK_ASSIGN_OR_RETURN(
      who.mrz, idcard::FormatCccdTd1(who.id_number, YyMmDd(who.birth_date),
                                     who.sex == "Nam" ? 'M' : 'F', who.expiry_yymmdd, name));
  who.qr_payload = who.id_number + "|" + persona.old_id_number + "|" + who.full_name + "|" +
                   who.birth_date + "|" + who.sex + "|" + who.address + "|" + who.issue_date;
  return who;
}

core::Expected<std::unique_ptr<SimCamera>> SimCamera::Create(const idcard::sim::Persona& persona,
                                                             std::filesystem::path tray,
                                                             std::uint64_t seed) {
  KIOSK_ASSIGN_OR_RETURN(const auto who, PersonaIdentity(persona));
  std::unique_ptr<SimCamera> camera(new SimCamera());
  KIOSK_ASSIGN_OR_RETURN(
      camera->front_, scanner::sim::RenderCardFace(who, scanner::sim::CardFace::kFront2021, seed));
  KIOSK_ASSIGN_OR_RETURN(
      camera->back_, scanner::sim::RenderCardFace(who, scanner::sim::CardFace::kBack2021, seed));
  camera->tray_ = std::move(tray);
  camera->seed_ = seed;
  return camera;
}

core::Expected<cv::Mat> SimCamera::Frame() {
  std::string side = "front";
  if (std::ifstream in(tray_); in) in >> side;
  const std::uint64_t seed = seed_++;
  if (side == "none") return EmptyTray();
  const cv::Mat& card = side == "back" ? back_ : front_;
  return scanner::sim::Photograph(card, scanner::sim::RandomCameraShot(seed), seed);
}

}  // namespace kiosk::camera::sim
