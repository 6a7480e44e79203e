#pragma once
// The main optimiser of a run, built from its preset section: the one-pass Adam / AdamW
// (optim/fused_adam.h) or LibTorch's SGD, over the given parameters.
#include <torch/optim/optimizer.h>

#include <memory>
#include <vector>

#include "optim/optimizer_spec.h"

namespace vaelab {

// Throws vaelab::Error naming "optimizer.type" for an unknown type.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSpec& spec, std::vector<torch::Tensor> params);

}  // namespace vaelab
