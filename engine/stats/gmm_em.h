#pragma once
// Gaussian mixture with diagonal covariances fitted by expectation-maximisation (our own EM):
//   p(x) = sum_k pi_k N(x; mu_k, diag sigma_k^2).
// Used to initialise VaDE's prior from pre-trained codes and for the "VAE + GMM" clustering baseline.
//
// EM, one iteration (all in float64):
//   E: log r_ik = log pi_k + log N(x_i; mu_k, sigma_k^2) - logsumexp_k(...)
//   M: N_k = sum_i r_ik, pi_k = N_k / N, mu_k = sum_i r_ik x_i / N_k,
//      sigma_k^2 = sum_i r_ik x_i^2 / N_k - mu_k^2 + variance_floor
// until the mean log-likelihood improves by less than `tolerance` or max_iter iterations are done.
//
// Contracts
// - x is {N, D} (any device; the fit runs on x's device in float64, results are float64 on that device).
// - Initialisation is a hard assignment initial_labels {N} with values in [0, K) (e.g. k-means++ from
//   stats/kmeans): the first M-step runs on it. A component that loses all its samples keeps its
//   previous mean/variance with weight ~0 (no NaN).
// - Throws vaelab::Error on bad shapes, K < 1, labels out of range or non-finite x.
#include <torch/types.h>

#include <cstdint>

namespace vaelab {

struct GaussianMixture {
  torch::Tensor weights;    // {K}    pi_k, sums to 1
  torch::Tensor means;      // {K, D} mu_k
  torch::Tensor variances;  // {K, D} sigma_k^2
  int64_t iterations = 0;   // EM iterations run
  bool converged = false;   // stopped by the tolerance rather than max_iter
  double mean_log_likelihood = 0.0;  // (1/N) sum_i log p(x_i) at the returned parameters

  int64_t components() const { return weights.defined() ? weights.size(0) : 0; }
  // log pi_k + log N(x_i; mu_k, sigma_k^2), {N, K} float64.
  torch::Tensor log_joint(const torch::Tensor& x) const;
  // Posterior responsibilities r_ik = p(k | x_i), {N, K}, rows sum to 1.
  torch::Tensor responsibilities(const torch::Tensor& x) const;
  // argmax_k r_ik, int64 {N}.
  torch::Tensor predict(const torch::Tensor& x) const;
  // log p(x_i), {N}.
  torch::Tensor log_likelihood(const torch::Tensor& x) const;
};

struct GmmOptions {
  int64_t max_iter = 100;        // 0: only the M-step on initial_labels (one Gaussian per labelled group)
  double tolerance = 1e-6;       // on the change of the mean log-likelihood (nats per sample)
  double variance_floor = 1e-6;  // added to every variance (as scikit-learn's reg_covar)
};

GaussianMixture fit_gaussian_mixture(const torch::Tensor& x, const torch::Tensor& initial_labels, int64_t k,
                                     const GmmOptions& options = {});

}  // namespace vaelab
