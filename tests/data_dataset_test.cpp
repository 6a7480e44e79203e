// The common dataset type: shapes, float conversion, subsets, seeded orders and splits.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <set>

#include "core/error.h"
#include "data/dataset.h"
#include "data/seeded_permutation.h"

using namespace vaelab;

namespace {
Dataset tiny_images() {
  Dataset d;
  d.name = "tiny";
  d.shape = DataShape{1, 2, 2, 0};
  d.storage = torch::arange(0, 5 * 4, torch::kInt64).to(torch::kUInt8).reshape({5, 1, 2, 2}) * 10;
  d.labels = torch::tensor({0, 1, 0, 1, 2}, torch::kInt64);
  d.class_names = {"a", "b", "c"};
  d.factors = torch::arange(0, 5, torch::kFloat32).reshape({5, 1});
  d.factor_names = {"f"};
  d.factor_sizes = {5};
  return d;
}
}  // namespace

TEST_CASE("DataShape gives batch shapes, strings and a JSON round trip", "[fast][data-loaders]") {
  DataShape image{3, 64, 64, 0};
  DataShape vec{0, 0, 0, 2};
  CHECK(image.batch_shape(8) == std::vector<int64_t>{8, 3, 64, 64});
  CHECK(vec.batch_shape(5) == std::vector<int64_t>{5, 2});
  CHECK(image.str() == "3x64x64");
  CHECK(vec.str() == "2");
  CHECK(image.dim() == 3 * 64 * 64);
  CHECK(DataShape::from_json(image.to_json()) == image);
  CHECK(DataShape::from_json(vec.to_json()) == vec);
  REQUIRE_THROWS_WITH(DataShape::from_json({{"features", "two"}}), Catch::Contains("\"features\""));
  REQUIRE_THROWS_WITH(DataShape::from_json({{"feature", 2}}), Catch::Contains("unknown key \"feature\""));
  REQUIRE_THROWS_AS(DataShape::from_json(nlohmann::json::object()), Error);
}

TEST_CASE("Dataset inputs scale uint8 images to [0, 1] and pass float rows through", "[fast][data-loaders]") {
  auto d = tiny_images();
  auto batch = d.inputs(torch::tensor({4, 0}, torch::kInt64));
  REQUIRE(batch.sizes() == torch::IntArrayRef({2, 1, 2, 2}));
  REQUIRE(batch.scalar_type() == torch::kFloat32);
  CHECK(batch[0][0][0][0].item<float>() == Approx(160.0 / 255.0));
  CHECK(batch[1][0][1][1].item<float>() == Approx(30.0 / 255.0));
  auto range = d.inputs(1, 3);
  CHECK(range.size(0) == 2);
  CHECK(range[0][0][0][0].item<float>() == Approx(40.0 / 255.0));
  CHECK(d.labels_at(torch::tensor({4, 1}, torch::kInt64)).equal(torch::tensor({2, 1}, torch::kInt64)));

  Dataset v;
  v.name = "vec";
  v.shape = DataShape{0, 0, 0, 2};
  v.storage = torch::tensor({1.5f, -2.0f, 3.0f, 4.0f}).reshape({2, 2});
  auto rows = v.inputs(0, 2);
  CHECK(rows.equal(v.storage));
  rows.fill_(0);  // must not write through to the storage
  CHECK(v.storage[0][0].item<float>() == 1.5f);
  CHECK_FALSE(v.labels_at(torch::tensor({0}, torch::kInt64)).defined());
}

TEST_CASE("Dataset rejects out-of-range indices with a vaelab::Error", "[fast][data-loaders]") {
  auto d = tiny_images();
  REQUIRE_THROWS_WITH(d.inputs(torch::tensor({5}, torch::kInt64)), Catch::Contains("outside 0..4"));
  REQUIRE_THROWS_AS(d.inputs(3, 7), Error);
  REQUIRE_THROWS_AS(d.inputs(torch::tensor({1}, torch::kInt32)), Error);
}

TEST_CASE("Dataset subset copies the chosen rows with labels and factors", "[fast][data-loaders]") {
  auto d = tiny_images();
  auto s = d.subset(torch::tensor({3, 1}, torch::kInt64));
  REQUIRE(s.size() == 2);
  CHECK(s.labels.equal(torch::tensor({1, 1}, torch::kInt64)));
  CHECK(s.factors.flatten().equal(torch::tensor({3.0f, 1.0f})));
  CHECK(s.class_names == d.class_names);
  CHECK(s.factor_sizes == d.factor_sizes);
  s.storage.fill_(7);
  CHECK(d.storage[3][0][0][0].item<int>() == 120);
}

TEST_CASE("BatchOrder gives the same permutation for the same seed and epoch", "[fast][data-loaders]") {
  BatchOrder a(1000, 42), b(1000, 42), c(1000, 43);
  auto p0 = a.permutation(0);
  CHECK(p0.equal(b.permutation(0)));
  CHECK_FALSE(p0.equal(a.permutation(1)));
  CHECK_FALSE(p0.equal(c.permutation(0)));
  CHECK(std::get<0>(p0.sort()).equal(torch::arange(1000, torch::kInt64)));
  // Independent of torch's global generator.
  torch::manual_seed(1);
  auto x = a.permutation(3);
  torch::manual_seed(2);
  CHECK(x.equal(a.permutation(3)));
  // Pinned values: the order must not change between versions or machines (SplitMix64 + Fisher-Yates).
  auto p = seeded_permutation(10, 0);
  std::set<int64_t> distinct(p.begin(), p.end());
  CHECK(distinct.size() == 10);
  CHECK(seeded_permutation(10, 0) == p);
}

TEST_CASE("SplitMix64 reproduces the reference stream for seed 0", "[fast][data-loaders]") {
  // Reference values of SplitMix64 from seed 0 (Vigna's splitmix64.c).
  SplitMix64 rng(0);
  CHECK(rng.next() == 0xE220A8397B1DCDAFull);
  CHECK(rng.next() == 0x6E789E6AA1B965F4ull);
  CHECK(rng.next() == 0x06C45D188009454Full);
}

TEST_CASE("split_train_test is a fixed partition with round(n * fraction) test rows", "[fast][data-loaders]") {
  auto s = split_train_test(101, 0.2, 5);
  CHECK(s.test.size(0) == 20);
  CHECK(s.train.size(0) == 81);
  auto all = std::get<0>(torch::cat({s.train, s.test}).sort());
  CHECK(all.equal(torch::arange(101, torch::kInt64)));
  CHECK(s.test.equal(split_train_test(101, 0.2, 5).test));
  CHECK_FALSE(s.test.equal(split_train_test(101, 0.2, 6).test));
  REQUIRE_THROWS_WITH(split_train_test(10, 1.0, 0), Catch::Contains("test_fraction"));
}

TEST_CASE("Dataset::batch gives the rows' inputs and labels on the device, by index or by range", "[fast][data-loaders]") {
  const Dataset d = tiny_images();
  const Batch by_index = d.batch(torch::tensor({4, 0}, torch::kInt64), torch::kCPU);
  CHECK(by_index.x.sizes() == torch::IntArrayRef({2, 1, 2, 2}));
  CHECK(torch::equal(by_index.x, d.inputs(torch::tensor({4, 0}, torch::kInt64))));
  REQUIRE(by_index.y.defined());
  CHECK(by_index.y[0].item<int64_t>() == 2);
  CHECK(by_index.y[1].item<int64_t>() == 0);
  const Batch by_range = d.batch(1, 3, torch::kCPU);
  CHECK(torch::equal(by_range.x, d.inputs(1, 3)));
  CHECK(torch::equal(by_range.y, torch::tensor({1, 0}, torch::kInt64)));

  Dataset unlabelled = d;
  unlabelled.labels = torch::Tensor();
  CHECK_FALSE(unlabelled.batch(0, 2, torch::kCPU).y.defined());
  CHECK_FALSE(unlabelled.batch(torch::tensor({1}, torch::kInt64), torch::kCPU).y.defined());
  CHECK_THROWS_AS(d.batch(3, 7, torch::kCPU), Error);
}
