#pragma once
// Normalised mutual information between two partitions of the same samples (cluster ids vs labels):
//   NMI = I(U; V) / ((H(U) + H(V)) / 2)      (arithmetic-mean normalisation, scikit-learn's default)
// with I and H computed from the contingency matrix in nats (the base cancels). Invariant to renaming
// the ids of either partition.
//
// Contracts
// - Inputs as for cluster_accuracy: integer tensors {N}, values >= 0, equal lengths, N > 0.
// - When both partitions are a single group (H(U) = H(V) = 0) the partitions are identical: NMI = 1.
//   When only one is, I = 0 and NMI = 0.
#include <torch/types.h>

namespace vaelab {

double normalized_mutual_information(const torch::Tensor& a, const torch::Tensor& b);
// I(U; V) in nats, from the same contingency counts (exposed for tests and views).
double mutual_information(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace vaelab
