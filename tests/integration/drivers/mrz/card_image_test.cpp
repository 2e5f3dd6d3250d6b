#include "test_prelude.h"

#include <opencv2/core/utility.hpp>

#include "kiosk/idcard/access_key.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/mrz/card_image.h"
#include "kiosk/mrz/mrz_reader.h"
#include "kiosk/qr/qr.h"
#include "kiosk/scanner/sim/card_photo.h"
#include "kiosk/scanner/sim/synthetic.h"

using namespace kiosk::mrz;  // NOLINT(google-build-using-namespace): test file
namespace sim = kiosk::scanner::sim;

namespace {

constexpr int kCards = 12;

cv::Mat Back(const sim::SyntheticIdentity& who, std::uint64_t seed, int severity) {
  auto card = sim::RenderCardBack(who);
  CHECK(card.HasValue());
  return sim::CaptureCard(*card, sim::RandomDegradation(seed, severity), seed);
}

// The part of the MRZ the chip's key comes from: lines 1 and 2.
std::string KeyLines(const std::string& mrz) { return mrz.substr(0, 60); }

}  // namespace

TEST_GROUP(CorrectTd1){};

TEST(CorrectTd1, ConfusableCharactersAreMappedByField) {
  const auto who = sim::GenerateIdentity(5);
  std::string noisy =
      who.mrz.substr(0, 30) + "\n" + who.mrz.substr(30, 30) + "\n" + who.mrz.substr(60);
  // Digits read as letters in the ID, a letter read as a digit in the name.
  for (std::size_t p : {16u, 20u, 31u}) {
    if (noisy[p] == '0') noisy[p] = 'O';
    if (noisy[p] == '1') noisy[p] = 'I';
    if (noisy[p] == '8') noisy[p] = 'B';
  }
  auto fixed = CorrectTd1Text(" " + noisy + " \n");
  CHECK(fixed.HasValue());
  STRCMP_EQUAL(who.mrz.c_str(), fixed->c_str());
}

TEST(CorrectTd1, TheDocumentNumberRepairsTheId) {
  const auto who = sim::GenerateIdentity(6);
  // One wrong digit in the ID: its copy in the document number and the two
  // check digits agree on the true one.
  std::string text = who.mrz;
  text[22] = text[22] == '7' ? '1' : '7';
  auto fixed = CorrectTd1Text(text);
  CHECK(fixed.HasValue());
  STRCMP_EQUAL(who.mrz.c_str(), fixed->c_str());
}

TEST(CorrectTd1, ReadingsTheCheckDigitsRefuseAreNotGuessed) {
  const auto who = sim::GenerateIdentity(7);
  std::string text = who.mrz;
  // Both copies of a digit and the check digits wrong together: no reading
  // passes every check.
  for (std::size_t p : {30u, 31u, 32u, 33u, 34u, 35u}) text[p] = text[p] == '3' ? '8' : '3';
  text[36] = text[36] == '9' ? '0' : '9';
  CHECK_FALSE(CorrectTd1Text(text).HasValue());
  CHECK_FALSE(CorrectTd1Text("").HasValue());
  CHECK_FALSE(CorrectTd1Text("IDVNM<<<").HasValue());
  CHECK_FALSE(CorrectTd1Text(std::string(200, '<')).HasValue());
}

// A check digit is read, never computed to fit: a wrong one refuses the
// reading, so no wrong key reaches the chip (each costs a BAC/PACE attempt).
TEST(CorrectTd1, EveryCheckDigitIsCheckedAsRead) {
  for (int seed = 20; seed < 40; ++seed) {
    const auto who = sim::GenerateIdentity(static_cast<std::uint64_t>(seed));
    CHECK(CorrectTd1Text(who.mrz).HasValue());
    // The document number's (14), the ID's (29), the birth date's (36), the
    // expiry's (44) and the composite (59).
    for (std::size_t p : {14u, 29u, 36u, 44u, 59u}) {
      std::string text = who.mrz;
      text[p] = text[p] == '4' ? '7' : '4';
      CHECK_TEXT(!CorrectTd1Text(text).HasValue(), (std::to_string(p) + " " + text).c_str());
    }
    // A misread expiry digit the recognizer gives no alternative for, and a
    // composite recomputed to match it, would make a wrong key: refused.
    std::string expiry = who.mrz;
    expiry[41] = expiry[41] == '0' ? '3' : '0';
    auto read = CorrectTd1Text(expiry);
    if (read) CHECK(KeyLines(*read) == KeyLines(who.mrz));
  }
}

TEST(CorrectTd1, FillersInTheNameAreNotLetters) {
  const auto who = sim::GenerateIdentity(9);
  // '<' read as K, C or G, each with '<' among the recognizer's choices.
  kiosk::mrz::Reading reading;
  for (std::size_t p = 0; p < 90; ++p) {
    const char truth = who.mrz[p];
    if (p >= 60 && truth == '<') {
      const char seen = "KCG"[p % 3];
      reading.push_back({{seen, 1.0f}, {'<', 0.5f}});
    } else {
      reading.push_back({{truth, 1.0f}});
    }
  }
  auto chosen = ChooseTd1(reading);
  CHECK(chosen.HasValue());
  STRCMP_EQUAL(who.mrz.substr(60).c_str(), chosen->substr(60).c_str());
}

// Tesseract, OpenCV and zxing-cpp allocate across tests (test_prelude.h).
// clang-format off
TEST_GROUP(CardImages) {
  void setup() override {
    cv::setNumThreads(0);  // no OpenCV worker threads allocating behind the test
    kiosk::test::StopTrackingAllocations();
  }
  void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
};
// clang-format on

TEST(CardImages, TheGlyphRecognizerReadsEveryKeyOfTheFixedSet) {
  auto recognizer = MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());
  int exact = 0;
  for (int i = 1; i <= kCards; ++i) {
    const auto who = sim::GenerateIdentity(static_cast<std::uint64_t>(1000 + i));
    auto mrz = ReadMrz(Back(who, static_cast<std::uint64_t>(i), 1), **recognizer);
    if (!mrz) FAIL(("card " + std::to_string(i) + ": " + mrz.GetError().ToString()).c_str());
    STRCMP_EQUAL(KeyLines(who.mrz).c_str(), KeyLines(*mrz).c_str());
    if (*mrz == who.mrz) ++exact;
    auto key = kiosk::idcard::AccessKey::FromMrz(*mrz);
    CHECK(key.HasValue());
    STRCMP_EQUAL(who.id_number.substr(6).c_str(), key->Can()->c_str());
  }
  CHECK(exact >= kCards - 2);  // line 3 (the name) has no check digit
}

// Tesseract (the fallback recognizer) on clean cards: never a wrong key; a
// card it misreads a check digit of is refused, and the kiosk reads the next
// frame. At least half are read.
TEST(CardImages, TesseractReadsTheCleanCardsOrRefuses) {
  auto recognizer = MakeTesseractRecognizer();
  CHECK(recognizer.HasValue());
  int read = 0;
  for (int i = 1; i <= 6; ++i) {
    const auto who = sim::GenerateIdentity(static_cast<std::uint64_t>(2000 + i));
    auto mrz = ReadMrz(Back(who, static_cast<std::uint64_t>(i), 0), **recognizer);
    if (!mrz) {
      STRCMP_EQUAL("mrz.unreadable", mrz.GetError().Code().c_str());
      continue;
    }
    STRCMP_EQUAL(KeyLines(who.mrz).c_str(), KeyLines(*mrz).c_str());
    ++read;
  }
  CHECK_TEXT(read >= 3, std::to_string(read).c_str());
}

TEST(CardImages, AnUpsideDownCardIsReadToo) {
  auto recognizer = MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());
  const auto who = sim::GenerateIdentity(3001);
  sim::Degradation d;
  d.upside_down = true;
  d.rotate_degrees = 4;
  auto card = sim::RenderCardBack(who);
  CHECK(card.HasValue());
  auto mrz = ReadMrz(sim::CaptureCard(*card, d, 9), **recognizer);
  CHECK(mrz.HasValue());
  STRCMP_EQUAL(KeyLines(who.mrz).c_str(), KeyLines(*mrz).c_str());
}

TEST(CardImages, NoMrzOnAFrontOrABlankImage) {
  auto recognizer = MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());
  const cv::Mat blank(600, 900, CV_8UC1, cv::Scalar(200));
  auto nothing = ReadMrz(blank, **recognizer);
  CHECK_FALSE(nothing.HasValue());
  STRCMP_EQUAL("card.not_in_view", nothing.GetError().Code().c_str());
  CHECK_FALSE(ReadMrz(cv::Mat(), **recognizer).HasValue());
}

TEST(CardImages, TheFrontQrGivesTheKey) {
  for (int i = 1; i <= kCards; ++i) {
    const auto who = sim::GenerateIdentity(static_cast<std::uint64_t>(4000 + i));
    auto front = sim::RenderCardFront(who);
    CHECK(front.HasValue());
    const cv::Mat image =
        sim::CaptureCard(*front, sim::RandomDegradation(static_cast<std::uint64_t>(i), 1),
                         static_cast<std::uint64_t>(i));
    const auto payloads = kiosk::qr::DecodeQr(image);
    CHECK_FALSE(payloads.empty());
    STRCMP_EQUAL(who.qr_payload.c_str(), payloads.front().c_str());
    auto key = kiosk::idcard::AccessKey::FromQr(payloads.front(), {2026, 11, 29});
    CHECK(key.HasValue());
    STRCMP_EQUAL(who.id_number.substr(6).c_str(), key->Can()->c_str());
  }
  CHECK_TRUE(kiosk::qr::DecodeQr(cv::Mat(100, 100, CV_8UC1, cv::Scalar(255))).empty());
  auto back = sim::RenderCardBack(sim::GenerateIdentity(4100));
  CHECK(back.HasValue());
  CHECK_TRUE(kiosk::qr::DecodeQr(*back).empty());
}

// The characters every CCCD prints in the same places must be what was read
// there: a line read off the grid would otherwise pass its check digits by
// chance.
TEST(CorrectTd1, TheFixedCharactersMustBeThere) {
  const auto who = sim::GenerateIdentity(41);
  CHECK(CorrectTd1Text(who.mrz).HasValue());
  std::string text = who.mrz;
  for (std::size_t p = 45; p < 52; ++p) text[p] = 'K';  // "VNM<<<<" read as letters
  CHECK_FALSE(CorrectTd1Text(text).HasValue());
}

// Two digits three places apart share a check weight, so the same misreading
// made twice can pass a date's check digit and the composite: a date the
// recognizer was unsure of in most places is not read at all.
// Unsure in four places of the birth date (year and month): not read on a
// card that never expires; read on one valid to a renewal birthday, whose
// expiry prints the month of birth again, as the recognizer saw it.
TEST(CorrectTd1, ADateUnsureInMostPlacesIsNotRead) {
  auto unsure_birth = [](const std::string& mrz) {
    Reading reading;
    for (char c : mrz) reading.push_back({Choice{c, 0}});
    CHECK(ChooseTd1(reading).HasValue());
    for (std::size_t p = 30; p < 34; ++p) {
      const char other = reading[p].front().c == '7' ? '2' : '7';
      reading[p].push_back(Choice{other, -1});
    }
    return ChooseTd1(reading);
  };
  const std::string id = "001071305911", name = "DUONG HOANG QUYEN LINH";
  auto never_expires = kiosk::idcard::FormatCccdTd1(id, "710513", 'M', "991231", name);
  CHECK(never_expires.HasValue());
  auto chosen = unsure_birth(*never_expires);
  CHECK_FALSE(chosen.HasValue());
  STRCMP_CONTAINS("too many readings", chosen.GetError().Message().c_str());

  auto to_sixty = kiosk::idcard::FormatCccdTd1(id, "710513", 'M', "310513", name);
  CHECK(to_sixty.HasValue());
  auto read = unsure_birth(*to_sixty);
  CHECK_TEXT(read.HasValue(), read ? "" : read.GetError().Message().c_str());
  STRCMP_EQUAL(KeyLines(*to_sixty).c_str(), KeyLines(*read).c_str());
}

// The same misreading in both copies of the ID's digits (the ID and the
// document number) can pass every check digit: 0 read as 5 in two places
// whose weights sum to a multiple of ten. The ID's structure refuses what
// no card carries: a century digit beyond 3, a province beyond 096, a year
// that is not the year of birth.
TEST(CorrectTd1, AnIdNoCardCarriesIsNotRead) {
  using kiosk::idcard::FormatCccdTd1;
  const std::string name = "NGUYEN VAN AN";
  const auto truth = FormatCccdTd1("038046146970", "461205", 'M', "991231", name);
  CHECK(truth.HasValue());
  CHECK(CorrectTd1Text(*truth).HasValue());
  for (const char* id : {"038546146975", "097046146970", "038047146970"}) {
    const auto misread = FormatCccdTd1(id, "461205", 'M', "991231", name);
    CHECK(misread.HasValue());  // every check digit holds
    CHECK_FALSE_TEXT(CorrectTd1Text(*misread).HasValue(), id);
  }
}

// A reading whose first choices spell `first` and whose second choices, where
// they differ, spell `second`.
static Reading TwoWays(const std::string& first, const std::string& second) {
  Reading reading;
  for (std::size_t p = 0; p < first.size(); ++p) {
    reading.push_back({Choice{first[p], 0}});
    if (second[p] != first[p]) reading.back().push_back(Choice{second[p], -1});
  }
  return reading;
}

// Two readings as likely, one born on the 13th, one on the 18th: the card is
// valid to the birthday the law renews it on (the 60th here), so the day and
// month of birth are printed twice and the expiry tells which. A card whose
// expiry is no such birthday leaves them unresolved.
TEST(CorrectTd1, TheRenewalBirthdayTellsTwoLikelyBirthDatesApart) {
  using kiosk::idcard::FormatCccdTd1;
  const std::string id = "001071305911", name = "DUONG HOANG QUYEN LINH";
  const auto truth = FormatCccdTd1(id, "710513", 'M', "310513", name);
  const auto misread = FormatCccdTd1(id, "710518", 'M', "310513", name);
  CHECK(truth.HasValue() && misread.HasValue());
  // The day's last digit seen as 8 first, 3 next; its check digit as 3
  // first, 8 next.
  auto reading = TwoWays(*truth, *misread);
  std::swap(reading[35][0].c, reading[35][1].c);
  auto chosen = ChooseTd1(reading);
  CHECK_TEXT(chosen.HasValue(), chosen ? "" : chosen.GetError().Message().c_str());
  STRCMP_EQUAL(KeyLines(*truth).c_str(), KeyLines(*chosen).c_str());

  const auto odd = FormatCccdTd1(id, "710513", 'M', "300513", name);  // valid to 59
  const auto odd_misread = FormatCccdTd1(id, "710518", 'M', "300513", name);
  CHECK(odd.HasValue() && odd_misread.HasValue());
  reading = TwoWays(*odd, *odd_misread);
  std::swap(reading[35][0].c, reading[35][1].c);
  auto unresolved = ChooseTd1(reading);
  CHECK_FALSE(unresolved.HasValue());
  STRCMP_CONTAINS("as likely", unresolved.GetError().Message().c_str());
}

// Photographs as the kiosk's camera takes them (tilt, turn, glare, a hand,
// blur, noise, JPEG), tuning seeds: the band is found by its structure and
// read, and no wrong key is ever returned.
// clang-format off
TEST_GROUP(CardPhotos) {
  void setup() override {
    cv::setNumThreads(0);
    kiosk::test::StopTrackingAllocations();
  }
  void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
};
// clang-format on

TEST(CardPhotos, BothModelsBacksAreReadWithoutAWrongKey) {
  auto recognizer = MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());
  for (const auto face : {sim::CardFace::kBack2021, sim::CardFace::kBack2024}) {
    int right = 0;
    for (std::uint64_t i = 1; i <= 12; ++i) {
      const std::uint64_t seed = (face == sim::CardFace::kBack2024 ? 1'000'000 : 0) + i;
      auto photo = sim::GenerateCardPhoto(seed, face);
      CHECK(photo.HasValue());
      auto mrz = ReadMrz(photo->image, **recognizer);
      if (!mrz) continue;
      STRCMP_EQUAL(KeyLines(photo->who.mrz).c_str(), KeyLines(*mrz).c_str());
      ++right;
    }
    CHECK_TRUE(right >= 11);
  }
}

// Photos whose band the marks alone placed askew: 690 and 991 with the
// lines off by places growing down the band (the glyphs lean as in
// italics), 914 judged the wrong way up (the other way must still be read),
// 1557 tilted so that its lines are spread wider than the ICAO spacing.
TEST(CardPhotos, ALeaningBandOrOneJudgedTheWrongWayUpIsRead) {
  auto recognizer = MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());
  for (const std::uint64_t seed : {690ULL, 991ULL, 914ULL, 1557ULL}) {
    auto photo = sim::GenerateCardPhoto(seed, sim::CardFace::kBack2021);
    CHECK(photo.HasValue());
    auto mrz = ReadMrz(photo->image, **recognizer);
    CHECK_TEXT(mrz.HasValue(), std::to_string(seed).c_str());
    STRCMP_EQUAL(KeyLines(photo->who.mrz).c_str(), KeyLines(*mrz).c_str());
  }
}

TEST(CardPhotos, AFrontHasNoMrzAndItsQrGivesTheKey) {
  auto recognizer = MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());
  int by_qr = 0;
  for (std::uint64_t seed = 2'000'000; seed < 2'000'006; ++seed) {
    auto photo = sim::GenerateCardPhoto(seed, sim::CardFace::kFront2021);
    CHECK(photo.HasValue());
    auto mrz = ReadMrz(photo->image, **recognizer);
    CHECK_FALSE(mrz.HasValue());
    STRCMP_EQUAL("mrz.not_found", mrz.GetError().Code().c_str());  // print, but no MRZ
    auto key = ReadCardImage(photo->image, **recognizer, {2026, 12, 1});
    if (!key) continue;
    CHECK(key->source == CardImageKey::Source::kQr);
    STRCMP_EQUAL(photo->who.qr_payload.c_str(), key->text.Reveal().c_str());
    ++by_qr;
  }
  CHECK_TRUE(by_qr >= 4);
}

TEST(CardPhotos, EachSeedGivesItsOwnCardAndTheSameSeedTheSame) {
  auto a = sim::GenerateCardPhoto(5, sim::CardFace::kBack2024);
  auto b = sim::GenerateCardPhoto(5, sim::CardFace::kBack2024);
  auto held_out = sim::GenerateCardPhoto(sim::kHeldOutSeeds + 5, sim::CardFace::kBack2024);
  CHECK(a.HasValue() && b.HasValue() && held_out.HasValue());
  CHECK_EQUAL(0.0, cv::norm(a->image, b->image, cv::NORM_INF));
  CHECK_EQUAL(1280, a->image.cols);
  CHECK_EQUAL(3, a->image.channels());
  CHECK(a->who.mrz != held_out->who.mrz);
  for (const auto face :
       {sim::CardFace::kBack2021, sim::CardFace::kBack2024, sim::CardFace::kFront2021}) {
    auto card = sim::RenderCardFace(a->who, face, 5);
    CHECK(card.HasValue());
    CHECK_EQUAL(1011, card->cols);
    CHECK_EQUAL(638, card->rows);
  }
}

TEST(CardPhotos, TheReaderRunsOnOneThreadWhenAsked) {
  LimitThreads(1);
  CHECK_EQUAL(1, cv::getNumThreads());
  cv::setNumThreads(0);
}
