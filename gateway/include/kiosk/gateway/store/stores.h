#pragma once

// One seam per aggregate the gateway keeps. Handlers see these interfaces
// only; an implementation (sqlite.h today) opens them.

#include <memory>

#include "kiosk/gateway/store/commands.h"
#include "kiosk/gateway/store/devices.h"
#include "kiosk/gateway/store/dossiers.h"
#include "kiosk/gateway/store/events.h"
#include "kiosk/gateway/store/help.h"
#include "kiosk/gateway/store/operators.h"
#include "kiosk/gateway/store/payments.h"
#include "kiosk/gateway/store/rollouts.h"

namespace kiosk::gateway {

// What the fleet desk and the dashboard work on.
struct FleetStores {
  std::unique_ptr<DeviceStore> devices;
  std::unique_ptr<CommandStore> commands;
  std::unique_ptr<OperatorStore> operators;
  std::unique_ptr<EventStore> events;
  std::unique_ptr<HelpStore> help;
};

}  // namespace kiosk::gateway
