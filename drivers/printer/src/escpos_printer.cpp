#include "kiosk/printer/escpos_printer.h"

#include "kiosk/core/log.h"

namespace kiosk::printer {

namespace klog = core::log;

EscPosPrinter::EscPosPrinter(TransportFactory open, SlipRenderer renderer,
                             EscPosPrinterOptions options)
    : open_(std::move(open)), renderer_(std::move(renderer)), options_(std::move(options)) {}

EscPosPrinter::~EscPosPrinter() = default;

core::Expected<Transport*> EscPosPrinter::Link() {
  if (!link_) {
    KIOSK_ASSIGN_OR_RETURN(link_, open_());
    klog::Info("printer.connected", {{"link", link_->Describe()}});
  }
  return link_.get();
}

core::Expected<StatusFlags> EscPosPrinter::Query() {
  KIOSK_ASSIGN_OR_RETURN(Transport * link, Link());
  StatusFlags flags;
  if (!link->Bidirectional()) return flags;  // a file: nothing to ask
  // Bytes left over from an earlier exchange would be read as this one's.
  for (int i = 0; i < 8; ++i) {
    KIOSK_ASSIGN_OR_RETURN(auto stale, link->Read(64, std::chrono::milliseconds(0)));
    if (stale.empty()) break;
  }
  for (int n : {1, 2, 4}) {
    EscPosWriter request;
    request.StatusRequest(n);
    KIOSK_TRY(link->Write(request.Bytes(), options_.status_timeout));
    KIOSK_ASSIGN_OR_RETURN(auto reply, link->Read(1, options_.status_timeout));
    if (reply.empty()) {
      return core::Error::Retryable("printer.offline", "the printer does not answer DLE EOT");
    }
    KIOSK_TRY(ParseStatusByte(n, reply[0], flags));
  }
  return flags;
}

PrinterStatus EscPosPrinter::Status() {
  auto flags = Query();
  if (!flags) {
    link_.reset();  // unplugged or out of step: a new link next time
    flags = Query();
    if (!flags) {
      link_.reset();
      return PrinterStatus::kOffline;
    }
  }
  if (flags->cover_open) return PrinterStatus::kCoverOpen;
  if (flags->paper_out) return PrinterStatus::kPaperOut;
  if (flags->offline || flags->error) return PrinterStatus::kOffline;
  if (flags->paper_near_end) return PrinterStatus::kPaperNearEnd;
  return PrinterStatus::kReady;
}

core::Status EscPosPrinter::Refusal(const StatusFlags& flags) {
  if (flags.cover_open) return core::Error::NeedsPerson("printer.cover_open", "the cover is open");
  if (flags.paper_out) return core::Error::NeedsPerson("printer.paper_out", "the paper ran out");
  if (flags.offline || flags.error) {
    return core::Error::Retryable("printer.offline", "the printer is offline");
  }
  return core::Ok();
}

core::Status EscPosPrinter::PrintSlip(const Slip& slip) {
  auto before = Query();
  if (!before) {
    link_.reset();
    before = Query();
  }
  if (!before) {
    link_.reset();
    return before.GetError();
  }
  KIOSK_TRY(Refusal(*before));
  KIOSK_ASSIGN_OR_RETURN(auto job, renderer_.Encode(slip, options_.encode));

  const auto start = std::chrono::steady_clock::now();
  KIOSK_ASSIGN_OR_RETURN(Transport * link, Link());
  for (std::size_t at = 0; at < job.size(); at += options_.chunk_bytes) {
    const std::size_t n = std::min(options_.chunk_bytes, job.size() - at);
    auto sent = link->Write(core::ByteView(job.data() + at, n), options_.write_timeout);
    if (!sent) {
      link_.reset();
      return sent;
    }
  }
  last_ = JobStats{slip.kind, job.size(), 0,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  // Did it all come out? The paper may have ended, or the cover opened, mid-slip.
  auto after = Query();
  if (!after) {
    link_.reset();
    return core::Error::Retryable("printer.offline", "the printer stopped answering mid-slip");
  }
  KIOSK_TRY(Refusal(*after));
  klog::Info("printer.printed",
             {{"kind", slip.kind},
              {"bytes", static_cast<std::int64_t>(job.size())},
              {"ms", static_cast<std::int64_t>(last_.seconds_to_last_byte * 1000)}});
  return core::Ok();
}

core::Status EscPosPrinter::Print(const Receipt& receipt) {
  return PrintSlip(LayoutReceipt(receipt));
}

core::Status EscPosPrinter::Print(const FeeReceipt& receipt) {
  return PrintSlip(LayoutFeeReceipt(receipt));
}

core::Status EscPosPrinter::Print(const QueueTicket& ticket) {
  return PrintSlip(LayoutTicket(ticket));
}

}  // namespace kiosk::printer
