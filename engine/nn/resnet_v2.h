#pragma once
// ResNetV2 (pre-activation, He et al. 2016) encoder and decoder trunks, the architecture of "How to train
// your VAE" §3.4: identity blocks (Id-ResBlock), strided down blocks (Conv-ResBlock) and transposed-conv
// up blocks (Conv-ResBlock-T). Any variant selects them with {"type": "resnet", "channels": [...],
// "blocks": r, "hidden": [...]}; backbone.cpp's make_encoder/make_decoder call the two functions below.
//
// Layout (S = number of stages = channels.size(); the paper uses S = R = 6, r = 2, 256x256 RGB):
//   encoder: conv3x3 C->ch[0] | per stage s: DownBlock(ch[s-1] -> ch[s], stride 2), r IdentityBlocks
//            | BN-ReLU | flatten | dense hidden... -> out_features
//   decoder: dense in -> hidden... -> ch[S-1]*h*w | unflatten | per stage s (reversed): r IdentityBlocks,
//            UpBlock(ch[s] -> ch[s-1] or ch[0]) | BN-ReLU | conv3x3 ch[0] -> C   (raw output, no link)
// Sizes: every down block maps n -> ceil(n/2) (28 -> 14 -> 7 -> 4); the decoder records the encoder's
// sizes and gives each up block the output_padding (0 or 1) that lands exactly on them, so any H x W
// (28x28, 64x64, 256x256, odd sizes) round-trips exactly.
// Normalisation: BatchNorm2d, as in ResNetV2 and the paper. In training mode each sample's output depends
// on its batch (fine at the paper's batch of 20; a batch of 1 with a 1x1 final map is rejected by torch);
// eval mode uses the running statistics.
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "nn/backbone.h"
#include "nn/transposed_conv.h"

namespace vaelab {

// x + conv3x3(ReLU(BN(conv3x3(ReLU(BN(x)))))) with `channels` in and out.
struct ResNetIdentityBlockImpl : torch::nn::Module {
  explicit ResNetIdentityBlockImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
};
TORCH_MODULE(ResNetIdentityBlock);

// Halves H and W (n -> ceil(n/2)): a = ReLU(BN(x)); conv3x3/2(a) -> BN-ReLU -> conv3x3, plus a 1x1/2
// projection of a as the shortcut.
struct ResNetDownBlockImpl : torch::nn::Module {
  ResNetDownBlockImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
};
TORCH_MODULE(ResNetDownBlock);

// Doubles H and W (n -> 2n - 1 + output_padding, output_padding in {0, 1}): a = ReLU(BN(x));
// convT3x3/2(a) -> BN-ReLU -> conv3x3, plus a 1x1/2 transposed projection of a as the shortcut.
struct ResNetUpBlockImpl : torch::nn::Module {
  ResNetUpBlockImpl(int64_t in_channels, int64_t out_channels, int64_t output_padding);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  TransposedConv2d conv1{nullptr}, shortcut{nullptr};  // ConvTranspose2d via oneDNN (nn/transposed_conv.h)
  torch::nn::Conv2d conv2{nullptr};
};
TORCH_MODULE(ResNetUpBlock);

// Spatial sizes the encoder passes through for an input side n: {n, ceil(n/2), ...}, stages + 1 entries.
std::vector<int64_t> resnet_stage_sizes(int64_t n, int64_t stages);

// Image batch {B, C, H, W} -> {B, out_features}. Throws vaelab::Error for vector data, empty channels,
// blocks < 0 or non-positive widths.
torch::nn::Sequential make_resnet_encoder(const Architecture& arch, const DataShape& shape, int64_t out_features);
// {B, in_features} -> raw output {B, C, H, W}, mirroring make_resnet_encoder for the same arch and shape.
torch::nn::Sequential make_resnet_decoder(const Architecture& arch, int64_t in_features, const DataShape& shape);

}  // namespace vaelab
