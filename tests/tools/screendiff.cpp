// screendiff: compares a screenshot with its reviewed reference.
//
//   screendiff REFERENCE ACTUAL [DIFF.png]
//
// Exit 0 when they match: same size, and at most 0.1% of the pixels differ by
// more than 24 levels in any channel (room for a font rasteriser update,
// none for a moved or missing widget). Otherwise exit 1 and, if asked, write
// DIFF.png: the actual frame with every differing pixel in red.
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: screendiff REFERENCE ACTUAL [DIFF.png]\n");
    return 2;
  }
  int rw = 0, rh = 0, aw = 0, ah = 0, channels = 0;
  unsigned char* ref = stbi_load(argv[1], &rw, &rh, &channels, 4);
  unsigned char* act = stbi_load(argv[2], &aw, &ah, &channels, 4);
  if (ref == nullptr || act == nullptr) {
    std::fprintf(stderr, "screendiff: cannot read %s\n", ref == nullptr ? argv[1] : argv[2]);
    return 2;
  }
  if (rw != aw || rh != ah) {
    std::fprintf(stderr, "screendiff: %s is %dx%d, the reference %dx%d\n", argv[2], aw, ah, rw, rh);
    return 1;
  }
  const std::size_t pixels = static_cast<std::size_t>(rw) * static_cast<std::size_t>(rh);
  std::size_t differing = 0;
  std::vector<unsigned char> diff(act, act + pixels * 4);
  for (std::size_t i = 0; i < pixels; ++i) {
    int worst = 0;
    for (int c = 0; c < 3; ++c) {
      worst = std::max(worst, std::abs(ref[i * 4 + c] - act[i * 4 + c]));
    }
    if (worst > 24) {
      ++differing;
      diff[i * 4] = 255;
      diff[i * 4 + 1] = 0;
      diff[i * 4 + 2] = 0;
    }
  }
  stbi_image_free(ref);
  stbi_image_free(act);
  const double share = static_cast<double>(differing) / static_cast<double>(pixels);
  if (share <= 0.001) return 0;
  std::fprintf(stderr, "screendiff: %s: %zu pixels (%.3f%%) differ from the reference\n", argv[2],
               differing, share * 100);
  if (argc == 4) stbi_write_png(argv[3], rw, rh, 4, diff.data(), rw * 4);
  return 1;
}
