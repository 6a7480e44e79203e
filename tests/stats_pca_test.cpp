// PCA against a covariance built by hand: known eigenvectors and eigenvalues.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "stats/pca.h"
#include "core/error.h"

using namespace vaelab;

TEST_CASE("PCA recovers the principal axes and variances of a known covariance", "[fast][analysis]") {
  torch::manual_seed(21);
  const int64_t n = 20000, d = 5;
  // A random orthogonal basis Q (QR of a Gaussian matrix) and variances 9, 4, 1, 0.25, 0.04.
  auto q = std::get<0>(torch::linalg_qr(torch::randn({d, d}, torch::kDouble)));
  auto variances = torch::tensor({9.0, 4.0, 1.0, 0.25, 0.04}, torch::kDouble);
  // x = mean + (z * sqrt(var)) Q^T has covariance Q diag(var) Q^T.
  auto z = torch::randn({n, d}, torch::kDouble) * variances.sqrt();
  auto mean = torch::tensor({1.0, -2.0, 3.0, 0.5, 0.0}, torch::kDouble);
  auto x = (torch::matmul(z, q.t()) + mean).to(torch::kFloat);

  auto r = pca(x, 2);
  REQUIRE(r.components.sizes() == torch::IntArrayRef({2, d}));
  REQUIRE(r.projection.sizes() == torch::IntArrayRef({n, 2}));
  for (int64_t c = 0; c < 2; ++c) {
    const double cosine = torch::dot(r.components[c].to(torch::kDouble), q.select(1, c)).abs().item<double>();
    CHECK(cosine > 0.995);
    CHECK(r.explained_variance[c].item<double>() == Approx(variances[c].item<double>()).epsilon(0.05));
  }
  CHECK(r.total_variance == Approx(variances.sum().item<double>()).epsilon(0.05));
  CHECK((r.mean.to(torch::kDouble) - mean).abs().max().item<double>() < 0.1);
  // The projection's column variances are the explained variances, and the columns are uncorrelated.
  auto pv = r.projection.to(torch::kDouble).var(0);
  CHECK(pv[0].item<double>() == Approx(r.explained_variance[0].item<double>()).epsilon(1e-3));
  auto cov01 = (r.projection.select(1, 0).to(torch::kDouble) * r.projection.select(1, 1).to(torch::kDouble)).mean();
  CHECK(std::abs(cov01.item<double>()) < 1e-3);
}

TEST_CASE("PCA of one-dimensional data pads the second component with zeros", "[fast][analysis]") {
  torch::manual_seed(22);
  auto x = torch::randn({100, 1});
  auto r = pca(x, 2);
  CHECK(r.components[0][0].item<float>() == Approx(1.0f));
  CHECK(r.components[1].abs().sum().item<float>() == 0.0f);
  CHECK(r.projection.select(1, 1).abs().sum().item<float>() == 0.0f);
}

TEST_CASE("PCA rejects input that is not a matrix of points", "[fast][analysis]") {
  CHECK_THROWS_AS(pca(torch::randn({4})), Error);
  CHECK_THROWS_WITH(pca(torch::randn({0, 3})), Catch::Contains("no points"));
}
