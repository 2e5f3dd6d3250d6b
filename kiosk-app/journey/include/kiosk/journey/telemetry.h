#pragma once

// What the kiosk reports to operators through the agent's heartbeat: counts
// and each device's health, never anything about a citizen. A device's
// health follows from its last outcome by an explicit table of its drivers'
// error codes, then by the error's class: never by parts of words.

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "kiosk/core/error.h"

namespace kiosk::journey {

enum class Device { kCardReader, kScanner, kPrinter, kPaymentTerminal };

enum class DeviceHealth {
  kOk,
  kPaperOut,
  kPaperNearEnd,
  kCoverOpen,
  kAbsent,       // unplugged, not found
  kOffline,      // there, but not answering
  kUnreachable,  // a terminal or service over the network
  kFault,        // anything else the device reported
};

const char* ToString(Device device);        // "card_reader", ... (the heartbeat's keys)
const char* ToString(DeviceHealth health);  // "ok", "paper_out", ... (its values)

// What an outcome tells of the device. The citizen's part (no paper on the
// glass, a card taken away, a declined card, a cancel) is no fault: kOk.
DeviceHealth HealthAfter(Device device, const core::Status& outcome);

struct Telemetry {
  std::int64_t journeys_started = 0;
  std::int64_t journeys_completed = 0;
  std::int64_t journeys_abandoned = 0;
  std::int64_t card_reads_ok = 0;
  std::int64_t card_reads_failed = 0;
  std::int64_t payments_ok = 0;
  std::int64_t payments_declined = 0;
  std::int64_t help_calls = 0;            // citizens who called an officer
  std::int64_t assisted_sessions = 0;     // an officer's PIN accepted
  std::deque<std::string> recent_errors;  // codes ("card.wrong_key"), newest last, at most 10
  std::map<Device, DeviceHealth> health;  // absent: not used yet, reported ok

  void Error(const std::string& code);
  // Records a device's outcome: its health, and the error's code if any.
  void Record(Device device, const core::Status& outcome);
  DeviceHealth HealthOf(Device device) const;
  // The heartbeat's peripheral states ("ok", "paper_out", "offline", ...).
  std::map<std::string, std::string> PeripheralStates() const;
  std::map<std::string, std::int64_t> CounterValues() const;
};

}  // namespace kiosk::journey
