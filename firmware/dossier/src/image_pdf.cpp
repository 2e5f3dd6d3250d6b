#include "kiosk/dossier/image_pdf.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "kiosk/core/text.h"

namespace kiosk::dossier {
namespace {

// Objects 3..6: the invisible text font (Type0, Identity-H: two-byte codes
// that are UTF-16 code units), its CID font, descriptor and ToUnicode map.
constexpr std::size_t kFontObject = 3;
constexpr std::size_t kFirstPageObject = 7;
constexpr char kToUnicode[] =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

// The text layer: every word in render mode 3 (invisible), scaled to its box.
std::string TextLayer(const PdfPage& p) {
  if (p.words.empty()) return {};
  const double k = 72.0 / p.dpi;
  const double page_height = p.height * k;
  std::string out = "BT\n3 Tr\n";
  for (const auto& word : p.words) {
    const std::u32string points = core::ToCodePoints(word.text);
    if (points.empty() || word.width <= 0 || word.height <= 0) continue;
    const double size = std::max(1.0, word.height * k);
    // The font's glyphs are all 500/1000 em wide (DW 500).
    const double natural = 0.5 * size * static_cast<double>(points.size());
    const double stretch = 100.0 * word.width * k / natural;
    out += "/F1 " + Number(size) + " Tf " + Number(stretch) + " Tz 1 0 0 1 " + Number(word.x * k) +
           " " + Number(page_height - (word.y + word.height) * k) + " Tm <";
    for (char32_t c : points) {
      if (c > 0xFFFF) c = 0xFFFD;
      char hex[8];
      std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(c));
      out += hex;
    }
    // A space after each word, so extracted text keeps word breaks.
    out += "0020> Tj\n";
  }
  return out + "ET\n";
}

}  // namespace

core::Expected<std::vector<std::uint8_t>> WriteImagePdf(const std::vector<PdfPage>& pages) {
  if (pages.empty()) return core::Error::Fatal("pdf.empty", "a PDF needs at least one page");
  std::vector<std::uint8_t> out;
  std::vector<std::size_t> offsets;  // of objects 1..n
  auto put = [&](const std::string& s) { out.insert(out.end(), s.begin(), s.end()); };
  auto begin_object = [&](std::size_t number) {
    if (offsets.size() < number) offsets.resize(number);
    offsets[number - 1] = out.size();
    put(std::to_string(number) + " 0 obj\n");
  };
  auto stream_object = [&](std::size_t number, const std::string& dictionary,
                           const std::string& data) {
    begin_object(number);
    put("<< " + dictionary + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data +
        "\nendstream\nendobj\n");
  };
  put("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
  const std::size_t n = pages.size();
  begin_object(1);
  put("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  begin_object(2);
  std::string kids;
  for (std::size_t i = 0; i < n; ++i) kids += std::to_string(kFirstPageObject + 3 * i) + " 0 R ";
  put("<< /Type /Pages /Count " + std::to_string(n) + " /Kids [" + kids + "] >>\nendobj\n");
  begin_object(kFontObject);
  put("<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H "
      "/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>\nendobj\n");
  begin_object(4);
  put("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo "
      "<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R "
      "/DW 500 /CIDToGIDMap /Identity >>\nendobj\n");
  begin_object(5);
  put("<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000] "
      "/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>\nendobj\n");
  stream_object(6, "", kToUnicode);

  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = pages[i];
    if (p.image.empty() || p.width <= 0 || p.height <= 0 || p.dpi <= 0) {
      return core::Error::Fatal("pdf.bad_page", "page " + std::to_string(i + 1) + " has no image");
    }
    const std::size_t page_obj = kFirstPageObject + 3 * i;
    const std::string w = Number(p.width * 72.0 / p.dpi), h = Number(p.height * 72.0 / p.dpi);
    begin_object(page_obj);
    put("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + w + " " + h +
        "] /Resources << /XObject << /Im0 " + std::to_string(page_obj + 1) +
        " 0 R >> /Font << /F1 3 0 R >> >> /Contents " + std::to_string(page_obj + 2) +
        " 0 R >>\nendobj\n");
    std::string image = "/Type /XObject /Subtype /Image /Width " + std::to_string(p.width) +
                        " /Height " + std::to_string(p.height);
    if (p.filter == PdfImageFilter::kCcittG4) {
      image +=
          " /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode "
          "/DecodeParms << /K -1 /Columns " +
          std::to_string(p.width) + " /Rows " + std::to_string(p.height) + " >>";
    } else {
      image += std::string(" /ColorSpace ") + (p.gray ? "/DeviceGray" : "/DeviceRGB") +
               " /BitsPerComponent 8 /Filter /DCTDecode";
    }
    stream_object(page_obj + 1, image, std::string(p.image.begin(), p.image.end()));
    const std::string content = "q " + w + " 0 0 " + h + " 0 0 cm /Im0 Do Q\n" + TextLayer(p);
    stream_object(page_obj + 2, "", content);
  }
  const std::size_t xref = out.size();
  put("xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n");
  for (auto offset : offsets) {
    char entry[24];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    put(entry);
  }
  put("trailer\n<< /Size " + std::to_string(offsets.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
      std::to_string(xref) + "\n%%EOF\n");
  return out;
}

}  // namespace kiosk::dossier
