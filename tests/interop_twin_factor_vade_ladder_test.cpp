// The PyTorch twins of FactorVAE, VaDE and the Ladder VAE (tools/vaelab_twins/{factor_vae,vade,ladder_vae}.py)
// compute our negative ELBO and every term `vaelab-cli eval` reports, on the exported weights and the
// same random draws, to 1e-5 relative. Small networks keep each check to a few seconds.
#include <catch2/catch.hpp>

#include "pytorch_fixture.h"

using namespace vaelab::test;

TEST_CASE("The PyTorch twin of an exported MLP FactorVAE computes our negative ELBO and every loss term",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  // "tc" is D's logit mean and "disc" D's loss on a permutation of the eval codes: both need D's weights.
  require_twin_agrees("interop_twin_factor_vae_mlp", "fashion-vae",
                      "--set variant=factor-vae --set options.gamma=6.4 --set 'options.disc_hidden=[64,64]' "
                      "--set 'architecture={\"type\":\"mlp\",\"hidden\":[64]}'");
}

TEST_CASE("The PyTorch twin of an exported conv FactorVAE with a KL warm-up computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  // The warm-up shapes training only: eval weighs the KL by beta, whatever the step.
  require_twin_agrees("interop_twin_factor_vae_conv", "fashion-vae",
                      "--set variant=factor-vae --set latent=6 --set options.warmup_steps=500 "
                      "--set 'options.disc_hidden=[32,32]' "
                      "--set 'architecture={\"type\":\"conv\",\"channels\":[8,16],\"hidden\":[32]}'");
}

TEST_CASE("The PyTorch twin of an exported VaDE with its fitted mixture prior computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  // pretrain_epochs 0: the first training batch's codes fit the GMM, so the run ends on VaDE's ELBO.
  require_twin_agrees("interop_twin_vade_fitted", "vade-mnist",
                      "--set options.pretrain_epochs=0 --set options.init=kmeans --set options.init_em_iterations=20 "
                      "--set options.init_refine_steps=0 --set 'architecture={\"type\":\"mlp\",\"hidden\":[64]}'");
}

TEST_CASE("The PyTorch twin of an exported VaDE still in VAE pre-training computes our loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  // Before the GMM fit eval reports the pre-training objective; nelbo still uses the unfitted mixture.
  require_twin_agrees("interop_twin_vade_pretraining", "vade-mnist",
                      "--set options.pretrain_epochs=1 --set options.pretrain=vae "
                      "--set 'architecture={\"type\":\"mlp\",\"hidden\":[64]}'");
}

TEST_CASE("The PyTorch twin of an exported three-layer Ladder VAE computes our KL of every layer", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  // ladder-mnist warms the KL up over 600 steps; after 2 training steps eval must still weigh it by beta.
  require_twin_agrees("interop_twin_ladder_vae_mlp", "ladder-mnist",
                      "--set 'architecture={\"type\":\"mlp\",\"hidden\":[64]}'");
}
