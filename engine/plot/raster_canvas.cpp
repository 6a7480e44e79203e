#include "plot/raster_canvas.h"

#include <algorithm>
#include <cmath>

namespace vaelab {

namespace {

// Distance from p to the segment a-b.
double segment_distance(double px, double py, const PlotPoint& a, const PlotPoint& b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = a.x + t * dx - px, ey = a.y + t * dy - py;
  return std::sqrt(ex * ex + ey * ey);
}

// Coverage of a pixel whose centre lies at distance d from a stroke of the given width.
double coverage(double d, double width) { return std::clamp(width / 2.0 + 0.5 - d, 0.0, 1.0); }

}  // namespace

RasterCanvas::RasterCanvas(int width, int height, Rgb background)
    : width_(std::max(0, width)), height_(std::max(0, height)) {
  pixels_.resize(static_cast<size_t>(width_) * height_ * 3);
  for (size_t i = 0; i < pixels_.size(); i += 3) {
    pixels_[i] = background.r;
    pixels_[i + 1] = background.g;
    pixels_[i + 2] = background.b;
  }
}

Rgb RasterCanvas::at(int x, int y) const {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return {};
  const size_t i = (static_cast<size_t>(y) * width_ + x) * 3;
  return {pixels_[i], pixels_[i + 1], pixels_[i + 2]};
}

void RasterCanvas::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const size_t i = (static_cast<size_t>(y) * width_ + x) * 3;
  pixels_[i] = c.r;
  pixels_[i + 1] = c.g;
  pixels_[i + 2] = c.b;
}

void RasterCanvas::blend(int x, int y, Rgb c, double alpha) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_ || !(alpha > 0)) return;
  if (alpha >= 1) return set(x, y, c);
  const size_t i = (static_cast<size_t>(y) * width_ + x) * 3;
  const uint8_t src[3] = {c.r, c.g, c.b};
  for (int k = 0; k < 3; ++k)
    pixels_[i + k] = static_cast<uint8_t>(std::lround(pixels_[i + k] * (1 - alpha) + src[k] * alpha));
}

void RasterCanvas::fill_rect(int x0, int y0, int x1, int y1, Rgb c) {
  x0 = std::max(x0, 0), y0 = std::max(y0, 0);
  x1 = std::min(x1, width_), y1 = std::min(y1, height_);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) set(x, y, c);
}

void RasterCanvas::stroke_rect(int x0, int y0, int x1, int y1, Rgb c) {
  if (x1 <= x0 || y1 <= y0) return;
  fill_rect(x0, y0, x1, y0 + 1, c);
  fill_rect(x0, y1 - 1, x1, y1, c);
  fill_rect(x0, y0, x0 + 1, y1, c);
  fill_rect(x1 - 1, y0, x1, y1, c);
}

void RasterCanvas::draw_line(double x0, double y0, double x1, double y1, Rgb c, double width) {
  draw_polyline({{x0, y0}, {x1, y1}}, c, width);
}

void RasterCanvas::draw_polyline(const std::vector<PlotPoint>& points, Rgb c, double width) {
  if (points.empty() || !(width > 0)) return;
  const double reach = width / 2.0 + 0.5;
  // The largest coverage per pixel over all segments, over the polyline's clipped bounding box.
  double bx0 = 1e300, by0 = 1e300, bx1 = -1e300, by1 = -1e300;
  for (const auto& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    bx0 = std::min(bx0, p.x), by0 = std::min(by0, p.y), bx1 = std::max(bx1, p.x), by1 = std::max(by1, p.y);
  }
  if (bx0 > bx1) return;
  const int ix0 = std::max(0, static_cast<int>(std::floor(bx0 - reach)));
  const int iy0 = std::max(0, static_cast<int>(std::floor(by0 - reach)));
  const int ix1 = std::min(width_ - 1, static_cast<int>(std::ceil(bx1 + reach)));
  const int iy1 = std::min(height_ - 1, static_cast<int>(std::ceil(by1 + reach)));
  if (ix1 < ix0 || iy1 < iy0) return;
  const int bw = ix1 - ix0 + 1;
  std::vector<float> cover(static_cast<size_t>(bw) * (iy1 - iy0 + 1), 0.0f);
  const auto stroke = [&](const PlotPoint& a, const PlotPoint& b) {
    const int sx0 = std::max(ix0, static_cast<int>(std::floor(std::min(a.x, b.x) - reach)));
    const int sx1 = std::min(ix1, static_cast<int>(std::ceil(std::max(a.x, b.x) + reach)));
    const int sy0 = std::max(iy0, static_cast<int>(std::floor(std::min(a.y, b.y) - reach)));
    const int sy1 = std::min(iy1, static_cast<int>(std::ceil(std::max(a.y, b.y) + reach)));
    for (int y = sy0; y <= sy1; ++y)
      for (int x = sx0; x <= sx1; ++x) {
        const double cov = coverage(segment_distance(x, y, a, b), width);
        float& slot = cover[static_cast<size_t>(y - iy0) * bw + (x - ix0)];
        slot = std::max(slot, static_cast<float>(cov));
      }
  };
  if (points.size() == 1) stroke(points[0], points[0]);
  for (size_t i = 1; i < points.size(); ++i) {
    const auto& a = points[i - 1];
    const auto& b = points[i];
    if (std::isfinite(a.x) && std::isfinite(a.y) && std::isfinite(b.x) && std::isfinite(b.y)) stroke(a, b);
  }
  for (int y = iy0; y <= iy1; ++y)
    for (int x = ix0; x <= ix1; ++x) blend(x, y, c, cover[static_cast<size_t>(y - iy0) * bw + (x - ix0)]);
}

void RasterCanvas::draw_disc(double x, double y, double radius, Rgb c) {
  if (!(radius > 0) || !std::isfinite(x) || !std::isfinite(y)) return;
  const int x0 = static_cast<int>(std::floor(x - radius - 1)), x1 = static_cast<int>(std::ceil(x + radius + 1));
  const int y0 = static_cast<int>(std::floor(y - radius - 1)), y1 = static_cast<int>(std::ceil(y + radius + 1));
  for (int py = y0; py <= y1; ++py)
    for (int px = x0; px <= x1; ++px) {
      const double d = std::hypot(px - x, py - y);
      blend(px, py, c, std::clamp(radius + 0.5 - d, 0.0, 1.0));
    }
}

void RasterCanvas::paste(const RasterCanvas& other, int x, int y) {
  for (int oy = 0; oy < other.height(); ++oy)
    for (int ox = 0; ox < other.width(); ++ox) set(x + ox, y + oy, other.at(ox, oy));
}

}  // namespace vaelab
