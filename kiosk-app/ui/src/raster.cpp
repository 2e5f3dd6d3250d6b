#include "kiosk/ui/raster.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace kiosk::ui {

namespace {

// Half-open pixel bounds.
struct Bounds {
  int x0, y0, x1, y1;
};

struct Color {
  int r, g, b, a;
};

Color Unpack(ImU32 c) {
  return {static_cast<int>(c & 0xffu), static_cast<int>((c >> 8) & 0xffu),
          static_cast<int>((c >> 16) & 0xffu), static_cast<int>(c >> 24)};
}

std::uint8_t Byte(int v) { return static_cast<std::uint8_t>(v); }

// x / 255 for 0 ≤ x < 65535, without a division.
int Div255(int x) { return (x + 1 + (x >> 8)) >> 8; }

// Source-over: d = s·a + d·(1 − a), alpha likewise (rounded).
void Blend(std::uint8_t* d, int r, int g, int b, int a) {
  if (a <= 0) return;
  if (a >= 255) {
    d[0] = Byte(r);
    d[1] = Byte(g);
    d[2] = Byte(b);
    d[3] = 255;
    return;
  }
  const int keep = 255 - a;
  d[0] = Byte(Div255(r * a + d[0] * keep + 127));
  d[1] = Byte(Div255(g * a + d[1] * keep + 127));
  d[2] = Byte(Div255(b * a + d[2] * keep + 127));
  d[3] = Byte(Div255(a * 255 + d[3] * keep + 127));
}

// One colour over a run of pixels (a dim over the whole screen is 2 million
// of them): the source terms once, a loop the compiler can vectorize.
void BlendRun(std::uint8_t* d, int count, int r, int g, int b, int a) {
  if (a <= 0 || count <= 0) return;
  if (a >= 255) {
    const std::uint32_t packed = static_cast<std::uint32_t>(r) |
                                 static_cast<std::uint32_t>(g) << 8 |
                                 static_cast<std::uint32_t>(b) << 16 | 0xff000000u;
    auto* px = reinterpret_cast<std::uint32_t*>(d);
    std::fill(px, px + count, packed);
    return;
  }
  const int keep = 255 - a;
  const int src[4] = {r * a + 127, g * a + 127, b * a + 127, a * 255 + 127};
  for (int i = 0; i < count * 4; ++i) d[i] = Byte(Div255(src[i & 3] + d[i] * keep));
}

// One vertex, colour as floats for interpolation.
struct Vertex {
  float x, y, u, v;
  float r, g, b, a;
};

Vertex Load(const ImDrawVert& v, ImVec2 origin) {
  const Color c = Unpack(v.col);
  return {v.pos.x - origin.x,
          v.pos.y - origin.y,
          v.uv.x,
          v.uv.y,
          static_cast<float>(c.r),
          static_cast<float>(c.g),
          static_cast<float>(c.b),
          static_cast<float>(c.a)};
}

struct Atlas {
  const std::uint8_t* rgba;
  int width, height;

  const std::uint8_t* Texel(float u, float v) const {
    const int x =
        std::clamp(static_cast<int>(std::floor(u * static_cast<float>(width))), 0, width - 1);
    const int y =
        std::clamp(static_cast<int>(std::floor(v * static_cast<float>(height))), 0, height - 1);
    return rgba + (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                   static_cast<std::size_t>(x)) *
                      4;
  }
};

class Painter {
 public:
  Painter(const PixelTarget& target, Bounds clip, const Atlas* atlas)
      : target_(target), clip_(clip), atlas_(atlas) {}

  // An axis-aligned rectangle, one colour, its texture (if any) mapped
  // linearly: pixels whose centres are inside [x0, x1) × [y0, y1).
  void Rect(const Vertex& a, const Vertex& c, ImU32 packed) const {
    const int xs = std::max(clip_.x0, static_cast<int>(std::ceil(a.x - 0.5f)));
    const int xe = std::min(clip_.x1, static_cast<int>(std::ceil(c.x - 0.5f)));
    const int ys = std::max(clip_.y0, static_cast<int>(std::ceil(a.y - 0.5f)));
    const int ye = std::min(clip_.y1, static_cast<int>(std::ceil(c.y - 0.5f)));
    if (xs >= xe || ys >= ye) return;
    const Color col = Unpack(packed);
    if (atlas_ == nullptr) {
      for (int y = ys; y < ye; ++y) BlendRun(Row(y) + xs * 4, xe - xs, col.r, col.g, col.b, col.a);
      return;
    }
    const float du = (c.u - a.u) / (c.x - a.x);
    const float dv = (c.v - a.v) / (c.y - a.y);
    for (int y = ys; y < ye; ++y) {
      std::uint8_t* row = Row(y);
      const float v = a.v + (static_cast<float>(y) + 0.5f - a.y) * dv;
      for (int x = xs; x < xe; ++x) {
        const float u = a.u + (static_cast<float>(x) + 0.5f - a.x) * du;
        const std::uint8_t* t = atlas_->Texel(u, v);
        if (t[3] == 0) continue;
        Blend(row + x * 4, Div255(col.r * t[0]), Div255(col.g * t[1]), Div255(col.b * t[2]),
              Div255(col.a * t[3]));
      }
    }
  }

  // Any triangle: the spans of each row inside all three edges, colour and
  // texture coordinates interpolated. A pixel centre on an edge two
  // triangles share belongs to exactly one of them.
  void Triangle(Vertex a, Vertex b, Vertex c) const {
    float area = Cross(b.x - a.x, b.y - a.y, c.x - a.x, c.y - a.y);
    if (area == 0.0f) return;
    if (area < 0.0f) {
      std::swap(b, c);
      area = -area;
    }
    const int ys = std::max(clip_.y0, static_cast<int>(std::floor(std::min({a.y, b.y, c.y}))));
    const int ye = std::min(clip_.y1, static_cast<int>(std::ceil(std::max({a.y, b.y, c.y}))) + 1);
    const int xmin = std::max(clip_.x0, static_cast<int>(std::floor(std::min({a.x, b.x, c.x}))));
    const int xmax = std::min(clip_.x1, static_cast<int>(std::ceil(std::max({a.x, b.x, c.x}))) + 1);
    if (xmin >= xmax || ys >= ye) return;
    const Edge e0(b, c), e1(c, a), e2(a, b);  // opposite a, b, c
    const bool flat = atlas_ == nullptr && a.r == b.r && a.r == c.r && a.g == b.g && a.g == c.g &&
                      a.b == b.b && a.b == c.b && a.a == b.a && a.a == c.a;
    for (int y = ys; y < ye; ++y) {
      const float py = static_cast<float>(y) + 0.5f;
      auto inside = [&](int x) {
        const float px = static_cast<float>(x) + 0.5f;
        return e0.Covers(px, py) && e1.Covers(px, py) && e2.Covers(px, py);
      };
      // The span from where each edge crosses the row, then fixed up by
      // testing the ends (the row's inside is an interval: it is convex).
      float lo = static_cast<float>(xmin);
      float hi = static_cast<float>(xmax - 1);
      for (const Edge* e : {&e0, &e1, &e2}) e->Narrow(py, lo, hi);
      int xl = std::max(xmin, static_cast<int>(std::floor(lo)) - 1);
      int xr = std::min(xmax - 1, static_cast<int>(std::ceil(hi)) + 1);
      while (xl <= xr && !inside(xl)) ++xl;
      while (xr >= xl && !inside(xr)) --xr;
      if (xl > xr) continue;
      std::uint8_t* row = Row(y);
      if (flat) {
        BlendRun(row + xl * 4, xr - xl + 1, Round(a.r), Round(a.g), Round(a.b), Round(a.a));
        continue;
      }
      for (int x = xl; x <= xr; ++x) {
        const float px = static_cast<float>(x) + 0.5f;
        const float la = e0.At(px, py) / area;
        const float lb = e1.At(px, py) / area;
        const float lc = 1.0f - la - lb;
        auto mix = [&](float Vertex::*f) { return la * a.*f + lb * b.*f + lc * c.*f; };
        int r = Round(mix(&Vertex::r)), g = Round(mix(&Vertex::g)), bl = Round(mix(&Vertex::b)),
            al = Round(mix(&Vertex::a));
        if (atlas_ != nullptr) {
          const std::uint8_t* t = atlas_->Texel(mix(&Vertex::u), mix(&Vertex::v));
          r = Div255(r * t[0]);
          g = Div255(g * t[1]);
          bl = Div255(bl * t[2]);
          al = Div255(al * t[3]);
        }
        Blend(row + x * 4, r, g, bl, al);
      }
    }
  }

 private:
  static float Cross(float ax, float ay, float bx, float by) { return ax * by - ay * bx; }
  static int Round(float v) { return std::clamp(static_cast<int>(v + 0.5f), 0, 255); }

  // The edge from s to s + d; At(p) ≥ 0 on the triangle's side.
  struct Edge {
    Edge(const Vertex& from, const Vertex& to)
        : sx(from.x),
          sy(from.y),
          dx(to.x - from.x),
          dy(to.y - from.y),
          // Ties go to one side only: opposite directions on a shared edge.
          owns_ties(dy > 0.0f || (dy == 0.0f && dx > 0.0f)) {}
    float At(float px, float py) const { return dx * (py - sy) - dy * (px - sx); }
    bool Covers(float px, float py) const {
      const float w = At(px, py);
      return w > 0.0f || (w == 0.0f && owns_ties);
    }
    // Narrows [lo, hi] (pixel indices) to where this edge covers row py.
    void Narrow(float py, float& lo, float& hi) const {
      if (dy == 0.0f) return;
      // At = dx·(py − sy) − dy·(px − sx) ≥ 0  ⇔  px ≤ or ≥ sx + dx·(py − sy)/dy
      const float cross = sx + dx * (py - sy) / dy - 0.5f;
      if (dy > 0.0f) {
        hi = std::min(hi, cross);
      } else {
        lo = std::max(lo, cross);
      }
    }
    float sx, sy, dx, dy;
    bool owns_ties;
  };

  std::uint8_t* Row(int y) const {
    return target_.pixels + static_cast<std::ptrdiff_t>(y) * target_.pitch;
  }

  const PixelTarget& target_;
  Bounds clip_;
  const Atlas* atlas_;
};

// ImGui's rectangles (PrimRect, PrimRectUV): vertices a b c d clockwise from
// the top left, indices a b c a c d; one colour; texture mapped along the axes.
bool IsRect(const ImDrawVert* v, const ImDrawIdx* idx, unsigned i, unsigned count,
            const ImDrawVert** a, const ImDrawVert** c) {
  if (i + 6 > count || idx[i] != idx[i + 3] || idx[i + 2] != idx[i + 4]) return false;
  const ImDrawVert& va = v[idx[i]];
  const ImDrawVert& vb = v[idx[i + 1]];
  const ImDrawVert& vc = v[idx[i + 2]];
  const ImDrawVert& vd = v[idx[i + 5]];
  const bool aligned = va.pos.y == vb.pos.y && vb.pos.x == vc.pos.x && vc.pos.y == vd.pos.y &&
                       vd.pos.x == va.pos.x && va.pos.x < vc.pos.x && va.pos.y < vc.pos.y;
  const bool one_colour = va.col == vb.col && va.col == vc.col && va.col == vd.col;
  const bool mapped =
      va.uv.y == vb.uv.y && vb.uv.x == vc.uv.x && vc.uv.y == vd.uv.y && vd.uv.x == va.uv.x;
  if (!aligned || !one_colour || !mapped) return false;
  *a = &va;
  *c = &vc;
  return true;
}

}  // namespace

void Raster::SetAtlas(const std::uint8_t* rgba, int width, int height, void* texture_id,
                      float white_u, float white_v) {
  SetTexture(texture_id, rgba, width, height);
  atlas_id_ = texture_id;
  white_u_ = white_u;
  white_v_ = white_v;
}

void Raster::SetTexture(void* texture_id, const std::uint8_t* rgba, int width, int height) {
  RemoveTexture(texture_id);
  Texture& t = textures_[texture_id];
  t.rgba.assign(rgba,
                rgba + static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
  t.width = width;
  t.height = height;
}

void Raster::RemoveTexture(void* texture_id) {
  const auto found = textures_.find(texture_id);
  if (found == textures_.end()) return;
  volatile std::uint8_t* p = found->second.rgba.data();
  for (std::size_t i = 0; i < found->second.rgba.size(); ++i) p[i] = 0;
  textures_.erase(found);
}

void Raster::Render(const ImDrawData& data, const PixelTarget& target, std::uint32_t clear) const {
  for (int y = 0; y < target.height; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(target.pixels +
                                                 static_cast<std::ptrdiff_t>(y) * target.pitch);
    std::fill(row, row + target.width, clear);
  }
  const ImVec2 origin = data.DisplayPos;
  for (int n = 0; n < data.CmdListsCount; ++n) {
    const ImDrawList* list = data.CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback != nullptr) continue;  // this UI registers none
      // The clip rectangle as SDL_RenderSetClipRect would take it.
      const int cx = static_cast<int>(cmd.ClipRect.x - origin.x);
      const int cy = static_cast<int>(cmd.ClipRect.y - origin.y);
      const int cw = static_cast<int>(cmd.ClipRect.z - cmd.ClipRect.x);
      const int ch = static_cast<int>(cmd.ClipRect.w - cmd.ClipRect.y);
      const Bounds clip{std::max(0, cx), std::max(0, cy), std::min(target.width, cx + cw),
                        std::min(target.height, cy + ch)};
      if (clip.x0 >= clip.x1 || clip.y0 >= clip.y1) continue;
      const ImDrawVert* v = list->VtxBuffer.Data + cmd.VtxOffset;
      const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
      const auto texture = textures_.find(cmd.GetTexID());
      const bool is_atlas = cmd.GetTexID() == atlas_id_;
      std::optional<Atlas> source;
      if (texture != textures_.end()) {
        source = Atlas{texture->second.rgba.data(), texture->second.width, texture->second.height};
      }
      // Shapes sample only the atlas's white pixel.
      auto samples_white = [&](const ImDrawVert& p) {
        return is_atlas && p.uv.x == white_u_ && p.uv.y == white_v_;
      };
      const Painter textured(target, clip, source ? &*source : nullptr);
      const Painter shapes(target, clip, nullptr);
      unsigned i = 0;
      while (i + 3 <= cmd.ElemCount) {
        const ImDrawVert* a = nullptr;
        const ImDrawVert* c = nullptr;
        if (IsRect(v, idx, i, cmd.ElemCount, &a, &c)) {
          const Painter& p = samples_white(*a) && samples_white(*c) ? shapes : textured;
          p.Rect(Load(*a, origin), Load(*c, origin), a->col);
          i += 6;
          continue;
        }
        const ImDrawVert& p0 = v[idx[i]];
        const ImDrawVert& p1 = v[idx[i + 1]];
        const ImDrawVert& p2 = v[idx[i + 2]];
        const Painter& p =
            samples_white(p0) && samples_white(p1) && samples_white(p2) ? shapes : textured;
        p.Triangle(Load(p0, origin), Load(p1, origin), Load(p2, origin));
        i += 3;
      }
    }
  }
}

}  // namespace kiosk::ui
