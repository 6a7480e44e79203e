#pragma once
// PatchGAN discriminator (Isola et al. 2017; "How to train your VAE" eq. 22-24): instead of one realism
// score per image it gives an (H/8 x W/8) map, each entry judging the receptive field it sees.
//
// Layout: three conv4x4/2 (padding 1) layers, widths c, 2c, 4c, LeakyReLU(0.2), normalisation after the
// 2nd and 3rd (pix2pix), then a conv3x3/1 to one channel. Each stride-2 layer maps n -> floor(n/2), so the
// map is floor(H/8) x floor(W/8): 28 -> 3, 64 -> 8, 256 -> 32. Inputs smaller than 8 are rejected.
// forward() returns *logits* {B, 1, h, w}; losses use binary_cross_entropy_with_logits for stability,
// and probabilities are sigmoid(logits). The convolution weights are channels-last and forward() runs the
// layers on channels-last images (the same sums in oneDNN's NHWC kernels, faster on the CPU).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/types.h>

#include <cstdint>
#include <string>

namespace vaelab {

struct PatchGANOptions {
  int64_t channels = 64;       // c: width of the first conv (pix2pix uses 64)
  std::string norm = "batch";  // batch | instance | none
};

struct PatchGANImpl : torch::nn::Module {
  // Throws vaelab::Error for image_channels <= 0, channels <= 0 or an unknown norm.
  PatchGANImpl(int64_t image_channels, const PatchGANOptions& options = {});
  // {B, C, H, W} with H, W >= 8 -> logits {B, 1, H/8, W/8}; throws vaelab::Error naming the shape otherwise.
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Sequential body{nullptr};
  int64_t image_channels = 0;
};
TORCH_MODULE(PatchGAN);

// Spatial size of the realism map for an input side n: floor(n/8).
int64_t patchgan_map_size(int64_t n);

// Mean over every patch (and the batch) of BCE(sigmoid(logits), target), target 1 = real, 0 = fake.
torch::Tensor patch_bce(const torch::Tensor& logits, double target);

}  // namespace vaelab
