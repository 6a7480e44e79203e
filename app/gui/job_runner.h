#pragma once
// Worker threads for the views' slow work (decoding grids, projections). A job runs off the UI thread
// and returns a closure; that closure is posted to the MainThreadQueue and runs on the UI thread, where
// it may update view state. Exceptions thrown by a job are caught and reported through `on_error`
// (on the UI thread), so a failing job never takes the app down.
//
// Keyed jobs ("latest wins"): run_latest(key, job) drops a not-yet-started job with the same key, so a
// slider drag queues at most one pending decode per view instead of one per mouse move.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "main_thread_queue.h"

namespace vaelab {
namespace gui {

class JobRunner {
 public:
  using Result = std::function<void()>;       // runs on the UI thread
  using Job = std::function<Result()>;        // runs on a worker thread
  using ErrorHandler = std::function<void(const std::string&)>;  // UI thread

  JobRunner(MainThreadQueue& queue, int threads, ErrorHandler on_error);
  ~JobRunner();  // waits for running jobs, drops queued ones
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void run(Job job);
  void run_latest(const std::string& key, Job job);
  // Jobs queued or running, plus results posted but not yet applied on the UI thread.
  int64_t pending() const { return pending_.load(); }

 private:
  struct Entry {
    std::string key;
    Job job;
  };
  void worker_loop();

  MainThreadQueue& queue_;
  ErrorHandler on_error_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Entry> jobs_;
  bool stopping_ = false;
  std::atomic<int64_t> pending_{0};
  std::vector<std::thread> threads_;
};

}  // namespace gui
}  // namespace vaelab
