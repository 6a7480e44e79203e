// The clusters view's box and lasso selection geometry (app/gui/widgets/point_selection.h).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "widgets/point_selection.h"

using vaelab::gui::point_in_polygon;
using vaelab::gui::points_in_polygon;
using vaelab::gui::points_in_rect;
using vaelab::gui::SelectionVertex;

namespace {

// The unit square, counter-clockwise.
const std::vector<SelectionVertex> kSquare = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};

// An L: the 2 x 2 square with its top-right 1 x 1 quarter cut away (concave at (1, 1)).
const std::vector<SelectionVertex> kL = {{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};

}  // namespace

TEST_CASE("A square lasso takes the points inside it and leaves those outside", "[fast]") {
  const std::vector<float> xy = {0.5f, 0.5f, 0.1f, 0.9f, 1.5f, 0.5f, -0.1f, 0.5f, 0.5f, 1.01f, 0.99f, 0.01f};
  CHECK(points_in_polygon(xy, kSquare) == std::vector<int64_t>{0, 1, 5});
}

TEST_CASE("A concave L-shaped lasso leaves out the points in its notch", "[fast]") {
  const std::vector<float> xy = {
      0.5f, 0.5f,  // lower-left quarter: inside
      1.5f, 0.5f,  // lower-right: inside
      0.5f, 1.5f,  // upper-left: inside
      1.5f, 1.5f,  // the notch: outside, though inside the L's bounding box
      1.9f, 1.1f,  // the notch, just above the inner edge: outside
      1.1f, 1.9f,  // the notch, just right of the inner edge: outside
  };
  CHECK(points_in_polygon(xy, kL) == std::vector<int64_t>{0, 1, 2});
  // The same L drawn clockwise selects the same points.
  std::vector<SelectionVertex> reversed(kL.rbegin(), kL.rend());
  CHECK(points_in_polygon(xy, reversed) == std::vector<int64_t>{0, 1, 2});
}

TEST_CASE("Points on a lasso's outline, its corners included, are selected, on every side", "[fast]") {
  // Edge midpoints and corners of the square: all on the outline.
  const std::vector<float> on_square = {0.5f, 0, 1, 0.5f, 0.5f, 1, 0, 0.5f, 0, 0, 1, 0, 1, 1, 0, 1};
  CHECK(points_in_polygon(on_square, kSquare) == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  // The L's inner (reflex) corner and its two inner edges, whose far side is the notch.
  const std::vector<float> on_l = {1, 1, 1.5f, 1, 1, 1.5f};
  CHECK(points_in_polygon(on_l, kL) == std::vector<int64_t>{0, 1, 2});
  // A point level with a vertex but outside: the ray through the vertex is counted once, not twice.
  CHECK_FALSE(point_in_polygon(-1, 1, kL, 1e-9));
  CHECK_FALSE(point_in_polygon(3, 1, kL, 1e-9));
  CHECK(point_in_polygon(0.5, 1, kL, 1e-9));
}

TEST_CASE("A box takes the points inside it and on its edges, whichever corner the drag started from", "[fast]") {
  const std::vector<float> xy = {0.5f, 0.5f, 0, 0, 1, 1, 1, 0.5f, 1.2f, 0.5f, 0.5f, -0.2f};
  CHECK(points_in_rect(xy, 0, 0, 1, 1) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(points_in_rect(xy, 1, 1, 0, 0) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(points_in_rect(xy, 1, 0, 0, 1) == std::vector<int64_t>{0, 1, 2, 3});
}

TEST_CASE("An empty or degenerate lasso or box selects nothing, not even the points on its line", "[fast]") {
  const std::vector<float> xy = {0, 0, 0.5f, 0.5f, 1, 1, 0.5f, 0};
  CHECK(points_in_polygon(xy, {}).empty());
  CHECK(points_in_polygon(xy, {{0.5, 0.5}}).empty());                  // a click
  CHECK(points_in_polygon(xy, {{0, 0}, {1, 1}}).empty());              // two vertices
  CHECK(points_in_polygon(xy, {{0, 0}, {1, 1}, {0.5, 0.5}}).empty());  // back and forth along a line
  CHECK(points_in_polygon(xy, {{0.5, 0.5}, {0.5, 0.5}, {0.5, 0.5}}).empty());
  CHECK(points_in_rect(xy, 0.5, 0, 0.5, 1).empty());  // zero width: a click
  CHECK(points_in_rect(xy, 0, 0.5, 1, 0.5).empty());  // zero height
  CHECK(points_in_rect({}, 0, 0, 1, 1).empty());
}

TEST_CASE("A figure-eight lasso takes the points of both lobes though its signed area is zero", "[fast]") {
  // Two equal triangles meeting at (1, 0.5), traversed in opposite senses.
  const std::vector<SelectionVertex> eight = {{0, 0}, {2, 1}, {2, 0}, {0, 1}};
  const std::vector<float> xy = {0.3f, 0.4f, 1.7f, 0.4f, 1, 0.1f, 1, 0.9f};
  CHECK(points_in_polygon(xy, eight) == std::vector<int64_t>{0, 1});
}

TEST_CASE("Points with NaN or infinite coordinates are never selected", "[fast]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> xy = {nan, 0.5f, 0.5f, nan, inf, 0.5f, 0.5f, 0.5f};
  CHECK(points_in_polygon(xy, kSquare) == std::vector<int64_t>{3});
  CHECK(points_in_rect(xy, 0, 0, 1, 1) == std::vector<int64_t>{3});
}

TEST_CASE("A square lasso and the box of the same square select the same random points", "[fast]") {
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> u(-0.5f, 1.5f);
  std::vector<float> xy(2 * 5000);
  for (auto& v : xy) v = u(rng);
  const auto by_lasso = points_in_polygon(xy, kSquare);
  CHECK(by_lasso == points_in_rect(xy, 0, 0, 1, 1));
  // About a quarter of the 2 x 2 area.
  CHECK(by_lasso.size() > 1100);
  CHECK(by_lasso.size() < 1400);
}
