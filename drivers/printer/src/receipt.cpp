#include <fstream>

#include "kiosk/printer/printer.h"

namespace kiosk::printer {

const char* ToString(PrinterStatus status) {
  switch (status) {
    case PrinterStatus::kReady:
      return "ready";
    case PrinterStatus::kPaperNearEnd:
      return "paper_near_end";
    case PrinterStatus::kPaperOut:
      return "paper_out";
    case PrinterStatus::kCoverOpen:
      return "cover_open";
    case PrinterStatus::kOffline:
      return "offline";
  }
  return "?";
}

}  // namespace kiosk::printer
