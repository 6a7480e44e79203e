#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "metrics/nmi.h"

using vaelab::mutual_information;
using vaelab::normalized_mutual_information;

namespace {
torch::Tensor ids(std::vector<int64_t> v) { return torch::tensor(v, torch::kLong); }
}  // namespace

TEST_CASE("NMI is 1 for identical partitions up to renaming", "[fast][metrics]") {
  CHECK(normalized_mutual_information(ids({0, 0, 1, 1, 2}), ids({5, 5, 3, 3, 0})) == Approx(1.0));
  CHECK(normalized_mutual_information(ids({0, 0, 0}), ids({2, 2, 2})) == Approx(1.0));
}

TEST_CASE("NMI is 0 for independent partitions", "[fast][metrics]") {
  CHECK(normalized_mutual_information(ids({0, 0, 1, 1}), ids({0, 1, 0, 1})) == Approx(0.0).margin(1e-12));
  CHECK(normalized_mutual_information(ids({0, 0, 0, 0}), ids({0, 1, 0, 1})) == Approx(0.0).margin(1e-12));
}

TEST_CASE("NMI matches a hand-worked 2x2 case", "[fast][metrics]") {
  // Table [[2, 0], [1, 1]] over 4 samples:
  // I = .5 ln(4/3) + .25 ln(2/3) + .25 ln 2, H(a) = ln 2, H(b) = -(.75 ln .75 + .25 ln .25).
  const double mi = 0.5 * std::log(4.0 / 3.0) + 0.25 * std::log(2.0 / 3.0) + 0.25 * std::log(2.0);
  const double ha = std::log(2.0), hb = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25));
  CHECK(mutual_information(ids({0, 0, 1, 1}), ids({0, 0, 0, 1})) == Approx(mi));
  CHECK(normalized_mutual_information(ids({0, 0, 1, 1}), ids({0, 0, 0, 1})) == Approx(mi / (0.5 * (ha + hb))));
  CHECK(mi / (0.5 * (ha + hb)) == Approx(0.34371101848));
}
