#pragma once
// The trainer's stop request, seen from inside one training step. Almost every step takes milliseconds
// and the trainer checks for stop() between steps; a few are long (VaDE's prior fit maps 8000 codes with
// t-SNE, ~40 s), and they must still let stop() return promptly (trainer contract: within 1 s).
//
// Contracts
// - The trainer opens a StepCancellationScope on its thread around Model::loss(); step_should_stop()
//   then reads the trainer's stop flag. Outside any scope (tests, a direct loss() call, evaluation) it
//   returns false. Scopes nest (the innermost wins) and are per thread.
// - Long work in a step polls step_should_stop() and, when true, throws TaskCancelled (core/task.h)
//   before changing any state; the trainer then drops the step whole.
#include <atomic>

namespace vaelab {

class StepCancellationScope {
 public:
  explicit StepCancellationScope(const std::atomic<bool>& stop_requested);
  ~StepCancellationScope();
  StepCancellationScope(const StepCancellationScope&) = delete;
  StepCancellationScope& operator=(const StepCancellationScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

bool step_should_stop();

}  // namespace vaelab
