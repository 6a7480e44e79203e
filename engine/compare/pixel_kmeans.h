#pragma once
// The "clustering on pixels" baseline of the VaDE paper's table (vae-lecture.md: GMM on pixels 53.73 %
// on full MNIST): k-means with one cluster per class straight on the inputs, scored like a model's
// clusters (cluster accuracy with Hungarian matching, NMI). `vaelab-cli compare --pixel-kmeans` puts it
// in the table next to the models (compare/comparison_runs.h, evaluate_pixel_kmeans_into).
//
// Contracts
// - view: a labelled dataset; every row is flattened to one vector of its [0, 1] inputs. k = the
//   number of classes (the largest of num_classes() and max label + 1), >= 2, else vaelab::Error.
// - k-means++ then Lloyd, best of `restarts` seeds (stats/kmeans_best_of), seeded: deterministic.
// - Returns {"cluster_acc", "nmi"}.
#include <cstdint>

#include "stats/kmeans.h"
#include "data/dataset.h"
#include "compare/metric_columns.h"

namespace vaelab {

MetricColumns pixel_kmeans_columns(const Dataset& view, uint64_t seed = 0, int64_t restarts = kKMeansRestarts);

}  // namespace vaelab
