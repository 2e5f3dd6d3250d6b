#include "test_prelude.h"

#include "kiosk/payment/ledger.h"
#include "test_support.h"

using namespace kiosk::payment;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::TempDir;

namespace {
TxRecord Record(const std::string& id, const std::string& reference) {
  TxRecord r;
  r.sale_transaction_id = id;
  r.reference = reference;
  r.method = "card";
  r.amount_vnd = 10000;
  r.service_id = "s" + id;
  r.started_at = "2026-11-30T02:00:00Z";
  return r;
}
}  // namespace

TEST_GROUP(Ledger){};

TEST(Ledger, SurvivesReopeningWithEveryField) {
  TempDir dir;
  const auto file = dir.Path() / "payments.db";
  {
    auto ledger = PaymentLedger::Open(file);
    CHECK(ledger.HasValue());
    CHECK(ledger->Insert(Record("R1-1", "R1")).HasValue());
    auto r = Record("R1-1", "R1");
    r.state = TxState::kApproved;
    r.provider_transaction_id = "POI7";
    r.provider_timestamp = "2026-11-30T02:00:09Z";
    CHECK(ledger->Update(r).HasValue());
  }
  auto ledger = PaymentLedger::Open(file);
  CHECK(ledger.HasValue());
  auto found = ledger->Find("R1-1");
  CHECK(found.HasValue());
  CHECK(found->has_value());
  CHECK((*found)->state == TxState::kApproved);
  STRCMP_EQUAL("POI7", (*found)->provider_transaction_id.c_str());
  LONGS_EQUAL(10000, (*found)->amount_vnd);
}

TEST(Ledger, UnsettledAndCommit) {
  TempDir dir;
  auto ledger = PaymentLedger::Open(dir.Path() / "p.db");
  CHECK(ledger.HasValue());
  CHECK(ledger->Insert(Record("A-1", "A")).HasValue());
  CHECK(ledger->Insert(Record("B-1", "B")).HasValue());
  auto declined = Record("B-1", "B");
  declined.state = TxState::kDeclined;
  CHECK(ledger->Update(declined).HasValue());
  CHECK(ledger->Insert(Record("B-2", "B")).HasValue());
  auto approved = Record("B-2", "B");
  approved.state = TxState::kApproved;
  CHECK(ledger->Update(approved).HasValue());

  auto open = ledger->Unsettled();
  CHECK(open.HasValue());
  LONGS_EQUAL(2, open->size());
  STRCMP_EQUAL("A-1", (*open)[0].sale_transaction_id.c_str());
  STRCMP_EQUAL("B-2", (*open)[1].sale_transaction_id.c_str());

  CHECK(ledger->Commit("B").HasValue());
  auto b = ledger->ForReference("B");
  CHECK(b.HasValue());
  LONGS_EQUAL(2, b->size());
  CHECK((*b)[0].state == TxState::kDeclined);  // commit touches only approved ones
  CHECK((*b)[1].state == TxState::kCommitted);
  LONGS_EQUAL(1, ledger->Unsettled()->size());
}

TEST(Ledger, RefusesDuplicatesAndUnknownIds) {
  TempDir dir;
  auto ledger = PaymentLedger::Open(dir.Path() / "p.db");
  CHECK(ledger.HasValue());
  CHECK(ledger->Insert(Record("A-1", "A")).HasValue());
  STRCMP_EQUAL("ledger.duplicate", ledger->Insert(Record("A-1", "A")).GetError().Code().c_str());
  STRCMP_EQUAL("ledger.unknown", ledger->Update(Record("Z-1", "Z")).GetError().Code().c_str());
  CHECK(TxStateFrom("approved").HasValue());
  STRCMP_EQUAL("ledger.corrupt", TxStateFrom("paid-ish").GetError().Code().c_str());
}
