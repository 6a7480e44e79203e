#pragma once
// When a view that computes from the snapshot's model is out of date: the published model is at another
// step than the view's last request, and, while training keeps publishing, at least `interval` has passed
// since that request. So a view recomputes at once on a new model when training is paused, and at most
// once per interval while it runs (the views' decoding and encoding stay off the training thread's cores).
#include <chrono>
#include <cstdint>

namespace vaelab::gui {

class SnapshotFollower {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SnapshotFollower(Clock::duration interval = std::chrono::seconds(2)) : interval_(interval) {}

  bool stale(int64_t model_step, bool training) const {
    return model_step != step_ && (!training || Clock::now() - requested_at_ > interval_);
  }
  // A request for the model at `model_step` has just started.
  void requested(int64_t model_step) {
    step_ = model_step;
    requested_at_ = Clock::now();
  }
  void reset() { step_ = -1; }

 private:
  Clock::duration interval_;
  int64_t step_ = -1;
  Clock::time_point requested_at_{};
};

}  // namespace vaelab::gui
