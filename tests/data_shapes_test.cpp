// The procedural dSprites-like shapes: factors, geometry and determinism.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <set>

#include "core/error.h"
#include "data/dataset_registry.h"
#include "data/shapes.h"

using namespace vaelab;

namespace {

int64_t pixel_area(const std::array<int64_t, 5>& f) {
  std::vector<uint8_t> img(64 * 64);
  render_shape(f, img.data());
  int64_t area = 0;
  for (auto v : img) area += v == 255;
  return area;
}

}  // namespace

TEST_CASE("A rendered shape's pixel area follows its closed-form area times scale squared",
          "[fast][data-loaders]") {
  // Closed forms in pixels at scale s (bounding radius 12 s): square side sqrt(2) * 12 s -> 288 s^2;
  // ellipse semi-axes 12 s and 6 s -> 72 pi s^2; heart: area 3.6595 of (X^2+Y^2-1)^3 <= X^2 Y^3
  // (numerical, independent grid estimate) shrunk by 1.29^2 -> 3.6595 / 1.29^2 * 144 s^2.
  // One image's pixel count is quantised (an axis-aligned square of side 13.6 covers 13 or 14 columns),
  // so the area is averaged over all 32 x 32 positions, whose sub-pixel offsets spread over the grid.
  const double unit_area[3] = {288.0, 72.0 * M_PI, 3.6595 / (1.29 * 1.29) * 144.0};
  for (int64_t shape = 0; shape < 3; ++shape) {
    for (int64_t scale = 0; scale < 6; ++scale) {
      for (int64_t orientation : {0, 3, 7, 10}) {
        const double s = 0.5 + 0.1 * static_cast<double>(scale);
        const double expected = unit_area[shape] * s * s;
        double total = 0;
        for (int64_t px = 0; px < 32; ++px)
          for (int64_t py = 0; py < 32; ++py)
            total += static_cast<double>(pixel_area({shape, scale, orientation, px, py}));
        const double mean_area = total / 1024.0;
        INFO("shape " << shape << " scale " << s << " orientation " << orientation << " mean area " << mean_area);
        CHECK(mean_area == Approx(expected).epsilon(0.02));
      }
    }
  }
}

TEST_CASE("Every lit pixel lies in the shape's bounding circle, so no position clips it", "[fast][data-loaders]") {
  // Centres range over [12, 52] and the circle has radius 12 s <= 12: inside the circle is inside the image.
  std::vector<uint8_t> img(64 * 64);
  for (int64_t shape = 0; shape < 3; ++shape) {
    for (int64_t scale : {0, 5}) {
      for (int64_t orientation = 0; orientation < 40; ++orientation) {
        render_shape({shape, scale, orientation, 15, 16}, img.data());
        const double cx = 12.0 + 40.0 * 15 / 31, cy = 12.0 + 40.0 * 16 / 31;
        const double r = 12.0 * (0.5 + 0.1 * static_cast<double>(scale));
        double farthest = 0;
        for (int64_t y = 0; y < 64; ++y)
          for (int64_t x = 0; x < 64; ++x)
            if (img[y * 64 + x]) farthest = std::max(farthest, std::hypot(x + 0.5 - cx, y + 0.5 - cy));
        INFO("shape " << shape << " scale " << scale << " orientation " << orientation);
        CHECK(farthest <= r);
        CHECK(farthest > 0.6 * r);
      }
    }
  }
}

TEST_CASE("An ellipse at orientation 0 lies along x and at a quarter turn along y", "[fast][data-loaders]") {
  std::vector<uint8_t> img(64 * 64);
  auto extent = [&](int64_t orientation) {
    render_shape({1, 5, orientation, 15, 15}, img.data());
    auto t = torch::from_blob(img.data(), {64, 64}, torch::kUInt8) > 0;
    return std::pair<int64_t, int64_t>{t.any(0).sum().item<int64_t>(), t.any(1).sum().item<int64_t>()};
  };
  auto [w0, h0] = extent(0);
  CHECK(w0 == Approx(24).margin(1));
  CHECK(h0 == Approx(12).margin(1));
  auto [w10, h10] = extent(10);
  CHECK(w10 == Approx(12).margin(1));
  CHECK(h10 == Approx(24).margin(1));
}

TEST_CASE("Shapes data set draws distinct factor combinations, fixed by its seed", "[fast][data-loaders]") {
  const auto start = std::chrono::steady_clock::now();
  auto a = load_dataset({{"name", "shapes"}, {"size", 20000}, {"seed", 4}});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("shapes: 20000 images in " << seconds << " s");
  CHECK(seconds < 5.0);
  REQUIRE(a.train.size() == 16000);
  REQUIRE(a.test.size() == 4000);
  CHECK(a.train.shape == DataShape{1, 64, 64, 0});
  CHECK(a.train.factor_sizes == std::vector<int64_t>{3, 6, 40, 32, 32});
  CHECK(a.train.factor_names.at(2) == "orientation");
  auto f = torch::cat({a.train.factors, a.test.factors}).to(torch::kInt64);
  for (int64_t k = 0; k < 5; ++k) {
    CHECK(f.select(1, k).min().item<int64_t>() == 0);
    CHECK(f.select(1, k).max().item<int64_t>() == a.train.factor_sizes[k] - 1);
  }
  CHECK(a.train.labels.equal(a.train.factors.select(1, 0).to(torch::kInt64)));
  // About a third of each shape (binomial sd 0.0033).
  auto shares = torch::bincount(f.select(1, 0)).to(torch::kFloat64) / 20000.0;
  for (int64_t k = 0; k < 3; ++k) CHECK(shares[k].item<double>() == Approx(1.0 / 3).margin(0.015));
  // Distinct combinations.
  auto code = f.select(1, 0) * 245760 + f.select(1, 1) * 40960 + f.select(1, 2) * 1024 + f.select(1, 3) * 32 +
              f.select(1, 4);
  CHECK(std::get<0>(torch::_unique(code)).size(0) == 20000);
  // Images are binary (0 or 255) and each one matches a re-render of its factors.
  auto img = a.train.storage[5][0];
  CHECK(((img == 0) | (img == 255)).all().item<bool>());
  std::array<int64_t, 5> f5{};
  for (int k = 0; k < 5; ++k) f5[k] = f[5][k].item<int64_t>();
  std::vector<uint8_t> again(64 * 64);
  render_shape(f5, again.data());
  CHECK(torch::from_blob(again.data(), {64, 64}, torch::kUInt8).equal(img));

  auto b = load_dataset({{"name", "shapes"}, {"size", 20000}, {"seed", 4}});
  CHECK(b.train.storage.equal(a.train.storage));
  CHECK(b.test.factors.equal(a.test.factors));
  auto c = load_dataset({{"name", "shapes"}, {"size", 200}, {"seed", 5}});
  CHECK_FALSE(c.train.factors.equal(a.train.factors.slice(0, 0, 160)));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "shapes"}, {"size", 1000000}}), Catch::Contains("dataset.size"));
}
