#include "metrics/gmm_label_refinement.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"

namespace vaelab {

namespace {

constexpr double kLog2Pi = 1.8378770664093454835606594728112;

// log pi_k + log N(x_i; mu_k, exp(logvar_k)), {N, K}, differentiable in all three parameter tensors.
torch::Tensor log_joint(const torch::Tensor& x, const torch::Tensor& log_pi, const torch::Tensor& mu,
                        const torch::Tensor& logvar) {
  const auto inv = (-logvar).exp();  // {K, D}
  const auto quad = torch::mm(x * x, inv.t()) - 2.0 * torch::mm(x, (mu * inv).t()) + (mu * mu * inv).sum(1).unsqueeze(0);
  const auto norm = (logvar.sum(1) + kLog2Pi * static_cast<double>(mu.size(1))).unsqueeze(0);
  return log_pi.unsqueeze(0) - 0.5 * (quad + norm);
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
  const auto lj = log_joint(c.x, g.weights.to(torch::kCPU, torch::kDouble).log(),
                            g.means.to(torch::kCPU, torch::kDouble), g.variances.to(torch::kCPU, torch::kDouble).log());
  return torch::nll_loss(torch::log_softmax(lj, 1), c.labels).item<double>();
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
      // log_softmax over log_pi makes the weights a distribution whatever log_pi becomes.
      const auto lj = log_joint(c.x, torch::log_softmax(log_pi, 0), mu, logvar);
      torch::nll_loss(torch::log_softmax(lj, 1), c.labels).backward();
      adam.step();
      torch::NoGradGuard no_grad;
      logvar.clamp_min_(std::log(floor));
    }
  }
  torch::NoGradGuard no_grad;
  GaussianMixture g;
  g.weights = torch::softmax(log_pi.detach(), 0);
  g.means = mu.detach().clone();
  g.variances = logvar.detach().exp();
  g.iterations = options.steps;
  g.converged = false;
  g.mean_log_likelihood = g.log_likelihood(c.x).mean().item<double>();
  return g;
}

}  // namespace vaelab
