#include "models/discriminator_optimizer_state.h"

#include "core/error.h"

namespace vaelab {

namespace {
constexpr const char* kKey = "discriminator_optimizer";

void move_adam_state(torch::optim::Adam& adam, const torch::Device& device) {
  for (auto& entry : adam.state()) {
    auto& s = static_cast<torch::optim::AdamParamState&>(*entry.second);
    if (s.exp_avg().defined()) s.exp_avg(s.exp_avg().to(device));
    if (s.exp_avg_sq().defined()) s.exp_avg_sq(s.exp_avg_sq().to(device));
    if (s.max_exp_avg_sq().defined()) s.max_exp_avg_sq(s.max_exp_avg_sq().to(device));
  }
}
}  // namespace

void save_discriminator_optimizer(torch::serialize::OutputArchive& archive, torch::optim::Adam& optimizer) {
  torch::serialize::OutputArchive state;
  optimizer.save(state);
  archive.write(kKey, state);
}

void load_discriminator_optimizer(torch::serialize::InputArchive& archive, torch::optim::Adam& optimizer,
                                  const torch::Device& device, const std::string& variant) {
  torch::serialize::InputArchive state;
  if (!archive.try_read(kKey, state))
    throw Error(variant + " checkpoint: missing the discriminator optimiser state (\"" + kKey + "\")");
  optimizer.load(state);
  move_adam_state(optimizer, device);
}

}  // namespace vaelab
