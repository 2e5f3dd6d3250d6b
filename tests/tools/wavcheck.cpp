// wavcheck: checks the kiosk's spoken prompts written in a headless run.
//
//   wavcheck FILE.wav...
//
// Each must be a PCM WAVE file, 16-bit mono, of a plausible length for a
// prompt or a word said back (0.2 to 20 s), not silent (RMS above 300 of 32767) and mostly
// voiced (less than 60% of its 20 ms frames silent). Prints one line per
// file; exit 1 if any fails.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::uint32_t Le(const std::string& b, std::size_t at, int n) {
  std::uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  }
  return v;
}

bool Check(const char* path) {
  std::ifstream in(path, std::ios::binary);
  const std::string b((std::istreambuf_iterator<char>(in)), {});
  auto fail = [&](const char* why) {
    std::printf("%s: %s\n", path, why);
    return false;
  };
  if (b.size() < 44 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 8, "WAVEfmt ") != 0 ||
      b.compare(36, 4, "data") != 0) {
    return fail("not a canonical WAVE file");
  }
  if (Le(b, 20, 2) != 1 || Le(b, 22, 2) != 1 || Le(b, 34, 2) != 16) {
    return fail("not 16-bit mono PCM");
  }
  const std::uint32_t rate = Le(b, 24, 4);
  const std::uint32_t bytes = Le(b, 40, 4);
  if (rate < 8000 || bytes != b.size() - 44) return fail("bad rate or data size");
  const std::size_t n = bytes / 2;
  std::vector<double> s(n);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = static_cast<std::int16_t>(Le(b, 44 + 2 * i, 2));
    sum += s[i] * s[i];
  }
  const double seconds = static_cast<double>(n) / static_cast<double>(rate);
  const double rms = n == 0 ? 0 : std::sqrt(sum / static_cast<double>(n));
  const std::size_t frame = rate / 50;
  std::size_t frames = 0, quiet = 0;
  for (std::size_t at = 0; at + frame <= n; at += frame, ++frames) {
    double e = 0;
    for (std::size_t i = at; i < at + frame; ++i) e += s[i] * s[i];
    if (std::sqrt(e / static_cast<double>(frame)) < 100) ++quiet;
  }
  const double quiet_share =
      frames == 0 ? 1 : static_cast<double>(quiet) / static_cast<double>(frames);
  std::printf("%s: %.2f s, RMS %.0f, %.0f%% quiet\n", path, seconds, rms, quiet_share * 100);
  if (seconds < 0.2 || seconds > 20) return fail("implausible length");
  if (rms < 300) return fail("silent");
  if (quiet_share > 0.6) return fail("mostly silence");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: wavcheck FILE.wav...\n");
    return 2;
  }
  bool ok = true;
  for (int i = 1; i < argc; ++i) ok = Check(argv[i]) && ok;
  return ok ? 0 : 1;
}
