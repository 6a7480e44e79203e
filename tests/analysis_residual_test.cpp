// Residual maps, the residual histogram and the noise density drawn over it.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <random>

#include "analysis/residual_maps.h"
#include "core/error.h"

using namespace vaelab;

namespace {

// Reconstructs every image as a constant grey 0.25 (decoder ignores z).
class ConstantGreyModel : public Model {
 public:
  std::string variant() const override { return "test-constant-grey"; }
  int64_t latent_dim() const override { return 2; }
  Posterior encode(const Batch& b) override {
    auto mu = torch::zeros({b.x.size(0), 2});
    return {mu, torch::zeros_like(mu)};
  }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override {
    return torch::full({z.size(0), 1, 4, 4}, 0.25f);
  }
  LossTerms loss(const Batch&, const StepInfo&) override { return {}; }
  torch::Tensor log_likelihood(const Batch& b, const torch::Tensor&) override { return torch::zeros({b.x.size(0)}); }
};

}  // namespace

TEST_CASE("residual maps hold input, reconstruction and signed residual, with a fitted Gaussian", "[fast][analysis]") {
  torch::manual_seed(51);
  ConstantGreyModel model;
  Batch batch{torch::rand({3, 1, 4, 4}), {}};
  auto maps = residual_maps(model, batch);
  REQUIRE(maps.residuals.sizes() == torch::IntArrayRef({3, 1, 4, 4}));
  CHECK(torch::allclose(maps.reconstructions, torch::full({3, 1, 4, 4}, 0.25f)));
  CHECK(torch::allclose(maps.residuals, batch.x - 0.25f));
  CHECK_FALSE(maps.membership.defined());
  CHECK_FALSE(maps.noise_learned);
  CHECK(maps.noise_fitted_here);
  const double mean_square = (batch.x - 0.25).pow(2).mean().item<double>();
  CHECK(maps.noise_variances.item<double>() == Approx(mean_square).epsilon(1e-6));
  CHECK(maps.noise_weights.item<double>() == 1.0);
}

TEST_CASE("residual histogram is a density that matches the sampled distribution", "[fast][analysis]") {
  torch::manual_seed(52);
  auto v = torch::randn({200000});
  auto h = density_histogram(v, 40, -4.0, 4.0);
  double mass = 0;
  for (double d : h.density) mass += d * h.width;
  CHECK(mass == Approx(1.0).epsilon(1e-3));  // |v| > 4 has mass 6e-5
  // Centre bin against the N(0,1) density averaged over the bin (closed form via erf).
  const size_t mid = 20;  // [0, 0.2]
  const double expected = (std::erf(0.2 / std::sqrt(2.0)) - std::erf(0.0)) / 2.0 / 0.2;
  CHECK(h.density[mid] == Approx(expected).epsilon(0.02));
  CHECK_THROWS_AS(density_histogram(v, 0, 0, 1), Error);
}

TEST_CASE("zero-mean mixture density integrates to one and matches mixture samples", "[fast][analysis]") {
  auto pi = torch::tensor({0.7, 0.3}, torch::kDouble);
  auto s2 = torch::tensor({0.01, 0.25}, torch::kDouble);
  // Trapezoid integral over [-5, 5].
  std::vector<double> r;
  for (int i = 0; i <= 20000; ++i) r.push_back(-5.0 + 10.0 * i / 20000.0);
  auto p = zero_mean_mixture_density(r, pi, s2);
  double integral = 0;
  for (size_t i = 1; i < r.size(); ++i) integral += 0.5 * (p[i] + p[i - 1]) * (r[i] - r[i - 1]);
  CHECK(integral == Approx(1.0).epsilon(1e-6));
  // Seeded samples from the mixture: histogram density agrees with the formula at bin centres.
  std::mt19937_64 rng(53);
  std::bernoulli_distribution first(0.7);
  std::normal_distribution<double> n1(0.0, 0.1), n2(0.0, 0.5);
  std::vector<float> samples(400000);
  for (auto& s : samples) s = static_cast<float>(first(rng) ? n1(rng) : n2(rng));
  auto h = density_histogram(torch::tensor(samples), 50, -1.0, 1.0);
  auto q = zero_mean_mixture_density(h.centers, pi, s2);
  for (size_t b = 0; b < h.centers.size(); ++b) {
    INFO("bin centre " << h.centers[b]);
    CHECK(h.density[b] == Approx(q[b]).epsilon(0.08).margin(0.02));
  }
}
