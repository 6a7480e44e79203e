// Which latent dimensions the VAE+GMM baseline clusters on (metrics/informative_dimensions.h), on codes
// built with known informative and collapsed dimensions.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "stats/kmeans.h"
#include "core/error.h"
#include "metrics/cluster_accuracy.h"
#include "stats/gmm_em.h"
#include "metrics/informative_dimensions.h"

using namespace vaelab;

namespace {

// 2000 codes, 5 dims. Dims 0 and 3: four classes at the corners of a square of side 4, spread 0.3, with
// posterior variance 0.01. Dims 1, 2, 4: collapsed towards the prior: means at +-0.05 (a coin flip per row,
// independent of the class) with spread 0.002, posterior variance 0.9.
struct Codes {
  torch::Tensor mu, logvar, labels;
};

Codes built_codes() {
  torch::manual_seed(3);
  const int64_t n = 2000;
  Codes c;
  c.labels = torch::arange(n, torch::kLong).remainder(4);
  auto mu = torch::zeros({n, 5}, torch::kDouble);
  const auto corner_x = (c.labels.remainder(2) * 4).to(torch::kDouble);
  const auto corner_y = (c.labels.div(2, "floor") * 4).to(torch::kDouble);
  mu.select(1, 0).copy_(corner_x + 0.3 * torch::randn({n}, torch::kDouble));
  mu.select(1, 3).copy_(corner_y + 0.3 * torch::randn({n}, torch::kDouble));
  for (int64_t d : {1, 2, 4}) {
    const auto coin = torch::randint(0, 2, {n}, torch::kDouble) * 0.1 - 0.05;
    mu.select(1, d).copy_(coin + 0.002 * torch::randn({n}, torch::kDouble));
  }
  c.mu = mu;
  c.logvar = torch::full({n, 5}, std::log(0.9), torch::kDouble);
  c.logvar.select(1, 0).fill_(std::log(0.01));
  c.logvar.select(1, 3).fill_(std::log(0.01));
  return c;
}

double gmm_accuracy(const torch::Tensor& x, const torch::Tensor& labels) {
  const auto km = kmeans_best_of(x, 4, 1, kKMeansRestarts);
  return cluster_accuracy(fit_gaussian_mixture(x, km.assignments, 4).predict(x), labels);
}

}  // namespace

TEST_CASE("Informative dimensions are those whose means vary more than the posterior noise", "[fast][metrics]") {
  const Codes c = built_codes();
  const auto dims = informative_dimensions(c.mu, c.logvar);
  REQUIRE(dims.numel() == 2);
  CHECK(dims[0].item<int64_t>() == 0);
  CHECK(dims[1].item<int64_t>() == 3);
  CHECK(gmm_accuracy(c.mu.index_select(1, dims), c.labels) > 0.99);

  // The threshold: means with sample variance exactly 1 (a +-1 column of even length n has
  // Var = n / (n - 1)) against posterior variances just below and just above it.
  const int64_t n = 1000;
  const auto pm = torch::arange(n, torch::kLong).remainder(2).to(torch::kDouble) * 2 - 1;  // +-1
  const auto mu = torch::stack({pm, pm, pm}, 1);
  const double var = static_cast<double>(n) / (n - 1);
  const auto logvar = torch::log(torch::tensor({var * 0.95, var * 1.05, var * 0.5}, torch::kDouble)).expand({n, 3});
  const auto picked = informative_dimensions(mu, logvar);
  REQUIRE(picked.numel() == 2);
  CHECK(picked[0].item<int64_t>() == 0);
  CHECK(picked[1].item<int64_t>() == 2);
}

TEST_CASE("Without a posterior variance, or with none informative, every dimension counts", "[fast][metrics]") {
  const Codes c = built_codes();
  CHECK(informative_dimensions(c.mu, torch::Tensor()).numel() == 5);
  // Posterior variance above every spread: nothing qualifies, so nothing is dropped.
  CHECK(informative_dimensions(c.mu, torch::full({2000, 5}, std::log(100.0), torch::kDouble)).numel() == 5);
  CHECK_THROWS_AS(informative_dimensions(c.mu, torch::zeros({2000, 4})), Error);
  CHECK_THROWS_AS(informative_dimensions(torch::zeros({1, 5}), torch::Tensor()), Error);
}
