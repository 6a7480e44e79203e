#include "plot/matrix_heatmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "plot/bitmap_font.h"
#include "plot/color_bar.h"
#include "plot/plot_frame.h"

namespace vaelab {

namespace {

constexpr int kPad = 10;

struct Layout {
  std::vector<HeatmapCells> cells;
  std::vector<int> panel_width;
  int figure_title = 0, panel_title = 0, index_band = 0, grid_h = 0, width = 0, height = 0, bar_x = 0;
  ColorBar bar;
  bool annotate = false;
};

bool index_labels(const Matrix& m) { return std::max(m.rows, m.cols) <= 32; }

int cell_size(const Matrix& m, const HeatmapOptions& o) {
  return std::max(1, o.panel / std::max(1, std::max(m.rows, m.cols)));
}

std::pair<double, double> value_range(const std::vector<Matrix>& ms, const HeatmapOptions& o) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& m : ms)
    for (double v : m.values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (lo > hi) lo = 0, hi = 1;
  if (o.diverging) {
    const double a = std::max({std::fabs(lo), std::fabs(hi), 1e-12});
    lo = -a, hi = a;
  }
  if (std::isfinite(o.vmin)) lo = o.vmin;
  if (std::isfinite(o.vmax)) hi = o.vmax;
  if (!(hi > lo)) hi = lo + 1;
  return {lo, hi};
}

std::string cell_text(double v) {
  if (!std::isfinite(v)) return "";
  return std::fabs(v) >= 100 ? fmt::format("{:.0f}", v) : std::fabs(v) >= 10 ? fmt::format("{:.1f}", v) : fmt::format("{:.2f}", v);
}

Layout layout(const std::vector<Matrix>& ms, const HeatmapOptions& o) {
  Layout L;
  const int s = o.scale;
  const auto [lo, hi] = value_range(ms, o);
  L.bar.map = o.diverging ? Colormap::Diverging : o.map;
  L.bar.vmin = lo;
  L.bar.vmax = hi;
  L.bar.label = o.colorbar_label;
  L.bar.scale = s;
  L.figure_title = o.title.empty() ? 0 : text_height(s) + 2 * kPad;
  L.panel_title = text_height(s) + 2 * kPad;
  bool any_index = false;
  int widest_cell_text = 0, smallest_cell = 1 << 30;
  for (const auto& m : ms) {
    any_index = any_index || index_labels(m);
    smallest_cell = std::min(smallest_cell, cell_size(m, o));
    for (double v : m.values) widest_cell_text = std::max(widest_cell_text, text_width(cell_text(v), 1));
  }
  L.annotate = o.annotate == 1 || (o.annotate == -1 && !ms.empty() && smallest_cell >= widest_cell_text + 4 &&
                                   smallest_cell >= text_height(1) + 4);
  const int index_w = text_width("00", s) + 6;
  L.index_band = any_index ? index_w : 0;
  int x = kPad;
  for (const auto& m : ms) {
    const int cell = cell_size(m, o);
    const int w = std::max(m.cols * cell, text_width(m.title, s));
    L.cells.push_back({x + L.index_band, L.figure_title + L.panel_title, cell});
    L.panel_width.push_back(L.index_band + w);
    L.grid_h = std::max(L.grid_h, m.rows * cell);
    x += L.index_band + w + 2 * kPad;
  }
  L.bar_x = x;
  L.width = x + color_bar_width(L.bar, L.grid_h) + kPad;
  L.height = L.figure_title + L.panel_title + L.grid_h + L.index_band + kPad;
  return L;
}

}  // namespace

std::vector<HeatmapCells> matrix_heatmap_cells(const std::vector<Matrix>& matrices, const HeatmapOptions& options) {
  return layout(matrices, options).cells;
}

RasterCanvas matrix_heatmap(const std::vector<Matrix>& ms, const HeatmapOptions& o) {
  const Layout L = layout(ms, o);
  const int s = o.scale;
  RasterCanvas canvas(L.width, L.height, kWhite);
  if (!o.title.empty()) draw_text(canvas, (L.width - text_width(o.title, s)) / 2, kPad, o.title, kInk, s);
  const double span = L.bar.vmax - L.bar.vmin;
  for (size_t k = 0; k < ms.size(); ++k) {
    const Matrix& m = ms[k];
    const HeatmapCells& at = L.cells[k];
    const int cell = at.cell;
    for (int r = 0; r < m.rows; ++r)
      for (int c = 0; c < m.cols; ++c) {
        const size_t i = static_cast<size_t>(r) * m.cols + c;
        const double v = i < m.values.size() ? m.values[i] : NAN;
        const auto rgb = colormap_rgb(L.bar.map, std::isfinite(v) ? (v - L.bar.vmin) / span : NAN);
        const int x0 = at.left + c * cell, y0 = at.top + r * cell;
        canvas.fill_rect(x0, y0, x0 + cell, y0 + cell, {rgb[0], rgb[1], rgb[2]});
        if (L.annotate && std::isfinite(v)) {
          const std::string t = cell_text(v);
          const double luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
          draw_text(canvas, x0 + (cell - text_width(t, 1)) / 2, y0 + (cell - text_height(1)) / 2, t,
                    luma < 128 ? kWhite : kInk, 1);
        }
      }
    canvas.stroke_rect(at.left - 1, at.top - 1, at.left + m.cols * cell + 1, at.top + m.rows * cell + 1, kInk);
    // Indices: every one when they fit, else every 5th.
    if (index_labels(m)) {
      const int every = cell >= text_width("00", s) + 2 ? 1 : 5;
      for (int r = 0; r < m.rows; r += every) {
        const std::string t = std::to_string(r);
        draw_text(canvas, at.left - 4 - text_width(t, s), at.top + r * cell + (cell - text_height(s)) / 2, t, kInk, s);
      }
      for (int c = 0; c < m.cols; c += every) {
        const std::string t = std::to_string(c);
        draw_text(canvas, at.left + c * cell + (cell - text_width(t, s)) / 2, at.top + m.rows * cell + 4, t, kInk, s);
      }
    }
    const int panel_left = at.left - L.index_band;
    draw_text(canvas, panel_left + L.index_band + (m.cols * cell - text_width(m.title, s)) / 2,
              L.figure_title + kPad, m.title, kInk, s);
  }
  draw_color_bar(canvas, L.bar_x, L.figure_title + L.panel_title, L.figure_title + L.panel_title + L.grid_h - 1, L.bar);
  return canvas;
}

}  // namespace vaelab
