#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/idcard/pace.h"

using kiosk::core::HexEncode;
using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::Hex;

namespace {
std::string H(kiosk::core::ByteView b) {
  std::string s = HexEncode(b);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
SecretBytes Secret(const char* hex) { return SecretBytes(Hex(hex)); }

struct PaceVector {
  const char* k_pi;
  const char* z;
  const char* s;
  const char* sk_map_ifd;
  const char* pk_map_ifd;
  const char* sk_map_ic;
  const char* pk_map_ic;
  const char* h;
  const char* g_tilde;
  const char* sk_dh_ifd;
  const char* pk_dh_ifd;
  const char* sk_dh_ic;
  const char* pk_dh_ic;
  const char* k;
  const char* ks_enc;
  const char* ks_mac;
  const char* t_ifd;
  const char* t_ic;
};

// docs/cccd-chip.md §10.2: ICAO 9303 p11 Appendix G.1 (brainpoolP256r1, MRZ password).
const PaceVector kG1{
    "89DED1B26624EC1E634C1989302849DD",
    "95A3A016522EE98D01E76CB6B98B42C3",
    "3F00C4D39D153F2B2A214A078D899B22",
    "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99",
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D",
    "498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560",
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54",
    "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
    "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181",
    "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
    "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522",
    "A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595",
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462",
    "107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A",
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094",
    "28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925",
    "F5F0E35C0D7161EE6724EE513A0D9A7F",
    "FE251C7858B356B24514B3BD5F4297D1",
    "C2B0BD78D94BA866",
    "3ABB9674BCE93C08",
};

// docs/cccd-chip.md §10.4: BSI EAC worked example, 6-digit password "123456".
const PaceVector kBsi{
    "591468CDA83D65219CCCB8560233600F",
    "CE834CDE69FFBB1D1EB21585CD709F18",
    "7D98C00FC6C9E9543BBF94A87073A123",
    "752287F5B02DE3C4BC3E17945118C51B23C97278E4CD748048AC56BA5BDC3D46",
    "043DD29BBE5907FD21A152ADA4895FAAE7ACC55F5E50EFBFDE5AB0C6EB54F198D6"
    "15913635F0FDF5BEB383E00355F82D3C41ED0DF2E28363433DFB73856A15DC9F",
    "19C428715663DE745D1824B855D2B967890C99D68ED5FEEE9DCDF8D7BBA289D2",
    "049CFCF7582AC986D0DD52FA53123414C3E1B96B4D00ABA8E574679B70EFB5BC3B"
    "45D2F13729CC2AE178E7E241B443213533B77DBB44649A815DDC4A2384BA422A",
    "0471850CFD80FB475947E5B1AF10FE8E6663967C2D264935B31951F763A4B03A57"
    "49167388F88F52A109167E3E6592CA0820468D1157A8E781D2F7049179B1D114",
    "043929D28BA1E5339D6C5DADE5E33BD3C2F0BD14DD77C7521532261659C918FA60"
    "14DD48FA84E62BDE438EDB4C9771D042CDB24B7788BDBAB2031C45751E777F66",
    "9D9A32DF93A57CCE33CA3CDD3457E33A976F293546C73550F397259C93BE0120",
    "04518BC4E532AD2A9BD6527804D5D665ABD51041037A0CC8AA922804EB501C222B"
    "3427388599AFAAE9FBACE2DF93E13C3C4979CD12F0AE3E3C0126028391554582",
    "15872C56908C144002177994CFAAEDD5467CE150853C44535051FF24183039D8",
    "04282CF38073036AFAC216AF135BD994DA0C357F10BD4C34AFEA1042B2EB0FD680"
    "4DF3658B835AC2E7133F13691184542BB50B109963A4662ABDC08B9763AF4B5B",
    "6E7D077CCD367C2EAA683F1E8EC534302E2D00B6ADAF8A87A6EDA78740F17606",
    "68406B4162100563D9C901A6154D2901",
    "73FF268784F72AF833FDC9464049AFC9",
    "A27AE7B36573C1D9",
    "A2658C2F38600B0F",
};

void CheckVector(const PaceVector& v) {
  kiosk::core::DeterministicRandom blinding(1);
  auto curve = PaceCurve::ForParameterId(kParamBrainpoolP256r1, blinding);
  CHECK_TRUE(curve.HasValue());
  // Step 1: the nonce.
  auto s = PaceDecryptNonce(Secret(v.k_pi), Hex(v.z));
  STRCMP_EQUAL(v.s, H(s->View()).c_str());
  STRCMP_EQUAL(v.z, H(*PaceEncryptNonce(Secret(v.k_pi), *s)).c_str());
  // Step 2: mapping.
  STRCMP_EQUAL(v.pk_map_ifd, H(*curve->PublicKey(Secret(v.sk_map_ifd))).c_str());
  STRCMP_EQUAL(v.pk_map_ic, H(*curve->PublicKey(Secret(v.sk_map_ic))).c_str());
  auto h_ifd = curve->Multiply(Secret(v.sk_map_ifd), Hex(v.pk_map_ic));
  auto h_ic = curve->Multiply(Secret(v.sk_map_ic), Hex(v.pk_map_ifd));
  STRCMP_EQUAL(v.h, H(*h_ifd).c_str());
  STRCMP_EQUAL(v.h, H(*h_ic).c_str());
  auto g = curve->MapGenerator(*s, *h_ifd);
  STRCMP_EQUAL(v.g_tilde, H(*g).c_str());
  // Step 3: key agreement on the mapped generator.
  STRCMP_EQUAL(v.pk_dh_ifd, H(*curve->PublicKey(Secret(v.sk_dh_ifd), *g)).c_str());
  STRCMP_EQUAL(v.pk_dh_ic, H(*curve->PublicKey(Secret(v.sk_dh_ic), *g)).c_str());
  auto shared = curve->Multiply(Secret(v.sk_dh_ifd), Hex(v.pk_dh_ic));
  STRCMP_EQUAL(v.k, H(*shared).substr(2, 64).c_str());
  // Step 4: keys and tokens.
  auto keys = PaceDeriveKeys(*shared);
  STRCMP_EQUAL(v.ks_enc, H(keys->ks_enc.View()).c_str());
  STRCMP_EQUAL(v.ks_mac, H(keys->ks_mac.View()).c_str());
  STRCMP_EQUAL(v.t_ifd,
               H(*PaceAuthToken(keys->ks_mac, kPaceEcdhGmAes128Oid, Hex(v.pk_dh_ic))).c_str());
  STRCMP_EQUAL(v.t_ic,
               H(*PaceAuthToken(keys->ks_mac, kPaceEcdhGmAes128Oid, Hex(v.pk_dh_ifd))).c_str());
}
}  // namespace

TEST_GROUP(Pace){};

TEST(Pace, IcaoAppendixG1StepByStep) { CheckVector(kG1); }

TEST(Pace, BsiWorkedExampleWithSixDigitPassword) { CheckVector(kBsi); }

TEST(Pace, PasswordKeysForMrzAndCan) {
  auto mrz = BacMrzInformation("T22000129", "640812", "101031");
  STRCMP_EQUAL(kG1.k_pi, H(PacePasswordKey(*mrz, kPasswordMrz)->View()).c_str());
  STRCMP_EQUAL(kBsi.k_pi,
               H(PacePasswordKey(SecretBytes(kiosk::core::AsBytes("123456")), kPasswordCan)->View())
                   .c_str());
  // docs/cccd-chip.md §9: the synthetic CCCD's CAN.
  STRCMP_EQUAL("5E5CD537047973C8F8BFDEA168324EC0",
               H(PacePasswordKey(SecretBytes(kiosk::core::AsBytes("012345")), kPasswordCan)->View())
                   .c_str());
}

TEST(Pace, CardAccessFromTheCccdParses) {
  // docs/cccd-chip.md §1.2: TA, CA and PACE infos.
  const auto bytes =
      Hex("3134300D060804007F00070202020201013"
          "00F060A04007F000702020302020201013012060A04007F00070202040202020102020"
          "10D");
  auto infos = ParseCardAccess(bytes);
  CHECK_TRUE(infos.HasValue());
  LONGS_EQUAL(1, infos->size());
  LONGS_EQUAL(2, (*infos)[0].version);
  LONGS_EQUAL(13, (*infos)[0].parameter_id);
  CHECK_TRUE((*infos)[0].IsSupported());
}

TEST(Pace, UnsupportedParametersAreNamed) {
  kiosk::core::DeterministicRandom random(1);
  auto curve = PaceCurve::ForParameterId(9, random);
  STRCMP_EQUAL("pace.unsupported", curve.GetError().Code().c_str());
  PaceInfo dh{Hex("04007F00070202040102"), 2, 0};
  CHECK_FALSE(dh.IsSupported());
}

TEST(Pace, PointsOffTheCurveAreRejected) {
  kiosk::core::DeterministicRandom random(1);
  auto curve = PaceCurve::ForParameterId(kParamBrainpoolP256r1, random);
  auto point = Hex(kG1.pk_map_ic);
  point[40] ^= 1;
  auto r = curve->Multiply(Secret(kG1.sk_map_ifd), point);
  STRCMP_EQUAL("pace.invalid", r.GetError().Code().c_str());
}

TEST(Pace, NistP256AgreesBothWays) {
  kiosk::core::DeterministicRandom random(5);
  auto curve = PaceCurve::ForParameterId(kParamNistP256, random);
  auto a = curve->NewPrivateKey();
  auto b = curve->NewPrivateKey();
  auto pa = curve->PublicKey(*a);
  auto pb = curve->PublicKey(*b);
  CHECK(*curve->Multiply(*a, *pb) == *curve->Multiply(*b, *pa));
}
