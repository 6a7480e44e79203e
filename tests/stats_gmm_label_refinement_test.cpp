// Refinement of a diagonal GMM towards given group labels (stats/gmm_label_refinement): the objective
// against its closed form, and a case where one maximum-likelihood Gaussian per group puts the boundary
// in the wrong place and the refinement moves it.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "stats/gmm_em.h"
#include "stats/gmm_label_refinement.h"

using namespace vaelab;

namespace {

// Evenly spaced 1-D points: group 0 on [0, 1], group 1 on [1, 13] (equal counts). The Gaussian fitted to
// group 0 is narrow (variance 1/12) and group 1's wide (variance 12), so the maximum-likelihood boundary
// lies right of x = 1 and the left end of group 1 is claimed by group 0.
struct TwoGroups {
  torch::Tensor x, labels;
};

TwoGroups two_groups(int64_t per) {
  TwoGroups d;
  const auto u = (torch::arange(per, torch::kDouble) + 0.5) / static_cast<double>(per);
  d.x = torch::cat({u, 1.0 + 12.0 * u}).unsqueeze(1);
  d.labels = torch::cat({torch::zeros({per}, torch::kLong), torch::ones({per}, torch::kLong)});
  return d;
}

int64_t disagreements(const GaussianMixture& g, const TwoGroups& d) {
  return (g.predict(d.x).cpu() != d.labels).sum().item<int64_t>();
}

}  // namespace

TEST_CASE("Label cross-entropy of a GMM matches the two-component logistic closed form", "[fast][metrics]") {
  // Equal weights, means -1 and 1, unit variances: log p(1|x) - log p(0|x) = 2x, so
  // p(1|x) = sigmoid(2x); at x = 0 (label 0) and x = 1 (label 1): CE = -(log 0.5 + log sigmoid(2)) / 2.
  GaussianMixture g;
  g.weights = torch::tensor({0.5, 0.5}, torch::kDouble);
  g.means = torch::tensor({{-1.0}, {1.0}}, torch::kDouble);
  g.variances = torch::ones({2, 1}, torch::kDouble);
  const auto x = torch::tensor({{0.0}, {1.0}}, torch::kDouble);
  const auto labels = torch::tensor({0, 1}, torch::kLong);
  const double expected = -(std::log(0.5) + std::log(1.0 / (1.0 + std::exp(-2.0)))) / 2.0;
  CHECK(label_cross_entropy(g, x, labels) == Approx(expected).epsilon(1e-12));
  // Unequal weights shift the log-odds by log(pi_1 / pi_0), unequal variances add the quadratic term.
  g.weights = torch::tensor({0.25, 0.75}, torch::kDouble);
  g.variances = torch::tensor({{1.0}, {4.0}}, torch::kDouble);
  auto log_odds = [](double v) {  // log p(1|v) - log p(0|v)
    return std::log(3.0) - 0.5 * (std::log(4.0) + (v - 1) * (v - 1) / 4.0) + 0.5 * (v + 1) * (v + 1);
  };
  const double ce = (std::log1p(std::exp(log_odds(0.0))) + std::log1p(std::exp(-log_odds(1.0)))) / 2.0;
  CHECK(label_cross_entropy(g, x, labels) == Approx(ce).epsilon(1e-12));
}

TEST_CASE("Label refinement moves a GMM's boundary onto groups that are not Gaussian", "[fast][metrics]") {
  const auto d = two_groups(300);
  GmmOptions one_step;
  one_step.max_iter = 0;
  const auto ml = fit_gaussian_mixture(d.x, d.labels, 2, one_step);
  // The maximum-likelihood boundary solves log N(x; 1/2, 1/12) = log N(x; 7, 12): x ~ 1.33, so about
  // 0.33 / 12 of group 1 (8 of 300 points) is given to group 0.
  const int64_t before = disagreements(ml, d);
  CHECK(before >= 6);
  CHECK(before <= 10);
  LabelRefinementOptions o;
  o.steps = 400;
  o.learning_rate = 0.05;
  const auto refined = refine_mixture_to_labels(ml, d.x, d.labels, o);
  const int64_t after = disagreements(refined, d);
  INFO("disagreements: maximum likelihood " << before << ", refined " << after);
  CHECK(after <= 1);
  CHECK(label_cross_entropy(refined, d.x, d.labels) < 0.5 * label_cross_entropy(ml, d.x, d.labels));
  CHECK(refined.weights.sum().item<double>() == Approx(1.0).epsilon(1e-12));
  CHECK(refined.variances.min().item<double>() >= o.variance_floor);
  CHECK(refined.iterations == 400);
  CHECK(refined.mean_log_likelihood == Approx(refined.log_likelihood(d.x).mean().item<double>()));
}

TEST_CASE("Label refinement with no steps returns the starting mixture; bad input is refused", "[fast][metrics]") {
  const auto d = two_groups(20);
  const auto ml = fit_gaussian_mixture(d.x, d.labels, 2);
  LabelRefinementOptions none;
  none.steps = 0;
  const auto same = refine_mixture_to_labels(ml, d.x, d.labels, none);
  CHECK(torch::allclose(same.means, ml.means));
  CHECK(torch::allclose(same.variances, ml.variances));
  CHECK(torch::allclose(same.weights, ml.weights));
  CHECK_THROWS_AS(refine_mixture_to_labels(ml, d.x, d.labels + 1), Error);             // label 2 of 2
  CHECK_THROWS_AS(refine_mixture_to_labels(ml, d.x, d.labels.slice(0, 0, 5)), Error);  // wrong length
  CHECK_THROWS_AS(refine_mixture_to_labels(ml, torch::zeros({40, 3}), d.labels), Error);
  auto bad = d.x.clone();
  bad[3][0] = std::nan("");
  CHECK_THROWS_AS(refine_mixture_to_labels(ml, bad, d.labels), Error);
  LabelRefinementOptions negative;
  negative.steps = -1;
  CHECK_THROWS_AS(refine_mixture_to_labels(ml, d.x, d.labels, negative), Error);
  CHECK_THROWS_AS(label_cross_entropy(GaussianMixture{}, d.x, d.labels), Error);
}
