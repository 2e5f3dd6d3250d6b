#include "kiosk/scanner/sane_scanner.h"

#include <sane/sane.h>
#include <sane/saneopts.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>

#include "kiosk/core/log.h"

namespace kiosk::scanner {
namespace {

// SANE is started once a process and stopped at exit: some backends (pnm)
// do not come back from a sane_exit/sane_init cycle.
std::mutex sane_mutex;
bool sane_started = false;

core::Expected<void> StartSane() {
  std::lock_guard lock(sane_mutex);
  if (!sane_started) {
    SANE_Int version = 0;
    const SANE_Status status = sane_init(&version, nullptr);
    if (status != SANE_STATUS_GOOD) return ErrorForSaneStatus(status, "starting SANE");
    sane_started = true;
    std::atexit([] { sane_exit(); });
  }
  return {};
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return Lower(haystack).find(Lower(needle)) != std::string::npos;
}

}  // namespace

core::Error ErrorForSaneStatus(int status, const std::string& doing) {
  const std::string what = doing + ": " + sane_strstatus(static_cast<SANE_Status>(status));
  switch (status) {
    case SANE_STATUS_NO_DOCS:
    case SANE_STATUS_EOF:
      return core::Error::NeedsPerson("scanner.no_paper", what);
    case SANE_STATUS_JAMMED:
      return core::Error::NeedsPerson("scanner.jammed", what);
    case SANE_STATUS_COVER_OPEN:
      return core::Error::NeedsPerson("scanner.cover_open", what);
    case SANE_STATUS_DEVICE_BUSY:
      return core::Error::NeedsPerson("scanner.busy", what);
    case SANE_STATUS_CANCELLED:
      return core::Error::Retryable("scanner.cancelled", what);
    case SANE_STATUS_IO_ERROR:
    case SANE_STATUS_NO_MEM:
      return core::Error::Retryable("scanner.io", what);
    case SANE_STATUS_ACCESS_DENIED:
      return core::Error::Fatal("scanner.access_denied", what);
    default:
      return core::Error::Fatal("scanner.unsupported", what);
  }
}

core::Expected<ScannedPage> AssembleFrame(const FrameParameters& p, const Bytes& data, int dpi) {
  const int channels = p.rgb ? 3 : 1;
  if ((p.depth != 1 && p.depth != 8 && p.depth != 16) || p.pixels_per_line <= 0 ||
      p.pixels_per_line > 100000 || p.bytes_per_line <= 0 ||
      static_cast<std::int64_t>(p.bytes_per_line) * 8 <
          static_cast<std::int64_t>(p.pixels_per_line) * channels * p.depth ||
      (p.depth == 1 && p.rgb)) {
    return core::Error::Fatal("scanner.bad_frame", "the scanner sent a frame we cannot read");
  }
  const std::size_t bpl = static_cast<std::size_t>(p.bytes_per_line);
  // Hand scanners do not know the height; a short last line is dropped.
  std::size_t lines = data.size() / bpl;
  if (p.lines >= 0) lines = std::min(lines, static_cast<std::size_t>(p.lines));
  if (lines == 0 || lines > 200000) {
    return core::Error::Retryable("scanner.io", "the scanner sent no complete line");
  }
  ScannedPage page;
  page.width = p.pixels_per_line;
  page.height = static_cast<int>(lines);
  page.dpi = dpi;
  page.gray = !p.rgb;
  const std::size_t samples =
      static_cast<std::size_t>(p.pixels_per_line) * static_cast<std::size_t>(channels);
  page.pixels.resize(samples * lines);
  for (std::size_t y = 0; y < lines; ++y) {
    const std::uint8_t* in = data.data() + y * bpl;
    std::uint8_t* out = page.pixels.data() + y * samples;
    for (std::size_t i = 0; i < samples; ++i) {
      if (p.depth == 8) {
        out[i] = in[i];
      } else if (p.depth == 16) {
        out[i] = in[2 * i + 1];  // SANE sends 16-bit samples in host order (little end first)
      } else {
        // Lineart: 1 = black.
        out[i] = (in[i / 8] & (0x80 >> (i % 8))) ? 0 : 255;
      }
    }
  }
  return page;
}

struct SaneScanner::Handle {
  SANE_Handle handle = nullptr;
  ~Handle() {
    if (handle) {
      sane_cancel(handle);
      sane_close(handle);
    }
  }
};

SaneScanner::SaneScanner(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
SaneScanner::~SaneScanner() = default;

core::Expected<std::vector<ScannerDevice>> SaneScanner::Discover() {
  KIOSK_TRY(StartSane());
  const SANE_Device** list = nullptr;
  const SANE_Status status = sane_get_devices(&list, SANE_TRUE);
  std::vector<ScannerDevice> devices;
  if (status == SANE_STATUS_GOOD && list) {
    for (int i = 0; list[i]; ++i) {
      devices.push_back({list[i]->name ? list[i]->name : "", list[i]->vendor ? list[i]->vendor : "",
                         list[i]->model ? list[i]->model : "", list[i]->type ? list[i]->type : ""});
    }
  }
  if (status != SANE_STATUS_GOOD) return ErrorForSaneStatus(status, "listing scanners");
  return devices;
}

core::Expected<std::unique_ptr<SaneScanner>> SaneScanner::Open(const std::string& device,
                                                               const ScanSettings& settings) {
  std::string name = device;
  if (name.empty()) {
    KIOSK_ASSIGN_OR_RETURN(auto devices, Discover());
    if (devices.empty()) return core::Error::NeedsPerson("scanner.absent", "no scanner found");
    name = devices.front().name;
  }
  KIOSK_TRY(StartSane());
  auto handle = std::make_unique<Handle>();
  const SANE_Status status = sane_open(name.c_str(), &handle->handle);
  if (status != SANE_STATUS_GOOD) {
    handle->handle = nullptr;
    if (status == SANE_STATUS_INVAL || status == SANE_STATUS_IO_ERROR) {
      return core::Error::NeedsPerson(
          "scanner.absent", "scanner " + name + " is not there: " + sane_strstatus(status));
    }
    return ErrorForSaneStatus(status, "opening scanner " + name);
  }
  std::unique_ptr<SaneScanner> scanner(new SaneScanner(std::move(handle)));
  KIOSK_TRY(scanner->Apply(settings));
  return scanner;
}

core::Expected<void> SaneScanner::SetOption(const std::string& name, const std::string& value) {
  SANE_Handle h = handle_->handle;
  for (SANE_Int n = 1;; ++n) {
    const SANE_Option_Descriptor* d = sane_get_option_descriptor(h, n);
    if (!d) break;
    if (!d->name || name != d->name) continue;
    if (!SANE_OPTION_IS_SETTABLE(d->cap) || !SANE_OPTION_IS_ACTIVE(d->cap)) {
      return core::Error::Fatal("scanner.option", "option " + name + " cannot be set now");
    }
    SANE_Int info = 0;
    SANE_Status status = SANE_STATUS_INVAL;
    try {
      switch (d->type) {
        case SANE_TYPE_BOOL: {
          SANE_Bool v =
              (value == "true" || value == "yes" || value == "1") ? SANE_TRUE : SANE_FALSE;
          status = sane_control_option(h, n, SANE_ACTION_SET_VALUE, &v, &info);
          break;
        }
        case SANE_TYPE_INT: {
          SANE_Int v = std::stoi(value);
          status = sane_control_option(h, n, SANE_ACTION_SET_VALUE, &v, &info);
          break;
        }
        case SANE_TYPE_FIXED: {
          SANE_Fixed v = SANE_FIX(std::stod(value));
          status = sane_control_option(h, n, SANE_ACTION_SET_VALUE, &v, &info);
          break;
        }
        case SANE_TYPE_STRING: {
          std::vector<char> v(static_cast<std::size_t>(std::max<SANE_Int>(d->size, 1)), '\0');
          std::strncpy(v.data(), value.c_str(), v.size() - 1);
          status = sane_control_option(h, n, SANE_ACTION_SET_VALUE, v.data(), &info);
          break;
        }
        default:
          return core::Error::Fatal("scanner.option", "option " + name + " takes no value");
      }
    } catch (const std::exception&) {
      return core::Error::Fatal("scanner.option", "option " + name + ": bad value " + value);
    }
    if (status != SANE_STATUS_GOOD) return ErrorForSaneStatus(status, "setting " + name);
    return {};
  }
  return core::Error::Fatal("scanner.option", "the scanner has no option " + name);
}

core::Expected<void> SaneScanner::Apply(const ScanSettings& settings) {
  SANE_Handle h = handle_->handle;
  // What the device offers.

  for (SANE_Int n = 1;; ++n) {
    const SANE_Option_Descriptor* d = sane_get_option_descriptor(h, n);
    if (!d) break;
    if (!d->name) continue;
    const std::string name = d->name;
    if (name == SANE_NAME_SCAN_RESOLUTION) {
      if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST) {
        const SANE_Word* list = d->constraint.word_list;
        for (int i = 1; i <= list[0]; ++i) {
          resolutions_.push_back(d->type == SANE_TYPE_FIXED ? static_cast<int>(SANE_UNFIX(list[i]))
                                                            : static_cast<int>(list[i]));
        }
      } else if (d->constraint_type == SANE_CONSTRAINT_RANGE) {
        const auto* r = d->constraint.range;
        const bool fixed = d->type == SANE_TYPE_FIXED;
        const int lo = fixed ? static_cast<int>(SANE_UNFIX(r->min)) : r->min;
        const int hi = fixed ? static_cast<int>(SANE_UNFIX(r->max)) : r->max;
        for (int dpi : {100, 150, 200, 300, 400, 600}) {
          if (dpi >= lo && dpi <= hi) resolutions_.push_back(dpi);
        }
      }
    } else if ((name == SANE_NAME_SCAN_SOURCE || name == SANE_NAME_SCAN_MODE) &&
               d->constraint_type == SANE_CONSTRAINT_STRING_LIST) {
      auto& into = name == SANE_NAME_SCAN_SOURCE ? sources_ : modes_;
      for (int i = 0; d->constraint.string_list[i]; ++i)
        into.emplace_back(d->constraint.string_list[i]);
    }
  }

  // Device-specific options first: they may change which others exist.
  for (const auto& [name, value] : settings.options) KIOSK_TRY(SetOption(name, value));
  if (!modes_.empty()) {
    const std::string wanted = settings.color ? "color" : "gray";
    auto it = std::find_if(modes_.begin(), modes_.end(), [&](const auto& m) {
      return Contains(m, wanted) || (!settings.color && Contains(m, "grey"));
    });
    if (it != modes_.end()) KIOSK_TRY(SetOption(SANE_NAME_SCAN_MODE, *it));
  }
  if (!sources_.empty()) {
    auto pick = [&](auto predicate) {
      return std::find_if(sources_.begin(), sources_.end(), predicate);
    };
    auto it = sources_.end();
    if (settings.feeder && settings.duplex) {
      it = pick([](const auto& s) { return Contains(s, "duplex"); });
    }
    if (it == sources_.end() && settings.feeder) {
      it = pick([](const auto& s) {
        return (Contains(s, "adf") || Contains(s, "feeder")) && !Contains(s, "duplex");
      });
    }
    if (it == sources_.end()) it = pick([](const auto& s) { return Contains(s, "flatbed"); });
    if (it != sources_.end()) {
      KIOSK_TRY(SetOption(SANE_NAME_SCAN_SOURCE, *it));
      feeder_ = !Contains(*it, "flatbed");
    }
  }
  dpi_ = settings.dpi;
  if (!resolutions_.empty()) {
    dpi_ = *std::min_element(resolutions_.begin(), resolutions_.end(), [&](int a, int b) {
      return std::abs(a - settings.dpi) < std::abs(b - settings.dpi);
    });
    KIOSK_TRY(SetOption(SANE_NAME_SCAN_RESOLUTION, std::to_string(dpi_)));
  }
  return {};
}

core::Expected<ScannedPage> SaneScanner::ScanPage(
    const std::function<void(int percent)>& progress) {
  SANE_Handle h = handle_->handle;
  cancel_.store(false);
  if (progress) progress(0);
  SANE_Status status = sane_start(h);
  if (status != SANE_STATUS_GOOD) {
    sane_cancel(h);
    return ErrorForSaneStatus(status, "starting the scan");
  }
  SANE_Parameters params{};
  status = sane_get_parameters(h, &params);
  if (status != SANE_STATUS_GOOD) {
    sane_cancel(h);
    return ErrorForSaneStatus(status, "reading the scan parameters");
  }
  if (params.format != SANE_FRAME_GRAY && params.format != SANE_FRAME_RGB) {
    sane_cancel(h);
    return core::Error::Fatal("scanner.unsupported", "three-pass scanners are not supported");
  }
  const std::size_t expected = params.lines > 0 ? static_cast<std::size_t>(params.bytes_per_line) *
                                                      static_cast<std::size_t>(params.lines)
                                                : 0;
  Bytes data;
  if (expected > 0) data.reserve(expected);
  std::vector<SANE_Byte> buffer(64 * 1024);
  int last_percent = 0;
  for (;;) {
    if (cancel_.load()) sane_cancel(h);
    SANE_Int length = 0;
    status = sane_read(h, buffer.data(), static_cast<SANE_Int>(buffer.size()), &length);
    if (status == SANE_STATUS_EOF) break;
    if (status != SANE_STATUS_GOOD) {
      sane_cancel(h);
      return ErrorForSaneStatus(status, "scanning");
    }
    data.insert(data.end(), buffer.begin(), buffer.begin() + length);
    if (progress && expected > 0) {
      const int percent = static_cast<int>(std::min<std::size_t>(99, data.size() * 100 / expected));
      if (percent >= last_percent + 5) progress(last_percent = percent);
    }
  }
  // A flatbed is done with the page; a feeder goes on to the next sheet.
  if (!feeder_) sane_cancel(h);
  FrameParameters frame;
  frame.rgb = params.format == SANE_FRAME_RGB;
  frame.depth = params.depth;
  frame.bytes_per_line = params.bytes_per_line;
  frame.pixels_per_line = params.pixels_per_line;
  frame.lines = params.lines;
  KIOSK_ASSIGN_OR_RETURN(auto page, AssembleFrame(frame, data, dpi_ > 0 ? dpi_ : 300));
  if (progress) progress(100);
  return page;
}

}  // namespace kiosk::scanner
