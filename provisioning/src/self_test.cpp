#include "kiosk/provisioning/self_test.h"

#include <chrono>

#include "kiosk/core/files.h"
#include "kiosk/core/tls.h"
#include "kiosk/idcard/apdu.h"
#include "kiosk/idcard/pcsc.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/layout.h"
#include "kiosk/printer/transport.h"
#include "kiosk/provisioning/enroll.h"
#include "kiosk/scanner/sane_scanner.h"

namespace kiosk::provisioning {

namespace {

CheckResult Ok(const char* name, std::string detail) { return {name, "ok", std::move(detail)}; }
CheckResult Failed(const char* name, const std::string& detail) { return {name, "failed", detail}; }
CheckResult Skipped(const char* name, std::string detail) {
  return {name, "skipped", std::move(detail)};
}
std::string Why(const core::Error& e) { return e.Code() + ": " + e.Message(); }

}  // namespace

CheckResult CheckCardReader(const SelfTestSettings& s) {
  constexpr const char* kName = "card_reader";
  if (s.reader == "none") return Skipped(kName, "no card reader configured");
  auto context = idcard::PcscContext::Establish();
  if (!context) return Failed(kName, Why(context.GetError()));
  auto readers = context->ListReaders();
  if (!readers) return Failed(kName, Why(readers.GetError()));
  if (readers->empty()) return Failed(kName, "no reader is connected");
  auto reader = context->WaitForCard(s.reader_name, s.card_wait);
  if (!reader) {
    if (reader.GetError().Code() == "card.absent") {
      return Failed(kName, "reader found (" + readers->front() +
                               ") but no card was placed on it for the test read");
    }
    return Failed(kName, Why(reader.GetError()));
  }
  auto channel = context->Connect(*reader);
  if (!channel) return Failed(kName, Why(channel.GetError()));
  // SELECT the eMRTD application (ICAO 9303-10): every CCCD answers 90 00.
  idcard::CommandApdu select;
  select.cla = 0x00;
  select.ins = 0xA4;
  select.p1 = 0x04;
  select.p2 = 0x0C;
  select.data = {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};
  auto answer = (*channel)->Transmit(select);
  if (!answer) return Failed(kName, Why(answer.GetError()));
  if (answer->sw != 0x9000) {
    char sw[8];
    std::snprintf(sw, sizeof sw, "%04X", answer->sw);
    return Failed(kName, std::string("the card refused the eMRTD application: SW ") + sw);
  }
  return Ok(kName, "reader " + *reader + ": the card answered the test read");
}

CheckResult CheckScanner(const SelfTestSettings& s) {
  constexpr const char* kName = "scanner";
  if (s.scanner == "none") return Skipped(kName, "no scanner configured");
  scanner::ScanSettings settings;
  settings.dpi = 150;
  for (const auto& option : s.scanner_options) {
    const auto eq = option.find('=');
    if (eq != std::string::npos) settings.options[option.substr(0, eq)] = option.substr(eq + 1);
  }
  auto device = scanner::SaneScanner::Open(s.scanner == "sane" ? "" : s.scanner, settings);
  if (!device) return Failed(kName, Why(device.GetError()));
  auto page = (*device)->ScanPage([](int) {});
  if (!page) return Failed(kName, Why(page.GetError()));
  return Ok(kName, "test page scanned: " + std::to_string(page->width) + "×" +
                       std::to_string(page->height) + " pixels at " + std::to_string(page->dpi) +
                       " dpi");
}

CheckResult CheckPrinter(const SelfTestSettings& s) {
  constexpr const char* kName = "printer";
  if (s.printer == "none") return Skipped(kName, "no printer configured");
  auto open = printer::TransportFor(s.printer);
  if (!open) return Failed(kName, Why(open.GetError()));
  auto paper = printer::PaperByName(s.paper);
  if (!paper) return Failed(kName, Why(paper.GetError()));
  auto renderer = printer::SlipRenderer::Open(*paper);
  if (!renderer) return Failed(kName, Why(renderer.GetError()));
  printer::EscPosPrinter device(*open, std::move(renderer).Value());
  const auto status = device.Status();
  if (status != printer::PrinterStatus::kReady && status != printer::PrinterStatus::kPaperNearEnd) {
    return Failed(kName, std::string("the printer is not ready: ") + printer::ToString(status));
  }
  printer::Slip slip;
  slip.kind = "test";
  slip.blocks.push_back({printer::Block::Kind::kText, "KIỂM TRA MÁY IN", printer::TextStyle::kTitle,
                         printer::Align::kCenter});
  slip.blocks.push_back({printer::Block::Kind::kText,
                         "Tiếng Việt có dấu: ă â đ ê ô ơ ư — ẮẰẲẴẶ ỐỒỔỖỘ",
                         printer::TextStyle::kBody});
  slip.blocks.push_back({printer::Block::Kind::kRule, ""});
  slip.blocks.push_back({printer::Block::Kind::kQr, "KIOSK-SELF-TEST"});
  if (auto printed = device.PrintSlip(slip); !printed)
    return Failed(kName, Why(printed.GetError()));
  return Ok(kName, std::string("test slip printed; paper ") +
                       (status == printer::PrinterStatus::kPaperNearEnd ? "near its end" : "ok"));
}

CheckResult CheckPaymentTerminal(const SelfTestSettings& s) {
  constexpr const char* kName = "payment_terminal";
  if (s.terminal == "none") return Skipped(kName, "no payment terminal configured");
  auto address = ParseHostPort(s.terminal);
  if (!address) return Failed(kName, Why(address.GetError()));
  auto ca = core::LoadCertificateFile(s.terminal_ca);
  auto chain = core::LoadCertificateFile(s.sale_certificate);
  auto key = core::LoadPrivateKeyFile(s.sale_key);
  if (!ca) return Failed(kName, Why(ca.GetError()));
  if (!chain) return Failed(kName, Why(chain.GetError()));
  if (!key) return Failed(kName, Why(key.GetError()));
  core::TlsOptions tls;
  tls.trusted = *ca;
  tls.identity = core::TlsIdentity{*chain, &*key};
  tls.connect_timeout = std::chrono::seconds(3);
  const auto start = std::chrono::steady_clock::now();
  auto connection = core::TlsConnect(address->host, address->port, tls);
  if (!connection) return Failed(kName, Why(connection.GetError()));
  connection->Close();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  return Ok(kName, "reachable at " + s.terminal + " (mutual TLS in " + std::to_string(ms) + " ms)");
}

CheckResult CheckDisplay(const SelfTestSettings& s) {
  constexpr const char* kName = "display";
  if (s.display == "none") return Skipped(kName, "no display check on this machine");
  std::string connector;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(s.drm_dir, ec)) {
    auto status = core::ReadSmallFile(entry.path() / "status", 64);
    if (status && status->rfind("connected", 0) == 0) {
      connector = entry.path().filename().string();
      break;
    }
  }
  if (connector.empty())
    return Failed(kName, "no connected display output under " + s.drm_dir.string());
  // A touch screen reports absolute multi-touch positions (ABS_MT_POSITION_X, bit 53).
  auto devices = core::ReadSmallFile(s.input_devices, 1024 * 1024);
  std::string touch;
  if (devices) {
    std::string name;
    std::size_t pos = 0;
    while (pos < devices->size()) {
      const auto end = devices->find('\n', pos);
      const std::string line =
          devices->substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      if (line.rfind("N: Name=", 0) == 0) name = line.substr(8);
      if (line.rfind("B: ABS=", 0) == 0) {
        const std::string bits = line.substr(7);
        // The lowest word holds bits 0-63 when it is the last group.
        const auto last = bits.rfind(' ');
        const unsigned long long word = std::strtoull(
            bits.substr(last == std::string::npos ? 0 : last + 1).c_str(), nullptr, 16);
        if ((word >> 53) & 1ULL) touch = name;
      }
      if (end == std::string::npos) break;
      pos = end + 1;
    }
  }
  if (touch.empty())
    return Failed(kName, "display " + connector + " connected, but no touch input");
  return Ok(kName, "display " + connector + ", touch " + touch);
}

std::vector<CheckResult> RunSelfTest(const SelfTestSettings& settings,
                                     const std::function<void(const CheckResult&)>& progress) {
  std::vector<CheckResult> results;
  for (auto check :
       {CheckCardReader, CheckScanner, CheckPrinter, CheckPaymentTerminal, CheckDisplay}) {
    results.push_back(check(settings));
    if (progress) progress(results.back());
  }
  return results;
}

bool AllPassed(const std::vector<CheckResult>& results) {
  for (const auto& r : results) {
    if (r.state == "failed") return false;
  }
  return true;
}

}  // namespace kiosk::provisioning
