#include "plot/plot_frame.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "plot/axis_ticks.h"
#include "plot/bitmap_font.h"

namespace vaelab {

namespace {

constexpr int kTickLength = 5;
constexpr int kGap = 4;

std::vector<Tick> x_ticks(const PlotFrame& f, const AxesText& t) {
  const int target = t.x_ticks > 0 ? t.x_ticks : std::max(2, (f.right - f.left) / (t.scale * 45));
  return linear_ticks(f.x0, f.x1, target);
}

std::vector<Tick> y_ticks(const PlotFrame& f, const AxesText& t) {
  const int target = t.y_ticks > 0 ? t.y_ticks : std::max(2, (f.bottom - f.top) / (t.scale * 25));
  return f.log_y ? log_ticks(f.y0, f.y1, target) : linear_ticks(f.y0, f.y1, target);
}

}  // namespace

double PlotFrame::px(double x) const { return left + (x - x0) / (x1 - x0) * (right - left); }

double PlotFrame::py(double y) const {
  if (log_y) {
    if (!(y > 0)) return std::nan("");
    return bottom - (std::log10(y) - std::log10(y0)) / (std::log10(y1) - std::log10(y0)) * (bottom - top);
  }
  return bottom - (y - y0) / (y1 - y0) * (bottom - top);
}

int axes_left_margin(const PlotFrame& frame, const AxesText& text) {
  int widest = 0;
  for (const auto& tk : y_ticks(frame, text)) widest = std::max(widest, text_width(tk.label, text.scale));
  const int label = text.y_label.empty() ? 0 : text_height(text.scale) + 2 * kGap;
  return kTickLength + kGap + widest + label + kGap;
}

int axes_bottom_margin(const AxesText& text) {
  const int label = text.x_label.empty() ? 0 : text_height(text.scale) + 2 * kGap;
  return kTickLength + kGap + text_height(text.scale) + label + kGap;
}

void draw_grid(RasterCanvas& canvas, const PlotFrame& f, const AxesText& text) {
  if (!text.grid) return;
  for (const auto& tk : x_ticks(f, text)) {
    const int x = static_cast<int>(std::lround(f.px(tk.value)));
    canvas.fill_rect(x, f.top, x + 1, f.bottom + 1, kGridInk);
  }
  for (const auto& tk : y_ticks(f, text)) {
    const int y = static_cast<int>(std::lround(f.py(tk.value)));
    canvas.fill_rect(f.left, y, f.right + 1, y + 1, kGridInk);
  }
}

void draw_axes(RasterCanvas& canvas, const PlotFrame& f, const AxesText& text) {
  const int s = text.scale;
  canvas.stroke_rect(f.left - 1, f.top - 1, f.right + 2, f.bottom + 2, kInk);
  const int below = f.bottom + 2;
  for (const auto& tk : x_ticks(f, text)) {
    const int x = static_cast<int>(std::lround(f.px(tk.value)));
    canvas.fill_rect(x, below, x + 1, below + kTickLength, kInk);
    const int w = text_width(tk.label, s);
    draw_text(canvas, x - w / 2, below + kTickLength + kGap, tk.label, kInk, s);
  }
  int widest = 0;
  for (const auto& tk : y_ticks(f, text)) {
    const int y = static_cast<int>(std::lround(f.py(tk.value)));
    canvas.fill_rect(f.left - 1 - kTickLength, y, f.left - 1, y + 1, kInk);
    const int w = text_width(tk.label, s);
    widest = std::max(widest, w);
    draw_text(canvas, f.left - 1 - kTickLength - kGap - w, y - text_height(s) / 2, tk.label, kInk, s);
  }
  if (!text.x_label.empty()) {
    const int w = text_width(text.x_label, s);
    draw_text(canvas, (f.left + f.right) / 2 - w / 2, below + kTickLength + kGap + text_height(s) + 2 * kGap,
              text.x_label, kInk, s);
  }
  if (!text.y_label.empty()) {
    const int h = text_width(text.y_label, s);  // the turned label's height
    const int x = f.left - 1 - kTickLength - kGap - widest - 2 * kGap - text_height(s);
    draw_text_vertical(canvas, x, (f.top + f.bottom) / 2 - h / 2, text.y_label, kInk, s);
  }
}

}  // namespace vaelab
