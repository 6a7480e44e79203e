// The medoid of several partitions (stats/consensus_partition): the one the others agree with most,
// whatever the ids each partition uses.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "stats/consensus_partition.h"
#include "core/error.h"

using namespace vaelab;

namespace {
torch::Tensor ids(std::initializer_list<int64_t> v) { return torch::tensor(std::vector<int64_t>(v), torch::kLong); }
}  // namespace

TEST_CASE("The medoid partition is the one the others agree with, whatever their ids", "[fast][analysis]") {
  // Truth: three groups of four. Two candidates are the truth under other names, one differs by one
  // sample, one cuts across the groups.
  const auto truth = ids({0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2});
  const auto renamed = ids({2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1});
  const auto one_off = ids({5, 5, 5, 7, 7, 7, 7, 7, 9, 9, 9, 9});
  const auto across = ids({0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2});
  CHECK(medoid_partition({across, one_off, renamed, truth}) == 2);  // renamed and truth tie: lower index
  CHECK(medoid_partition({across, one_off, truth}) == 2);
  CHECK(medoid_partition({truth}) == 0);
  // across puts all three of its ids into every group, so it agrees least with the others.
  const auto mean = mean_agreement({across, one_off, renamed, truth});
  REQUIRE(mean.size() == 4);
  CHECK(mean[2] == Approx(mean[3]));
  CHECK(mean[0] < mean[1]);
  CHECK(mean[1] < mean[2]);
}

TEST_CASE("Consensus partition refuses no partitions and unequal lengths", "[fast][analysis]") {
  CHECK_THROWS_AS(medoid_partition({}), Error);
  CHECK_THROWS_AS(medoid_partition({ids({0, 1, 1}), ids({0, 1})}), Error);
}
