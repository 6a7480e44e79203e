#pragma once
// The training thread. One Trainer owns one model, its optimiser and ONE thread that does every step;
// other threads talk to it only through commands (start/pause/resume/stop/step) and read it only
// through immutable snapshots.
//
// Contracts
// - Commands may come from any thread and return at once, except stop(), save_checkpoint() and
//   load_checkpoint(), which wait for the training thread to acknowledge (between two batches, so
//   within ~1 s; an epoch-end test pass is also interruptible).
// - snapshot() never waits for a step: a mutex is held only for the pointer copy.
// - A snapshot is published every TrainerOptions::snapshot_interval_ms while running, at every epoch
//   end, and on every state change.
// - Seeded: the same preset (seed included) on the CPU gives identical metric series. The trainer keeps
//   its own CPU random stream and swaps it into the process's default generator around each step, so
//   publishing snapshots or drawing random numbers between steps does not change the series; drawing
//   from the default generator on another thread *during* a step (two trainers at once) does.
//   CUDA random streams are not isolated.
// - Divergence guard (train/divergence_guard.h): when the total or any named term is non-finite, or a
//   gradient, parameter or buffer after the step is, no update is kept: the weights and buffers of the
//   last finite step are restored, the state turns Diverged and progress.message names what diverged,
//   e.g. "term 'kl' became inf at step 123". Non-finite weights are never saved.
// - Metric series: train/metric_history.h. Test-view terms per epoch: mean_loss_terms
//   (analysis/evaluation.h) over the test set, or over its first TrainerOptions::test_cap samples.
//
// State machine (RunState):
//   Idle --start()/step(n)--> Running --pause()--> Paused --resume()/step(n)--> Running
//   Running --last epoch done--> Finished;  any --stop()--> Stopped (final);  divergence --> Diverged
//   (resume()/step(n) from Diverged trains on from the restored weights);  exception --> Failed.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "train/preset.h"
#include "data/dataset.h"
#include "models/model.h"
#include "train/snapshot.h"

namespace vaelab {

struct TrainerOptions {
  std::string device;                 // "" -> the preset's device; else auto | cpu | cuda
  int threads = 0;                    // torch CPU threads; <= 0 leaves the process setting alone
  int64_t snapshot_interval_ms = 250;
  int64_t probe_count = 16;           // first N test images shown as inputs + reconstructions
  int64_t test_cap = 10000;           // max test samples evaluated at each epoch end
};

class Trainer {
 public:
  // Builds the model (make_model with shape/num_classes from the dataset), the optimiser and the
  // batch order, publishes a first snapshot (state Idle) and starts the (waiting) training thread.
  // Throws vaelab::Error for a bad preset/device.
  Trainer(const Preset& preset, std::shared_ptr<const DatasetSplit> data, TrainerOptions options = {});
  ~Trainer();  // stops and joins the thread
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  void start();          // Idle -> Running (no-op otherwise; same as resume() when Paused)
  void pause();          // Running -> Paused after the current batch
  void resume();         // Paused/Diverged -> Running
  void stop();           // -> Stopped; waits until the thread has acknowledged (<= ~1 s)
  void step(int64_t n);  // run exactly n more optimiser steps, then Paused (or Finished)

  RunState state() const;
  // Blocks until the state is not Running (or timeout_ms passes; negative = no timeout).
  // Returns true when the trainer is not running any more.
  bool wait_until_not_running(int64_t timeout_ms = -1) const;

  std::shared_ptr<const TrainerSnapshot> snapshot() const;

  // Writes a checkpoint of the current state (see checkpoint.h); runs on the training thread between
  // batches and waits for it. Throws vaelab::Error (non-finite weights, I/O).
  void save_checkpoint(const std::string& path);
  // Restores weights, optimiser state, metric history and step/epoch from a checkpoint of the same
  // spec; only while not Running. Throws vaelab::Error naming both specs on a mismatch.
  void load_checkpoint(const std::string& path);

  const Preset& preset() const;
  const ModelSpec& spec() const;  // shape and num_classes filled in from the dataset
  torch::Device device() const;
  const std::shared_ptr<const DatasetSplit>& data() const;

  // A model trained elsewhere (a PyTorch TorchScript file, models/torchscript_model.h), shown but never
  // trained: replaces the model made from the preset right after construction, with its own spec;
  // publishes snapshots of it (copies made by `cloner`) with `note` as the progress message. From then on
  // start/resume/step do nothing and save_checkpoint throws vaelab::Error.
  void use_foreign_model(std::shared_ptr<Model> model, ModelSpec spec,
                         std::function<std::shared_ptr<Model>(Model&)> cloner, std::string note);
  bool trained_elsewhere() const;

  // Test hook: replaces the model made from the preset, right after construction (before any command).
  // The optimiser is rebuilt over the new model's trainable_parameters(). `cloner` makes the published
  // model copies; when empty, snapshots carry no model (the probe strip still works).
  void replace_model_for_testing(std::shared_ptr<Model> model,
                                 std::function<std::shared_ptr<Model>(Model&)> cloner = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaelab
