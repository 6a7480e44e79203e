// WAE-MMD (spec §5) against independent computations.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "models/divergence.h"
#include "models/registry.h"
#include "models/wae_mmd.h"

using namespace vaelab;

namespace {
ModelSpec wae_spec(nlohmann::json options = nlohmann::json::object()) {
  ModelSpec s;
  s.variant = "wae-mmd";
  s.shape.features = 6;
  s.latent = 2;
  s.architecture.hidden = {8};
  s.likelihood.kind = Likelihood::Kind::Bernoulli;
  s.options = std::move(options);
  return s;
}
}  // namespace

TEST_CASE("The unbiased MMD^2 with the IMQ kernel matches a hand-computed tiny case", "[fast][wae-mmd]") {
  // 1-D points, C = 2: a = {0, 1}, b = {0, 3}. k(u, v) = 2 / (2 + (u - v)^2).
  auto a = torch::tensor({{0.0}, {1.0}}, torch::kDouble);
  auto b = torch::tensor({{0.0}, {3.0}}, torch::kDouble);
  auto k = [](double u, double v) { return 2.0 / (2.0 + (u - v) * (u - v)); };
  // Off-diagonal means (one pair each, counted twice over two) and the cross mean over four pairs.
  const double kaa = k(0, 1);
  const double kbb = k(0, 3);
  const double kab = (k(0, 0) + k(0, 3) + k(1, 0) + k(1, 3)) / 4.0;
  const double hand = kaa + kbb - 2 * kab;  // = 2/3 + 2/11 - 2 * (1 + 2/11 + 2/3 + 1/3) / 4
  CHECK(mmd2_imq_unbiased(a, b, 2.0).item<double>() == Approx(hand).epsilon(1e-12));
  CHECK(hand == Approx(2.0 / 3 + 2.0 / 11 - (1 + 2.0 / 11 + 1) / 2));
}

TEST_CASE("The unbiased MMD^2 averages to zero for samples of one distribution", "[fast][wae-mmd]") {
  torch::manual_seed(13);
  double same = 0, shifted = 0;
  const int trials = 200;
  for (int t = 0; t < trials; ++t) {
    auto a = torch::randn({16, 3}, torch::kDouble);
    auto b = torch::randn({16, 3}, torch::kDouble);
    same += mmd2_imq_unbiased(a, b, 6.0).item<double>() / trials;
    shifted += mmd2_imq_unbiased(a + 1.0, b, 6.0).item<double>() / trials;
  }
  // Unbiased: E = 0 exactly for equal distributions (the biased V-statistic would be > 0).
  CHECK(std::abs(same) < 0.005);
  CHECK(shifted > 0.1);
}

TEST_CASE("WAE-MMD's loss is recon plus lambda times MMD^2 against a prior batch", "[fast][wae-mmd]") {
  torch::manual_seed(14);
  auto model = make_model(wae_spec({{"lambda", 10.0}}));
  Batch batch{torch::rand({5, 6}), {}};
  torch::manual_seed(15);
  auto terms = model->loss(batch, {}).values();

  torch::NoGradGuard g;
  auto q = model->encode(batch);
  CHECK_FALSE(q.logvar.defined());
  torch::manual_seed(15);
  auto prior = torch::randn({5, 2});
  // MMD by hand in loops with C = 2H = 4.
  auto k = [](const torch::Tensor& u, const torch::Tensor& v) {
    return 4.0 / (4.0 + (u - v).pow(2).sum().item<double>());
  };
  double zz = 0, pp = 0, zp = 0;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) {
      if (i != j) zz += k(q.mu[i], q.mu[j]) / 20;
      if (i != j) pp += k(prior[i], prior[j]) / 20;
      zp += k(q.mu[i], prior[j]) / 25;
    }
  const double mmd = zz + pp - 2 * zp;
  const double recon = -model->log_likelihood(batch, q.mu).mean().item<double>();
  CHECK(terms[1].first == "recon");
  CHECK(terms[1].second == Approx(recon).epsilon(1e-5));
  CHECK(terms[2].first == "mmd");
  CHECK(terms[2].second == Approx(mmd).epsilon(1e-4).margin(1e-6));
  CHECK(terms[0].second == Approx(recon + 10 * mmd).epsilon(1e-5));
}

TEST_CASE("WAE-MMD reports the negative ELBO of its fixed Gaussian proposal", "[fast][wae-mmd]") {
  torch::manual_seed(16);
  auto model = make_model(wae_spec({{"proposal_std", 0.2}}));
  Batch batch{torch::rand({3, 6}), {}};
  torch::NoGradGuard g;
  torch::manual_seed(17);
  auto nelbo = model->nelbo(batch);
  auto mu = model->encode(batch).mu;
  torch::manual_seed(17);
  auto z = mu + 0.2 * torch::randn({3, 2});
  auto logvar = torch::full({3, 2}, 2 * std::log(0.2));
  auto expected = -model->log_likelihood(batch, z) + kl_standard_normal(mu, logvar);
  CHECK(torch::allclose(nelbo, expected, 1e-5, 1e-5));
  // Importance weights with that proposal are finite (IWAE works for WAE).
  CHECK(torch::isfinite(model->log_importance_weight(batch)).all().item<bool>());
  CHECK_THROWS_WITH(make_model(wae_spec({{"proposal_std", 0}})), Catch::Contains("options.proposal_std"));
}
