#pragma once
// What the training thread publishes for readers on other threads (GUI, CLI progress, tests).
//
// Contract: a TrainerSnapshot and everything it points to is immutable once published. The trainer
// builds a new one and swaps a shared_ptr; a reader takes the pointer (a lock held only for the
// pointer copy) and may keep it as long as it likes. Nothing here waits for a training step.
// ModelSnapshot::model is a copy of the training model taken at `step`, in eval mode; it is never
// trained, and concurrent forward passes under torch::NoGradGuard are safe.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/model.h"
#include "models/registry.h"

namespace vaelab {

enum class RunState { Idle, Running, Paused, Finished, Stopped, Diverged, Failed };
const char* to_string(RunState state);

struct Progress {
  RunState state = RunState::Idle;
  int64_t epoch = 0;            // epochs completed
  int64_t epochs = 0;           // epochs planned
  int64_t step = 0;             // optimiser steps done (global)
  int64_t steps_per_epoch = 0;
  double samples_per_second = 0.0;
  double eta_seconds = 0.0;
  double lr = 0.0;
  double elapsed_seconds = 0.0; // wall time spent Running (across resumes)
  std::string message;          // e.g. which term diverged, or the error that stopped training
};

// Append-only metric series. Terms are named as the model's LossTerms ("loss" = total, first).
struct MetricHistory {
  std::vector<std::string> names;
  std::vector<int64_t> steps;                    // global step of each per-step row
  std::vector<std::vector<float>> per_step;      // [term][row], training batches
  std::vector<std::vector<float>> epoch_train;   // [term][epoch], mean over the epoch's batches
  std::vector<std::vector<float>> epoch_test;    // [term][epoch], on the test view (NaN if absent)

  int64_t index_of(const std::string& name) const;  // -1 when absent
  nlohmann::json to_json() const;
  static MetricHistory from_json(const nlohmann::json& j);
};

// Inputs and reconstructions of the fixed probe batch, 8-bit, each image H*W*C contiguous (C = 1 or 3).
struct ImageStrip {
  int64_t count = 0;
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  std::vector<uint8_t> inputs;
  std::vector<uint8_t> reconstructions;
  int64_t step = 0;
};

struct ModelSnapshot {
  std::shared_ptr<Model> model;  // eval mode, read-only by contract
  ModelSpec spec;
  int64_t step = 0;
};

struct TrainerSnapshot {
  Progress progress;
  std::shared_ptr<const MetricHistory> metrics;
  std::shared_ptr<const ImageStrip> probe;        // may be null before the first publish
  std::shared_ptr<const ModelSnapshot> model;     // may be null before the first publish
};

}  // namespace vaelab
