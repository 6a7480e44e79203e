#include "optim/released_gradients.h"

namespace vaelab {

ReleasedGradients::ReleasedGradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      had_gradient_.push_back(p);
      p.mutable_grad().reset();
    }
  }
}

void ReleasedGradients::restore_missing() {
  for (auto& p : had_gradient_)
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p, torch::MemoryFormat::Preserve);
  had_gradient_.clear();
}

}  // namespace vaelab
