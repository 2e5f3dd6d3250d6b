#include "test_prelude.h"

#include <nlohmann/json.hpp>

#include "kiosk/payment/nexo.h"

using namespace kiosk::payment;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(Nexo){};

TEST(Nexo, PaymentRequestHasTheTerminalApiShape) {
  nexo::Request r;
  r.header = {nexo::Category::kPayment, "a1b2c3d4e5", "KIOSK-01", "POI-01"};
  r.sale_transaction = {"DVC0001-1", "2026-11-30T02:00:00Z"};
  r.amount_vnd = 7000;
  const auto json = nlohmann::json::parse(nexo::Encode(r));
  const auto& message = json["SaleToPOIRequest"];
  STRCMP_EQUAL("Payment", message["MessageHeader"]["MessageCategory"].get<std::string>().c_str());
  STRCMP_EQUAL("Request", message["MessageHeader"]["MessageType"].get<std::string>().c_str());
  STRCMP_EQUAL("a1b2c3d4e5", message["MessageHeader"]["ServiceID"].get<std::string>().c_str());
  const auto& amounts = message["PaymentRequest"]["PaymentTransaction"]["AmountsReq"];
  STRCMP_EQUAL("VND", amounts["Currency"].get<std::string>().c_str());
  LONGS_EQUAL(7000, amounts["RequestedAmount"].get<long>());
  auto back = nexo::ParseRequest(nexo::Encode(r));
  CHECK(back.HasValue());
  STRCMP_EQUAL("DVC0001-1", back->sale_transaction.id.c_str());
  LONGS_EQUAL(7000, back->amount_vnd);
}

TEST(Nexo, EveryRequestCategoryRoundTrips) {
  nexo::Request abort;
  abort.header = {nexo::Category::kAbort, "s2", "K", "P"};
  abort.referenced_service_id = "s1";
  abort.abort_reason = "CustomerCancel";
  auto a = nexo::ParseRequest(nexo::Encode(abort));
  CHECK(a.HasValue());
  STRCMP_EQUAL("s1", a->referenced_service_id.c_str());
  STRCMP_EQUAL("CustomerCancel", a->abort_reason.c_str());

  nexo::Request status;
  status.header = {nexo::Category::kTransactionStatus, "s3", "K", "P"};
  status.referenced_service_id = "s1";
  auto s = nexo::ParseRequest(nexo::Encode(status));
  CHECK(s.HasValue());
  CHECK(s->header.category == nexo::Category::kTransactionStatus);

  nexo::Request reversal;
  reversal.header = {nexo::Category::kReversal, "s4", "K", "P"};
  reversal.original_poi_transaction = {"POI000001", "2026-11-30T02:00:05Z"};
  reversal.reversal_reason = "MerchantCancel";
  auto r = nexo::ParseRequest(nexo::Encode(reversal));
  CHECK(r.HasValue());
  STRCMP_EQUAL("POI000001", r->original_poi_transaction.id.c_str());
}

TEST(Nexo, ApprovedPaymentResponse) {
  nexo::Response r;
  r.header = {nexo::Category::kPayment, "s1", "K", "P"};
  r.result = "Success";
  r.sale_transaction = {"DVC0001-1", "2026-11-30T02:00:00Z"};
  r.poi_transaction = {"POI000001", "2026-11-30T02:00:05Z"};
  r.authorized_amount_vnd = 7000;
  auto back = nexo::ParseResponse(nexo::Encode(r));
  CHECK(back.HasValue());
  STRCMP_EQUAL("Success", back->result.c_str());
  STRCMP_EQUAL("POI000001", back->poi_transaction.id.c_str());
  LONGS_EQUAL(7000, back->authorized_amount_vnd);
}

TEST(Nexo, AResponseWithoutSaleDataEncodesBackTheSame) {
  nexo::Response r;
  r.header = {nexo::Category::kPayment, "s1", "K", "P"};
  r.result = "Failure";
  r.error_condition = "Busy";
  auto back = nexo::ParseResponse(nexo::Encode(r));
  CHECK(back.HasValue());
  CHECK(back->sale_transaction.id.empty());
  CHECK(nexo::ParseResponse(nexo::Encode(*back)).HasValue());
}

TEST(Nexo, TransactionStatusRepeatsThePayment) {
  nexo::Response r;
  r.header = {nexo::Category::kTransactionStatus, "s5", "K", "P"};
  r.result = "Success";
  r.repeated_result = "Failure";
  r.repeated_error_condition = "Refusal";
  r.sale_transaction = {"DVC0001-1", "2026-11-30T02:00:00Z"};
  auto back = nexo::ParseResponse(nexo::Encode(r));
  CHECK(back.HasValue());
  CHECK(back->repeated_result.has_value());
  STRCMP_EQUAL("Failure", back->repeated_result->c_str());
  STRCMP_EQUAL("Refusal", back->repeated_error_condition.c_str());

  nexo::Response in_progress;
  in_progress.header = r.header;
  in_progress.result = "Failure";
  in_progress.error_condition = "InProgress";
  back = nexo::ParseResponse(nexo::Encode(in_progress));
  CHECK(back.HasValue());
  CHECK_FALSE(back->repeated_result.has_value());
  STRCMP_EQUAL("InProgress", back->error_condition.c_str());
}

TEST(Nexo, MalformedMessagesAreRefused) {
  const char* bad[] = {
      "",
      "[]",
      "{\"SaleToPOIResponse\":{}}",
      // a success without the approved amount
      "{\"SaleToPOIResponse\":{\"MessageHeader\":{\"MessageType\":\"Response\",\"MessageCategory\":"
      "\"Payment\",\"ServiceID\":\"s1\",\"SaleID\":\"K\",\"POIID\":\"P\"},\"PaymentResponse\":{"
      "\"Response\":{\"Result\":\"Success\"}}}}",
      // a failure without its condition
      "{\"SaleToPOIResponse\":{\"MessageHeader\":{\"MessageType\":\"Response\",\"MessageCategory\":"
      "\"Payment\",\"ServiceID\":\"s1\",\"SaleID\":\"K\",\"POIID\":\"P\"},\"PaymentResponse\":{"
      "\"Response\":{\"Result\":\"Failure\"}}}}",
      // a ServiceID over 10 characters
      "{\"SaleToPOIResponse\":{\"MessageHeader\":{\"MessageType\":\"Response\",\"MessageCategory\":"
      "\"Payment\",\"ServiceID\":\"s1234567890\",\"SaleID\":\"K\",\"POIID\":\"P\"}}}",
      // a request where a response belongs
      "{\"SaleToPOIResponse\":{\"MessageHeader\":{\"MessageType\":\"Request\",\"MessageCategory\":"
      "\"Payment\",\"ServiceID\":\"s1\",\"SaleID\":\"K\",\"POIID\":\"P\"}}}",
  };
  for (const char* text : bad) {
    auto r = nexo::ParseResponse(text);
    CHECK_FALSE(r.HasValue());
    STRCMP_EQUAL("nexo.malformed", r.GetError().Code().c_str());
  }
  // A negative or fractional amount in a request.
  nexo::Request r;
  r.header = {nexo::Category::kPayment, "s1", "K", "P"};
  r.sale_transaction = {"T", "2026-11-30T02:00:00Z"};
  r.amount_vnd = -5;
  CHECK_FALSE(nexo::ParseRequest(nexo::Encode(r)).HasValue());
  std::string fractional = nexo::Encode(r);
  fractional.replace(fractional.find("-5"), 2, "5.5");
  CHECK_FALSE(nexo::ParseRequest(fractional).HasValue());
}
