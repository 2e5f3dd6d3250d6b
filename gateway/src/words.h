#pragma once

// The dashboard's words for what the fleet reports in codes: alerts,
// peripherals and their states, counters, commands, update states, the
// kiosk's screens; times in Vietnam's time; "{1}" placeholders filled in.
// Every word is a gettext message of the "dashboard" domain (gateway/po),
// so the operator reads Vietnamese by default and English on request.

#include <cstdint>
#include <initializer_list>
#include <string>

#include "kiosk/i18n/translator.h"

namespace kiosk::gateway {

using i18n::Words;

// `text` with "{1}", "{2}", ... replaced by `values` in order (not escaped).
std::string Fill(std::string text, std::initializer_list<std::string> values);

// "30/11/2026 09:05", the moment `ms` (Unix milliseconds) in Vietnam (UTC+7).
std::string LocalTime(std::int64_t ms);
// "42 giây trước", "5 phút trước", ...
std::string Ago(std::int64_t then_ms, std::int64_t now_ms, const Words& tr_);
// "42 giây", "5 phút", "3 giờ".
std::string Duration(std::int64_t seconds, const Words& tr_);

// Each returns the words, or the code itself when it is not one it knows.
std::string AlertWords(const std::string& alert, const Words& tr_);
std::string PeripheralWords(const std::string& name, const Words& tr_);
std::string StateWords(const std::string& state, const Words& tr_);
std::string CounterWords(const std::string& counter, const Words& tr_);
std::string CommandWords(const std::string& kind, const Words& tr_);
std::string CommandStateWords(const std::string& state, const Words& tr_);
std::string UpdateStateWords(const std::string& state, const Words& tr_);
std::string ScreenWords(const std::string& screen, const Words& tr_);

}  // namespace kiosk::gateway
