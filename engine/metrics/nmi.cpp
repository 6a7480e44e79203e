#include "metrics/nmi.h"

#include <cmath>
#include <vector>

#include "metrics/cluster_accuracy.h"

namespace vaelab {

namespace {

struct PartitionInformation {
  double mutual = 0.0, entropy_a = 0.0, entropy_b = 0.0;
};

PartitionInformation information(const torch::Tensor& a, const torch::Tensor& b) {
  const auto table = contingency_matrix(a, b, "NMI").to(torch::kDouble);
  const double n = table.sum().item<double>();
  const auto row = table.sum(1), col = table.sum(0);
  auto t = table.accessor<double, 2>();
  auto r = row.accessor<double, 1>();
  auto c = col.accessor<double, 1>();
  PartitionInformation info;
  for (int64_t i = 0; i < r.size(0); ++i)
    if (r[i] > 0) info.entropy_a -= r[i] / n * std::log(r[i] / n);
  for (int64_t j = 0; j < c.size(0); ++j)
    if (c[j] > 0) info.entropy_b -= c[j] / n * std::log(c[j] / n);
  for (int64_t i = 0; i < r.size(0); ++i)
    for (int64_t j = 0; j < c.size(0); ++j)
      if (t[i][j] > 0) info.mutual += t[i][j] / n * std::log(t[i][j] * n / (r[i] * c[j]));
  info.mutual = std::max(0.0, info.mutual);  // rounding can leave -1e-17
  return info;
}

}  // namespace

double mutual_information(const torch::Tensor& a, const torch::Tensor& b) { return information(a, b).mutual; }

double normalized_mutual_information(const torch::Tensor& a, const torch::Tensor& b) {
  const auto info = information(a, b);
  if (info.entropy_a == 0.0 && info.entropy_b == 0.0) return 1.0;
  const double mean_entropy = 0.5 * (info.entropy_a + info.entropy_b);
  return std::min(1.0, info.mutual / mean_entropy);
}

}  // namespace vaelab
