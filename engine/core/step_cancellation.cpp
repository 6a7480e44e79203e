#include "core/step_cancellation.h"

namespace vaelab {

namespace {
thread_local const std::atomic<bool>* current_stop_flag = nullptr;
}

StepCancellationScope::StepCancellationScope(const std::atomic<bool>& stop_requested)
    : previous_(current_stop_flag) {
  current_stop_flag = &stop_requested;
}

StepCancellationScope::~StepCancellationScope() { current_stop_flag = previous_; }

bool step_should_stop() { return current_stop_flag != nullptr && current_stop_flag->load(); }

}  // namespace vaelab
