#pragma once
// 2-D histograms of point sets, as densities for heatmaps (pure; tested in tests/gui_histogram2d_test.cpp).
#include <vector>

namespace vaelab {
namespace gui {

struct Histogram2d {
  int bins_x = 0, bins_y = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  std::vector<float> density;  // bins_y rows x bins_x, row 0 at y0; integrates to 1 over the box
  long outside = 0;            // points that fell outside the box (or were not finite)
};

// Bins (x[i], y[i]) on [x0,x1) x [y0,y1) (the last bin includes its upper edge). Density = count /
// (n_total * cell area), so the heatmap integrates to the fraction of points inside the box.
Histogram2d histogram2d(const std::vector<double>& x, const std::vector<double>& y, int bins_x, int bins_y,
                        double x0, double x1, double y0, double y1);

}  // namespace gui
}  // namespace vaelab
