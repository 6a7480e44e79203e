#include "session/session.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/atomic_write.h"
#include "core/device.h"
#include "core/error.h"
#include "data/dataset_registry.h"
#include "models/torchscript_model.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

std::shared_ptr<const DatasetSplit> load_data(const nlohmann::json& spec) {
  return std::make_shared<const DatasetSplit>(load_dataset(spec));
}

nlohmann::json finite_or_null(float v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

// [SECTION] opening

Session::Session(Preset preset, std::shared_ptr<const DatasetSplit> data, const TrainerOptions& options)
    : preset_(std::move(preset)), data_(std::move(data)) {
  trainer_ = std::make_unique<Trainer>(preset_, data_, options);
}

Session::~Session() = default;

std::unique_ptr<Session> Session::from_preset_json(nlohmann::json preset_json, const SessionOptions& options) {
  Preset preset = preset_with_overrides(std::move(preset_json), options.overrides);
  auto data = load_data(preset.dataset);
  return std::unique_ptr<Session>(new Session(std::move(preset), std::move(data), options.trainer));
}

std::unique_ptr<Session> Session::open(const std::string& source, const SessionOptions& options) {
  fs::path path = source;
  std::string checkpoint;
  if (fs::is_directory(path) || (fs::is_regular_file(path) && path.extension() != ".json"))
    checkpoint = locate_run(source).checkpoint;
  if (checkpoint.empty()) return from_preset_json(read_preset_json(source), options);

  // A saved run: rebuild the preset and data from the checkpoint, then load the tensors.
  CheckpointMeta meta;
  try {
    meta = read_checkpoint_meta(checkpoint);
  } catch (const Error& not_a_checkpoint) {
    // Perhaps a model trained elsewhere. A file that is not TorchScript at all keeps the checkpoint's
    // message; one that is TorchScript but breaks the model format gets the format's.
    try {
      return open_model_file(checkpoint, options);
    } catch (const Error& e) {
      if (std::string(e.what()).find("not a readable TorchScript file") != std::string::npos) throw not_a_checkpoint;
      throw;
    }
  }
  Preset preset = preset_with_overrides(meta.preset, options.overrides);
  // The run goes on as it was trained (the trainer does the same on load): summary.json must say so.
  preset.dequantize = dequantize_setting_of_saved_preset(meta.preset);
  auto data = load_data(preset.dataset);
  auto session = std::unique_ptr<Session>(new Session(std::move(preset), std::move(data), options.trainer));
  session->trainer_->load_checkpoint(checkpoint);
  session->resumed_ = true;
  return session;
}

std::unique_ptr<Session> Session::open_model_file(const std::string& path, const SessionOptions& options) {
  const torch::Device device = resolve_device(options.trainer.device.empty() ? "auto" : options.trainer.device);
  auto model = TorchScriptModel::load(path, device);
  std::string dataset = options.dataset;
  if (dataset.empty()) {
    const std::vector<int64_t>& shape = model->input_shape();
    if (shape == std::vector<int64_t>{1, 28, 28} || shape == std::vector<int64_t>{784}) dataset = "fashion-mnist";
    else if (shape == std::vector<int64_t>{2}) dataset = "toy-gmm5";
    else
      throw Error(fmt::format("TorchScript model \"{}\": its input_shape does not say which data set to show it on; "
                              "name one (--dataset)", path));
  }
  auto data = load_data(nlohmann::json{{"name", dataset}});
  model->bind_data(data->test.shape, data->test.name);
  // The session's preset describes the data and a stand-in model of the same latent size; the trainer
  // then replaces that model with the file's and publishes the file's spec.
  nlohmann::json preset_json{{"name", model->name()},
                             {"variant", "vae"},
                             {"latent", model->latent_dim()},
                             {"dataset", {{"name", dataset}}},
                             {"architecture", {{"type", "mlp"}, {"hidden", {8}}}},
                             {"epochs", 1}};
  if (!options.trainer.device.empty()) preset_json["device"] = options.trainer.device;
  Preset preset = Preset::from_json(preset_json);
  auto session = std::unique_ptr<Session>(new Session(std::move(preset), std::move(data), options.trainer));
  const ModelSpec spec = model->spec();
  session->preset_.model = spec;
  const std::string note = fmt::format("trained elsewhere (PyTorch): \"{}\", shown on {}; it cannot be trained here",
                                       model->name(), dataset);
  session->trainer_->use_foreign_model(
      model, spec, [](Model& m) { return std::static_pointer_cast<Model>(static_cast<TorchScriptModel&>(m).clone()); },
      note);
  return session;
}

// [SECTION] training and snapshots

const Preset& Session::preset() const { return preset_; }
const ModelSpec& Session::spec() const { return trainer_->spec(); }
const std::shared_ptr<const DatasetSplit>& Session::data() const { return data_; }
Trainer& Session::trainer() { return *trainer_; }
bool Session::resumed() const { return resumed_; }
bool Session::trained_elsewhere() const { return trainer_->trained_elsewhere(); }

void Session::start() { trainer_->start(); }
void Session::pause() { trainer_->pause(); }
void Session::resume() { trainer_->resume(); }
void Session::stop() { trainer_->stop(); }
void Session::step(int64_t n) { trainer_->step(n); }
RunState Session::state() const { return trainer_->state(); }
bool Session::wait_until_not_running(int64_t timeout_ms) const { return trainer_->wait_until_not_running(timeout_ms); }
std::shared_ptr<const TrainerSnapshot> Session::snapshot() const { return trainer_->snapshot(); }

// [SECTION] saving

void Session::save_checkpoint(const std::string& path) { trainer_->save_checkpoint(path); }

void Session::lock_run_folder(const std::string& dir) {
  if (!folder_lock_ || !folder_lock_->covers(dir)) hold_run_folder(RunFolderLock(dir));
}

void Session::hold_run_folder(RunFolderLock lock) { folder_lock_ = std::make_unique<RunFolderLock>(std::move(lock)); }

void Session::save_run(const std::string& dir) {
  if (trained_elsewhere())
    throw Error(fmt::format("cannot save a run to \"{}\": {}", dir, trainer_->snapshot()->progress.message));
  lock_run_folder(dir);  // creates DIR
  const RunFolder folder{dir};
  trainer_->save_checkpoint(folder.checkpoint());
  auto snap = trainer_->snapshot();
  write_metrics_csv(*snap->metrics, folder.metrics_csv());
  write_file_atomically(folder.summary_json(), run_summary(preset_, spec(), data_->descriptor, *snap).dump(2) + "\n");
}

nlohmann::json run_summary(const Preset& preset, const ModelSpec& spec, const nlohmann::json& dataset,
                           const TrainerSnapshot& snapshot) {
  nlohmann::json train = nlohmann::json::object(), test = nlohmann::json::object();
  if (snapshot.metrics) {
    const auto& m = *snapshot.metrics;
    for (size_t t = 0; t < m.names.size(); ++t) {
      if (t < m.epoch_train.size() && !m.epoch_train[t].empty()) train[m.names[t]] = finite_or_null(m.epoch_train[t].back());
      if (t < m.epoch_test.size() && !m.epoch_test[t].empty()) test[m.names[t]] = finite_or_null(m.epoch_test[t].back());
    }
  }
  const auto& p = snapshot.progress;
  return {{"preset", preset.to_json()},
          {"spec", spec.to_json()},
          {"dataset", dataset},
          {"state", to_string(p.state)},
          {"message", p.message},
          {"epoch", p.epoch},
          {"epochs", p.epochs},
          {"step", p.step},
          {"final_train", train},
          {"final_test", test},
          {"samples_per_second", p.samples_per_second},
          {"wall_seconds", p.elapsed_seconds}};
}

}  // namespace vaelab
