#include "kiosk/idcard/sim/persona.h"

#include <fstream>
#include <iterator>

#include "kiosk/core/config.h"
#include "kiosk/core/text.h"
#include "kiosk/idcard/access_key.h"
#include "kiosk/idcard/mrz.h"

namespace kiosk::idcard::sim {

using core::Error;
using core::Expected;

namespace {

// dd/mm/yyyy -> YYMMDD
Expected<std::string> ToMrzDate(const std::string& date, const char* what) {
  if (date.size() != 10 || date[2] != '/' || date[5] != '/') {
    return Error::NeedsPerson("persona.invalid", std::string(what) + " must be dd/mm/yyyy");
  }
  return date.substr(8, 2) + date.substr(3, 2) + date.substr(0, 2);
}

}  // namespace

std::string Persona::MrzExpiry() const {
  if (expiry_date.size() != 10) return "991231";
  auto v = ToMrzDate(expiry_date, "expiry_date");
  return v ? *v : "991231";
}

std::string Persona::MrzBirth() const {
  auto v = ToMrzDate(birth_date, "birth_date");
  return v ? *v : "";
}

Expected<Persona> LoadPersona(const std::filesystem::path& path) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::Load(path));
  Persona p;
  p.name = path.stem().string();
  core::config::Reader reader(doc);
  auto person = reader.Table("person");
  for (const char* key : {"id_number", "full_name", "birth_date", "sex", "issue_date"}) {
    person.Require(key);
  }
  person.Read("id_number", p.id_number);
  person.Read("full_name", p.full_name);
  person.Read("mrz_name", p.mrz_name);
  person.Read("birth_date", p.birth_date);
  person.Read("sex", p.sex);
  person.Read("nationality", p.nationality);
  person.Read("ethnicity", p.ethnicity);
  person.Read("religion", p.religion);
  person.Read("place_of_origin", p.place_of_origin);
  person.Read("residence", p.residence);
  person.Read("identification_marks", p.identification_marks);
  person.Read("issue_date", p.issue_date);
  person.Read("expiry_date", p.expiry_date);
  person.Read("father_name", p.father_name);
  person.Read("mother_name", p.mother_name);
  person.Read("spouse_name", p.spouse_name);
  person.Read("old_id_number", p.old_id_number);
  person.Read("card_serial", p.card_serial);
  person.Check(p.id_number.size() == 12, "id_number", "must be 12 digits");
  person.Check(ToMrzDate(p.birth_date, "birth_date").HasValue(), "birth_date",
               "must be dd/mm/yyyy");
  person.Check(p.sex == "Nam" || p.sex == "Nữ", "sex", "must be \"Nam\" or \"Nữ\"");

  auto card = reader.Table("card");
  card.Read("bac_only", p.bac_only);
  card.Read("pace_parameter_id", p.pace_parameter_id, 12, 13);
  card.Read("active_authentication", p.active_authentication);
  card.Read("photo_width", p.photo_width, 32, 2000);
  card.Read("photo_height", p.photo_height, 32, 2000);
  card.Read("photo_noise", p.photo_noise, 0, 100);
  auto quirks = reader.Table("quirks");
  quirks.Read("refuse_mf_select", p.quirks.refuse_mf_select);
  quirks.Read("max_le", p.quirks.max_le, std::size_t{0}, std::size_t{256});
  quirks.Read("short_reads_6282", p.quirks.short_reads_6282);
  quirks.Read("eof_6282", p.quirks.eof_6282);
  quirks.Read("reject_mse_parameter", p.quirks.reject_mse_parameter);
  p.quirks.bac_only = p.bac_only;
  auto faults = reader.Table("faults");
  faults.Read("tamper_data_group", p.tamper_data_group, 0, 15);
  faults.Read("bad_sod_signature", p.bad_sod_signature);
  KIOSK_TRY(reader.Finish());

  for (std::string* text : {&p.full_name, &p.place_of_origin, &p.residence, &p.father_name,
                            &p.mother_name, &p.spouse_name, &p.identification_marks}) {
    KIOSK_ASSIGN_OR_RETURN(*text, core::NormalizeNfc(*text));
  }
  if (p.mrz_name.empty()) {
    KIOSK_ASSIGN_OR_RETURN(std::string folded, core::FoldToAscii(p.full_name));
    for (char c : folded) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if ((c >= 'A' && c <= 'Z') || c == ' ') p.mrz_name += c;
    }
  }
  return p;
}

}  // namespace kiosk::idcard::sim
