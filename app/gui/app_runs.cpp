// Opening runs: the run named on the command line, runs opened from the UI (New run, Open, the run view's
// editor) or by dropping a checkpoint, run folder, preset file or image folder on the window, and saving
// the open run. Paths opened or saved join the recent-runs list the Open dialog shows. Everything that may
// wait (building a session, saving, closing the old one) runs in a task, never on the UI thread.
#include "app.h"

// GL loader first: epoxy must come before GLFW's GL headers.
#include <epoxy/gl.h>
// clang-format off
#include <GLFW/glfw3.h>
// clang-format on

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "session/session.h"
#include "train/run_folder.h"

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

std::vector<std::string>* g_drops = nullptr;  // GLFW callbacks have no user pointer to spare here

void on_drop(GLFWwindow*, int count, const char** paths) {
  if (!g_drops) return;
  for (int i = 0; i < count; ++i) g_drops->emplace_back(paths[i]);
}

std::string timestamp() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
  return buf;
}

// True when `dir` holds image files (directly or one level down, as class folders).
bool looks_like_image_folder(const fs::path& dir) {
  std::error_code ec;
  auto is_image = [](const fs::path& p) {
    auto e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), ::tolower);
    return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp";
  };
  int seen = 0;
  for (auto& entry : fs::directory_iterator(dir, ec)) {
    if (++seen > 200) break;
    if (entry.is_regular_file() && is_image(entry.path())) return true;
    if (entry.is_directory()) {
      int inner = 0;
      for (auto& sub : fs::directory_iterator(entry.path(), ec)) {
        if (++inner > 50) break;
        if (sub.is_regular_file() && is_image(sub.path())) return true;
      }
    }
  }
  return false;
}

// A run opened from `source` lives there when it is a run folder or a checkpoint file (not a preset).
std::string place_of(const std::string& source) {
  std::error_code ec;
  if (source.empty() || !fs::exists(source, ec)) return "";
  if (is_run_folder(source)) return source;
  const auto ext = fs::path(source).extension().string();
  return fs::is_regular_file(source, ec) && ext == ".pt" ? source : "";
}

}  // namespace

void App::listen_for_drops() {
  g_drops = &dropped_;
  glfwSetDropCallback(window_, on_drop);
}

bool App::open_initial(std::string& error) {
  try {
    SessionOptions options;
    options.overrides = cl_.overrides;
    options.dataset = cl_.dataset;
    options.trainer.threads = cl_.torch_threads;
    session_ = Session::open(cl_.source, options);
    snapshot_ = session_->snapshot();
    open_run_place_ = session_->trained_elsewhere() ? "" : place_of(cl_.source);
    remember_recent(cl_.source);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

void App::install_session(std::shared_ptr<Session> session, const std::string& place) {
  // The run being replaced stays in the runs table (and its curves in the curves view) when it is on disk.
  const int runs = view_index("runs");
  if (session_ && !open_run_place_.empty() && runs >= 0 && open_run_place_ != place) {
    views_[runs]->add_comparison(open_run_place_);
    toast(ToastKind::Info, "the previous run stays in the Runs view: " + open_run_place_);
  }
  open_run_place_ = session && session->trained_elsewhere() ? "" : place;  // a TorchScript file is no run
  if (session_) {
    // The old trainer's destructor joins its thread (up to ~1 s): do it off the UI thread.
    std::shared_ptr<Session> old = std::move(session_);
    tasks_->run("close the previous run", [old](TaskContext&) mutable -> std::function<void()> {
      old.reset();
      return nullptr;
    });
  }
  session_ = std::move(session);
  snapshot_ = session_ ? session_->snapshot() : nullptr;
  health_.reset();
  for (auto& v : views_) v->reset();
}

void App::open_async(const std::string& source, const std::string& preset_json) {
  if (opening_) {
    toast(ToastKind::Error, "still opening " + opening_what_);
    return;
  }
  opening_ = true;
  opening_what_ = source.empty() ? "the edited preset" : source;
  auto overrides = cl_.overrides;
  const int threads = cl_.torch_threads;
  const std::string dataset = cl_.dataset;
  tasks_->run("open a run", [this, source, preset_json, overrides, threads, dataset](TaskContext&) -> std::function<void()> {
    SessionOptions options;
    options.trainer.threads = threads;
    options.dataset = dataset;
    std::shared_ptr<Session> s;
    std::string error;
    try {
      if (!preset_json.empty()) s = Session::from_preset_json(nlohmann::json::parse(preset_json), options);
      else s = Session::open(source, options);
    } catch (const std::exception& e) {
      error = e.what();
    }
    return [this, s, error, source, preset_json]() {
      opening_ = false;
      if (!error.empty()) {
        toast(ToastKind::Error, "cannot open " + opening_what_ + ": " + error);
        return;
      }
      install_session(s, preset_json.empty() ? place_of(source) : "");
      toast(ToastKind::Info, "opened " + opening_what_);
      remember_recent(source);
    };
  });
}

void App::save_run_async() {
  if (!session_) return;
  const std::string dir = "vaelab-runs/" + session_->preset().name + "-" + timestamp();
  std::shared_ptr<Session> s = session_;
  // Session::save_run waits for the training thread between two batches: not on the UI thread.
  // A failure (unwritable folder, non-finite weights) comes back as an error toast through the tasks.
  tasks_->run("save the run", [this, s, dir](TaskContext&) -> std::function<void()> {
    s->save_run(dir);  // creates DIR and holds its writer lock
    return [this, s, dir] {
      if (s == session_) open_run_place_ = dir;  // still the open run: it now lives there
      toast(ToastKind::Info, "saved run to " + dir + "/");
      remember_recent(dir);
    };
  });
  toast(ToastKind::Info, "saving run to " + dir + "/ (checkpoint.pt, metrics.csv, summary.json)");
}

void App::remember_recent(const std::string& path) {
  std::error_code ec;
  if (path.empty() || !fs::exists(path, ec)) return;  // a preset name is not a place to come back to
  std::string error;
  if (!recent_.add(path, error)) std::fprintf(stderr, "vaelab: recent runs: %s\n", error.c_str());
}

void App::handle_drops() {
  if (dropped_.empty()) return;
  const std::string path = dropped_.front();
  dropped_.clear();
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec) && !is_run_folder(path) && looks_like_image_folder(p)) {
    // An image folder: the current preset with its dataset swapped.
    if (!session_) {
      toast(ToastKind::Error, "open a preset first, then drop the image folder");
      return;
    }
    nlohmann::json j = session_->preset().to_json();
    j["dataset"] = {{"name", "image-folder"}, {"root", fs::absolute(p, ec).string()}};
    j["name"] = session_->preset().name + "-" + p.filename().string();
    open_async("", j.dump());
    return;
  }
  open_async(path, "");
}

}  // namespace gui
}  // namespace vaelab
