#include "plot/colormap.h"

#include <algorithm>
#include <cmath>

namespace vaelab {
namespace {

using Rgb = std::array<uint8_t, 3>;

// Anchors at t = k / (n-1).
const std::vector<Rgb>& anchors(Colormap map) {
  static const std::vector<Rgb> viridis = {{0x44, 0x01, 0x54}, {0x47, 0x2d, 0x7b}, {0x3b, 0x52, 0x8b},
                                           {0x2c, 0x72, 0x8e}, {0x21, 0x91, 0x8c}, {0x28, 0xae, 0x80},
                                           {0x5e, 0xc9, 0x62}, {0xad, 0xdc, 0x30}, {0xfd, 0xe7, 0x25}};
  static const std::vector<Rgb> magma = {{0x00, 0x00, 0x04}, {0x1c, 0x10, 0x44}, {0x4f, 0x12, 0x7b},
                                         {0x81, 0x25, 0x81}, {0xb5, 0x36, 0x7a}, {0xe5, 0x59, 0x64},
                                         {0xfb, 0x87, 0x61}, {0xfe, 0xc2, 0x87}, {0xfc, 0xfd, 0xbf}};
  static const std::vector<Rgb> grey = {{0, 0, 0}, {255, 255, 255}};
  // Blue - white - red, symmetric about t = 0.5 (for signed quantities such as residuals).
  static const std::vector<Rgb> diverging = {{0x21, 0x66, 0xac}, {0x67, 0xa9, 0xcf}, {0xd1, 0xe5, 0xf0},
                                             {0xf7, 0xf7, 0xf7}, {0xfd, 0xdb, 0xc7}, {0xef, 0x8a, 0x62},
                                             {0xb2, 0x18, 0x2b}};
  switch (map) {
    case Colormap::Viridis: return viridis;
    case Colormap::Magma: return magma;
    case Colormap::Grey: return grey;
    case Colormap::Diverging: return diverging;
  }
  return viridis;
}

}  // namespace

const char* to_string(Colormap map) {
  switch (map) {
    case Colormap::Viridis: return "viridis";
    case Colormap::Magma: return "magma";
    case Colormap::Grey: return "grey";
    case Colormap::Diverging: return "diverging";
  }
  return "?";
}

const std::vector<Colormap>& all_colormaps() {
  static const std::vector<Colormap> maps = {Colormap::Viridis, Colormap::Magma, Colormap::Grey,
                                             Colormap::Diverging};
  return maps;
}

std::array<uint8_t, 3> colormap_rgb(Colormap map, double t) {
  if (std::isnan(t)) return {128, 128, 128};
  t = std::clamp(t, 0.0, 1.0);
  const auto& a = anchors(map);
  const double pos = t * static_cast<double>(a.size() - 1);
  const size_t i = std::min(static_cast<size_t>(pos), a.size() - 2);
  const double f = pos - static_cast<double>(i);
  Rgb out;
  for (int c = 0; c < 3; ++c) {
    out[c] = static_cast<uint8_t>(std::lround(a[i][c] * (1 - f) + a[i + 1][c] * f));
  }
  return out;
}

std::vector<uint8_t> colormap_table(Colormap map, int n) {
  std::vector<uint8_t> out;
  if (n < 2) n = 2;
  out.reserve(static_cast<size_t>(n) * 3);
  for (int i = 0; i < n; ++i) {
    auto c = colormap_rgb(map, static_cast<double>(i) / (n - 1));
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

std::vector<uint8_t> colorize(const std::vector<float>& values, double vmin, double vmax, Colormap map) {
  std::vector<uint8_t> out(values.size() * 4);
  const double span = vmax > vmin ? vmax - vmin : 1.0;
  const auto table = colormap_table(map, 256);
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    uint8_t* px = &out[i * 4];
    if (!std::isfinite(v)) {
      px[0] = px[1] = px[2] = 128;
    } else {
      const int k = static_cast<int>(std::clamp((v - vmin) / span, 0.0, 1.0) * 255.0 + 0.5);
      px[0] = table[k * 3];
      px[1] = table[k * 3 + 1];
      px[2] = table[k * 3 + 2];
    }
    px[3] = 255;
  }
  return out;
}

}  // namespace vaelab
