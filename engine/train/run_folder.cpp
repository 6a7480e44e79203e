#include "train/run_folder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_write.h"
#include "core/error.h"
#include "train/checkpoint.h"

namespace vaelab {

namespace fs = std::filesystem;

std::string RunFolder::checkpoint() const { return (fs::path(dir) / kCheckpoint).string(); }
std::string RunFolder::metrics_csv() const { return (fs::path(dir) / kMetrics).string(); }
std::string RunFolder::summary_json() const { return (fs::path(dir) / kSummary).string(); }

bool is_run_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && fs::exists(fs::path(path) / RunFolder::kCheckpoint, ec);
}

std::vector<std::string> runs_named_by(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec) || is_run_folder(path)) return {path};
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(path, ec))
    if (is_run_folder(entry.path().string())) out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  if (out.empty()) return {path};
  return out;
}

RunLocation locate_run(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  RunLocation out;
  if (fs::is_directory(p, ec)) {
    if (!is_run_folder(path)) throw Error(fmt::format("run folder '{}' has no {}", path, RunFolder::kCheckpoint));
    out.folder = path;
    out.checkpoint = RunFolder{path}.checkpoint();
  } else {
    if (!fs::exists(p, ec))
      throw Error(fmt::format("run '{}' does not exist (expected a run folder or a checkpoint file)", path));
    const auto file = p.filename().string();
    const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (file == RunFolder::kMetrics || file == RunFolder::kSummary) {
      if (!is_run_folder(parent.string()))
        throw Error(fmt::format("run folder '{}' has no {}", parent.string(), RunFolder::kCheckpoint));
      out.checkpoint = RunFolder{parent.string()}.checkpoint();
    } else {
      out.checkpoint = path;
    }
    out.folder = parent.string();
  }
  fs::path named = fs::path(out.folder);
  if (named.filename().empty()) named = named.parent_path();
  out.name = fs::absolute(named, ec).filename().string();
  return out;
}

void write_metrics_csv(const MetricHistory& metrics, const std::string& path) {
  std::string text = "epoch";
  for (const auto& n : metrics.names) text += ",train_" + n;
  for (const auto& n : metrics.names) text += ",test_" + n;
  text += "\n";
  size_t epochs = 0;
  for (const auto& s : metrics.epoch_train) epochs = std::max(epochs, s.size());
  auto cell = [](const std::vector<std::vector<float>>& series, size_t t, size_t e) -> std::string {
    if (t >= series.size() || e >= series[t].size() || !std::isfinite(series[t][e])) return "";
    return fmt::format("{:.9g}", series[t][e]);
  };
  for (size_t e = 0; e < epochs; ++e) {
    text += std::to_string(e + 1);
    for (size_t t = 0; t < metrics.names.size(); ++t) text += "," + cell(metrics.epoch_train, t, e);
    for (size_t t = 0; t < metrics.names.size(); ++t) text += "," + cell(metrics.epoch_test, t, e);
    text += "\n";
  }
  write_file_atomically(path, text);
}

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(cell);
  return cells;
}

// The epoch curves a checkpoint's stored history holds, the epoch ends placed at its own steps per epoch.
EpochCurves curves_of_checkpoint(const std::string& path) {
  const CheckpointMeta meta = read_checkpoint_meta(path);
  EpochCurves run;
  run.names = meta.metrics.names;
  const int64_t spe = meta.epoch > 0 ? std::max<int64_t>(1, (meta.step - meta.epoch_step) / meta.epoch) : 1;
  const size_t epochs = meta.metrics.epoch_train.empty() ? 0 : meta.metrics.epoch_train[0].size();
  for (size_t e = 0; e < epochs; ++e) run.steps.push_back(static_cast<double>((e + 1) * spe));
  for (size_t t = 0; t < run.names.size(); ++t) {
    run.train.emplace_back(meta.metrics.epoch_train[t].begin(), meta.metrics.epoch_train[t].end());
    run.test.emplace_back();
    if (t < meta.metrics.epoch_test.size())
      run.test.back().assign(meta.metrics.epoch_test[t].begin(), meta.metrics.epoch_test[t].end());
  }
  return run;
}

// summary.json's steps per epoch (step / epoch), or `fallback` when it is missing or unreadable.
double summary_steps_per_epoch(const RunFolder& folder, double fallback) {
  std::ifstream in(folder.summary_json());
  if (!in) return fallback;
  try {
    const auto j = nlohmann::json::parse(in);
    const double step = j.value("step", 0.0), epoch = j.value("epoch", 0.0);
    if (step > 0 && epoch > 0) return step / epoch;
  } catch (const std::exception&) {
  }
  return fallback;
}

}  // namespace

EpochCurves read_metrics_csv(const std::string& path, double steps_per_epoch) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read \"{}\"", path));
  std::string header;
  std::getline(in, header);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  const auto cols = split_csv_line(header);
  if (cols.size() < 2 || cols[0] != "epoch")
    throw Error(fmt::format("\"{}\": expected a header 'epoch[,step],train_<term>...,test_<term>...'", path));
  const bool step_col = cols[1] == "step";
  EpochCurves run;
  std::vector<int> kind(cols.size(), -1), term(cols.size(), -1);  // kind 0 train, 1 test
  for (size_t i = 1; i < cols.size(); ++i) {
    const bool tr = cols[i].rfind("train_", 0) == 0, te = cols[i].rfind("test_", 0) == 0;
    if (!tr && !te) continue;
    const std::string name = cols[i].substr(tr ? 6 : 5);
    auto it = std::find(run.names.begin(), run.names.end(), name);
    if (it == run.names.end()) {
      run.names.push_back(name);
      run.train.emplace_back();
      run.test.emplace_back();
      it = run.names.end() - 1;
    }
    kind[i] = tr ? 0 : 1;
    term[i] = static_cast<int>(it - run.names.begin());
  }
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto cells = split_csv_line(line);
    if (cells.size() < 2) continue;
    const double epoch = std::atof(cells[0].c_str());
    run.steps.push_back(step_col ? std::atof(cells[1].c_str()) : epoch * steps_per_epoch);
    for (auto& t : run.train) t.push_back(NAN);
    for (auto& t : run.test) t.push_back(NAN);
    for (size_t i = 1; i < cells.size() && i < cols.size(); ++i) {
      if (term[i] < 0 || cells[i].empty()) continue;
      (kind[i] == 0 ? run.train : run.test)[term[i]].back() = std::atof(cells[i].c_str());
    }
  }
  return run;
}

EpochCurves read_epoch_curves(const std::string& source, double steps_per_epoch) {
  std::error_code ec;
  const fs::path p(source);
  EpochCurves run;
  if (fs::is_directory(p, ec)) {
    const RunFolder folder{source};
    if (fs::exists(folder.metrics_csv(), ec)) {
      run = read_metrics_csv(folder.metrics_csv(), summary_steps_per_epoch(folder, steps_per_epoch));
    } else if (fs::exists(folder.checkpoint(), ec)) {
      run = curves_of_checkpoint(folder.checkpoint());
    } else {
      throw Error(fmt::format("\"{}\": no {} or {} in this folder", source, RunFolder::kMetrics, RunFolder::kCheckpoint));
    }
  } else if (p.extension() == ".csv") {
    run = read_metrics_csv(source, steps_per_epoch);
  } else {
    run = curves_of_checkpoint(source);
  }
  // Label: the run folder's name (also for DIR/checkpoint.pt and DIR/metrics.csv).
  run.label = p.has_filename() ? p.filename().string() : p.parent_path().filename().string();
  if ((run.label == RunFolder::kCheckpoint || run.label == RunFolder::kMetrics) && p.parent_path().has_filename())
    run.label = p.parent_path().filename().string();
  return run;
}

}  // namespace vaelab
