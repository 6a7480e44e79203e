#pragma once
// A finished run opened to be looked at, not trained: its session (preset and data set, loaded) and a
// copy of its model, loaded from the checkpoint, in eval mode on the device asked for ("" = the preset's).
// What compare, reproduce's plots and the app's side-by-side views load. Throws vaelab::Error with a
// one-line message when the run cannot be opened (engine/train/checkpoint.h's messages).
#include <memory>
#include <string>

#include "models/model.h"
#include "session/session.h"
#include "train/checkpoint.h"

namespace vaelab {

struct TrainedRun {
  std::unique_ptr<Session> session;  // preset and data; never started
  std::shared_ptr<Model> model;      // eval mode, read-only
  CheckpointMeta meta;
};

// checkpoint: a checkpoint file (train/run_folder.h's locate_run turns a run folder into one).
TrainedRun open_trained_run(const std::string& checkpoint, const std::string& device = "");

// The model alone (no data set loaded), for a view that shows it on data it already has.
std::shared_ptr<Model> load_trained_model(const std::string& checkpoint, const std::string& device,
                                          CheckpointMeta* meta = nullptr);

}  // namespace vaelab
