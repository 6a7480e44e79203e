// KL warm-up shapes training only: every variant that has one scores the full objective in eval mode
// (held-out evaluation and the trainer's test view), whatever the step.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "models/registry.h"

using namespace vaelab;

namespace {

// The total loss of `variant` at step 0 with a long warm-up and with none, on the same weights, batch
// and noise, in the given mode.
std::pair<double, double> loss_with_and_without_warmup(const std::string& variant, bool training) {
  ModelSpec spec;
  spec.variant = variant;
  spec.shape.features = 6;
  spec.latent = variant == "ladder-vae" ? 4 : 3;
  spec.architecture.hidden = {8};
  spec.options = {{"warmup_steps", 1000}};
  torch::manual_seed(5);
  auto warm = make_model(spec);
  spec.options = {{"warmup_steps", 0}};
  auto plain = make_model(spec);
  copy_state(*warm, *plain);
  const Batch batch{torch::rand({16, 6}), {}};
  double totals[2];
  int i = 0;
  for (auto* m : {warm.get(), plain.get()}) {
    m->train(training);
    torch::manual_seed(9);
    totals[i++] = m->loss(batch, StepInfo{0, 0}).total.item<double>();
  }
  return {totals[0], totals[1]};
}

}  // namespace

TEST_CASE("Evaluation losses never apply the KL warm-up, for every variant that has one", "[fast][warmup]") {
  for (const std::string variant : {"vae", "beta-vae", "factor-vae", "ladder-vae", "ph-vae"}) {
    INFO(variant);
    const auto [warm_eval, plain_eval] = loss_with_and_without_warmup(variant, false);
    CHECK(warm_eval == Approx(plain_eval).epsilon(1e-6));
    // In training the warm-up does act (weight 0 at step 0), so the check above can fail.
    const auto [warm_train, plain_train] = loss_with_and_without_warmup(variant, true);
    CHECK(warm_train < plain_train - 1e-3);
  }
}
