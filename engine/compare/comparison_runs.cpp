#include "compare/comparison_runs.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "compare/pixel_kmeans.h"
#include "core/device.h"
#include "core/error.h"
#include "data/seeded_permutation.h"
#include "models/registry.h"
#include "session/session.h"
#include "session/trained_run.h"
#include "train/checkpoint.h"
#include "train/preset.h"
#include "train/run_folder.h"

namespace vaelab {

namespace fs = std::filesystem;

ComparisonEntry ComparisonEntry::parse(const std::string& text) {
  ComparisonEntry e;
  std::stringstream ss(text);
  std::string part;
  bool first = true;
  while (std::getline(ss, part, '@')) {
    if (first) {
      e.source = part;
      first = false;
      continue;
    }
    if (part.find('=') == std::string::npos || part.front() == '=') {
      throw Error(fmt::format("compare entry \"{}\": override \"{}\" is not key=value", text, part));
    }
    e.overrides.push_back(part);
  }
  if (e.source.empty()) throw Error(fmt::format("compare entry \"{}\": no preset name", text));
  return e;
}

std::string ComparisonEntry::row_name(const std::string& preset_name) const {
  if (!this->name.empty()) return this->name;
  std::string name = preset_name;
  for (const auto& o : overrides) {
    std::string tag = o;
    // "options.orders=3" -> "orders-3": the last path segment keeps names short.
    const auto eq = tag.find('=');
    std::string key = tag.substr(0, eq), value = tag.substr(eq + 1);
    const auto dot = key.rfind('.');
    if (dot != std::string::npos) key = key.substr(dot + 1);
    tag = key + "-" + value;
    for (char& c : tag)
      if (c == '/' || c == '\\' || c == ' ' || c == '"' || c == '[' || c == ']' || c == ',') c = '_';
    name += "_" + tag;
  }
  return name;
}

std::string train_for_comparison(const ComparisonEntry& entry, const ComparisonTraining& training,
                                 const std::string& out_dir, const ComparisonProgress& progress) {
  SessionOptions options;
  options.overrides = training.overrides;
  options.overrides.insert(options.overrides.end(), entry.overrides.begin(), entry.overrides.end());
  if (training.epochs > 0) options.overrides.push_back(fmt::format("epochs={}", training.epochs));
  options.trainer.device = training.device;
  options.trainer.threads = training.threads;
  auto session = Session::open(entry.source, options);
  const std::string name = entry.row_name(session->preset().name);
  const std::string dir = (fs::path(out_dir) / name).string();
  session->start();
  while (!session->wait_until_not_running(1000)) {
    if (progress) progress(name, session->snapshot()->progress);
  }
  const auto snapshot = session->snapshot();
  if (progress) progress(name, snapshot->progress);
  const RunState state = session->state();
  if (state == RunState::Failed) {
    throw Error(fmt::format("{}: training failed: {}", name, snapshot->progress.message));
  }
  session->save_run(dir);
  if (state == RunState::Diverged) {
    throw Error(fmt::format("{}: training diverged ({}); the last finite state is saved in {}", name,
                            snapshot->progress.message, dir));
  }
  return dir;
}

namespace {

std::string existing_checkpoint(const std::string& run_dir) {
  try {
    return locate_run(run_dir).checkpoint;
  } catch (const Error& e) {
    throw Error(fmt::format("compare: {}", e.what()));
  }
}

// The inputs a run is scored on. Views are often ordered by class (MNIST digits), so a limit takes a
// seeded random subset, the same for every run of the same data, rather than the first N inputs.
Dataset evaluated_view(const DatasetSplit& data, const ComparisonOptions& options) {
  if (options.split != "test" && options.split != "train")
    throw Error(fmt::format("compare: split must be test or train, got \"{}\"", options.split));
  const Dataset& full = options.split == "test" && data.test.size() > 0 ? data.test : data.train;
  const int64_t limit = options.limit;
  if (limit <= 0 || limit >= full.size()) return full;
  auto index = seeded_permutation_tensor(full.size(), 0x5eed).slice(0, 0, limit);
  return full.subset(std::get<0>(index.sort()));
}

}  // namespace

const nlohmann::json& evaluate_run_into(ComparisonTable& table, const std::string& run_dir,
                                        const ComparisonOptions& options, const std::string& name,
                                        const std::string& device) {
  const std::string checkpoint = existing_checkpoint(run_dir);
  TrainedRun run = open_trained_run(checkpoint, device);
  const auto& session = run.session;
  const CheckpointMeta& meta = run.meta;
  auto& model = run.model;
  const DatasetSplit& data = *session->data();
  const Dataset view = evaluated_view(data, options);
  ComparisonOptions run_options = options;
  run_options.limit = 0;  // the view is already the subset
  ComparisonContext ctx{name.empty() ? locate_run(run_dir).name : name,
                        run_dir,
                        session->preset(),
                        meta.spec,
                        *model,
                        data,
                        view,
                        run_options,
                        meta.epoch,
                        dequantize_setting_of_saved_preset(meta.preset)};
  return table.evaluate(ctx);
}

const nlohmann::json& evaluate_pixel_kmeans_into(ComparisonTable& table, const std::string& run_dir,
                                                 const ComparisonOptions& options) {
  auto session = Session::open(existing_checkpoint(run_dir));
  const Dataset view = evaluated_view(*session->data(), options);
  const auto& dataset = session->preset().dataset;
  nlohmann::json row = nlohmann::json::object();
  row["name"] = "k-means on pixels";
  row["variant"] = "k-means";
  row["dataset"] = dataset.is_object() ? dataset.value("name", "") : "";
  row["run_dir"] = run_dir;
  row["evaluated_on"] = view.name;
  const auto seed = static_cast<uint64_t>(std::max<int64_t>(0, options.seed));
  for (const auto& [key, value] : pixel_kmeans_columns(view, seed)) row[key] = value;
  table.add_row(std::move(row));
  return table.rows().back();
}

}  // namespace vaelab
