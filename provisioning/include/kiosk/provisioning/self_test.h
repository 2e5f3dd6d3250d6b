#pragma once

// The technician's self-test: each peripheral checked the way the kiosk uses
// it, with a result a person can act on.
//   card_reader       PC/SC lists the reader; a card on it answers SELECT of
//                     the eMRTD application (the test read)
//   scanner           SANE opens the device and scans a page
//   printer           the printer reports ready and prints a test slip
//   payment_terminal  a TLS handshake with the terminal, with the kiosk's
//                     sale-system certificate
//   display           a connected DRM output, and a touch input device

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::provisioning {

struct CheckResult {
  std::string name;   // "card_reader", ...
  std::string state;  // "ok", "failed", "skipped"
  std::string detail;
};

struct SelfTestSettings {
  std::string reader = "pcsc";  // "pcsc" or "none"
  std::string reader_name;      // empty: the first reader
  std::chrono::milliseconds card_wait{3000};
  std::string scanner = "sane";  // "sane" (the first device), a SANE device name, or "none"
  std::vector<std::string> scanner_options;  // "name=value"
  std::string printer = "none";              // usb:VVVV:PPPP, tcp:HOST:PORT, file:PATH or "none"
  std::string paper = "80mm";
  std::string terminal = "none";  // HOST:PORT of the nexo terminal, or "none"
  std::string terminal_ca, sale_certificate, sale_key;
  std::string display = "auto";  // "auto" (check DRM and input) or "none"
  std::filesystem::path drm_dir = "/sys/class/drm";
  std::filesystem::path input_devices = "/proc/bus/input/devices";
};

// Runs every check, reporting each as it finishes.
std::vector<CheckResult> RunSelfTest(const SelfTestSettings& settings,
                                     const std::function<void(const CheckResult&)>& progress);

bool AllPassed(const std::vector<CheckResult>& results);

// The individual checks.
CheckResult CheckCardReader(const SelfTestSettings& settings);
CheckResult CheckScanner(const SelfTestSettings& settings);
CheckResult CheckPrinter(const SelfTestSettings& settings);
CheckResult CheckPaymentTerminal(const SelfTestSettings& settings);
CheckResult CheckDisplay(const SelfTestSettings& settings);

}  // namespace kiosk::provisioning
