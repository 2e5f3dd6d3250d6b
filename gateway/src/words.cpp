#include "words.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <utility>

namespace kiosk::gateway {

std::string Fill(std::string text, std::initializer_list<std::string> values) {
  int n = 0;
  for (const auto& value : values) {
    const std::string mark = "{" + std::to_string(++n) + "}";
    const auto at = text.find(mark);
    if (at != std::string::npos) text.replace(at, mark.size(), value);
  }
  return text;
}

std::string LocalTime(std::int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> utc{milliseconds(ms)};
  const auto local = utc + hours(7);
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const auto minutes_in = duration_cast<minutes>(local - day).count();
  char text[32];
  std::snprintf(text, sizeof text, "%02u/%02u/%d %02d:%02d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                static_cast<int>(minutes_in / 60), static_cast<int>(minutes_in % 60));
  return text;
}

std::string Duration(std::int64_t s, const Words& tr_) {
  if (s < 120) return Fill(tr_("{1} s"), {std::to_string(s)});
  if (s < 7200) return Fill(tr_("{1} min"), {std::to_string(s / 60)});
  if (s < 172800) return Fill(tr_("{1} h"), {std::to_string(s / 3600)});
  return Fill(tr_("{1} days"), {std::to_string(s / 86400)});
}

std::string Ago(std::int64_t then_ms, std::int64_t now_ms, const Words& tr_) {
  const std::int64_t s = std::max<std::int64_t>(0, (now_ms - then_ms) / 1000);
  return Fill(tr_("{1} ago"), {Duration(s, tr_)});
}

namespace {

using Entry = std::pair<std::string_view, const char*>;

// Marks a message for the catalog where it is looked up later (tr_ on the
// table's entry).
constexpr const char* N_(const char* msgid) { return msgid; }

template <std::size_t N>
std::string Lookup(const Entry (&table)[N], const std::string& code, const Words& tr_) {
  for (const auto& [key, words] : table) {
    if (key == code) return tr_(words);
  }
  return code;
}

}  // namespace

std::string AlertWords(const std::string& alert, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"offline", N_("no heartbeat")},
      {"paper_out", N_("out of paper")},
      {"tamper", N_("door opened")},
      {"backlog", N_("dossiers waiting to upload")},
      {"help_requested", N_("a citizen asks for help")},
      {"reenrolled", N_("re-enrolled")},
      {"login_locked", N_("login locked")},
  };
  return Lookup(kWords, alert, tr_);
}

std::string PeripheralWords(const std::string& name, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"card_reader", N_("ID card reader")},
      {"scanner", N_("scanner")},
      {"printer", N_("receipt printer")},
      {"payment_terminal", N_("payment terminal")},
      {"display", N_("screen")},
      {"tamper", N_("cabinet door")},
  };
  return Lookup(kWords, name, tr_);
}

std::string StateWords(const std::string& state, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"ok", N_("working")},
      {"absent", N_("not fitted")},
      {"unknown", N_("not known")},
      {"error", N_("fault")},
      {"offline", N_("not connected")},
      {"unreachable", N_("not answering")},
      {"paper_out", N_("out of paper")},
      {"paper_near_end", N_("paper running low")},
      {"cover_open", N_("cover open")},
      {"open", N_("open")},
      {"closed", N_("closed")},
      {"disabled", N_("switched off")},
  };
  return Lookup(kWords, state, tr_);
}

std::string CounterWords(const std::string& counter, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"journeys_started", N_("citizens who started")},
      {"journeys_completed", N_("dossiers submitted")},
      {"journeys_abandoned", N_("citizens who left before the end")},
      {"card_reads_ok", N_("cards read")},
      {"card_reads_failed", N_("cards not read")},
      {"payments_ok", N_("payments made")},
      {"payments_declined", N_("payments declined")},
      {"help_calls", N_("calls for an officer")},
      {"assisted_sessions", N_("dossiers made with an officer's help")},
  };
  return Lookup(kWords, counter, tr_);
}

std::string CommandWords(const std::string& kind, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"restart_app", N_("restart the kiosk program")},
      {"reboot", N_("restart the kiosk")},
      {"self_test", N_("run the device self-test")},
      {"upload_logs", N_("send the logs")},
      {"config", N_("change settings")},
      {"maintenance_on", N_("take out of service")},
      {"maintenance_off", N_("put back in service")},
  };
  return Lookup(kWords, kind, tr_);
}

std::string CommandStateWords(const std::string& state, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"pending", N_("waiting for the kiosk")},
      {"sent", N_("sent")},
      {"done", N_("done")},
      {"failed", N_("failed")},
  };
  return Lookup(kWords, state, tr_);
}

std::string UpdateStateWords(const std::string& state, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"downloading", N_("downloading")},
      {"downloaded", N_("downloaded")},
      {"holding", N_("waiting for the kiosk to be free")},
      {"installing", N_("installing")},
      {"installed", N_("installed, restarting")},
      {"interrupted", N_("interrupted")},
      {"paused", N_("paused")},
      {"rolling_back", N_("going back")},
      {"self_test_failed", N_("self-test failed")},
      {"good", N_("updated")},
      {"failed", N_("failed")},
      {"rolled_back", N_("went back to the previous version")},
      {"active", N_("under way")},
  };
  return Lookup(kWords, state, tr_);
}

std::string ScreenWords(const std::string& screen, const Words& tr_) {
  static constexpr Entry kWords[] = {
      {"attract", N_("welcome screen")},
      {"identify", N_("ID card check")},
      {"reading_card", N_("reading the card")},
      {"choose_procedure", N_("choosing the procedure")},
      {"review_form", N_("filling in the form")},
      {"attach_papers", N_("scanning papers")},
      {"at_counter", N_("what is done at the counter")},
      {"fees", N_("fees")},
      {"consent", N_("consent and confirmation")},
      {"submitting", N_("submitting the dossier")},
      {"receipt", N_("taking the receipt")},
      {"rating", N_("rating")},
      {"goodbye", N_("finished")},
      {"lookup", N_("looking up a dossier")},
      {"ticket", N_("taking a queue number")},
  };
  return Lookup(kWords, screen, tr_);
}

}  // namespace kiosk::gateway
