#pragma once
// The standard columns of the comparison table: who the run is, its noise model, its held-out
// likelihood and reconstruction error, and its latent-space indicators; then the metric columns
// (compare/metric_columns.h).
//
// Keys (the noise paper's Table 1 columns plus likelihood and latent-space summaries):
//   name, variant, dataset, evaluated_on (the view's name, e.g. "mnist/test"), epochs, beta (the model's
//   parsed KL weight, Model::kl_weight(); null when the variant has none), noise (likelihood:
//   "bernoulli", "gaussian s2=0.01", "sse", "learned gaussian", "mog-2"), sigma2_k, pi_k (learned noise
//   state joined by "/"; null for fixed noise), test_nelbo (mean Model::nelbo over the test view: -EVLB
//   for noise-vae, the proposal's negative ELBO for wae-mmd; on dequantised data where the run's
//   "dequantize" setting applies, analysis/likelihood_kind.h), evlb (= -test_nelbo), bits_per_dim
//   (test_nelbo in bits per dimension on the row's likelihood_scale, analysis/likelihood_units.h),
//   likelihood_kind ("discrete" | "continuous"), likelihood_density, dequantized, likelihood_scale
//   ("dequantized-8bit" | "raw-8bit" | "binary" | "bernoulli-grey" | "vector"), likelihood_comparable and
//   likelihood_warning (set once every row is in, compare/likelihood_mix.h), recon_error (mean
//   over test inputs of sum_d (x_d - reconstruct(x)_d)^2, the posterior-mean reconstruction), kl_qz_pz
//   (Def. 4, D~ - I~), mutual_information (I~), average_kl (D~), inactive_count (#sigma^2 > 0.8),
//   influential_count (#I~ > 0.5), cov_mu_identity_frobenius, and model health (analysis/model_health.h):
//   recon_r2, input_dependence, active_units, health (the verdict's id), health_sentence,
//   variance_collapse_share and min_posterior_variance_ratio (posterior variance over the prior's, the
//   smallest dimension's; not for deterministic encoders), sharpness_ratio for images (gradient energy of
//   the reconstructions over the inputs', metrics/image_sharpness.h), and for toy
//   sets toy_distance, toy_distance_floor. With ComparisonOptions::iwae_k > 0 also iwae_k and
//   test_iwae_nll (the IWAE-k estimate of -log p(x) on the same inputs, analysis/evaluation.h).
#include "compare/comparison_table.h"

namespace vaelab {

// The providers and columns listed above. Further column sets are added in its body, one line each.
ComparisonTable standard_comparison_table();

}  // namespace vaelab
