#pragma once
// The tasks of a program with a main-thread loop (the GUI): each is a delivered Task (core/task.h) whose
// result closure runs on the main thread through one PostToMainThread, and whose failure goes to one
// error handler there (the GUI shows it as a toast).
//
// Threading: construct, run(), pending() and the destructor on the main thread only; the closures posted
// run on the main thread too (whoever drains the queue behind `post`).
// Lifetime: the destructor cancels and joins every task started by run(); deliveries that arrive after
// it do nothing, so a result closure never runs once its owner has gone. Work that must happen anyway
// (closing a run) belongs in the job, not in its result closure.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/task.h"

namespace vaelab {

class MainThreadTasks {
 public:
  using ErrorHandler = std::function<void(const std::string& message)>;  // main thread

  MainThreadTasks(PostToMainThread post, ErrorHandler on_error);
  ~MainThreadTasks();
  MainThreadTasks(const MainThreadTasks&) = delete;
  MainThreadTasks& operator=(const MainThreadTasks&) = delete;

  // Fire and forget: `job` runs on its own thread; its result closure runs on the main thread, or
  // on_error gets the exception's message when it throws. Kept alive (and joined) by this object.
  void run(const std::string& name, DeliveringJob job);

  // The building block of run() and of LatestTask: starts a delivered task counted in pending(); the
  // caller keeps the returned task and decides in `deliver` what the ending means (report_error() for a
  // failure it cares about). `deliver` does not run once this object is gone.
  std::shared_ptr<Task> start(const std::string& name, DeliveringJob job, Delivery deliver);

  // Tasks started here whose delivery has not run yet (running, or posted and not yet drained).
  int64_t pending() const;

  // Hands a failure to the error handler (main thread).
  void report_error(const std::string& message) const;

 private:
  struct State {
    int64_t pending = 0;
    ErrorHandler on_error;
  };
  PostToMainThread post_;
  std::shared_ptr<State> state_;  // deliveries hold it weakly
  std::vector<std::shared_ptr<Task>> owned_;  // run()'s tasks; finished ones are dropped on the next run()
};

}  // namespace vaelab
