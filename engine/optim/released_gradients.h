#pragma once
// What zero_grad() leaves, at less cost: an optimiser's gradients released before a backward pass
// instead of zeroed.
//
// Why: LibTorch 1.x's Optimizer::zero_grad() fills every existing gradient with zeros, and the backward
// pass then adds each freshly computed gradient into that buffer: a fill and an add over every weight
// per step (on vade-mnist's 3.4M parameters, two of the step's largest non-GEMM passes). A released
// (undefined) gradient is instead taken over as it comes out of the backward pass, with no pass at all.
// What: release() resets each parameter's gradient to undefined and remembers which had one;
// restore_missing(), after the backward pass, gives a zero gradient (zeros_like) to each of those that
// received none this time.
//
// Contracts
// - After restore_missing() the optimiser sees exactly what 1.x's zero_grad() + backward would have left
//   (2.x's zero_grad() sets gradients to none by default; this class keeps 1.x's steps on both): the
//   same set of defined gradients (a parameter outside the graph this step keeps a zero gradient, so the
//   optimiser's state and step counts move as they did), with equal values (x, where zero_grad gives
//   0 + x). Tested against zero_grad over steps with a parameter that skips steps.
// - A parameter that never had a gradient and gets none stays without one, as under zero_grad().
// - Gradients taken over from the backward pass follow autograd's layout contract (those of a
//   contiguous parameter are contiguous), which the one-pass Adam (optim/fused_adam.h) needs.
#include <torch/optim/optimizer.h>

#include <vector>

namespace vaelab {

class ReleasedGradients {
 public:
  // Releases the gradients of every parameter in every group of `optimizer`.
  explicit ReleasedGradients(torch::optim::Optimizer& optimizer);

  // Call after the backward pass: a zero gradient for each released one that received none.
  void restore_missing();

 private:
  std::vector<torch::Tensor> had_gradient_;  // the parameters whose gradient was released
};

}  // namespace vaelab
