// Dequantisation of 8-bit images (data/dequantization.h): every value lands in its own grey level's bin,
// training noise is fresh per call, evaluation noise is a function of (seed, row) alone, and vector data
// passes through untouched.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "data/dequantization.h"

namespace {

// 40 images of 1x4x4 with every grey level 0..255 present (and the extremes 0 and 255).
vaelab::Dataset grey_images() {
  vaelab::Dataset d;
  d.name = "grey/test";
  d.shape = vaelab::DataShape{1, 4, 4, 0};
  d.storage = (torch::arange(40 * 16, torch::kInt64) * 37 % 256).to(torch::kUInt8).view({40, 1, 4, 4});
  d.labels = torch::arange(40, torch::kInt64) % 3;
  d.class_names = {"a", "b", "c"};
  return d;
}

vaelab::Dataset vector_points() {
  vaelab::Dataset d;
  d.name = "points/test";
  d.shape.features = 2;
  d.storage = torch::linspace(-1, 1, 40, torch::kFloat32).view({20, 2});
  return d;
}

// True when every y lies in [k/256, (k+1)/256) for the stored k.
bool in_own_bins(const torch::Tensor& y, const torch::Tensor& k) {
  const auto bin = torch::floor(y * 256.0f).to(torch::kInt64);
  return torch::equal(bin, k.to(torch::kInt64)) && (y >= 0).all().item<bool>() && (y < 1).all().item<bool>();
}

}  // namespace

TEST_CASE("a dequantised batch lies in each pixel's bin, from k/256 up to (k+1)/256, and differs across calls",
          "[fast][dequantization]") {
  const auto data = grey_images();
  torch::manual_seed(5);
  const vaelab::Dequantization fresh{true, -1};
  const auto a = fresh.batch(data, 0, 40, torch::kCPU);
  const auto b = fresh.batch(data, 0, 40, torch::kCPU);
  CHECK(in_own_bins(a.x, data.storage));
  CHECK(in_own_bins(b.x, data.storage));
  CHECK_FALSE(torch::equal(a.x, b.x));
  CHECK((a.x - b.x).abs().max().item<float>() < 1.0f / 256.0f);
  CHECK(torch::equal(a.y, data.labels));
  // The noise is U(0, 1) of one grey level: its mean over 640 pixels is near the bin centre.
  const auto u = a.x * 256.0f - data.storage.to(torch::kFloat32);
  CHECK(u.mean().item<double>() == Approx(0.5).margin(0.05));

  // Rows drawn by index get the same treatment.
  const auto rows = torch::tensor({39, 0, 17}, torch::kInt64);
  const auto c = fresh.batch(data, rows, torch::kCPU);
  CHECK(in_own_bins(c.x, data.storage.index_select(0, rows)));
}

TEST_CASE("the extreme grey levels stay inside their bins even for noise next to 1", "[fast][dequantization]") {
  const auto x = torch::tensor({0.0f, 1.0f, 254.0f / 255.0f}, torch::kFloat32);
  const auto u = torch::tensor({0.0f, 0.99999994f, 0.99999994f}, torch::kFloat32);
  const auto y = vaelab::dequantize_values(x, u);
  CHECK(y[0].item<float>() == 0.0f);
  CHECK(y[1].item<float>() < 1.0f);
  CHECK(y[1].item<float>() >= 255.0f / 256.0f);
  CHECK(y[2].item<float>() < 255.0f / 256.0f);
}

TEST_CASE("seeded dequantisation gives a row the same noise whatever the batching and the global generator",
          "[fast][dequantization]") {
  const auto data = grey_images();
  const vaelab::Dequantization seeded{true, 7};
  torch::manual_seed(1);
  const auto whole = seeded.batch(data, 0, 40, torch::kCPU).x;
  torch::manual_seed(2);
  const auto first = seeded.batch(data, 0, 13, torch::kCPU).x;
  const auto rest = seeded.batch(data, 13, 40, torch::kCPU).x;
  CHECK(torch::equal(whole, torch::cat({first, rest}, 0)));
  const auto picked = seeded.batch(data, torch::tensor({20, 3}, torch::kInt64), torch::kCPU).x;
  CHECK(torch::equal(picked[0], whole[20]));
  CHECK(torch::equal(picked[1], whole[3]));
  CHECK(in_own_bins(whole, data.storage));
  // Another seed, other noise.
  const auto other = vaelab::Dequantization{true, 8}.batch(data, 0, 40, torch::kCPU).x;
  CHECK_FALSE(torch::equal(whole, other));
}

TEST_CASE("dequantisation leaves vector data and disabled draws as Dataset::batch gives them",
          "[fast][dequantization]") {
  const auto points = vector_points();
  CHECK_FALSE(vaelab::holds_8bit_images(points));
  CHECK(torch::equal(vaelab::Dequantization{true, -1}.batch(points, 0, 20, torch::kCPU).x,
                     points.batch(0, 20, torch::kCPU).x));
  const auto images = grey_images();
  CHECK(vaelab::holds_8bit_images(images));
  CHECK_FALSE(vaelab::holds_binary_images(images));
  CHECK(torch::equal(vaelab::Dequantization{false, 3}.batch(images, 0, 40, torch::kCPU).x,
                     images.batch(0, 40, torch::kCPU).x));
  auto binary = images;
  binary.storage = (images.storage > 127).to(torch::kUInt8) * 255;
  CHECK(vaelab::holds_binary_images(binary));
}
