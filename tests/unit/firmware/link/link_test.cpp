// The files kiosk-app and kiosk-agent share (firmware/link): each round-trips
// through its one writer and one reader, and refuses what is outside its schema.
#include "test_prelude.h"

#include <fstream>

#include "kiosk/core/files.h"
#include "kiosk/link/app_status.h"
#include "kiosk/link/flags.h"
#include "kiosk/link/help_call.h"
#include "kiosk/link/payment_mailbox.h"
#include "kiosk/link/ratings.h"
#include "kiosk/link/remote_settings.h"

namespace core = kiosk::core;
using namespace kiosk::link;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(AppStatus) { kiosk::test::TempDir dir; };

TEST(AppStatus, RoundTripsAndRefusesFreeText) {
  AppStatus s;
  s.version = "0.8.0";
  s.peripherals = {{"printer", "paper_out"}, {"card_reader", "ok"}};
  s.counters = {{"journeys_started", 4}};
  s.errors = {"printer.paper_out"};
  s.in_use = true;
  s.written_at = core::WallTime{std::chrono::milliseconds(1'795'000'000'000)};
  CHECK(WriteAppStatus(dir.Path() / "status.json", s).HasValue());
  auto back = ReadAppStatus(dir.Path() / "status.json").Value();
  STRCMP_EQUAL("paper_out", back.peripherals["printer"].c_str());
  LONGS_EQUAL(4, back.counters["journeys_started"]);
  CHECK(back.in_use);
  CHECK(back.written_at == s.written_at);
  CHECK_FALSE(ParseAppStatus(R"({"errors":["card of Nguyễn Văn A"]})").HasValue());
  CHECK_FALSE(ParseAppStatus(R"({"peripherals":{"printer":"out of paper"}})").HasValue());
  CHECK_FALSE(ParseAppStatus(R"({"counters":{"a":"1"}})").HasValue());
  CHECK_FALSE(ParseAppStatus(R"({"version":5})").HasValue());
  CHECK_FALSE(ParseAppStatus("[1]").HasValue());
  // Wrong types of the flags read as false, never throw.
  CHECK_FALSE(ParseAppStatus(R"({"in_use":"yes"})").Value().in_use);
  STRCMP_EQUAL("status.absent", ReadAppStatus(dir.Path() / "none").GetError().Code().c_str());
}

TEST_GROUP(RemoteSettings) { kiosk::test::TempDir dir; };

TEST(RemoteSettings, RoundTripsThroughTheFileTheAgentWrites) {
  RemoteSettings s;
  s.kiosk_id = "QNM-TAMKY-0001";
  s.issued_at = 1'767'225'600;
  s.heartbeat_interval_s = 30;
  s.enabled_procedures = std::vector<std::string>{"1.001193", "2.000815"};
  CHECK(WriteRemoteSettings(dir.Path() / "remote.json", s).HasValue());
  auto back = ReadRemoteSettings(dir.Path() / "remote.json");
  CHECK_TEXT(back.HasValue(), back ? "" : back.GetError().ToString().c_str());
  STRCMP_EQUAL("QNM-TAMKY-0001", back->kiosk_id.c_str());
  CHECK(back->issued_at == s.issued_at);
  LONGS_EQUAL(30, *back->heartbeat_interval_s);
  LONGS_EQUAL(2, back->enabled_procedures->size());
  STRCMP_EQUAL("settings.absent",
               ReadRemoteSettings(dir.Path() / "none.json").GetError().Code().c_str());
}

TEST(RemoteSettings, RefusesWhatIsOutsideTheSchema) {
  const char* bad[] = {
      R"([])",
      R"({"issued_at":1,"settings":{}})",
      R"({"kiosk_id":"K","settings":{}})",
      R"({"kiosk_id":"K","issued_at":1})",
      R"({"kiosk_id":"K","issued_at":1,"settings":{"heartbeat_interval_s":5}})",
      R"({"kiosk_id":"K","issued_at":1,"settings":{"heartbeat_interval_s":"60"}})",
      R"({"kiosk_id":"K","issued_at":1,"settings":{"enabled_procedures":"1.001193"}})",
      R"({"kiosk_id":"K","issued_at":1,"settings":{"enabled_procedures":["../x y"]}})",
      R"({"kiosk_id":"K","issued_at":1,"settings":{"printer":"usb"}})",
  };
  for (const char* text : bad) {
    auto parsed = ParseRemoteSettings(text);
    CHECK_TEXT(!parsed.HasValue(), text);
    STRCMP_EQUAL("settings.invalid", parsed.GetError().Code().c_str());
  }
  auto empty = ParseRemoteSettings(R"({"kiosk_id":"K","issued_at":1,"settings":{}})");
  CHECK(empty.HasValue());
  CHECK_FALSE(empty->heartbeat_interval_s.has_value());
  CHECK_FALSE(empty->enabled_procedures.has_value());
}

TEST_GROUP(Flags) { kiosk::test::TempDir dir; };

TEST(Flags, TheFirstRaisedFlagNamesWhyTheKioskIsOutOfService) {
  const auto maintenance = dir.Path() / "maintenance";
  const auto door = dir.Path() / "tamper.json";
  STRCMP_EQUAL("", FirstRaisedFlag({maintenance, door}).c_str());
  CHECK(RaiseFlag(door, core::WallTime{std::chrono::seconds(1'795'000'000)}).HasValue());
  STRCMP_EQUAL("tamper.json", FirstRaisedFlag({maintenance, door}).c_str());
  CHECK(RaiseFlag(maintenance, core::WallTime{}).HasValue());
  STRCMP_EQUAL("maintenance", FirstRaisedFlag({maintenance, door}).c_str());
  CHECK(LowerFlag(maintenance).HasValue());
  CHECK(LowerFlag(maintenance).HasValue());  // lowering twice is fine
  CHECK(LowerFlag(door).HasValue());
  CHECK_FALSE(FlagRaised(door));
}

TEST_GROUP(PaymentMailbox) {
  kiosk::test::TempDir dir;
  PaymentAsk Expecting(const std::string& id) {
    return PaymentAsk{id, "REF-0001", AskKind::kExpect, 10'000, "000201010212"};
  }
};

TEST(PaymentMailbox, AnAnswerIsReadOnlyForTheAskItAnswers) {
  PaymentMailbox app(dir.Path() / "payments");
  PaymentMailbox agent(dir.Path() / "payments");
  CHECK(app.Post(Expecting("a1")).HasValue());
  auto asks = agent.Asks();
  LONGS_EQUAL(1, asks->size());
  STRCMP_EQUAL("a1", asks->front().id.c_str());
  CHECK(asks->front().kind == AskKind::kExpect);
  LONGS_EQUAL(10'000, asks->front().amount_vnd);
  CHECK_FALSE(app.AnswerTo("REF-0001", "a1")->has_value());  // not answered yet
  PaymentAnswer answer{"a1", "paid", "BANK-77", 10'000, "2026-12-06T10:00:00+07:00", ""};
  CHECK(agent.Answer("REF-0001", answer).HasValue());
  auto read = app.AnswerTo("REF-0001", "a1");
  CHECK(read->has_value());
  STRCMP_EQUAL("BANK-77", (*read)->bank_transaction_id.c_str());
  // A new ask of the same reference never reads the old answer.
  CHECK(app.Post(Expecting("a2")).HasValue());
  CHECK_FALSE(app.AnswerTo("REF-0001", "a2")->has_value());
  CHECK(agent.Answer("REF-0001", answer).HasValue());  // a late answer to a1
  CHECK_FALSE(app.AnswerTo("REF-0001", "a2")->has_value());
}

TEST(PaymentMailbox, WithdrawnAsksAreGoneAndTheirAnswersSwept) {
  PaymentMailbox box(dir.Path());
  CHECK(box.Post(Expecting("a1")).HasValue());
  CHECK(box.Answer("REF-0001", {"a1", "registered", "", 0, "", ""}).HasValue());
  CHECK(box.Withdraw("REF-0001").HasValue());
  LONGS_EQUAL(0, box.Asks()->size());
  CHECK(box.Sweep().HasValue());
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "REF-0001.answer.json"));
}

TEST(PaymentMailbox, ReferencesAreNeverPathsAndAsksKeepToTheirSchema) {
  PaymentMailbox box(dir.Path() / "payments");
  PaymentAsk ask = Expecting("a1");
  ask.reference = "../../etc/passwd";
  CHECK_FALSE(box.Post(ask).HasValue());
  CHECK_FALSE(box.Answer("../x", {"a1", "paid", "B", 1, "", ""}).HasValue());
  CHECK_FALSE(ParsePaymentAsk(R"({"id":"a","reference":"R","kind":"expect","qr":"x"})"));
  CHECK_FALSE(
      ParsePaymentAsk(R"({"id":"a","reference":"R","kind":"expect","amount_vnd":-5,"qr":"x"})"));
  CHECK_FALSE(ParsePaymentAsk(R"({"id":"a","reference":"R","kind":"refund"})"));
  CHECK(ParsePaymentAsk(R"({"id":"a","reference":"R","kind":"query"})").HasValue());
  CHECK_FALSE(ParsePaymentAnswer(R"({"ask_id":"a","state":"paid"})"));  // no bank transaction
  CHECK_FALSE(ParsePaymentAnswer(R"({"ask_id":"a","state":"refunded"})"));
  // A file the agent finds under another reference's name is not taken.
  std::ofstream(dir.Path() / "payments" / "OTHER.ask.json") << PaymentAskJson(Expecting("a9"));
  LONGS_EQUAL(0, box.Asks()->size());
}

TEST_GROUP(HelpMailbox) {
  kiosk::test::TempDir dir;
  HelpMailbox box{dir.Path() / "help"};
  HelpCall Call(const std::string& id) {
    HelpCall c;
    c.id = id;
    c.screen = "review_form";
    c.language = "vi";
    return c;
  }
};

TEST(HelpMailbox, TheAgentSeesTheCallAndTheAppOnlyItsOwnAnswer) {
  CHECK_FALSE(box.OpenCall().Value().has_value());
  CHECK(box.Call(Call("call-1")).HasValue());
  auto open = box.OpenCall().Value();
  CHECK(open.has_value());
  STRCMP_EQUAL("review_form", open->screen.c_str());
  HelpAnswer a;
  a.call_id = "call-1";
  a.state = "answered";
  a.officer_name = "Trần Thị Bình";
  CHECK(box.Answer(a).HasValue());
  STRCMP_EQUAL("Trần Thị Bình", box.AnswerTo("call-1").Value()->officer_name.c_str());
  CHECK_FALSE(box.AnswerTo("call-0").Value().has_value());
  // A new call never reads the old call's answer.
  CHECK(box.Call(Call("call-2")).HasValue());
  CHECK_FALSE(box.AnswerTo("call-1").Value().has_value());
  CHECK_FALSE(box.AnswerTo("call-2").Value().has_value());
}

TEST(HelpMailbox, AWithdrawnCallIsGoneAndItsAnswerSwept) {
  CHECK(box.Call(Call("call-1")).HasValue());
  HelpAnswer a;
  a.call_id = "call-1";
  a.state = "open";
  CHECK(box.Answer(a).HasValue());
  CHECK(box.Sweep().HasValue());
  CHECK(box.AnswerTo("call-1").Value().has_value());  // still open: kept
  CHECK(box.Withdraw().HasValue());
  CHECK_FALSE(box.OpenCall().Value().has_value());
  CHECK(box.Sweep().HasValue());
  CHECK_FALSE(box.AnswerTo("call-1").Value().has_value());
}

TEST(HelpMailbox, APinTravelsWithItsAttemptAndNothingOutsideTheSchemaPasses) {
  auto c = Call("call-1");
  c.attempt = "try-1";
  c.pin = "48213";
  CHECK(box.Call(c).HasValue());
  STRCMP_EQUAL("48213", box.OpenCall().Value()->pin.c_str());
  c.pin = "12a4";
  STRCMP_EQUAL("link.invalid", box.Call(c).GetError().Code().c_str());
  c.pin = "";
  CHECK_FALSE(box.Call(c).HasValue());  // an attempt without a PIN
  c = Call("../etc");
  CHECK_FALSE(box.Call(c).HasValue());
  c = Call("call-1");
  c.screen = "màn hình";
  CHECK_FALSE(box.Call(c).HasValue());
  CHECK_FALSE(ParseHelpCall(R"({"id":"a","screen":"attract","language":"fr"})").HasValue());
  CHECK(ParseHelpCall(R"({"id":"a","screen":"attract","language":"en"})").HasValue());
  // An accepted credential names who; a credential answers an attempt.
  CHECK_FALSE(
      ParseHelpAnswer(R"({"call_id":"a","state":"answered","attempt":"t","credential":"accepted"})")
          .HasValue());
  CHECK_FALSE(
      ParseHelpAnswer(R"({"call_id":"a","state":"open","credential":"refused"})").HasValue());
  CHECK_FALSE(ParseHelpAnswer(R"({"call_id":"a","state":"closed"})").HasValue());
  CHECK_FALSE(ParseHelpAnswer("{\"call_id\":\"a\",\"state\":\"open\",\"officer_name\":\"a\\nb\"}")
                  .HasValue());
  auto ok = ParseHelpAnswer(
      R"({"call_id":"a","state":"answered","attempt":"t","credential":"accepted","officer_id":"CB-1","officer_name":"Lê Văn Cường"})");
  CHECK(ok.HasValue());
  STRCMP_EQUAL("CB-1", ParseHelpAnswer(HelpAnswerJson(*ok)).Value().officer_id.c_str());
}

TEST_GROUP(RatingOutbox) { kiosk::test::TempDir dir; };

TEST(RatingOutbox, ARatingWaitsUntilSentAndTheFirstAnswerStands) {
  using kiosk::link::KioskRating;
  kiosk::link::RatingOutbox outbox(dir.Path() / "ratings");
  const std::string id = "0192f1a0-7b3c-7d2e-8f00-0123456789ab";
  CHECK(outbox.Pending().Value().empty());  // no folder yet
  CHECK(outbox.Put({id, 3, "2026-11-30T02:05:00.000Z"}).HasValue());
  CHECK(outbox.Put({id, 1, "2026-11-30T02:05:09.000Z"}).HasValue());  // a second tap
  auto pending = outbox.Pending().Value();
  LONGS_EQUAL(1, pending.size());
  LONGS_EQUAL(3, pending[0].score);
  STRCMP_EQUAL(id.c_str(), pending[0].dossier_id.c_str());
  CHECK(outbox.Remove(id).HasValue());
  CHECK(outbox.Pending().Value().empty());
  // What is not a rating is refused on the way in.
  CHECK_FALSE(outbox.Put({"not-a-uuid", 2, "2026-11-30T02:05:00.000Z"}).HasValue());
  CHECK_FALSE(outbox.Put({id, 4, "2026-11-30T02:05:00.000Z"}).HasValue());
  CHECK_FALSE(outbox.Put({id, 2, "yesterday"}).HasValue());
}

TEST(RatingOutbox, AFileThatIsNotARatingIsDroppedNotRetried) {
  kiosk::link::RatingOutbox outbox(dir.Path() / "ratings");
  CHECK(outbox.Put({"0192f1a0-7b3c-7d2e-8f00-0123456789ab", 2, "2026-11-30T02:05:00.000Z"})
            .HasValue());
  std::ofstream(dir.Path() / "ratings" / "junk.json") << "{\"score\": 2}";
  // A rating filed under another dossier's name is not that dossier's.
  std::ofstream(dir.Path() / "ratings" / "0192f1a0-7b3c-7d2e-8f00-00000000000a.json")
      << kiosk::link::KioskRatingJson(
             {"0192f1a0-7b3c-7d2e-8f00-0123456789ab", 1, "2026-11-30T02:05:00.000Z"});
  int dropped = 0;
  LONGS_EQUAL(1, outbox.Pending(&dropped).Value().size());
  LONGS_EQUAL(2, dropped);
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "ratings" / "junk.json"));
  CHECK_FALSE(
      kiosk::link::ParseKioskRating("{\"dossier_id\":\"0192f1a0-7b3c-7d2e-8f00-0123456789ab\","
                                    "\"score\":2,\"rated_at\":\"2026-11-30T02:05:00.000Z\","
                                    "\"name\":\"Nguyễn Văn An\"}")
          .HasValue());  // nothing else rides along
}
