#include "data/dataset.h"

#include <fmt/format.h>

#include "core/error.h"
#include "data/seeded_permutation.h"

namespace vaelab {

// ---- DataShape ----

std::vector<int64_t> DataShape::batch_shape(int64_t n) const {
  if (is_image()) return {n, channels, height, width};
  return {n, features};
}

nlohmann::json DataShape::to_json() const {
  if (is_image()) return {{"channels", channels}, {"height", height}, {"width", width}};
  return {{"features", features}};
}

DataShape DataShape::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw Error(fmt::format("data shape: expected a JSON object, got {}", j.dump()));
  auto read = [&](const char* key) -> int64_t {
    if (!j.contains(key)) return 0;
    const auto& v = j.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      throw Error(fmt::format("data shape key \"{}\": expected a non-negative integer, got {}", key, v.dump()));
    return v.get<int64_t>();
  };
  for (const auto& item : j.items()) {
    const auto& k = item.key();
    if (k != "channels" && k != "height" && k != "width" && k != "features")
      throw Error(fmt::format("data shape: unknown key \"{}\" (expected channels, height, width or features)", k));
  }
  DataShape s;
  s.channels = read("channels");
  s.height = read("height");
  s.width = read("width");
  s.features = read("features");
  if (s.is_image()) {
    if (s.channels <= 0 || s.width <= 0 || s.features != 0)
      throw Error(fmt::format("data shape {}: an image needs channels, height and width > 0 and no features",
                              j.dump()));
  } else if (s.features <= 0 || s.channels != 0 || s.width != 0) {
    throw Error(fmt::format("data shape {}: expected {{\"features\": D > 0}} or channels/height/width", j.dump()));
  }
  return s;
}

std::string DataShape::str() const {
  if (is_image()) return fmt::format("{}x{}x{}", channels, height, width);
  return fmt::format("{}", features);
}

// ---- Dataset ----

namespace {

// Rejects index tensors that index_select would refuse with a less readable c10::Error.
void check_index(const Dataset& d, const torch::Tensor& index) {
  if (!d.storage.defined()) throw Error(fmt::format("dataset {}: has no samples", d.name));
  if (!index.defined() || index.dim() != 1 || index.scalar_type() != torch::kInt64)
    throw Error(fmt::format("dataset {}: expected a 1-D int64 index tensor", d.name));
  if (index.numel() == 0) return;
  const auto lo = index.min().item<int64_t>();
  const auto hi = index.max().item<int64_t>();
  if (lo < 0 || hi >= d.size())
    throw Error(fmt::format("dataset {}: index range [{}, {}] outside 0..{}", d.name, lo, hi, d.size() - 1));
}

torch::Tensor as_float_inputs(const torch::Tensor& rows) {
  if (rows.scalar_type() == torch::kUInt8) return rows.to(torch::kFloat32).div_(255.0);
  return rows.to(torch::kFloat32);
}

}  // namespace

torch::Tensor Dataset::inputs(const torch::Tensor& index) const {
  check_index(*this, index);
  auto idx = index.to(torch::kCPU);
  // index_select already copies, so float storage never leaks out as a view.
  return as_float_inputs(storage.index_select(0, idx));
}

torch::Tensor Dataset::inputs(int64_t begin, int64_t end) const {
  if (!storage.defined()) throw Error(fmt::format("dataset {}: has no samples", name));
  if (begin < 0 || end > size() || begin > end)
    throw Error(fmt::format("dataset {}: row range [{}, {}) outside 0..{}", name, begin, end, size()));
  auto rows = storage.slice(0, begin, end);
  if (rows.scalar_type() == torch::kUInt8) return as_float_inputs(rows);
  return rows.to(torch::kFloat32).clone();
}

torch::Tensor Dataset::labels_at(const torch::Tensor& index) const {
  if (!labels.defined()) return {};
  check_index(*this, index);
  return labels.index_select(0, index.to(torch::kCPU));
}

Batch Dataset::batch(const torch::Tensor& rows, const torch::Device& device) const {
  Batch b;
  b.x = inputs(rows).to(device);
  if (has_labels()) b.y = labels_at(rows).to(device);
  return b;
}

Batch Dataset::batch(int64_t begin, int64_t end, const torch::Device& device) const {
  Batch b;
  b.x = inputs(begin, end).to(device);
  if (has_labels()) b.y = labels.slice(0, begin, end).to(device);
  return b;
}

Dataset Dataset::subset(const torch::Tensor& index) const {
  check_index(*this, index);
  auto idx = index.to(torch::kCPU);
  Dataset out;
  out.name = name;
  out.shape = shape;
  out.storage = storage.index_select(0, idx);
  if (labels.defined()) out.labels = labels.index_select(0, idx);
  out.class_names = class_names;
  if (factors.defined()) out.factors = factors.index_select(0, idx);
  out.factor_names = factor_names;
  out.factor_sizes = factor_sizes;
  return out;
}

// ---- BatchOrder ----

torch::Tensor BatchOrder::permutation(int64_t epoch) const {
  return seeded_permutation_tensor(size_, mix_seeds(seed_, static_cast<uint64_t>(epoch)));
}

}  // namespace vaelab
