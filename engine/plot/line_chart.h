#pragma once
// A line chart: named series overlaid on shared axes (plot/plot_frame.h), linear or log y, a legend to
// the right of the axes (never over the data) and a title. Training curves in the reproduction reports.
//
// Ranges come from the finite data (y > 0 on a log axis) with a small margin, unless given. A series is
// drawn as a 2-px line broken at non-finite values, with markers at its points when asked or when it has
// at most `marker_limit` points (a curve of two epochs is still visible).
#include <cmath>
#include <string>
#include <vector>

#include "plot/plot_frame.h"
#include "plot/raster_canvas.h"

namespace vaelab {

struct LineSeries {
  std::string name;  // the legend's entry ("" = no entry)
  std::vector<double> x, y;
  bool markers = false;
};

struct LineChartOptions {
  std::string title, x_label, y_label;
  bool log_y = false;
  int width = 800, height = 480;
  int scale = 2;  // font scale
  double x_min = NAN, x_max = NAN, y_min = NAN, y_max = NAN;  // NaN: from the data
  int marker_limit = 20;
  double line_width = 2.0;
  double marker_radius = 3.5;
};

// The i-th series colour (ten distinct hues, then repeating).
Rgb series_color(size_t i);
// Where the chart's axes fall: the same frame line_chart draws.
PlotFrame line_chart_frame(const std::vector<LineSeries>& series, const LineChartOptions& options);
RasterCanvas line_chart(const std::vector<LineSeries>& series, const LineChartOptions& options);

}  // namespace vaelab
