#include <leptonica/allheaders.h>

#include "kiosk/digitize/digitizer.h"

namespace kiosk::digitize {

core::Expected<std::vector<std::uint8_t>> EncodeG4(const cv::Mat& bitonal) {
  if (bitonal.empty() || bitonal.type() != CV_8UC1) {
    return core::Error::Fatal("g4.bad_image", "G4 needs an 8-bit bitonal image");
  }
  PIX* pix = pixCreate(bitonal.cols, bitonal.rows, 1);
  if (!pix) return core::Error::Fatal("g4.memory", "no memory for the page");
  l_uint32* data = pixGetData(pix);
  const int wpl = pixGetWpl(pix);
  for (int y = 0; y < bitonal.rows; ++y) {
    const auto* row = bitonal.ptr<std::uint8_t>(y);
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < bitonal.cols; ++x) {
      if (row[x] < 128) SET_DATA_BIT(line, x);  // 1 = black in a 1 bpp PIX
    }
  }
  L_COMP_DATA* cid = nullptr;
  const bool failed = pixGenerateCIData(pix, L_G4_ENCODE, 0, 0, &cid) != 0 || !cid;
  pixDestroy(&pix);
  if (failed) return core::Error::Fatal("g4.encode", "Leptonica could not encode G4");
  std::vector<std::uint8_t> out(cid->datacomp, cid->datacomp + cid->nbytescomp);
  l_CIDataDestroy(&cid);
  return out;
}

}  // namespace kiosk::digitize
