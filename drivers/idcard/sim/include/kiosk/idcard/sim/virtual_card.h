#pragma once

// A virtual CCCD chip: the LDS1 application with PACE-CAN and BAC, 3DES and
// AES secure messaging, READ BINARY by short file id and with extended
// offsets, Active Authentication, and switchable quirks seen on real cards.
// It answers raw APDU bytes, so the same object serves in-process tests (as
// a fake channel) and pcscd through vpcd (sim-cccd).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/idcard/apdu.h"
#include "kiosk/idcard/bac.h"
#include "kiosk/idcard/pace.h"

namespace kiosk::idcard::sim {

struct CardQuirks {
  bool refuse_mf_select = false;  // SELECT MF answers 6D00
  std::size_t max_le = 0;         // reads asking for more answer 6700 (0: no limit)
  bool short_reads_6282 = false;  // reads over 160 bytes return 160 bytes and 6282
  bool eof_6282 = false;          // a read past the end returns what is left and 6282 (ISO 7816-4)
  bool bac_only = false;          // no EF.CardAccess, MSE:Set AT refused
  bool reject_mse_parameter = false;  // MSE:Set AT with a parameter id (84) answers 6A80
};

struct CardSecrets : core::NotLoggable {
  SecretBytes can;  // the PACE password, ASCII
  BacKeys bac;      // from the MRZ information
  int pace_parameter_id = kParamBrainpoolP256r1;
  std::optional<core::PrivateKey> active_auth_key;  // DG15's private half
};

class VirtualCard {
 public:
  // `files` maps file ids (0x011E, 0x0101, ..., 0x011D, 0x011C) to contents.
  VirtualCard(std::map<std::uint16_t, Bytes> files, CardSecrets secrets, CardQuirks quirks,
              core::RandomSource& random);
  ~VirtualCard();

  static Bytes Atr();
  // Power cycles end any session.
  void PowerOn();
  void PowerOff();
  // A C-APDU in, an R-APDU out (always at least SW1 SW2).
  Bytes Process(ByteView command);

  std::size_t CommandsProcessed() const { return commands_; }

 private:
  ResponseApdu Dispatch(const CommandApdu& c);
  ResponseApdu Select(const CommandApdu& c);
  ResponseApdu ReadBinary(const CommandApdu& c);
  ResponseApdu GetChallenge(const CommandApdu& c);
  ResponseApdu ExternalAuthenticate(const CommandApdu& c);
  ResponseApdu MseSetAt(const CommandApdu& c);
  ResponseApdu GeneralAuthenticate(const CommandApdu& c);
  ResponseApdu InternalAuthenticate(const CommandApdu& c);
  ResponseApdu ReadFrom(std::uint16_t fid, std::size_t offset, std::size_t ne, bool extended);
  bool MayRead(std::uint16_t fid) const;
  void EndSession();

  struct PaceState;

  std::map<std::uint16_t, Bytes> files_;
  CardSecrets secrets_;
  CardQuirks quirks_;
  core::RandomSource& random_;
  bool app_selected_ = false;
  std::optional<std::uint16_t> current_ef_;
  std::optional<SecureMessaging> session_;
  Bytes rnd_ic_;
  std::unique_ptr<PaceState> pace_;
  std::size_t commands_ = 0;
};

}  // namespace kiosk::idcard::sim
