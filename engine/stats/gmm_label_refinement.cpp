#include "stats/gmm_label_refinement.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace vaelab {

namespace {

// The mixture with weights softmax(log_pi) and variances exp(logvar), built from differentiable tensors so
// that GaussianMixture::log_joint's value carries gradients to all three (softmax keeps the weights a
// distribution whatever log_pi becomes).
GaussianMixture mixture_of(const torch::Tensor& log_pi, const torch::Tensor& mu, const torch::Tensor& logvar) {
  GaussianMixture g;
  g.weights = torch::softmax(log_pi, 0);
  g.means = mu;
  g.variances = logvar.exp();
  return g;
}

struct Checked {
  torch::Tensor x, labels;
};

Checked check(const GaussianMixture& g, const torch::Tensor& x_in, const torch::Tensor& labels_in) {
  const int64_t k = g.components();
  if (k < 1 || !g.means.defined() || g.means.dim() != 2 || !g.variances.defined() ||
      g.variances.sizes() != g.means.sizes() || g.weights.size(0) != g.means.size(0))
    throw Error("GMM label refinement: the starting mixture is not a fitted {K, D} mixture");
  if (!x_in.defined() || x_in.dim() != 2 || x_in.size(0) == 0 || x_in.size(1) != g.means.size(1))
    throw Error(fmt::format("GMM label refinement: data must be a non-empty {{N, {}}} tensor", g.means.size(1)));
  Checked c;
  c.x = x_in.detach().to(torch::kCPU, torch::kDouble);
  if (!torch::isfinite(c.x).all().item<bool>()) throw Error("GMM label refinement: data contains non-finite values");
  if (!labels_in.defined() || labels_in.numel() != c.x.size(0))
    throw Error(fmt::format("GMM label refinement: labels must have one entry per row ({})", c.x.size(0)));
  c.labels = labels_in.detach().to(torch::kCPU, torch::kLong).reshape({-1});
  if (c.labels.min().item<int64_t>() < 0 || c.labels.max().item<int64_t>() >= k)
    throw Error(fmt::format("GMM label refinement: labels must lie in [0, {})", k));
  return c;
}

}  // namespace

double label_cross_entropy(const GaussianMixture& g, const torch::Tensor& x, const torch::Tensor& labels) {
  const Checked c = check(g, x, labels);
  torch::NoGradGuard no_grad;
  return torch::nll_loss(torch::log_softmax(g.log_joint(c.x).cpu(), 1), c.labels).item<double>();
}

GaussianMixture refine_mixture_to_labels(const GaussianMixture& start, const torch::Tensor& x,
                                         const torch::Tensor& labels, const LabelRefinementOptions& options) {
  if (options.steps < 0) throw Error("GMM label refinement: steps must be >= 0");
  if (!(options.learning_rate > 0)) throw Error("GMM label refinement: learning_rate must be > 0");
  const Checked c = check(start, x, labels);
  const double floor = std::max(options.variance_floor, 1e-300);
  auto log_pi = start.weights.detach().to(torch::kCPU, torch::kDouble).log().clone().requires_grad_(true);
  auto mu = start.means.detach().to(torch::kCPU, torch::kDouble).clone().requires_grad_(true);
  auto logvar = start.variances.detach().to(torch::kCPU, torch::kDouble).clamp_min(floor).log().clone().requires_grad_(true);
  {
    torch::AutoGradMode grad(true);
    torch::optim::Adam adam({log_pi, mu, logvar}, torch::optim::AdamOptions(options.learning_rate));
    for (int64_t step = 0; step < options.steps; ++step) {
      adam.zero_grad();
      const auto lj = mixture_of(log_pi, mu, logvar).log_joint(c.x);
      torch::nll_loss(torch::log_softmax(lj, 1), c.labels).backward();
      adam.step();
      torch::NoGradGuard no_grad;
      logvar.clamp_min_(std::log(floor));
    }
  }
  torch::NoGradGuard no_grad;
  GaussianMixture g = mixture_of(log_pi.detach(), mu.detach().clone(), logvar.detach());
  g.iterations = options.steps;
  g.converged = false;
  g.mean_log_likelihood = g.log_likelihood(c.x).mean().item<double>();
  return g;
}

}  // namespace vaelab
