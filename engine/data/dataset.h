#pragma once
// The common dataset type every loader produces, and the seeded batch order the trainer walks.
//
// Storage contract: images are kept as uint8 [N, C, H, W] and converted to float in [0, 1] per batch
// (inputs()); vector data (toy sets, CSV) is kept as float32 [N, D] and returned as is. Labels are
// int64 [N] (undefined when the source has none); known generative factors (shapes) are float32 [N, F]
// with factor_sizes[f] distinct values each.
#include <torch/types.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vaelab {

// Shape of one sample. Images have height > 0; vector data has features > 0 and no spatial dims.
struct DataShape {
  int64_t channels = 0;
  int64_t height = 0;
  int64_t width = 0;
  int64_t features = 0;

  bool is_image() const { return height > 0; }
  // Number of scalars in one sample (C*H*W for images).
  int64_t dim() const { return is_image() ? channels * height * width : features; }
  // Tensor shape of a batch of n samples: {n, C, H, W} or {n, D}.
  std::vector<int64_t> batch_shape(int64_t n) const;
  nlohmann::json to_json() const;
  static DataShape from_json(const nlohmann::json& j);
  bool operator==(const DataShape& o) const {
    return channels == o.channels && height == o.height && width == o.width && features == o.features;
  }
  bool operator!=(const DataShape& o) const { return !(*this == o); }
  std::string str() const;  // "1x28x28" or "2"
};

// One batch as every model consumes it: inputs in data shape, labels when the source has them.
struct Batch {
  torch::Tensor x;  // float32, data shape
  torch::Tensor y;  // int64 {B} or undefined
};

struct Dataset {
  std::string name;          // e.g. "fashion-mnist/train"
  DataShape shape;
  torch::Tensor storage;     // uint8 [N,C,H,W] or float32 [N,D]
  torch::Tensor labels;      // int64 [N] or undefined
  std::vector<std::string> class_names;  // empty when unlabelled
  torch::Tensor factors;     // float32 [N,F] or undefined
  std::vector<std::string> factor_names;
  std::vector<int64_t> factor_sizes;

  int64_t size() const { return storage.defined() ? storage.size(0) : 0; }
  int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }
  bool has_labels() const { return labels.defined(); }
  // Float32 batch in data shape (images scaled to [0,1]) for the given int64 indices, on CPU.
  torch::Tensor inputs(const torch::Tensor& index) const;
  torch::Tensor inputs(int64_t begin, int64_t end) const;
  torch::Tensor labels_at(const torch::Tensor& index) const;  // undefined when unlabelled
  // The rows (int64 indices, or the range [begin, end)) as a Batch on `device`: inputs() and, when
  // labelled, labels_at(). The one way to build a batch from a dataset.
  Batch batch(const torch::Tensor& rows, const torch::Device& device) const;
  Batch batch(int64_t begin, int64_t end, const torch::Device& device) const;
  // A new dataset holding only the given rows (shares nothing mutable with this one).
  Dataset subset(const torch::Tensor& index) const;
};

// What a preset's "dataset" object resolves to: both views plus the descriptor that recreates them.
struct DatasetSplit {
  Dataset train;
  Dataset test;
  nlohmann::json descriptor;  // the resolved dataset spec (name, options, seed), stored in checkpoints
};

// Seeded epoch order: permutation(epoch) is the same for the same (seed, epoch) on every machine.
class BatchOrder {
 public:
  BatchOrder(int64_t size, uint64_t seed) : size_(size), seed_(seed) {}
  torch::Tensor permutation(int64_t epoch) const;  // int64 [size]
  int64_t size() const { return size_; }

 private:
  int64_t size_;
  uint64_t seed_;
};

}  // namespace vaelab
