#include "kiosk/core/error.h"

namespace kiosk::core {

const char* ToString(ErrorClass error_class) {
  switch (error_class) {
    case ErrorClass::kRetryable:
      return "retryable";
    case ErrorClass::kNeedsPerson:
      return "needs-person";
    case ErrorClass::kFatal:
      return "fatal";
  }
  return "unknown";
}

Error::Error(ErrorClass error_class, std::string code, std::string message)
    : class_(error_class), code_(std::move(code)), message_(std::move(message)) {}

Error Error::Retryable(std::string code, std::string message) {
  return {ErrorClass::kRetryable, std::move(code), std::move(message)};
}

Error Error::NeedsPerson(std::string code, std::string message) {
  return {ErrorClass::kNeedsPerson, std::move(code), std::move(message)};
}

Error Error::Fatal(std::string code, std::string message) {
  return {ErrorClass::kFatal, std::move(code), std::move(message)};
}

Error&& Error::WithContext(std::string what) && {
  context_.insert(context_.begin(), std::move(what));
  return std::move(*this);
}

Error& Error::WithContext(std::string what) & {
  context_.insert(context_.begin(), std::move(what));
  return *this;
}

std::string Error::ToString() const {
  std::string out;
  for (const auto& what : context_) {
    out += what;
    out += ": ";
  }
  out += code_;
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  out += " [";
  out += core::ToString(class_);
  out += "]";
  return out;
}

namespace detail {

void AbortOnBadAccess(const Error* error, const char* what) {
  std::fprintf(stderr, "kiosk: fatal: Expected::%s%s%s\n", what, error ? ": " : "",
               error ? error->ToString().c_str() : "");
  std::abort();
}

}  // namespace detail
}  // namespace kiosk::core
