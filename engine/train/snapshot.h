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

#include "data/image_bytes.h"
#include "models/model.h"
#include "models/model_spec.h"
#include "train/metric_history.h"

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

// Inputs and reconstructions of the fixed probe batch (same count and size), and the step they are from.
struct ImageStrip {
  ImageBytes inputs;
  ImageBytes reconstructions;
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
