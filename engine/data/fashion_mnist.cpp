#include "data/fashion_mnist.h"

#include <fmt/format.h>

#include <future>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/idx_file.h"

namespace vaelab {

const std::vector<std::string>& fashion_mnist_class_names() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

namespace {

constexpr const char* kDefaultRoot = "/usr/share/datasets/fashion-mnist";

Dataset read_part(const std::filesystem::path& root, const std::string& prefix, const std::string& view) {
  const auto images_path = root / (prefix + "-images-idx3-ubyte.gz");
  const auto labels_path = root / (prefix + "-labels-idx1-ubyte.gz");
  // The two files are independent; inflating them side by side halves the wait on the big one.
  auto labels_future = std::async(std::launch::async, [&] { return read_idx_ubyte(labels_path, 1); });
  torch::Tensor images;
  try {
    images = read_idx_ubyte(images_path, 3);
  } catch (...) {
    labels_future.wait();
    throw;
  }
  torch::Tensor labels = labels_future.get();

  const auto n = images.size(0);
  if (labels.size(0) != n)
    throw Error(fmt::format("{}: {} labels, but {} has {} images", labels_path.filename().string(), labels.size(0),
                            images_path.filename().string(), n));
  const auto classes = static_cast<int64_t>(fashion_mnist_class_names().size());
  if (n > 0) {
    const auto max_label = labels.max().item<int64_t>();
    if (max_label >= classes) {
      const auto at = labels.argmax().item<int64_t>();
      throw Error(fmt::format("{}: offset {}: label {} outside 0..{}", labels_path.filename().string(), 8 + at,
                              max_label, classes - 1));
    }
  }
  Dataset d;
  d.name = "fashion-mnist/" + view;
  d.shape = DataShape{1, images.size(1), images.size(2), 0};
  d.storage = images.unsqueeze(1).contiguous();
  d.labels = labels.to(torch::kInt64);
  d.class_names = fashion_mnist_class_names();
  return d;
}

}  // namespace

DatasetSplit load_fashion_mnist(const nlohmann::json& spec) {
  json_fields::require_object(spec, "dataset");
  json_fields::only_keys(spec, "dataset", {"name", "root"});
  const std::string root = json_fields::text(spec, "dataset", "root", kDefaultRoot);
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec))
    throw Error(fmt::format("fashion-mnist: folder {} not found (set dataset.root to the folder holding "
                            "train-images-idx3-ubyte.gz and the other three files)",
                            root));
  DatasetSplit split;
  split.train = read_part(root, "train", "train");
  split.test = read_part(root, "t10k", "test");
  if (split.train.shape != split.test.shape)
    throw Error(fmt::format("fashion-mnist: train images are {} but test images are {}", split.train.shape.str(),
                            split.test.shape.str()));
  split.descriptor = {{"name", "fashion-mnist"}};
  if (spec.contains("root")) split.descriptor["root"] = root;
  return split;
}

}  // namespace vaelab
