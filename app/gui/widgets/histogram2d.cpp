#include "histogram2d.h"

#include <algorithm>
#include <cmath>

namespace vaelab {
namespace gui {

Histogram2d histogram2d(const std::vector<double>& x, const std::vector<double>& y, int bins_x, int bins_y,
                        double x0, double x1, double y0, double y1) {
  Histogram2d h;
  h.bins_x = std::max(1, bins_x);
  h.bins_y = std::max(1, bins_y);
  h.x0 = x0, h.x1 = x1, h.y0 = y0, h.y1 = y1;
  h.density.assign(static_cast<size_t>(h.bins_x) * h.bins_y, 0.0f);
  const size_t n = std::min(x.size(), y.size());
  if (n == 0 || !(x1 > x0) || !(y1 > y0)) return h;
  std::vector<double> counts(h.density.size(), 0.0);
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || x[i] < x0 || x[i] > x1 || y[i] < y0 || y[i] > y1) {
      ++h.outside;
      continue;
    }
    const int c = std::min(h.bins_x - 1, static_cast<int>((x[i] - x0) / (x1 - x0) * h.bins_x));
    const int r = std::min(h.bins_y - 1, static_cast<int>((y[i] - y0) / (y1 - y0) * h.bins_y));
    counts[static_cast<size_t>(r) * h.bins_x + c] += 1.0;
  }
  const double cell = (x1 - x0) / h.bins_x * (y1 - y0) / h.bins_y;
  for (size_t k = 0; k < counts.size(); ++k) h.density[k] = static_cast<float>(counts[k] / (n * cell));
  return h;
}

}  // namespace gui
}  // namespace vaelab
