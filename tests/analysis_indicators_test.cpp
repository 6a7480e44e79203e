// Disentanglement indicators (spec §6, noise-modeling-vae.txt Definitions 1-7) on hand-set posteriors.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <functional>

#include "analysis/indicators.h"
#include "models/registry.h"

using namespace vaelab;

namespace {
// KL(N(m, v) || N(0, s2)) for one dimension.
double kl1(double m, double v, double s2) { return 0.5 * (std::log(s2 / v) + (v + m * m) / s2 - 1); }

// Golden-section minimum of f on [lo, hi] (unimodal).
double golden_min(const std::function<double(double)>& f, double lo, double hi) {
  const double g = (std::sqrt(5.0) - 1) / 2;
  double a = lo, b = hi, c = b - g * (b - a), d = a + g * (b - a);
  for (int i = 0; i < 200; ++i) {
    if (f(c) < f(d)) b = d;
    else a = c;
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return (a + b) / 2;
}

const double kMu[3][2] = {{1.0, 0.0}, {-1.0, 0.1}, {0.5, -0.1}};
const double kVar[3][2] = {{0.1, 0.9}, {0.2, 1.0}, {0.05, 0.95}};

torch::Tensor mu_tensor() {
  return torch::tensor({kMu[0][0], kMu[0][1], kMu[1][0], kMu[1][1], kMu[2][0], kMu[2][1]}, torch::kDouble).reshape({3, 2});
}
torch::Tensor logvar_tensor() {
  return torch::tensor({kVar[0][0], kVar[0][1], kVar[1][0], kVar[1][1], kVar[2][0], kVar[2][1]}, torch::kDouble)
      .reshape({3, 2})
      .log();
}
}  // namespace

TEST_CASE("Indicators on hand-set posteriors match term-by-term sums", "[fast][indicators]") {
  auto ind = compute_indicators(mu_tensor(), logvar_tensor());
  REQUIRE(ind.samples == 3);
  REQUIRE(ind.latent == 2);
  double dkl = 0, info = 0, def5 = 0;
  int inactive = 0, influential = 0;
  for (int h = 0; h < 2; ++h) {
    double s2 = 0, mean_var = 0, dkl_h = 0, info_h = 0;
    for (int m = 0; m < 3; ++m) {
      s2 += (kMu[m][h] * kMu[m][h] + kVar[m][h]) / 3;
      mean_var += kVar[m][h] / 3;
    }
    for (int m = 0; m < 3; ++m) {
      dkl_h += kl1(kMu[m][h], kVar[m][h], 1.0) / 3;
      info_h += kl1(kMu[m][h], kVar[m][h], s2) / 3;
    }
    CHECK(ind.qstar_variance[h] == Approx(s2));
    CHECK(ind.mean_posterior_variance[h] == Approx(mean_var));
    CHECK(ind.average_kl_per_dim[h] == Approx(dkl_h));
    CHECK(ind.mutual_information_per_dim[h] == Approx(info_h));
    dkl += dkl_h;
    info += info_h;
    def5 += 0.5 * (s2 - 1 - std::log(s2));
    if (mean_var > 0.8) ++inactive;
    if (info_h > 0.5) ++influential;
  }
  CHECK(ind.average_kl == Approx(dkl));
  CHECK(ind.mutual_information == Approx(info));
  CHECK(ind.aggregate_kl_def4 == Approx(dkl - info));
  CHECK(ind.aggregate_kl_def5 == Approx(def5));
  // With the closed-form q*, Definitions 4 and 5 coincide (noise-modeling-vae.txt reports "the same").
  CHECK(ind.aggregate_kl_def4 == Approx(ind.aggregate_kl_def5).margin(1e-12));
  CHECK(inactive == 1);  // dimension 1 sits near the prior
  CHECK(ind.inactive_count == inactive);
  CHECK(ind.influential_count == influential);
  CHECK(ind.dims_by_influence() == std::vector<int64_t>{0, 1});
  // ||Cov(mu) - I||_F by hand (1/M covariance).
  double m0 = 0, m1 = 0;
  for (int m = 0; m < 3; ++m) m0 += kMu[m][0] / 3, m1 += kMu[m][1] / 3;
  double c00 = 0, c01 = 0, c11 = 0;
  for (int m = 0; m < 3; ++m) {
    c00 += (kMu[m][0] - m0) * (kMu[m][0] - m0) / 3;
    c01 += (kMu[m][0] - m0) * (kMu[m][1] - m1) / 3;
    c11 += (kMu[m][1] - m1) * (kMu[m][1] - m1) / 3;
  }
  const double frob = std::sqrt((c00 - 1) * (c00 - 1) + 2 * c01 * c01 + (c11 - 1) * (c11 - 1));
  CHECK(ind.cov_mu_identity_frobenius == Approx(frob));
  auto j = ind.to_json();
  CHECK(j.at("influential_count") == influential);
  CHECK(j.at("qstar_variance").size() == 2);
}

TEST_CASE("The closed-form q* variance minimises the mean KL of eq. 28 numerically", "[fast][indicators]") {
  auto ind = compute_indicators(mu_tensor(), logvar_tensor());
  for (int h = 0; h < 2; ++h) {
    auto objective = [h](double log_s2) {
      double total = 0;
      for (int m = 0; m < 3; ++m) total += kl1(kMu[m][h], kVar[m][h], std::exp(log_s2)) / 3;
      return total;
    };
    const double best = std::exp(golden_min(objective, std::log(1e-3), std::log(100.0)));
    CHECK(ind.qstar_variance[h] == Approx(best).epsilon(1e-5));
  }
}

TEST_CASE("Deterministic encoders get null KL indicators but a covariance distance", "[fast][indicators]") {
  auto ind = compute_indicators(mu_tensor(), torch::Tensor());
  CHECK(ind.deterministic);
  CHECK(std::isnan(ind.average_kl));
  CHECK(ind.inactive_count == -1);
  CHECK(ind.influential_dims().empty());
  CHECK(ind.qstar_variance[0] == Approx((1.0 + 1.0 + 0.25) / 3));
  CHECK(std::isfinite(ind.cov_mu_identity_frobenius));
  CHECK(ind.to_json().at("average_kl").is_null());
  CHECK_THROWS(compute_indicators(torch::zeros({0, 2}), torch::Tensor()));
  CHECK_THROWS(compute_indicators(torch::zeros({3, 2}), torch::zeros({3, 3})));
}

TEST_CASE("Indicators of a model over a dataset equal those of its stacked posteriors", "[fast][indicators]") {
  torch::manual_seed(27);
  ModelSpec s;
  s.variant = "vae";
  s.shape.features = 4;
  s.latent = 3;
  s.architecture.hidden = {6};
  auto model = make_model(s);
  Dataset data;
  data.name = "tiny";
  data.shape.features = 4;
  data.storage = torch::rand({10, 4});
  IndicatorOptions options;
  options.batch_size = 3;  // several batches, one partial
  auto ind = evaluate_indicators(*model, data, options);
  torch::NoGradGuard g;
  model->eval();
  auto q = model->encode({data.storage, {}});
  auto direct = compute_indicators(q.mu, q.logvar, options);
  CHECK(ind.samples == 10);
  CHECK(ind.mutual_information == Approx(direct.mutual_information).epsilon(1e-5));
  CHECK(ind.average_kl == Approx(direct.average_kl).epsilon(1e-5));
  auto j = indicators_json(*model, data, options);
  CHECK(j.contains("indicators"));
}
