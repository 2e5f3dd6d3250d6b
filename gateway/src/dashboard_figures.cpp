// The dashboard's figures page: what a commune chairman reports. Dossiers
// per day and procedure, fees paid at the kiosk, the share of dossiers
// digitized and identified by the chip, officers' help, the citizens'
// ratings, and the kiosks' paper: Decision 766's indicators as far as the
// kiosks make them (docs/dvc-domain.md §2).

#include <map>
#include <set>

#include "form.h"
#include "html.h"
#include "kiosk/catalog/catalog.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/text.h"
#include "kiosk/gateway/dashboard.h"

namespace kiosk::gateway {

using core::HttpRequest;
using core::HttpResponse;

namespace {

// "83 %" of part in whole, or a dash when there is no whole.
std::string Share(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return "-";
  return std::to_string((part * 100 + whole / 2) / whole) + " %";
}

std::string Card(const std::string& id, const std::string& label, const std::string& value,
                 const std::string& note) {
  return "<div class=\"card\" id=\"" + id + "\">" + label + "<b>" + value + "</b><small>" + note +
         "</small></div>";
}

// "30/11" from "2026-11-30".
std::string ShortDay(const std::string& day) {
  return day.size() == 10 ? day.substr(8, 2) + "/" + day.substr(5, 2) : day;
}

}  // namespace

HttpResponse Dashboard::FiguresPage(const HttpRequest& request, const Session& session) {
  const auto& tr_ = session.tr;
  const std::string commune = QueryField(request.target, "commune");
  const auto asked_days = core::ParseDecimal(QueryField(request.target, "days"));
  const int days = static_cast<int>(std::clamp<std::int64_t>(asked_days.value_or(7), 1, 92));
  auto states = fleet_.States();
  const auto now = fleet_.Clock().Now();
  // From the start of the first day shown, in Vietnam's time.
  const auto local_today =
      std::chrono::floor<std::chrono::days>(now + std::chrono::hours(7)) - std::chrono::hours(7);
  const auto since = local_today - std::chrono::days(days - 1);
  auto tally = dossiers_ != nullptr
                   ? dossiers_->Tally(core::FormatRfc3339(since))
                   : core::Expected<std::vector<DossierTally>>(std::vector<DossierTally>{});
  auto ratings = dossiers_ != nullptr
                     ? dossiers_->Ratings(core::FormatRfc3339(since))
                     : core::Expected<std::vector<RatingTally>>(std::vector<RatingTally>{});
  if (!states || !tally || !ratings) {
    return Page(503, tr_("Figures"),
                std::string("<main><p>") + tr_("The fleet store is unavailable.") + "</p></main>",
                0, session.lang);
  }
  std::map<std::string, std::string> commune_of;
  std::map<std::string, int> printers;  // printer state → kiosks
  std::set<std::string> communes;
  for (const auto& s : *states) {
    commune_of[s.view.device.kiosk_id] = s.view.device.commune;
    communes.insert(s.view.device.commune);
    if (!commune.empty() && s.view.device.commune != commune) continue;
    if (s.view.device.state != "active") continue;
    const auto printer = s.peripherals.find("printer");
    ++printers[printer == s.peripherals.end() ? "unknown" : printer->second];
  }
  auto counted = [&](const std::string& kiosk) {
    return commune.empty() || commune_of[kiosk] == commune;
  };
  // Dossiers: per procedure and day, and the totals.
  std::vector<std::string> day_list;
  for (int i = 0; i < days; ++i) {
    day_list.push_back(catalog::FormatDay(catalog::Day{std::chrono::floor<std::chrono::days>(
        since + std::chrono::hours(7) + std::chrono::days(i))}));
  }
  std::map<std::string, std::map<std::string, std::int64_t>> per_procedure;
  DossierTally total;
  for (const auto& t : *tally) {
    if (!counted(t.kiosk_id)) continue;
    per_procedure[t.procedure_code][t.day] += t.dossiers;
    total.dossiers += t.dossiers;
    total.with_fee += t.with_fee;
    total.paid_at_kiosk += t.paid_at_kiosk;
    total.fees_paid_vnd += t.fees_paid_vnd;
    total.digitized += t.digitized;
    total.chip_identity += t.chip_identity;
    total.assisted += t.assisted;
  }
  std::int64_t rated = 0, not_satisfied = 0;
  for (const auto& r : *ratings) {
    if (!counted(r.kiosk_id)) continue;
    rated += r.count;
    if (r.score == 1) not_satisfied += r.count;
  }
  std::string body = PageHeader(session) + "<main><h1>" + tr_("Figures") + "</h1>";
  std::string options = std::string("<option value=\"\">") + tr_("all communes") + "</option>";
  for (const auto& c : communes) {
    const auto named = commune_names_.find(c);
    options += "<option value=\"" + Escape(c) + "\"" + (c == commune ? " selected" : "") + ">" +
               Escape(named == commune_names_.end() ? c : named->second + " (" + c + ")") +
               "</option>";
  }
  body += std::string("<form method=\"get\" action=\"/fleet/figures\"><label>") + tr_("Commune") +
          " <select name=\"commune\">" + options + "</select></label> <label>" + tr_("Days") +
          " <input name=\"days\" type=\"number\" min=\"1\" max=\"92\" value=\"" +
          std::to_string(days) + "\"></label> <button type=\"submit\">" + tr_("Show") +
          "</button></form>";
  body += "<p id=\"period\">" +
          Fill(tr_("From {1} to {2}, Vietnam time."),
               {ShortDay(day_list.front()) + "/" + day_list.front().substr(0, 4),
                ShortDay(day_list.back()) + "/" + day_list.back().substr(0, 4)}) +
          "</p>";
  body += "<div class=\"cards\">" +
          Card("dossiers", tr_("Dossiers received"), std::to_string(total.dossiers),
               tr_("at the kiosks")) +
          Card("paid", tr_("Fees paid at the kiosk"), Share(total.paid_at_kiosk, total.with_fee),
               Fill(tr_("{1} of {2} dossiers with a fee; {3}"),
                    {std::to_string(total.paid_at_kiosk), std::to_string(total.with_fee),
                     catalog::FormatVnd(total.fees_paid_vnd)})) +
          Card("digitized", tr_("Dossiers digitized"), Share(total.digitized, total.dossiers),
               tr_("Decision 766, indicator 4.2")) +
          Card("chip", tr_("Identified by the chip"), Share(total.chip_identity, total.dossiers),
               tr_("Decision 766, indicator 4.5")) +
          Card("satisfied", tr_("Satisfied citizens"), Share(rated - not_satisfied, rated),
               Fill(tr_("{1} ratings, {2} not satisfied (indicator 5.4)"),
                    {std::to_string(rated), std::to_string(not_satisfied)})) +
          Card("assisted", tr_("Helped by an officer"), std::to_string(total.assisted),
               tr_("dossiers made with an officer at the kiosk")) +
          "</div>";
  body += std::string("<p class=\"muted\" id=\"on-time\">") +
          tr_("On-time share (indicator 2.1): the one-stop system knows when each dossier is "
              "finished; the kiosks' gateway does not, so it is not shown here.") +
          "</p>";
  // Dossiers per day and procedure.
  body += std::string("<section><h2>") + tr_("Dossiers per day and procedure") +
          "</h2><table id=\"per-day\"><thead><tr><th>" + tr_("Procedure") + "</th>";
  for (const auto& d : day_list) body += "<th>" + ShortDay(d) + "</th>";
  body += std::string("<th>") + tr_("Total") + "</th></tr></thead><tbody>";
  std::map<std::string, std::int64_t> day_totals;
  for (const auto& [code, by_day] : per_procedure) {
    const auto named = procedure_names_.find(code);
    body += "<tr data-procedure=\"" + Escape(code) + "\"><td>" +
            (named == procedure_names_.end()
                 ? Escape(code)
                 : Escape(named->second) + " <small>" + Escape(code) + "</small>") +
            "</td>";
    std::int64_t sum = 0;
    for (const auto& d : day_list) {
      const auto it = by_day.find(d);
      const std::int64_t n = it == by_day.end() ? 0 : it->second;
      sum += n;
      day_totals[d] += n;
      body += "<td>" + (n == 0 ? std::string() : std::to_string(n)) + "</td>";
    }
    body += "<td><b>" + std::to_string(sum) + "</b></td></tr>";
  }
  if (per_procedure.empty()) {
    body += "<tr><td colspan=\"" + std::to_string(days + 2) + "\">" +
            tr_("No dossier in this period.") + "</td></tr>";
  }
  body += std::string("</tbody><tfoot><tr><th>") + tr_("Total") + "</th>";
  for (const auto& d : day_list) body += "<th>" + std::to_string(day_totals[d]) + "</th>";
  body +=
      "<th id=\"total\">" + std::to_string(total.dossiers) + "</th></tr></tfoot></table></section>";
  // Paper in the kiosks' printers, now.
  body += std::string("<section><h2>") + tr_("Receipt paper now") + "</h2><table id=\"paper\">";
  for (const auto& [state, count] : printers) {
    body += "<tr data-printer=\"" + Escape(state) + "\"><td>" + Escape(StateWords(state, tr_)) +
            "</td><td>" + Fill(tr_("{1} kiosks"), {std::to_string(count)}) + "</td></tr>";
  }
  body += "</table></section></main>";
  return Page(200, tr_("Figures"), body, 0, session.lang);
}

}  // namespace kiosk::gateway
