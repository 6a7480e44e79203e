// VaDE (spec §7; Jiang et al. 2017): q(c|x), the closed-form ELBO against Monte-Carlo, the mixture
// prior, and the switch from autoencoder pre-training to the GMM-initialised objective.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "core/task.h"
#include "stats/kmeans.h"
#include "metrics/cluster_accuracy.h"
#include "stats/gmm_em.h"
#include "stats/gmm_label_refinement.h"
#include "models/divergence.h"
#include "models/registry.h"
#include "models/vade.h"

using namespace vaelab;

namespace {
ModelSpec tiny_vade_spec(int64_t clusters = 3, int64_t pretrain_epochs = 1) {
  ModelSpec s;
  s.variant = "vade";
  s.shape.features = 4;
  s.latent = 2;
  s.architecture.hidden = {8};
  s.options = {{"clusters", clusters}, {"pretrain_epochs", pretrain_epochs}, {"init_samples", 64}};
  return s;
}

std::shared_ptr<Vade> tiny_vade(int64_t clusters = 3, int64_t pretrain_epochs = 1) {
  auto m = std::dynamic_pointer_cast<Vade>(make_model(tiny_vade_spec(clusters, pretrain_epochs)));
  REQUIRE(m);
  return m;
}

// Sets pi, mu_c, sigma_c^2 by hand (double for the Monte-Carlo check).
void set_mixture(Vade& m) {
  torch::NoGradGuard no_grad;
  m.to(torch::kDouble);
  for (auto& p : m.named_parameters()) {
    if (p.key() == "pi_logits") p.value().copy_(torch::tensor({0.2, 0.5, 0.3}, torch::kDouble).log());
    if (p.key() == "mu_c") p.value().copy_(torch::tensor({{-1.0, 0.5}, {0.8, -0.3}, {0.0, 1.2}}, torch::kDouble));
    if (p.key() == "logvar_c") p.value().copy_(torch::tensor({{0.2, -0.4}, {-0.1, 0.3}, {0.5, 0.0}}, torch::kDouble));
  }
}
}  // namespace

TEST_CASE("VaDE q(c|x) is a distribution over the clusters for every input", "[fast][vade]") {
  torch::manual_seed(41);
  auto m = tiny_vade();
  torch::NoGradGuard no_grad;
  const auto gamma = m->cluster_probabilities(torch::rand({7, 4}));
  REQUIRE(gamma.sizes() == torch::IntArrayRef({7, 3}));
  CHECK(torch::allclose(gamma.sum(1), torch::ones({7})));
  CHECK((gamma >= 0).all().item<bool>());
}

TEST_CASE("VaDE closed-form ELBO prior term matches a Monte-Carlo estimate over z and c", "[fast][vade]") {
  torch::manual_seed(42);
  auto m = tiny_vade();
  set_mixture(*m);
  torch::NoGradGuard no_grad;
  // A fixed posterior q(z|x) and a fixed q(c|x) = gamma (the formula holds for any gamma).
  Posterior q{torch::tensor({{0.3, -0.2}}, torch::kDouble), torch::tensor({{-0.7, -1.1}}, torch::kDouble)};
  const auto gamma = torch::tensor({{0.1, 0.6, 0.3}}, torch::kDouble);
  const double closed = m->prior_kl(q, gamma).item<double>();

  // E_{q(z|x) q(c|x)} [log q(z|x) + log q(c|x) - log p(c) - log p(z|c)], sampling both z and c.
  const int64_t n = 400000;
  const auto z = q.mu + (0.5 * q.logvar).exp() * torch::randn({n, 2}, torch::kDouble);
  const auto c = torch::multinomial(gamma[0], n, true);
  const auto pi = torch::tensor({0.2, 0.5, 0.3}, torch::kDouble);
  const auto mu_c = torch::tensor({{-1.0, 0.5}, {0.8, -0.3}, {0.0, 1.2}}, torch::kDouble);
  const auto logvar_c = torch::tensor({{0.2, -0.4}, {-0.1, 0.3}, {0.5, 0.0}}, torch::kDouble);
  const auto log_q = log_normal_diag(z, q.mu.expand({n, 2}), q.logvar.expand({n, 2})) + gamma[0].log().index_select(0, c);
  const auto log_p = log_normal_diag(z, mu_c.index_select(0, c), logvar_c.index_select(0, c)) + pi.log().index_select(0, c);
  const double mc = (log_q - log_p).mean().item<double>();
  INFO("closed " << closed << " MC " << mc);
  CHECK(mc == Approx(closed).margin(0.02));
}

TEST_CASE("VaDE log prior is the Gaussian-mixture density with c marginalised", "[fast][vade]") {
  torch::manual_seed(43);
  auto m = tiny_vade();
  set_mixture(*m);
  torch::NoGradGuard no_grad;
  const auto z = torch::randn({5, 2}, torch::kDouble);
  // Independent: sum_c pi_c prod_j N(z_j; mu_cj, s_cj) in plain densities.
  const double pi[3] = {0.2, 0.5, 0.3};
  const double mu[3][2] = {{-1.0, 0.5}, {0.8, -0.3}, {0.0, 1.2}};
  const double lv[3][2] = {{0.2, -0.4}, {-0.1, 0.3}, {0.5, 0.0}};
  const auto lp = m->log_prior(z);
  for (int64_t i = 0; i < 5; ++i) {
    double density = 0;
    for (int c = 0; c < 3; ++c) {
      double prod = pi[c];
      for (int j = 0; j < 2; ++j) {
        const double v = std::exp(lv[c][j]), d = z[i][j].item<double>() - mu[c][j];
        prod *= std::exp(-d * d / (2 * v)) / std::sqrt(2 * M_PI * v);
      }
      density += prod;
    }
    CHECK(lp[i].item<double>() == Approx(std::log(density)).epsilon(1e-10));
  }
}

TEST_CASE("VaDE pre-trains as an autoencoder, then fits its prior to the kept codes", "[fast][vade]") {
  torch::manual_seed(44);
  auto m = tiny_vade(3, /*pretrain_epochs=*/1);
  m->train();
  REQUIRE_FALSE(m->prior_initialized());
  const auto x = torch::rand({16, 4});
  auto pre = m->loss({x, {}}, {0, 0}).values();
  CHECK(pre.back().first == "pretrain");
  CHECK(pre.back().second == 1.0);
  m->loss({x, {}}, {1, 0});
  CHECK_FALSE(m->prior_initialized());
  // First training-mode loss of epoch 1: GMM init on the codes kept during epoch 0, then the VaDE ELBO.
  auto after = m->loss({x, {}}, {2, 1});
  CHECK(m->prior_initialized());
  CHECK(after.values().back().second == 0.0);
  CHECK(after.total.requires_grad());
  CHECK(m->mixture_weights().sum().item<double>() == Approx(1.0));
  // The total is recon + kl.
  const auto v = after.values();
  CHECK(v[0].second == Approx(v[1].second + v[2].second).epsilon(1e-5));
}

TEST_CASE("VaDE prior initialisation recovers well-separated clusters of codes", "[fast][vade]") {
  torch::manual_seed(45);
  auto m = tiny_vade(3);
  const auto centres = torch::tensor({{-5.0, 0.0}, {5.0, 0.0}, {0.0, 6.0}});
  const auto labels = torch::arange(300, torch::kLong) % 3;
  const auto codes = centres.index_select(0, labels) + 0.3 * torch::randn({300, 2});
  m->initialize_prior(codes);
  REQUIRE(m->prior_initialized());
  torch::NoGradGuard no_grad;
  const auto assigned = m->responsibilities(codes).argmax(1);
  CHECK(cluster_accuracy(assigned, labels) == Approx(1.0));
  CHECK(torch::allclose(m->mixture_weights(), torch::full({3}, 1.0 / 3.0), 0.0, 1e-3));
  CHECK((m->mixture_log_variances().exp() - 0.09).abs().max().item<double>() < 0.03);
  CHECK_THROWS_WITH(m->initialize_prior(torch::randn({2, 2})), Catch::Contains("at least 3 codes"));
}

TEST_CASE("VaDE IWAE weights bound the ELBO from above on average", "[fast][vade]") {
  torch::manual_seed(46);
  auto m = tiny_vade();
  m->initialize_prior(torch::randn({30, 2}));
  m->eval();
  torch::NoGradGuard no_grad;
  const auto x = torch::rand({4, 4}).repeat({500, 1});
  // E[log w] (default log_importance_weight with the mixture log_prior) vs -nelbo: log w is
  // log p(x,z) - log q(z|x) with c marginalised, so its mean is >= the closed-form ELBO that uses
  // q(c|x) = gamma (equality when gamma is the exact p(c|z)); both are estimates of the same order.
  const double log_w = m->log_importance_weight({x, {}}).mean().item<double>();
  const double elbo = -m->nelbo({x, {}}).mean().item<double>();
  INFO("E log w " << log_w << "  ELBO " << elbo);
  CHECK(log_w >= elbo - 0.05);
}

TEST_CASE("VaDE options are validated with messages naming the key", "[fast][vade]") {
  auto spec = tiny_vade_spec();
  spec.options["pretrain"] = "sae";
  CHECK_THROWS_WITH(make_model(spec), Catch::Contains("options.pretrain"));
  spec = tiny_vade_spec();
  spec.options["pretrain_noise"] = 1.5;
  CHECK_THROWS_WITH(make_model(spec), Catch::Contains("options.pretrain_noise"));
  spec = tiny_vade_spec();
  spec.options["clusters"] = 0;
  CHECK_THROWS_WITH(make_model(spec), Catch::Contains("options.clusters"));
  spec = tiny_vade_spec();
  spec.options["init_perplexity"] = 0.5;
  CHECK_THROWS_WITH(make_model(spec), Catch::Contains("options.init_perplexity"));
  spec = tiny_vade_spec();
  spec.options["init_maps"] = 0;
  CHECK_THROWS_WITH(make_model(spec), Catch::Contains("options.init_maps"));
  spec = tiny_vade_spec();
  spec.options["init_refine_steps"] = -1;
  CHECK_THROWS_WITH(make_model(spec), Catch::Contains("options.init_refine_steps"));
}

TEST_CASE("VaDE's init_refine_steps fits the prior to the groups by their conditional likelihood", "[fast][vade]") {
  // The prior must be exactly: k-means groups (the init's own seed and restarts), one Gaussian per group,
  // then refine_mixture_to_labels with the same number of steps. Groups of unequal spread, so the
  // refinement changes the maximum-likelihood fit.
  torch::manual_seed(48);
  const auto centres = torch::tensor({{-3.0, 0.0}, {3.0, 0.0}, {0.0, 4.0}});
  const auto spread = torch::tensor({0.3, 1.5, 0.8});
  const auto labels = torch::arange(240, torch::kLong) % 3;
  const auto codes = centres.index_select(0, labels) + spread.index_select(0, labels).unsqueeze(1) * torch::randn({240, 2});
  auto spec = tiny_vade_spec(3);
  spec.options["init_em_iterations"] = 0;
  spec.options["init_refine_steps"] = 50;
  auto m = std::dynamic_pointer_cast<Vade>(make_model(spec));
  REQUIRE(m);
  m->initialize_prior(codes);
  const auto groups = kmeans_best_of(codes, 3, 0, kKMeansRestarts).assignments;
  GmmOptions one_step;
  one_step.max_iter = 0;
  const auto ml = fit_gaussian_mixture(codes, groups, 3, one_step);
  LabelRefinementOptions ro;
  ro.steps = 50;
  const auto refined = refine_mixture_to_labels(ml, codes, groups, ro);
  torch::NoGradGuard no_grad;
  CHECK(torch::allclose(m->mixture_means().to(torch::kDouble), refined.means, 1e-4, 1e-5));
  CHECK(torch::allclose(m->mixture_log_variances().exp().to(torch::kDouble), refined.variances, 1e-4, 1e-6));
  CHECK(torch::allclose(m->mixture_weights().to(torch::kDouble), refined.weights, 1e-4, 1e-6));
  CHECK_FALSE(torch::allclose(refined.means, ml.means, 1e-3, 1e-3));  // the steps did move it
}

TEST_CASE("VaDE denoising pre-training reconstructs the clean input from a corrupted one", "[fast][vade]") {
  torch::manual_seed(47);
  auto spec = tiny_vade_spec();
  spec.options["pretrain"] = "dae";
  spec.options["pretrain_noise"] = 0.5;
  auto m = make_model(spec);
  m->train();
  const auto x = torch::rand({8, 4});
  // Two training-mode losses differ (fresh corruption each time); eval mode is deterministic (clean AE).
  const double a = m->loss({x, {}}, {0, 0}).total.item<double>();
  const double b = m->loss({x, {}}, {1, 0}).total.item<double>();
  CHECK(a != b);
  m->eval();
  CHECK(m->loss({x, {}}, {2, 0}).total.item<double>() == m->loss({x, {}}, {3, 0}).total.item<double>());
}

TEST_CASE("VaDE's t-SNE initialisation separates long parallel clusters that k-means cuts across", "[fast][vade]") {
  // Three thin strips, 20 long and 3 apart: k-means prefers cutting them into three x-segments (within
  // sum of squares ~9.7 per point against ~33 for the strips), while every point's t-SNE neighbours lie
  // on its own strip.
  torch::manual_seed(47);
  const int64_t per = 150;
  const auto labels = torch::arange(3, torch::kLong).repeat_interleave(per);
  const auto x = torch::rand({3 * per}) * 20.0 - 10.0;
  const auto y = labels.to(torch::kFloat) * 3.0 + 0.05 * torch::randn({3 * per});
  const auto codes = torch::stack({x, y}, 1);

  auto by_kmeans = tiny_vade(3);
  by_kmeans->initialize_prior(codes);
  auto spec = tiny_vade_spec(3);
  spec.options["init"] = "tsne";
  spec.options["init_em_iterations"] = 0;
  spec.options["init_maps"] = GENERATE(1, 3);  // 3: three maps, their medoid grouping
  auto by_tsne = std::dynamic_pointer_cast<Vade>(make_model(spec));
  REQUIRE(by_tsne);
  by_tsne->initialize_prior(codes);
  REQUIRE(by_tsne->prior_initialized());
  torch::NoGradGuard no_grad;
  const double acc_kmeans = cluster_accuracy(by_kmeans->responsibilities(codes).argmax(1), labels);
  const double acc_tsne = cluster_accuracy(by_tsne->responsibilities(codes).argmax(1), labels);
  INFO("k-means init " << acc_kmeans << ", t-SNE init " << acc_tsne);
  CHECK(acc_kmeans < 0.8);
  CHECK(acc_tsne > 0.97);
  // Each component is its strip's Gaussian (one M-step): y variance ~0.05^2, x variance ~20^2/12.
  const auto var = by_tsne->mixture_log_variances().exp();
  CHECK(var.select(1, 1).max().item<double>() < 0.01);
  CHECK(var.select(1, 0).min().item<double>() > 20.0);

  // A stop request during the t-SNE throws TaskCancelled and leaves the prior untouched.
  auto stopped = std::dynamic_pointer_cast<Vade>(make_model(spec));
  CHECK_THROWS_AS(stopped->initialize_prior(codes, [] { return false; }), TaskCancelled);
  CHECK_FALSE(stopped->prior_initialized());
}
