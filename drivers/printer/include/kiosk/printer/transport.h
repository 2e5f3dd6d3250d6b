#pragma once

// How bytes reach the printer, and its status comes back:
//   usb:VVVV:PPPP   libusb: the printer-class (7) or vendor (0xFF) interface
//                   of the device the board profile names, bulk OUT and IN
//   tcp:HOST:PORT   a network printer's raw port (9100)
//   file:PATH       appends the job to a file (no status: always "ready")
// Every wait has a deadline. A transport that failed is dropped and a new one
// opened for the next job, which is how an unplugged printer comes back.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"

namespace kiosk::printer {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual core::Status Write(core::ByteView data, std::chrono::milliseconds timeout) = 0;
  // Up to `max` bytes, waiting up to `timeout` for the first; an empty
  // result when nothing came.
  virtual core::Expected<core::Bytes> Read(std::size_t max, std::chrono::milliseconds timeout) = 0;
  virtual bool Bidirectional() const = 0;
  virtual std::string Describe() const = 0;
};

using TransportFactory = std::function<core::Expected<std::unique_ptr<Transport>>()>;

core::Expected<std::unique_ptr<Transport>> OpenFileTransport(const std::filesystem::path& path);
core::Expected<std::unique_ptr<Transport>> OpenTcpTransport(const std::string& host,
                                                            std::uint16_t port,
                                                            std::chrono::milliseconds timeout);

struct UsbMatch {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
};
// "printer.absent" when no such device is attached; "printer.access" when it
// cannot be opened or claimed.
core::Expected<std::unique_ptr<Transport>> OpenUsbTransport(const UsbMatch& match);

// A factory from an address as above; "printer.address" if it is not one.
core::Expected<TransportFactory> TransportFor(const std::string& address);

}  // namespace kiosk::printer
