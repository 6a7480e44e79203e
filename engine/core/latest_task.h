#pragma once
// "Latest wins" for one kind of background result (a view's decoded grid, its k-means colouring), and
// the refresh bookkeeping every such owner needs, in one place:
// - dirty: the inputs changed since the last request (mark_dirty(); start() clears it);
// - in flight: a job started here has not been delivered yet (busy() for headless screenshots);
// - invalidate(): the inputs went away (a new run): results of jobs started before are never applied.
//
// At most one job runs per LatestTask. start() while one is in flight cancels it (its result is dropped)
// and keeps the new job waiting until the cancelled one has ended; a later start() replaces a waiting
// job, which then never runs. Only the newest request's result is applied, so a slider drag queues at
// most one decode and never shows an older image after a newer one.
//
// Threading: every member runs on the main thread (the one that drains the tasks' queue). The result
// closure and a failure (reported through MainThreadTasks::report_error) arrive there too.
// Lifetime: the destructor cancels and joins the running job; nothing is delivered afterwards. The
// MainThreadTasks passed to start() must outlive the job's delivery or be destroyed first (it then
// drops the delivery).
#include <cstdint>
#include <memory>
#include <string>

#include "core/main_thread_tasks.h"
#include "core/task.h"

namespace vaelab {

class LatestTask {
 public:
  explicit LatestTask(std::string name);
  ~LatestTask();
  LatestTask(const LatestTask&) = delete;
  LatestTask& operator=(const LatestTask&) = delete;

  void mark_dirty() { dirty_ = true; }
  // For owners that compute the result themselves this frame (a decode cheap enough to run inline).
  void mark_clean() { dirty_ = false; }
  bool dirty() const { return dirty_; }
  bool in_flight() const;
  // Dirty and nothing in flight: time to start().
  bool due() const { return dirty_ && !in_flight(); }

  // Drops the result of every job started so far (cancelling the running one, forgetting a waiting
  // one) and marks dirty.
  void invalidate();

  // Starts `job` through `tasks` (see above for what happens while one is in flight) and clears dirty.
  void start(MainThreadTasks& tasks, DeliveringJob job);

 private:
  struct Slot;  // shared with deliveries, which hold it weakly
  void launch(MainThreadTasks& tasks, DeliveringJob job);

  std::string name_;
  bool dirty_ = true;
  std::shared_ptr<Slot> slot_;
};

}  // namespace vaelab
