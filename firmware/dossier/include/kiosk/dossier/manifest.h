#pragma once

// manifest.json, schema "kiosk.dossier/1" (docs/dossier-package.md): the
// dossier as the gateway receives it. The kiosk writes it; the gateway and
// the tests read it back strictly: a missing field, a wrong type or an
// unknown key is an error naming the field.

#include <string>
#include <string_view>

#include "kiosk/core/error.h"
#include "kiosk/dossier/dossier.h"

namespace kiosk::dossier {

inline constexpr const char* kManifestSchema = "kiosk.dossier/1";

std::string ToManifestJson(const Dossier& dossier);
core::Expected<Dossier> ParseManifest(std::string_view json);

// The Decision 766 flags derived from a dossier.
struct Indicators766 {
  int channel = 2;                       // KenhThucHien: 2 = online
  bool has_digitized_component = false;  // HoSoCoThanhPhanSoHoa
  bool identity_verified =
      false;            // identity from a verified chip (TaiKhoanDuocXacThucVoiVNeID proxy)
  int paid_online = 0;  // DuocThanhToanTrucTuyen: 0 none, 1 portal, 2 province gateway
};
Indicators766 IndicatorsOf(const Dossier& dossier);

}  // namespace kiosk::dossier
