#pragma once
// Checkpointing of the Adam optimiser an adversarial variant owns for its discriminator (mog-vae,
// factor-vae): the trainer checkpoints the main optimiser, Model::save_extra/load_extra carry this one.
#include <torch/optim/adam.h>
#include <torch/serialize/archive.h>

#include <string>

namespace vaelab {

void save_discriminator_optimizer(torch::serialize::OutputArchive& archive, torch::optim::Adam& optimizer);
// Restores the state saved above and moves it to `device` (a run saved on the GPU may resume on the CPU,
// or the reverse). Throws vaelab::Error naming `variant` when the archive holds no such state.
void load_discriminator_optimizer(torch::serialize::InputArchive& archive, torch::optim::Adam& optimizer,
                                  const torch::Device& device, const std::string& variant);

}  // namespace vaelab
