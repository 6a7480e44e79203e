#include "optim/make_optimizer.h"

#include <fmt/format.h>
#include <torch/optim/sgd.h>

#include "core/error.h"
#include "optim/fused_adam.h"

namespace vaelab {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSpec& spec, std::vector<torch::Tensor> params) {
  if (spec.type == "adam")
    return std::make_unique<FusedAdam>(params, torch::optim::AdamOptions(spec.lr).weight_decay(spec.weight_decay));
  if (spec.type == "adamw")
    return std::make_unique<FusedAdamW>(params,
                                        torch::optim::AdamWOptions(spec.lr).weight_decay(spec.weight_decay));
  if (spec.type == "sgd")
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(spec.lr).momentum(spec.momentum).weight_decay(spec.weight_decay));
  throw Error(fmt::format("preset key \"optimizer.type\": expected adam, adamw or sgd, got \"{}\"", spec.type));
}

}  // namespace vaelab
