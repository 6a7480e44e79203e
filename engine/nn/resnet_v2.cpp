#include "nn/resnet_v2.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"

namespace vaelab {

namespace {

namespace nn = torch::nn;

nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

// Every check both trunks need, with messages naming the architecture key.
void check_resnet_arch(const Architecture& arch, const DataShape& shape) {
  if (!shape.is_image())
    throw Error(fmt::format("architecture \"resnet\": needs image data, got vector data of shape {}", shape.str()));
  if (arch.channels.empty())
    throw Error("architecture.channels: the resnet needs at least one stage width");
  for (auto c : arch.channels)
    if (c <= 0) throw Error(fmt::format("architecture.channels: expected positive widths, got {}", c));
  if (arch.blocks < 0)
    throw Error(fmt::format("architecture.blocks: expected a count >= 0, got {}", arch.blocks));
}

}  // namespace

ResNetIdentityBlockImpl::ResNetIdentityBlockImpl(int64_t channels)
    : bn1(register_module("bn1", nn::BatchNorm2d(channels))),
      bn2(register_module("bn2", nn::BatchNorm2d(channels))),
      conv1(register_module("conv1", conv3x3(channels, channels))),
      conv2(register_module("conv2", conv3x3(channels, channels))) {}

torch::Tensor ResNetIdentityBlockImpl::forward(const torch::Tensor& x) {
  auto h = conv1(torch::relu(bn1(x)));
  h = conv2(torch::relu(bn2(h)));
  return x + h;
}

ResNetDownBlockImpl::ResNetDownBlockImpl(int64_t in_channels, int64_t out_channels)
    : bn1(register_module("bn1", nn::BatchNorm2d(in_channels))),
      bn2(register_module("bn2", nn::BatchNorm2d(out_channels))),
      conv1(register_module("conv1", conv3x3(in_channels, out_channels, 2))),
      conv2(register_module("conv2", conv3x3(out_channels, out_channels))),
      shortcut(register_module(
          "shortcut", nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, 1).stride(2).bias(false)))) {}

torch::Tensor ResNetDownBlockImpl::forward(const torch::Tensor& x) {
  auto a = torch::relu(bn1(x));
  auto h = conv2(torch::relu(bn2(conv1(a))));
  return shortcut(a) + h;
}

ResNetUpBlockImpl::ResNetUpBlockImpl(int64_t in_channels, int64_t out_channels, int64_t output_padding)
    : bn1(register_module("bn1", nn::BatchNorm2d(in_channels))),
      bn2(register_module("bn2", nn::BatchNorm2d(out_channels))),
      conv1(register_module("conv1", TransposedConv2d(nn::ConvTranspose2dOptions(in_channels, out_channels, 3)
                                                             .stride(2)
                                                             .padding(1)
                                                             .output_padding(output_padding)
                                                             .bias(false)))),
      shortcut(register_module("shortcut",
                               TransposedConv2d(nn::ConvTranspose2dOptions(in_channels, out_channels, 1)
                                                       .stride(2)
                                                       .output_padding(output_padding)
                                                       .bias(false)))),
      conv2(register_module("conv2", conv3x3(out_channels, out_channels))) {
  if (output_padding < 0 || output_padding > 1)
    throw Error(fmt::format("resnet up block: output_padding must be 0 or 1, got {}", output_padding));
}

torch::Tensor ResNetUpBlockImpl::forward(const torch::Tensor& x) {
  auto a = torch::relu(bn1(x));
  auto h = conv2(torch::relu(bn2(conv1(a))));
  return shortcut(a) + h;
}

std::vector<int64_t> resnet_stage_sizes(int64_t n, int64_t stages) {
  std::vector<int64_t> sizes{n};
  for (int64_t s = 0; s < stages; ++s) sizes.push_back((sizes.back() + 1) / 2);
  return sizes;
}

torch::nn::Sequential make_resnet_encoder(const Architecture& arch, const DataShape& shape, int64_t out_features) {
  check_resnet_arch(arch, shape);
  const auto stages = static_cast<int64_t>(arch.channels.size());
  const auto hs = resnet_stage_sizes(shape.height, stages);
  const auto ws = resnet_stage_sizes(shape.width, stages);

  nn::Sequential seq;
  seq->push_back("stem", conv3x3(shape.channels, arch.channels[0]));
  int64_t in = arch.channels[0];
  for (int64_t s = 0; s < stages; ++s) {
    const int64_t out = arch.channels[s];
    seq->push_back(fmt::format("down{}", s), ResNetDownBlock(in, out));
    for (int64_t b = 0; b < arch.blocks; ++b)
      seq->push_back(fmt::format("stage{}_id{}", s, b), ResNetIdentityBlock(out));
    in = out;
  }
  // Pre-activation nets end with the activation the last block left out.
  seq->push_back("final_bn", nn::BatchNorm2d(in));
  seq->push_back("final_relu", nn::ReLU());
  seq->push_back("flatten", nn::Flatten());
  auto dense = make_mlp(in * hs.back() * ws.back(), arch.hidden, out_features, arch.activation);
  for (const auto& layer : *dense) seq->push_back(layer);
  return seq;
}

torch::nn::Sequential make_resnet_decoder(const Architecture& arch, int64_t in_features, const DataShape& shape) {
  check_resnet_arch(arch, shape);
  const auto stages = static_cast<int64_t>(arch.channels.size());
  const auto hs = resnet_stage_sizes(shape.height, stages);
  const auto ws = resnet_stage_sizes(shape.width, stages);
  const int64_t top = arch.channels.back();

  nn::Sequential seq;
  std::vector<int64_t> hidden(arch.hidden.rbegin(), arch.hidden.rend());
  auto dense = make_mlp(in_features, hidden, top * hs.back() * ws.back(), arch.activation);
  for (const auto& layer : *dense) seq->push_back(layer);
  seq->push_back("unflatten", nn::Unflatten(nn::UnflattenOptions(1, {top, hs.back(), ws.back()})));
  for (int64_t s = stages - 1; s >= 0; --s) {
    const int64_t c = arch.channels[s];
    for (int64_t b = 0; b < arch.blocks; ++b)
      seq->push_back(fmt::format("stage{}_id{}", s, b), ResNetIdentityBlock(c));
    const int64_t out = s > 0 ? arch.channels[s - 1] : arch.channels[0];
    // Transposed conv (k3, s2, p1) maps n -> 2n - 1 + output_padding; pick the padding that gives back
    // the encoder's size at this stage exactly.
    const int64_t pad_h = hs[s] - (2 * hs[s + 1] - 1);
    const int64_t pad_w = ws[s] - (2 * ws[s + 1] - 1);
    if (pad_h != pad_w) {
      // Non-square images with different parities: upsample square-wise and crop the extra row/column.
      seq->push_back(fmt::format("up{}", s), ResNetUpBlock(c, out, 1));
      const int64_t h = hs[s], w = ws[s];
      seq->push_back(fmt::format("crop{}", s), nn::Functional([h, w](const torch::Tensor& x) {
                       return x.narrow(2, 0, h).narrow(3, 0, w);
                     }));
    } else {
      seq->push_back(fmt::format("up{}", s), ResNetUpBlock(c, out, pad_h));
    }
  }
  seq->push_back("final_bn", nn::BatchNorm2d(arch.channels[0]));
  seq->push_back("final_relu", nn::ReLU());
  seq->push_back("head", nn::Conv2d(nn::Conv2dOptions(arch.channels[0], shape.channels, 3).padding(1)));
  return seq;
}

}  // namespace vaelab
