#pragma once
// A vertical colour bar beside a heatmap: the map from vmin (bottom) to vmax (top), ticked on its right
// with values (plot/axis_ticks.h), and an optional label turned 90° beside the ticks.
#include <string>

#include "plot/colormap.h"
#include "plot/raster_canvas.h"

namespace vaelab {

struct ColorBar {
  Colormap map = Colormap::Viridis;
  double vmin = 0, vmax = 1;
  std::string label;
  int bar_width = 16;
  int scale = 2;  // font scale
};

// Pixels the bar with its ticks and label takes to the right of x.
int color_bar_width(const ColorBar& bar, int height);
// The bar's colours fill x..x+bar_width-1 over rows top..bottom (top = vmax).
void draw_color_bar(RasterCanvas& canvas, int x, int top, int bottom, const ColorBar& bar);

}  // namespace vaelab
