#include "stats/gmm_em.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace vaelab {

namespace {

constexpr double kLog2Pi = 1.8378770664093454835606594728112;

// M-step from responsibilities r {N, K}; keeps the previous parameters of empty components.
void maximise(GaussianMixture& g, const torch::Tensor& x, const torch::Tensor& r, double floor) {
  const auto nk = r.sum(0);  // {K}
  const auto safe = nk.clamp_min(1e-12).unsqueeze(1);
  auto means = torch::mm(r.t(), x) / safe;
  auto variances = (torch::mm(r.t(), x * x) / safe - means * means).clamp_min(0.0) + floor;
  const auto empty = (nk < 1e-10).unsqueeze(1);
  if (g.means.defined()) {
    means = torch::where(empty, g.means, means);
    variances = torch::where(empty, g.variances, variances);
  } else {
    // First M-step with an empty label: put the component at the data mean with the data variance.
    means = torch::where(empty, x.mean(0).unsqueeze(0).expand_as(means), means);
    variances = torch::where(empty, (x.var(0, false) + floor).unsqueeze(0).expand_as(variances), variances);
  }
  g.means = means;
  g.variances = variances;
  g.weights = (nk / nk.sum()).clamp_min(1e-300);
  g.weights = g.weights / g.weights.sum();
}

}  // namespace

torch::Tensor GaussianMixture::log_joint(const torch::Tensor& x_in) const {
  const auto x = x_in.to(means.device(), torch::kDouble);
  // sum_d log N(x_d; mu_kd, s_kd) = -1/2 sum_d [log 2 pi + log s + (x - mu)^2 / s], expanded so that the
  // {N, K} result comes from matrix products instead of an {N, K, D} tensor.
  const auto inv = variances.reciprocal();                                     // {K, D}
  const auto quad = torch::mm(x * x, inv.t()) - 2.0 * torch::mm(x, (means * inv).t()) +
                    (means * means * inv).sum(1).unsqueeze(0);                 // {N, K}
  const auto norm = (variances.log().sum(1) + kLog2Pi * static_cast<double>(means.size(1))).unsqueeze(0);
  return weights.log().unsqueeze(0) - 0.5 * (quad + norm);
}

torch::Tensor GaussianMixture::responsibilities(const torch::Tensor& x) const {
  const auto lj = log_joint(x);
  return (lj - torch::logsumexp(lj, 1, true)).exp();
}

torch::Tensor GaussianMixture::predict(const torch::Tensor& x) const { return log_joint(x).argmax(1); }

torch::Tensor GaussianMixture::log_likelihood(const torch::Tensor& x) const {
  return torch::logsumexp(log_joint(x), 1);
}

GaussianMixture fit_gaussian_mixture(const torch::Tensor& x_in, const torch::Tensor& initial_labels, int64_t k,
                                     const GmmOptions& options) {
  if (!x_in.defined() || x_in.dim() != 2 || x_in.size(0) == 0)
    throw Error("GMM EM: data must be a non-empty {N, D} tensor");
  if (k < 1) throw Error(fmt::format("GMM EM: number of components must be >= 1, got {}", k));
  if (options.max_iter < 0) throw Error("GMM EM: max_iter must be >= 0");
  const auto x = x_in.detach().to(torch::kDouble);
  if (!torch::isfinite(x).all().item<bool>()) throw Error("GMM EM: data contains non-finite values");
  if (!initial_labels.defined() || initial_labels.numel() != x.size(0))
    throw Error(fmt::format("GMM EM: initial_labels must have one label per row ({})", x.size(0)));
  const auto labels = initial_labels.detach().to(x.device(), torch::kLong).reshape({-1});
  if (labels.min().item<int64_t>() < 0 || labels.max().item<int64_t>() >= k)
    throw Error(fmt::format("GMM EM: initial labels must lie in [0, {})", k));

  GaussianMixture g;
  maximise(g, x, torch::one_hot(labels, k).to(torch::kDouble), options.variance_floor);
  double previous = -std::numeric_limits<double>::infinity();
  for (int64_t it = 0; it < options.max_iter; ++it) {
    const auto lj = g.log_joint(x);
    const auto lse = torch::logsumexp(lj, 1, true);
    const double mean_ll = lse.mean().item<double>();
    g.iterations = it + 1;
    g.mean_log_likelihood = mean_ll;
    if (std::abs(mean_ll - previous) < options.tolerance) {
      g.converged = true;
      break;
    }
    previous = mean_ll;
    maximise(g, x, (lj - lse).exp(), options.variance_floor);
  }
  if (!g.converged) g.mean_log_likelihood = g.log_likelihood(x).mean().item<double>();
  return g;
}

}  // namespace vaelab
