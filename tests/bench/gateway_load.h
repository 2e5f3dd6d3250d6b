#pragma once

// What the two halves of gateway-load share (gateway_load.cpp, heartbeat_load.cpp).

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// The [storage] lines that put a gateway on `postgresql` (a libpq connection
// string; a fresh schema is made in it for the run), or "" for SQLite.
std::string StorageLines(const std::string& postgresql);

// HAProxy in TCP mode on `port` in front of `backends` (its config written
// in `dir`); its process id.
pid_t StartHaproxy(const std::filesystem::path& dir, std::uint16_t port,
                   const std::vector<std::uint16_t>& backends);

// gateway-load heartbeats: see gateway_load.cpp. `kept_only`: only the
// kept-connection run, not the full-handshake and resumed ones before it.
// `replicas` > 1: that many gateways on one PostgreSQL, behind HAProxy.
int Heartbeats(int kiosks, int seconds, int interval_s, const std::string& postgresql,
               bool kept_only, int replicas);
