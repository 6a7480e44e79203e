// Ladder VAE (spec §7): the precision-weighted merge, the per-layer KL, and the hierarchical densities.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "models/divergence.h"
#include "models/ladder_vae.h"
#include "models/registry.h"

using namespace vaelab;

namespace {
ModelSpec tiny_ladder_spec(nlohmann::json options = {{"sizes", {3, 2}}, {"deterministic", {8, 6}}, {"top_down_hidden", 5}}) {
  ModelSpec s;
  s.variant = "ladder-vae";
  s.shape.features = 6;
  s.latent = 3;
  s.architecture.hidden = {8};
  s.options = options;
  return s;
}
}  // namespace

TEST_CASE("Ladder precision-weighted merge matches hand-computed values", "[fast][ladder-vae]") {
  // (mu 1, var 1) with (mu 3, var 3): precisions 1 and 1/3 -> var 3/4, mu (1 + 1) * 3/4 = 1.5.
  // (mu -2, var 0.5) with (mu 4, var 2): precisions 2 and 1/2 -> var 0.4, mu (-4 + 2) * 0.4 = -0.8.
  const GaussianEstimate data{torch::tensor({1.0, -2.0}, torch::kDouble), torch::tensor({1.0, 0.5}, torch::kDouble)};
  const GaussianEstimate prior{torch::tensor({3.0, 4.0}, torch::kDouble), torch::tensor({3.0, 2.0}, torch::kDouble)};
  const auto merged = merge_by_precision(data, prior);
  CHECK(merged.mu[0].item<double>() == Approx(1.5));
  CHECK(merged.var[0].item<double>() == Approx(0.75));
  CHECK(merged.mu[1].item<double>() == Approx(-0.8));
  CHECK(merged.var[1].item<double>() == Approx(0.4));
}

TEST_CASE("KL between diagonal Gaussians matches the closed form and KLstd", "[fast][ladder-vae]") {
  // KL(N(1, 2) || N(0, 1)) = 1/2 (2 + 1 - 1 - ln 2).
  const GaussianEstimate a{torch::tensor({{1.0}}, torch::kDouble), torch::tensor({{2.0}}, torch::kDouble)};
  const GaussianEstimate std_normal{torch::zeros({1, 1}, torch::kDouble), torch::ones({1, 1}, torch::kDouble)};
  CHECK(kl_diagonal_gaussians(a, std_normal).item<double>() == Approx(0.5 * (2.0 - std::log(2.0))));
  // KL(N(0, 1) || N(2, 4)) = 1/2 (ln 4 + (1 + 4) / 4 - 1).
  const GaussianEstimate b{torch::tensor({{2.0}}, torch::kDouble), torch::tensor({{4.0}}, torch::kDouble)};
  CHECK(kl_diagonal_gaussians(std_normal, b).item<double>() == Approx(0.5 * (std::log(4.0) + 1.25 - 1.0)));
  torch::manual_seed(51);
  const auto mu = torch::randn({4, 3}, torch::kDouble), logvar = torch::randn({4, 3}, torch::kDouble);
  CHECK(torch::allclose(kl_diagonal_gaussians({mu, logvar.exp()}, {torch::zeros_like(mu), torch::ones_like(mu)}),
                        kl_standard_normal(mu, logvar)));
}

TEST_CASE("Ladder VAE exposes one latent group per layer and a concatenated posterior", "[fast][ladder-vae]") {
  torch::manual_seed(52);
  auto model = make_model(tiny_ladder_spec());
  CHECK(model->latent_dim() == 5);
  const auto groups = model->latent_groups();
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].name == "z1");
  CHECK(groups[1].offset == 3);
  CHECK(groups[1].size == 2);
  torch::NoGradGuard no_grad;
  const auto q = model->encode({torch::rand({4, 6}), {}});
  CHECK(q.mu.sizes() == torch::IntArrayRef({4, 5}));
  CHECK(q.logvar.sizes() == torch::IntArrayRef({4, 5}));
  CHECK(model->sample_prior(7).sizes() == torch::IntArrayRef({7, 5}));
  CHECK(model->decode(model->sample_prior(7)).sizes() == torch::IntArrayRef({7, 6}));
  const auto terms = model->loss({torch::rand({4, 6}), {}}, {}).values();
  std::vector<std::string> names;
  for (const auto& t : terms) names.push_back(t.first);
  CHECK(names == std::vector<std::string>{"loss", "recon", "kl_1", "kl_2", "kl"});
  CHECK(terms[0].second == Approx(terms[1].second + terms[4].second).epsilon(1e-5));
}

TEST_CASE("Ladder VAE importance weights average to the closed-form ELBO with the hierarchical prior", "[fast][ladder-vae]") {
  torch::manual_seed(53);
  auto model = make_model(tiny_ladder_spec());
  model->to(torch::kDouble);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto x = torch::rand({3, 6}, torch::kDouble).repeat({20000, 1});
  // E[log p(x|z1) + log p(z2) + log p(z1|z2) - log q(z2|x) - log q(z1|z2,x)] = -(recon + kl_2 + E kl_1):
  // densities on one side, closed-form KLs on the other, both over the same sampled chain.
  const double log_w = model->log_importance_weight({x, {}}).mean().item<double>();
  const double elbo = -model->nelbo({x, {}}).mean().item<double>();
  INFO("E log w " << log_w << "  ELBO " << elbo);
  CHECK(log_w == Approx(elbo).margin(0.03));
  // log_prior of the concatenated code = log N(z2; 0, I) + log p(z1 | z2) from the top-down network.
  auto& ladder = dynamic_cast<LadderVae&>(*model);
  const auto z = model->sample_prior(5).to(torch::kDouble);
  const auto z1 = z.slice(1, 0, 3), z2 = z.slice(1, 3, 5);
  const auto p1 = ladder.top_down(0, z2);
  const auto expected = log_standard_normal(z2) + log_normal_diag(z1, p1.mu, p1.var.log());
  CHECK(torch::allclose(model->log_prior(z), expected));
}

TEST_CASE("Ladder VAE decode from the top layer regenerates the lower layers", "[fast][ladder-vae]") {
  torch::manual_seed(54);
  auto bottom = make_model(tiny_ladder_spec());
  torch::NoGradGuard no_grad;
  const auto z = torch::randn({2, 5});
  auto z_changed_top = z.clone();
  z_changed_top.slice(1, 3, 5).add_(1.0);
  // decode_from 1: only z1 matters.
  CHECK(torch::allclose(bottom->decode(z), bottom->decode(z_changed_top)));
  auto top = make_model(tiny_ladder_spec({{"sizes", {3, 2}}, {"deterministic", {8, 6}}, {"decode_from", 2}}));
  CHECK_FALSE(torch::allclose(top->decode(z), top->decode(z_changed_top)));
  CHECK_THROWS_WITH(make_model(tiny_ladder_spec({{"sizes", {3, 2}}, {"decode_from", 3}})), Catch::Contains("options.decode_from"));
  CHECK_THROWS_WITH(make_model(tiny_ladder_spec({{"sizes", {3, 2}}, {"layers", 3}})), Catch::Contains("options.layers"));
}
