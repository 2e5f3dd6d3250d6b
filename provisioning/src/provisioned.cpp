#include "kiosk/provisioning/provisioned.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"

namespace kiosk::provisioning {

using nlohmann::json;

namespace {

core::DeviceConfig DeviceOf(const ProvisionedKiosk& k) {
  core::DeviceConfig device;
  device.kiosk_id = k.kiosk_id;
  device.site_name = k.site_name;
  device.province_code = k.province;
  return device;
}

}  // namespace

ProvisionedKiosk RecordOf(const Answers& answers, const Enrollment& enrollment,
                          const std::string& key_fingerprint, const std::string& tested_printer,
                          core::WallTime now) {
  ProvisionedKiosk k;
  k.kiosk_id = answers.kiosk_id;
  k.commune = enrollment.commune.empty() ? answers.commune : enrollment.commune;
  k.agency = enrollment.agency;
  k.site_name = answers.site_name;
  k.province = answers.province;
  if (tested_printer != "none") k.printer = tested_printer;
  k.procedures = answers.procedures;
  k.enroll_gateway = answers.enroll_gateway;
  k.device_gateway = answers.device_gateway;
  k.server_name = answers.server_name;
  if (!enrollment.chain.empty()) {
    k.certificate_serial = enrollment.chain.front().SerialHex();
    k.valid_until = core::FormatRfc3339(enrollment.chain.front().NotAfter());
  }
  k.key_fingerprint = key_fingerprint;
  k.provisioned_at = core::FormatRfc3339(now);
  return k;
}

void ApplyBoard(ProvisionedKiosk& k, const board::BoardProfile& profile,
                const std::filesystem::path& profile_file) {
  k.board = profile.name;
  k.board_profile = std::filesystem::absolute(profile_file).string();
  const bool rotated = profile.display_rotation % 180 != 0;
  const int wide = rotated ? profile.display_height : profile.display_width;
  const int tall = rotated ? profile.display_width : profile.display_height;
  if (wide > 0 && tall > 0) k.orientation = wide > tall ? "landscape" : "portrait";
  if (const auto* printer = profile.Usb("printer"); printer != nullptr && k.printer.empty()) {
    char id[32];
    std::snprintf(id, sizeof id, "usb:%04x:%04x", printer->vendor, printer->product);
    k.printer = id;
  }
}

app::AppConfig AppConfigFor(const ProvisionedKiosk& k, const std::filesystem::path& state_dir) {
  const auto abs = std::filesystem::absolute(state_dir);
  app::AppConfig c;
  c.device = DeviceOf(k);
  c.agency_code = k.agency;
  c.procedures = k.procedures;
  c.sealing_key = (abs / "sealing-key.pem").string();
  if (!k.orientation.empty()) c.orientation = k.orientation;
  if (!k.printer.empty()) c.printer = k.printer;
  return c;
}

agent::AgentConfig AgentConfigFor(const ProvisionedKiosk& k,
                                  const std::filesystem::path& state_dir) {
  const auto abs = std::filesystem::absolute(state_dir);
  agent::AgentConfig c;
  c.device = DeviceOf(k);
  c.gateway_host = k.device_gateway.host;
  c.gateway_port = k.device_gateway.port;
  c.gateway_ca = (abs / "gateway-ca.pem").string();
  c.server_name = k.server_name;
  c.sealing_statement = (abs / "sealing-key.jws").string();
  c.certificate = (abs / "device.pem").string();
  c.key = (abs / "device-key.pem").string();
  c.config_signer = (abs / "config-signer.pem").string();
  c.board_profile = k.board_profile;
  return c;
}

core::Status WriteProvisioned(const std::filesystem::path& state_dir, const ProvisionedKiosk& k) {
  const auto dir = state_dir / "provisioned";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::Error::NeedsPerson("io.write", "cannot create " + dir.string());
  const std::string header = "# Written by kiosk-provision on " + k.provisioned_at +
                             ". Re-provision instead of editing.\n";
  const std::string agent = header + agent::WriteConfig(AgentConfigFor(k, state_dir));
  const std::string app = header + app::WriteConfig(AppConfigFor(k, state_dir));
  json checks = json::array();
  for (const auto& c : k.self_test) {
    checks.push_back({{"name", c.name}, {"state", c.state}, {"detail", c.detail}});
  }
  const json record = {{"kiosk_id", k.kiosk_id},
                       {"commune", k.commune},
                       {"agency", k.agency},
                       {"site_name", k.site_name},
                       {"province", k.province},
                       {"board", k.board},
                       {"procedures", k.procedures},
                       {"enroll_gateway", k.enroll_gateway.ToString()},
                       {"device_gateway", k.device_gateway.ToString()},
                       {"server_name", k.server_name},
                       {"certificate_serial", k.certificate_serial},
                       {"key_fingerprint", k.key_fingerprint},
                       {"valid_until", k.valid_until},
                       {"provisioned_at", k.provisioned_at},
                       {"self_test", checks}};
  KIOSK_TRY(core::WriteFileAtomically(dir / "agent.toml", core::AsBytes(agent), 0644));
  KIOSK_TRY(core::WriteFileAtomically(dir / "app.toml", core::AsBytes(app), 0644));
  return core::WriteFileAtomically(dir / "kiosk.json", core::AsBytes(record.dump(2) + "\n"), 0644);
}

core::Expected<ProvisionedKiosk> ReadProvisioned(const std::filesystem::path& state_dir) {
  KIOSK_ASSIGN_OR_RETURN(const auto text,
                         core::ReadSmallFile(state_dir / "provisioned" / "kiosk.json", 1 << 20));
  const json r = json::parse(text, nullptr, false);
  // Typed reads that never throw: a damaged record reads as empty fields.
  auto text_of = [](const json& object, const char* key) {
    return object.is_object() && object.contains(key) && object[key].is_string()
               ? object[key].get<std::string>()
               : std::string();
  };
  auto str = [&](const char* key) { return text_of(r, key); };
  if (!r.is_object() || str("kiosk_id").empty()) {
    return core::Error::NeedsPerson("provision.record", "provisioned/kiosk.json is damaged");
  }
  ProvisionedKiosk k;
  k.kiosk_id = str("kiosk_id");
  k.commune = str("commune");
  k.agency = str("agency");
  k.site_name = str("site_name");
  k.province = str("province");
  k.board = str("board");
  if (r.contains("procedures") && r["procedures"].is_array()) {
    for (const auto& p : r["procedures"]) {
      if (p.is_string()) k.procedures.push_back(p.get<std::string>());
    }
  }
  KIOSK_ASSIGN_OR_RETURN(k.enroll_gateway, ParseHostPort(str("enroll_gateway")));
  KIOSK_ASSIGN_OR_RETURN(k.device_gateway, ParseHostPort(str("device_gateway")));
  k.server_name = str("server_name");
  k.certificate_serial = str("certificate_serial");
  k.key_fingerprint = str("key_fingerprint");
  k.valid_until = str("valid_until");
  k.provisioned_at = str("provisioned_at");
  if (r.contains("self_test") && r["self_test"].is_array()) {
    for (const auto& c : r["self_test"]) {
      if (!c.is_object()) continue;
      k.self_test.push_back({text_of(c, "name"), text_of(c, "state"), text_of(c, "detail")});
    }
  }
  return k;
}

namespace {

// A device check as the technician reads it on paper.
std::string CheckName(const std::string& name) {
  if (name == "card_reader") return "Đầu đọc thẻ căn cước";
  if (name == "scanner") return "Máy quét giấy tờ";
  if (name == "printer") return "Máy in biên nhận";
  if (name == "gateway") return "Kết nối cổng tiếp nhận";
  return name;
}

std::string CheckResultText(const std::string& state) {
  if (state == "ok") return "Đạt";
  if (state == "skipped") return "Không kiểm tra (không lắp)";
  return "Không đạt";
}

// "2026-11-30T04:16:10.585Z" in Vietnam's time (UTC+7): "11 giờ 16 phút,
// ngày 30/11/2026"; the text unchanged when it is not such a time.
std::string LocalTimeText(const std::string& rfc3339, bool with_time = true) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (std::sscanf(rfc3339.c_str(), "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5) {
    return rfc3339;
  }
  using namespace std::chrono;
  const auto utc =
      sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} +
      hours{h} + minutes{mi};
  const auto local = utc + hours{7};
  const auto day_of = floor<days>(local);
  const year_month_day ymd{day_of};
  const auto since = duration_cast<minutes>(local - day_of).count();
  char text[64];
  if (with_time) {
    std::snprintf(text, sizeof text, "%02d giờ %02d phút, ngày %02u/%02u/%d",
                  static_cast<int>(since / 60), static_cast<int>(since % 60),
                  static_cast<unsigned>(ymd.day()), static_cast<unsigned>(ymd.month()),
                  static_cast<int>(ymd.year()));
  } else {
    std::snprintf(text, sizeof text, "%02u/%02u/%d", static_cast<unsigned>(ymd.day()),
                  static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  }
  return text;
}

}  // namespace

printer::Slip ProvisioningReport(const ProvisionedKiosk& k) {
  using printer::Align;
  using printer::Block;
  using printer::TextStyle;
  printer::Slip slip;
  slip.kind = "provisioning-report";
  auto text = [&](std::string line, TextStyle style = TextStyle::kBody,
                  Align align = Align::kLeft) {
    slip.blocks.push_back({Block::Kind::kText, std::move(line), style, align});
  };
  text("BIÊN BẢN CÀI ĐẶT KIOSK", TextStyle::kTitle, Align::kCenter);
  text("Kiosk dịch vụ công trực tuyến", TextStyle::kSmall, Align::kCenter);
  slip.blocks.push_back({Block::Kind::kRule, ""});
  text("Mã kiosk: " + k.kiosk_id, TextStyle::kBold);
  text("Địa điểm: " + k.site_name);
  text("Mã xã/phường: " + k.commune + " · Mã cơ quan: " + k.agency);
  text("Bo mạch: " + (k.board.empty() ? std::string("(chưa khai báo)") : k.board));
  text("Thủ tục: " + (k.procedures.empty() ? std::string("tất cả trong danh mục")
                                           : std::to_string(k.procedures.size()) + " thủ tục"));
  text("Cổng tiếp nhận: " + k.device_gateway.ToString());
  slip.blocks.push_back({Block::Kind::kRule, ""});
  text("Chứng thư thiết bị", TextStyle::kBold);
  text("Số sê-ri: " + k.certificate_serial.substr(0, 16) + "…", TextStyle::kSmall);
  text("Vân tay khóa: " + k.key_fingerprint.substr(0, 16) + "…", TextStyle::kSmall);
  text("Hiệu lực đến ngày: " + LocalTimeText(k.valid_until, false), TextStyle::kSmall);
  slip.blocks.push_back({Block::Kind::kRule, ""});
  text("Tự kiểm tra thiết bị", TextStyle::kBold);
  for (const auto& c : k.self_test) {
    text(CheckName(c.name) + ": " + CheckResultText(c.state),
         c.state == "failed" ? TextStyle::kBold : TextStyle::kBody);
  }
  slip.blocks.push_back({Block::Kind::kRule, ""});
  text("Cài đặt lúc " + LocalTimeText(k.provisioned_at), TextStyle::kSmall);
  text("Kỹ thuật viên ký tên:", TextStyle::kSmall);
  slip.blocks.push_back({Block::Kind::kSpace, "", TextStyle::kBody, Align::kLeft, 0, 120});
  return slip;
}

}  // namespace kiosk::provisioning
