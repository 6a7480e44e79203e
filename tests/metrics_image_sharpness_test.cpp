// The gradient energy and sharpness ratio (metrics/image_sharpness.h) on hand-worked images.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "metrics/image_sharpness.h"

using namespace vaelab;

TEST_CASE("a flat image has no gradient energy and a unit step edge has one unit per grid row", "[fast][metrics]") {
  CHECK(gradient_energy_sum(torch::full({1, 1, 5, 6}, 0.3)) == Approx(0.0).margin(1e-15));
  // 5 x 6 image, left three columns 0, right three 1: on the 4 x 5 grid, dx = 1 in column 2 only.
  auto step = torch::zeros({1, 1, 5, 6});
  step.slice(3, 3, 6).fill_(1.0);
  CHECK(gradient_energy_sum(step) == Approx(4.0 / 20.0));
  // Two images add up.
  CHECK(gradient_energy_sum(torch::cat({step, step})) == Approx(2 * 4.0 / 20.0));
}

TEST_CASE("blurring an edge over two pixels halves its gradient energy and the sharpness ratio", "[fast][metrics]") {
  auto step = torch::zeros({1, 1, 5, 6});
  step.slice(3, 3, 6).fill_(1.0);
  auto blurred = step.clone();
  blurred.select(3, 3).fill_(0.5);  // 0 0 0 .5 1 1: two steps of 1/2
  CHECK(gradient_energy_sum(blurred) == Approx(4 * (0.25 + 0.25) / 20.0));
  CHECK(sharpness_ratio(blurred, step) == Approx(0.5));
  CHECK(sharpness_ratio(step, step) == Approx(1.0));
  // Vertical edges count the same as horizontal ones.
  CHECK(gradient_energy_sum(step.transpose(2, 3).contiguous()) == Approx(4.0 / 20.0));
}

TEST_CASE("the sharpness ratio refuses mismatched shapes and is undefined on flat inputs", "[fast][metrics]") {
  REQUIRE_THROWS_AS(sharpness_ratio(torch::zeros({1, 1, 4, 4}), torch::zeros({1, 1, 4, 5})), Error);
  REQUIRE_THROWS_AS(gradient_energy_sum(torch::zeros({4, 4})), Error);
  CHECK(std::isnan(sharpness_ratio(torch::rand({1, 1, 4, 4}), torch::zeros({1, 1, 4, 4}))));
}
