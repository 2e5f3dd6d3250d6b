// The printer over USB with libusb: find the board profile's VID:PID, pick
// its printer-class (7) or vendor-specific (0xFF) interface with a bulk OUT
// and a bulk IN endpoint, take it from the kernel's usblp driver, claim it,
// and move bytes with bulk transfers under deadlines.

#include <libusb.h>

#include <algorithm>
#include <cstdio>

#include "kiosk/printer/transport.h"

namespace kiosk::printer {

namespace {

struct Endpoints {
  int interface = -1;
  unsigned char out = 0;
  unsigned char in = 0;
  std::size_t out_packet = 64;
};

// The first interface of the active configuration that can print.
bool FindEndpoints(libusb_device* device, Endpoints& found) {
  libusb_config_descriptor* config = nullptr;
  if (libusb_get_active_config_descriptor(device, &config) != 0) {
    if (libusb_get_config_descriptor(device, 0, &config) != 0) return false;
  }
  bool ok = false;
  for (int i = 0; i < config->bNumInterfaces && !ok; ++i) {
    const libusb_interface& iface = config->interface[i];
    for (int a = 0; a < iface.num_altsetting && !ok; ++a) {
      const libusb_interface_descriptor& d = iface.altsetting[a];
      if (d.bInterfaceClass != LIBUSB_CLASS_PRINTER &&
          d.bInterfaceClass != LIBUSB_CLASS_VENDOR_SPEC) {
        continue;
      }
      Endpoints e;
      e.interface = d.bInterfaceNumber;
      for (int k = 0; k < d.bNumEndpoints; ++k) {
        const libusb_endpoint_descriptor& ep = d.endpoint[k];
        if ((ep.bmAttributes & 0x03) != LIBUSB_TRANSFER_TYPE_BULK) continue;
        if (ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) {
          if (!e.in) e.in = ep.bEndpointAddress;
        } else if (!e.out) {
          e.out = ep.bEndpointAddress;
          e.out_packet = ep.wMaxPacketSize ? ep.wMaxPacketSize : 64;
        }
      }
      if (e.out) {
        found = e;
        ok = true;
      }
    }
  }
  libusb_free_config_descriptor(config);
  return ok;
}

// libusb reads a timeout of 0 as "wait for ever": the shortest wait is 1 ms.
unsigned Deadline(std::chrono::milliseconds timeout) {
  return static_cast<unsigned>(std::max<std::int64_t>(1, timeout.count()));
}

core::Error UsbError(int rc, const std::string& during) {
  const std::string message = during + ": " + libusb_error_name(rc);
  if (rc == LIBUSB_ERROR_NO_DEVICE) return core::Error::Retryable("printer.unplugged", message);
  if (rc == LIBUSB_ERROR_TIMEOUT) return core::Error::Retryable("printer.timeout", message);
  if (rc == LIBUSB_ERROR_ACCESS || rc == LIBUSB_ERROR_BUSY) {
    return core::Error::NeedsPerson("printer.access", message);
  }
  return core::Error::Retryable("printer.offline", message);
}

class UsbTransport final : public Transport {
 public:
  UsbTransport(libusb_context* context, libusb_device_handle* handle, Endpoints endpoints,
               std::string name)
      : context_(context), handle_(handle), endpoints_(endpoints), name_(std::move(name)) {}
  ~UsbTransport() override {
    libusb_release_interface(handle_, endpoints_.interface);
    libusb_close(handle_);
    libusb_exit(context_);
  }

  core::Status Write(core::ByteView data, std::chrono::milliseconds timeout) override {
    std::size_t done = 0;
    while (done < data.size()) {
      const std::size_t chunk = std::min<std::size_t>(data.size() - done, 16 * 1024);
      int sent = 0;
      const int rc = libusb_bulk_transfer(handle_, endpoints_.out,
                                          const_cast<unsigned char*>(data.data() + done),
                                          static_cast<int>(chunk), &sent, Deadline(timeout));
      done += static_cast<std::size_t>(sent);
      if (rc == LIBUSB_ERROR_TIMEOUT && sent > 0) continue;  // partial: the printer is busy
      if (rc != 0) return UsbError(rc, "bulk OUT to " + name_);
    }
    return core::Ok();
  }

  core::Expected<core::Bytes> Read(std::size_t max, std::chrono::milliseconds timeout) override {
    if (!endpoints_.in) return core::Bytes{};
    core::Bytes out(std::max<std::size_t>(max, 64));  // a whole packet, or libusb overflows
    int got = 0;
    const int rc = libusb_bulk_transfer(handle_, endpoints_.in, out.data(),
                                        static_cast<int>(out.size()), &got, Deadline(timeout));
    if (rc == LIBUSB_ERROR_TIMEOUT) return core::Bytes{};
    if (rc != 0) return UsbError(rc, "bulk IN from " + name_);
    out.resize(std::min<std::size_t>(static_cast<std::size_t>(got), max));
    return out;
  }

  bool Bidirectional() const override { return endpoints_.in != 0; }
  std::string Describe() const override { return name_; }

 private:
  libusb_context* context_;
  libusb_device_handle* handle_;
  Endpoints endpoints_;
  std::string name_;
};

}  // namespace

core::Expected<std::unique_ptr<Transport>> OpenUsbTransport(const UsbMatch& match) {
  char name[32];
  std::snprintf(name, sizeof name, "usb:%04x:%04x", match.vendor_id, match.product_id);
  libusb_context* context = nullptr;
  if (const int rc = libusb_init(&context); rc != 0) return UsbError(rc, "libusb_init");
  libusb_device** list = nullptr;
  const ssize_t count = libusb_get_device_list(context, &list);
  libusb_device* chosen = nullptr;
  for (ssize_t i = 0; i < count; ++i) {
    libusb_device_descriptor d{};
    if (libusb_get_device_descriptor(list[i], &d) != 0) continue;
    if (d.idVendor == match.vendor_id && d.idProduct == match.product_id) {
      chosen = libusb_ref_device(list[i]);
      break;
    }
  }
  if (count >= 0) libusb_free_device_list(list, 1);
  if (!chosen) {
    libusb_exit(context);
    return core::Error::Retryable("printer.absent", std::string("no USB device ") + name);
  }
  Endpoints endpoints;
  const bool printable = FindEndpoints(chosen, endpoints);
  libusb_device_handle* handle = nullptr;
  const int opened = printable ? libusb_open(chosen, &handle) : LIBUSB_ERROR_NOT_SUPPORTED;
  libusb_unref_device(chosen);
  if (opened != 0) {
    libusb_exit(context);
    if (!printable) {
      return core::Error::NeedsPerson("printer.unsupported",
                                      std::string(name) + " has no printer interface");
    }
    return UsbError(opened, std::string("opening ") + name);
  }
  // usblp holds printer-class interfaces; take it back for the time we hold it.
  libusb_set_auto_detach_kernel_driver(handle, 1);
  if (const int rc = libusb_claim_interface(handle, endpoints.interface); rc != 0) {
    libusb_close(handle);
    libusb_exit(context);
    return UsbError(rc, std::string("claiming ") + name);
  }
  return std::unique_ptr<Transport>(
      std::make_unique<UsbTransport>(context, handle, endpoints, name));
}

}  // namespace kiosk::printer
