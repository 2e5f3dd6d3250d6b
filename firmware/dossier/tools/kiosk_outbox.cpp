// kiosk-outbox: look into a kiosk's outbox, and (development only) fill it.
//
//   kiosk-outbox list --outbox DIR
//   kiosk-outbox seal-samples --outbox DIR --storage-key FILE --device-key FILE
//                             --kiosk ID [--count N]
//
// `list` shows states, codes and errors: rows hold no personal data.
// `seal-samples` seals synthetic dossiers (an invented citizen and a
// generated one-page attachment) as the kiosk app would.

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/core/usage.h"
#include "kiosk/core/uuid.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"
#include "kiosk/storage/sqlite.h"

namespace core = kiosk::core;
namespace dossier = kiosk::dossier;

namespace {

int Usage(bool asked = false) {
  std::fprintf(
      kiosk::core::UsageStream(asked),
      "usage: kiosk-outbox list --outbox DIR\n"
      "       kiosk-outbox seal-samples --outbox DIR --storage-key FILE --device-key FILE\n"
      "                    --kiosk ID [--count N]\n");
  return asked ? 0 : 2;
}

// Read-only: a technician's look never changes the outbox the app and the
// agent are using (no recovery, no files created, no owner changed).
int List(const std::string& dir) {
  auto fail = [](const core::Error& e) {
    std::fprintf(stderr, "kiosk-outbox: %s\n", e.ToString().c_str());
    return 1;
  };
  auto db = kiosk::storage::Database::OpenReadOnly(std::filesystem::path(dir) / "outbox.db");
  if (!db) return fail(db.GetError());
  kiosk::storage::Statement st(
      db->Handle(),
      "SELECT id, state, procedure_code, attempts, dossier_code, last_error "
      "FROM dossiers ORDER BY id");
  if (auto ready = st.Ready(); !ready) return fail(ready.GetError());
  std::printf("%-36s  %-12s  %-9s  %3s  %-28s  %s\n", "dossier", "state", "procedure", "try",
              "code", "last error");
  while (true) {
    auto row = st.Step();
    if (!row) return fail(row.GetError());
    if (!*row) break;
    std::printf("%-36s  %-12s  %-9s  %3lld  %-28s  %s\n", st.Text(0).c_str(), st.Text(1).c_str(),
                st.Text(2).c_str(), static_cast<long long>(st.Int(3)), st.Text(4).c_str(),
                st.Text(5).c_str());
  }
  return 0;
}

int SealSamples(const std::map<std::string, std::string>& o, int count) {
  auto random = core::Drbg::Create(core::AsBytes("kiosk-outbox"));
  std::ifstream key_in(o.at("--device-key"));
  const std::string key_pem((std::istreambuf_iterator<char>(key_in)), {});
  auto key = core::PrivateKey::FromPem(core::SecretBytes(core::AsBytes(key_pem)));
  auto storage_key = dossier::LoadOrCreateStorageKey(o.at("--storage-key"), **random);
  auto outbox = dossier::Outbox::Open(o.at("--outbox"), core::SystemClock());
  if (!key || !storage_key || !outbox) {
    std::fprintf(stderr, "kiosk-outbox: cannot open the key, the storage key or the outbox\n");
    return 1;
  }
  core::UuidV7Generator ids(core::SystemClock(), **random);
  const auto scan = std::filesystem::path(o.at("--outbox")) / "sample-scan.pdf";
  for (int i = 0; i < count; ++i) {
    {
      // A minimal one-page PDF standing in for a scanned paper.
      std::ofstream pdf(scan, std::ios::binary | std::ios::trunc);
      pdf << "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
          << "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
          << "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
          << "% synthetic sample " << i << "\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    }
    dossier::Dossier d;
    d.id = *ids.Next();
    d.procedure_code = "1.001612";
    d.procedure_version = "2025.1";
    d.receiving_agency = "000.17.22.H56";
    d.kiosk_id = o.at("--kiosk");
    d.applicant.id_number = core::PersonalText(std::string("049090100001"));
    d.applicant.full_name = core::PersonalText(std::string("Nguyễn Văn An"));
    d.applicant.birth_date = core::PersonalText(std::string("15/05/1990"));
    d.applicant.sex = core::PersonalText(std::string("Nam"));
    d.applicant.source = dossier::IdentitySource::kChipVerified;
    d.applicant.authenticity = "authentic";
    dossier::Attachment a;
    a.name = "attachment-01.pdf";
    a.component_code = "TP1";
    a.pages = 1;
    a.source = scan;
    d.attachments.push_back(a);
    d.fees.push_back({"LE_PHI", 8000});
    d.consent = {"consent-vi-2026.1", core::SystemClock().Now()};
    d.started_at = core::SystemClock().Now() - std::chrono::minutes(5);
    d.submitted_at = core::SystemClock().Now();
    auto sealed = outbox->Seal(d, *key, o.at("--kiosk"), *storage_key, **random);
    if (!sealed) {
      std::fprintf(stderr, "kiosk-outbox: %s\n", sealed.GetError().ToString().c_str());
      return 1;
    }
    std::printf("sealed %s (%llu bytes)\n", d.id.ToString().c_str(),
                static_cast<unsigned long long>(sealed->package_size));
  }
  std::filesystem::remove(scan);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage();
  std::map<std::string, std::string> options;
  for (std::size_t i = 1; i + 1 < args.size(); i += 2) options[args[i]] = args[i + 1];
  if (args[0] == "list" && options.contains("--outbox")) return List(options["--outbox"]);
  if (args[0] == "seal-samples" && options.contains("--outbox") &&
      options.contains("--storage-key") && options.contains("--device-key") &&
      options.contains("--kiosk")) {
    const int count = options.contains("--count") ? std::stoi(options["--count"]) : 3;
    return SealSamples(options, count);
  }
  return Usage();
}
