#pragma once
// One task type for every long job (t-SNE, encoding, metric evaluation, exports, the GUI's decodes): the
// job runs on its own thread; the owner reads progress/status/error through atomics or a short lock and
// can cancel at any time. A task either is polled by its owner, or delivers its result to a main thread
// (the GUI's frame loop) through a queue the owner supplies.
//
// Contracts
// - The job function polls ctx.cancelled() (or calls ctx.throw_if_cancelled()) at least every ~50 ms,
//   so cancel() takes effect promptly; a job that returns or throws after cancellation ends "cancelled",
//   not "failed".
// - An exception escaping the job is caught; its what() lands in error() and failed() turns true.
// - Polled: results are returned by whatever the job captures (e.g. a shared_ptr it fills); read them
//   only once done() is true (done() is a release/acquire point).
// - Delivered (run_task with a PostToMainThread): the job returns a closure that applies its result;
//   once the job has ended, the task's thread posts exactly one closure, which runs `deliver` on the
//   main thread with the ending (the result closure only when the job completed). The post happens
//   whatever the outcome and also when the owner dropped the task, so main-thread bookkeeping ("in
//   flight") always balances; `deliver` must check that what it touches is still alive.
// - Destroying the last shared_ptr<Task> cancels the job and joins its thread.
//
//   auto task = run_task("t-SNE", [out](TaskContext& ctx) {
//     for (int i = 0; i < 1000; ++i) { ctx.throw_if_cancelled(); ...; ctx.set_progress(i / 1000.f); }
//   });
//   if (task->done() && !task->failed()) use(*out);
//
//   auto task = run_task("decode", [](TaskContext&) { auto img = decode(); return [img] { show(img); }; },
//                        post_to_ui, [](TaskEnding& end) { if (end.apply) end.apply(); });
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

// Queues a closure for the main thread (e.g. the GUI's MainThreadQueue::post). Called from a task's own
// thread; it must only queue, never run the closure on the calling thread.
using PostToMainThread = std::function<void(std::function<void()>)>;

// How a delivered task ended, as the main thread sees it.
struct TaskEnding {
  std::string name;
  std::function<void()> apply;  // the job's result closure: set only when the job completed
  std::string error;            // the exception's message when the job failed
  bool cancelled = false;
};

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
  // Runs on the task's thread once the job has ended, just before done() turns true (so wait()
  // returns only after it): `error` is the failure's message (empty when none).
  using Ended = std::function<void(const std::string& error, bool cancelled)>;
  Task(std::string name, Job job, Ended ended = {});  // starts the thread
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
  Ended ended_;
  std::thread thread_;
};

// A polled task.
std::shared_ptr<Task> run_task(const std::string& name, Task::Job job);

// A delivered task: `job` runs on the task's thread and returns the closure that applies its result (may
// be empty); `deliver` then runs on the main thread, through `post`, once, with the ending.
using DeliveringJob = std::function<std::function<void()>(TaskContext&)>;
using Delivery = std::function<void(TaskEnding&)>;
std::shared_ptr<Task> run_task(const std::string& name, DeliveringJob job, PostToMainThread post, Delivery deliver);

}  // namespace vaelab
