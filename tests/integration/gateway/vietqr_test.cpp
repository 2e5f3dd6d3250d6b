// A fee paid by VietQR end to end: the kiosk's driver shows the code and
// registers the payment with a real kiosk-gateway, through the payment
// mailbox and kiosk-agent's relay as on a kiosk; kiosk-sim-bank scans the
// code, "transfers" and notifies the gateway; the driver learns the payment
// arrived. Also: a transfer of another amount, a code nobody paid until the
// kiosk restarted, forged notifications, and each certificate kept to its
// own endpoints.
#include "test_prelude.h"

#include <sys/stat.h>

#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "kiosk/agent/payment_relay.h"
#include "kiosk/app/relayed_payments.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/payment/vietqr.h"
#include "kiosk/payment/vietqr_payments.h"
#include "postgres.h"
#include "test_support.h"

namespace core = kiosk::core;
namespace payment = kiosk::payment;
using kiosk::test::BackgroundProcess;
using kiosk::test::FreePort;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;

// clang-format off
TEST_GROUP(VietQr) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  TempDir dir;
  std::filesystem::path pki, bank_pki;
  std::uint16_t port = 0;
  std::unique_ptr<BackgroundProcess> gateway;
  std::unique_ptr<BackgroundProcess> bank;
  std::optional<core::CertifiedKey> device;
  std::optional<core::CertifiedKey> bank_identity;
  std::vector<core::Certificate> gateway_ca;
  std::optional<payment::PaymentLedger> ledger;
  core::RealClock clock;
  // kiosk-agent's relay and kiosk-app's side of the mailbox.
  std::unique_ptr<kiosk::agent::PaymentRelay> relay;
  std::unique_ptr<kiosk::agent::PaymentRelayThread> relay_thread;
  std::unique_ptr<kiosk::app::RelayedPayments> relayed;

  void setup() override {
    kiosk::test::StopTrackingAllocations();
    pki = dir.Path() / "pki";
    bank_pki = dir.Path() / "bank";
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "init", pki.string()}).exit_code);
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "device", pki.string(), "QNM-TAMKY-0001"}).exit_code);
    LONGS_EQUAL(0, RunProcess({KIOSK_SIM_BANK_BIN, "--make-pki", bank_pki.string()}).exit_code);
    port = FreePort();
    std::ofstream(dir.Path() / "gateway.toml")
        << "[listen]\naddress = \"127.0.0.1\"\nport = " << port << "\n"
        << "[tls]\ncertificate = \"" << (pki / "gateway.pem").string() << "\"\n"
        << "key = \"" << (pki / "gateway-key.pem").string() << "\"\n"
        << "device_ca = \"" << (pki / "device-ca.pem").string() << "\"\n"
        << "[bank]\nca = \"" << (bank_pki / "bank-ca.pem").string() << "\"\n"
        << "key_file = \"" << (bank_pki / "notify.key").string() << "\"\n"
        << "[storage]\ndir = \"" << (dir.Path() / "gateway").string() << "\"\n"
        << kiosk::test::GatewayStorageLines();
    gateway = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_GATEWAY_BIN, "--config", (dir.Path() / "gateway.toml").string()},
        dir.Path() / "gateway.log");
    if (!gateway->WaitForLog("listening on", std::chrono::seconds(10))) FAIL(gateway->Log().c_str());
    device.emplace(core::LoadCertifiedKey(pki / "devices/QNM-TAMKY-0001", "device").Value());
    bank_identity.emplace(core::LoadCertifiedKey(bank_pki, "bank").Value());
    gateway_ca = core::LoadCertificateFile(pki / "gateway-ca.pem").Value();
    ledger.emplace(payment::PaymentLedger::Open(dir.Path() / "payments.db").Value());
    relay = std::make_unique<kiosk::agent::PaymentRelay>(
        kiosk::link::PaymentMailbox(dir.Path() / "mailbox"),
        [this](const core::HttpRequest& r) {
          return core::HttpsRequest("127.0.0.1", port, Tls(*device), r, 64 * 1024);
        },
        std::chrono::milliseconds(100));
    relay_thread = std::make_unique<kiosk::agent::PaymentRelayThread>(
        *relay, std::chrono::milliseconds(50));
    relayed = std::make_unique<kiosk::app::RelayedPayments>(
        kiosk::link::PaymentMailbox(dir.Path() / "mailbox"));
  }

  void teardown() override {
    relay_thread.reset();
    relay.reset();
    relayed.reset();
    bank.reset();
    gateway.reset();
    ledger.reset();
    kiosk::test::ResumeTrackingAllocations();
  }

  void StartBank(const std::string& scenario) {
    bank = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_SIM_BANK_BIN, "--pki", bank_pki.string(), "--gateway",
                                 "127.0.0.1:" + std::to_string(port), "--gateway-ca",
                                 (pki / "gateway-ca.pem").string(), "--scenario", scenario,
                                 "--delay-ms", "200"},
        dir.Path() / ("bank-" + scenario + ".log"));
    CHECK(bank->WaitForLog("watching", std::chrono::seconds(10)));
  }

  core::TlsOptions Tls(const core::CertifiedKey& who) const {
    core::TlsOptions tls;
    tls.trusted = gateway_ca;
    tls.identity = core::TlsIdentity{{who.certificate}, &who.key};
    tls.server_name = "localhost";
    return tls;
  }

  payment::VietQrOptions Options() const {
    payment::VietQrOptions o;
    o.bank_bin = "970415";
    o.account = "113000123456";
    o.poll_interval = std::chrono::milliseconds(100);
    o.wait_timeout = std::chrono::seconds(15);
    return o;
  }

  payment::TxState StateOf(const std::string& reference) {
    return ledger->ForReference(reference)->back().state;
  }

  core::Expected<core::HttpResponse> Call(const core::CertifiedKey& who, const std::string& method,
                                          const std::string& target, const std::string& body = "",
                                          const core::HttpHeaders& headers = {}) {
    core::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = headers;
    return core::HttpsRequest("127.0.0.1", port, Tls(who), r);
  }
};
// clang-format on

namespace {
constexpr const char* kRef1 = "DVC0123456789ABCDEF0123";
constexpr const char* kRef2 = "DVC00000000000000000002";
constexpr const char* kRef3 = "DVC00000000000000000003";
}  // namespace

// The bank's keys are its own: the simulator writes them for its owner only.
TEST(VietQr, TheBanksKeysAreReadableByTheirOwnerOnly) {
  for (const char* name : {"notify.key", "bank-key.pem", "bank-ca-key.pem"}) {
    struct stat st {};
    LONGS_EQUAL_TEXT(0, ::stat((bank_pki / name).c_str(), &st), name);
    LONGS_EQUAL_TEXT(0600, st.st_mode & 0777, name);
  }
}

TEST(VietQr, TheCodeIsScannedPaidAndConfirmedThroughTheGateway) {
  StartBank("pay");
  payment::VietQrPayments qr(Options(), *relayed, *ledger, clock);
  std::string shown;
  payment::PaymentRequest request{7000, kRef1, "vietqr", {}};
  request.prompt = [&](const payment::PaymentPrompt& p) { shown = p.qr_payload; };
  auto paid = qr.Pay(request);
  CHECK_TEXT(paid.HasValue(), paid ? "" : paid.GetError().ToString().c_str());
  CHECK(paid->transaction_reference.rfind("FT", 0) == 0);
  LONGS_EQUAL(7000, paid->amount_vnd);
  // What the screen showed is a valid VietQR for the agency's account and this dossier.
  auto code = payment::ParseVietQr(shown);
  CHECK(code.HasValue());
  STRCMP_EQUAL("113000123456", code->account.c_str());
  STRCMP_EQUAL(kRef1, code->purpose.c_str());
  LONGS_EQUAL(7000, code->amount_vnd);
  CHECK(StateOf(kRef1) == payment::TxState::kApproved);
  CHECK(qr.Commit(kRef1).HasValue());
  CHECK(StateOf(kRef1) == payment::TxState::kCommitted);
  // Asking again pays nothing more.
  auto again = qr.Pay(request);
  STRCMP_EQUAL(paid->transaction_reference.c_str(), again->transaction_reference.c_str());
  CHECK(qr.RoundTrips() >= 2);
}

TEST(VietQr, ATransferOfAnotherAmountIsLeftForStaff) {
  StartBank("underpay");
  payment::VietQrPayments qr(Options(), *relayed, *ledger, clock);
  auto paid = qr.Pay({7000, kRef2, "vietqr", {}});
  STRCMP_EQUAL("payment.mismatch", paid.GetError().Code().c_str());
  CHECK(StateOf(kRef2) == payment::TxState::kDeclined);
  auto status = Call(*device, "GET", std::string("/v1/payments/") + kRef2);
  CHECK(status.HasValue());
  const auto j = nlohmann::json::parse(status->body);
  STRCMP_EQUAL("mismatch", j["status"].get<std::string>().c_str());
  LONGS_EQUAL(6000, j["paid_vnd"].get<long>());
}

TEST(VietQr, ACodePaidAfterItLeftTheScreenIsFoundAtTheNextStart) {
  StartBank("ignore");
  auto options = Options();
  options.wait_timeout = std::chrono::milliseconds(800);
  {
    payment::VietQrPayments qr(options, *relayed, *ledger, clock);
    auto paid = qr.Pay({7000, kRef3, "vietqr", {}});
    STRCMP_EQUAL("payment.timeout", paid.GetError().Code().c_str());
    CHECK(StateOf(kRef3) == payment::TxState::kUnknown);
  }
  // The citizen paid late; the kiosk restarts and settles its ledger.
  StartBank("pay");
  for (int i = 0; i < 100; ++i) {
    auto status = Call(*device, "GET", std::string("/v1/payments/") + kRef3);
    if (status && status->body.find("\"paid\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  payment::VietQrPayments restarted(options, *relayed, *ledger, clock);
  auto report = restarted.Recover([](const std::string& reference) { return reference == kRef3; });
  CHECK(report.HasValue());
  LONGS_EQUAL(1, report->asked);
  LONGS_EQUAL(1, report->committed);
  CHECK(StateOf(kRef3) == payment::TxState::kCommitted);
}

TEST(VietQr, NotificationsMustBeSignedAndEachSideKeepsToItsEndpoints) {
  const std::string body =
      R"({"transaction_id":"FT1","amount_vnd":7000,"description":"DVC0123456789ABCDEF0123"})";
  auto forged = Call(*bank_identity, "POST", "/v1/bank/notifications", body,
                     {{"X-Signature", std::string(64, '0')}});
  CHECK(forged.HasValue());
  LONGS_EQUAL(401, forged->status);
  // A kiosk cannot read the bank's list nor notify; the bank cannot submit dossiers.
  LONGS_EQUAL(403, Call(*device, "GET", "/v1/bank/pending")->status);
  LONGS_EQUAL(403, Call(*bank_identity, "POST", "/v1/dossiers", "{}")->status);
  LONGS_EQUAL(403, Call(*bank_identity, "GET", std::string("/v1/payments/") + kRef1)->status);
  // A signed notification for an unknown reference is kept as unmatched, once.
  std::ifstream key_in(bank_pki / "notify.key");
  const std::string key((std::istreambuf_iterator<char>(key_in)), {});
  const auto mac = core::Hmac(core::HashAlg::kSha256, core::AsBytes(key), core::AsBytes(body));
  auto signed_once = Call(*bank_identity, "POST", "/v1/bank/notifications", body,
                          {{"X-Signature", core::HexEncode(*mac)}});
  LONGS_EQUAL(200, signed_once->status);
  CHECK(signed_once->body.find("unmatched") != std::string::npos);
  auto twice = Call(*bank_identity, "POST", "/v1/bank/notifications", body,
                    {{"X-Signature", core::HexEncode(*mac)}});
  CHECK(twice->body.find("duplicate") != std::string::npos);
  // References are checked before anything is stored.
  LONGS_EQUAL(400, Call(*device, "PUT", "/v1/payments/not-a-reference", "{}")->status);
}
