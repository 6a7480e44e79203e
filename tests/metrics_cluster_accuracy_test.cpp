#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <algorithm>

#include "core/error.h"
#include "metrics/cluster_accuracy.h"

using vaelab::cluster_accuracy;
using vaelab::match_clusters;

namespace {
torch::Tensor ids(std::vector<int64_t> v) { return torch::tensor(v, torch::kLong); }
}  // namespace

TEST_CASE("Cluster accuracy is 1 for a relabelled perfect clustering", "[fast][metrics]") {
  const auto m = match_clusters(ids({0, 0, 1, 1, 2, 2}), ids({1, 1, 2, 2, 0, 0}));
  CHECK(m.accuracy == Approx(1.0));
  CHECK(m.label_of_cluster == std::vector<int64_t>{1, 2, 0});
}

TEST_CASE("Cluster accuracy on a hand-worked contingency matrix", "[fast][metrics]") {
  // Contingency (cluster x label) = [[2, 1], [0, 3]]: matching 0->0, 1->1 keeps 2 + 3 of 6.
  CHECK(cluster_accuracy(ids({0, 0, 0, 1, 1, 1}), ids({0, 0, 1, 1, 1, 1})) == Approx(5.0 / 6.0));
  // Contingency [[1, 2], [0, 3]]: best one-to-one is 0->0, 1->1 = 4 of 6 (0->1, 1->0 gives 2).
  CHECK(cluster_accuracy(ids({0, 0, 0, 1, 1, 1}), ids({0, 1, 1, 1, 1, 1})) == Approx(4.0 / 6.0));
}

TEST_CASE("Cluster accuracy counts unmatched extra clusters as wrong", "[fast][metrics]") {
  // Four singleton clusters, two labels: only two clusters can be matched.
  const auto m = match_clusters(ids({0, 1, 2, 3}), ids({0, 0, 1, 1}));
  CHECK(m.accuracy == Approx(0.5));
  CHECK(std::count(m.label_of_cluster.begin(), m.label_of_cluster.end(), -1) == 2);
  // Fewer clusters than labels: one cluster per label at most.
  CHECK(cluster_accuracy(ids({0, 0, 0, 0}), ids({0, 1, 2, 2})) == Approx(0.5));
}

TEST_CASE("Cluster accuracy rejects mismatched or negative input with a message", "[fast][metrics]") {
  CHECK_THROWS_WITH(cluster_accuracy(ids({0, 1}), ids({0})), Catch::Contains("2 predicted clusters but 1 labels"));
  CHECK_THROWS_WITH(cluster_accuracy(ids({-1, 1}), ids({0, 1})), Catch::Contains(">= 0"));
  CHECK_THROWS_WITH(cluster_accuracy(ids({}), ids({})), Catch::Contains("no samples"));
}
