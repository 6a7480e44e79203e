#pragma once
// Matrices as heatmaps side by side on one colour scale (e.g. |Cov(μ)| of three models' codes): row 0 at
// the top, one square cell per entry, row and column indices on the axes when they are few, the value
// written in each cell of a small matrix, and one colour bar. Signed values use the diverging map on a
// range symmetric about 0 (white at 0); NaN cells are mid grey.
#include <cmath>
#include <string>
#include <vector>

#include "plot/colormap.h"
#include "plot/raster_canvas.h"

namespace vaelab {

struct Matrix {
  std::string title;  // above its panel
  int rows = 0, cols = 0;
  std::vector<double> values;  // row-major, rows * cols
};

struct HeatmapOptions {
  std::string title;
  std::string colorbar_label;
  bool diverging = false;    // signed values: Colormap::Diverging over [-a, a], a = max |value|
  Colormap map = Colormap::Viridis;  // when not diverging
  double vmin = NAN, vmax = NAN;     // NaN: from the finite values of all matrices
  int annotate = -1;         // 1: write values in the cells, 0: never, -1: when cells are wide enough
  int panel = 280;           // the larger side of a matrix, pixels
  int scale = 2;             // font scale
};

// Where matrix k's cells are: cell (r, c) covers x in [left + c * cell, left + (c + 1) * cell) and y in
// [top + r * cell, top + (r + 1) * cell).
struct HeatmapCells {
  int left = 0, top = 0, cell = 0;
};
std::vector<HeatmapCells> matrix_heatmap_cells(const std::vector<Matrix>& matrices, const HeatmapOptions& options);
RasterCanvas matrix_heatmap(const std::vector<Matrix>& matrices, const HeatmapOptions& options);

}  // namespace vaelab
