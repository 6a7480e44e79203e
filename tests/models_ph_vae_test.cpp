// PH-VAE (spec §2) against independent computations on tiny hand-set batches.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "models/ph_vae.h"
#include "models/registry.h"
#include "models/vae.h"
#include "train/output_bias_init.h"

using namespace vaelab;

namespace {
ModelSpec ph_spec(nlohmann::json options) {
  ModelSpec s;
  s.variant = "ph-vae";
  s.shape.features = 5;
  s.latent = 3;
  s.architecture.hidden = {7, 6};
  s.likelihood.kind = Likelihood::Kind::Bernoulli;
  s.options = std::move(options);
  return s;
}

// Copies parameters position by position (same shapes required).
void copy_by_position(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  auto src = from.parameters();
  auto dst = to.parameters();
  REQUIRE(src.size() == dst.size());
  for (size_t i = 0; i < src.size(); ++i) {
    REQUIRE(src[i].sizes() == dst[i].sizes());
    dst[i].copy_(src[i]);
  }
}

double kl_by_hand(const torch::Tensor& mu, const torch::Tensor& logvar) {  // mean over rows
  auto m = mu.to(torch::kDouble), lv = logvar.to(torch::kDouble);
  double total = 0;
  for (int64_t i = 0; i < m.size(0); ++i)
    for (int64_t h = 0; h < m.size(1); ++h) {
      const double a = m[i][h].item<double>(), b = lv[i][h].item<double>();
      total += 0.5 * (a * a + std::exp(b) - 1 - b);
    }
  return total / static_cast<double>(m.size(0));
}
}  // namespace

TEST_CASE("PH-VAE with one order gives exactly the VAE's loss for the same weights and noise", "[fast][ph-vae]") {
  torch::manual_seed(1);
  auto ph = make_model(ph_spec({{"orders", 1}, {"recon", "likelihood"}}));
  ModelSpec vs = ph_spec({{"beta", 1.0}});
  vs.variant = "vae";
  auto vae = make_model(vs);
  copy_by_position(*vae, *ph);
  Batch batch{torch::rand({4, 5}), {}};
  torch::manual_seed(42);
  auto a = ph->loss(batch, {});
  torch::manual_seed(42);
  auto b = vae->loss(batch, {});
  CHECK(a.total.item<double>() == Approx(b.total.item<double>()).epsilon(1e-6));
  CHECK(a.values()[1].second == Approx(b.values()[1].second).epsilon(1e-6));  // recon
  // ph-vae's "kl" (the polynomial divergence with S = 1) is the VAE's KL.
  CHECK(a.terms.back().first == "kl");
  CHECK(a.terms.back().second.item<double>() == Approx(b.terms[1].second.item<double>()).epsilon(1e-6));
}

TEST_CASE("PH-VAE's combined posterior averages the orders' means and variances", "[fast][ph-vae]") {
  torch::manual_seed(2);
  auto model = std::make_shared<PhVae>(ph_spec({{"orders", 4}}), PhVaeOptions::from_json({{"orders", 4}}));
  Batch batch{torch::rand({3, 5}), {}};
  auto q = model->orders(batch);
  REQUIRE(q.orders.size() == 4);
  auto mean_mu = torch::zeros({3, 3}), mean_var = torch::zeros({3, 3});
  for (const auto& p : q.orders) {
    mean_mu += p.mu / 4.0;
    mean_var += p.logvar.exp() / 4.0;
  }
  CHECK(torch::allclose(q.combined.mu, mean_mu, 1e-5, 1e-6));
  CHECK(torch::allclose(q.combined.logvar.exp(), mean_var, 1e-5, 1e-6));
  // Orders see different inputs x^s, so (separate trunks or not) their posteriors differ.
  CHECK_FALSE(torch::allclose(q.orders[0].mu, q.orders[1].mu));

  SECTION("the amplitude scales the sampled variance by A^2") {
    auto amplified = std::make_shared<PhVae>(ph_spec({}), PhVaeOptions::from_json({{"orders", 4}, {"amplitude", 3.0}}));
    copy_by_position(*model, *amplified);
    auto e = amplified->encode(batch);
    CHECK(torch::allclose(e.logvar.exp(), 9.0 * mean_var, 1e-4, 1e-6));
  }
}

TEST_CASE("PH-VAE's loss is the summed squared error plus the mean of the orders' KLs", "[fast][ph-vae]") {
  torch::manual_seed(3);
  const auto opts = nlohmann::json{{"orders", 3}, {"amplitude", 2.0}, {"encoder_sharing", "shared"}};
  auto model = std::make_shared<PhVae>(ph_spec(opts), PhVaeOptions::from_json(opts));
  Batch batch{torch::rand({4, 5}), {}};
  torch::manual_seed(9);
  auto terms = model->loss(batch, {});

  torch::NoGradGuard no_grad;
  auto q = model->orders(batch);
  torch::manual_seed(9);
  auto eps = torch::randn({4, 3});
  // By hand: z = mu + A * sqrt(mean sigma_s^2) * eps; recon = sum (x - decoder(z))^2.
  auto var = torch::zeros({4, 3});
  auto mu = torch::zeros({4, 3});
  for (const auto& p : q.orders) {
    var += p.logvar.exp() / 3.0;
    mu += p.mu / 3.0;
  }
  auto z = mu + 2.0 * var.sqrt() * eps;
  auto xhat = model->decode(z);
  double sse = 0;
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t d = 0; d < 5; ++d) sse += std::pow(batch.x[i][d].item<double>() - xhat[i][d].item<double>(), 2);
  sse /= 4.0;
  double kls[3];
  for (int s = 0; s < 3; ++s) kls[s] = kl_by_hand(q.orders[s].mu, q.orders[s].logvar);
  const double poly = (kls[0] + kls[1] + kls[2]) / 3.0;

  auto value = [&](const std::string& name) {
    for (auto& [n, v] : terms.values())
      if (n == name) return v;
    FAIL("no term " << name);
    return 0.0;
  };
  CHECK(value("recon") == Approx(sse).epsilon(1e-5));
  CHECK(value("kl_1") == Approx(kls[0]).epsilon(1e-5));
  CHECK(value("kl_2") == Approx(kls[1]).epsilon(1e-5));
  CHECK(value("kl_3") == Approx(kls[2]).epsilon(1e-5));
  CHECK(value("kl") == Approx(poly).epsilon(1e-5));
  CHECK(value("loss") == Approx(sse + poly).epsilon(1e-5));
}

TEST_CASE("PH-VAE's squared-error likelihood is the Gaussian with variance one half", "[fast][ph-vae]") {
  torch::manual_seed(4);
  auto model = make_model(ph_spec({{"orders", 2}}));
  Batch batch{torch::rand({2, 5}), {}};
  auto z = torch::randn({2, 3});
  auto ll = model->log_likelihood(batch, z);
  auto mean = model->decode(z);
  for (int64_t i = 0; i < 2; ++i) {
    double hand = 0;
    for (int64_t d = 0; d < 5; ++d) {
      const double r = batch.x[i][d].item<double>() - mean[i][d].item<double>();
      hand += -0.5 * std::log(2 * M_PI * 0.5) - r * r / (2 * 0.5);
    }
    CHECK(ll[i].item<double>() == Approx(hand).epsilon(1e-5));
  }
}

TEST_CASE("PH-VAE's encoder sharing changes the parameter count as documented", "[fast][ph-vae]") {
  auto separate = make_model(ph_spec({{"orders", 3}}));
  auto shared = make_model(ph_spec({{"orders", 3}, {"encoder_sharing", "shared"}}));
  auto count = [](Model& m) {
    int64_t n = 0;
    for (auto& p : m.parameters()) n += p.numel();
    return n;
  };
  // Separate: three trunks 5-7-6 (5*7+7 + 7*6+6 = 90 each), one shared head 6->6 (42).
  CHECK(count(*separate) - count(*shared) == 2 * 90);
}

TEST_CASE("PH-VAE rejects bad options naming the key", "[fast][ph-vae]") {
  CHECK_THROWS_WITH(make_model(ph_spec({{"orders", 6}})), Catch::Contains("options.orders"));
  CHECK_THROWS_WITH(make_model(ph_spec({{"encoder_sharing", "tied"}})), Catch::Contains("encoder_sharing"));
  CHECK_THROWS_WITH(make_model(ph_spec({{"amplitude", 0}})), Catch::Contains("options.amplitude"));
  CHECK_THROWS_WITH(make_model(ph_spec({{"recon", "l1"}})), Catch::Contains("recon"));
  CHECK_THROWS_WITH(make_model(ph_spec({{"order", 2}})), Catch::Contains("order"));
}

TEST_CASE("PH-VAE's decoder ends in a sigmoid in every recon mode and its output bias starts at the logit of the mean",
          "[fast][ph-vae]") {
  torch::manual_seed(5);
  ModelSpec spec = ph_spec({{"orders", 2}, {"recon", "likelihood"}});
  spec.likelihood.kind = Likelihood::Kind::Gaussian;
  spec.likelihood.sigma2 = 0.01;
  auto model = make_model(spec);
  torch::NoGradGuard no_grad;
  // Far-out codes would push an unbounded output outside [0, 1].
  const auto mean = model->decode(20.0 * torch::randn({64, 3}));
  CHECK(mean.min().item<double>() >= 0.0);
  CHECK(mean.max().item<double>() <= 1.0);
  // The Gaussian's mean is that sigmoid output: -log p by hand.
  Batch batch{torch::rand({2, 5}), {}};
  const auto z = torch::randn({2, 3});
  const auto ll = model->log_likelihood(batch, z);
  const auto xhat = model->decode(z);
  for (int64_t i = 0; i < 2; ++i) {
    double hand = 0;
    for (int64_t d = 0; d < 5; ++d) {
      const double r = batch.x[i][d].item<double>() - xhat[i][d].item<double>();
      hand += -0.5 * std::log(2 * M_PI * 0.01) - r * r / (2 * 0.01);
    }
    CHECK(ll[i].item<double>() == Approx(hand).epsilon(1e-5));
  }
  // The bias of the last layer starts where sigmoid gives the data's mean.
  const auto data_mean = torch::tensor({0.1f, 0.3f, 0.5f, 0.7f, 0.9f});
  REQUIRE(initialize_output_bias(*model, spec.likelihood, data_mean));
  torch::Tensor bias;
  for (const auto& p : model->named_parameters())
    if (p.key().rfind("decoder.", 0) == 0 && p.key().size() > 5 && p.key().compare(p.key().size() - 5, 5, ".bias") == 0)
      bias = p.value();
  REQUIRE(bias.defined());
  CHECK(torch::allclose(torch::sigmoid(bias), data_mean, 1e-4, 1e-5));
}
