#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "analysis/latent_grid.h"
#include "core/error.h"

using namespace vaelab;

TEST_CASE("The normal quantile inverts the normal CDF", "[fast][gui-manifold]") {
  CHECK(normal_quantile(0.5) == Approx(0.0).margin(1e-12));
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-10));
  CHECK(normal_quantile(0.05) == Approx(-1.644853626951472).epsilon(1e-10));
  CHECK(normal_quantile(1e-6) == Approx(-4.753424308822899).epsilon(1e-9));
  for (double p : {0.001, 0.2, 0.7, 0.999}) {
    CHECK(0.5 * std::erfc(-normal_quantile(p) / std::sqrt(2.0)) == Approx(p).epsilon(1e-10));
  }
  CHECK(std::isinf(normal_quantile(0.0)));
  CHECK(std::isnan(normal_quantile(1.5)));
}

TEST_CASE("The manifold grid is symmetric, ascending and equally probable per cell", "[fast][gui-manifold]") {
  const auto q = normal_quantile_grid(5, 0.05, 0.95);
  REQUIRE(q.size() == 5);
  CHECK(q[2] == Approx(0.0).margin(1e-12));
  CHECK(q[0] == Approx(-q[4]));
  CHECK(q[4] == Approx(1.644853626951472).epsilon(1e-9));
  for (size_t i = 1; i < q.size(); ++i) CHECK(q[i] > q[i - 1]);
  CHECK_THROWS_AS(normal_quantile_grid(5, 0.0, 0.9), Error);
  CHECK_THROWS_AS(normal_quantile_grid(0), Error);
}

TEST_CASE("Manifold codes vary the two chosen dimensions and keep the others at the base", "[fast][gui-manifold]") {
  auto base = torch::tensor({0.5f, -1.0f, 2.0f, 0.25f});
  const auto codes = manifold_codes(base, 2, 0, 3, 0.1, 0.9);
  REQUIRE(codes.sizes() == torch::IntArrayRef({9, 4}));
  const auto q = normal_quantile_grid(3, 0.1, 0.9);
  // Row 0 is the top: largest y (dim 0); column 0 the smallest x (dim 2).
  CHECK(codes[0][2].item<float>() == Approx(q[0]));
  CHECK(codes[2][2].item<float>() == Approx(q[2]));
  CHECK(codes[0][0].item<float>() == Approx(q[2]));
  CHECK(codes[8][0].item<float>() == Approx(q[0]));
  for (int i = 0; i < 9; ++i) {
    CHECK(codes[i][1].item<float>() == -1.0f);
    CHECK(codes[i][3].item<float>() == 0.25f);
  }
  CHECK(manifold_codes(base, 1, -1, 4).size(0) == 4);
  CHECK_THROWS_WITH(manifold_codes(base, 1, 1, 3), Catch::Contains("must differ"));
  CHECK_THROWS_WITH(manifold_codes(base, 7, 1, 3), Catch::Contains("outside"));
}

TEST_CASE("Decoded images are clamped and rounded to 8 bits in H W C order", "[fast][gui-manifold]") {
  auto x = torch::zeros({2, 3, 1, 2});
  x[0][0][0][0] = 1.5f;   // clamped to 255
  x[0][1][0][0] = 0.5f;   // 128
  x[1][2][0][1] = -0.2f;  // clamped to 0
  x[1][2][0][0] = 1.0f;
  const auto img = to_image_bytes(x);
  CHECK(img.count == 2);
  CHECK(img.channels == 3);
  REQUIRE(img.pixels.size() == 12);
  CHECK(int(img.pixels[0]) == 255);  // image 0, pixel (0,0), channel 0
  CHECK(int(img.pixels[1]) == 128);  // channel 1
  CHECK(int(img.pixels[6 + 2]) == 255);
  CHECK(int(img.pixels[6 + 5]) == 0);
}
