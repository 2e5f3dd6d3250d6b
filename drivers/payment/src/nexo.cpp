#include "kiosk/payment/nexo.h"

#include <nlohmann/json.hpp>

namespace kiosk::payment::nexo {
namespace {

using Json = nlohmann::json;

core::Error Malformed(const std::string& what) {
  return core::Error::Fatal("nexo.malformed", "nexo message: " + what);
}

constexpr std::int64_t kMaxAmount = 9'999'999'999'999;

struct CategoryName {
  Category category;
  const char* name;
};
constexpr CategoryName kCategories[] = {{Category::kPayment, "Payment"},
                                        {Category::kAbort, "Abort"},
                                        {Category::kTransactionStatus, "TransactionStatus"},
                                        {Category::kReversal, "Reversal"}};

core::Expected<Category> CategoryFrom(const std::string& name) {
  for (const auto& c : kCategories) {
    if (name == c.name) return c.category;
  }
  return Malformed("unknown message category '" + name + "'");
}

// The object at `key` of `parent`, or an error naming it.
core::Expected<const Json*> Object(const Json& parent, const char* key) {
  const auto it = parent.find(key);
  if (it == parent.end() || !it->is_object()) return Malformed(std::string(key) + " missing");
  return &*it;
}

core::Expected<std::string> String(const Json& parent, const char* key, std::size_t max_length) {
  const auto it = parent.find(key);
  if (it == parent.end() || !it->is_string()) return Malformed(std::string(key) + " missing");
  const auto& value = it->get_ref<const std::string&>();
  if (value.empty() || value.size() > max_length) {
    return Malformed(std::string(key) + " has a bad length");
  }
  return value;
}

std::string OptionalString(const Json& parent, const char* key) {
  const auto it = parent.find(key);
  return it != parent.end() && it->is_string() ? it->get<std::string>() : std::string();
}

core::Expected<std::int64_t> Amount(const Json& parent, const char* key) {
  const auto it = parent.find(key);
  if (it == parent.end() || !it->is_number_integer()) {
    return Malformed(std::string(key) + " must be a whole number of VND");
  }
  const auto value = it->get<std::int64_t>();
  if (value < 0 || value > kMaxAmount) return Malformed(std::string(key) + " out of range");
  return value;
}

Json EncodeId(const TransactionId& id) {
  return {{"TransactionID", id.id}, {"TimeStamp", id.timestamp}};
}

core::Expected<TransactionId> ParseId(const Json& parent, const char* key) {
  KIOSK_ASSIGN_OR_RETURN(const Json* id, Object(parent, key));
  KIOSK_ASSIGN_OR_RETURN(auto tx, String(*id, "TransactionID", 64));
  KIOSK_ASSIGN_OR_RETURN(auto ts, String(*id, "TimeStamp", 40));
  return TransactionId{tx, ts};
}

Json EncodeHeader(const Header& h, bool request) {
  return {{"ProtocolVersion", "3.0"},
          {"MessageClass", "Service"},
          {"MessageCategory", ToString(h.category)},
          {"MessageType", request ? "Request" : "Response"},
          {"ServiceID", h.service_id},
          {"SaleID", h.sale_id},
          {"POIID", h.poi_id}};
}

core::Expected<Header> ParseHeader(const Json& message, bool request) {
  KIOSK_ASSIGN_OR_RETURN(const Json* h, Object(message, "MessageHeader"));
  KIOSK_ASSIGN_OR_RETURN(auto type, String(*h, "MessageType", 16));
  if (type != (request ? "Request" : "Response")) return Malformed("unexpected MessageType");
  KIOSK_ASSIGN_OR_RETURN(auto category_name, String(*h, "MessageCategory", 32));
  KIOSK_ASSIGN_OR_RETURN(auto category, CategoryFrom(category_name));
  Header header;
  header.category = category;
  KIOSK_ASSIGN_OR_RETURN(header.service_id, String(*h, "ServiceID", 10));
  KIOSK_ASSIGN_OR_RETURN(header.sale_id, String(*h, "SaleID", 64));
  KIOSK_ASSIGN_OR_RETURN(header.poi_id, String(*h, "POIID", 64));
  return header;
}

Json EncodeResult(const std::string& result, const std::string& condition,
                  const std::string& additional) {
  Json r = {{"Result", result}};
  if (!condition.empty()) r["ErrorCondition"] = condition;
  if (!additional.empty()) r["AdditionalResponse"] = additional;
  return r;
}

struct Result {
  std::string result, condition, additional;
};

core::Expected<Result> ParseResult(const Json& body) {
  KIOSK_ASSIGN_OR_RETURN(const Json* r, Object(body, "Response"));
  KIOSK_ASSIGN_OR_RETURN(auto result, String(*r, "Result", 16));
  if (result != "Success" && result != "Failure" && result != "Partial") {
    return Malformed("Result must be Success, Failure or Partial");
  }
  Result out{result, OptionalString(*r, "ErrorCondition"),
             OptionalString(*r, "AdditionalResponse")};
  if (result == "Failure" && out.condition.empty())
    return Malformed("a Failure needs its ErrorCondition");
  return out;
}

void Assign(const Result& result, Response& r) {
  r.result = result.result;
  r.error_condition = result.condition;
  r.additional = result.additional;
}

Json EncodePaymentBody(const Response& r, const std::string& result, const std::string& condition,
                       const std::string& additional) {
  Json body = {{"Response", EncodeResult(result, condition, additional)}};
  if (!r.sale_transaction.id.empty()) {
    body["SaleData"] = {{"SaleTransactionID", EncodeId(r.sale_transaction)}};
  }
  if (!r.poi_transaction.id.empty()) {
    body["POIData"] = {{"POITransactionID", EncodeId(r.poi_transaction)}};
  }
  if (result == "Success") {
    body["PaymentResult"] = {
        {"AmountsResp", {{"Currency", "VND"}, {"AuthorizedAmount", r.authorized_amount_vnd}}}};
  }
  return body;
}

// A PaymentResponse body into `out`; `repeated` puts the result into the
// repeated_* fields (inside a TransactionStatus response).
core::Status ParsePaymentBody(const Json& body, Response& out, bool repeated) {
  KIOSK_ASSIGN_OR_RETURN(auto result, ParseResult(body));
  if (repeated) {
    out.repeated_result = result.result;
    out.repeated_error_condition = result.condition;
    out.repeated_additional = result.additional;
  } else {
    Assign(result, out);
  }
  if (body.contains("SaleData")) {
    KIOSK_ASSIGN_OR_RETURN(const Json* sale, Object(body, "SaleData"));
    KIOSK_ASSIGN_OR_RETURN(out.sale_transaction, ParseId(*sale, "SaleTransactionID"));
  }
  if (body.contains("POIData")) {
    KIOSK_ASSIGN_OR_RETURN(const Json* poi, Object(body, "POIData"));
    KIOSK_ASSIGN_OR_RETURN(out.poi_transaction, ParseId(*poi, "POITransactionID"));
  }
  if (result.result == "Success") {
    KIOSK_ASSIGN_OR_RETURN(const Json* payment, Object(body, "PaymentResult"));
    KIOSK_ASSIGN_OR_RETURN(const Json* amounts, Object(*payment, "AmountsResp"));
    KIOSK_ASSIGN_OR_RETURN(auto currency, String(*amounts, "Currency", 3));
    if (currency != "VND") return Malformed("the terminal answered in " + currency);
    KIOSK_ASSIGN_OR_RETURN(out.authorized_amount_vnd, Amount(*amounts, "AuthorizedAmount"));
    if (out.poi_transaction.id.empty())
      return Malformed("an approved payment needs its POITransactionID");
  }
  return core::Ok();
}

Json MessageReference(const std::string& service_id, const Header& h) {
  return {{"MessageCategory", "Payment"}, {"ServiceID", service_id}, {"SaleID", h.sale_id}};
}

core::Expected<Json> ParseJson(std::string_view text, const char* root) {
  Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Malformed("not a JSON object");
  KIOSK_ASSIGN_OR_RETURN(const Json* message, Object(json, root));
  return *message;
}

}  // namespace

const char* ToString(Category category) {
  for (const auto& c : kCategories) {
    if (c.category == category) return c.name;
  }
  return "?";
}

std::string Encode(const Request& r) {
  Json message = {{"MessageHeader", EncodeHeader(r.header, true)}};
  switch (r.header.category) {
    case Category::kPayment:
      message["PaymentRequest"] = {
          {"SaleData", {{"SaleTransactionID", EncodeId(r.sale_transaction)}}},
          {"PaymentTransaction",
           {{"AmountsReq", {{"Currency", "VND"}, {"RequestedAmount", r.amount_vnd}}}}}};
      break;
    case Category::kAbort:
      message["AbortRequest"] = {
          {"MessageReference", MessageReference(r.referenced_service_id, r.header)},
          {"AbortReason", r.abort_reason}};
      break;
    case Category::kTransactionStatus:
      message["TransactionStatusRequest"] = {
          {"MessageReference", MessageReference(r.referenced_service_id, r.header)}};
      break;
    case Category::kReversal:
      message["ReversalRequest"] = {
          {"OriginalPOITransaction", {{"POITransactionID", EncodeId(r.original_poi_transaction)}}},
          {"ReversalReason", r.reversal_reason}};
      break;
  }
  return Json{{"SaleToPOIRequest", message}}.dump();
}

std::string Encode(const Response& r) {
  Json message = {{"MessageHeader", EncodeHeader(r.header, false)}};
  switch (r.header.category) {
    case Category::kPayment:
      message["PaymentResponse"] = EncodePaymentBody(r, r.result, r.error_condition, r.additional);
      break;
    case Category::kTransactionStatus: {
      Json body = {{"Response", EncodeResult(r.result, r.error_condition, r.additional)}};
      if (r.repeated_result) {
        Header repeated = r.header;
        repeated.category = Category::kPayment;
        body["RepeatedMessageResponse"] = {
            {"MessageHeader", EncodeHeader(repeated, false)},
            {"RepeatedResponseMessageBody",
             {{"PaymentResponse",
               EncodePaymentBody(r, *r.repeated_result, r.repeated_error_condition,
                                 r.repeated_additional)}}}};
      }
      message["TransactionStatusResponse"] = body;
      break;
    }
    case Category::kReversal: {
      Json body = {{"Response", EncodeResult(r.result, r.error_condition, r.additional)}};
      if (!r.poi_transaction.id.empty()) {
        body["POIData"] = {{"POITransactionID", EncodeId(r.poi_transaction)}};
      }
      message["ReversalResponse"] = body;
      break;
    }
    case Category::kAbort:  // nexo answers an abort through the aborted payment
      message["AbortResponse"] = {{"Response", EncodeResult(r.result, r.error_condition, "")}};
      break;
  }
  return Json{{"SaleToPOIResponse", message}}.dump();
}

core::Expected<Request> ParseRequest(std::string_view text) {
  KIOSK_ASSIGN_OR_RETURN(auto message, ParseJson(text, "SaleToPOIRequest"));
  Request r;
  KIOSK_ASSIGN_OR_RETURN(r.header, ParseHeader(message, true));
  switch (r.header.category) {
    case Category::kPayment: {
      KIOSK_ASSIGN_OR_RETURN(const Json* body, Object(message, "PaymentRequest"));
      KIOSK_ASSIGN_OR_RETURN(const Json* sale, Object(*body, "SaleData"));
      KIOSK_ASSIGN_OR_RETURN(r.sale_transaction, ParseId(*sale, "SaleTransactionID"));
      KIOSK_ASSIGN_OR_RETURN(const Json* tx, Object(*body, "PaymentTransaction"));
      KIOSK_ASSIGN_OR_RETURN(const Json* amounts, Object(*tx, "AmountsReq"));
      KIOSK_ASSIGN_OR_RETURN(auto currency, String(*amounts, "Currency", 3));
      if (currency != "VND") return Malformed("only VND is accepted");
      KIOSK_ASSIGN_OR_RETURN(r.amount_vnd, Amount(*amounts, "RequestedAmount"));
      if (r.amount_vnd == 0) return Malformed("RequestedAmount must be positive");
      break;
    }
    case Category::kAbort:
    case Category::kTransactionStatus: {
      const bool abort = r.header.category == Category::kAbort;
      KIOSK_ASSIGN_OR_RETURN(const Json* body,
                             Object(message, abort ? "AbortRequest" : "TransactionStatusRequest"));
      KIOSK_ASSIGN_OR_RETURN(const Json* ref, Object(*body, "MessageReference"));
      KIOSK_ASSIGN_OR_RETURN(r.referenced_service_id, String(*ref, "ServiceID", 10));
      if (abort) r.abort_reason = OptionalString(*body, "AbortReason");
      break;
    }
    case Category::kReversal: {
      KIOSK_ASSIGN_OR_RETURN(const Json* body, Object(message, "ReversalRequest"));
      KIOSK_ASSIGN_OR_RETURN(const Json* original, Object(*body, "OriginalPOITransaction"));
      KIOSK_ASSIGN_OR_RETURN(r.original_poi_transaction, ParseId(*original, "POITransactionID"));
      KIOSK_ASSIGN_OR_RETURN(r.reversal_reason, String(*body, "ReversalReason", 32));
      break;
    }
  }
  return r;
}

core::Expected<Response> ParseResponse(std::string_view text) {
  KIOSK_ASSIGN_OR_RETURN(auto message, ParseJson(text, "SaleToPOIResponse"));
  Response r;
  KIOSK_ASSIGN_OR_RETURN(r.header, ParseHeader(message, false));
  switch (r.header.category) {
    case Category::kPayment: {
      KIOSK_ASSIGN_OR_RETURN(const Json* body, Object(message, "PaymentResponse"));
      KIOSK_TRY(ParsePaymentBody(*body, r, false));
      break;
    }
    case Category::kTransactionStatus: {
      KIOSK_ASSIGN_OR_RETURN(const Json* body, Object(message, "TransactionStatusResponse"));
      KIOSK_ASSIGN_OR_RETURN(auto result, ParseResult(*body));
      Assign(result, r);
      if (body->contains("RepeatedMessageResponse")) {
        KIOSK_ASSIGN_OR_RETURN(const Json* repeated, Object(*body, "RepeatedMessageResponse"));
        KIOSK_ASSIGN_OR_RETURN(const Json* inner, Object(*repeated, "RepeatedResponseMessageBody"));
        KIOSK_ASSIGN_OR_RETURN(const Json* payment, Object(*inner, "PaymentResponse"));
        KIOSK_TRY(ParsePaymentBody(*payment, r, true));
      } else if (r.result == "Success") {
        return Malformed("a successful TransactionStatus must repeat the payment response");
      }
      break;
    }
    case Category::kReversal: {
      KIOSK_ASSIGN_OR_RETURN(const Json* body, Object(message, "ReversalResponse"));
      KIOSK_ASSIGN_OR_RETURN(auto result, ParseResult(*body));
      Assign(result, r);
      if (body->contains("POIData")) {
        KIOSK_ASSIGN_OR_RETURN(const Json* poi, Object(*body, "POIData"));
        KIOSK_ASSIGN_OR_RETURN(r.poi_transaction, ParseId(*poi, "POITransactionID"));
      }
      break;
    }
    case Category::kAbort:
      return Malformed("an abort has no response of its own");
  }
  return r;
}

}  // namespace kiosk::payment::nexo
