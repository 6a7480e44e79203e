#include "nn/patchgan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"

namespace vaelab {

namespace nn = torch::nn;

PatchGANImpl::PatchGANImpl(int64_t image_channels_, const PatchGANOptions& options)
    : image_channels(image_channels_) {
  if (image_channels <= 0)
    throw Error(fmt::format("PatchGAN: expected a positive number of image channels, got {}", image_channels));
  if (options.channels <= 0)
    throw Error(fmt::format("PatchGAN: expected a positive width, got {}", options.channels));
  if (options.norm != "batch" && options.norm != "instance" && options.norm != "none")
    throw Error(fmt::format("PatchGAN: norm must be one of batch, instance, none; got \"{}\"", options.norm));

  const int64_t c = options.channels;
  auto down = [](int64_t in, int64_t out, bool bias) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1).bias(bias));
  };
  auto lrelu = [] { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); };
  const bool normed = options.norm != "none";

  nn::Sequential seq;
  seq->push_back("conv0", down(image_channels, c, true));
  seq->push_back("act0", lrelu());
  int64_t in = c;
  for (int layer = 1; layer < 3; ++layer) {
    const int64_t out = c << layer;
    seq->push_back(fmt::format("conv{}", layer), down(in, out, !normed));
    if (options.norm == "batch") seq->push_back(fmt::format("norm{}", layer), nn::BatchNorm2d(out));
    if (options.norm == "instance")
      seq->push_back(fmt::format("norm{}", layer), nn::InstanceNorm2d(nn::InstanceNorm2dOptions(out).affine(true)));
    seq->push_back(fmt::format("act{}", layer), lrelu());
    in = out;
  }
  seq->push_back("head", nn::Conv2d(nn::Conv2dOptions(in, 1, 3).padding(1)));
  body = register_module("body", seq);
  // The convolutions' weights are kept channels-last (NHWC) and forward() hands the layers NHWC images, so
  // oneDNN runs every layer without reordering its activations: a discriminator step of mog-vae-fashion's
  // PatchGAN (widths 32-64-128, batch 32, 28x28, 2 threads) took 22.1 ms against 23.0 in NCHW, and the
  // generator's forward + backward (its reconstructions go through the PatchGAN) 12.6 against 13.9 ms
  // (medians of 6 alternating runs). Per layer, in PyTorch on the same LibTorch: the first layer (one image
  // channel in) 3.5 ms forward + backward in NCHW against 0.5 channels-last, the second 6.2 against 4.1.
  for (auto& module : body->modules(/*include_self=*/false))
    if (auto* conv = module->as<nn::Conv2dImpl>())
      conv->weight.set_data(conv->weight.contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor PatchGANImpl::forward(const torch::Tensor& x) {
  if (x.dim() != 4 || x.size(1) != image_channels || x.size(2) < 8 || x.size(3) < 8) {
    std::vector<int64_t> sizes(x.sizes().begin(), x.sizes().end());
    throw Error(fmt::format("PatchGAN: expected images {{B, {}, H>=8, W>=8}}, got {{{}}}", image_channels,
                            fmt::join(sizes, ", ")));
  }
  return body->forward(x.contiguous(torch::MemoryFormat::ChannelsLast));
}

int64_t patchgan_map_size(int64_t n) { return n / 8; }

torch::Tensor patch_bce(const torch::Tensor& logits, double target) {
  return torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
}

}  // namespace vaelab
