// The real Fashion-MNIST files under /usr/share/datasets/fashion-mnist.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <chrono>

#include "data/dataset_registry.h"

using namespace vaelab;

TEST_CASE("Fashion-MNIST loads 60000 train and 10000 test images with known first labels", "[data]") {
  const auto start = std::chrono::steady_clock::now();
  auto split = load_dataset({{"name", "fashion-mnist"}});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("fashion-mnist full load: " << seconds << " s");
  // About 0.4 s on an idle core; the bound leaves room for a busy CI machine.
  CHECK(seconds < 5.0);
  REQUIRE(split.train.size() == 60000);
  REQUIRE(split.test.size() == 10000);
  CHECK(split.train.shape == DataShape{1, 28, 28, 0});
  CHECK(split.train.labels.min().item<int64_t>() == 0);
  CHECK(split.train.labels.max().item<int64_t>() == 9);
  // Known facts of the distribution files (checked with Python's gzip module): the first train labels
  // are 9 0 0 3 0 2, the first test labels 9 2 1 1 6; every class has 6000 train and 1000 test images;
  // the first train image's pixels sum to 76247.
  CHECK(split.train.labels.slice(0, 0, 6).equal(torch::tensor({9, 0, 0, 3, 0, 2}, torch::kInt64)));
  CHECK(split.test.labels.slice(0, 0, 5).equal(torch::tensor({9, 2, 1, 1, 6}, torch::kInt64)));
  CHECK(torch::bincount(split.train.labels).equal(torch::full({10}, 6000, torch::kInt64)));
  CHECK(torch::bincount(split.test.labels).equal(torch::full({10}, 1000, torch::kInt64)));
  CHECK(split.train.storage[0].to(torch::kInt64).sum().item<int64_t>() == 76247);
  CHECK(split.train.class_names[9] == "Ankle boot");
  CHECK(split.train.class_names[0] == "T-shirt/top");
  auto batch = split.train.inputs(torch::arange(4, torch::kInt64));
  CHECK(batch.max().item<float>() <= 1.0f);
  CHECK(split.descriptor == nlohmann::json{{"name", "fashion-mnist"}});
}
