#pragma once
// Clustering accuracy: the share of samples whose cluster, mapped to a label by the best one-to-one
// matching of clusters to labels, equals their label (Hungarian algorithm on the contingency matrix).
// This is the "ACC" of the VaDE paper (Jiang et al. 2017): max over one-to-one maps m of
// (1/N) sum_i 1{l_i = m(c_i)}.
//
// Contracts
// - predicted and labels are integer tensors {N} (any device), values >= 0; N > 0 and equal lengths,
//   else vaelab::Error.
// - The number of clusters may differ from the number of labels: clusters left unmatched (more clusters
//   than labels) count as wrong for all their samples.
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace vaelab {

struct ClusterMatching {
  double accuracy = 0.0;                 // in [0, 1]
  std::vector<int64_t> label_of_cluster;  // index = cluster id, -1 when unmatched
  torch::Tensor contingency;             // int64 {clusters, labels}: counts of (cluster, label) pairs
};

ClusterMatching match_clusters(const torch::Tensor& predicted, const torch::Tensor& labels);
// match_clusters(...).accuracy
double cluster_accuracy(const torch::Tensor& predicted, const torch::Tensor& labels);

// Counts of (a, b) pairs, int64 {max(a)+1, max(b)+1} on the CPU; shared by accuracy and NMI.
// Throws vaelab::Error on negative values, length mismatch or empty input (`what` names the caller).
torch::Tensor contingency_matrix(const torch::Tensor& a, const torch::Tensor& b, const char* what);

}  // namespace vaelab
