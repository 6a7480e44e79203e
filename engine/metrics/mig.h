#pragma once
// Mutual Information Gap (Chen et al. 2018, "Isolating Sources of Disentanglement in VAEs"), in the
// histogram form of disentanglement_lib: for each known factor v_k,
//   MIG_k = (I(z_(1); v_k) - I(z_(2); v_k)) / H(v_k),
// where z_(1), z_(2) are the code dimensions with the largest and second-largest mutual information
// with v_k, and MIG is the mean of MIG_k over the factors that vary (H(v_k) > 0).
// Codes are discretised per dimension into `bins` equal-width bins over that dimension's range (20 by
// default); factors are discrete already (distinct values -> ids). I and H are in nats.
//
// Contracts
// - codes {N, H} float (typically encoder means over the dataset), factors {N, F} (any numeric type,
//   each column taking a few distinct values, as Dataset::factors). Any device; computed on the CPU.
// - N > 1, H >= 2 (a gap needs two dimensions), F >= 1, else vaelab::Error.
// - A constant code dimension falls in one bin (I = 0 with every factor).
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace vaelab {

struct MigResult {
  double mig = 0.0;                   // mean of per_factor over the varying factors
  std::vector<double> per_factor;     // MIG_k (0 for constant factors)
  std::vector<double> factor_entropy; // H(v_k), nats
  torch::Tensor mutual_information;   // float64 {H, F}: I(z_j; v_k) in nats
  std::vector<int64_t> best_dim;      // argmax_j I(z_j; v_k) per factor
};

MigResult mutual_information_gap(const torch::Tensor& codes, const torch::Tensor& factors, int64_t bins = 20);

// Equal-width histogram ids of each column of x {N, H}: int64 {N, H} in [0, bins). Exposed for tests.
torch::Tensor discretize_columns(const torch::Tensor& x, int64_t bins);

}  // namespace vaelab
