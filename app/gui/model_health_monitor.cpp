#include "model_health_monitor.h"

#include <algorithm>

#include "core/main_thread_tasks.h"
#include "session/session.h"
#include "train/snapshot.h"

namespace vaelab {
namespace gui {

namespace {

constexpr int64_t kImageLimit = 1000;   // inputs per check for image data
constexpr int64_t kVectorLimit = 2000;  // points per check for vector data (toys: 1000 per half)
constexpr double kMaxShareOfTime = 0.1;  // a check starts at least duration / this after the last one

}  // namespace

ModelHealthMonitor::ModelHealthMonitor(double min_interval_s) : min_interval_s_(min_interval_s) {}

void ModelHealthMonitor::reset() {
  task_.invalidate();
  report_.reset();
  error_.clear();
  checked_.reset();
  delivered_any_ = false;
  wanted_ = false;
  last_seconds_ = 0.0;
}

bool ModelHealthMonitor::is_checked(const std::shared_ptr<const ModelSnapshot>& model) const {
  return !checked_.owner_before(model) && !model.owner_before(checked_);
}

void ModelHealthMonitor::update(const Session* session, const std::shared_ptr<const TrainerSnapshot>& snapshot,
                                MainThreadTasks& tasks) {
  wanted_ = false;
  if (!session || !snapshot || !snapshot->model || !snapshot->model->model) return;
  if (is_checked(snapshot->model)) return;
  const bool running = snapshot->progress.state == RunState::Running;
  wanted_ = !delivered_any_ || !running;
  if (task_.in_flight()) return;  // its delivery comes first; the newest snapshot is taken after it
  if (delivered_any_) {
    const double since = std::chrono::duration<double>(Clock::now() - started_at_).count();
    if (since < std::max(min_interval_s_, last_seconds_ / kMaxShareOfTime)) return;
  }
  start(*session, *snapshot, tasks);
}

void ModelHealthMonitor::start(const Session& session, const TrainerSnapshot& snapshot, MainThreadTasks& tasks) {
  const std::shared_ptr<const ModelSnapshot> ms = snapshot.model;
  const std::shared_ptr<const DatasetSplit> data = session.data();
  checked_ = ms;
  started_at_ = Clock::now();
  auto report = std::make_shared<HealthReport>();
  report->step = ms->step;
  report->epochs = snapshot.progress.epochs;
  if (snapshot.progress.steps_per_epoch > 0)
    report->epoch = static_cast<double>(ms->step) / static_cast<double>(snapshot.progress.steps_per_epoch);
  task_.start(tasks, [this, ms, data, report](TaskContext& ctx) -> std::function<void()> {
    const auto t0 = Clock::now();
    std::string error;
    try {
      const bool use_test = data->test.size() > 0;
      const Dataset& view = use_test ? data->test : data->train;
      report->split = use_test ? "test" : "train";
      HealthOptions options;
      options.seed = -1;
      options.batch_size = 128;
      options.limit = view.shape.is_image() ? kImageLimit : kVectorLimit;
      // The snapshot's copy is read-only by contract: evaluate_model_health only runs forward passes
      // (under its own NoGradGuard) and leaves the copy in eval mode, as it found it.
      report->health = evaluate_model_health(*ms->model, view, options,
                                             [&ctx](int64_t, int64_t) { return !ctx.cancelled(); });
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (ctx.cancelled() || (error.empty() && report->health.cancelled)) return nullptr;
    report->seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    report->finished_at = Clock::now();
    return [this, report, error] {
      delivered_any_ = true;
      last_seconds_ = report->seconds;
      error_ = error.empty() ? std::string() : "model health: " + error;
      if (error.empty()) report_ = report;
    };
  });
}

}  // namespace gui
}  // namespace vaelab
