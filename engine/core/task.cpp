#include "core/task.h"

#include <algorithm>
#include <chrono>
#include <exception>

namespace vaelab {

bool TaskContext::cancelled() const { return task_.cancel_requested(); }

void TaskContext::throw_if_cancelled() const {
  if (cancelled()) throw TaskCancelled();
}

void TaskContext::set_progress(float fraction) {
  task_.progress_.store(std::clamp(fraction, 0.f, 1.f), std::memory_order_relaxed);
}

void TaskContext::set_progress(float fraction, const std::string& status) {
  set_progress(fraction);
  set_status(status);
}

void TaskContext::set_status(const std::string& status) {
  std::lock_guard<std::mutex> lock(task_.mutex_);
  task_.status_ = status;
}

Task::Task(std::string name, Job job, Ended ended) : name_(std::move(name)), ended_(std::move(ended)) {
  // The thread only touches members of this Task, and ~Task joins it before they go away.
  thread_ = std::thread([this, job = std::move(job)]() mutable { run(std::move(job)); });
}

Task::~Task() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

void Task::run(Job job) {
  TaskContext ctx(*this);
  std::string error;
  bool by_cancel = false;
  try {
    job(ctx);
    by_cancel = cancel_requested();
  } catch (const TaskCancelled&) {
    by_cancel = true;
  } catch (const std::exception& e) {
    if (cancel_requested()) by_cancel = true;
    else error = e.what();
  } catch (...) {
    if (cancel_requested()) by_cancel = true;
    else error = "unknown exception";
  }
  if (ended_) ended_(error, by_cancel);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = error;
    ended_by_cancel_ = by_cancel;
    if (!by_cancel && error.empty()) progress_.store(1.f, std::memory_order_relaxed);
    done_.store(true, std::memory_order_release);
  }
  done_cv_.notify_all();
}

std::string Task::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

bool Task::failed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_.load() && !error_.empty();
}

bool Task::was_cancelled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_.load() && ended_by_cancel_;
}

std::string Task::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

bool Task::wait(int64_t timeout_ms) const {
  std::unique_lock<std::mutex> lock(mutex_);
  if (timeout_ms < 0) {
    done_cv_.wait(lock, [this] { return done_.load(); });
    return true;
  }
  return done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return done_.load(); });
}

std::shared_ptr<Task> run_task(const std::string& name, Task::Job job) {
  return std::make_shared<Task>(name, std::move(job));
}

std::shared_ptr<Task> run_task(const std::string& name, DeliveringJob job, PostToMainThread post, Delivery deliver) {
  // The result closure is written by the job and read by `ended`, both on the task's thread.
  auto result = std::make_shared<std::function<void()>>();
  Task::Job run = [job = std::move(job), result](TaskContext& ctx) { *result = job(ctx); };
  Task::Ended ended = [name, result, post = std::move(post), deliver = std::move(deliver)](const std::string& error,
                                                                                          bool cancelled) {
    TaskEnding ending;
    ending.name = name;
    ending.cancelled = cancelled;
    ending.error = error;
    if (!cancelled && error.empty()) ending.apply = std::move(*result);
    post([deliver, ending]() mutable { deliver(ending); });
  };
  return std::make_shared<Task>(name, std::move(run), std::move(ended));
}

}  // namespace vaelab
