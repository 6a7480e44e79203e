// The k-means-on-pixels baseline on inputs whose clusters are known.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "compare/pixel_kmeans.h"

using namespace vaelab;

namespace {
// Three classes of 2x2 "images", each a distinct pixel pattern plus small noise; labels permuted
// against the order k-means would find, so a correct score needs the matching.
Dataset pattern_images(int64_t per_class, double noise) {
  Dataset d;
  d.name = "patterns";
  d.shape.channels = 1;
  d.shape.height = 2;
  d.shape.width = 2;
  const auto patterns = torch::tensor({{0.9, 0.1, 0.1, 0.9}, {0.1, 0.9, 0.9, 0.1}, {0.9, 0.9, 0.1, 0.1}});
  const auto cls = torch::arange(3, torch::kLong).repeat_interleave(per_class);
  auto x = (patterns.index_select(0, cls) + noise * torch::randn({3 * per_class, 4})).clamp(0, 1);
  d.storage = (x * 255).round().to(torch::kUInt8).reshape({3 * per_class, 1, 2, 2});
  d.labels = (cls + 1) % 3;
  d.class_names = {"a", "b", "c"};
  return d;
}
}  // namespace

TEST_CASE("k-means on pixels scores separable pixel patterns perfectly", "[fast][metrics]") {
  torch::manual_seed(71);
  const auto data = pattern_images(40, 0.05);
  const auto columns = pixel_kmeans_columns(data, /*seed=*/3);
  REQUIRE(columns.size() == 2);
  CHECK(columns[0].first == "cluster_acc");
  CHECK(columns[0].second == Approx(1.0));
  CHECK(columns[1].first == "nmi");
  CHECK(columns[1].second == Approx(1.0));
}

TEST_CASE("k-means on pixels is at chance on pixels that carry no label", "[fast][metrics]") {
  torch::manual_seed(72);
  auto data = pattern_images(200, 0.05);
  data.labels = torch::randint(0, 3, {data.size()}, torch::kLong);  // labels independent of the pixels
  const auto columns = pixel_kmeans_columns(data, 0);
  // Best matching of 3 clusters to 3 random labels: about 1/3 plus a small matching bonus.
  CHECK(columns[0].second < 0.45);
  CHECK(columns[1].second < 0.02);
}

TEST_CASE("k-means on pixels refuses unlabelled or empty sets", "[fast][metrics]") {
  auto data = pattern_images(5, 0.0);
  data.labels = torch::Tensor();
  CHECK_THROWS_WITH(pixel_kmeans_columns(data), Catch::Contains("no labels"));
  CHECK_THROWS_WITH(pixel_kmeans_columns(Dataset{}), Catch::Contains("empty"));
}
