#pragma once
// One task type for every long job that is not training (t-SNE, metric evaluation, exports): the job
// runs on its own thread; the owner reads progress/status/error through atomics or a short lock and can
// cancel at any time.
//
// Contracts
// - The job function polls ctx.cancelled() (or calls ctx.throw_if_cancelled()) at least every ~50 ms,
//   so cancel() takes effect promptly; a job that returns or throws after cancellation ends "cancelled",
//   not "failed".
// - An exception escaping the job is caught; its what() lands in error() and failed() turns true.
// - Results are returned by whatever the job captures (e.g. a shared_ptr it fills); read them only once
//   done() is true (done() is a release/acquire point).
// - Destroying the last shared_ptr<Task> cancels the job and joins its thread.
//
//   auto task = run_task("t-SNE", [out](TaskContext& ctx) {
//     for (int i = 0; i < 1000; ++i) { ctx.throw_if_cancelled(); ...; ctx.set_progress(i / 1000.f); }
//   });
//   if (task->done() && !task->failed()) use(*out);
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace vaelab {

// Thrown by TaskContext::throw_if_cancelled(); caught by the task runner (not an error).
struct TaskCancelled : std::runtime_error {
  TaskCancelled() : std::runtime_error("cancelled") {}
};

class Task;

// What a running job sees: its cancel flag and the progress it reports.
class TaskContext {
 public:
  explicit TaskContext(Task& task) : task_(task) {}
  bool cancelled() const;
  void throw_if_cancelled() const;
  // fraction in [0, 1] (clamped); status is a short line such as "iteration 300/1000".
  void set_progress(float fraction);
  void set_progress(float fraction, const std::string& status);
  void set_status(const std::string& status);

 private:
  Task& task_;
};

class Task {
 public:
  using Job = std::function<void(TaskContext&)>;
  Task(std::string name, Job job);  // starts the thread
  ~Task();                          // cancel() + join
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  const std::string& name() const { return name_; }
  float progress() const { return progress_.load(std::memory_order_relaxed); }
  std::string status() const;
  void cancel() { cancel_.store(true); }
  bool cancel_requested() const { return cancel_.load(); }
  bool done() const { return done_.load(std::memory_order_acquire); }
  bool failed() const;            // the job threw (not counting cancellation)
  bool was_cancelled() const;     // done, and ended because of cancel()
  std::string error() const;      // the exception's message; empty when none
  // Blocks until done or until timeout_ms passes (negative: no timeout). Returns done().
  bool wait(int64_t timeout_ms = -1) const;

 private:
  friend class TaskContext;
  void run(Job job);

  std::string name_;
  std::atomic<float> progress_{0.f};
  std::atomic<bool> cancel_{false};
  std::atomic<bool> done_{false};
  mutable std::mutex mutex_;  // guards status_, error_, ended_by_cancel_
  mutable std::condition_variable done_cv_;
  std::string status_;
  std::string error_;
  bool ended_by_cancel_ = false;
  std::thread thread_;
};

std::shared_ptr<Task> run_task(const std::string& name, Task::Job job);

}  // namespace vaelab
