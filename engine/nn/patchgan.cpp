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
}

torch::Tensor PatchGANImpl::forward(const torch::Tensor& x) {
  if (x.dim() != 4 || x.size(1) != image_channels || x.size(2) < 8 || x.size(3) < 8) {
    std::vector<int64_t> sizes(x.sizes().begin(), x.sizes().end());
    throw Error(fmt::format("PatchGAN: expected images {{B, {}, H>=8, W>=8}}, got {{{}}}", image_channels,
                            fmt::join(sizes, ", ")));
  }
  // On the CPU the first layer (the image's few channels in) runs as im2col + GEMM (thnn_conv2d, the same
  // sums): oneDNN's weight gradient for it took 2.2 ms a call against 1.0 (batch 32, 28x28, 1 channel;
  // 1.4 against 2.3 with 3 channels; 2 threads), and a discriminator step makes two such calls. The
  // other layers keep oneDNN's kernels, faster there by about 2x.
  if (!x.device().is_cpu()) return body->forward(x);
  auto layer = body->begin();
  const auto& conv0 = layer->get<nn::Conv2dImpl>();
  auto y = torch::thnn_conv2d(x, conv0.weight, {4, 4}, conv0.bias, {2, 2}, {1, 1});
  for (++layer; layer != body->end(); ++layer) y = layer->forward(y);
  return y;
}

int64_t patchgan_map_size(int64_t n) { return n / 8; }

torch::Tensor patch_bce(const torch::Tensor& logits, double target) {
  return torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
}

}  // namespace vaelab
