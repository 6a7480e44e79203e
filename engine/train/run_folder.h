#pragma once
// The run folder: where a run lives on disk, named once for every reader and writer.
//   DIR/checkpoint.pt   weights, optimiser, preset, metric history (train/checkpoint.h)
//   DIR/metrics.csv     a row per epoch: epoch, then train_<term>... and test_<term>... columns
//   DIR/summary.json    {"preset", "spec", "dataset", "state", "message", "epoch", "epochs", "step",
//                        "final_train", "final_test", "samples_per_second", "wall_seconds"}
// Readers (eval, compare, the app's views) accept a run folder, a file inside one, or a loose
// checkpoint file; locate_run turns any of them into the checkpoint to open.
#include <string>
#include <vector>

#include "train/metric_history.h"

namespace vaelab {

struct RunFolder {
  static constexpr const char* kCheckpoint = "checkpoint.pt";
  static constexpr const char* kMetrics = "metrics.csv";
  static constexpr const char* kSummary = "summary.json";

  std::string dir;

  std::string checkpoint() const;
  std::string metrics_csv() const;
  std::string summary_json() const;
};

// What a user named as a run, resolved.
struct RunLocation {
  std::string checkpoint;  // the checkpoint file to open
  std::string folder;      // the run folder holding it (the checkpoint's folder for a loose file)
  std::string name;        // the run folder's name, for tables and labels
};

// True when `path` is a folder holding checkpoint.pt.
bool is_run_folder(const std::string& path);
// A run folder, its checkpoint.pt / metrics.csv / summary.json, or a loose checkpoint file. Throws
// vaelab::Error for a folder without checkpoint.pt and for a path that does not exist.
RunLocation locate_run(const std::string& path);

// The runs a path names: itself when it is a run (a run folder or any file), else the run folders directly
// inside it (a compare or reproduce output), sorted; the path itself again when it holds none, so that
// locate_run then says why it is not a run.
std::vector<std::string> runs_named_by(const std::string& path);

// metrics.csv of a history; empty test cells where the test view was not evaluated. Atomic.
void write_metrics_csv(const MetricHistory& metrics, const std::string& path);

// A run's epoch curves as another reader sees them (the curves view's overlays).
struct EpochCurves {
  std::string label;                             // the run folder's name
  std::vector<std::string> names;                // term names
  std::vector<double> steps;                     // global step at each epoch's end
  std::vector<std::vector<double>> train, test;  // [term][epoch]; NaN where absent
};

// metrics.csv: "epoch[,step],train_<term>...,test_<term>..." (one row per epoch). Without a step column
// the epoch ends are placed at epoch x steps_per_epoch. Throws vaelab::Error naming the file when it
// cannot be read or has no such header.
EpochCurves read_metrics_csv(const std::string& path, double steps_per_epoch);
// From a run folder (its metrics.csv, with summary.json's own steps per epoch, else the history in its
// checkpoint), a metrics.csv, or a checkpoint file. `steps_per_epoch` places the epochs when the source
// does not say.
EpochCurves read_epoch_curves(const std::string& source, double steps_per_epoch);

}  // namespace vaelab
