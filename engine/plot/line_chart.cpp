#include "plot/line_chart.h"

#include <algorithm>
#include <limits>

#include "plot/bitmap_font.h"

namespace vaelab {

namespace {

constexpr int kPad = 10;
constexpr int kSwatch = 22;

AxesText axes_text(const LineChartOptions& o) {
  AxesText t;
  t.x_label = o.x_label;
  t.y_label = o.y_label;
  t.scale = o.scale;
  return t;
}

int title_band(const LineChartOptions& o) { return o.title.empty() ? kPad : kPad + text_height(o.scale) + kPad; }

int legend_width(const std::vector<LineSeries>& series, const LineChartOptions& o) {
  int widest = 0;
  for (const auto& s : series)
    if (!s.name.empty()) widest = std::max(widest, text_width(s.name, o.scale));
  return widest == 0 ? 0 : kPad + kSwatch + 6 + widest + kPad;
}

// [lo, hi] of the finite values (positive ones on a log axis); NaNs when there are none.
std::pair<double, double> extent(const std::vector<LineSeries>& series, bool y, bool positive_only) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : series) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (positive_only && !(s.y[i] > 0))) continue;
      const double v = y ? s.y[i] : s.x[i];
      lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  if (lo > hi) return {NAN, NAN};
  return {lo, hi};
}

}  // namespace

Rgb series_color(size_t i) {
  static const Rgb palette[] = {{0x1f, 0x5f, 0xbf}, {0xe0, 0x6c, 0x00}, {0x2a, 0x9d, 0x3f}, {0xc8, 0x2a, 0x36},
                                {0x7b, 0x4f, 0xb5}, {0x8c, 0x5a, 0x2b}, {0xd4, 0x4f, 0xa8}, {0x5a, 0x5a, 0x5a},
                                {0x9a, 0xa0, 0x1e}, {0x17, 0xa5, 0xb8}};
  return palette[i % 10];
}

PlotFrame line_chart_frame(const std::vector<LineSeries>& series, const LineChartOptions& o) {
  PlotFrame f;
  f.log_y = o.log_y;
  auto [xlo, xhi] = extent(series, false, o.log_y);
  auto [ylo, yhi] = extent(series, true, o.log_y);
  if (!std::isfinite(xlo)) xlo = 0, xhi = 1;
  if (!std::isfinite(ylo)) ylo = o.log_y ? 0.1 : 0, yhi = 1;
  if (xhi - xlo <= 0) xlo -= 0.5, xhi += 0.5;
  const double xm = (xhi - xlo) * 0.02;
  f.x0 = std::isfinite(o.x_min) ? o.x_min : xlo - xm;
  f.x1 = std::isfinite(o.x_max) ? o.x_max : xhi + xm;
  if (o.log_y) {
    double l0 = std::log10(ylo), l1 = std::log10(yhi);
    if (l1 - l0 <= 0) l0 -= 0.5, l1 += 0.5;
    const double m = (l1 - l0) * 0.05;
    f.y0 = std::isfinite(o.y_min) && o.y_min > 0 ? o.y_min : std::pow(10.0, l0 - m);
    f.y1 = std::isfinite(o.y_max) && o.y_max > 0 ? o.y_max : std::pow(10.0, l1 + m);
  } else {
    if (yhi - ylo <= 0) {
      const double h = ylo == 0 ? 0.5 : std::fabs(ylo) * 0.1;
      ylo -= h, yhi += h;
    }
    const double m = (yhi - ylo) * 0.05;
    f.y0 = std::isfinite(o.y_min) ? o.y_min : ylo - m;
    f.y1 = std::isfinite(o.y_max) ? o.y_max : yhi + m;
  }
  const AxesText text = axes_text(o);
  f.top = title_band(o);
  f.bottom = o.height - 1 - axes_bottom_margin(text);
  f.left = kPad + axes_left_margin(f, text);
  f.right = o.width - 1 - kPad - legend_width(series, o);
  return f;
}

RasterCanvas line_chart(const std::vector<LineSeries>& series, const LineChartOptions& o) {
  const PlotFrame f = line_chart_frame(series, o);
  const AxesText text = axes_text(o);
  RasterCanvas canvas(o.width, o.height, kWhite);
  draw_grid(canvas, f, text);
  // The data go on a copy of the plot area, so that anything outside the range is clipped at the frame.
  RasterCanvas area(f.right - f.left + 1, f.bottom - f.top + 1);
  for (int y = 0; y < area.height(); ++y)
    for (int x = 0; x < area.width(); ++x) area.set(x, y, canvas.at(f.left + x, f.top + y));
  for (size_t si = 0; si < series.size(); ++si) {
    const auto& s = series[si];
    const Rgb c = series_color(si);
    const size_t n = std::min(s.x.size(), s.y.size());
    std::vector<PlotPoint> run;
    std::vector<PlotPoint> points;
    const auto flush = [&] {
      if (run.size() > 1) area.draw_polyline(run, c, o.line_width);
      run.clear();
    };
    for (size_t i = 0; i < n; ++i) {
      const double px = f.px(s.x[i]) - f.left, py = f.py(s.y[i]) - f.top;
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || !std::isfinite(py)) {
        flush();
        continue;
      }
      run.push_back({px, py});
      points.push_back({px, py});
    }
    flush();
    if (s.markers || static_cast<int>(points.size()) <= o.marker_limit)
      for (const auto& p : points) area.draw_disc(p.x, p.y, o.marker_radius, c);
  }
  canvas.paste(area, f.left, f.top);
  draw_axes(canvas, f, text);
  if (!o.title.empty()) draw_text(canvas, (o.width - text_width(o.title, o.scale)) / 2, kPad, o.title, kInk, o.scale);
  // The legend, right of the frame.
  int y = f.top + 4;
  const int x = f.right + 2 + kPad;
  for (size_t si = 0; si < series.size(); ++si) {
    if (series[si].name.empty()) continue;
    const int mid = y + text_height(o.scale) / 2;
    canvas.draw_line(x, mid, x + kSwatch - 1, mid, series_color(si), o.line_width);
    draw_text(canvas, x + kSwatch + 6, y, series[si].name, kInk, o.scale);
    y += text_height(o.scale) + 8;
  }
  return canvas;
}

}  // namespace vaelab
