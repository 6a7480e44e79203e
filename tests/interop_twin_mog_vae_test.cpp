// The PyTorch twin of mog-vae (tools/vaelab_twins/mog_vae.py, spec §3): on an exported run it recomputes
// our negative ELBO and every eval term (kl_g, kl_i, l1, adv, disc, loss) from the spec, on the same eps.
// One case per trunk: an MLP with the non-default reductions, density and an instance-normed PatchGAN, and
// the preset's ResNetV2 (three stages: 28 -> 14 -> 7 -> 4, so the decoder's output_padding is exercised)
// with its batch-normed PatchGAN, both shrunk so one epoch on 256 images takes a few seconds.
#include <catch2/catch.hpp>

#include "pytorch_fixture.h"

using namespace vaelab::test;

TEST_CASE("The PyTorch twin of an exported MLP mog-vae computes our negative ELBO and every loss term",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_mog_vae_mlp", "mog-vae-fashion",
                      "--set latent=8 --set 'architecture={\"type\":\"mlp\",\"hidden\":[64]}' "
                      "--set options.disc_channels=8 --set options.disc_norm=instance "
                      "--set options.l1_reduction=sum --set options.adv_reduction=sum "
                      "--set options.density=implied-laplace");
}

TEST_CASE("The PyTorch twin of an exported ResNetV2 mog-vae with its PatchGAN computes our negative ELBO and "
          "every loss term",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_mog_vae_resnet", "mog-vae-fashion",
                      "--set latent=8 "
                      "--set 'architecture={\"type\":\"resnet\",\"channels\":[4,8,8],\"blocks\":1,\"hidden\":[16]}' "
                      "--set options.disc_channels=8");
}
