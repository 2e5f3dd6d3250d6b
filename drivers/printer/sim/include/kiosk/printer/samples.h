#pragma once

// Slips filled with synthetic data (no real person), the same every time:
// for the golden images, the benchmark, kiosk-print and a technician's test
// slip.

#include "kiosk/printer/printer.h"

namespace kiosk::printer {

Receipt SampleReceipt(bool provisional = false);
FeeReceipt SampleFeeReceipt();
QueueTicket SampleTicket();

}  // namespace kiosk::printer
