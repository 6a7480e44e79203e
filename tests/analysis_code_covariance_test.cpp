// Covariance and correlation of latent codes (analysis/code_covariance.h) on codes of known covariance.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "analysis/code_covariance.h"
#include "core/error.h"

using namespace vaelab;

TEST_CASE("codes drawn with a known covariance give it back with its correlation and distance to I", "[fast][analysis]") {
  // Sigma = [[1, 0.5, 0], [0.5, 2, 0], [0, 0, 0.25]] through its Cholesky factor, 40000 seeded draws.
  torch::manual_seed(11);
  const int64_t m = 40000;
  auto sigma = torch::tensor({{1.0, 0.5, 0.0}, {0.5, 2.0, 0.0}, {0.0, 0.0, 0.25}}, torch::kFloat64);
  auto l = torch::linalg_cholesky(sigma);
  auto codes = torch::randn({m, 3}, torch::kFloat64).matmul(l.t()) + 3.0;  // a mean that must not matter
  const CodeCovariance c = code_covariance(codes.to(torch::kFloat32));
  REQUIRE(c.dims == 3);
  REQUIRE(c.samples == m);
  // Four standard errors of a sample (co)variance: about sqrt((s_jj s_kk + s_jk^2) / M).
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 3; ++k) {
      const double s = sigma[j][k].item<double>();
      const double se = std::sqrt((sigma[j][j].item<double>() * sigma[k][k].item<double>() + s * s) / m);
      CHECK(c.cov(j, k) == Approx(s).margin(4 * se));
    }
  CHECK(c.corr(0, 1) == Approx(0.5 / std::sqrt(2.0)).margin(0.01));
  CHECK(c.corr(0, 0) == Approx(1.0));
  CHECK(c.corr(0, 2) == Approx(0.0).margin(0.02));
  CHECK(c.max_pair_row == 0);
  CHECK(c.max_pair_col == 1);
  CHECK(c.max_abs_off_diagonal_correlation == Approx(0.5 / std::sqrt(2.0)).margin(0.01));
  // ||Sigma - I||_F = sqrt(0.5^2 * 2 + 1^2 + 0.75^2) = 1.436.
  CHECK(c.identity_frobenius == Approx(std::sqrt(0.5 + 1.0 + 0.5625)).margin(0.05));
}

TEST_CASE("a code dimension that never varies has no correlation and is left out of the largest pair", "[fast][analysis]") {
  auto codes = torch::zeros({4, 3});
  codes.select(1, 0).copy_(torch::tensor({1.0, -1.0, 1.0, -1.0}));
  codes.select(1, 2).copy_(torch::tensor({2.0, -2.0, 2.0, -2.0}));  // perfectly correlated with dim 0
  const CodeCovariance c = code_covariance(codes);
  CHECK(std::isnan(c.corr(0, 1)));
  CHECK(std::isnan(c.corr(1, 1)));
  CHECK(c.corr(0, 2) == Approx(1.0));
  CHECK(c.max_pair_row == 0);
  CHECK(c.max_pair_col == 2);
  CHECK(c.cov(2, 2) == Approx(4.0));
  REQUIRE_THROWS_AS(code_covariance(torch::zeros({1, 3})), Error);
  REQUIRE_THROWS_AS(code_covariance(torch::zeros({5})), Error);
}
