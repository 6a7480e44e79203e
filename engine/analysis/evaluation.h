#pragma once
// Held-out likelihood evaluation: the negative ELBO (beta = 1), the model's named loss terms, and the
// importance-weighted (IWAE-k) estimate of -log p(x), over a dataset in batches.
//
// Contracts
// - Runs under torch::NoGradGuard with the model in eval mode; the model's train/eval mode is restored
//   on return. The model is used by this thread only for the duration of the call (Model contract), so
//   pass a snapshot copy (ModelSnapshot::model) when a trainer is running.
// - Inputs follow the model's device (the device of its first parameter or buffer, CPU when it has
//   none); results are plain doubles.
// - IWAE-k: for each input, k importance samples log w_i = Model::log_importance_weight (one row per
//   sample, inputs repeated k times in the batch), log p(x) ~ logsumexp_i log w_i - log k. This uses only
//   the Model interface, so it works for every variant. k = 1 gives an ELBO estimate; the estimate is
//   non-decreasing in k in expectation (Burda et al. 2016).
// - Sampling uses torch's global generator; when `seed` >= 0 it is reseeded first so that two calls with
//   the same options see the same noise.
// - Dequantisation (data/dequantization.h): with `dequantize`, 8-bit image batches become
//   y = (k + u)/256 before the model sees them, u seeded per input row by `seed` (>= 0; the same u for an
//   input in the nelbo and the IWAE pass, whatever the batching), or drawn from torch's generator as it
//   stands (seed < 0). The caller decides whether the run dequantises (analysis/likelihood_kind.h:
//   dequantization_applies, from the run's preset key "dequantize", its likelihood and its data);
//   Evaluation::dequantized records whether it happened. analysis/likelihood_units.h turns the result
//   into nats and bits per dimension.
// - The result converts to a JSON object (to_json()); callers may append further keys (indicators) to
//   that object before printing it, so nothing here assumes it owns the whole object.
#include <cstdint>
#include <functional>
#include <torch/types.h>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "data/dequantization.h"
#include "models/model.h"

namespace vaelab {

struct EvaluationOptions {
  int64_t batch_size = 256;     // inputs per forward pass for nelbo/terms
  int64_t iwae_k = 0;           // importance samples per input; 0 = skip IWAE
  int64_t limit = 0;            // evaluate only the first `limit` inputs; 0 = all
  int64_t max_rows = 8192;      // cap on inputs x samples per IWAE forward pass (memory)
  int64_t seed = 0;             // reseed torch's generator first; < 0 leaves it alone
  bool dequantize = false;      // dequantise 8-bit image batches (seeded by `seed`); see the contracts
};

// Called after each batch with (inputs done, inputs total) for each pass; return false to cancel.
using EvaluationProgress = std::function<bool(int64_t done, int64_t total)>;

struct Evaluation {
  int64_t samples = 0;       // inputs evaluated
  double nelbo = 0.0;        // mean over inputs of Model::nelbo (nats per sample, beta = 1)
  std::vector<std::pair<std::string, double>> terms;  // mean of each named LossTerms value, "loss" first
  int64_t iwae_k = 0;        // 0 when IWAE was not run
  double iwae_nll = 0.0;     // mean over inputs of -log p(x) estimated with iwae_k samples
  bool cancelled = false;    // the progress callback asked to stop; values cover `samples` inputs
  bool dequantized = false;  // the evaluated batches were dequantised (options.dequantize on 8-bit images)

  // {"samples", "nelbo", "terms": {name: value}, "dequantized", and "iwae_nll", "iwae_k" when IWAE ran}.
  nlohmann::json to_json() const;
};

// Batch-size-weighted sums of named values (a model's LossTerms::values()), so that their means are
// means over inputs whatever the batching. Names keep their first-seen order.
class TermMeans {
 public:
  void add(const std::vector<std::pair<std::string, double>>& values, int64_t inputs);
  std::vector<std::pair<std::string, double>> means() const;  // empty before the first add
  int64_t inputs() const { return inputs_; }

 private:
  std::vector<std::pair<std::string, double>> sums_;
  int64_t inputs_ = 0;
};

// The test-view pass the trainer runs at each epoch end: the mean of each named term of
// model.loss(batch, info) over the first `limit` inputs of `data` (0 = all), in batches of
// `batch_size`, under NoGradGuard in eval mode (the mode is restored). Random draws come from torch's
// generator as it stands (the caller owns the stream). `progress` is asked after each batch; when it
// says stop, the result holds the batches done and `complete` is false. Batches are drawn through
// `dequantization` (data/dequantization.h; the trainer passes its run's, seeded, so that every epoch's
// test pass sees the same dequantised inputs).
struct LossTermsMean {
  std::vector<std::pair<std::string, double>> means;
  int64_t inputs = 0;
  bool complete = false;
};
LossTermsMean mean_loss_terms(Model& model, const Dataset& data, const StepInfo& info, int64_t batch_size,
                              int64_t limit = 0, const EvaluationProgress& progress = {},
                              const Dequantization& dequantization = {});

// Evaluates `model` on `data` (or its first options.limit inputs). Throws vaelab::Error on bad options
// or an empty dataset, and when the model produces a non-finite nelbo.
Evaluation evaluate_likelihood(Model& model, const Dataset& data, const EvaluationOptions& options = {},
                               const EvaluationProgress& progress = {});

// Per-input IWAE estimate of log p(x), {B} (on the model's device), for one batch: k samples each, in
// passes of at most max_rows rows. Exposed for tests and for views that show per-input likelihoods.
torch::Tensor iwae_log_likelihood(Model& model, const Batch& batch, int64_t k, int64_t max_rows = 8192);

}  // namespace vaelab
