#pragma once
// The facade both front ends use: open a preset or a saved run, train it, read snapshots, save.
// A Session owns the dataset (shared with readers through shared_ptr) and the Trainer; the CLI and the
// GUI make a few calls each and never touch the trainer's live model.
//
// save_run writes the run folder layout of train/run_folder.h.
//
// Thread-safety: call a Session's methods from one thread (the UI/CLI thread); snapshot() results may
// be handed to any thread.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "train/preset.h"
#include "data/dataset.h"
#include "train/run_folder_lock.h"
#include "train/snapshot.h"
#include "train/trainer.h"

namespace vaelab {

struct SessionOptions {
  std::vector<std::string> overrides;  // "a.b.c=value", applied in order (see apply_override)
  // A model trained elsewhere (TorchScript file) is shown on this data set (a dataset_catalog() name);
  // "" picks one by the model's input_shape: [1, 28, 28] or [784] -> fashion-mnist, [2] -> toy-gmm5.
  std::string dataset;
  TrainerOptions trainer;
};

class Session {
 public:
  // source is, in this order of checks: a run folder (holding checkpoint.pt), a checkpoint file
  // (anything that is not *.json; a file that is no vaelab checkpoint but a PyTorch model in the
  // TorchScript format of models/torchscript_model.h opens as open_model_file does), a preset file
  // (*.json), or a preset name under assets/presets.
  // Overrides apply to the preset (for a checkpoint: its stored preset, e.g. "epochs=20" to train on).
  // Throws vaelab::Error with a one-line message when anything cannot be opened.
  static std::unique_ptr<Session> open(const std::string& source, const SessionOptions& options = {});
  // From preset JSON already in memory (the GUI's preset editor); overrides still apply.
  static std::unique_ptr<Session> from_preset_json(nlohmann::json preset_json,
                                                   const SessionOptions& options = {});
  // A VAE trained elsewhere (TorchScript file): shown on options.dataset with every view that needs only
  // encode/decode; never trained (trained_elsewhere(); start/step do nothing, saving throws).
  static std::unique_ptr<Session> open_model_file(const std::string& path, const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const Preset& preset() const;
  const ModelSpec& spec() const;
  const std::shared_ptr<const DatasetSplit>& data() const;
  Trainer& trainer();
  bool resumed() const;  // opened from a checkpoint or run folder
  bool trained_elsewhere() const;  // opened with open_model_file

  void start();
  void pause();
  void resume();
  void stop();
  void step(int64_t n);
  RunState state() const;
  bool wait_until_not_running(int64_t timeout_ms = -1) const;
  std::shared_ptr<const TrainerSnapshot> snapshot() const;

  void save_checkpoint(const std::string& path);
  // Writes the run folder layout (train/run_folder.h), creating DIR. Takes DIR's writer lock first when
  // this session does not hold it (lock_run_folder); every write failure is a vaelab::Error naming the
  // file, and the previous checkpoint stays loadable.
  void save_run(const std::string& dir);
  // Makes this session the one writer of run folder DIR (train/run_folder_lock.h) until it ends or
  // locks another folder: call it before training into DIR. Throws vaelab::Error naming the process
  // that holds it. hold_run_folder keeps a lock taken earlier (before loading anything slow).
  void lock_run_folder(const std::string& dir);
  void hold_run_folder(RunFolderLock lock);

 private:
  Session(Preset preset, std::shared_ptr<const DatasetSplit> data, const TrainerOptions& options);
  Preset preset_;
  std::shared_ptr<const DatasetSplit> data_;
  std::unique_ptr<Trainer> trainer_;
  bool resumed_ = false;
  std::unique_ptr<RunFolderLock> folder_lock_;
};

// summary.json content for a snapshot of a run.
nlohmann::json run_summary(const Preset& preset, const ModelSpec& spec, const nlohmann::json& dataset,
                           const TrainerSnapshot& snapshot);

}  // namespace vaelab
