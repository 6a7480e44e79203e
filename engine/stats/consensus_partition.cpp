#include "stats/consensus_partition.h"

#include <fmt/format.h>

#include "core/error.h"
#include "metrics/nmi.h"

namespace vaelab {

std::vector<double> mean_agreement(const std::vector<torch::Tensor>& partitions) {
  const std::size_t n = partitions.size();
  if (n == 0) throw Error("consensus partition: no partitions given");
  for (const auto& p : partitions)
    if (!p.defined() || p.numel() != partitions.front().numel())
      throw Error(fmt::format("consensus partition: partitions must all have {} entries", partitions.front().numel()));
  std::vector<double> mean(n, n == 1 ? 1.0 : 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double nmi = normalized_mutual_information(partitions[i], partitions[j]);
      mean[i] += nmi / static_cast<double>(n - 1);
      mean[j] += nmi / static_cast<double>(n - 1);
    }
  return mean;
}

std::size_t medoid_partition(const std::vector<torch::Tensor>& partitions) {
  const auto mean = mean_agreement(partitions);
  std::size_t best = 0;
  for (std::size_t i = 1; i < mean.size(); ++i)
    if (mean[i] > mean[best]) best = i;
  return best;
}

}  // namespace vaelab
