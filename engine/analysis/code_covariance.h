#pragma once
// The covariance and correlation of latent codes (encoder means), as the HEBAE paper's Fig. 2 shows them:
//   Cov(mu) = (1/M) sum_i (mu_i - mean)(mu_i - mean)^T   (biased, as the indicators' ||Cov(mu) - I||_F)
//   corr_jk = Cov_jk / sqrt(Cov_jj Cov_kk)              (NaN where a dimension does not vary)
// in the codes' own coordinates: the standard normal N(0, I) that VAE, WAE and HEBAE all target.
// ||Cov(mu) - I||_F and the largest off-diagonal |corr| (and its pair) summarise them.
#include <cstdint>
#include <torch/types.h>
#include <vector>

namespace vaelab {

struct CodeCovariance {
  int64_t dims = 0;     // H
  int64_t samples = 0;  // M
  std::vector<double> covariance;   // H x H, row-major
  std::vector<double> correlation;  // H x H, row-major; NaN where a variance is 0
  double identity_frobenius = 0.0;  // ||Cov(mu) - I||_F
  double max_abs_off_diagonal_correlation = 0.0;  // NaN when H < 2 or no pair has a correlation
  int64_t max_pair_row = -1, max_pair_col = -1;   // the pair (row < col) that reaches it
  double cov(int64_t j, int64_t k) const { return covariance[static_cast<size_t>(j * dims + k)]; }
  double corr(int64_t j, int64_t k) const { return correlation[static_cast<size_t>(j * dims + k)]; }
};

// mu: [M, H] with M >= 2 (any device and float type). Throws vaelab::Error otherwise.
CodeCovariance code_covariance(const torch::Tensor& mu);

}  // namespace vaelab
