#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "metrics/cluster_accuracy.h"
#include "stats/gmm_em.h"

using vaelab::fit_gaussian_mixture;

namespace {

struct ThreeClusters {
  torch::Tensor x, labels, means, stds, weights;
};

// Three diagonal Gaussians in 2-D with unequal weights and variances.
ThreeClusters three_clusters(int64_t n) {
  torch::manual_seed(11);
  ThreeClusters d;
  d.means = torch::tensor({{-4.0, 0.0}, {4.0, 1.0}, {0.0, 6.0}}, torch::kDouble);
  d.stds = torch::tensor({{0.5, 1.0}, {1.0, 0.3}, {0.7, 0.7}}, torch::kDouble);
  d.weights = torch::tensor({0.5, 0.3, 0.2}, torch::kDouble);
  d.labels = torch::multinomial(d.weights, n, /*replacement=*/true);
  d.x = d.means.index_select(0, d.labels) + d.stds.index_select(0, d.labels) * torch::randn({n, 2}, torch::kDouble);
  return d;
}

}  // namespace

TEST_CASE("GMM EM recovers three known diagonal clusters from a noisy start", "[fast][metrics]") {
  const auto d = three_clusters(3000);
  // Start from the true labels with 40% of them replaced at random.
  auto noisy = d.labels.clone();
  const auto flip = torch::rand({d.labels.size(0)}) < 0.4;
  noisy.masked_scatter_(flip, torch::randint(0, 3, {flip.sum().item<int64_t>()}, torch::kLong));
  const auto g = fit_gaussian_mixture(d.x.to(torch::kFloat), noisy, 3);
  CHECK(g.converged);
  // Match components to the true clusters by their means (components are not ordered).
  const auto predicted = g.predict(d.x);
  CHECK(vaelab::cluster_accuracy(predicted, d.labels) > 0.99);
  const auto m = vaelab::match_clusters(predicted, d.labels);
  for (int64_t c = 0; c < 3; ++c) {
    const int64_t truth = m.label_of_cluster[c];
    REQUIRE(truth >= 0);
    CHECK(torch::allclose(g.means[c], d.means[truth], 0.0, 0.1));
    CHECK(torch::allclose(g.variances[c].sqrt(), d.stds[truth], 0.1, 0.0));
    CHECK(g.weights[c].item<double>() == Approx(d.weights[truth].item<double>()).margin(0.03));
  }
  CHECK(g.responsibilities(d.x).sum(1).allclose(torch::ones({d.x.size(0)}, torch::kDouble)));
}

TEST_CASE("GMM EM never lowers the log-likelihood from one iteration to the next", "[fast][metrics]") {
  const auto d = three_clusters(600);
  const auto start = torch::randint(0, 3, {d.x.size(0)}, torch::kLong);  // a poor start
  double previous = -INFINITY;
  for (int64_t iters = 1; iters <= 8; ++iters) {
    vaelab::GmmOptions o;
    o.max_iter = iters;
    o.tolerance = 0.0;
    const auto g = fit_gaussian_mixture(d.x, start, 3, o);
    CHECK(g.mean_log_likelihood >= previous - 1e-9);
    previous = g.mean_log_likelihood;
  }
}

TEST_CASE("A one-component GMM is the sample mean and variance with the matching density", "[fast][metrics]") {
  torch::manual_seed(3);
  const auto x = torch::randn({500, 3}, torch::kDouble) * torch::tensor({1.0, 2.0, 0.5}, torch::kDouble) + 1.0;
  vaelab::GmmOptions o;
  o.variance_floor = 0.0;
  const auto g = fit_gaussian_mixture(x, torch::zeros({500}, torch::kLong), 1, o);
  CHECK(torch::allclose(g.means[0], x.mean(0)));
  CHECK(torch::allclose(g.variances[0], x.var(0, false)));
  // Independent density: product of univariate normal densities.
  const auto mu = x.mean(0), var = x.var(0, false);
  const auto expected = (-0.5 * ((x - mu).pow(2) / var + var.log() + std::log(2 * M_PI))).sum(1);
  CHECK(torch::allclose(g.log_likelihood(x), expected, 1e-9, 1e-9));
}

TEST_CASE("GMM EM rejects labels out of range with a message", "[fast][metrics]") {
  const auto x = torch::randn({4, 2});
  CHECK_THROWS_WITH(fit_gaussian_mixture(x, torch::tensor({0, 1, 2, 3}, torch::kLong), 3),
                    Catch::Contains("initial labels must lie in [0, 3)"));
  CHECK_THROWS_WITH(fit_gaussian_mixture(x, torch::tensor({0, 1}, torch::kLong), 2),
                    Catch::Contains("one label per row"));
}

TEST_CASE("GMM with zero EM iterations is one Gaussian per labelled group", "[fast][metrics]") {
  const auto d = three_clusters(900);
  vaelab::GmmOptions o;
  o.max_iter = 0;
  o.variance_floor = 0.0;
  const auto g = fit_gaussian_mixture(d.x, d.labels, 3, o);
  CHECK(g.iterations == 0);
  for (int64_t k = 0; k < 3; ++k) {
    const auto rows = d.x.index_select(0, d.labels.eq(k).nonzero().squeeze(1));
    CHECK(g.weights[k].item<double>() == Approx(rows.size(0) / 900.0).epsilon(1e-9));
    CHECK(torch::allclose(g.means[k], rows.mean(0), 1e-9, 1e-9));
    CHECK(torch::allclose(g.variances[k], rows.var(0, /*unbiased=*/false), 1e-9, 1e-9));
  }
  CHECK(std::isfinite(g.mean_log_likelihood));
  o.max_iter = -1;
  CHECK_THROWS_AS(fit_gaussian_mixture(d.x, d.labels, 3, o), vaelab::Error);
}
