#include "main_thread_queue.h"

namespace vaelab {
namespace gui {

void MainThreadQueue::post(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.push_back(std::move(fn));
}

void MainThreadQueue::drain() {
  std::vector<std::function<void()>> run;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    run.swap(pending_);
  }
  for (auto& fn : run) fn();
}

bool MainThreadQueue::empty() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_.empty();
}

}  // namespace gui
}  // namespace vaelab
