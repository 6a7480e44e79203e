#pragma once
// What the clusters view shows, computed off the UI thread: the latent means of up to `limit` inputs of
// an evaluation set, their projection on the first two principal components, and for VaDE the most
// probable mixture component argmax_c q(c|x) of each.
//
// Contracts
// - Encoding as encode_dataset (analysis/latent_codes.h): under NoGradGuard on the model's device,
//   without changing the model's mode (pass a published snapshot, never the training model).
// - progress(fraction in [0,1], status) is called after each encoded batch ("encoding i/n", fractions up
//   to 0.9), before the PCA ("PCA") and at the end ("done"); returning false stops the run by throwing
//   TaskCancelled (core/task.h), so a run inside a Task ends "cancelled".
// - Results are on the CPU: codes as encode_dataset's; pca.projection float32 [n, 2]; vade_cluster int64
//   [n] (undefined unless the model is VaDE).
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "analysis/latent_codes.h"
#include "data/dataset.h"
#include "models/model.h"
#include "stats/pca.h"

namespace vaelab {

struct ClusterProjection {
  LatentCodes codes;
  PcaResult pca;
  torch::Tensor vade_cluster;  // int64 [n] argmax_c q(c|x); undefined unless the model is VaDE
  int64_t vade_clusters = 0;   // VaDE's number of components (0 otherwise)
};

using ClusterProjectionProgress = std::function<bool(float fraction, const std::string& status)>;

ClusterProjection project_clusters(Model& model, const Dataset& data, int64_t limit,
                                   const ClusterProjectionProgress& progress = {});

}  // namespace vaelab
