#pragma once

// What the widget layer (ui.cpp) and the screens (screens/*.cpp) share inside
// kiosk_ui: the layout constants and small drawing helpers.

#include <qrencode.h>

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

#include "kiosk/core/secret.h"
#include "kiosk/ui/ui.h"

namespace kiosk::ui::layout {

inline constexpr float kMargin = 40;
inline constexpr float kGap = 20;
inline constexpr float kButtonHeight = 104;  // touch targets stay well above 64 px
inline constexpr float kHeaderHeight = 150;
inline constexpr float kFooterHeight = 150;

inline ImU32 Colour(Rgb c) { return IM_COL32(c.r, c.g, c.b, 255); }

inline bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace kiosk::ui::layout
