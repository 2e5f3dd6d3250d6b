#pragma once

// The scanner over SANE, the interface every Linux scanner driver speaks.
// Devices are discovered by name ("vendor_backend:bus:address"); options are
// set by their SANE names, whatever the backend's type for them; statuses
// map to the domain's errors. The simulator is SANE itself: the `pnm`
// backend reads generated pages, the `test` backend stresses, both enabled
// by a private SANE_CONFIG_DIR.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/scanner/scanner.h"

namespace kiosk::scanner {

struct ScannerDevice {
  std::string name;  // to open it: "pnm:0", "genesys:libusb:001:004"
  std::string vendor;
  std::string model;
  std::string type;
};

struct ScanSettings {
  int dpi = 300;        // the nearest the device offers
  bool color = false;   // grey otherwise
  bool feeder = false;  // the document feeder instead of the flatbed, if offered
  bool duplex = false;  // both sides, if the feeder offers it
  // Device-specific options by SANE name ("filename" for the pnm backend).
  std::map<std::string, std::string> options;
};

// What SANE says about a frame, and the bytes it sent: turned into 8-bit
// pixels. Separate from the device so a fuzzer can feed it anything.
struct FrameParameters {
  bool rgb = false;  // SANE_FRAME_RGB; else SANE_FRAME_GRAY
  int depth = 8;     // 1, 8 or 16 bits a sample
  int bytes_per_line = 0;
  int pixels_per_line = 0;
  int lines = 0;  // -1: unknown (hand scanners)
};
core::Expected<ScannedPage> AssembleFrame(const FrameParameters& p, const Bytes& data, int dpi);

// Maps a SANE_Status to the domain's error ("scanner.jammed" ...).
core::Error ErrorForSaneStatus(int status, const std::string& doing);

class SaneScanner final : public Scanner {
 public:
  static core::Expected<std::vector<ScannerDevice>> Discover();
  // Opens `device` (empty: the first one found) and applies `settings`.
  static core::Expected<std::unique_ptr<SaneScanner>> Open(const std::string& device,
                                                           const ScanSettings& settings);
  ~SaneScanner() override;

  core::Expected<ScannedPage> ScanPage(const std::function<void(int percent)>& progress) override;
  // From any thread: the scan in progress stops with "scanner.cancelled".
  void Cancel() { cancel_.store(true); }

  // What the device offers.
  const std::vector<int>& Resolutions() const { return resolutions_; }
  const std::vector<std::string>& Sources() const { return sources_; }
  const std::vector<std::string>& Modes() const { return modes_; }
  int dpi() const { return dpi_; }

 private:
  struct Handle;
  explicit SaneScanner(std::unique_ptr<Handle> handle);
  core::Expected<void> Apply(const ScanSettings& settings);
  core::Expected<void> SetOption(const std::string& name, const std::string& value);

  std::unique_ptr<Handle> handle_;
  std::atomic<bool> cancel_{false};
  std::vector<int> resolutions_;
  std::vector<std::string> sources_;
  std::vector<std::string> modes_;
  int dpi_ = 0;
  bool feeder_ = false;
};

}  // namespace kiosk::scanner
