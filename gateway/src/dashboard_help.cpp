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

// The kiosk's screens as an officer knows them.
std::string ScreenWords(const std::string& screen) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"attract", "Màn hình chờ"},
      {"identify", "Xác thực căn cước"},
      {"reading_card", "Đang đọc thẻ"},
      {"choose_procedure", "Chọn thủ tục"},
      {"review_form", "Kê khai tờ khai"},
      {"attach_papers", "Scan giấy tờ"},
      {"fees", "Phí, lệ phí"},
      {"consent", "Xác nhận và đồng ý"},
      {"submitting", "Đang nộp hồ sơ"},
      {"receipt", "Nhận biên nhận"},
      {"rating", "Đánh giá"},
      {"goodbye", "Kết thúc"},
      {"lookup", "Tra cứu hồ sơ"},
      {"ticket", "Lấy số thứ tự"},
  };
  for (const auto& [name, words] : kWords) {
    if (name == screen) return std::string(words) + " <small>(" + Escape(screen) + ")</small>";
  }
  return Escape(screen);
}

std::string CsrfField(const std::string& csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Escape(csrf) + "\">";
}

}  // namespace

std::string Dashboard::HelpSection(std::int64_t now, const std::string& csrf,
                                   const std::string& commune) {
  if (help_ == nullptr) return "";
  auto calls = help_->Waiting();
  if (!calls)
    return "<section><h2>Help requests</h2><p>The help store is unavailable.</p></section>";
  std::string open, answered;
  for (const auto& c : *calls) {
    if (!commune.empty() && c.commune != commune) continue;
    const std::string where = "<a href=\"/fleet/kiosks/" + Escape(c.kiosk_id) + "\">" +
                              Escape(c.kiosk_id) + "</a> (" + Escape(c.commune) + ")";
    if (c.state == "open") {
      open += "<li data-help=\"" + Escape(c.id) + "\" data-kiosk=\"" + Escape(c.kiosk_id) +
              "\"><span class=\"alert\">help_requested</span> " + where + " · " +
              ScreenWords(c.screen) + " · " + Ago(c.opened_at, now) +
              " <form class=\"inline\" method=\"post\" action=\"/fleet/help/" + Escape(c.id) +
              "\">" + CsrfField(csrf) +
              "<button type=\"submit\">I am going (answer)</button></form></li>";
    } else {
      answered += "<li data-help-answered=\"" + Escape(c.id) + "\">" + where + " · " +
                  ScreenWords(c.screen) + " · answered by " + Escape(c.answered_by) + " " +
                  Ago(c.answered_at, now) + "</li>";
    }
  }
  std::string out = "<section><h2>Help requests</h2>";
  out += open.empty() ? "<p id=\"no-help\">No citizen is waiting for help.</p>"
                      : "<ul id=\"help\">" + open + "</ul>";
  if (!answered.empty()) out += "<ul id=\"helped\">" + answered + "</ul>";
  return out + "</section>";
}

HttpResponse Dashboard::PostHelpAnswer(const std::string& call_id, const Session& session) {
  auto answered = help_->Answer(call_id, session.record.operator_name);
  if (!answered) return Page(503, "Help", "<main><p>The help store is unavailable.</p></main>");
  if (*answered) {
    klog::Info("dashboard.help_answered", {{"operator", session.record.operator_name}});
  }
  return Redirect("/fleet");
}

HttpResponse Dashboard::StaffPage(const Session& session, const std::string& notice) {
  auto staff = help_->Staff();
  if (!staff) return Page(503, "Staff", "<main><p>The help store is unavailable.</p></main>");
  const std::int64_t now = core::UnixMillis(fleet_.Clock().Now());
  const std::string& csrf = session.record.csrf_token;
  std::string rows;
  for (const auto& s : *staff) {
    rows += "<tr data-staff=\"" + Escape(s.id) + "\"><td>" + Escape(s.id) + "</td><td>" +
            Escape(s.name) + "</td><td>" + Escape(s.commune) + "</td><td>" + Escape(s.issued_by) +
            ", " + Ago(s.issued_at, now) + "</td><td>" +
            std::to_string(std::max<std::int64_t>(0, (s.expires_at - now) / 86'400'000)) +
            " days</td><td><form class=\"inline\" method=\"post\" action=\"/fleet/staff/" +
            Escape(s.id) + "/revoke\">" + CsrfField(csrf) +
            "<button type=\"submit\">Revoke</button></form></td></tr>";
  }
  std::string body = Header(session.record.operator_name, csrf) + "<main>" + notice;
  body +=
      "<section><h2>Officers who may assist at a kiosk</h2><p>An officer enters assisted mode "
      "at any kiosk of their commune with their PIN; the dossier records who assisted.</p>";
  body += rows.empty() ? "<p id=\"no-staff\">No officer holds a PIN.</p>"
                       : "<table id=\"staff\"><thead><tr><th>Id</th><th>Name</th><th>Commune</th>"
                         "<th>Issued</th><th>Valid for</th><th></th></tr></thead><tbody>" +
                             rows + "</tbody></table>";
  body +=
      "</section><section><h2>Issue a PIN</h2><form method=\"post\" action=\"/fleet/staff\">" +
      CsrfField(csrf) +
      "<label>Commune code <input name=\"commune\" required pattern=\"[0-9A-Za-z.-]+\"></label> "
      "<label>Officer's full name <input name=\"name\" required maxlength=\"100\"></label> "
      "<label>Valid for (days) <input name=\"days\" type=\"number\" min=\"1\" max=\"366\" "
      "value=\"90\"></label> <button type=\"submit\">Issue a PIN</button></form></section></main>";
  return Page(200, "Staff", body);
}

HttpResponse Dashboard::PostStaff(const HttpRequest& request, const Session& session) {
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
  return StaffPage(session, "<div class=\"notice\"><p>PIN for " + Escape(name) + " (" +
                                Escape(issued->id) + ", commune " + Escape(commune) +
                                "). Give it to the officer; it is not shown again.</p>"
                                "<p class=\"token\" id=\"pin\">" +
                                Escape(issued->pin) + "</p></div>");
}

HttpResponse Dashboard::PostRevokeStaff(const std::string& staff_id, const Session& session) {
  auto revoked = help_->Revoke(staff_id);
  if (!revoked) return Page(503, "Staff", "<main><p>The help store is unavailable.</p></main>");
  return StaffPage(session, *revoked ? "<p class=\"notice\">" + Escape(staff_id) + " revoked.</p>"
                                     : "<p class=\"alert\">No such officer in force.</p>");
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
