// kiosk-cardread: read and verify a chip ID card on a PC/SC reader, for
// technicians and for testing the reader on a kiosk.
//
//   kiosk-cardread [--reader NAME] [--wait SECONDS] [--csca DIR] [--photo FILE]
//                  [--no-photo] (--qr TEXT | --mrz TEXT | --can DIGITS |
//                  --id DIGITS [--dob YYMMDD] [--expiry YYMMDD])
//
// Prints the identity, the authenticity report, per-phase timings and the
// APDU count as JSON on stdout. Exit status: 0 read and verified (or not
// verifiable), 2 bad usage, 3 no reader, 4 no card, 5 wrong key, 6 card
// removed, 7 read error, 8 verification failed.

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/log.h"
#include "kiosk/core/random.h"
#include "kiosk/core/usage.h"
#include "kiosk/idcard/chip_reader.h"
#include "kiosk/idcard/pcsc.h"

namespace core = kiosk::core;
namespace idcard = kiosk::idcard;
namespace klog = kiosk::core::log;

namespace {

enum Exit {
  kOk = 0,
  kUsage = 2,
  kNoReader = 3,
  kNoCard = 4,
  kWrongKey = 5,
  kRemoved = 6,
  kReadError = 7,
  kVerificationFailed = 8,
};

int ExitFor(const core::Error& error) {
  const std::string& code = error.Code();
  if (code == "reader.none" || code == "reader.gone" || code == "pcsc.no_service") return kNoReader;
  if (code == "card.absent") return kNoCard;
  if (code == "card.wrong_key" || code == "card.mismatch") return kWrongKey;
  if (code == "card.removed") return kRemoved;
  return kReadError;
}

int Usage(bool asked = false) {
  std::fprintf(
      kiosk::core::UsageStream(asked),
      "usage: kiosk-cardread [--reader NAME] [--wait SECONDS] [--csca DIR] [--photo FILE]\n"
      "                      [--no-photo] (--qr TEXT | --mrz TEXT | --can DIGITS |\n"
      "                      --id DIGITS [--dob YYMMDD] [--expiry YYMMDD])\n");
  return asked ? 0 : kUsage;
}

nlohmann::json Check(const idcard::Check& check) {
  return {{"state", idcard::ToString(check.state)}, {"detail", check.detail}};
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  std::string reader_name, csca_dir, photo_path, qr, mrz, can, id, dob, expiry;
  int wait_seconds = 15;
  bool read_photo = true;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--no-photo") {
      read_photo = false;
      continue;
    }
    if (i + 1 >= args.size()) return Usage();
    std::string& value = args[++i];
    if (a == "--reader")
      reader_name = value;
    else if (a == "--wait")
      wait_seconds = std::stoi(value);
    else if (a == "--csca")
      csca_dir = value;
    else if (a == "--photo")
      photo_path = value;
    else if (a == "--qr")
      qr = value;
    else if (a == "--mrz")
      mrz = value;
    else if (a == "--can")
      can = value;
    else if (a == "--id")
      id = value;
    else if (a == "--dob")
      dob = value;
    else if (a == "--expiry")
      expiry = value;
    else
      return Usage();
  }
  klog::Install(std::make_unique<klog::Logger>(klog::SinkForEnvironment("kiosk-cardread"),
                                               klog::Level::kInfo));

  auto key = !qr.empty()    ? idcard::AccessKey::FromQr(qr, idcard::Date::Today())
             : !mrz.empty() ? idcard::AccessKey::FromMrz(mrz)
             : !can.empty() ? idcard::AccessKey::FromCan(can)
             : !id.empty() ? idcard::AccessKey::FromIdNumber(id, dob, expiry, idcard::Date::Today())
                           : core::Expected<idcard::AccessKey>(
                                 core::Error::NeedsPerson("usage", "no access key given"));
  if (!key) {
    std::fprintf(stderr, "kiosk-cardread: %s\n", key.GetError().ToString().c_str());
    return Usage();
  }
  std::optional<idcard::TrustStore> trust;
  if (!csca_dir.empty()) {
    auto loaded = idcard::TrustStore::LoadDirectory(csca_dir);
    if (!loaded) {
      std::fprintf(stderr, "kiosk-cardread: %s\n", loaded.GetError().ToString().c_str());
      return kUsage;
    }
    trust = std::move(loaded).Value();
  }

  const core::Clock& clock = core::SystemClock();
  const auto started = clock.Monotonic();
  const std::clock_t cpu_started = std::clock();
  auto fail = [](const core::Error& error) {
    klog::Error("cardread.failed", {{"code", error.Code()}, {"error", error.ToString()}});
    std::fprintf(stderr, "kiosk-cardread: %s\n", error.ToString().c_str());
    return ExitFor(error);
  };
  auto context = idcard::PcscContext::Establish();
  if (!context) return fail(context.GetError());
  auto reader = context->WaitForCard(reader_name, std::chrono::seconds(wait_seconds));
  if (!reader) return fail(reader.GetError());
  auto channel = context->Connect(*reader);
  if (!channel) return fail(channel.GetError());
  auto random = core::Drbg::Create(core::AsBytes("kiosk-cardread"));
  if (!random) return fail(random.GetError());

  idcard::ChipReader chip(**channel, clock, **random);
  idcard::ReadOptions options;
  options.read_photo = read_photo;
  options.trust = trust ? &*trust : nullptr;
  options.on_progress = [](const idcard::ReadProgress& p) {
    klog::Info("cardread.progress", {{"phase", p.phase}, {"percent", p.percent}});
  };
  idcard::ReadStats stats;
  auto identity = chip.Read(*key, options, &stats);
  const auto wall =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.Monotonic() - started);
  const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  if (!identity) return fail(identity.GetError());

  const auto& c = *identity;
  nlohmann::json out;
  out["reader"] = *reader;
  out["access"] = {{"method", c.access_method}, {"key_source", key->Source()}};
  out["identity"] = {{"id_number", c.id_number.Reveal()},
                     {"full_name", c.full_name.Reveal()},
                     {"mrz_name", c.mrz_name.Reveal()},
                     {"birth_date", c.birth_date.Reveal()},
                     {"sex", c.sex.Reveal()},
                     {"nationality", c.nationality.Reveal()},
                     {"ethnicity", c.ethnicity.Reveal()},
                     {"religion", c.religion.Reveal()},
                     {"place_of_origin", c.place_of_origin.Reveal()},
                     {"residence", c.residence.Reveal()},
                     {"identification_marks", c.identification_marks.Reveal()},
                     {"issue_date", c.issue_date.Reveal()},
                     {"expiry_date", c.expiry_date.Reveal()},
                     {"father_name", c.father_name.Reveal()},
                     {"mother_name", c.mother_name.Reveal()},
                     {"spouse_name", c.spouse_name.Reveal()},
                     {"old_id_number", c.old_id_number.Reveal()},
                     {"card_serial", c.card_serial.Reveal()},
                     {"photo", {{"mime", c.photo_mime}, {"bytes", c.photo.Reveal().size()}}}};
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& [number, check] : c.authenticity.data_groups) {
    groups["DG" + std::to_string(number)] = Check(check);
  }
  out["authenticity"] = {{"verdict", c.authenticity.Verdict()},
                         {"sod_signature", Check(c.authenticity.sod_signature)},
                         {"certificate_chain", Check(c.authenticity.certificate_chain)},
                         {"data_groups", groups},
                         {"active_authentication", Check(c.authenticity.active_authentication)}};
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& [name, took] : stats.phases) {
    phases.push_back({{"phase", name}, {"ms", static_cast<double>(took.count()) / 1000.0}});
  }
  out["timing"] = {{"wall_ms", wall.count()}, {"cpu_ms", cpu_ms}, {"phases", phases}};
  out["transfer"] = {{"apdus", stats.apdus},
                     {"bytes_sent", stats.bytes_sent},
                     {"bytes_received", stats.bytes_received},
                     {"read_commands", stats.read_commands},
                     {"chunk_retries", stats.chunk_retries},
                     {"file_sizes", stats.file_sizes}};
  if (!photo_path.empty() && !c.photo.Reveal().empty()) {
    std::ofstream photo(photo_path, std::ios::binary | std::ios::trunc);
    photo.write(reinterpret_cast<const char*>(c.photo.Reveal().data()),
                static_cast<std::streamsize>(c.photo.Reveal().size()));
    out["identity"]["photo"]["file"] = photo_path;
  }
  std::printf("%s\n", out.dump(2).c_str());
  klog::Info("cardread.done",
             {{"verdict", c.authenticity.Verdict()}, {"apdus", stats.apdus}, {"wall_ms", wall}});
  return c.authenticity.AnyFailed() ? kVerificationFailed : kOk;
}
