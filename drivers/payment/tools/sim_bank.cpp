// kiosk-sim-bank: the collecting agency's bank, for the demo and the tests.
// It reads the payments the gateway expects, "receives" each transfer as a
// citizen's banking app would make it from the VietQR code (parsed and
// checked, CRC included), and notifies the gateway, signed with the shared
// key.
//
//   kiosk-sim-bank --make-pki DIR
//       bank-ca, bank (its client certificate) and notify.key
//   kiosk-sim-bank --pki DIR --gateway HOST:PORT --gateway-ca FILE
//                  [--scenario pay|underpay|ignore] [--delay-ms 800] [--count N]
//       pays what is pending (N transfers, then exits; 0: until SIGTERM)

#include <csignal>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/http.h"
#include "kiosk/core/usage.h"
#include "kiosk/payment/vietqr.h"

namespace core = kiosk::core;
namespace payment = kiosk::payment;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Usage(bool asked = false) {
  std::fprintf(
      kiosk::core::UsageStream(asked),
      "usage: kiosk-sim-bank --make-pki DIR\n"
      "       kiosk-sim-bank --pki DIR --gateway HOST:PORT --gateway-ca FILE\n"
      "                      [--scenario pay|underpay|ignore] [--delay-ms N] [--count N]\n");
  return asked ? 0 : 2;
}

core::Status MakePki(const std::string& dir, core::RandomSource& random) {
  KIOSK_ASSIGN_OR_RETURN(auto ca, core::MakeDevCa("Kiosk Dev Bank CA", random));
  KIOSK_ASSIGN_OR_RETURN(auto bank, core::MakeDevLeaf(ca, "SIM-BANK-970415", random));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "bank-ca", ca));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "bank", bank));
  KIOSK_ASSIGN_OR_RETURN(auto key, core::RandomBytes(random, 32));
  // The notification key signs payments: readable by its owner only.
  return core::WriteFileAtomically(std::filesystem::path(dir) / "notify.key",
                                   core::AsBytes(core::HexEncode(key)), 0600);
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string pki, gateway, gateway_ca, scenario = "pay";
  int delay_ms = 800;
  int count = 0;
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    const std::string& a = args[i];
    const std::string& v = args[i + 1];
    if (a == "--make-pki") {
      auto random = core::Drbg::Create(core::AsBytes("kiosk-sim-bank"));
      auto made = random ? MakePki(v, **random) : core::Status(random.GetError());
      if (!made) {
        std::fprintf(stderr, "kiosk-sim-bank: %s\n", made.GetError().ToString().c_str());
        return 1;
      }
      return 0;
    } else if (a == "--pki") {
      pki = v;
    } else if (a == "--gateway") {
      gateway = v;
    } else if (a == "--gateway-ca") {
      gateway_ca = v;
    } else if (a == "--scenario") {
      scenario = v;
    } else if (a == "--delay-ms") {
      delay_ms = std::stoi(v);
    } else if (a == "--count") {
      count = std::stoi(v);
    } else {
      return Usage();
    }
  }
  const auto colon = gateway.rfind(':');
  if (pki.empty() || gateway_ca.empty() || colon == std::string::npos || args.size() % 2 != 0 ||
      (scenario != "pay" && scenario != "underpay" && scenario != "ignore")) {
    return Usage();
  }
  const std::string host = gateway.substr(0, colon);
  const auto port = static_cast<std::uint16_t>(std::stoi(gateway.substr(colon + 1)));
  auto identity = core::LoadCertifiedKey(pki, "bank");
  auto trusted = core::LoadCertificateFile(gateway_ca);
  std::ifstream key_in(pki + "/notify.key");
  const std::string key((std::istreambuf_iterator<char>(key_in)), {});
  if (!identity || !trusted || key.size() < 32) {
    std::fprintf(stderr, "kiosk-sim-bank: cannot load the PKI in %s (run --make-pki)\n",
                 pki.c_str());
    return 1;
  }
  core::TlsOptions tls;
  tls.trusted = *trusted;
  tls.identity = core::TlsIdentity{{identity->certificate}, &identity->key};
  tls.server_name = host == "127.0.0.1" ? "localhost" : host;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);

  std::set<std::string> handled;
  int transfers = 0;
  std::printf("kiosk-sim-bank: watching %s for expected payments (%s)\n", gateway.c_str(),
              scenario.c_str());
  std::fflush(stdout);
  while (!g_stop && (count == 0 || transfers < count)) {
    core::HttpRequest list;
    list.target = "/v1/bank/pending";
    auto pending = core::HttpsRequest(host, port, tls, list, 1 << 20);
    if (!pending || pending->status != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      continue;
    }
    const auto items = nlohmann::json::parse(pending->body, nullptr, false);
    for (const auto& item : items.is_array() ? items : nlohmann::json::array()) {
      const std::string reference = item.value("reference", "");
      if (reference.empty() || !handled.insert(reference).second) continue;
      // The citizen's banking app scans the code.
      auto qr = payment::ParseVietQr(item.value("qr", ""));
      if (!qr) {
        std::printf("kiosk-sim-bank: %s: the code does not scan: %s\n", reference.c_str(),
                    qr.GetError().Message().c_str());
        continue;
      }
      std::printf("kiosk-sim-bank: %s: scanned %lld VND to %s/%s\n", reference.c_str(),
                  static_cast<long long>(qr->amount_vnd), qr->bank_bin.c_str(),
                  qr->account.c_str());
      if (scenario == "ignore") continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      const std::int64_t amount = scenario == "underpay" ? qr->amount_vnd - 1000 : qr->amount_vnd;
      const std::string tx = "FT" + std::to_string(core::UnixMillis(core::SystemClock().Now()));
      const nlohmann::json body = {{"transaction_id", tx},
                                   {"amount_vnd", amount},
                                   {"account", qr->account},
                                   {"description", qr->purpose + " chuyen khoan le phi"},
                                   {"paid_at", core::FormatRfc3339(core::SystemClock().Now())}};
      core::HttpRequest notify;
      notify.method = "POST";
      notify.target = "/v1/bank/notifications";
      notify.body = body.dump();
      auto mac = core::Hmac(core::HashAlg::kSha256, core::AsBytes(key), core::AsBytes(notify.body));
      notify.headers = {{"Content-Type", "application/json"},
                        {"X-Signature", mac ? core::HexEncode(*mac) : ""}};
      auto sent = core::HttpsRequest(host, port, tls, notify, 1 << 20);
      std::printf("kiosk-sim-bank: %s: transfer %s of %lld VND -> %s\n", reference.c_str(),
                  tx.c_str(), static_cast<long long>(amount),
                  sent ? sent->body.c_str() : sent.GetError().Message().c_str());
      std::fflush(stdout);
      ++transfers;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return 0;
}
