#pragma once
// The metric series of a run: every named loss term per training step, and per epoch its training mean
// and its test-view value. Stored in checkpoints (to_json) and published in snapshots.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vaelab {

// Append-only metric series. Terms are named as the model's LossTerms ("loss" = total, first).
struct MetricHistory {
  std::vector<std::string> names;
  std::vector<int64_t> steps;                    // global step of each per-step row
  std::vector<std::vector<float>> per_step;      // [term][row], training batches
  std::vector<std::vector<float>> epoch_train;   // [term][epoch], mean over the epoch's batches
  std::vector<std::vector<float>> epoch_test;    // [term][epoch], on the test view (NaN if absent)

  int64_t index_of(const std::string& name) const;  // -1 when absent

  // The training thread's bookkeeping, in the order it happens:
  // one row per optimiser step (a new name gets a series, NaN before its first value) ...
  void record_step(int64_t step, int64_t epoch, const std::vector<std::pair<std::string, double>>& values);
  // ... at an epoch's end, each term's mean over the finite values of the last `epoch_steps` rows, and
  // a NaN test-view slot ...
  void close_epoch(int64_t epoch_steps);
  // ... which the test-view means fill (terms the history does not know are ignored).
  void set_epoch_test(const std::vector<std::pair<std::string, double>>& means);
  nlohmann::json to_json() const;
  static MetricHistory from_json(const nlohmann::json& j);
};

}  // namespace vaelab
