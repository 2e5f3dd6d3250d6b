#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/idcard/bac.h"
#include "kiosk/idcard/mrz.h"

using kiosk::core::HexEncode;
using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::Hex;

namespace {
std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string H(const kiosk::core::Bytes& b) { return Upper(HexEncode(b)); }
std::string H(const SecretBytes& b) { return Upper(HexEncode(b.View())); }

// ICAO 9303 p11 Appendix D.3 / D.4 session.
SecureMessaging IcaoSession() {
  return SecureMessaging(SmCipher::k3Des, SecretBytes(Hex("979EC13B1CBFE9DCD01AB0FED307EAE5")),
                         SecretBytes(Hex("F1CB1F1FB5ADF208806B89DC579DC1F8")),
                         Hex("887022120C06C226"));
}
}  // namespace

TEST_GROUP(Bac){};

TEST(Bac, KeysMatchIcaoAppendixD2) {
  auto info = BacMrzInformation("L898902C", "690806", "940623");
  auto keys = DeriveBacKeys(*info);
  // Parity bits are not adjusted; DES ignores them.
  auto expect_key = [](const SecretBytes& key, const char* parity_adjusted) {
    const auto want = Hex(parity_adjusted);
    for (std::size_t i = 0; i < 16; ++i) LONGS_EQUAL(want[i] & 0xFE, key.View()[i] & 0xFE);
  };
  expect_key(keys->k_enc, "AB94FDECF2674FDFB9B391F85D7F76F2");
  expect_key(keys->k_mac, "7962D9ECE03D1ACD4C76089DCE131543");
}

TEST(Bac, KeysMatchTheSyntheticCccdVector) {
  auto keys = DeriveBacKeys(*BacMrzInformation("090012345", "900515", "300515"));
  STRCMP_EQUAL("98B0E219154D4612C2B1CCE4F7BD0341", H(keys->k_enc).c_str());
  STRCMP_EQUAL("6653519CF2E8058DD0CBC4CD3176E517", H(keys->k_mac).c_str());
}

TEST(Bac, MutualAuthenticationMatchesIcaoAppendixD3) {
  auto keys = DeriveBacKeys(*BacMrzInformation("L898902C", "690806", "940623"));
  auto state = BacBeginAuthentication(*keys, Hex("4608F91988702212"), Hex("781723860C06C226"),
                                      SecretBytes(Hex("0B795240CB7049B01C19B33E32804F0B")));
  STRCMP_EQUAL(
      "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
      "5F1448EEA8AD90A7",
      H(state->command_data).c_str());
  auto session = BacCompleteAuthentication(
      *keys, *state,
      Hex("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449"));
  CHECK_TRUE(session.HasValue());
  STRCMP_EQUAL("887022120C06C226", H(session->Ssc()).c_str());
}

TEST(Bac, CardSideProducesTheIcaoAnswer) {
  auto keys = DeriveBacKeys(*BacMrzInformation("L898902C", "690806", "940623"));
  auto result = BacCardAuthenticate(
      *keys, Hex("4608F91988702212"),
      Hex("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7"),
      SecretBytes(Hex("0B4F80323EB3191CB04970CB4052790B")));
  CHECK_TRUE(result.HasValue());
  STRCMP_EQUAL("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449",
               H(result->response).c_str());
}

TEST(Bac, WrongKeyIsDetectedByTheMac) {
  auto right = DeriveBacKeys(*BacMrzInformation("L898902C", "690806", "940623"));
  auto wrong = DeriveBacKeys(*BacMrzInformation("L898902C", "690806", "940624"));
  auto state = BacBeginAuthentication(*wrong, Hex("4608F91988702212"), Hex("781723860C06C226"),
                                      SecretBytes(Hex("0B795240CB7049B01C19B33E32804F0B")));
  auto card = BacCardAuthenticate(*right, Hex("4608F91988702212"), state->command_data,
                                  SecretBytes(Hex("0B4F80323EB3191CB04970CB4052790B")));
  STRCMP_EQUAL("bac.bad_mac", card.GetError().Code().c_str());
}

TEST_GROUP(SecureMessaging3Des){};

// ICAO 9303 p11 Appendix D.4.
TEST(SecureMessaging3Des, SelectAndReadBinaryMatchAppendixD4) {
  SecureMessaging sm = IcaoSession();
  auto select = sm.ProtectCommand({0x00, 0xA4, 0x02, 0x0C, Hex("011E"), std::nullopt});
  STRCMP_EQUAL("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800",
               H(select->Encode()).c_str());
  auto select_rsp =
      sm.UnprotectResponse(*ResponseApdu::Parse(Hex("990290008E08FA855A5D4C50A8ED9000")));
  CHECK_TRUE(select_rsp.HasValue());
  LONGS_EQUAL(0x9000, select_rsp->sw);

  auto read = sm.ProtectCommand({0x00, 0xB0, 0x00, 0x00, {}, 4});
  STRCMP_EQUAL("0CB000000D9701048E08ED6705417E96BA5500", H(read->Encode()).c_str());
  auto read_rsp = sm.UnprotectResponse(
      *ResponseApdu::Parse(Hex("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")));
  CHECK_TRUE(read_rsp.HasValue());
  STRCMP_EQUAL("60145F01", H(read_rsp->data).c_str());
}

TEST(SecureMessaging3Des, AlteredResponseFailsTheMac) {
  SecureMessaging sm = IcaoSession();
  (void)sm.ProtectCommand({0x00, 0xA4, 0x02, 0x0C, Hex("011E"), std::nullopt});
  auto r = sm.UnprotectResponse(*ResponseApdu::Parse(Hex("990290008E08FA855A5D4C50A8ED9100")));
  CHECK_TRUE(r.HasValue());  // SW outside the MAC does not matter; DO'99' does
  SecureMessaging sm2 = IcaoSession();
  (void)sm2.ProtectCommand({0x00, 0xA4, 0x02, 0x0C, Hex("011E"), std::nullopt});
  auto bad = sm2.UnprotectResponse(*ResponseApdu::Parse(Hex("990290018E08FA855A5D4C50A8ED9000")));
  STRCMP_EQUAL("sm.bad_mac", bad.GetError().Code().c_str());
}

TEST(SecureMessaging3Des, PlainErrorFromTheCardEndsTheSession) {
  SecureMessaging sm = IcaoSession();
  (void)sm.ProtectCommand({0x00, 0xB0, 0x00, 0x00, {}, 4});
  auto r = sm.UnprotectResponse(*ResponseApdu::Parse(Hex("6988")));
  STRCMP_EQUAL("sm.missing_mac", r.GetError().Code().c_str());
  CHECK(r.GetError().Message().find("6988") != std::string::npos);
}

TEST(SecureMessaging3Des, CardAndTerminalRoundTrip) {
  SecureMessaging terminal = IcaoSession();
  SecureMessaging card = IcaoSession();
  const CommandApdu plain{0x00, 0xB1, 0x00, 0x00, Hex("54028000"), 200};
  auto secured = terminal.ProtectCommand(plain);
  auto seen = card.UnprotectCommand(*secured);
  CHECK_TRUE(seen.HasValue());
  CHECK(*seen == plain);
  auto reply = card.ProtectResponse({Hex("5381C8"), 0x9000});
  auto got = terminal.UnprotectResponse(*reply);
  STRCMP_EQUAL("5381C8", H(got->data).c_str());
}

TEST_GROUP(SecureMessagingAes){};

// docs/cccd-chip.md §10.5: the G.1 session keys, SSC 0 after PACE.
TEST(SecureMessagingAes, TranscriptWithTheG1KeysMatches) {
  SecureMessaging sm(SmCipher::kAes128, SecretBytes(Hex("F5F0E35C0D7161EE6724EE513A0D9A7F")),
                     SecretBytes(Hex("FE251C7858B356B24514B3BD5F4297D1")),
                     kiosk::core::Bytes(16, 0));
  auto select = sm.ProtectCommand({0x00, 0xA4, 0x04, 0x0C, Hex("A0000002471001"), std::nullopt});
  STRCMP_EQUAL("0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00",
               H(select->Encode()).c_str());
  CHECK_TRUE(sm.UnprotectResponse(*ResponseApdu::Parse(Hex("990290008E08BEA7B381C494A0799000")))
                 .HasValue());
  auto ef_com = sm.ProtectCommand({0x00, 0xA4, 0x02, 0x0C, Hex("011E"), std::nullopt});
  STRCMP_EQUAL("0CA4020C1D8711016EC84E1358184515AB2D827D30A5C92A8E08403D53BA7533FA7800",
               H(ef_com->Encode()).c_str());
  CHECK_TRUE(sm.UnprotectResponse(*ResponseApdu::Parse(Hex("990290008E08E00BFFE5473D41409000")))
                 .HasValue());
  auto read = sm.ProtectCommand({0x00, 0xB0, 0x00, 0x00, {}, 4});
  STRCMP_EQUAL("0CB000000D9701048E085F466809FF5A7CFA00", H(read->Encode()).c_str());
  auto data = sm.UnprotectResponse(*ResponseApdu::Parse(
      Hex("871101589BBC0A6D42160A410E922BF9B053C0990290008E08D740B23B68972F959000")));
  STRCMP_EQUAL("60145F01", H(data->data).c_str());
}

// gmrtd's AES command vector (docs/cccd-chip.md §10.5).
TEST(SecureMessagingAes, GmrtdCommandVector) {
  kiosk::core::Bytes ssc(16, 0);
  ssc[15] = 0xBA;
  SecureMessaging sm(SmCipher::kAes128, SecretBytes(Hex("CC86415F2ED7E8FD663B754265695AE1")),
                     SecretBytes(Hex("581E84B8EE06C4D3EEE30461498D7FB3")), ssc);
  auto cmd = sm.ProtectCommand(
      {0x00, 0x22, 0x41, 0xA4, Hex("800A04007F000702020302028401C3"), std::nullopt});
  STRCMP_EQUAL("0C2241A41D871101980953D37F67558690045D78A853B18A8E08929767A2CEF172E200",
               H(cmd->Encode()).c_str());
  LONGS_EQUAL(0xBB, sm.Ssc()[15]);
}

// BSI EAC worked example MAC vector reproduced by OpenPACE (docs/cccd-chip.md §10.5).
TEST(SecureMessagingAes, BsiMacVector) {
  kiosk::core::Bytes ssc(16, 0);
  ssc[15] = 0x02;
  kiosk::core::Bytes mac_input = ssc;
  const auto padded = Pad(Hex("99029000"), 16);
  mac_input.insert(mac_input.end(), padded.begin(), padded.end());
  auto mac = AesCmac(SecretBytes(Hex("73FF268784F72AF833FDC9464049AFC9")), mac_input);
  STRCMP_EQUAL("A89570A68664A7D6", H(*mac).substr(0, 16).c_str());
}
