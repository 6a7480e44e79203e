#pragma once
// What `vaelab-cli compare` runs: parsing its --presets entries, training each into a run folder, and
// evaluating run folders into a comparison table.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compare/comparison_table.h"
#include "train/snapshot.h"

namespace vaelab {

// One entry of --presets: "NAME_OR_FILE" or "NAME_OR_FILE@key=value@key=value" (per-entry overrides,
// applied after the shared --set ones). Throws vaelab::Error on an empty name or a malformed override.
struct ComparisonEntry {
  std::string source;
  std::vector<std::string> overrides;
  std::string name;  // when set, the folder and row name (reproduce names its runs "<key>-s<seed>")
  // Folder and row name: `name` when set, else the preset's name, then "_key-value" per override ('/'
  // and '=' replaced).
  std::string row_name(const std::string& preset_name) const;
  static ComparisonEntry parse(const std::string& text);
};

struct ComparisonTraining {
  int64_t epochs = 0;                   // > 0 overrides the preset's epochs
  std::vector<std::string> overrides;   // --set, applied to every entry
  std::string device;                   // "" -> the preset's
  int threads = 0;
};

// Called on the calling thread about once a second while a run trains.
using ComparisonProgress = std::function<void(const std::string& name, const Progress& progress)>;

// Trains one entry to the end and saves it as out_dir/<row name>; returns that folder. Throws
// vaelab::Error when training fails or diverges (the run folder is still written when possible).
std::string train_for_comparison(const ComparisonEntry& entry, const ComparisonTraining& training,
                                 const std::string& out_dir, const ComparisonProgress& progress = {});

// Loads a run folder (checkpoint.pt) and evaluates it into `table` under `name` ("" = folder name).
const nlohmann::json& evaluate_run_into(ComparisonTable& table, const std::string& run_dir,
                                        const ComparisonOptions& options, const std::string& name = "",
                                        const std::string& device = "");

// The "k-means on pixels" baseline row for the data a run was trained on, scored on the same inputs as
// evaluate_run_into with the same options (compare/pixel_kmeans.h): keys name "k-means on pixels",
// variant "k-means", dataset, run_dir, cluster_acc, nmi. Throws vaelab::Error when the data has no labels.
const nlohmann::json& evaluate_pixel_kmeans_into(ComparisonTable& table, const std::string& run_dir,
                                                 const ComparisonOptions& options);

}  // namespace vaelab
