// The dashboard's help pages: citizens' calls for an officer (on the fleet
// page, answered with one button) and the officers who may assist at a kiosk
// of their commune (a PIN each, shown once).

#include <string_view>
#include <utility>

#include "form.h"
#include "html.h"
#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/gateway/dashboard.h"

namespace kiosk::gateway {

using core::HttpRequest;
using core::HttpResponse;
namespace klog = core::log;

namespace {

std::string CsrfField(const std::string& csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(csrf) + "\">";
}

}  // namespace

std::string Dashboard::HelpSection(std::int64_t now, const Session& session,
                                   const std::string& commune) {
  if (help_ == nullptr) return "";
  const auto& tr_ = session.tr;
  const std::string& csrf = session.record.csrf_token;
  auto calls = help_->Waiting();
  if (!calls) {
    return std::string("<section><h2>") + tr_("Help requests") + "</h2><p>" +
           tr_("The help store is unavailable.") + "</p></section>";
  }
  std::string open, answered;
  for (const auto& c : *calls) {
    if (!commune.empty() && c.commune != commune) continue;
    const std::string where = "<a href=\"/fleet/kiosks/" + Escape(c.kiosk_id) + "\">" +
                              Escape(c.kiosk_id) + "</a> · " + Commune(c.commune);
    const std::string screen = Escape(ScreenWords(c.screen, tr_));
    if (c.state == "open") {
      open += "<li data-help=\"" + Escape(c.id) + "\" data-kiosk=\"" + Escape(c.kiosk_id) +
              "\"><span class=\"alert\">" + Escape(AlertWords("help_requested", tr_)) + "</span> " +
              where + " · " + screen + " · " + Ago(c.opened_at, now, tr_) +
              " <form class=\"inline\" method=\"post\" action=\"/fleet/help/" + Escape(c.id) +
              "\">" + CsrfField(csrf) + "<button type=\"submit\">" + tr_("I am going (answer)") +
              "</button></form></li>";
    } else {
      answered += "<li data-help-answered=\"" + Escape(c.id) + "\">" + where + " · " + screen +
                  " · " + Fill(tr_("answered by {1}"), {Escape(c.answered_by)}) + " " +
                  Ago(c.answered_at, now, tr_) + "</li>";
    }
  }
  std::string out = std::string("<section><h2>") + tr_("Help requests") + "</h2>";
  out += open.empty()
             ? std::string("<p id=\"no-help\">") + tr_("No citizen is waiting for help.") + "</p>"
             : "<ul id=\"help\">" + open + "</ul>";
  if (!answered.empty()) out += "<ul id=\"helped\">" + answered + "</ul>";
  return out + "</section>";
}

HttpResponse Dashboard::PostHelpAnswer(const std::string& call_id, const Session& session) {
  const auto& tr_ = session.tr;
  auto answered = help_->Answer(call_id, session.record.operator_name);
  if (!answered) {
    return Page(503, tr_("Help requests"),
                std::string("<main><p>") + tr_("The help store is unavailable.") + "</p></main>", 0,
                session.lang);
  }
  if (*answered) {
    klog::Info("dashboard.help_answered", {{"operator", session.record.operator_name}});
  }
  return Redirect("/fleet");
}

HttpResponse Dashboard::StaffPage(const Session& session, const std::string& notice) {
  const auto& tr_ = session.tr;
  auto staff = help_->Staff();
  if (!staff) {
    return Page(503, tr_("Staff"),
                std::string("<main><p>") + tr_("The help store is unavailable.") + "</p></main>", 0,
                session.lang);
  }
  const std::int64_t now = core::UnixMillis(fleet_.Clock().Now());
  const std::string& csrf = session.record.csrf_token;
  std::string rows;
  for (const auto& s : *staff) {
    rows += "<tr data-staff=\"" + Escape(s.id) + "\"><td>" + Escape(s.id) + "</td><td>" +
            Escape(s.name) + "</td><td>" + Commune(s.commune) + "</td><td>" + Escape(s.issued_by) +
            ", " + LocalTime(s.issued_at) + "</td><td>" +
            Fill(tr_("{1} days"),
                 {std::to_string(std::max<std::int64_t>(0, (s.expires_at - now) / 86'400'000))}) +
            "</td><td><form class=\"inline\" method=\"post\" action=\"/fleet/staff/" +
            Escape(s.id) + "/revoke\">" + CsrfField(csrf) + "<button type=\"submit\">" +
            tr_("Revoke") + "</button></form></td></tr>";
  }
  std::string body = PageHeader(session) + "<main>" + notice;
  body += std::string("<section><h2>") + tr_("Officers who may assist at a kiosk") + "</h2><p>" +
          tr_("An officer enters assisted mode at any kiosk of their commune with their PIN; the "
              "dossier records who assisted.") +
          "</p>";
  body += rows.empty()
              ? std::string("<p id=\"no-staff\">") + tr_("No officer holds a PIN.") + "</p>"
              : std::string("<table id=\"staff\"><thead><tr><th>") + tr_("Id") + "</th><th>" +
                    tr_("Name") + "</th><th>" + tr_("Commune") + "</th><th>" + tr_("Issued") +
                    "</th><th>" + tr_("Valid for") + "</th><th></th></tr></thead><tbody>" + rows +
                    "</tbody></table>";
  body += std::string("</section><section><h2>") + tr_("Issue a PIN") +
          "</h2><form method=\"post\" action=\"/fleet/staff\">" + CsrfField(csrf) + "<label>" +
          tr_("Commune code") +
          " <input name=\"commune\" required pattern=\"[0-9A-Za-z.-]+\"></label> <label>" +
          tr_("Officer's full name") +
          " <input name=\"name\" required maxlength=\"100\"></label> <label>" +
          tr_("Valid for (days)") +
          " <input name=\"days\" type=\"number\" min=\"1\" max=\"366\" value=\"90\"></label> "
          "<button type=\"submit\">" +
          tr_("Issue a PIN") + "</button></form></section></main>";
  return Page(200, tr_("Staff"), body, 0, session.lang);
}

HttpResponse Dashboard::PostStaff(const HttpRequest& request, const Session& session) {
  const auto& tr_ = session.tr;
  const std::string commune = FormField(request.body, "commune");
  const std::string name = FormField(request.body, "name");
  const auto days = core::ParseDecimal(FormField(request.body, "days"));
  auto issued = help_->IssueStaff(commune, name, static_cast<int>(days.value_or(90)),
                                  session.record.operator_name);
  if (!issued) {
    return StaffPage(session, "<p class=\"alert\" id=\"problem\">" +
                                  Escape(issued.GetError().Message()) + "</p>");
  }
  klog::Info("dashboard.staff_issued",
             {{"operator", session.record.operator_name}, {"staff", issued->id}});
  return StaffPage(session,
                   "<div class=\"notice\"><p>" +
                       Fill(tr_("PIN for {1} ({2}, commune {3}). Give it to the officer; it is not "
                                "shown again."),
                            {Escape(name), Escape(issued->id), Commune(commune)}) +
                       "</p><p class=\"token\" id=\"pin\">" + Escape(issued->pin) + "</p></div>");
}

HttpResponse Dashboard::PostRevokeStaff(const std::string& staff_id, const Session& session) {
  const auto& tr_ = session.tr;
  auto revoked = help_->Revoke(staff_id);
  if (!revoked) {
    return Page(503, tr_("Staff"),
                std::string("<main><p>") + tr_("The help store is unavailable.") + "</p></main>", 0,
                session.lang);
  }
  return StaffPage(
      session,
      *revoked ? "<p class=\"notice\">" + Fill(tr_("{1} revoked."), {Escape(staff_id)}) + "</p>"
               : std::string("<p class=\"alert\">") + tr_("No such officer in force.") + "</p>");
}

std::optional<HttpResponse> Dashboard::HandleHelp(const HttpRequest& request,
                                                  const std::string& path, const Session& session) {
  if (help_ == nullptr) return std::nullopt;
  if (path == "/fleet/staff") {
    if (request.method == "GET") return StaffPage(session, "");
    if (request.method == "POST") return PostStaff(request, session);
  }
  constexpr std::string_view kStaff = "/fleet/staff/";
  if (path.rfind(kStaff, 0) == 0 && path.ends_with("/revoke") && request.method == "POST") {
    return PostRevokeStaff(path.substr(kStaff.size(), path.size() - kStaff.size() -
                                                          std::string_view("/revoke").size()),
                           session);
  }
  constexpr std::string_view kHelp = "/fleet/help/";
  if (path.rfind(kHelp, 0) == 0 && request.method == "POST") {
    const std::string id = path.substr(kHelp.size());
    if (core::IsCode(id, 64, "-_")) return PostHelpAnswer(id, session);
  }
  return std::nullopt;
}

}  // namespace kiosk::gateway
