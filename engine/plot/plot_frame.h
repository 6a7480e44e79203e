#pragma once
// The axes of one plot on a canvas: where the data range falls in pixels, and the drawing of the frame,
// grid lines, ticks (plot/axis_ticks.h) and axis labels around it (plot/bitmap_font.h). Line charts and
// density plots share it.
//
// Mapping: x0 lands on pixel column `left`, x1 on `right`; y0 on row `bottom`, y1 on row `top` (pixel
// centres, linear in y or in log10 y). The frame is drawn one pixel outside that area, so data at the
// range's edge is not hidden under it.
#include <string>

#include "plot/raster_canvas.h"

namespace vaelab {

struct PlotFrame {
  int left = 0, top = 0, right = 0, bottom = 0;  // the data area, inclusive pixel centres
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  bool log_y = false;

  double px(double x) const;
  double py(double y) const;  // NaN for y <= 0 on a log axis
};

struct AxesText {
  std::string x_label, y_label;
  int scale = 2;            // font scale
  bool grid = true;         // light lines at the ticks
  int x_ticks = 0, y_ticks = 0;  // about this many ticks; 0 = from the size
};

// Room the tick labels and axis labels take: left (y tick labels + y label) and bottom (x tick labels +
// x label), in pixels, for this frame's y range.
int axes_left_margin(const PlotFrame& frame, const AxesText& text);
int axes_bottom_margin(const AxesText& text);

// The grid (under the data: call before drawing it).
void draw_grid(RasterCanvas& canvas, const PlotFrame& frame, const AxesText& text);
// The frame, ticks, tick labels and axis labels (after the data).
void draw_axes(RasterCanvas& canvas, const PlotFrame& frame, const AxesText& text);

// Figure colours.
constexpr Rgb kInk{0x22, 0x22, 0x22};
constexpr Rgb kGridInk{0xe4, 0xe4, 0xe4};
constexpr Rgb kWhite{0xff, 0xff, 0xff};

}  // namespace vaelab
