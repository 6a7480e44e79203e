#include "plot/figure_layout.h"

#include <algorithm>

#include "plot/bitmap_font.h"
#include "plot/plot_frame.h"

namespace vaelab {

RasterCanvas side_by_side(const std::vector<RasterCanvas>& panels, int gap) {
  int w = 0, h = 0;
  for (const auto& p : panels) w += p.width(), h = std::max(h, p.height());
  if (!panels.empty()) w += gap * static_cast<int>(panels.size() - 1);
  RasterCanvas out(w, h, kWhite);
  int x = 0;
  for (const auto& p : panels) {
    out.paste(p, x, (h - p.height()) / 2);
    x += p.width() + gap;
  }
  return out;
}

RasterCanvas stacked(const std::vector<RasterCanvas>& panels, int gap) {
  int w = 0, h = 0;
  for (const auto& p : panels) h += p.height(), w = std::max(w, p.width());
  if (!panels.empty()) h += gap * static_cast<int>(panels.size() - 1);
  RasterCanvas out(w, h, kWhite);
  int y = 0;
  for (const auto& p : panels) {
    out.paste(p, (w - p.width()) / 2, y);
    y += p.height() + gap;
  }
  return out;
}

RasterCanvas with_title(const RasterCanvas& figure, const std::string& title, int scale) {
  if (title.empty()) return figure;
  const int pad = 4 * scale;
  const int tw = text_width(title, scale);
  const int w = std::max(figure.width(), tw + 2 * pad);
  const int band = text_height(scale) + 2 * pad;
  RasterCanvas out(w, figure.height() + band, kWhite);
  draw_text(out, (w - tw) / 2, pad, title, kInk, scale);
  out.paste(figure, (w - figure.width()) / 2, band);
  return out;
}

}  // namespace vaelab
