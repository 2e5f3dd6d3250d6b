#pragma once

// Errors are values. Every fallible function returns Expected<T>; exceptions
// from third-party libraries are caught at the adapter and never cross a
// module boundary.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace kiosk::core {

// What the caller can do about an error.
enum class ErrorClass {
  kRetryable,    // transient: try again later (network down, device busy)
  kNeedsPerson,  // a citizen or technician must act (card removed, paper out, bad config)
  kFatal,        // a bug or a broken device: give up and report
};

const char* ToString(ErrorClass error_class);

class Error {
 public:
  // `code` is a stable dotted identifier ("crypto.bad_tag") fit for telemetry;
  // `message` is for people and must not contain personal data.
  Error(ErrorClass error_class, std::string code, std::string message);

  static Error Retryable(std::string code, std::string message);
  static Error NeedsPerson(std::string code, std::string message);
  static Error Fatal(std::string code, std::string message);

  ErrorClass Class() const { return class_; }
  const std::string& Code() const { return code_; }
  const std::string& Message() const { return message_; }
  // Outermost context first: what the program was doing when it failed.
  const std::vector<std::string>& Context() const { return context_; }

  // Adds what the caller was doing; the chain reads outermost first.
  Error&& WithContext(std::string what) &&;
  Error& WithContext(std::string what) &;

  // "reading config: parsing kiosk.toml: config.unknown_key: ... [needs-person]"
  std::string ToString() const;

 private:
  ErrorClass class_;
  std::string code_;
  std::string message_;
  std::vector<std::string> context_;
};

namespace detail {
[[noreturn]] void AbortOnBadAccess(const Error* error, const char* what);
}  // namespace detail

// Holds either a T or an Error. Accessing the wrong alternative is a bug and
// aborts with the error printed.
template <typename T>
class [[nodiscard]] Expected {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Expected<Error> is ambiguous");

 public:
  using ValueType = T;

  // NOLINTNEXTLINE(google-explicit-constructor): `return value;` reads naturally.
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor): `return Error::...;` reads naturally.
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Expected<T>>)
      // NOLINTNEXTLINE(google-explicit-constructor)
      Expected(U&& value)
      : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}

  bool HasValue() const { return state_.index() == 0; }
  explicit operator bool() const { return HasValue(); }

  T& Value() & {
    Check();
    return std::get<0>(state_);
  }
  const T& Value() const& {
    Check();
    return std::get<0>(state_);
  }
  T&& Value() && {
    Check();
    return std::get<0>(std::move(state_));
  }

  T& operator*() & { return Value(); }
  const T& operator*() const& { return Value(); }
  T&& operator*() && { return std::move(*this).Value(); }
  T* operator->() { return &Value(); }
  const T* operator->() const { return &Value(); }

  const Error& GetError() const& {
    if (HasValue()) detail::AbortOnBadAccess(nullptr, "GetError() on a value");
    return std::get<1>(state_);
  }
  Error&& GetError() && {
    if (HasValue()) detail::AbortOnBadAccess(nullptr, "GetError() on a value");
    return std::get<1>(std::move(state_));
  }

  T ValueOr(T fallback) const& { return HasValue() ? std::get<0>(state_) : std::move(fallback); }

  // Adds context to an error; a value passes through untouched.
  Expected&& WithContext(std::string what) && {
    if (!HasValue()) std::get<1>(state_).WithContext(std::move(what));
    return std::move(*this);
  }

 private:
  void Check() const {
    if (!HasValue()) detail::AbortOnBadAccess(&std::get<1>(state_), "Value() on an error");
  }

  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  // NOLINTNEXTLINE(google-explicit-constructor)
  Expected(Error error) : error_(std::move(error)), has_error_(true) {}

  bool HasValue() const { return !has_error_; }
  explicit operator bool() const { return HasValue(); }

  const Error& GetError() const& {
    if (!has_error_) detail::AbortOnBadAccess(nullptr, "GetError() on success");
    return error_;
  }
  Error&& GetError() && {
    if (!has_error_) detail::AbortOnBadAccess(nullptr, "GetError() on success");
    return std::move(error_);
  }

  Expected&& WithContext(std::string what) && {
    if (has_error_) error_.WithContext(std::move(what));
    return std::move(*this);
  }

 private:
  Error error_{ErrorClass::kFatal, "", ""};
  bool has_error_ = false;
};

using Status = Expected<void>;

inline Status Ok() { return {}; }

}  // namespace kiosk::core

// Propagates an error from an Expected<void>-like expression:
//   KIOSK_TRY(WriteFile(path, bytes));
#define KIOSK_TRY(expr)                                                     \
  do {                                                                      \
    auto kiosk_try_result_ = (expr);                                        \
    if (!kiosk_try_result_) return std::move(kiosk_try_result_).GetError(); \
  } while (false)

// Declares or assigns `lhs` from an Expected<T> expression, returning its
// error from the enclosing function on failure:
//   KIOSK_ASSIGN_OR_RETURN(auto key, LoadKey(path));
// It expands to several statements: inside an `if`, use braces.
#define KIOSK_ASSIGN_OR_RETURN(lhs, expr) \
  KIOSK_ASSIGN_OR_RETURN_IMPL_(KIOSK_CONCAT_(kiosk_expected_, __LINE__), lhs, expr)
#define KIOSK_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp) return std::move(tmp).GetError();        \
  lhs = std::move(tmp).Value()
#define KIOSK_CONCAT_(a, b) KIOSK_CONCAT_INNER_(a, b)
#define KIOSK_CONCAT_INNER_(a, b) a##b
