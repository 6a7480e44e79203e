#include "metrics/cluster_accuracy.h"

#include <fmt/format.h>

#include "core/error.h"
#include "metrics/hungarian.h"

namespace vaelab {

torch::Tensor contingency_matrix(const torch::Tensor& a_in, const torch::Tensor& b_in, const char* what) {
  if (!a_in.defined() || !b_in.defined()) throw Error(fmt::format("{}: both assignments must be given", what));
  auto a = a_in.detach().to(torch::kCPU, torch::kLong).reshape({-1});
  auto b = b_in.detach().to(torch::kCPU, torch::kLong).reshape({-1});
  if (a.numel() != b.numel())
    throw Error(fmt::format("{}: {} predicted clusters but {} labels", what, a.numel(), b.numel()));
  if (a.numel() == 0) throw Error(fmt::format("{}: no samples", what));
  if (a.min().item<int64_t>() < 0 || b.min().item<int64_t>() < 0)
    throw Error(fmt::format("{}: cluster ids and labels must be >= 0", what));
  const int64_t ra = a.max().item<int64_t>() + 1;
  const int64_t rb = b.max().item<int64_t>() + 1;
  auto flat = torch::bincount(a * rb + b, /*weights=*/{}, ra * rb);
  return flat.view({ra, rb}).to(torch::kLong);
}

ClusterMatching match_clusters(const torch::Tensor& predicted, const torch::Tensor& labels) {
  ClusterMatching m;
  m.contingency = contingency_matrix(predicted, labels, "cluster accuracy");
  const int64_t clusters = m.contingency.size(0), classes = m.contingency.size(1);
  auto acc = m.contingency.accessor<int64_t, 2>();
  std::vector<std::vector<double>> weight(clusters, std::vector<double>(classes));
  int64_t n = 0;
  for (int64_t c = 0; c < clusters; ++c)
    for (int64_t l = 0; l < classes; ++l) {
      weight[c][l] = static_cast<double>(acc[c][l]);
      n += acc[c][l];
    }
  const Assignment best = max_weight_assignment(weight);
  m.label_of_cluster = best.column_of_row;
  m.accuracy = best.total / static_cast<double>(n);
  return m;
}

double cluster_accuracy(const torch::Tensor& predicted, const torch::Tensor& labels) {
  return match_clusters(predicted, labels).accuracy;
}

}  // namespace vaelab
