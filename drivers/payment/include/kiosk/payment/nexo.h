#pragma once

// nexo Sale-to-POI messages in their JSON encoding (the shape of Adyen's
// Terminal API, which is nexo Retailer 3.x in JSON): the kiosk is the Sale
// System, the card terminal the POI. Only what an unattended kiosk needs:
// Payment, Abort, TransactionStatus (the outcome of a payment whose answer
// was lost) and Reversal (giving back a payment the kiosk cannot use).
//
// Both directions are here: the driver builds requests and parses responses;
// sim-payterm parses requests and builds responses. Everything parsed comes
// from a device on the network and is checked field by field.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/error.h"

namespace kiosk::payment::nexo {

enum class Category { kPayment, kAbort, kTransactionStatus, kReversal };
const char* ToString(Category category);

struct Header {
  Category category = Category::kPayment;
  std::string service_id;  // 1-10 characters, unique per request from this sale system
  std::string sale_id;     // the kiosk
  std::string poi_id;      // the terminal
};

// A transaction's identity on one side: its id and when it began.
struct TransactionId {
  std::string id;
  std::string timestamp;  // ISO 8601, UTC
};

struct Request {
  Header header;
  // Payment
  TransactionId sale_transaction;
  std::int64_t amount_vnd = 0;
  // Abort and TransactionStatus: the request they are about
  std::string referenced_service_id;
  std::string abort_reason;
  // Reversal
  TransactionId original_poi_transaction;
  std::string reversal_reason;  // "MerchantCancel", "CustCancel", "Unable2Compl"
};

struct Response {
  Header header;
  std::string result;           // "Success" | "Failure" | "Partial"
  std::string error_condition;  // on failure: "Refusal", "Cancel", "Aborted", "InProgress",
                                // "NotFound", "Busy", "DeviceOut", "UnavailableService", ...
  std::string additional;       // AdditionalResponse, "key=value&..."
  // Payment (also inside a TransactionStatus response, as the repeated one)
  TransactionId sale_transaction;
  TransactionId poi_transaction;
  std::int64_t authorized_amount_vnd = 0;
  // TransactionStatus: the repeated payment response, when the terminal has it
  std::optional<std::string> repeated_result;
  std::string repeated_error_condition;
  std::string repeated_additional;
};

std::string Encode(const Request& request);
std::string Encode(const Response& response);

// "nexo.malformed" for anything that is not a well-formed message of the
// categories above, with the field at fault.
core::Expected<Request> ParseRequest(std::string_view json);
core::Expected<Response> ParseResponse(std::string_view json);

}  // namespace kiosk::payment::nexo
