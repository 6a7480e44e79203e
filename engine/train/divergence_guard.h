#pragma once
// The trainer's divergence guard: it keeps a copy of the model's last state whose loss came out finite
// and says, in one sentence, what became non-finite.
//
// Contract (the training thread only):
// - before a step, keep_if_due(step) copies every parameter and buffer into a candidate when the model
//   is small enough to copy each step (<= kCopyEveryStepMax scalars), else every kCopyEvery steps;
// - once that step's loss at those weights came out finite, loss_was_finite(step) promotes the
//   candidate to the restore point (a swap, no copy). A state whose own loss was not finite never
//   becomes the restore point: an exploding step (lr 1e6) yields finite but useless weights whose next
//   loss is inf, and restoring those would save a run that cannot be evaluated;
// - after a loss, a backward or an optimiser step, the checks name the first non-finite term,
//   gradient or state tensor ("" / -1 when all are finite);
// - restore() writes the restore point back into the live tensors (no autograd): the weights before
//   the step that diverged, i.e. the last ones whose loss was finite (for large models, the last such
//   copy). kept_step() is its step.
// Optimisers a variant owns itself (discriminators) are not rolled back.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/model.h"

namespace vaelab {

class DivergenceGuard {
 public:
  // Above this many parameter+buffer scalars the copy is refreshed only every kCopyEvery steps (copying
  // a few M floats per step would cost more than a small model's step).
  static constexpr int64_t kCopyEveryStepMax = 4'000'000;
  static constexpr int64_t kCopyEvery = 50;

  // Starts over for `model` (a new model, or weights loaded from a checkpoint): no copy kept yet.
  void reset(Model& model);
  // Copies the live state into the candidate when due at `step`.
  void keep_if_due(int64_t step);
  // The loss of `step` was finite: the candidate kept at `step` (if any) becomes the restore point.
  void loss_was_finite(int64_t step);
  // Writes the restore point back (nothing when none was promoted yet).
  void restore();
  // Step of the restore point; -1 when none.
  int64_t kept_step() const { return kept_step_; }

  // Index into `values` ("loss" first) of the value to blame: a named term first (the cause), the total
  // only when every named term is finite; -1 when all are finite.
  static int64_t first_non_finite_term(const std::vector<std::pair<std::string, double>>& values);
  // Name of the first parameter gradient with a non-finite value, or "".
  std::string first_non_finite_gradient() const;
  // Name of the first parameter or buffer with a non-finite value, or "".
  std::string first_non_finite_state() const;
  // "nan", "inf" or "-inf".
  static std::string describe(double value);

 private:
  std::vector<std::pair<std::string, torch::Tensor>> live_state() const;

  Model* model_ = nullptr;
  bool copy_every_step_ = true;
  std::vector<std::pair<std::string, torch::Tensor>> candidate_, kept_;
  int64_t candidate_step_ = -1;  // -1: no candidate waiting for its loss
  int64_t copied_step_ = -1;     // step of the last copy taken (for the every-kCopyEvery schedule)
  int64_t kept_step_ = -1;
};

}  // namespace vaelab
