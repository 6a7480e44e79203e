// The generated PH-VAE toy sets: mixture moments and weights against the paper's numbers.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "data/dataset_registry.h"
#include "data/toy_mixtures.h"
#include "data/toy_sets_1d.h"

using namespace vaelab;

namespace {

torch::Tensor all_points(const DatasetSplit& s) { return torch::cat({s.train.storage, s.test.storage}); }
torch::Tensor all_labels(const DatasetSplit& s) { return torch::cat({s.train.labels, s.test.labels}); }

// Sample mean and covariance of the points of component k, in double precision.
std::pair<torch::Tensor, torch::Tensor> moments(const torch::Tensor& x, const torch::Tensor& y, int64_t k) {
  auto pts = x.index({y == k}).to(torch::kFloat64);
  auto mean = pts.mean(0);
  auto centred = pts - mean;
  auto cov = centred.t().mm(centred) / (pts.size(0) - 1);
  return {mean, cov};
}

}  // namespace

TEST_CASE("toy-gmm5 draws match the spec's means, covariances and weights before distortion",
          "[fast][data-loaders]") {
  auto raw = load_toy_gmm5({{"name", "toy-gmm5"}, {"n", 50000}, {"seed", 3}, {"distort", false}, {"normalize", false}});
  auto x = all_points(raw);
  auto y = all_labels(raw);
  REQUIRE(x.sizes() == torch::IntArrayRef({50000, 2}));
  CHECK(raw.train.size() == 40000);
  const double weights[5] = {0.25, 0.25, 0.2, 0.2, 0.1};
  const double means[5][2] = {{3, 3}, {-3, -3}, {3, -3}, {-3, 3}, {0, 0}};
  const double covs[5][3] = {{1, .8, 1}, {1, -.6, 1}, {1, .3, 1}, {.5, 0, .5}, {2, 1.5, 2}};
  auto counts = torch::bincount(y);
  for (int k = 0; k < 5; ++k) {
    // Binomial standard error of a proportion at n = 50000 is at most 0.0023: allow about 4 of them.
    CHECK(counts[k].item<double>() / 50000.0 == Approx(weights[k]).margin(0.01));
    auto [mean, cov] = moments(x, y, k);
    // Four standard errors: sqrt(var / n_k) for a mean, about var * sqrt(2 / n_k) for a (co)variance.
    const double n_k = (y == k).sum().item<double>();
    const double var = std::max(covs[k][0], covs[k][2]);
    const double mean_margin = 4 * std::sqrt(var / n_k), cov_margin = 4 * var * std::sqrt(2 / n_k);
    CHECK(mean[0].item<double>() == Approx(means[k][0]).margin(mean_margin));
    CHECK(mean[1].item<double>() == Approx(means[k][1]).margin(mean_margin));
    CHECK(cov[0][0].item<double>() == Approx(covs[k][0]).margin(cov_margin));
    CHECK(cov[0][1].item<double>() == Approx(covs[k][1]).margin(cov_margin));
    CHECK(cov[1][1].item<double>() == Approx(covs[k][2]).margin(cov_margin));
  }
  // The distorted set is the same draws through tanh(u) + 0.1 sin(2u).
  auto distorted = load_toy_gmm5({{"n", 50000}, {"seed", 3}, {"normalize", false}});
  auto expected = torch::tanh(x) + 0.1 * torch::sin(2 * x);
  CHECK(torch::allclose(all_points(distorted), expected, 1e-5, 1e-5));
  CHECK(all_labels(distorted).equal(y));
}

TEST_CASE("toy-gmm3 is u + 0.1 sin(u) plus noise of std 0.05 on the spec's three Gaussians",
          "[fast][data-loaders]") {
  auto raw = load_toy_gmm3({{"n", 30000}, {"seed", 1}, {"distort", false}, {"normalize", false}});
  auto x = all_points(raw);
  auto y = all_labels(raw);
  const double means[3][2] = {{-4, 0}, {4, 0}, {0, 4}};
  const double covs[3][3] = {{1, .8, 1}, {1, -.8, 1}, {.5, .3, .5}};
  for (int k = 0; k < 3; ++k) {
    auto [mean, cov] = moments(x, y, k);
    // Four standard errors: sqrt(var / n_k) for a mean, about var * sqrt(2 / n_k) for a (co)variance.
    const double n_k = (y == k).sum().item<double>();
    const double var = std::max(covs[k][0], covs[k][2]);
    const double mean_margin = 4 * std::sqrt(var / n_k), cov_margin = 4 * var * std::sqrt(2 / n_k);
    CHECK(mean[0].item<double>() == Approx(means[k][0]).margin(mean_margin));
    CHECK(mean[1].item<double>() == Approx(means[k][1]).margin(mean_margin));
    CHECK(cov[0][0].item<double>() == Approx(covs[k][0]).margin(cov_margin));
    CHECK(cov[0][1].item<double>() == Approx(covs[k][1]).margin(cov_margin));
    CHECK(cov[1][1].item<double>() == Approx(covs[k][2]).margin(cov_margin));
  }
  auto distorted = all_points(load_toy_gmm3({{"n", 30000}, {"seed", 1}, {"normalize", false}}));
  auto residual = (distorted - (x + 0.1 * torch::sin(x))).to(torch::kFloat64);
  CHECK(residual.mean().item<double>() == Approx(0.0).margin(0.002));
  CHECK(residual.std().item<double>() == Approx(0.05).margin(0.002));
  auto clean = all_points(load_toy_gmm3({{"n", 30000}, {"seed", 1}, {"noise_std", 0.0}, {"normalize", false}}));
  CHECK(torch::allclose(clean, x + 0.1 * torch::sin(x), 1e-5, 1e-5));
}

TEST_CASE("toy mixtures are min-max scaled to [0, 1] per coordinate by default, an affine map of the raw points",
          "[fast][data-loaders]") {
  for (const char* name : {"toy-gmm5", "toy-gmm3"}) {
    auto scaled = load_dataset({{"name", name}, {"n", 3000}, {"seed", 4}});
    auto raw = load_dataset({{"name", name}, {"n", 3000}, {"seed", 4}, {"normalize", false}});
    CHECK(scaled.descriptor.at("normalize") == true);
    CHECK(load_dataset(scaled.descriptor).train.storage.equal(scaled.train.storage));
    auto s = all_points(scaled).to(torch::kFloat64), r = all_points(raw).to(torch::kFloat64);
    for (int d = 0; d < 2; ++d) {
      CHECK(s.select(1, d).min().item<double>() == Approx(0.0).margin(1e-6));
      CHECK(s.select(1, d).max().item<double>() == Approx(1.0).margin(1e-6));
      // x_scaled = (x - min) / (max - min): recompute from the raw points.
      auto rd = r.select(1, d);
      auto expected = (rd - rd.min()) / (rd.max() - rd.min());
      CHECK(torch::allclose(s.select(1, d), expected, 1e-5, 1e-5));
    }
    CHECK(all_labels(scaled).equal(all_labels(raw)));
  }
}

TEST_CASE("toy mixtures are fixed by their seed and check their options", "[fast][data-loaders]") {
  auto a = load_dataset({{"name", "toy-gmm5"}, {"n", 500}, {"seed", 9}});
  torch::manual_seed(77);
  auto b = load_dataset({{"name", "toy-gmm5"}, {"n", 500}, {"seed", 9}});
  auto c = load_dataset({{"name", "toy-gmm5"}, {"n", 500}, {"seed", 10}});
  CHECK(a.train.storage.equal(b.train.storage));
  CHECK_FALSE(a.train.storage.equal(c.train.storage));
  CHECK(a.train.shape == DataShape{0, 0, 0, 2});
  CHECK(a.train.class_names.at(0) == "(3, 3)");
  CHECK(load_dataset(a.descriptor).test.storage.equal(a.test.storage));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "toy-gmm5"}, {"n", "many"}}), Catch::Contains("dataset.n"));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "toy-gmm5"}, {"noise_std", 0.1}}), Catch::Contains("noise_std"));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "toy-gmm3"}, {"noise_std", -1.0}}), Catch::Contains("noise_std"));
}

TEST_CASE("toy-1d gives 20 sets of 50 draws as points or as 20-wide rows", "[fast][data-loaders]") {
  auto points = load_toy_sets_1d({{"distribution", "uniform"}, {"normalize", false}, {"seed", 2}});
  REQUIRE(points.train.size() == 800);
  REQUIRE(points.test.size() == 200);
  CHECK(points.train.shape == DataShape{0, 0, 0, 1});
  auto v = all_points(points).to(torch::kFloat64);
  // U(0, 1): mean 1/2 (sd of the mean 0.009), variance 1/12.
  CHECK(v.mean().item<double>() == Approx(0.5).margin(0.03));
  CHECK(v.var().item<double>() == Approx(1.0 / 12).margin(0.01));
  CHECK(torch::bincount(all_labels(points)).equal(torch::full({20}, 50, torch::kInt64)));
  CHECK(points.train.num_classes() == 20);

  auto normal = all_points(load_toy_sets_1d({{"distribution", "normal"}, {"normalize", false}})).to(torch::kFloat64);
  CHECK(normal.mean().item<double>() == Approx(0.0).margin(0.1));
  CHECK(normal.std().item<double>() == Approx(1.0).margin(0.07));
  auto lognormal =
      all_points(load_toy_sets_1d({{"distribution", "lognormal"}, {"normalize", false}})).to(torch::kFloat64);
  CHECK(lognormal.min().item<double>() > 0.0);
  CHECK(lognormal.log().mean().item<double>() == Approx(0.0).margin(0.05));
  CHECK(lognormal.log().std().item<double>() == Approx(0.5).margin(0.035));

  auto scaled = all_points(load_toy_sets_1d({{"distribution", "lognormal"}}));
  CHECK(scaled.min().item<float>() == 0.0f);
  CHECK(scaled.max().item<float>() == 1.0f);

  auto sets = load_toy_sets_1d({{"layout", "sets"}, {"normalize", false}, {"seed", 2}, {"distribution", "uniform"}});
  CHECK(sets.train.shape == DataShape{0, 0, 0, 20});
  CHECK(sets.train.size() == 40);
  CHECK(sets.test.size() == 10);
  CHECK_FALSE(sets.train.has_labels());
  // Same draws in both layouts: the sorted values agree.
  auto sorted_points = std::get<0>(v.to(torch::kFloat32).flatten().sort());
  auto sorted_sets = std::get<0>(all_points(sets).flatten().sort());
  CHECK(sorted_points.equal(sorted_sets));
  REQUIRE_THROWS_WITH(load_toy_sets_1d({{"distribution", "cauchy"}}), Catch::Contains("dataset.distribution"));
}
