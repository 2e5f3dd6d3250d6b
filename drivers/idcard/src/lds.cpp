#include "kiosk/idcard/lds.h"

#include "kiosk/core/text.h"
#include "kiosk/idcard/tlv.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;
using core::PersonalText;

namespace {

constexpr LdsFile kFiles[] = {
    {0, 0x1E, 0x011E, 0x60, "EF.COM"}, {1, 0x01, 0x0101, 0x61, "DG1"},
    {2, 0x02, 0x0102, 0x75, "DG2"},    {3, 0x03, 0x0103, 0x63, "DG3"},
    {11, 0x0B, 0x010B, 0x6B, "DG11"},  {12, 0x0C, 0x010C, 0x6C, "DG12"},
    {13, 0x0D, 0x010D, 0x6D, "DG13"},  {14, 0x0E, 0x010E, 0x6E, "DG14"},
    {15, 0x0F, 0x010F, 0x6F, "DG15"},  {-1, 0x1D, 0x011D, 0x77, "EF.SOD"},
};

// ICAO 9303 p10 4.6.1: the tags EF.COM uses to list data groups.
constexpr std::pair<std::uint8_t, int> kDgTags[] = {
    {0x61, 1}, {0x75, 2},  {0x63, 3},  {0x76, 4},  {0x65, 5},  {0x66, 6},  {0x67, 7},  {0x68, 8},
    {0x69, 9}, {0x6A, 10}, {0x6B, 11}, {0x6C, 12}, {0x6D, 13}, {0x6E, 14}, {0x6F, 15}, {0x70, 16},
};

Error Bad(const std::string& file, const std::string& why) {
  return Error::NeedsPerson("lds.malformed", file + ": " + why);
}

Expected<Tlv> Outer(ByteView bytes, std::uint32_t tag, const char* file) {
  auto tlv = ParseSingleTlv(bytes);
  if (!tlv) return std::move(tlv).GetError().WithContext(file);
  if (tlv->tag != tag) return Bad(file, "unexpected outer tag");
  return tlv;
}

std::uint32_t ReadBigEndian(ByteView b, std::size_t offset, std::size_t count) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < count; ++i) v = (v << 8) | b[offset + i];
  return v;
}

void Append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

void PutBigEndian(Bytes& out, std::uint32_t value, int count) {
  for (int i = count - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

Expected<std::string> DecodeText(const Tlv& tlv, int field) {
  if (tlv.tag != 0x0C && tlv.tag != 0x13) {
    return Bad("DG13", "field " + std::to_string(field) + " is not a string");
  }
  auto text = core::NormalizeNfc(core::AsChars(tlv.value));
  if (!text) return std::move(text).GetError().WithContext("DG13 field " + std::to_string(field));
  return text;
}

// A name inside its own SEQUENCE { UTF8String }.
Expected<std::string> WrappedName(const Tlv& tlv, int field) {
  if (tlv.tag != 0x30) return DecodeText(tlv, field);
  KIOSK_ASSIGN_OR_RETURN(const auto inner, tlv.Children());
  if (inner.size() != 1) return Bad("DG13", "a name SEQUENCE must hold one string");
  return DecodeText(inner[0], field);
}

}  // namespace

const LdsFile kEfCom = kFiles[0];
const LdsFile kEfSod = kFiles[9];
const LdsFile kEfCardAccess = {-2, 0x1C, 0x011C, 0x31, "EF.CardAccess"};

const LdsFile* FindLdsFileByNumber(int number) {
  for (const auto& f : kFiles) {
    if (f.number == number) return &f;
  }
  return nullptr;
}

const LdsFile* FindLdsFileByTag(std::uint8_t tag) {
  for (const auto& f : kFiles) {
    if (f.tag == tag) return &f;
  }
  return nullptr;
}

Expected<EfCom> ParseEfCom(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv outer, Outer(bytes, 0x60, "EF.COM"));
  KIOSK_ASSIGN_OR_RETURN(const auto items, outer.Children());
  EfCom com;
  if (auto v = FindTag(items, 0x5F01)) com.lds_version = std::string(core::AsChars(v->value));
  if (auto v = FindTag(items, 0x5F36)) com.unicode_version = std::string(core::AsChars(v->value));
  KIOSK_ASSIGN_OR_RETURN(const Tlv list, RequireTag(items, 0x5C, "EF.COM tag list"));
  for (auto tag : list.value) {
    int number = 0;
    for (const auto& [t, n] : kDgTags) {
      if (t == tag) number = n;
    }
    if (number == 0) return Bad("EF.COM", "unknown data group tag in the list");
    com.data_groups.push_back(number);
  }
  return com;
}

Expected<Td1> ParseDg1(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv outer, Outer(bytes, 0x61, "DG1"));
  KIOSK_ASSIGN_OR_RETURN(const auto items, outer.Children());
  KIOSK_ASSIGN_OR_RETURN(const Tlv mrz, RequireTag(items, 0x5F1F, "DG1 MRZ (5F1F)"));
  auto td1 = ParseTd1(core::AsChars(mrz.value));
  if (!td1) return std::move(td1).GetError().WithContext("DG1");
  return td1;
}

Expected<FaceImage> ParseDg2(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv outer, Outer(bytes, 0x75, "DG2"));
  KIOSK_ASSIGN_OR_RETURN(const auto groups, outer.Children());
  KIOSK_ASSIGN_OR_RETURN(const Tlv group, RequireTag(groups, 0x7F61, "DG2 biometric group (7F61)"));
  KIOSK_ASSIGN_OR_RETURN(const auto templates, group.Children());
  KIOSK_ASSIGN_OR_RETURN(const Tlv bit, RequireTag(templates, 0x7F60, "DG2 template (7F60)"));
  KIOSK_ASSIGN_OR_RETURN(const auto parts, bit.Children());
  auto block = FindTag(parts, 0x5F2E);
  if (!block) block = FindTag(parts, 0x7F2E);
  if (!block) return Bad("DG2", "no biometric data block (5F2E or 7F2E)");

  // ISO/IEC 19794-5: general header (14), facial information (20 + 8 per
  // feature point), image information (12), then the image.
  const ByteView bdb = block->value;
  if (bdb.size() < 14 + 20 + 12 || bdb[0] != 'F' || bdb[1] != 'A' || bdb[2] != 'C' || bdb[3] != 0) {
    return Bad("DG2", "biometric data block is not an ISO 19794-5 facial record");
  }
  if (ReadBigEndian(bdb, 12, 2) < 1) return Bad("DG2", "facial record holds no face");
  const std::size_t info = 14;
  const std::uint32_t info_length = ReadBigEndian(bdb, info, 4);
  const std::uint32_t feature_points = ReadBigEndian(bdb, info + 4, 2);
  const std::size_t image_info = info + 20 + 8 * std::size_t{feature_points};
  if (image_info + 12 > bdb.size() || info_length < 20 + 12 + 8 * feature_points ||
      info + info_length > bdb.size()) {
    return Bad("DG2", "facial record lengths run past the data");
  }
  FaceImage face;
  const std::uint8_t data_type = bdb[image_info + 1];
  face.width = static_cast<int>(ReadBigEndian(bdb, image_info + 2, 2));
  face.height = static_cast<int>(ReadBigEndian(bdb, image_info + 4, 2));
  const ByteView image = bdb.subspan(image_info + 12, info + info_length - (image_info + 12));
  const bool jpeg = image.size() > 3 && image[0] == 0xFF && image[1] == 0xD8 && image[2] == 0xFF;
  const bool jp2 = (image.size() > 12 && image[0] == 0 && image[1] == 0 && image[2] == 0 &&
                    image[3] == 0x0C && image[4] == 'j' && image[5] == 'P') ||
                   (image.size() > 4 && image[0] == 0xFF && image[1] == 0x4F && image[2] == 0xFF &&
                    image[3] == 0x51);
  if (data_type == 0 && jpeg) {
    face.mime = "image/jpeg";
  } else if (data_type == 1 && jp2) {
    face.mime = "image/jp2";
  } else {
    return Bad("DG2", "image data is neither the JPEG nor the JPEG 2000 the record declares");
  }
  face.data = core::Personal<std::vector<std::uint8_t>>(Bytes(image.begin(), image.end()));
  return face;
}

const std::string& Dg13::Text(Dg13Field field) const {
  static const std::string kEmpty;
  auto it = text.find(static_cast<int>(field));
  return it == text.end() ? kEmpty : it->second.Reveal();
}

Expected<Dg13> ParseDg13(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv outer, Outer(bytes, 0x6D, "DG13"));
  KIOSK_ASSIGN_OR_RETURN(const auto top, outer.Children());
  if (top.size() != 1 || top[0].tag != 0x30) return Bad("DG13", "expected one SEQUENCE");
  KIOSK_ASSIGN_OR_RETURN(const auto body, top[0].Children());
  auto set = FindTag(body, 0x31);
  if (!set) return Bad("DG13", "no SET of fields");
  KIOSK_ASSIGN_OR_RETURN(const auto fields, set->Children());
  Dg13 dg13;
  for (const auto& field : fields) {
    if (field.tag != 0x30) return Bad("DG13", "a field is not a SEQUENCE");
    KIOSK_ASSIGN_OR_RETURN(const auto parts, field.Children());
    if (parts.empty() || parts[0].tag != 0x02 || parts[0].value.size() != 1) {
      return Bad("DG13", "a field does not start with its number");
    }
    const int number = parts[0].value[0];
    const std::size_t values = parts.size() - 1;
    if (number == static_cast<int>(Dg13Field::kParents) && values == 2) {
      KIOSK_ASSIGN_OR_RETURN(std::string father, WrappedName(parts[1], number));
      KIOSK_ASSIGN_OR_RETURN(std::string mother, WrappedName(parts[2], number));
      dg13.father_name = PersonalText(std::move(father));
      dg13.mother_name = PersonalText(std::move(mother));
    } else if (number == static_cast<int>(Dg13Field::kSpouse) && values <= 1) {
      if (values == 1) {
        KIOSK_ASSIGN_OR_RETURN(std::string spouse, WrappedName(parts[1], number));
        dg13.spouse_name = PersonalText(std::move(spouse));
      }
    } else if (number >= 1 && number <= 16 && values == 1 &&
               (parts[1].tag == 0x0C || parts[1].tag == 0x13)) {
      KIOSK_ASSIGN_OR_RETURN(std::string text, DecodeText(parts[1], number));
      dg13.text.emplace(number, PersonalText(std::move(text)));
    } else {
      dg13.unknown.emplace(number, core::Personal<std::vector<std::uint8_t>>(
                                       Bytes(field.raw.begin(), field.raw.end())));
    }
  }
  return dg13;
}

Expected<std::vector<PaceInfo>> ParseDg14(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv outer, Outer(bytes, 0x6E, "DG14"));
  auto infos = ParseCardAccess(outer.value);
  if (!infos) return std::move(infos).GetError().WithContext("DG14");
  return infos;
}

Expected<Bytes> ParseDg15(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv outer, Outer(bytes, 0x6F, "DG15"));
  KIOSK_ASSIGN_OR_RETURN(const Tlv spki, ParseSingleTlv(outer.value));
  if (spki.tag != 0x30) return Bad("DG15", "not a SubjectPublicKeyInfo");
  return Bytes(spki.raw.begin(), spki.raw.end());
}

Bytes BuildEfCom(const std::vector<int>& data_groups) {
  Bytes body;
  AppendTlv(body, 0x5F01, core::AsBytes("0107"));
  AppendTlv(body, 0x5F36, core::AsBytes("040000"));
  Bytes list;
  for (int dg : data_groups) {
    for (const auto& [tag, n] : kDgTags) {
      if (n == dg) list.push_back(tag);
    }
  }
  AppendTlv(body, 0x5C, list);
  return EncodeTlv(0x60, body);
}

Bytes BuildDg1(std::string_view mrz90) {
  return EncodeTlv(0x61, EncodeTlv(0x5F1F, core::AsBytes(mrz90)));
}

Bytes BuildDg2(ByteView image, bool jpeg2000, int width, int height) {
  Bytes record{'F', 'A', 'C', 0, '0', '1', '0', 0};
  const std::uint32_t info_length = 20 + 12 + static_cast<std::uint32_t>(image.size());
  PutBigEndian(record, 14 + info_length, 4);
  PutBigEndian(record, 1, 2);  // one face
  PutBigEndian(record, info_length, 4);
  PutBigEndian(record, 0, 2);                                       // feature points
  Append(record, Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});  // gender .. pose uncertainty
  record.push_back(1);                                              // full frontal
  record.push_back(jpeg2000 ? 1 : 0);                               // image data type
  PutBigEndian(record, static_cast<std::uint32_t>(width), 2);
  PutBigEndian(record, static_cast<std::uint32_t>(height), 2);
  Append(record, Bytes{1, 0, 0, 0, 0, 0});  // colour space, source, device, quality
  Append(record, image);

  Bytes header;
  AppendTlv(header, 0x80, Bytes{0x01, 0x01});  // ICAO header version
  AppendTlv(header, 0x87, Bytes{0x01, 0x01});  // format owner
  AppendTlv(header, 0x88, Bytes{0x00, 0x08});  // format type: face
  Bytes templ;
  AppendTlv(templ, 0xA1, header);
  AppendTlv(templ, 0x5F2E, record);
  Bytes group;
  AppendTlv(group, 0x02, Bytes{0x01});
  AppendTlv(group, 0x7F60, templ);
  return EncodeTlv(0x75, EncodeTlv(0x7F61, group));
}

Bytes Dg13String(std::string_view text, bool printable) {
  return EncodeTlv(printable ? 0x13 : 0x0C, core::AsBytes(text));
}

Bytes BuildDg13(const std::vector<std::pair<int, Bytes>>& field_values) {
  Bytes set;
  for (const auto& [number, value] : field_values) {
    Bytes field;
    AppendTlv(field, 0x02, Bytes{static_cast<std::uint8_t>(number)});
    Append(field, value);
    AppendTlv(set, 0x30, field);
  }
  Bytes seq;
  AppendTlv(seq, 0x02, Bytes{0x01});
  AppendTlv(seq, 0x06, Bytes{0x28, 0xD3, 0x16, 0x01, 0x00, 0x08});
  AppendTlv(seq, 0x31, set);
  return EncodeTlv(0x6D, EncodeTlv(0x30, seq));
}

}  // namespace kiosk::idcard
