// k-means against clusters whose truth is known: well-separated Gaussian blobs.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <set>

#include "stats/kmeans.h"
#include "core/error.h"

using namespace vaelab;

namespace {

struct Blobs {
  torch::Tensor x;       // [K*per, D]
  torch::Tensor labels;  // [K*per]
  torch::Tensor means;   // [K, D]
};

Blobs make_blobs(int64_t k, int64_t per, int64_t d, double spread, double sigma) {
  Blobs b;
  b.means = torch::randn({k, d}, torch::kDouble) * spread;
  b.labels = torch::arange(k, torch::kLong).repeat_interleave(per);
  b.x = (b.means.index_select(0, b.labels) + sigma * torch::randn({k * per, d}, torch::kDouble)).to(torch::kFloat);
  return b;
}

}  // namespace

TEST_CASE("k-means recovers well separated Gaussian blobs exactly", "[fast][analysis]") {
  torch::manual_seed(11);
  const int64_t k = 4, per = 250, d = 3;
  auto blobs = make_blobs(k, per, d, 10.0, 0.3);
  auto result = kmeans(blobs.x, k, /*seed=*/5);
  REQUIRE(result.centers.sizes() == torch::IntArrayRef({k, d}));
  REQUIRE(result.assignments.size(0) == k * per);
  CHECK(result.converged);
  // Every true blob lands in a single cluster, and the clusters are all distinct.
  std::set<int64_t> used;
  for (int64_t c = 0; c < k; ++c) {
    auto a = result.assignments.slice(0, c * per, (c + 1) * per);
    const int64_t first = a[0].item<int64_t>();
    CHECK(a.eq(first).all().item<bool>());
    used.insert(first);
    // The center matches the blob's sample mean.
    auto sample_mean = blobs.x.slice(0, c * per, (c + 1) * per).mean(0);
    CHECK((result.centers[first] - sample_mean).abs().max().item<double>() < 1e-4);
  }
  CHECK(used.size() == static_cast<size_t>(k));
  // Inertia ~ N * D * sigma^2 for the true partition (independent expectation, 10% tolerance).
  const double expected = static_cast<double>(k * per * d) * 0.3 * 0.3;
  CHECK(result.inertia == Approx(expected).epsilon(0.1));
}

TEST_CASE("k-means gives the same result for the same seed", "[fast][analysis]") {
  torch::manual_seed(12);
  auto x = torch::randn({500, 5});
  auto a = kmeans(x, 7, 42);
  auto b = kmeans(x, 7, 42);
  CHECK(torch::equal(a.assignments, b.assignments));
  CHECK(torch::equal(a.centers, b.centers));
  CHECK(a.inertia == b.inertia);
}

TEST_CASE("k-means with k equal to N puts every point in its own cluster", "[fast][analysis]") {
  torch::manual_seed(13);
  auto x = torch::randn({12, 2});
  auto r = kmeans(x, 12, 1);
  CHECK(std::get<0>(torch::_unique(r.assignments)).size(0) == 12);
  CHECK(r.inertia == Approx(0.0).margin(1e-9));
}

TEST_CASE("k-means rejects k outside 1..N and non-matrix input", "[fast][analysis]") {
  auto x = torch::randn({5, 2});
  CHECK_THROWS_WITH(kmeans(x, 6, 0), Catch::Contains("k must be in [1, 5]"));
  CHECK_THROWS_WITH(kmeans(x, 0, 0), Catch::Contains("k must be in"));
  CHECK_THROWS_AS(kmeans(torch::randn({5}), 2, 0), Error);
}

TEST_CASE("k-means restarts keep the run of lowest inertia", "[fast][analysis]") {
  torch::manual_seed(13);
  // Many blobs of unequal spacing: single k-means++ runs often merge two blobs and split another.
  auto blobs = make_blobs(12, 60, 2, 6.0, 0.6);
  const int64_t restarts = 8;
  double lowest = std::numeric_limits<double>::infinity();
  for (int64_t r = 0; r < restarts; ++r) lowest = std::min(lowest, kmeans(blobs.x, 12, 100 + r).inertia);
  const auto best = kmeans_best_of(blobs.x, 12, 100, restarts);
  CHECK(best.inertia == Approx(lowest).epsilon(1e-12));
  CHECK(best.inertia <= kmeans(blobs.x, 12, 100).inertia);
  CHECK(torch::equal(kmeans_best_of(blobs.x, 12, 100, 1).assignments, kmeans(blobs.x, 12, 100).assignments));
  CHECK_THROWS_WITH(kmeans_best_of(blobs.x, 12, 100, 0), Catch::Contains("restarts must be at least 1"));
}
