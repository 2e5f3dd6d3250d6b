#include "kiosk/dossier/image_pdf.h"

#include <cstdio>
#include <string>

namespace kiosk::dossier {

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
  put("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
  // 1: catalog, 2: pages, then per page: page, image, content.
  const std::size_t n = pages.size();
  begin_object(1);
  put("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  begin_object(2);
  std::string kids;
  for (std::size_t i = 0; i < n; ++i) kids += std::to_string(3 + 3 * i) + " 0 R ";
  put("<< /Type /Pages /Count " + std::to_string(n) + " /Kids [" + kids + "] >>\nendobj\n");
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = pages[i];
    if (p.jpeg.empty() || p.width <= 0 || p.height <= 0 || p.dpi <= 0) {
      return core::Error::Fatal("pdf.bad_page", "page " + std::to_string(i + 1) + " has no image");
    }
    const std::size_t page_obj = 3 + 3 * i;
    char size[64];
    std::snprintf(size, sizeof size, "%.2f %.2f", p.width * 72.0 / p.dpi, p.height * 72.0 / p.dpi);
    begin_object(page_obj);
    put(std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ") + size +
        "] /Resources << "
        "/XObject << /Im0 " +
        std::to_string(page_obj + 1) + " 0 R >> >> /Contents " + std::to_string(page_obj + 2) +
        " 0 R >>\nendobj\n");
    begin_object(page_obj + 1);
    put("<< /Type /XObject /Subtype /Image /Width " + std::to_string(p.width) + " /Height " +
        std::to_string(p.height) + " /ColorSpace " + (p.gray ? "/DeviceGray" : "/DeviceRGB") +
        " /BitsPerComponent 8 /Filter /DCTDecode /Length " + std::to_string(p.jpeg.size()) +
        " >>\nstream\n");
    out.insert(out.end(), p.jpeg.begin(), p.jpeg.end());
    put("\nendstream\nendobj\n");
    const std::string content = [&] {
      char m[96];
      std::snprintf(m, sizeof m, "%.2f 0 0 %.2f 0 0 cm /Im0 Do Q", p.width * 72.0 / p.dpi,
                    p.height * 72.0 / p.dpi);
      return std::string(m);
    }();
    begin_object(page_obj + 2);
    put("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
        "\nendstream\nendobj\n");
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
