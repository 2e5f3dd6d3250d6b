#pragma once

// RAII for mbedTLS contexts: every context type comes with an init and a free
// function; Owned<T, Init, Free> calls them and cannot be copied.
//   Owned<mbedtls_gcm_context, mbedtls_gcm_init, mbedtls_gcm_free> gcm;

namespace kiosk::core {

template <typename T, void (*Init)(T*), void (*Free)(T*)>
struct Owned {
  Owned() { Init(&value); }
  ~Owned() { Free(&value); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  T* get() { return &value; }
  const T* get() const { return &value; }
  T value;
};

}  // namespace kiosk::core
