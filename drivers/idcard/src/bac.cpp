#include "kiosk/idcard/bac.h"

#include "kiosk/core/hash.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;

namespace {

void Append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

// E || MAC(E) with 3DES-CBC (IV 0) and the retail MAC.
Expected<Bytes> EncryptAndMac(const BacKeys& keys, ByteView plain) {
  KIOSK_ASSIGN_OR_RETURN(Bytes out, Des3Cbc(Direction::kEncrypt, keys.k_enc, Bytes(8, 0), plain));
  KIOSK_ASSIGN_OR_RETURN(const Bytes mac, RetailMac(keys.k_mac, Pad(out, 8)));
  Append(out, mac);
  return out;
}

// Checks MAC(E) and returns the decrypted E.
Expected<Bytes> CheckAndDecrypt(const BacKeys& keys, ByteView data) {
  if (data.size() != 40) {
    return Error::NeedsPerson("bac.malformed", "mutual authentication data must be 40 bytes");
  }
  const ByteView encrypted = data.subspan(0, 32);
  KIOSK_ASSIGN_OR_RETURN(const Bytes mac, RetailMac(keys.k_mac, Pad(encrypted, 8)));
  if (!core::ConstantTimeEquals(mac, data.subspan(32))) {
    return Error::NeedsPerson("bac.bad_mac", "authentication MAC does not verify: wrong key");
  }
  return Des3Cbc(Direction::kDecrypt, keys.k_enc, Bytes(8, 0), encrypted);
}

Expected<SecureMessaging> Session(ByteView k_ifd, ByteView k_ic, ByteView rnd_ic,
                                  ByteView rnd_ifd) {
  SecretBytes seed(16);
  for (std::size_t i = 0; i < 16; ++i) seed.MutableData()[i] = k_ifd[i] ^ k_ic[i];
  KIOSK_ASSIGN_OR_RETURN(SecretBytes ks_enc, KdfSha1(seed.View(), 1));
  KIOSK_ASSIGN_OR_RETURN(SecretBytes ks_mac, KdfSha1(seed.View(), 2));
  Bytes ssc(rnd_ic.begin() + 4, rnd_ic.end());
  Append(ssc, rnd_ifd.subspan(4));
  return SecureMessaging(SmCipher::k3Des, std::move(ks_enc), std::move(ks_mac), std::move(ssc));
}

}  // namespace

Expected<BacKeys> DeriveBacKeys(const SecretBytes& mrz_information) {
  KIOSK_ASSIGN_OR_RETURN(Bytes digest, core::Digest(core::HashAlg::kSha1, mrz_information.View()));
  SecretBytes seed(ByteView(digest.data(), 16));
  core::SecureZero(digest.data(), digest.size());
  BacKeys keys;
  KIOSK_ASSIGN_OR_RETURN(keys.k_enc, KdfSha1(seed.View(), 1));
  KIOSK_ASSIGN_OR_RETURN(keys.k_mac, KdfSha1(seed.View(), 2));
  return keys;
}

Expected<BacTerminalState> BacBeginAuthentication(const BacKeys& keys, ByteView rnd_ic,
                                                  ByteView rnd_ifd, SecretBytes k_ifd) {
  if (rnd_ic.size() != 8 || rnd_ifd.size() != 8 || k_ifd.Size() != 16) {
    return Error::NeedsPerson("bac.malformed", "challenge must be 8 bytes");
  }
  BacTerminalState state;
  state.rnd_ic.assign(rnd_ic.begin(), rnd_ic.end());
  state.rnd_ifd.assign(rnd_ifd.begin(), rnd_ifd.end());
  SecretBytes s(32);
  std::copy(rnd_ifd.begin(), rnd_ifd.end(), s.MutableData());
  std::copy(rnd_ic.begin(), rnd_ic.end(), s.MutableData() + 8);
  std::copy(k_ifd.View().begin(), k_ifd.View().end(), s.MutableData() + 16);
  state.k_ifd = std::move(k_ifd);
  KIOSK_ASSIGN_OR_RETURN(state.command_data, EncryptAndMac(keys, s.View()));
  return state;
}

Expected<SecureMessaging> BacCompleteAuthentication(const BacKeys& keys,
                                                    const BacTerminalState& state,
                                                    ByteView response) {
  KIOSK_ASSIGN_OR_RETURN(Bytes r, CheckAndDecrypt(keys, response));
  // R = RND.IC || RND.IFD || K.IC
  if (!std::equal(r.begin(), r.begin() + 8, state.rnd_ic.begin()) ||
      !std::equal(r.begin() + 8, r.begin() + 16, state.rnd_ifd.begin())) {
    core::SecureZero(r.data(), r.size());
    return Error::NeedsPerson("bac.bad_nonce", "card did not return our challenge");
  }
  auto session =
      Session(state.k_ifd.View(), ByteView(r).subspan(16, 16), state.rnd_ic, state.rnd_ifd);
  core::SecureZero(r.data(), r.size());
  return session;
}

Expected<BacCardResult> BacCardAuthenticate(const BacKeys& keys, ByteView rnd_ic,
                                            ByteView command_data, const SecretBytes& k_ic) {
  KIOSK_ASSIGN_OR_RETURN(Bytes s, CheckAndDecrypt(keys, command_data));
  // S = RND.IFD || RND.IC || K.IFD
  if (!std::equal(s.begin() + 8, s.begin() + 16, rnd_ic.begin())) {
    return Error::NeedsPerson("bac.bad_nonce", "terminal did not return the card's challenge");
  }
  const ByteView rnd_ifd = ByteView(s).subspan(0, 8);
  SecretBytes r(32);
  std::copy(rnd_ic.begin(), rnd_ic.end(), r.MutableData());
  std::copy(rnd_ifd.begin(), rnd_ifd.end(), r.MutableData() + 8);
  std::copy(k_ic.View().begin(), k_ic.View().end(), r.MutableData() + 16);
  KIOSK_ASSIGN_OR_RETURN(Bytes response, EncryptAndMac(keys, r.View()));
  KIOSK_ASSIGN_OR_RETURN(SecureMessaging session,
                         Session(ByteView(s).subspan(16, 16), k_ic.View(), rnd_ic, rnd_ifd));
  core::SecureZero(s.data(), s.size());
  return BacCardResult{std::move(response), std::move(session)};
}

}  // namespace kiosk::idcard
