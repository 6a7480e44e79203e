#pragma once
// The app's model health (engine/analysis/model_health.h), kept up to date while training goes on: one
// object owned by the App, read by the banner above every view (health_banner.h) and by the run view's
// health panel (views/run_view_health.h).
//
// Refresh policy (update(), called once per frame with that frame's snapshot):
// - a check starts when the snapshot's model is another version (another ModelSnapshot) than the one
//   last checked, on that snapshot's model copy (never the training model), on the test split (the
//   training split when the run has no test split);
// - at most one check runs at a time; when it ends, the newest snapshot is taken (latest wins: versions
//   published meanwhile are skipped, never queued);
// - throttled: a check starts at least min_interval_s after the previous one started, and at least
//   10x the previous check's duration after it, so a slow model (a conv net on the CPU) costs training
//   at most about a tenth of one core. The first check of a run is not throttled.
// - options: HealthOptions{seed = -1 (torch's generator is left alone: a trainer shares the process),
//   limit = 1000 images or 2000 points of vector data (the toy distance's floor needs the points,
//   and they are cheap)}, batches of 128 so that cancelling (a new run, the app closing) is prompt.
//
// Threading: every member runs on the UI thread; the check runs on a LatestTask's thread and its result
// is applied on the UI thread. A check that throws is shown in the panel (error()), not as a toast, and
// is not retried until the model changes. The UI thread never waits for a check.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "analysis/model_health.h"
#include "core/latest_task.h"

namespace vaelab {

class MainThreadTasks;
class Session;
struct ModelSnapshot;
struct TrainerSnapshot;

namespace gui {

// One finished check, and where in training its model stood.
struct HealthReport {
  ModelHealth health;     // never cancelled (cancelled checks are dropped)
  int64_t step = 0;       // the model snapshot's optimiser step
  double epoch = 0.0;     // step / steps per epoch (fractional); 0 when unknown
  int64_t epochs = 0;     // epochs planned
  std::string split;      // "test" or "train": the inputs evaluated
  double seconds = 0.0;   // how long the check took
  std::chrono::steady_clock::time_point finished_at{};
};

class ModelHealthMonitor {
 public:
  explicit ModelHealthMonitor(double min_interval_s = 3.0);

  // Once per frame, after the frame's snapshot is taken. `session` and `snapshot` may be null.
  void update(const Session* session, const std::shared_ptr<const TrainerSnapshot>& snapshot,
              MainThreadTasks& tasks);
  // A new run was opened: forget results and drop the running check's result.
  void reset();

  // The latest finished check of this run; null before the first.
  const HealthReport* report() const { return report_.get(); }
  // The latest check's failure (one line), empty when it succeeded.
  const std::string& error() const { return error_; }
  bool checking() const { return task_.in_flight(); }
  // True while a check runs, or the shown model has no result yet and one is on its way: before the
  // first result of a run, and while training is not running and the model changed since the last
  // check (headless screenshots wait for it; while training runs the model changes all the time, so
  // only the first result is waited for).
  bool busy() const { return task_.in_flight() || wanted_; }
  double min_interval_s() const { return min_interval_s_; }

 private:
  using Clock = std::chrono::steady_clock;
  bool is_checked(const std::shared_ptr<const ModelSnapshot>& model) const;
  void start(const Session& session, const TrainerSnapshot& snapshot, MainThreadTasks& tasks);

  double min_interval_s_;
  LatestTask task_{"model health"};
  std::shared_ptr<const HealthReport> report_;
  std::string error_;
  // The model version last handed to a check (compared by owner: a freed snapshot's address reused by
  // a new one never looks like the same version).
  std::weak_ptr<const ModelSnapshot> checked_;
  bool delivered_any_ = false;  // a check of this run has ended (result or error)
  bool wanted_ = false;
  Clock::time_point started_at_{};
  double last_seconds_ = 0.0;
};

// A view that shows the monitor's results (the run view) implements this; the App hands it the monitor
// it owns once the views exist. The monitor outlives the views.
class ShowsModelHealth {
 public:
  virtual ~ShowsModelHealth() = default;
  virtual void show_model_health(const ModelHealthMonitor* monitor) = 0;
};

}  // namespace gui
}  // namespace vaelab
