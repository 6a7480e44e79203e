#include "core/main_thread_tasks.h"

#include <algorithm>

namespace vaelab {

MainThreadTasks::MainThreadTasks(PostToMainThread post, ErrorHandler on_error)
    : post_(std::move(post)), state_(std::make_shared<State>()) {
  state_->on_error = std::move(on_error);
}

MainThreadTasks::~MainThreadTasks() {
  state_.reset();  // deliveries still in the queue now find nothing to act on
  for (auto& task : owned_) task->cancel();
  owned_.clear();  // joins
}

std::shared_ptr<Task> MainThreadTasks::start(const std::string& name, DeliveringJob job, Delivery deliver) {
  ++state_->pending;
  std::weak_ptr<State> weak = state_;
  return run_task(name, std::move(job), post_, [weak, deliver = std::move(deliver)](TaskEnding& ending) {
    const auto state = weak.lock();
    if (!state) return;
    --state->pending;
    if (deliver) deliver(ending);
  });
}

void MainThreadTasks::run(const std::string& name, DeliveringJob job) {
  owned_.erase(std::remove_if(owned_.begin(), owned_.end(), [](const auto& t) { return t->done(); }), owned_.end());
  std::weak_ptr<State> weak = state_;
  owned_.push_back(start(name, std::move(job), [weak](TaskEnding& ending) {
    if (!ending.error.empty()) {
      if (const auto state = weak.lock(); state && state->on_error) state->on_error(ending.error);
    } else if (ending.apply) {
      ending.apply();
    }
  }));
}

int64_t MainThreadTasks::pending() const { return state_ ? state_->pending : 0; }

void MainThreadTasks::report_error(const std::string& message) const {
  if (state_ && state_->on_error) state_->on_error(message);
}

}  // namespace vaelab
