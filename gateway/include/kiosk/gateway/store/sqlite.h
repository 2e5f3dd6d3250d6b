#pragma once

// The gateway's stores on SQLite, the embedded default: each database in
// WAL mode with synchronous=FULL, migrated through firmware/storage's
// numbered steps. One connection per database serves every request thread;
// each call holds it.
//
//   gateway.db   dossiers, the daily code sequences, ratings
//   payments.db  VietQR payments expected and bank transfers
//   fleet.db     devices, commands, operators, events
//   updates.db   bundles, rollouts, kiosks' update reports

#include <filesystem>
#include <memory>

#include "kiosk/core/error.h"
#include "kiosk/gateway/store/stores.h"

namespace kiosk::gateway::sqlite {

core::Expected<std::unique_ptr<DossierStore>> OpenDossiers(const std::filesystem::path& file);
core::Expected<std::unique_ptr<PaymentStore>> OpenPayments(const std::filesystem::path& file);
core::Expected<FleetStores> OpenFleet(const std::filesystem::path& file);
core::Expected<std::unique_ptr<RolloutStore>> OpenRollouts(const std::filesystem::path& file);

}  // namespace kiosk::gateway::sqlite
