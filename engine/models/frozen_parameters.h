#pragma once
// While a FrozenParameters lives, the given parameters do not require gradients; on its end each gets back
// the flag it had. Adversarial variants build their generator's graph through the discriminator this way
// (mog-vae's ADV term through the PatchGAN, FactorVAE's TC through its code discriminator): the
// generator's backward then sends gradients through the discriminator's layers to the codes or images,
// but computes none for the discriminator's weights, which its own step (after_step) would discard. The
// generator's gradients are unchanged; a PatchGAN step of mog-vae loses its three largest weight-gradient
// convolutions (bench_variant_throughput).
#include <torch/types.h>

#include <vector>

namespace vaelab {

class FrozenParameters {
 public:
  explicit FrozenParameters(std::vector<torch::Tensor> parameters) : parameters_(std::move(parameters)) {
    flags_.reserve(parameters_.size());
    for (auto& p : parameters_) {
      flags_.push_back(p.requires_grad());
      p.set_requires_grad(false);
    }
  }
  ~FrozenParameters() {
    for (size_t i = 0; i < parameters_.size(); ++i) parameters_[i].set_requires_grad(flags_[i]);
  }
  FrozenParameters(const FrozenParameters&) = delete;
  FrozenParameters& operator=(const FrozenParameters&) = delete;

 private:
  std::vector<torch::Tensor> parameters_;
  std::vector<bool> flags_;
};

}  // namespace vaelab
