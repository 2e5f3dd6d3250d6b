#pragma once

// What the two halves of gateway-load share (gateway_load.cpp, heartbeat_load.cpp).

#include <string>

// The [storage] lines that put a gateway on `postgresql` (a libpq connection
// string; a fresh schema is made in it for the run), or "" for SQLite.
std::string StorageLines(const std::string& postgresql);

// gateway-load heartbeats: see gateway_load.cpp. `kept_only`: only the
// kept-connection run, not the full-handshake and resumed ones before it.
int Heartbeats(int kiosks, int seconds, int interval_s, const std::string& postgresql,
               bool kept_only);
