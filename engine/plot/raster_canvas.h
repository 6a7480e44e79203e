#pragma once
// An RGB8 raster to draw figures on (the engine's plot export; no GUI, no torch): filled rectangles,
// anti-aliased lines and polylines of a given width, round and square markers, and copies of other
// canvases. Written to PNG by plot/png_image.h.
//
// Coordinates are pixels, x to the right and y down, with pixel (x, y)'s centre at the point (x, y).
// A line colours every pixel whose centre lies within width / 2 of the segment fully and the next
// half pixel with falling coverage, so a 1-px horizontal line from (x0, y) to (x1, y) between
// integer points colours exactly the pixels x0..x1 of row y. Drawing outside the canvas is clipped.
#include <cstdint>
#include <vector>

namespace vaelab {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(const Rgb& o) const { return !(*this == o); }
};

struct PlotPoint {
  double x = 0, y = 0;
};

class RasterCanvas {
 public:
  RasterCanvas() = default;
  RasterCanvas(int width, int height, Rgb background = {255, 255, 255});

  int width() const { return width_; }
  int height() const { return height_; }
  // Row-major RGB bytes, top row first (width * height * 3).
  const std::vector<uint8_t>& pixels() const { return pixels_; }

  Rgb at(int x, int y) const;  // black outside the canvas
  void set(int x, int y, Rgb c);
  // c over the pixel with opacity alpha in [0, 1].
  void blend(int x, int y, Rgb c, double alpha);

  // Pixels x0..x1-1 by y0..y1-1 (half-open), clipped.
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c);
  // The 1-px outline of the same rectangle: its outermost pixels.
  void stroke_rect(int x0, int y0, int x1, int y1, Rgb c);
  void draw_line(double x0, double y0, double x1, double y1, Rgb c, double width = 1.0);
  // Joined segments, each pixel coloured once at the largest coverage of any segment (no dark joints).
  void draw_polyline(const std::vector<PlotPoint>& points, Rgb c, double width = 1.0);
  // A filled disc of the given radius (anti-aliased rim), centred at (x, y).
  void draw_disc(double x, double y, double radius, Rgb c);
  // `other` with its top-left pixel at (x, y), clipped.
  void paste(const RasterCanvas& other, int x, int y);

 private:
  int width_ = 0, height_ = 0;
  std::vector<uint8_t> pixels_;
};

}  // namespace vaelab
