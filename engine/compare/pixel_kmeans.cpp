#include "compare/pixel_kmeans.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>

#include "stats/kmeans.h"
#include "core/error.h"
#include "metrics/cluster_accuracy.h"
#include "metrics/nmi.h"

namespace vaelab {

MetricColumns pixel_kmeans_columns(const Dataset& view, uint64_t seed, int64_t restarts) {
  if (view.size() == 0) throw Error("k-means on pixels: the evaluation set is empty");
  if (!view.labels.defined()) throw Error("k-means on pixels: the evaluation set has no labels to score against");
  const int64_t classes = std::max<int64_t>(view.num_classes(), view.labels.max().item<int64_t>() + 1);
  if (classes < 2 || classes > view.size())
    throw Error(fmt::format("k-means on pixels: needs 2 to {} classes, the set has {}", view.size(), classes));
  const auto x = view.inputs(0, view.size()).reshape({view.size(), -1});
  const KMeansResult km = kmeans_best_of(x, classes, seed, restarts);
  return {{"cluster_acc", cluster_accuracy(km.assignments, view.labels)},
          {"nmi", normalized_mutual_information(km.assignments, view.labels)}};
}

}  // namespace vaelab
