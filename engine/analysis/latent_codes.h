#pragma once
// Posterior parameters of an evaluation set, with labels: what the clusters view projects and colours.
//
// Contracts
// - Encodes rows of `data` in batches under torch::NoGradGuard on the model's device, without changing
//   the model's train/eval mode (the model is a published snapshot: eval mode, read-only; pass a
//   snapshot copy, never the training model). Conditional models get the rows' labels.
// - Which rows: `options.rows` when defined (int64 indices), else the first min(N, options.limit) rows.
//   limit is capped at 70,000 (the largest evaluation set the views handle).
// - Results are CPU float32: mu [n, H]; logvar [n, H] or undefined (deterministic encoders); labels
//   int64 [n] or undefined; index int64 [n] (rows of `data`).
// - progress(done, total) is called after each batch; returning false throws TaskCancelled
//   (core/task.h), so a run inside a Task ends "cancelled".
// - Throws vaelab::Error for an empty dataset or out-of-range rows.
#include <torch/types.h>

#include <cstdint>
#include <functional>

#include "data/dataset.h"
#include "models/model.h"

namespace vaelab {

struct LatentCodeOptions {
  int64_t limit = 10000;   // at most this many rows (<= 70,000)
  int64_t batch_size = 512;
  torch::Tensor rows;      // optional explicit int64 row indices (limit then ignored)
};

struct LatentCodes {
  torch::Tensor mu;
  torch::Tensor logvar;
  torch::Tensor labels;
  torch::Tensor index;
  int64_t size() const { return mu.defined() ? mu.size(0) : 0; }
};

constexpr int64_t kMaxLatentCodes = 70000;

LatentCodes encode_dataset(Model& model, const Dataset& data, const LatentCodeOptions& options = {},
                           const std::function<bool(int64_t done, int64_t total)>& progress = {});

}  // namespace vaelab
