// Noise-modelling VAE (spec §6): learned Gaussian and MoG noise against independent computations.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "models/divergence.h"
#include "models/noise_vae.h"
#include "models/registry.h"

using namespace vaelab;

namespace {
ModelSpec noise_spec(nlohmann::json options) {
  ModelSpec s;
  s.variant = "noise-vae";
  s.shape.features = 6;
  s.latent = 2;
  s.architecture.hidden = {8};
  s.options = std::move(options);
  return s;
}

double term(const LossTerms& t, const std::string& name) {
  for (auto& [n, v] : t.values())
    if (n == name) return v;
  FAIL("no term " << name);
  return 0;
}
}  // namespace

TEST_CASE("EM on residuals from a known two-component mixture recovers pi and sigma^2", "[fast][noise-vae]") {
  torch::manual_seed(18);
  // 30% N(0, 0.25), 70% N(0, 0.0025).
  const int64_t n = 40000;
  auto wide = torch::rand({n}) < 0.3;
  auto r = torch::where(wide, 0.5 * torch::randn({n}), 0.05 * torch::randn({n})).reshape({200, 200});
  auto pi = torch::tensor({0.5f, 0.5f});
  auto s2 = torch::tensor({0.1f, 0.01f});
  for (int it = 0; it < 60; ++it) {
    auto step = noise_em_step(r, pi, s2, 1e-4);
    pi = step.pi;
    s2 = step.sigma2;
  }
  CHECK(pi[0].item<double>() == Approx(0.3).margin(0.01));
  CHECK(pi[1].item<double>() == Approx(0.7).margin(0.01));
  CHECK(s2[0].item<double>() == Approx(0.25).epsilon(0.04));
  CHECK(s2[1].item<double>() == Approx(0.0025).epsilon(0.04));
}

TEST_CASE("EM responsibilities are normalised over components per pixel and variances are clipped", "[fast][noise-vae]") {
  auto r = torch::tensor({{0.0, 0.01, 1.0}, {-0.2, 0.0, 0.0}});
  auto pi = torch::tensor({0.25f, 0.75f});
  auto s2 = torch::tensor({0.5f, 0.001f});
  auto step = noise_em_step(r, pi, s2, 1e-4);
  CHECK(step.gamma.sizes() == std::vector<int64_t>{2, 3, 2});
  CHECK(torch::allclose(step.gamma.sum(-1), torch::ones({2, 3})));
  // By hand for r = 1: gamma_0 = 0.25 N(1; 0.5) / (0.25 N(1; 0.5) + 0.75 N(1; 0.001)) ~ 1.
  auto normal = [](double x, double v) { return std::exp(-x * x / (2 * v)) / std::sqrt(2 * M_PI * v); };
  const double g0 = 0.25 * normal(0.01, 0.5) / (0.25 * normal(0.01, 0.5) + 0.75 * normal(0.01, 0.001));
  CHECK(step.gamma[0][1][0].item<double>() == Approx(g0).epsilon(1e-4));
  // A component that only explains zeros collapses to the clip.
  auto zeros = noise_em_step(torch::zeros({4, 4}), pi, s2, 1e-4);
  CHECK(zeros.sigma2.min().item<double>() >= 1e-4 * (1 - 1e-6));
}

TEST_CASE("The mixture log density matches a hand computation", "[fast][noise-vae]") {
  auto r = torch::tensor({0.3, -0.05}, torch::kDouble);
  auto pi = torch::tensor({0.4, 0.6}, torch::kDouble);
  auto s2 = torch::tensor({0.2, 0.01}, torch::kDouble);
  auto ld = mixture_log_density(r, pi, s2);
  auto normal = [](double x, double v) { return std::exp(-x * x / (2 * v)) / std::sqrt(2 * M_PI * v); };
  CHECK(ld[0].item<double>() == Approx(std::log(0.4 * normal(0.3, 0.2) + 0.6 * normal(0.3, 0.01))));
  CHECK(ld[1].item<double>() == Approx(std::log(0.4 * normal(-0.05, 0.2) + 0.6 * normal(-0.05, 0.01))));
}

TEST_CASE("Gaussian noise VAE sets sigma^2 to the batch mean squared residual", "[fast][noise-vae]") {
  torch::manual_seed(19);
  auto model = make_model(noise_spec({{"noise", "gaussian"}, {"beta", 2.0}}));
  model->train();
  Batch batch{torch::rand({4, 6}), {}};
  torch::manual_seed(20);
  auto terms = model->loss(batch, {});

  torch::NoGradGuard g;
  auto q = model->encode(batch);
  torch::manual_seed(20);
  auto z = q.mu + (0.5 * q.logvar).exp() * torch::randn({4, 2});
  auto r = batch.x - model->decode(z);
  double ss = 0;
  for (int i = 0; i < 4; ++i)
    for (int d = 0; d < 6; ++d) ss += std::pow(r[i][d].item<double>(), 2);
  const double s2 = ss / 24.0;  // sum ||r||^2 / (D M)
  CHECK(term(terms, "sigma2") == Approx(s2).epsilon(1e-5));
  const double recon = (ss / (2 * s2) + 0.5 * 24 * std::log(2 * M_PI * s2)) / 4.0;
  const double kl = kl_standard_normal(q.mu, q.logvar).mean().item<double>();
  CHECK(term(terms, "recon") == Approx(recon).epsilon(1e-5));
  CHECK(term(terms, "loss") == Approx(recon + 2.0 * kl).epsilon(1e-5));
  CHECK(term(terms, "evlb") == Approx(-(recon + kl)).epsilon(1e-5));
  // The learned variance lives in a buffer, so a state copy carries it.
  auto copy = make_model(noise_spec({{"noise", "gaussian"}, {"beta", 2.0}}));
  copy_state(*model, *copy);
  CHECK(std::static_pointer_cast<NoiseVae>(copy)->noise_variances()[0].item<double>() == Approx(s2).epsilon(1e-6));
}

TEST_CASE("MoG noise VAE runs one EM step before the network step and reports per-component series", "[fast][noise-vae]") {
  torch::manual_seed(21);
  auto model = std::static_pointer_cast<NoiseVae>(make_model(noise_spec({{"noise", "mog"}, {"components", 2}})));
  model->train();
  Batch batch{torch::rand({5, 6}), {}};
  auto pi0 = model->noise_weights().clone();
  auto s20 = model->noise_variances().clone();
  torch::manual_seed(22);
  auto terms = model->loss(batch, {});

  torch::NoGradGuard g;
  auto q = model->encode(batch);
  torch::manual_seed(22);
  auto z = q.mu + (0.5 * q.logvar).exp() * torch::randn({5, 2});
  auto r = batch.x - model->decode(z);
  auto em = noise_em_step(r, pi0, s20, 1e-4);
  CHECK(torch::allclose(model->noise_weights(), em.pi));
  CHECK(torch::allclose(model->noise_variances(), em.sigma2));
  CHECK(term(terms, "pi_0") == Approx(em.pi[0].item<double>()));
  CHECK(term(terms, "sigma2_1") == Approx(em.sigma2[1].item<double>()));
  // recon = the mixture NLL with the updated state; loss = its EM bound (>= NLL) + beta KL.
  const double nll = -mixture_log_density(r, em.pi, em.sigma2).sum().item<double>() / 5;
  const double kl = kl_standard_normal(q.mu, q.logvar).mean().item<double>();
  CHECK(term(terms, "recon") == Approx(nll).epsilon(1e-5));
  CHECK(term(terms, "loss") >= nll + kl - 1e-4);
  CHECK(term(terms, "evlb") == Approx(-(nll + kl)).epsilon(1e-5));
  // Eval mode leaves the noise state alone.
  model->eval();
  auto before = model->noise_variances().clone();
  model->loss(batch, {});
  CHECK(torch::equal(before, model->noise_variances()));
}

TEST_CASE("The MoG noise network loss and its gradient equal the expected complete-data loss written per component", "[fast][noise-vae]") {
  // Independent form (noise-modeling-vae.txt §4, spec §6): responsibilities by a softmax over the
  // components under the old (pi, sigma2), the M-step, then per pixel
  // sum_k gamma_k [r^2 / 2 sigma2'_k + log(2 pi sigma2'_k) / 2 - log pi'_k + log gamma_k], summed over
  // pixels and averaged over the batch, plus beta KL.
  const int64_t k = 3;
  torch::manual_seed(31);
  auto model = std::static_pointer_cast<NoiseVae>(
      make_model(noise_spec({{"noise", "mog"}, {"components", k}, {"beta", 1.5}})));
  model->train();
  Batch batch{torch::rand({7, 6}), {}};
  const auto pi0 = model->noise_weights().clone();
  const auto s20 = model->noise_variances().clone();
  torch::manual_seed(32);
  auto terms = model->loss(batch, {});
  model->zero_grad();
  terms.total.backward();
  std::vector<torch::Tensor> ours;
  for (auto& p : model->parameters()) ours.push_back(p.grad().clone());

  model->zero_grad();
  auto q = model->encode(batch);
  torch::manual_seed(32);
  auto z = q.mu + (0.5 * q.logvar).exp() * torch::randn({7, 2});
  auto r = batch.x - model->decode(z);
  auto rd = r.detach().unsqueeze(-1);
  auto logits = pi0.log() - 0.5 * (std::log(2 * M_PI) + s20.log() + rd.pow(2) / s20);
  auto gamma = torch::softmax(logits, -1);
  auto n = gamma.reshape({-1, k}).sum(0);
  auto pi1 = n / n.sum();
  auto s21 = ((gamma * rd.pow(2)).reshape({-1, k}).sum(0) / n).clamp_min(1e-4);  // the default min_sigma2
  auto per_pixel = (gamma * (r.unsqueeze(-1).pow(2) / (2 * s21) + 0.5 * (std::log(2 * M_PI) + s21.log()) - pi1.log() +
                             gamma.clamp_min(1e-30).log()))
                       .sum(-1);
  auto kl = kl_standard_normal(q.mu, q.logvar).mean();
  auto total = per_pixel.sum(1).mean() + 1.5 * kl;
  total.backward();
  CHECK(terms.total.item<double>() == Approx(total.item<double>()).epsilon(1e-5));
  CHECK(torch::allclose(model->noise_variances(), s21, 1e-5, 1e-8));
  size_t i = 0;
  for (auto& p : model->parameters()) {
    INFO("parameter " << i);
    CHECK(torch::allclose(ours[i], p.grad(), 1e-4, 1e-6));
    ++i;
  }
  // The responsibilities the public E-step returns are the softmax's.
  CHECK(torch::allclose(noise_em_step(r, pi0, s20, 1e-6).gamma, gamma, 1e-5, 1e-7));
}

TEST_CASE("Noise VAE's nelbo is the negative EVLB with the learned noise", "[fast][noise-vae]") {
  torch::manual_seed(23);
  auto model = make_model(noise_spec({{"noise", "mog"}}));
  model->eval();
  Batch batch{torch::rand({4, 6}), {}};
  torch::NoGradGuard g;
  torch::manual_seed(24);
  const double evlb = term(model->loss(batch, {}), "evlb");
  torch::manual_seed(24);
  CHECK(model->nelbo(batch).mean().item<double>() == Approx(-evlb).epsilon(1e-5));
}

TEST_CASE("Gradient-mode sigma's autograd derivative matches finite differences", "[fast][noise-vae]") {
  torch::manual_seed(25);
  auto model = make_model(noise_spec({{"sigma2_update", "gradient"}}));
  model->train();
  Batch batch{torch::rand({3, 6}), {}};
  torch::Tensor log_sigma;
  for (auto& p : model->named_parameters())
    if (p.key() == "log_sigma") log_sigma = p.value();
  REQUIRE(log_sigma.defined());
  auto loss_at = [&](double value) {
    {
      torch::NoGradGuard g;
      log_sigma.fill_(value);
    }
    torch::manual_seed(26);
    return model->loss(batch, {});
  };
  auto terms = loss_at(-1.0);
  terms.total.backward();
  const double grad = log_sigma.grad()[0].item<double>();
  const double h = 1e-3;
  const double fd = (loss_at(-1.0 + h).total.item<double>() - loss_at(-1.0 - h).total.item<double>()) / (2 * h);
  CHECK(grad == Approx(fd).epsilon(1e-2));
  CHECK_THROWS_WITH(make_model(noise_spec({{"noise", "mog"}, {"sigma2_update", "gradient"}})),
                    Catch::Contains("options.sigma2_update"));
  CHECK_THROWS_WITH(make_model(noise_spec({{"noise", "laplace"}})), Catch::Contains("options.noise"));
}

TEST_CASE("The quantile split gives each component the mean squared residual of its share", "[fast][noise-vae]") {
  // Squared residuals 0.01, 0.04, 0.09, 0.16 (signs do not matter): the lower half has mean 0.025, the
  // upper half 0.125, each holds half the pixels.
  auto r = torch::tensor({0.3f, -0.1f, 0.4f, -0.2f}).reshape({2, 2});
  auto split = noise_quantile_split(r, 2, 1e-4);
  CHECK(split.sigma2[0].item<double>() == Approx(0.025).epsilon(1e-5));
  CHECK(split.sigma2[1].item<double>() == Approx(0.125).epsilon(1e-5));
  CHECK(split.pi[0].item<double>() == Approx(0.5));
  // Both clips apply: the floor lifts the small group, the ceiling caps the large one.
  auto clipped = noise_quantile_split(r, 2, 0.05, 0.1);
  CHECK(clipped.sigma2[0].item<double>() == Approx(0.05));
  CHECK(clipped.sigma2[1].item<double>() == Approx(0.1));
}

TEST_CASE("EM clips component variances at max_sigma2", "[fast][noise-vae]") {
  auto r = torch::randn({64, 64}, torch::TensorOptions().dtype(torch::kFloat32)) * 2.0;
  auto pi = torch::tensor({0.5f, 0.5f});
  auto s2 = torch::tensor({1.0f, 4.0f});
  auto free = noise_em_step(r, pi, s2, 1e-4);
  REQUIRE(free.sigma2.max().item<double>() > 0.5);
  auto capped = noise_em_step(r, pi, s2, 1e-4, 0.5);
  CHECK(capped.sigma2.max().item<double>() == Approx(0.5));
}

TEST_CASE("During the MoG noise warm-up the noise is one Gaussian, then the components split by quantile",
          "[fast][noise-vae]") {
  torch::manual_seed(31);
  auto model = std::static_pointer_cast<NoiseVae>(
      make_model(noise_spec({{"noise", "mog"}, {"components", 2}, {"noise_warmup_steps", 3}})));
  model->train();
  Batch batch{torch::rand({5, 6}), {}};
  auto residuals = [&](uint64_t seed) {
    torch::NoGradGuard g;
    auto q = model->encode(batch);
    torch::manual_seed(seed);
    auto z = q.mu + (0.5 * q.logvar).exp() * torch::randn({5, 2});
    return batch.x - model->decode(z);
  };
  // Step 0: every component holds the closed-form Gaussian variance, pi uniform; the loss is the
  // Gaussian's (no EM bound), so recon equals that Gaussian's NLL.
  auto r0 = residuals(40);
  torch::manual_seed(40);
  auto terms = model->loss(batch, StepInfo{0, 0});
  const double s2 = r0.pow(2).mean().item<double>();
  CHECK(model->noise_variances()[0].item<double>() == Approx(s2).epsilon(1e-5));
  CHECK(model->noise_variances()[1].item<double>() == Approx(s2).epsilon(1e-5));
  CHECK(model->noise_weights()[0].item<double>() == Approx(0.5));
  const double gaussian_nll = 0.5 * 6 * (std::log(2 * M_PI * s2) + 1.0);
  CHECK(term(terms, "recon") == Approx(gaussian_nll).epsilon(1e-4));
  // Step 2 (the last warm-up step): the split of that step's residuals (no optimiser step ran, so the
  // networks are unchanged).
  auto r2 = residuals(42);
  torch::manual_seed(42);
  model->loss(batch, StepInfo{2, 0});
  auto split = noise_quantile_split(r2, 2, 1e-4);
  CHECK(torch::allclose(model->noise_variances(), split.sigma2, 1e-5, 1e-7));
  CHECK(model->noise_variances()[0].item<double>() < model->noise_variances()[1].item<double>());
  // Step 3: EM from the split.
  auto r3 = residuals(43);
  torch::manual_seed(43);
  model->loss(batch, StepInfo{3, 0});
  auto em = noise_em_step(r3, split.pi, split.sigma2, 1e-4);
  CHECK(torch::allclose(model->noise_variances(), em.sigma2, 1e-5, 1e-7));
}

TEST_CASE("noise_warmup_steps is refused for Gaussian noise", "[fast][noise-vae]") {
  CHECK_THROWS_WITH(make_model(noise_spec({{"noise", "gaussian"}, {"noise_warmup_steps", 10}})),
                    Catch::Contains("noise_warmup_steps"));
}
