#pragma once

// Types for key material and citizen data. Both are move-only, wipe their
// memory when destroyed or moved from, and cannot be formatted into a log line
// (see log.h: the Loggable concept rejects them, so such a call does not compile).

#include <compare>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kiosk/core/bytes.h"

namespace kiosk::core {

// Overwrites memory in a way the optimiser may not remove.
void SecureZero(void* data, std::size_t size);

// Constant-time comparison, for MACs and tags.
bool ConstantTimeEquals(ByteView a, ByteView b);

// Marker base: types deriving from it are never loggable.
struct NotLoggable {};

// Key material: move-only, zeroed on destruction.
class SecretBytes : NotLoggable {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size, 0) {}
  explicit SecretBytes(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}
  ~SecretBytes() { Wipe(); }

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.bytes_.clear();
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      Wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }

  // An explicit copy, so that duplicating a key is visible in review.
  SecretBytes Clone() const { return SecretBytes(View()); }

  ByteView View() const { return {bytes_.data(), bytes_.size()}; }
  std::uint8_t* MutableData() { return bytes_.data(); }
  std::size_t Size() const { return bytes_.size(); }
  bool Empty() const { return bytes_.empty(); }

  bool operator==(const SecretBytes& other) const {
    return ConstantTimeEquals(View(), other.View());
  }

  friend std::ostream& operator<<(std::ostream&, const SecretBytes&) = delete;

 private:
  void Wipe() {
    SecureZero(bytes_.data(), bytes_.size());
    bytes_.clear();
  }

  // std::vector moves its heap buffer, so no copy of the bytes is left behind.
  std::vector<std::uint8_t> bytes_;
};

namespace detail {
inline void WipeValue(std::string& s) {
  // Covers the small-string buffer too: wipe the whole capacity we can reach.
  s.resize(s.capacity());
  SecureZero(s.data(), s.size());
  s.clear();
}
inline void WipeValue(std::vector<std::uint8_t>& v) {
  SecureZero(v.data(), v.size());
  v.clear();
}
template <typename T>
requires std::is_arithmetic_v<T>
void WipeValue(T& v) { SecureZero(&v, sizeof v); }
}  // namespace detail

// Zeroes a string's whole buffer, then empties it: for text a citizen typed
// that is not (or no longer) held in a Personal<T>.
inline void WipeString(std::string& s) { detail::WipeValue(s); }

// Personal data of a citizen (name, ID number, address, photo). Move-only;
// read it with Reveal() where the data is genuinely needed (a form, a
// sealed manifest), so every use is greppable. Never loggable.
template <typename T>
requires(std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<std::uint8_t>> ||
         std::is_arithmetic_v<T>) class Personal : NotLoggable {
 public:
  Personal() = default;
  explicit Personal(T value) : value_(std::move(value)) {}
  ~Personal() { detail::WipeValue(value_); }

  Personal(const Personal&) = delete;
  Personal& operator=(const Personal&) = delete;
  // Copies then wipes the source: a moved-from small string would otherwise
  // keep its characters in the inline buffer.
  Personal(Personal&& other) noexcept : value_(other.value_) { detail::WipeValue(other.value_); }
  Personal& operator=(Personal&& other) noexcept {
    if (this != &other) {
      detail::WipeValue(value_);
      value_ = other.value_;
      detail::WipeValue(other.value_);
    }
    return *this;
  }

  Personal Clone() const { return Personal(value_); }

  const T& Reveal() const { return value_; }

  bool operator==(const Personal& other) const { return value_ == other.value_; }

  friend std::ostream& operator<<(std::ostream&, const Personal&) = delete;

 private:
  T value_{};
};

using PersonalText = Personal<std::string>;

}  // namespace kiosk::core
