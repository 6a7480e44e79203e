// load_dataset: dispatch, option checking and the shared "subsample" option.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <set>

#include "core/error.h"
#include "data/dataset_registry.h"

using namespace vaelab;

TEST_CASE("dataset_catalog lists every loadable data set once", "[fast][data-loaders]") {
  auto catalog = dataset_catalog();
  std::set<std::string> names;
  for (const auto& [name, description] : catalog) {
    names.insert(name);
    CHECK_FALSE(description.empty());
  }
  CHECK(names == std::set<std::string>{"fashion-mnist", "mnist", "image-folder", "toy-gmm5", "toy-gmm3", "toy-1d",
                                       "shapes", "csv"});
}

TEST_CASE("load_dataset names the offending key for unknown names, keys and types", "[fast][data-loaders]") {
  REQUIRE_THROWS_WITH(load_dataset({{"name", "cifar"}}),
                      Catch::Contains("unknown data set \"cifar\"") && Catch::Contains("fashion-mnist"));
  REQUIRE_THROWS_WITH(load_dataset({{"n", 3}}), Catch::Contains("dataset.name"));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "toy-gmm5"}, {"sed", 3}}), Catch::Contains("sed"));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "toy-gmm5"}, {"seed", "x"}}), Catch::Contains("dataset.seed"));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "toy-gmm5"}, {"subsample", 0}}), Catch::Contains("dataset.subsample"));
  REQUIRE_THROWS_WITH(load_dataset({{"name", "toy-gmm5"}, {"subsample", "all"}}),
                      Catch::Contains("dataset.subsample"));
  REQUIRE_THROWS_AS(load_dataset(nlohmann::json::array()), Error);
}

TEST_CASE("subsample keeps n train rows and the same fraction of test, in source order", "[fast][data-loaders]") {
  auto full = load_dataset({{"name", "toy-gmm5"}, {"n", 1000}});
  auto sub = load_dataset({{"name", "toy-gmm5"}, {"n", 1000}, {"subsample", 100}});
  REQUIRE(sub.train.size() == 100);
  REQUIRE(sub.test.size() == 25);  // 200 * 100 / 800
  CHECK(sub.descriptor["subsample"] == 100);
  // Each kept row is a row of the full set, and the kept rows appear in the full set's order.
  auto x = full.train.storage;
  int64_t last = -1;
  for (int64_t i = 0; i < sub.train.size(); ++i) {
    auto match = (x == sub.train.storage[i]).all(1).nonzero();
    REQUIRE(match.size(0) >= 1);
    const auto at = match[0][0].item<int64_t>();
    CHECK(at > last);
    last = at;
  }
  // The descriptor recreates the same rows; another subsample_seed picks others; n above the size keeps all.
  CHECK(load_dataset(sub.descriptor).train.storage.equal(sub.train.storage));
  auto other = load_dataset({{"name", "toy-gmm5"}, {"n", 1000}, {"subsample", 100}, {"subsample_seed", 1}});
  CHECK_FALSE(other.train.storage.equal(sub.train.storage));
  auto all = load_dataset({{"name", "toy-gmm5"}, {"n", 1000}, {"subsample", 5000}});
  CHECK(all.train.size() == 800);
}
