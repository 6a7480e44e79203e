#include "plot/density_plot.h"

#include <algorithm>
#include <limits>

#include "plot/bitmap_font.h"
#include "plot/color_bar.h"
#include "plot/plot_frame.h"

namespace vaelab {

std::vector<std::vector<int>> bin_points(const PointSet& points, int bins, double x0, double x1, double y0,
                                         double y1) {
  bins = std::max(1, bins);
  std::vector<std::vector<int>> counts(static_cast<size_t>(bins), std::vector<int>(static_cast<size_t>(bins), 0));
  const size_t n = std::min(points.x.size(), points.y.size());
  for (size_t i = 0; i < n; ++i) {
    const double x = points.x[i], y = points.y[i];
    if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue;
    const int bx = std::min(bins - 1, static_cast<int>((x - x0) / (x1 - x0) * bins));
    const int by = std::min(bins - 1, static_cast<int>((y - y0) / (y1 - y0) * bins));
    ++counts[static_cast<size_t>(by)][static_cast<size_t>(bx)];
  }
  return counts;
}

RasterCanvas density_plot(const std::vector<PointSet>& sets, const DensityPlotOptions& o) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const auto& s : sets)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
        xlo = std::min(xlo, s.x[i]), xhi = std::max(xhi, s.x[i]), ylo = std::min(ylo, s.y[i]), yhi = std::max(yhi, s.y[i]);
  if (!(xlo < xhi)) xlo = 0, xhi = 1;
  if (!(ylo < yhi)) ylo = 0, yhi = 1;
  const double x0 = std::isfinite(o.x_min) ? o.x_min : xlo, x1 = std::isfinite(o.x_max) ? o.x_max : xhi;
  const double y0 = std::isfinite(o.y_min) ? o.y_min : ylo, y1 = std::isfinite(o.y_max) ? o.y_max : yhi;
  const int bins = std::max(1, o.bins);
  // Share of each set's points per bin; one colour scale for all panels.
  std::vector<std::vector<std::vector<double>>> shares;
  double vmax = 0;
  for (const auto& s : sets) {
    const auto counts = bin_points(s, bins, x0, x1, y0, y1);
    const double n = static_cast<double>(std::max<size_t>(1, std::min(s.x.size(), s.y.size())));
    std::vector<std::vector<double>> share(counts.size());
    for (size_t r = 0; r < counts.size(); ++r)
      for (int c : counts[r]) share[r].push_back(c / n), vmax = std::max(vmax, c / n);
    shares.push_back(std::move(share));
  }
  if (!(vmax > 0)) vmax = 1;

  const int pad = 10, s = o.scale;
  const int cell = std::max(1, o.panel / bins);
  const int side = cell * bins;
  AxesText text;
  text.x_label = o.x_label;
  text.y_label = o.y_label;
  text.scale = s;
  text.grid = false;
  PlotFrame probe;
  probe.x0 = x0, probe.x1 = x1, probe.y0 = y0, probe.y1 = y1, probe.top = 0, probe.bottom = side - 1;
  const int left_margin = axes_left_margin(probe, text);
  const int panel_w = left_margin + side + pad;
  const int title_h = text_height(s) + 2 * pad;
  ColorBar bar;
  bar.map = o.map;
  bar.vmin = 0;
  bar.vmax = vmax;
  bar.label = "share of points per bin";
  bar.scale = s;
  const int figure_title = o.title.empty() ? 0 : text_height(s) + 2 * pad;
  const int width = pad + static_cast<int>(sets.size()) * panel_w + color_bar_width(bar, side) + pad;
  const int height = figure_title + title_h + side + 2 + axes_bottom_margin(text) + pad;
  RasterCanvas canvas(width, height, kWhite);
  if (!o.title.empty()) draw_text(canvas, (width - text_width(o.title, s)) / 2, pad, o.title, kInk, s);
  for (size_t k = 0; k < sets.size(); ++k) {
    PlotFrame f = probe;
    f.left = pad + static_cast<int>(k) * panel_w + left_margin;
    f.right = f.left + side - 1;
    f.top = figure_title + title_h;
    f.bottom = f.top + side - 1;
    for (int r = 0; r < bins; ++r)
      for (int c = 0; c < bins; ++c) {
        const auto rgb = colormap_rgb(o.map, shares[k][static_cast<size_t>(r)][static_cast<size_t>(c)] / vmax);
        const int px = f.left + c * cell, py = f.bottom + 1 - (r + 1) * cell;  // row 0 at the bottom
        canvas.fill_rect(px, py, px + cell, py + cell, {rgb[0], rgb[1], rgb[2]});
      }
    draw_axes(canvas, f, text);
    const int tw = text_width(sets[k].title, s);
    draw_text(canvas, (f.left + f.right) / 2 - tw / 2, figure_title + pad, sets[k].title, kInk, s);
  }
  const int bar_x = pad + static_cast<int>(sets.size()) * panel_w;
  draw_color_bar(canvas, bar_x, figure_title + title_h, figure_title + title_h + side - 1, bar);
  return canvas;
}

}  // namespace vaelab
