#include "nn/backbone.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/json_fields.h"
#include "core/error.h"
#include "nn/transposed_conv.h"
#if __has_include("nn/resnet_v2.h")
#include "nn/resnet_v2.h"
#define VAELAB_HAVE_RESNET 1
#endif

namespace vaelab {

namespace nn = torch::nn;

namespace {

void push_activation(nn::Sequential& seq, const std::string& name) {
  if (name == "relu") seq->push_back(nn::ReLU());
  else if (name == "leaky_relu") seq->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
  else if (name == "tanh") seq->push_back(nn::Tanh());
  else if (name == "elu") seq->push_back(nn::ELU());
  else throw Error(fmt::format("unknown activation \"{}\" (expected relu|leaky_relu|tanh|elu)", name));
}

// Spatial sizes after each stride-2 stage of the conv trunk: {H, H/2, H/4, ...}.
std::vector<int64_t> stage_sizes(int64_t size, size_t stages) {
  std::vector<int64_t> out{size};
  for (size_t i = 0; i < stages; ++i) out.push_back(out.back() / 2);
  return out;
}

void check_conv_shape(const Architecture& arch, const DataShape& shape) {
  if (!shape.is_image()) throw Error("architecture \"" + arch.type + "\" needs image data, the dataset is vector data");
  if (arch.channels.empty()) throw Error("preset key \"architecture.channels\": needs at least one stage");
  auto hs = stage_sizes(shape.height, arch.channels.size());
  auto ws = stage_sizes(shape.width, arch.channels.size());
  if (hs.back() < 1 || ws.back() < 1) {
    throw Error(fmt::format("architecture: {} stride-2 stages are too many for {}x{} images", arch.channels.size(),
                            shape.height, shape.width));
  }
}

nn::Sequential conv_encoder(const Architecture& arch, const DataShape& shape, int64_t out_features) {
  check_conv_shape(arch, shape);
  nn::Sequential seq;
  int64_t in_ch = shape.channels;
  for (int64_t ch : arch.channels) {
    seq->push_back(nn::Conv2d(nn::Conv2dOptions(in_ch, ch, 4).stride(2).padding(1)));
    push_activation(seq, arch.activation);
    in_ch = ch;
  }
  seq->push_back(nn::Flatten());
  int64_t h = stage_sizes(shape.height, arch.channels.size()).back();
  int64_t w = stage_sizes(shape.width, arch.channels.size()).back();
  int64_t in = in_ch * h * w;
  for (int64_t width : arch.hidden) {
    seq->push_back(nn::Linear(in, width));
    push_activation(seq, arch.activation);
    in = width;
  }
  seq->push_back(nn::Linear(in, out_features));
  return seq;
}

nn::Sequential conv_decoder(const Architecture& arch, int64_t in_features, const DataShape& shape) {
  check_conv_shape(arch, shape);
  auto hs = stage_sizes(shape.height, arch.channels.size());
  auto ws = stage_sizes(shape.width, arch.channels.size());
  nn::Sequential seq;
  int64_t in = in_features;
  for (auto it = arch.hidden.rbegin(); it != arch.hidden.rend(); ++it) {
    seq->push_back(nn::Linear(in, *it));
    push_activation(seq, arch.activation);
    in = *it;
  }
  const int64_t top_ch = arch.channels.back();
  seq->push_back(nn::Linear(in, top_ch * hs.back() * ws.back()));
  push_activation(seq, arch.activation);
  seq->push_back(nn::Unflatten(nn::UnflattenOptions(1, {top_ch, hs.back(), ws.back()})));
  const size_t stages = arch.channels.size();
  for (size_t s = stages; s-- > 0;) {
    const int64_t in_ch = arch.channels[s];
    const int64_t out_ch = s == 0 ? shape.channels : arch.channels[s - 1];
    // Transposed conv k=4 s=2 p=1 doubles the size; output_padding restores odd sizes (7 -> 3 -> 7).
    const int64_t pad_h = hs[s] - 2 * hs[s + 1];
    const int64_t pad_w = ws[s] - 2 * ws[s + 1];
    // TransposedConv2d: ConvTranspose2d run as oneDNN convolutions on the CPU (nn/transposed_conv.h).
    seq->push_back(TransposedConv2d(
        nn::ConvTranspose2dOptions(in_ch, out_ch, 4).stride(2).padding(1).output_padding({pad_h, pad_w})));
    if (s != 0) push_activation(seq, arch.activation);
  }
  return seq;
}

}  // namespace

Architecture Architecture::from_json(const nlohmann::json& j, const std::string& path) {
  namespace jf = json_fields;
  Architecture a;
  if (j.is_null()) return a;
  jf::require_object(j, path);
  jf::only_keys(j, path, {"type", "hidden", "channels", "blocks", "activation"});
  a.type = jf::choice(j, path, "type", a.type, {"mlp", "conv", "resnet"});
  a.hidden = jf::integers(j, path, "hidden", a.type == "mlp" ? a.hidden : std::vector<int64_t>{});
  a.channels = jf::integers(j, path, "channels", a.channels);
  a.blocks = jf::integer(j, path, "blocks", a.blocks);
  a.activation = jf::choice(j, path, "activation", a.activation, {"relu", "leaky_relu", "tanh", "elu"});
  for (int64_t v : a.hidden)
    if (v <= 0) throw Error(fmt::format("preset key \"{}.hidden\": widths must be > 0", path));
  for (int64_t v : a.channels)
    if (v <= 0) throw Error(fmt::format("preset key \"{}.channels\": widths must be > 0", path));
  if (a.blocks < 0) throw Error(fmt::format("preset key \"{}.blocks\": must be >= 0", path));
  return a;
}

nlohmann::json Architecture::to_json() const {
  nlohmann::json j{{"type", type}, {"hidden", hidden}, {"activation", activation}};
  if (type != "mlp") {
    j["channels"] = channels;
  }
  if (type == "resnet") j["blocks"] = blocks;
  return j;
}

nn::Sequential make_mlp(int64_t in, const std::vector<int64_t>& hidden, int64_t out, const std::string& activation) {
  nn::Sequential seq;
  for (int64_t width : hidden) {
    seq->push_back(nn::Linear(in, width));
    push_activation(seq, activation);
    in = width;
  }
  seq->push_back(nn::Linear(in, out));
  return seq;
}

nn::Sequential make_encoder(const Architecture& arch, const DataShape& shape, int64_t out_features) {
  if (arch.type == "mlp") {
    nn::Sequential seq;
    seq->push_back(nn::Flatten());
    nn::Sequential mlp = make_mlp(shape.dim(), arch.hidden, out_features, arch.activation);
    for (const auto& m : *mlp) seq->push_back(m);
    return seq;
  }
  if (arch.type == "conv") return conv_encoder(arch, shape, out_features);
#ifdef VAELAB_HAVE_RESNET
  if (arch.type == "resnet") return make_resnet_encoder(arch, shape, out_features);
#endif
  throw Error("architecture type \"" + arch.type + "\" is not available");
}

nn::Sequential make_decoder(const Architecture& arch, int64_t in_features, const DataShape& shape) {
  if (arch.type == "mlp") {
    nn::Sequential seq = make_mlp(in_features, arch.hidden.empty() ? arch.hidden
                                                                   : std::vector<int64_t>(arch.hidden.rbegin(), arch.hidden.rend()),
                                  shape.dim(), arch.activation);
    if (shape.is_image()) seq->push_back(nn::Unflatten(nn::UnflattenOptions(1, {shape.channels, shape.height, shape.width})));
    return seq;
  }
  if (arch.type == "conv") return conv_decoder(arch, in_features, shape);
#ifdef VAELAB_HAVE_RESNET
  if (arch.type == "resnet") return make_resnet_decoder(arch, in_features, shape);
#endif
  throw Error("architecture type \"" + arch.type + "\" is not available");
}

}  // namespace vaelab
