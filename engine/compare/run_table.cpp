#include "compare/run_table.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"

namespace vaelab {
namespace fs = std::filesystem;

namespace {

void flatten_into(const nlohmann::json& j, const std::string& prefix, std::map<std::string, nlohmann::json>& out) {
  if (j.is_object()) {  // an empty object ("options": {}) sets nothing: no key
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten_into(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    return;
  }
  out[prefix] = j;
}

std::string dataset_name(const nlohmann::json& preset) {
  const auto& d = preset.value("dataset", nlohmann::json());
  if (d.is_string()) return d.get<std::string>();
  if (d.is_object()) return d.value("name", std::string());
  return "";
}

void fill_from_preset(RunRecord& r) {
  r.variant = r.preset.value("variant", std::string());
  r.dataset = dataset_name(r.preset);
  if (r.epochs == 0) r.epochs = r.preset.value("epochs", int64_t{0});
}

}  // namespace

std::map<std::string, double> final_test_terms(const MetricHistory& metrics) {
  std::map<std::string, double> out;
  for (size_t t = 0; t < metrics.names.size() && t < metrics.epoch_test.size(); ++t) {
    const auto& series = metrics.epoch_test[t];
    if (series.empty() || !std::isfinite(series.back())) continue;
    out[metrics.names[t]] = series.back();
  }
  return out;
}

RunRecord read_run_record(const std::string& source) {
  const RunLocation where = locate_run(source);
  RunRecord r;
  r.source = source;
  r.name = where.name;
  r.checkpoint = where.checkpoint;
  const std::string summary = RunFolder{where.folder}.summary_json();
  // A loose checkpoint's folder may hold another run's summary: only a run folder's own counts.
  const bool own_summary = fs::path(where.checkpoint).filename() == RunFolder::kCheckpoint && fs::exists(summary);
  if (own_summary) {
    try {
      std::ifstream in(summary);
      const auto j = nlohmann::json::parse(in);
      r.preset = j.value("preset", nlohmann::json::object());
      r.state = j.value("state", std::string());
      r.step = j.value("step", int64_t{0});
      r.epoch = j.value("epoch", int64_t{0});
      r.epochs = j.value("epochs", int64_t{0});
      r.wall_seconds = j.value("wall_seconds", -1.0);
      const nlohmann::json final_test = j.value("final_test", nlohmann::json::object());  // items() needs it alive
      for (const auto& [k, v] : final_test.items())
        if (v.is_number() && std::isfinite(v.get<double>())) r.final_test[k] = v.get<double>();
      fill_from_preset(r);
      return r;
    } catch (const nlohmann::json::exception&) {
      // A truncated or hand-edited summary: the checkpoint below still says what the run is.
    }
  }
  const CheckpointMeta meta = read_checkpoint_meta(where.checkpoint);
  r.preset = meta.preset;
  r.state = "saved";
  r.step = meta.step;
  r.epoch = meta.epoch;
  r.final_test = final_test_terms(meta.metrics);
  fill_from_preset(r);
  return r;
}

std::map<std::string, nlohmann::json> flatten_preset(const nlohmann::json& preset) {
  std::map<std::string, nlohmann::json> out;
  if (preset.is_object())
    for (auto it = preset.begin(); it != preset.end(); ++it) flatten_into(it.value(), it.key(), out);
  return out;
}

std::vector<std::string> differing_preset_keys(const std::vector<nlohmann::json>& presets) {
  std::vector<std::map<std::string, nlohmann::json>> flat;
  std::set<std::string> keys;
  for (const auto& p : presets) {
    flat.push_back(flatten_preset(p));
    for (const auto& kv : flat.back()) keys.insert(kv.first);
  }
  std::vector<std::string> out;
  for (const auto& key : keys) {
    if (key == "name" || key == "description") continue;
    bool differs = false;
    for (size_t i = 1; i < flat.size() && !differs; ++i) {
      const auto a = flat[0].find(key), b = flat[i].find(key);
      if ((a == flat[0].end()) != (b == flat[i].end())) differs = true;
      else if (a != flat[0].end() && a->second != b->second) differs = true;
    }
    if (differs) out.push_back(key);
  }
  return out;
}

std::vector<std::string> describe_preset_keys(const nlohmann::json& preset, const std::vector<std::string>& keys) {
  const auto flat = flatten_preset(preset);
  std::vector<std::string> out;
  for (const auto& key : keys) {
    const auto it = flat.find(key);
    if (it == flat.end()) out.push_back(key + "=-");
    else out.push_back(key + "=" + (it->second.is_string() ? it->second.get<std::string>() : it->second.dump()));
  }
  return out;
}

}  // namespace vaelab
