// IWAE (spec §7): the k-sample bound against the ELBO and across k, on a fixed random model.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "models/iwae.h"
#include "models/registry.h"

using namespace vaelab;

namespace {
ModelSpec tiny_iwae_spec(int64_t k = 5) {
  ModelSpec s;
  s.variant = "iwae";
  s.shape.features = 6;
  s.latent = 2;
  s.architecture.hidden = {8};
  s.options = {{"k", k}};
  return s;
}
}  // namespace

TEST_CASE("IWAE bound is at least the ELBO and does not decrease with k on a fixed model", "[fast][iwae]") {
  torch::manual_seed(21);
  auto model = std::dynamic_pointer_cast<Iwae>(make_model(tiny_iwae_spec()));
  REQUIRE(model);
  model->eval();
  torch::NoGradGuard no_grad;
  Batch batch{torch::rand({8, 6}).round(), {}};
  // Each estimate averaged over many independent repeats so that the ordering is not noise:
  // rows repeated r times, mean of the per-row bounds.
  const int64_t r = 400;
  Batch repeated{batch.x.repeat({r, 1}), {}};
  const double elbo = -model->nelbo(repeated).mean().item<double>();  // closed-form KL, one sample
  const double l1 = model->bound(repeated, 1).mean().item<double>();
  const double l5 = model->bound(repeated, 5).mean().item<double>();
  const double l50 = model->bound(repeated, 50).mean().item<double>();
  INFO("ELBO " << elbo << "  L1 " << l1 << "  L5 " << l5 << "  L50 " << l50);
  // L_1 is an unbiased estimate of the ELBO (a different estimator of the same value).
  CHECK(l1 == Approx(elbo).margin(0.05));
  CHECK(l5 > elbo);
  CHECK(l5 > l1);
  CHECK(l50 > l5);
}

TEST_CASE("IWAE loss is the negative bound and reports the VAE's display terms", "[fast][iwae]") {
  torch::manual_seed(22);
  auto model = make_model(tiny_iwae_spec(3));
  Batch batch{torch::rand({5, 6}), {}};
  const auto terms = model->loss(batch, {});
  REQUIRE(terms.total.requires_grad());
  const auto values = terms.values();
  REQUIRE(values.size() == 4);
  CHECK(values[1].first == "iwae_bound");
  CHECK(values[1].second == Approx(values[0].second));
  CHECK(values[2].first == "recon");
  CHECK(values[3].first == "kl");
  // The bound is below the single-sample recon + KL only in expectation, but both are finite numbers.
  CHECK(std::isfinite(values[2].second + values[3].second));
  terms.total.backward();
}

TEST_CASE("IWAE rejects a k below 1 with a message naming the key", "[fast][iwae]") {
  CHECK_THROWS_WITH(make_model(tiny_iwae_spec(0)), Catch::Contains("options.k"));
  auto spec = tiny_iwae_spec();
  spec.options = {{"kk", 3}};
  CHECK_THROWS_AS(make_model(spec), Error);
}
