// factor-vae: the permutation that samples prod_j q(z_j), the TC estimate against the formula with a
// hand-set discriminator, the loss as its weighted sum, and one discriminator step lowering its loss.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <map>

#include "core/error.h"
#include "models/divergence.h"
#include "models/factor_vae.h"
#include "train/preset.h"
#include "models/registry.h"

using namespace vaelab;

namespace {

ModelSpec tiny_spec(nlohmann::json options = nlohmann::json::object()) {
  ModelSpec s;
  s.variant = "factor-vae";
  s.shape.channels = 1;
  s.shape.height = 8;
  s.shape.width = 8;
  s.latent = 2;
  s.architecture.type = "conv";
  s.architecture.channels = {4};
  s.architecture.hidden = {16};
  s.likelihood.kind = Likelihood::Kind::Gaussian;
  s.options = std::move(options);
  return s;
}

std::map<std::string, double> named(const LossTerms& t) {
  std::map<std::string, double> m;
  for (const auto& [k, v] : t.values()) m[k] = v;
  return m;
}

// D = Linear(2, 1) with logit = 0.5 z0 - z1 + 0.2.
void set_linear_discriminator(FactorVae& model) {
  torch::NoGradGuard no_grad;
  auto params = model.discriminator()->parameters();
  REQUIRE(params.size() == 2);
  params[0].copy_(torch::tensor({0.5f, -1.0f}).view({1, 2}));
  params[1].copy_(torch::tensor({0.2f}));
}

double pearson(const torch::Tensor& a, const torch::Tensor& b) {
  auto da = a - a.mean();
  auto db = b - b.mean();
  return ((da * db).sum() / (da.pow(2).sum().sqrt() * db.pow(2).sum().sqrt())).item<double>();
}

}  // namespace

TEST_CASE("permute_dims keeps each column's values and breaks the dependence between columns",
          "[fast][factor-vae]") {
  torch::manual_seed(1);
  auto base = torch::randn({2000});
  auto z = torch::stack({base, base, -base}, 1);
  REQUIRE(pearson(z.select(1, 0), z.select(1, 1)) == Approx(1.0));
  auto p = permute_dims(z);
  REQUIRE(p.sizes() == z.sizes());
  for (int64_t j = 0; j < 3; ++j)
    CHECK(torch::equal(std::get<0>(p.select(1, j).sort()), std::get<0>(z.select(1, j).sort())));
  // Independent permutations: correlations ~ N(0, 1/2000), |r| < 0.1 is > 4 standard deviations.
  CHECK(std::abs(pearson(p.select(1, 0), p.select(1, 1))) < 0.1);
  CHECK(std::abs(pearson(p.select(1, 0), p.select(1, 2))) < 0.1);
  CHECK_FALSE(torch::equal(p.select(1, 0), z.select(1, 0)));
}

TEST_CASE("factor-vae TC estimate with a hand-set discriminator equals mean log D/(1-D)", "[fast][factor-vae]") {
  auto spec = tiny_spec({{"disc_hidden", nlohmann::json::array()}});
  FactorVae model(spec, FactorVaeOptions::from_json(spec.options));
  set_linear_discriminator(model);
  auto z = torch::tensor({1.0f, 2.0f, -1.0f, 0.5f, 0.0f, 0.0f}).view({3, 2});
  // Logits by hand: -1.3, -0.8, 0.2; through probabilities: log(p / (1 - p)) with p = 1/(1 + e^-l).
  double expected = 0;
  for (double l : {-1.3, -0.8, 0.2}) {
    const double p = 1.0 / (1.0 + std::exp(-l));
    expected += std::log(p / (1.0 - p)) / 3.0;
  }
  CHECK(model.total_correlation(z).item<double>() == Approx(expected).epsilon(1e-5));
}

TEST_CASE("factor-vae loss is recon + beta KL + gamma TC with TC from the sampled codes", "[fast][factor-vae]") {
  auto spec = tiny_spec({{"disc_hidden", nlohmann::json::array()}, {"beta", 2.0}, {"gamma", 7.0}});
  torch::manual_seed(2);
  FactorVae model(spec, FactorVaeOptions::from_json(spec.options));
  set_linear_discriminator(model);
  Batch batch{torch::rand({5, 1, 8, 8}), {}};
  torch::manual_seed(20);
  auto v = named(model.loss(batch, {}));
  torch::NoGradGuard no_grad;
  torch::manual_seed(20);  // the same eps as inside loss()
  auto q = model.encode(batch);
  auto z = model.sample_posterior(q);
  const double tc = (0.5 * z.select(1, 0) - z.select(1, 1) + 0.2).mean().item<double>();
  CHECK(v["tc"] == Approx(tc).epsilon(1e-5));
  CHECK(v["kl"] == Approx(kl_standard_normal(q.mu, q.logvar).mean().item<double>()).epsilon(1e-5));
  CHECK(v["loss"] == Approx(v["recon"] + 2.0 * v["kl"] + 7.0 * v["tc"]).epsilon(1e-5));
}

TEST_CASE("One factor-vae discriminator step in after_step lowers the discriminator loss", "[fast][factor-vae]") {
  torch::manual_seed(3);
  auto spec = tiny_spec({{"disc_hidden", {8, 8}}, {"disc_lr", 1e-2}});
  FactorVae model(spec, FactorVaeOptions::from_json(spec.options));
  model.train();
  Batch batch{torch::rand({32, 1, 8, 8}), {}};
  torch::manual_seed(30);
  auto terms = model.loss(batch, {});
  torch::Tensor z;
  {
    torch::NoGradGuard no_grad;
    torch::manual_seed(30);
    z = model.sample_posterior(model.encode(batch));
  }
  torch::manual_seed(31);
  auto z_perm = permute_dims(z);
  const double before = model.discriminator_loss(z, z_perm).item<double>();
  torch::manual_seed(31);  // after_step draws the same permutation of the same cached codes
  model.after_step(batch, {}, terms);
  auto v = named(terms);
  REQUIRE(v.count("disc") == 1);
  CHECK(v["disc"] == Approx(before).epsilon(1e-5));
  const double after = model.discriminator_loss(z, z_perm).item<double>();
  INFO("discriminator loss " << before << " -> " << after);
  CHECK(after < before);
}

TEST_CASE("factor-vae leaves its discriminator out of the trainer's parameters", "[fast][factor-vae]") {
  auto spec = tiny_spec();
  FactorVae model(spec, FactorVaeOptions::from_json(spec.options));
  CHECK(model.trainable_parameters().size() ==
        model.parameters().size() - model.discriminator()->parameters().size());
}

TEST_CASE("factor-vae options have documented defaults and reject bad values", "[fast][factor-vae]") {
  auto o = FactorVaeOptions::from_json(nlohmann::json::object());
  CHECK(o.gamma == 10.0);
  CHECK(o.beta == 1.0);
  CHECK(o.disc_hidden == std::vector<int64_t>{256, 256, 256});
  CHECK_THROWS_WITH(FactorVaeOptions::from_json({{"gama", 1}}), Catch::Contains("gama"));
  CHECK_THROWS_WITH(FactorVaeOptions::from_json({{"gamma", -1}}), Catch::Contains("options.gamma"));
  CHECK_THROWS_WITH(FactorVaeOptions::from_json({{"disc_beta1", 1.5}}), Catch::Contains("options.disc_beta1"));
}

TEST_CASE("factor-vae shapes preset parses and builds through the registry", "[fast][factor-vae]") {
  torch::manual_seed(8);
  Preset preset = Preset::from_json(read_preset_json("factor-vae-shapes"));
  CHECK(preset.model.variant == "factor-vae");
  preset.model.shape.channels = 1;
  preset.model.shape.height = 64;
  preset.model.shape.width = 64;
  auto model = make_model(preset.model);
  CHECK(model->variant() == "factor-vae");
  model->train();
  Batch batch{torch::rand({4, 1, 64, 64}).round(), {}};
  auto terms = model->loss(batch, {});
  model->after_step(batch, {}, terms);
  auto v = named(terms);
  CHECK(v.count("disc") == 1);
  CHECK(std::isfinite(v["loss"]));
  // Evaluation runs no after_step, so loss() reports the discriminator's loss itself.
  model->eval();
  torch::NoGradGuard no_grad;
  auto e = named(model->loss(batch, {}));
  CHECK(e.count("disc") == 1);
  CHECK(std::isfinite(e["disc"]));
}

TEST_CASE("The factor-vae loss's backward goes through the discriminator to the codes but computes no gradient "
          "for its weights, and the encoder's gradients are those of the hand-written loss",
          "[fast][factor-vae]") {
  auto spec = tiny_spec({{"disc_hidden", nlohmann::json::array()}, {"beta", 2.0}, {"gamma", 7.0}});
  torch::manual_seed(3);
  FactorVae model(spec, FactorVaeOptions::from_json(spec.options));
  set_linear_discriminator(model);
  model.train();
  Batch batch{torch::rand({5, 1, 8, 8}), {}};
  const auto params = model.trainable_parameters();
  StepInfo past_warmup;
  past_warmup.step = 1000000;
  torch::manual_seed(30);
  model.loss(batch, past_warmup).total.backward();
  std::vector<torch::Tensor> ours;
  for (const auto& p : params) ours.push_back(p.grad().clone());
  for (const auto& d : model.discriminator()->parameters()) {
    CHECK_FALSE(d.grad().defined());
    CHECK(d.requires_grad());
  }

  // recon + 2 KL + 7 TC with TC = mean(0.5 z0 - z1 + 0.2) written out: the same gradients.
  for (auto p : params) p.mutable_grad() = torch::Tensor();
  torch::manual_seed(30);
  auto q = model.encode(batch);
  auto z = model.sample_posterior(q);
  auto recon = -model.log_likelihood(batch, z).mean();
  auto tc = (0.5 * z.select(1, 0) - z.select(1, 1) + 0.2).mean();
  (recon + 2.0 * kl_standard_normal(q.mu, q.logvar).mean() + 7.0 * tc).backward();
  for (size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i);
    CHECK(torch::allclose(params[i].grad(), ours[i], 1e-4, 1e-6));
  }
}
