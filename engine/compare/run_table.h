#pragma once
// The runs table (the app's runs view): a row per run read from what the run saved — its preset, the
// last epoch's test terms, its state, steps and wall time — and the preset keys whose values differ
// between the rows, so a row shows only what sets it apart. Reading a row never loads the model or the
// data; the health verdict and the other evaluated columns come from compare (evaluate_run_into) when
// the user asks for them.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "train/metric_history.h"

namespace vaelab {

struct RunRecord {
  std::string source;     // as given: run folder, a file in it, or a loose checkpoint
  std::string name;       // the run folder's name (train/run_folder.h's RunLocation::name)
  std::string checkpoint; // the checkpoint file to evaluate
  nlohmann::json preset;  // the preset the run was trained with (Preset::to_json layout)
  std::string variant, dataset;
  std::string state;      // "finished", "stopped", ... from summary.json; "saved" for a loose checkpoint
  int64_t step = 0, epoch = 0, epochs = 0;
  double wall_seconds = -1;  // < 0: not recorded (loose checkpoints keep no wall time)
  // The last epoch's test-view value of each term ("loss", "recon", "kl", ...); empty when no epoch ended.
  std::map<std::string, double> final_test;
};

// From summary.json when the run folder has one, else from the checkpoint's metadata. Throws
// vaelab::Error naming the path when neither can be read.
RunRecord read_run_record(const std::string& source);

// The last epoch's finite test values of a metric history (what a live run shows before summary.json).
std::map<std::string, double> final_test_terms(const MetricHistory& metrics);

// A preset as dotted keys -> value: objects are walked, arrays and scalars are leaves
// ({"architecture": {"hidden": [64]}} -> "architecture.hidden": [64]); an empty object adds no key, so
// "options": {} and no "options" at all read the same.
std::map<std::string, nlohmann::json> flatten_preset(const nlohmann::json& preset);

// The keys whose value differs between any two presets — a key one of them lacks counts as differing —
// sorted. "name" and "description" are left out: they label a run, they do not configure it.
std::vector<std::string> differing_preset_keys(const std::vector<nlohmann::json>& presets);

// "key=value" for each of `keys` in one preset ("-" where it lacks the key), strings unquoted.
std::vector<std::string> describe_preset_keys(const nlohmann::json& preset, const std::vector<std::string>& keys);

}  // namespace vaelab
