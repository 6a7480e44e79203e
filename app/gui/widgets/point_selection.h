#pragma once
// Which points of a scatter plot a box or a lasso takes (the clusters view's selection). Pure geometry
// on flat x, y pairs in any one coordinate system (the view passes data units), no ImGui or GL, so that
// tests include it as is. Header-only for that reason: the app's sources are not linked into the tests.
//
// Contracts
// - Both functions return indices into the point list (point i is xy[2i], xy[2i+1]), ascending.
// - The boundary belongs to the selection: a point on an edge or a corner of the box or the lasso is
//   selected (within 1e-9 of the shape's size), so a point never drops out for lying exactly on the line
//   a person drew.
// - A degenerate shape selects nothing: a box of zero width or height (a click without a drag), a lasso
//   of fewer than three vertices or with all of them on one line (a click, or a stroke back and forth).
// - The lasso is closed implicitly (last vertex to first) and may be concave or cross itself; a point is
//   inside when a ray from it crosses the outline an odd number of times (even-odd rule).
// - Non-finite coordinates are never selected.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace vaelab {
namespace gui {

struct SelectionVertex {
  double x = 0, y = 0;
};

// True when (x, y) lies inside the closed polygon or on its outline (see the contracts above).
// `tolerance` is the distance within which a point counts as on an edge.
inline bool point_in_polygon(double x, double y, const std::vector<SelectionVertex>& polygon, double tolerance) {
  const size_t n = polygon.size();
  if (n < 3 || !std::isfinite(x) || !std::isfinite(y)) return false;
  bool inside = false;
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const SelectionVertex& a = polygon[j];
    const SelectionVertex& b = polygon[i];
    // On the edge a-b: within `tolerance` of the segment.
    const double ex = b.x - a.x, ey = b.y - a.y;
    const double len2 = ex * ex + ey * ey;
    const double t = len2 > 0 ? std::clamp(((x - a.x) * ex + (y - a.y) * ey) / len2, 0.0, 1.0) : 0.0;
    const double dx = a.x + t * ex - x, dy = a.y + t * ey - y;
    if (dx * dx + dy * dy <= tolerance * tolerance) return true;
    // Crossing of a ray towards +x; the half-open test (a.y > y) != (b.y > y) counts a vertex on the
    // ray once, not twice.
    if ((a.y > y) != (b.y > y)) {
      const double cross_x = a.x + (y - a.y) * ex / ey;
      if (x < cross_x) inside = !inside;
    }
  }
  return inside;
}

// Twice the area of the triangles fanned out from the first vertex, each counted unsigned: 0 exactly when
// the outline encloses nothing (all vertices on one line), unlike the signed area, which is also 0 for
// a figure eight of two equal lobes.
inline double polygon_fan_area(const std::vector<SelectionVertex>& polygon) {
  double sum = 0;
  const SelectionVertex& o = polygon[0];
  for (size_t i = 1; i + 1 < polygon.size(); ++i)
    sum += std::abs((polygon[i].x - o.x) * (polygon[i + 1].y - o.y) - (polygon[i + 1].x - o.x) * (polygon[i].y - o.y));
  return sum;
}

// Indices of the points inside the box with corners (x0, y0) and (x1, y1), in either order.
inline std::vector<int64_t> points_in_rect(const std::vector<float>& xy, double x0, double y0, double x1, double y1) {
  std::vector<int64_t> out;
  if (x0 > x1) std::swap(x0, x1);
  if (y0 > y1) std::swap(y0, y1);
  if (!(x1 > x0) || !(y1 > y0)) return out;  // zero width or height, or NaN corners
  const double eps = 1e-9 * std::max(x1 - x0, y1 - y0);
  x0 -= eps, y0 -= eps, x1 += eps, y1 += eps;
  const size_t n = xy.size() / 2;
  for (size_t i = 0; i < n; ++i) {
    const double x = xy[2 * i], y = xy[2 * i + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push_back(static_cast<int64_t>(i));
  }
  return out;
}

// Indices of the points inside the lasso `polygon` or on its outline.
inline std::vector<int64_t> points_in_polygon(const std::vector<float>& xy, const std::vector<SelectionVertex>& polygon) {
  std::vector<int64_t> out;
  if (polygon.size() < 3) return out;
  double bx0 = polygon[0].x, bx1 = bx0, by0 = polygon[0].y, by1 = by0;
  for (const auto& v : polygon) {
    if (!std::isfinite(v.x) || !std::isfinite(v.y)) return out;
    bx0 = std::min(bx0, v.x), bx1 = std::max(bx1, v.x);
    by0 = std::min(by0, v.y), by1 = std::max(by1, v.y);
  }
  const double size = std::max(bx1 - bx0, by1 - by0);
  // Zero area relative to the lasso's extent: a line or a point selects nothing.
  if (!(size > 0) || polygon_fan_area(polygon) <= 1e-12 * size * size) return out;
  const double tol = 1e-9 * size;
  bx0 -= tol, by0 -= tol, bx1 += tol, by1 += tol;
  const size_t n = xy.size() / 2;
  for (size_t i = 0; i < n; ++i) {
    const double x = xy[2 * i], y = xy[2 * i + 1];
    // The bounding box first: most of 70k points are far from a small lasso.
    if (!(x >= bx0 && x <= bx1 && y >= by0 && y <= by1)) continue;
    if (point_in_polygon(x, y, polygon, tol)) out.push_back(static_cast<int64_t>(i));
  }
  return out;
}

}  // namespace gui
}  // namespace vaelab
