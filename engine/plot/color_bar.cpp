#include "plot/color_bar.h"

#include <algorithm>
#include <cmath>

#include "plot/axis_ticks.h"
#include "plot/bitmap_font.h"
#include "plot/plot_frame.h"

namespace vaelab {

namespace {

std::vector<Tick> bar_ticks(const ColorBar& bar, int height) {
  return linear_ticks(bar.vmin, bar.vmax, std::max(2, height / (bar.scale * 25)));
}

}  // namespace

int color_bar_width(const ColorBar& bar, int height) {
  int widest = 0;
  for (const auto& tk : bar_ticks(bar, height)) widest = std::max(widest, text_width(tk.label, bar.scale));
  const int label = bar.label.empty() ? 0 : text_height(bar.scale) + 8;
  return bar.bar_width + 2 + 4 + 4 + widest + label + 4;
}

void draw_color_bar(RasterCanvas& canvas, int x, int top, int bottom, const ColorBar& bar) {
  if (bottom <= top) return;
  const double span = bar.vmax > bar.vmin ? bar.vmax - bar.vmin : 1.0;
  for (int y = top; y <= bottom; ++y) {
    const double t = static_cast<double>(bottom - y) / (bottom - top);
    const auto c = colormap_rgb(bar.map, t);
    canvas.fill_rect(x, y, x + bar.bar_width, y + 1, {c[0], c[1], c[2]});
  }
  canvas.stroke_rect(x - 1, top - 1, x + bar.bar_width + 1, bottom + 2, kInk);
  int widest = 0;
  const int right = x + bar.bar_width + 1;
  for (const auto& tk : bar_ticks(bar, bottom - top)) {
    const int y = static_cast<int>(std::lround(bottom - (tk.value - bar.vmin) / span * (bottom - top)));
    canvas.fill_rect(right, y, right + 4, y + 1, kInk);
    widest = std::max(widest, text_width(tk.label, bar.scale));
    draw_text(canvas, right + 8, y - text_height(bar.scale) / 2, tk.label, kInk, bar.scale);
  }
  if (!bar.label.empty()) {
    const int h = text_width(bar.label, bar.scale);
    draw_text_vertical(canvas, right + 8 + widest + 8, (top + bottom) / 2 - h / 2, bar.label, kInk, bar.scale);
  }
}

}  // namespace vaelab
