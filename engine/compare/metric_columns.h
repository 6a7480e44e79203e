#pragma once
// The clustering and disentanglement columns of the comparison table (spec §7, §8), computed for one
// trained model on one evaluation set, so that `vaelab-cli compare` (compare/comparison_table) needs a
// single call:
//   "cluster_acc", "nmi"  when the set has labels: the model's clusters against the labels.
//        VaDE: argmax_c q(c|x) at the encoder mean. Any other variant: the "VAE+GMM" baseline of the
//        VaDE paper: a diagonal GMM with one component per class (best of 10 k-means++ runs, EM) fitted to the
//        encoder means of the same rows on their informative dimensions (metrics/informative_dimensions.h),
//        each row assigned to its most probable component.
//   "mig", "factor_vae_score"  when the set has known factors (shapes) and the latent has >= 2 dims:
//        both on the encoder means (disentanglement_lib's convention).
// Contracts
// - The model is only read (encode under NoGradGuard; the train/eval mode is left as it is): pass a
//   snapshot copy when a trainer runs. Rows: the first `limit` of the set.
// - Columns that do not apply are left out (never NaN). Deterministic for a given seed.
// - Throws vaelab::Error only for an empty set; progress(done, total) may return false to cancel
//   (TaskCancelled, as encode_dataset).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

namespace vaelab {

class ComparisonTable;  // compare/comparison_table.h

struct MetricColumnOptions {
  int64_t limit = 10000;    // rows of the evaluation set used
  int64_t batch_size = 512;
  uint64_t seed = 0;        // k-means++ and FactorVAE-score votes
  bool clustering = true;
  bool disentanglement = true;
};

using MetricColumns = std::vector<std::pair<std::string, double>>;

MetricColumns metric_columns(Model& model, const Dataset& data, const MetricColumnOptions& options = {},
                             const std::function<bool(int64_t done, int64_t total)>& progress = {});

// Names of the columns metric_columns may produce, in order (for table headers).
std::vector<std::string> metric_column_names();

// Registers the provider and the four columns above ("cluster acc", "NMI", "MIG", "FactorVAE score")
// in a comparison table; standard_comparison_table() calls it (one line). The provider scores the run's
// evaluated view with the comparison's limit and seed.
void add_metric_columns(ComparisonTable& table);

}  // namespace vaelab
