#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "metrics/mig.h"

using vaelab::mutual_information_gap;

namespace {

// Three discrete factors with 5, 4 and 6 values, drawn independently and uniformly.
torch::Tensor three_factors(int64_t n) {
  return torch::stack({torch::randint(0, 5, {n}), torch::randint(0, 4, {n}), torch::randint(0, 6, {n})}, 1)
      .to(torch::kFloat);
}

}  // namespace

TEST_CASE("Equal-width discretisation puts the extremes in the first and last bins", "[fast][metrics]") {
  const auto x = torch::tensor({0.0, 0.24, 0.25, 0.99, 1.0}).unsqueeze(1);
  const auto ids = vaelab::discretize_columns(x, 4);
  CHECK(ids.squeeze(1).equal(torch::tensor({0, 0, 1, 3, 3}, torch::kLong)));
}

TEST_CASE("MIG is near 1 for codes that copy one factor each", "[fast][metrics]") {
  torch::manual_seed(5);
  const int64_t n = 4000;
  const auto factors = three_factors(n);
  // dims 0..2 = factors 0..2 + small noise; dim 3 = pure noise.
  const auto codes = torch::cat({factors + 0.05 * torch::randn({n, 3}), torch::randn({n, 1})}, 1);
  const auto r = mutual_information_gap(codes, factors);
  CHECK(r.mig > 0.9);
  CHECK(r.best_dim == std::vector<int64_t>{0, 1, 2});
  // Independent entropy: uniform factors have H ~ log(values).
  CHECK(r.factor_entropy[0] == Approx(std::log(5.0)).margin(0.01));
  CHECK(r.factor_entropy[2] == Approx(std::log(6.0)).margin(0.01));
  // A dimension that copies a factor exactly has I = H of that factor.
  const auto exact = mutual_information_gap(torch::cat({factors.slice(1, 0, 1), torch::randn({n, 1})}, 1),
                                            factors.slice(1, 0, 1));
  CHECK(exact.mutual_information[0][0].item<double>() == Approx(exact.factor_entropy[0]).epsilon(1e-9));
}

TEST_CASE("MIG is low for codes that mix the factors by a random rotation", "[fast][metrics]") {
  torch::manual_seed(6);
  const int64_t n = 4000;
  const auto factors = three_factors(n);
  const auto standardized = (factors - factors.mean(0)) / factors.std(0);
  const auto disentangled = torch::cat({standardized + 0.05 * torch::randn({n, 3}), 0.3 * torch::randn({n, 1})}, 1);
  // Random orthogonal mix of all four dimensions.
  const auto q = std::get<0>(torch::linalg_qr(torch::randn({4, 4})));
  const auto mixed = torch::mm(disentangled, q);
  const double clean = mutual_information_gap(disentangled, factors).mig;
  const double entangled = mutual_information_gap(mixed, factors).mig;
  INFO("disentangled " << clean << ", rotated " << entangled);
  CHECK(clean > 0.8);
  CHECK(entangled < 0.35);
}

TEST_CASE("MIG rejects too few code dimensions with a message", "[fast][metrics]") {
  CHECK_THROWS_WITH(mutual_information_gap(torch::randn({10, 1}), torch::zeros({10, 1})),
                    Catch::Contains("H >= 2"));
  CHECK_THROWS_WITH(mutual_information_gap(torch::randn({10, 2}), torch::zeros({9, 1})),
                    Catch::Contains("10 codes but 9 factor rows"));
}
