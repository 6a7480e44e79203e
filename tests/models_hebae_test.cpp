// HEBAE (spec §4) against independent computations on tiny hand-set batches.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "models/hebae.h"
#include "models/registry.h"

using namespace vaelab;

namespace {
ModelSpec hebae_spec(nlohmann::json options, int64_t latent = 2) {
  ModelSpec s;
  s.variant = "hebae";
  s.shape.features = 6;
  s.latent = latent;
  s.architecture.hidden = {8};
  s.likelihood.kind = Likelihood::Kind::Bernoulli;
  s.options = std::move(options);
  return s;
}

// log N(z; m, S) for 2-D z by the explicit 2x2 inverse and determinant.
double log_normal_2d(double z0, double z1, double m0, double m1, double s00, double s01, double s11) {
  const double det = s00 * s11 - s01 * s01;
  const double a = z0 - m0, b = z1 - m1;
  const double quad = (s11 * a * a - 2 * s01 * a * b + s00 * b * b) / det;
  return -std::log(2 * M_PI) - 0.5 * std::log(det) - 0.5 * quad;
}
}  // namespace

TEST_CASE("HEBAE's bracket is twice the KL of the batch Gaussian from N(0, I)", "[fast][hebae]") {
  // Four 2-D means: beta_hat = (1, 0.5); deviations (1,1.5), (-1,-1.5), (1,-0.5), (-1,0.5) give
  // Sigma_hat = [[1, 0.5], [0.5, 1.25]] (by hand).
  auto mu = torch::tensor({{2.0, 2.0}, {0.0, -1.0}, {2.0, 0.0}, {0.0, 1.0}}, torch::kDouble);
  auto prior = empirical_prior(mu, 0.0);
  const double m0 = 1.0, m1 = 0.5, s00 = 1.0, s01 = 0.5, s11 = 1.25;
  CHECK(prior.mean[0].item<double>() == Approx(m0));
  CHECK(prior.mean[1].item<double>() == Approx(m1));
  CHECK(prior.cov[0][0].item<double>() == Approx(s00));
  CHECK(prior.cov[0][1].item<double>() == Approx(s01));
  CHECK(prior.cov[1][1].item<double>() == Approx(s11));
  // 2 KL(N(m, S) || N(0, I)) = tr S + m^T m - 2 - log det S.
  const double closed = s00 + s11 + m0 * m0 + m1 * m1 - 2 - std::log(s00 * s11 - s01 * s01);
  CHECK(prior.bracket.item<double>() == Approx(closed).epsilon(1e-12));
  // Seeded Monte-Carlo of 2 E_q[log q - log p], sampling with the explicit Cholesky factor.
  torch::manual_seed(5);
  const int64_t n = 200000;
  auto eps = torch::randn({n, 2}, torch::kDouble);
  const double l00 = std::sqrt(s00), l10 = s01 / l00, l11 = std::sqrt(s11 - l10 * l10);
  double total = 0;
  auto e = eps.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const double z0 = m0 + l00 * e[i][0], z1 = m1 + l10 * e[i][0] + l11 * e[i][1];
    total += log_normal_2d(z0, z1, m0, m1, s00, s01, s11) - log_normal_2d(z0, z1, 0, 0, 1, 0, 1);
  }
  CHECK(2 * total / n == Approx(closed).margin(0.02));
}

TEST_CASE("HEBAE's Cholesky sample has the intended covariance", "[fast][hebae]") {
  torch::manual_seed(6);
  auto model = std::make_shared<Hebae>(hebae_spec({}), HebaeOptions::from_json({}));
  model->eval();
  // Known running covariance; one input repeated: z - mu should have covariance D Sigma D.
  auto sigma = torch::tensor({{0.8, -0.3}, {-0.3, 0.5}});
  {
    torch::NoGradGuard g;
    for (auto& b : model->named_buffers())
      if (b.key() == "running_cov") b.value().copy_(sigma);
  }
  const int64_t n = 100000;
  Batch batch{torch::rand({1, 6}).expand({n, 6}).contiguous(), {}};
  torch::NoGradGuard g;
  auto raw = model->encode_raw(batch);
  auto q = model->encode(batch);
  auto z = model->sample_posterior(q);
  auto d = (0.5 * raw.logvar[0]).exp();  // sigma_i, {2}
  auto expected = d.unsqueeze(1) * sigma * d.unsqueeze(0);
  auto c = z - raw.mu;
  auto cov = c.t().matmul(c) / static_cast<double>(n);
  CHECK(torch::allclose(cov, expected, 0.03, 0.002 * expected.abs().max().item<double>()));
  // encode() reports the diagonal of that covariance.
  CHECK(torch::allclose(q.logvar[0].exp(), expected.diagonal(), 1e-5, 1e-7));
}

TEST_CASE("HEBAE's posterior density and KL match the full-covariance Gaussian", "[fast][hebae]") {
  torch::manual_seed(7);
  auto model = std::make_shared<Hebae>(hebae_spec({}), HebaeOptions::from_json({}));
  auto sigma = torch::tensor({{1.5, 0.6}, {0.6, 0.9}});
  torch::NoGradGuard g;
  for (auto& b : model->named_buffers())
    if (b.key() == "running_cov") b.value().copy_(sigma);
  Batch batch{torch::rand({2, 6}), {}};
  auto raw = model->encode_raw(batch);
  auto q = model->encode(batch);
  auto z = torch::randn({2, 2});
  auto lp = model->log_posterior(z, q);
  for (int64_t i = 0; i < 2; ++i) {
    const double a = std::exp(0.5 * raw.logvar[i][0].item<double>()), b = std::exp(0.5 * raw.logvar[i][1].item<double>());
    const double hand = log_normal_2d(z[i][0].item<double>(), z[i][1].item<double>(), raw.mu[i][0].item<double>(),
                                      raw.mu[i][1].item<double>(), a * a * 1.5, a * b * 0.6, b * b * 0.9);
    CHECK(lp[i].item<double>() == Approx(hand).epsilon(1e-5));
  }
}

TEST_CASE("HEBAE's loss is recon plus lambda times the batch bracket", "[fast][hebae]") {
  torch::manual_seed(8);
  const nlohmann::json opts{{"lambda", 2.5}, {"jitter", 1e-4}};
  auto model = std::make_shared<Hebae>(hebae_spec(opts, 3), HebaeOptions::from_json(opts));
  Batch batch{torch::rand({6, 6}), {}};
  torch::manual_seed(10);
  auto terms = model->loss(batch, {});
  auto values = terms.values();

  torch::NoGradGuard g;
  auto raw = model->encode_raw(batch);
  // Bracket by hand in double loops.
  auto mu = raw.mu.to(torch::kDouble);
  double mean[3] = {0, 0, 0};
  for (int i = 0; i < 6; ++i)
    for (int h = 0; h < 3; ++h) mean[h] += mu[i][h].item<double>() / 6;
  auto cov = torch::zeros({3, 3}, torch::kDouble);
  for (int i = 0; i < 6; ++i)
    for (int h = 0; h < 3; ++h)
      for (int k = 0; k < 3; ++k)
        cov[h][k] += (mu[i][h].item<double>() - mean[h]) * (mu[i][k].item<double>() - mean[k]) / 6;
  cov += 1e-4 * torch::eye(3, torch::kDouble);
  const double bracket = cov.trace().item<double>() - 3 - torch::logdet(cov).item<double>() +
                         mean[0] * mean[0] + mean[1] * mean[1] + mean[2] * mean[2];
  // Recon with the same noise: z = mu + sigma * (R eps), R from torch's Cholesky of the hand covariance.
  torch::manual_seed(10);
  auto eps = torch::randn({6, 3});
  auto r = torch::linalg_cholesky(cov).to(torch::kFloat);
  auto z = raw.mu + (0.5 * raw.logvar).exp() * eps.matmul(r.t());
  const double recon = -model->log_likelihood(batch, z).mean().item<double>();
  CHECK(values[1].first == "recon");
  CHECK(values[1].second == Approx(recon).epsilon(1e-4));
  CHECK(values[2].first == "kl_bracket");
  CHECK(values[2].second == Approx(bracket).epsilon(1e-4));
  CHECK(values[0].second == Approx(recon + 2.5 * bracket).epsilon(1e-4));
}

TEST_CASE("HEBAE's loss reaches the encoder through the empirical prior", "[fast][hebae]") {
  torch::manual_seed(11);
  auto model = make_model(hebae_spec({}, 2));
  model->train();
  Batch batch{torch::rand({8, 6}), {}};
  auto terms = model->loss(batch, {});
  terms.total.backward();
  double grad = 0;
  for (auto& p : model->named_parameters())
    if (p.key().rfind("encoder", 0) == 0 && p.value().grad().defined()) grad += p.value().grad().abs().sum().item<double>();
  CHECK(grad > 0);
  // Training mode moved the running estimates off their initial values.
  for (auto& b : model->named_buffers())
    if (b.key() == "running_cov") CHECK_FALSE(torch::allclose(b.value(), torch::eye(2)));
}

TEST_CASE("HEBAE's scalar sigma option shares one variance across dimensions", "[fast][hebae]") {
  torch::manual_seed(12);
  auto model = std::make_shared<Hebae>(hebae_spec({{"sigma", "scalar"}}, 4), HebaeOptions::from_json({{"sigma", "scalar"}}));
  Batch batch{torch::rand({3, 6}), {}};
  auto raw = model->encode_raw(batch);
  for (int64_t h = 1; h < 4; ++h) CHECK(torch::equal(raw.logvar.select(1, h), raw.logvar.select(1, 0)));
  CHECK_THROWS_WITH(make_model(hebae_spec({{"sigma", "matrix"}})), Catch::Contains("options.sigma"));
  CHECK_THROWS_WITH(make_model(hebae_spec({{"lambda", -1}})), Catch::Contains("options.lambda"));
}
