#include "job_runner.h"

#include <exception>

namespace vaelab {
namespace gui {

JobRunner::JobRunner(MainThreadQueue& queue, int threads, ErrorHandler on_error)
    : queue_(queue), on_error_(std::move(on_error)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { worker_loop(); });
}

JobRunner::~JobRunner() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void JobRunner::run(Job job) { run_latest(std::string(), std::move(job)); }

void JobRunner::run_latest(const std::string& key, Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!key.empty()) {
      for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
        if (it->key == key) {  // replace the stale, not-yet-started job
          it->job = std::move(job);
          return;
        }
      }
    }
    jobs_.push_back({key, std::move(job)});
    pending_.fetch_add(1);
  }
  wake_.notify_one();
}

void JobRunner::worker_loop() {
  for (;;) {
    Entry entry;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      entry = std::move(jobs_.front());
      jobs_.pop_front();
    }
    Result result;
    std::string error;
    try {
      result = entry.job();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown error in a background job";
    }
    queue_.post([this, result = std::move(result), error = std::move(error)] {
      if (!error.empty()) {
        if (on_error_) on_error_(error);
      } else if (result) {
        result();
      }
      pending_.fetch_sub(1);
    });
  }
}

}  // namespace gui
}  // namespace vaelab
