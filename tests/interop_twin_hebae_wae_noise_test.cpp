// PyTorch twins (tools/vaelab_twins/hebae.py, wae_mmd.py, noise_vae.py) of HEBAE, WAE-MMD and the
// noise-modelling VAE: on an exported run they compute our negative ELBO and every loss term of `eval`
// to 1e-5 (relative), from the same weights, buffers (running prior, noise state) and draws.
#include <catch2/catch.hpp>

#include "pytorch_fixture.h"

using namespace vaelab::test;

namespace {
const char* kSmallMlp = "--set 'architecture={\"type\":\"mlp\",\"hidden\":[64],\"activation\":\"relu\"}' ";
const char* kSmallConv =
    "--set 'architecture={\"type\":\"conv\",\"channels\":[8,16],\"hidden\":[32],\"activation\":\"relu\"}' ";
}  // namespace

TEST_CASE("The PyTorch twin of an exported HEBAE computes our negative ELBO and every loss term", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_hebae_mlp", "hebae-mnist", std::string(kSmallMlp) + "--set latent=8");
}

TEST_CASE("The PyTorch twin of an exported conv HEBAE with a scalar sigma computes our loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_hebae_conv_scalar", "hebae-mnist",
                      std::string(kSmallConv) +
                          "--set latent=6 --set options.sigma=scalar --set options.lambda=2.5 "
                          "--set options.jitter=0.001");
}

TEST_CASE("The PyTorch twin of an exported WAE-MMD computes our negative ELBO and every loss term", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_wae_mmd_mlp", "wae-mmd-mnist", std::string(kSmallMlp) + "--set latent=8");
}

TEST_CASE("The PyTorch twin of an exported conv WAE-MMD with Gaussian noise and its own kernel scale agrees",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_wae_mmd_conv", "wae-mmd-mnist",
                      std::string(kSmallConv) +
                          "--set latent=6 --set options.kernel_c=3.5 --set options.proposal_std=0.3 "
                          "--set options.lambda=4 --set 'likelihood={\"type\":\"gaussian\",\"sigma2\":0.1}'");
}

TEST_CASE("The PyTorch twin of an exported noise VAE with closed-form Gaussian noise computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_noise_vae_gaussian", "noise-vae-fashion-gaussian", "");
}

TEST_CASE("The PyTorch twin of an exported conv noise VAE with a learned log sigma computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_noise_vae_gradient_conv", "noise-vae-fashion-gaussian",
                      std::string(kSmallConv) +
                          "--set latent=8 --set options.sigma2_update=gradient --set options.decoder_output=identity");
}

// One warm-up step: step 0 splits the residuals into two components, step 1 runs EM, so the exported
// mixture has distinct variances and weights (the preset's 300 warm-up steps would leave it degenerate).
TEST_CASE("The PyTorch twin of an exported MoG-2 noise VAE after one EM step computes our loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_noise_vae_mog2", "noise-vae-fashion-mog2",
                      "--set options.noise_warmup_steps=1 --set options.max_sigma2=1");
}

TEST_CASE("The PyTorch twin of an exported MoG-2 noise VAE trained by EM from the start computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_noise_vae_mog2_em", "noise-vae-fashion-mog2",
                      "--set options.noise_warmup_steps=0 --set options.max_sigma2=1 --set options.beta=2");
}
