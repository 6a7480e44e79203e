// Bimodality of latent dimensions and the joint histogram of two (analysis/latent_bimodality.h) on codes
// built with known shapes and on hand-counted codes.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "analysis/latent_bimodality.h"
#include "core/error.h"

using namespace vaelab;

namespace {

// log L of x under one Gaussian N(mean, sd^2) and under w1 N(m1, s1^2) + w2 N(m2, s2^2), with torch.
double gaussian_log_likelihood(const torch::Tensor& x, double mean, double sd) {
  return (-0.5 * std::log(2 * M_PI * sd * sd) - (x - mean).pow(2) / (2 * sd * sd)).sum().item<double>();
}
double mixture_log_likelihood(const torch::Tensor& x, const DimensionBimodality& d) {
  std::vector<torch::Tensor> parts;
  for (int c = 0; c < 2; ++c)
    parts.push_back(std::log(d.weights[c]) - 0.5 * std::log(2 * M_PI * d.sds[c] * d.sds[c]) -
                    (x - d.means[c]).pow(2) / (2 * d.sds[c] * d.sds[c]));
  return torch::logsumexp(torch::stack(parts, 1), 1).sum().item<double>();
}

}  // namespace

TEST_CASE("a two-mode latent among unimodal and skewed ones is the only one counted bimodal", "[fast][analysis]") {
  // 2000 codes, 7 dimensions: N(0,1), N(-3,1)/N(3,1) half and half, N(0,1), Exp(1), LogNormal(0,1),
  // N(0, 0.5^2) + 1 (a unimodal Gaussian off the origin with its own scale) and U(-1, 1) (flat).
  torch::manual_seed(17);
  const int64_t m = 2000;
  auto codes = torch::empty({m, 7}, torch::kFloat64);
  codes.select(1, 0).copy_(torch::randn({m}, torch::kFloat64));
  const auto side = torch::randint(0, 2, {m}, torch::kFloat64) * 6.0 - 3.0;
  codes.select(1, 1).copy_(side + torch::randn({m}, torch::kFloat64));
  codes.select(1, 2).copy_(torch::randn({m}, torch::kFloat64));
  codes.select(1, 3).copy_(-torch::log(torch::rand({m}, torch::kFloat64)));
  codes.select(1, 4).copy_(torch::exp(torch::randn({m}, torch::kFloat64)));
  codes.select(1, 5).copy_(0.5 * torch::randn({m}, torch::kFloat64) + 1.0);
  codes.select(1, 6).copy_(torch::rand({m}, torch::kFloat64) * 2.0 - 1.0);

  const LatentBimodality b = latent_bimodality(codes.to(torch::kFloat32));
  REQUIRE(b.dims == 7);
  REQUIRE(b.samples == m);
  REQUIRE(b.per_dim.size() == 7);
  CHECK(b.bimodal_count == 1);
  for (int d = 0; d < 7; ++d) {
    const auto& r = b.per_dim[static_cast<size_t>(d)];
    INFO("dim " << d << ": delta BIC " << r.delta_bic << ", D " << r.separation << ", dip " << r.dip_ratio
                << ", weights " << r.weights[0] << "/" << r.weights[1] << ", means " << r.means[0] << "/" << r.means[1]);
    CHECK(r.bimodal == (d == 1));
  }

  const auto& two = b.per_dim[1];
  CHECK(two.means[0] == Approx(-3.0).margin(0.15));
  CHECK(two.means[1] == Approx(3.0).margin(0.15));
  CHECK(two.sds[0] == Approx(1.0).margin(0.1));
  CHECK(two.sds[1] == Approx(1.0).margin(0.1));
  CHECK(two.weights[0] == Approx(0.5).margin(0.05));
  CHECK(two.weights[0] + two.weights[1] == Approx(1.0));
  CHECK(two.separation > 5.0);
  CHECK(two.dip_ratio < 0.2);
  // The Gaussians fail rule (1); the skewed ones pass it (two Gaussians fit them far better than one)
  // and fail rule (2): their components overlap. The flat one passes (1) and (2) and fails (3): no dip.
  for (int d : {0, 2, 5}) CHECK(b.per_dim[static_cast<size_t>(d)].delta_bic < b.options.delta_bic_threshold);
  for (int d : {3, 4}) {
    CHECK(b.per_dim[static_cast<size_t>(d)].delta_bic > b.options.delta_bic_threshold);
    CHECK(b.per_dim[static_cast<size_t>(d)].separation < b.options.separation_threshold);
  }
  CHECK(b.per_dim[6].delta_bic > b.options.delta_bic_threshold);
  CHECK(b.per_dim[6].separation > b.options.separation_threshold);
  CHECK(b.per_dim[6].dip_ratio > b.options.dip_ratio_threshold);

  // Each BIC against the log-likelihood of the returned parameters, computed here with torch.
  const double log_m = std::log(static_cast<double>(m));
  for (int d = 0; d < 7; ++d) {
    const auto& r = b.per_dim[static_cast<size_t>(d)];
    const auto x = codes.select(1, d).to(torch::kFloat32).to(torch::kFloat64);
    const double sd = std::sqrt(x.var(/*unbiased=*/false).item<double>());
    CHECK(r.sd == Approx(sd).epsilon(1e-9));
    CHECK(r.bic1 == Approx(-2 * gaussian_log_likelihood(x, x.mean().item<double>(), sd) + 2 * log_m).epsilon(1e-9));
    CHECK(r.bic2 == Approx(-2 * mixture_log_likelihood(x, r) + 5 * log_m).epsilon(1e-9));
    CHECK(r.delta_bic == Approx(r.bic1 - r.bic2));
    CHECK(r.means[0] <= r.means[1]);
  }

  // A change of units (5 z - 2 per dimension) changes neither delta BIC nor the verdicts.
  const LatentBimodality unscaled = latent_bimodality(codes), scaled = latent_bimodality(codes * 5.0 - 2.0);
  for (int d = 0; d < 7; ++d) {
    CHECK(scaled.per_dim[static_cast<size_t>(d)].delta_bic ==
          Approx(unscaled.per_dim[static_cast<size_t>(d)].delta_bic).epsilon(1e-6).margin(1e-6));
    CHECK(scaled.per_dim[static_cast<size_t>(d)].bimodal == b.per_dim[static_cast<size_t>(d)].bimodal);
  }
}

TEST_CASE("modes at -1 and 1 count as bimodal and a mode of 3% of the codes does not", "[fast][analysis]") {
  // The paper's Fig. 6 shape: N(-1, 0.4^2) / N(1, 0.4^2) half and half; and N(-3,1) with 3% N(3,1).
  torch::manual_seed(5);
  const int64_t m = 2000;
  auto codes = torch::empty({m, 2}, torch::kFloat64);
  codes.select(1, 0).copy_(torch::randint(0, 2, {m}, torch::kFloat64) * 2.0 - 1.0 + 0.4 * torch::randn({m}, torch::kFloat64));
  codes.select(1, 1).copy_((torch::rand({m}, torch::kFloat64) < 0.03).to(torch::kFloat64) * 6.0 - 3.0 +
                           torch::randn({m}, torch::kFloat64));
  const LatentBimodality b = latent_bimodality(codes);
  CHECK(b.per_dim[0].bimodal);
  CHECK(b.per_dim[0].means[0] == Approx(-1.0).margin(0.05));
  CHECK(b.per_dim[0].means[1] == Approx(1.0).margin(0.05));
  CHECK_FALSE(b.per_dim[1].bimodal);
  CHECK(b.per_dim[1].weights[1] == Approx(0.03).margin(0.015));
  CHECK(b.per_dim[1].delta_bic > b.options.delta_bic_threshold);  // rule (4) is what rejects it
  CHECK(b.per_dim[1].separation > b.options.separation_threshold);
  CHECK(b.bimodal_count == 1);
}

TEST_CASE("a latent that never varies is not bimodal and has no BIC", "[fast][analysis]") {
  torch::manual_seed(3);
  auto codes = torch::randn({100, 2});
  codes.select(1, 1).fill_(0.25);
  const LatentBimodality b = latent_bimodality(codes);
  CHECK(b.bimodal_count == 0);
  CHECK_FALSE(b.per_dim[1].bimodal);
  CHECK(std::isnan(b.per_dim[1].delta_bic));
  CHECK(b.per_dim[1].sd == 0.0);
  CHECK(std::isfinite(b.per_dim[0].delta_bic));
}

TEST_CASE("the joint histogram of hand-made codes has the hand-counted cells and marginals", "[fast][analysis]") {
  // Dimension 0 on [0, 4] and dimension 2 on [10, 20], two bins each: x bins [0, 2) [2, 4], y bins
  // [10, 15) [15, 20]. Dimension 1 must not matter.
  auto codes = torch::tensor({{0.0, 9.0, 10.0},
                              {1.0, -9.0, 10.0},
                              {2.0, 0.0, 20.0},
                              {3.0, 0.0, 20.0},
                              {4.0, 0.0, 15.0},
                              {4.0, 0.0, 12.0}});
  JointHistogramOptions o;
  o.bins = 2;
  const JointHistogram hist = latent_joint_histogram(codes, 0, 2, o);
  CHECK(hist.dim_x == 0);
  CHECK(hist.dim_y == 2);
  CHECK(hist.x0 == 0.0);
  CHECK(hist.x1 == 4.0);
  CHECK(hist.y0 == 10.0);
  CHECK(hist.y1 == 20.0);
  CHECK(hist.count(0, 0) == 2);  // (0, 10), (1, 10)
  CHECK(hist.count(1, 0) == 1);  // (4, 12)
  CHECK(hist.count(0, 1) == 0);
  CHECK(hist.count(1, 1) == 3);  // (2, 20), (3, 20), (4, 15)
  CHECK(hist.marginal_x == std::vector<int64_t>{2, 4});
  CHECK(hist.marginal_y == std::vector<int64_t>{3, 3});
  CHECK(hist.outside == 0);
  int64_t sum_x = 0, sum_y = 0;
  for (auto c : hist.marginal_x) sum_x += c;
  for (auto c : hist.marginal_y) sum_y += c;
  CHECK(sum_x == 6);
  CHECK(sum_y == 6);

  // The transposed pair swaps the axes.
  const JointHistogram t = latent_joint_histogram(codes, 2, 0, o);
  CHECK(t.count(0, 1) == 1);
  CHECK(t.marginal_x == hist.marginal_y);

  // A fixed box [0, 2] x [10, 20]: x = 3, 4, 4 fall outside; x = 2 is the last bin's upper edge.
  o.fixed_range = true;
  o.x0 = 0, o.x1 = 2, o.y0 = 10, o.y1 = 20;
  const JointHistogram boxed = latent_joint_histogram(codes, 0, 2, o);
  CHECK(boxed.outside == 3);
  CHECK(boxed.count(0, 0) == 1);  // (0, 10)
  CHECK(boxed.count(1, 0) == 1);  // (1, 10)
  CHECK(boxed.count(1, 1) == 1);  // (2, 20)
  CHECK(boxed.marginal_x == std::vector<int64_t>{1, 2});
  CHECK(boxed.marginal_y == std::vector<int64_t>{2, 1});
}

TEST_CASE("bimodality and the joint histogram reject codes of the wrong shape and bad dimensions", "[fast][analysis]") {
  const auto ok = torch::randn({10, 3});
  REQUIRE_THROWS_AS(latent_bimodality(torch::zeros({1, 3})), Error);
  REQUIRE_THROWS_AS(latent_bimodality(torch::zeros({5})), Error);
  REQUIRE_THROWS_AS(latent_bimodality(torch::zeros({5, 3, 2})), Error);
  REQUIRE_THROWS_AS(latent_bimodality(torch::Tensor()), Error);
  REQUIRE_THROWS_WITH(latent_bimodality(torch::zeros({1, 3})), Catch::Contains("expected codes [M >= 2, H >= 1]"));
  auto bad = ok.clone();
  bad[4][1] = std::nan("");
  REQUIRE_THROWS_WITH(latent_bimodality(bad), Catch::Contains("code 4 of dimension 1 is not finite"));

  REQUIRE_THROWS_AS(latent_joint_histogram(torch::zeros({1, 3}), 0, 1), Error);
  REQUIRE_THROWS_AS(latent_joint_histogram(torch::zeros({5}), 0, 1), Error);
  REQUIRE_THROWS_WITH(latent_joint_histogram(ok, 1, 1), Catch::Contains("two different dimensions in [0, 3)"));
  REQUIRE_THROWS_AS(latent_joint_histogram(ok, 0, 3), Error);
  REQUIRE_THROWS_AS(latent_joint_histogram(ok, -1, 2), Error);
  JointHistogramOptions o;
  o.bins = 0;
  REQUIRE_THROWS_WITH(latent_joint_histogram(ok, 0, 1, o), Catch::Contains("bins >= 1"));
  o.bins = 4;
  o.fixed_range = true;
  o.x0 = 1, o.x1 = 1;
  REQUIRE_THROWS_AS(latent_joint_histogram(ok, 0, 1, o), Error);
  REQUIRE_THROWS_WITH(latent_joint_histogram(bad, 0, 1), Catch::Contains("code 4 is not finite"));
}
