// The printer's libusb transport against an emulated USB printer: umockdev
// provides the device in sysfs (descriptors of a printer-class interface
// with bulk OUT 0x01 and bulk IN 0x82, VID:PID 0416:5011 like the common
// POS-58 clones) and answers the usbdevfs ioctls that libusb sends; the bytes
// sent to the OUT endpoint go into the ESC/POS interpreter, whose status
// replies come back on the IN endpoint. Runs under umockdev-wrapper.
//
// Checked: the driver finds and claims the device, reads its status, prints
// a receipt (the interpreter gets a whole sheet), sees paper out, goes
// offline when unplugged and reconnects when plugged back, and an absent
// VID:PID is offline.
#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <umockdev.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>

#include "kiosk/core/log.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/escpos_sim.h"
#include "kiosk/printer/samples.h"

namespace printer = kiosk::printer;

namespace {

int failures = 0;

void Check(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

// The emulated printer behind the usbdevfs ioctls.
struct UsbPrinter {
  std::mutex mutex;
  printer::EscPosInterpreter sim{576};
  kiosk::core::Bytes replies;                   // status bytes waiting for an IN transfer
  std::deque<UMockdevIoctlData*> in_flight_in;  // IN URBs waiting for bytes
  std::deque<UMockdevIoctlData*> done;          // URBs ready to be reaped
  std::deque<UMockdevIoctlData*> discarded;
  bool unplugged = false;  // every ioctl fails with ENODEV, as after an unplug

  // Completes waiting IN URBs with whatever reply bytes there are.
  void FeedIn() {
    while (!in_flight_in.empty() && !replies.empty()) {
      UMockdevIoctlData* urb_data = in_flight_in.front();
      in_flight_in.pop_front();
      auto* urb = reinterpret_cast<usbdevfs_urb*>(urb_data->data);
      g_autoptr(UMockdevIoctlData) buffer =
          umockdev_ioctl_data_resolve(urb_data, G_STRUCT_OFFSET(usbdevfs_urb, buffer),
                                      static_cast<gsize>(urb->buffer_length), nullptr);
      const std::size_t n =
          std::min<std::size_t>(replies.size(), static_cast<std::size_t>(urb->buffer_length));
      std::memcpy(buffer->data, replies.data(), n);
      replies.erase(replies.begin(), replies.begin() + static_cast<std::ptrdiff_t>(n));
      urb->actual_length = static_cast<int>(n);
      urb->status = 0;
      done.push_back(urb_data);
    }
  }
};

gboolean HandleIoctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, UsbPrinter* printer) {
  const gulong request = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  std::lock_guard lock(printer->mutex);
  if (printer->unplugged) {
    umockdev_ioctl_client_complete(client, -1, ENODEV);
    return TRUE;
  }
  switch (request) {
    case USBDEVFS_GET_CAPABILITIES: {
      g_autoptr(UMockdevIoctlData) d =
          umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), nullptr);
      *reinterpret_cast<guint32*>(d->data) =
          USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
          USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    }
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    case USBDEVFS_GETDRIVER:  // no kernel driver bound (usblp absent)
    case USBDEVFS_IOCTL:      // USBDEVFS_DISCONNECT: nothing to detach
      umockdev_ioctl_client_complete(client, -1, ENODATA);
      return TRUE;
    case USBDEVFS_DISCONNECT_CLAIM:  // libusb's auto-detach: detach usblp, then claim
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    case USBDEVFS_SUBMITURB: {
      g_autoptr(UMockdevIoctlData) urb_data =
          umockdev_ioctl_data_resolve(arg, 0, sizeof(usbdevfs_urb), nullptr);
      auto* urb = reinterpret_cast<usbdevfs_urb*>(urb_data->data);
      if (urb->type != USBDEVFS_URB_TYPE_BULK) return FALSE;
      if (urb->endpoint == 0x01) {
        g_autoptr(UMockdevIoctlData) buffer =
            umockdev_ioctl_data_resolve(urb_data, G_STRUCT_OFFSET(usbdevfs_urb, buffer),
                                        static_cast<gsize>(urb->buffer_length), nullptr);
        auto reply = printer->sim.Feed(
            kiosk::core::ByteView(buffer->data, static_cast<std::size_t>(urb->buffer_length)));
        printer->replies.insert(printer->replies.end(), reply.begin(), reply.end());
        urb->actual_length = urb->buffer_length;
        urb->status = 0;
        printer->done.push_back(umockdev_ioctl_data_ref(urb_data));
      } else if (urb->endpoint == 0x82) {
        printer->in_flight_in.push_back(umockdev_ioctl_data_ref(urb_data));
      } else {
        umockdev_ioctl_client_complete(client, -1, EINVAL);
        return TRUE;
      }
      printer->FeedIn();
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    }
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY: {
      UMockdevIoctlData* urb_data = nullptr;
      if (!printer->discarded.empty()) {
        urb_data = printer->discarded.front();
        printer->discarded.pop_front();
        reinterpret_cast<usbdevfs_urb*>(urb_data->data)->status = -ENOENT;
      } else if (!printer->done.empty()) {
        urb_data = printer->done.front();
        printer->done.pop_front();
      }
      if (urb_data == nullptr) {
        umockdev_ioctl_client_complete(client, -1, EAGAIN);
        return TRUE;
      }
      g_autoptr(UMockdevIoctlData) pointer =
          umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), nullptr);
      umockdev_ioctl_data_set_ptr(pointer, 0, urb_data);
      umockdev_ioctl_data_unref(urb_data);
      umockdev_ioctl_client_complete(client, 0, 0);
      return TRUE;
    }
    case USBDEVFS_DISCARDURB: {
      const auto address = reinterpret_cast<gulong>(*reinterpret_cast<void**>(arg->data));
      for (auto it = printer->in_flight_in.begin(); it != printer->in_flight_in.end(); ++it) {
        if ((*it)->client_addr == address) {
          printer->discarded.push_back(*it);
          printer->in_flight_in.erase(it);
          umockdev_ioctl_client_complete(client, 0, 0);
          return TRUE;
        }
      }
      umockdev_ioctl_client_complete(client, -1, EINVAL);
      return TRUE;
    }
    default:
      std::fprintf(stderr, "usb_printer_test: unemulated ioctl 0x%lx\n", request);
      return FALSE;
  }
}

}  // namespace

int main() {
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload == nullptr || std::strstr(preload, "libumockdev-preload") == nullptr) {
    std::fprintf(stderr, "usb_printer_test: run it under umockdev-wrapper\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  kiosk::core::log::ScopedCapture quiet(kiosk::core::log::Level::kError);
  UsbPrinter device;
  UMockdevTestbed* testbed = umockdev_testbed_new();
  UMockdevIoctlBase* handler = umockdev_ioctl_base_new();
  g_signal_connect(handler, "handle-ioctl", G_CALLBACK(HandleIoctl), &device);
  Check(umockdev_testbed_attach_ioctl(testbed, "/dev/bus/usb/001/002", handler, nullptr),
        "usbdevfs ioctls of /dev/bus/usb/001/002 are emulated");
  umockdev_testbed_add_from_string(
      testbed,
      "P: /devices/usb1/1-1\n"
      "N: bus/usb/001/002\n"
      "E: SUBSYSTEM=usb\n"
      "E: DEVTYPE=usb_device\n"
      "E: DRIVER=usb\n"
      "E: BUSNUM=001\n"
      "E: DEVNUM=002\n"
      "E: DEVNAME=/dev/bus/usb/001/002\n"
      "A: busnum=1\\n\n"
      "A: devnum=2\\n\n"
      "A: speed=12\\n\n"
      "A: bConfigurationValue=1\\n\n"
      // device: USB 2.0, 0416:5011; config: one printer-class interface
      // (7/1/2, bidirectional) with bulk OUT 0x01 and bulk IN 0x82, 64 bytes
      "H: descriptors=12010002000000401604115000010102030109022000010100c0320904000002070102"
      "000705010240000007058202400000\n",
      nullptr);

  {  // the printers close their USB handles before the testbed goes
    auto open = printer::TransportFor("usb:0416:5011");
    Check(open.HasValue(), "the address usb:0416:5011 is understood");
    printer::EscPosPrinter usb(*open,
                               std::move(printer::SlipRenderer::Open(printer::Paper80())).Value());
    Check(usb.Status() == printer::PrinterStatus::kReady,
          "status over the bulk IN endpoint: ready");
    auto printed = usb.Print(printer::SampleReceipt());
    Check(printed.HasValue(),
          printed ? "a receipt printed over USB"
                  : ("a receipt printed over USB: " + printed.GetError().ToString()).c_str());
    {
      std::lock_guard lock(device.mutex);
      auto sheets = device.sim.TakeSheets();
      Check(sheets.size() == 1 && sheets[0].height > 1000, "the printer got one whole sheet");
      Check(device.sim.Errors().empty(), "every command was understood");
      device.sim.SetPaperLeft(0);
    }
    Check(usb.Status() == printer::PrinterStatus::kPaperOut, "paper out is read back");
    Check(usb.Print(printer::SampleTicket()).GetError().Code() == "printer.paper_out",
          "nothing is sent while the paper is out");
    {
      std::lock_guard lock(device.mutex);
      device.sim.SetPaperLeft(-1);
      device.unplugged = true;
    }
    Check(usb.Status() == printer::PrinterStatus::kOffline, "unplugged: offline");
    {
      std::lock_guard lock(device.mutex);
      device.unplugged = false;
    }
    Check(usb.Status() == printer::PrinterStatus::kReady, "plugged back: the link is reopened");
    Check(usb.Print(printer::SampleTicket()).HasValue(), "and a ticket prints");

    auto absent = printer::TransportFor("usb:04b8:0e03");
    printer::EscPosPrinter missing(
        *absent, std::move(printer::SlipRenderer::Open(printer::Paper80())).Value());
    Check(missing.Status() == printer::PrinterStatus::kOffline, "an absent printer is offline");
  }

  g_object_unref(handler);
  g_object_unref(testbed);
  std::printf("%s\n", failures == 0 ? "usb_printer_test: all passed" : "usb_printer_test: FAILED");
  return failures == 0 ? 0 : 1;
}
