#include "data/dequantization.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "data/seeded_permutation.h"

namespace vaelab {

namespace {

// The largest u kept: k + u then rounds to at most k + 1 - 2^-15 in float32 for every k <= 255 (the
// float spacing below 256 is 2^-16), so y = (k + u) / 256 stays strictly inside the bin.
constexpr double kMaxUniform = 1.0 - 1.0 / 32768.0;

Batch dequantized(Batch b, const torch::Tensor& u, const torch::Device& device) {
  b.x = dequantize_values(b.x, u).to(device);
  if (b.y.defined()) b.y = b.y.to(device);
  return b;
}

}  // namespace

bool holds_8bit_images(const Dataset& data) {
  return data.shape.is_image() && data.storage.defined() && data.storage.scalar_type() == torch::kUInt8;
}

bool holds_binary_images(const Dataset& data) {
  if (!holds_8bit_images(data) || data.size() == 0) return false;
  return !torch::logical_and(data.storage != 0, data.storage != 255).any().item<bool>();
}

torch::Tensor dequantize_values(const torch::Tensor& x, const torch::Tensor& u) {
  if (!x.sizes().equals(u.sizes()))
    throw Error(fmt::format("dequantize: noise shape {} differs from the batch shape {}", fmt::join(u.sizes(), "x"),
                            fmt::join(x.sizes(), "x")));
  const auto k = torch::round(x.to(torch::kFloat32) * 255.0f).clamp_(0.0, 255.0);
  const auto noise = u.to(x.device(), torch::kFloat32).clamp(0.0, kMaxUniform);
  return (k + noise).div_(static_cast<float>(kDequantizationBins));
}

torch::Tensor seeded_row_noise(const torch::Tensor& rows, const DataShape& shape, uint64_t seed) {
  const auto index = rows.to(torch::kCPU, torch::kInt64).contiguous();
  const int64_t n = index.numel();
  const int64_t d = shape.dim();
  auto u = torch::empty({n, d}, torch::kFloat32);
  const int64_t* r = index.data_ptr<int64_t>();
  float* out = u.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    SplitMix64 bits(mix_seeds(seed, static_cast<uint64_t>(r[i])));
    for (int64_t j = 0; j < d; ++j) out[i * d + j] = static_cast<float>(bits.uniform());
  }
  return u.view(shape.batch_shape(n));
}

Batch Dequantization::batch(const Dataset& data, int64_t begin, int64_t end, const torch::Device& device) const {
  if (!enabled || !holds_8bit_images(data)) return data.batch(begin, end, device);
  Batch b = data.batch(begin, end, torch::kCPU);
  const auto u = seed >= 0 ? seeded_row_noise(torch::arange(begin, end, torch::kInt64), data.shape,
                                              static_cast<uint64_t>(seed))
                           : torch::rand(b.x.sizes(), torch::kFloat32);
  return dequantized(std::move(b), u, device);
}

Batch Dequantization::batch(const Dataset& data, const torch::Tensor& rows, const torch::Device& device) const {
  if (!enabled || !holds_8bit_images(data)) return data.batch(rows, device);
  Batch b = data.batch(rows, torch::kCPU);
  const auto u = seed >= 0 ? seeded_row_noise(rows, data.shape, static_cast<uint64_t>(seed))
                           : torch::rand(b.x.sizes(), torch::kFloat32);
  return dequantized(std::move(b), u, device);
}

}  // namespace vaelab
