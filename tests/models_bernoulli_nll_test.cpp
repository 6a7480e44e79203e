// The Bernoulli negative log-likelihood's own forward and backward against hand-worked values, finite
// differences and LibTorch's binary_cross_entropy_with_logits.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "models/bernoulli_nll.h"

using namespace vaelab;

namespace {
// -log p(x | sigmoid(l)) for one element, written the stable way in long double.
double hand_nll(double l, double x) {
  const long double L = l, X = x;
  return static_cast<double>(std::max(L, 0.0L) - L * X + std::log1p(std::exp(-std::fabs(L))));
}
}  // namespace

TEST_CASE("Bernoulli nll equals hand-worked values, extreme logits included", "[fast][vae]") {
  const std::vector<double> ls = {0.0, 2.0, -1.0, 0.5, 30.0, -30.0, 100.0, -100.0};
  const std::vector<double> xs = {1.0, 0.0, 0.25, 1.0, 0.0, 1.0, 1.0, 0.0};
  auto logits = torch::tensor(ls, torch::kDouble).reshape({2, 1, 2, 2});
  auto x = torch::tensor(xs, torch::kDouble).reshape({2, 1, 2, 2});
  auto nll = bernoulli_nll_per_sample(logits, x);
  REQUIRE(nll.sizes() == torch::IntArrayRef{2});
  for (int s = 0; s < 2; ++s) {
    double hand = 0;
    for (int j = 0; j < 4; ++j) hand += hand_nll(ls[4 * s + j], xs[4 * s + j]);
    CHECK(nll[s].item<double>() == Approx(hand).epsilon(1e-12));
  }
  // The first sample by the textbook formula too: -sum x log p + (1 - x) log(1 - p).
  double textbook = 0;
  for (int j = 0; j < 4; ++j) {
    const double p = 1 / (1 + std::exp(-ls[j]));
    textbook -= xs[j] * std::log(p) + (1 - xs[j]) * std::log(1 - p);
  }
  CHECK(nll[0].item<double>() == Approx(textbook).epsilon(1e-12));
  CHECK(std::isfinite(nll[1].item<double>()));  // logits of +-100 stay finite
}

TEST_CASE("Bernoulli nll's gradients match the closed form and finite differences", "[fast][vae]") {
  torch::manual_seed(5);
  auto logits = (3 * torch::randn({3, 5}, torch::kDouble)).requires_grad_();
  auto x = torch::rand({3, 5}, torch::kDouble).requires_grad_();
  auto weights = torch::tensor({0.5, -2.0, 1.5}, torch::kDouble);  // upstream gradient per sample
  (bernoulli_nll_per_sample(logits, x) * weights).sum().backward();

  auto closed_logits = (torch::sigmoid(logits.detach()) - x.detach()) * weights.unsqueeze(1);
  auto closed_x = -logits.detach() * weights.unsqueeze(1);
  CHECK(torch::allclose(logits.grad(), closed_logits, 1e-12, 1e-12));
  CHECK(torch::allclose(x.grad(), closed_x, 1e-12, 1e-12));

  // Central differences of the weighted sum, element by element, from the forward pass alone.
  torch::NoGradGuard no_grad;
  auto objective = [&](const torch::Tensor& l, const torch::Tensor& t) {
    return (bernoulli_nll_per_sample(l, t) * weights).sum().item<double>();
  };
  const double h = 1e-6;
  double worst_logits = 0, worst_x = 0;
  for (int64_t i = 0; i < 3; ++i) {
    for (int64_t j = 0; j < 5; ++j) {
      auto lp = logits.detach().clone(), lm = logits.detach().clone();
      lp[i][j] += h;
      lm[i][j] -= h;
      const double fd_l = (objective(lp, x.detach()) - objective(lm, x.detach())) / (2 * h);
      worst_logits = std::max(worst_logits, std::fabs(fd_l - logits.grad()[i][j].item<double>()));
      auto xp = x.detach().clone(), xm = x.detach().clone();
      xp[i][j] += h;
      xm[i][j] -= h;
      const double fd_x = (objective(logits.detach(), xp) - objective(logits.detach(), xm)) / (2 * h);
      worst_x = std::max(worst_x, std::fabs(fd_x - x.grad()[i][j].item<double>()));
    }
  }
  CHECK(worst_logits < 1e-7);
  CHECK(worst_x < 1e-7);
}

TEST_CASE("Bernoulli nll agrees with LibTorch's BCE with logits in float32, values and gradients",
          "[fast][vae]") {
  torch::manual_seed(9);
  auto x = torch::rand({128, 784});
  auto ours = (4 * torch::randn({128, 784})).requires_grad_();
  auto theirs = ours.detach().clone().requires_grad_();
  auto upstream = torch::rand({128});
  auto a = bernoulli_nll_per_sample(ours, x);
  auto b = torch::binary_cross_entropy_with_logits(theirs, x, {}, {}, at::Reduction::None).sum(1);
  CHECK(torch::allclose(a, b, 1e-5, 1e-3));
  (a * upstream).sum().backward();
  (b * upstream).sum().backward();
  CHECK(torch::allclose(ours.grad(), theirs.grad(), 1e-5, 1e-6));
  // A different target changes the value: the comparison can fail.
  CHECK_FALSE(torch::allclose(bernoulli_nll_per_sample(ours.detach(), 1 - x), b.detach(), 1e-5, 1e-3));
}

TEST_CASE("Bernoulli nll refuses mismatched shapes and runs without autograd", "[fast][vae]") {
  CHECK_THROWS_AS(bernoulli_nll_per_sample(torch::zeros({2, 3}), torch::zeros({2, 4})), Error);
  CHECK_THROWS_AS(bernoulli_nll_per_sample(torch::zeros({}), torch::zeros({})), Error);
  torch::NoGradGuard no_grad;
  auto l = torch::zeros({2, 3}, torch::requires_grad());
  auto nll = bernoulli_nll_per_sample(l, torch::ones({2, 3}));
  CHECK_FALSE(nll.requires_grad());
  CHECK(nll[0].item<double>() == Approx(3 * std::log(2.0)).epsilon(1e-6));
}
