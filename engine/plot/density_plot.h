#pragma once
// 2-D densities of point sets side by side (e.g. the data's test points beside each model's generated
// points): each set binned on the same grid over the same range, coloured by the share of its points
// per bin on one shared colour scale, with axes per panel and one colour bar.
#include <cmath>
#include <string>
#include <vector>

#include "plot/colormap.h"
#include "plot/raster_canvas.h"

namespace vaelab {

struct PointSet {
  std::string title;  // above its panel
  std::vector<double> x, y;
};

struct DensityPlotOptions {
  std::string title, x_label, y_label;
  int bins = 60;      // per axis
  int panel = 300;    // data area of one panel, pixels per side
  int scale = 2;      // font scale
  Colormap map = Colormap::Viridis;
  double x_min = NAN, x_max = NAN, y_min = NAN, y_max = NAN;  // NaN: the finite points of all sets
};

// Bin counts [bins_y][bins_x] (row 0 = the lowest y) over [x0, x1] x [y0, y1]; the upper edges belong to
// the last bins, points outside are dropped.
std::vector<std::vector<int>> bin_points(const PointSet& points, int bins, double x0, double x1, double y0, double y1);
RasterCanvas density_plot(const std::vector<PointSet>& sets, const DensityPlotOptions& options);

}  // namespace vaelab
