#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "metrics/factor_vae_score.h"

using vaelab::factor_vae_score;

namespace {

torch::Tensor three_factors(int64_t n) {
  return torch::stack({torch::randint(0, 5, {n}), torch::randint(0, 4, {n}), torch::randint(0, 6, {n})}, 1)
      .to(torch::kFloat);
}

}  // namespace

TEST_CASE("FactorVAE score is 1 for codes that copy one factor each", "[fast][metrics]") {
  torch::manual_seed(8);
  const int64_t n = 3000;
  const auto factors = three_factors(n);
  // Dims 0..2 copy a factor (plus noise), dim 3 is noise, dim 4 is constant (pruned, never votes).
  const auto codes = torch::cat({factors + 0.05 * torch::randn({n, 3}), torch::randn({n, 1}), torch::zeros({n, 1})}, 1);
  vaelab::FactorVaeScoreOptions o;
  o.seed = 1;
  const auto s = factor_vae_score(codes, factors, o);
  CHECK(s.score == Approx(1.0));
  CHECK(s.active_dims == 4);
  CHECK(s.factor_of_dim[0] == 0);
  CHECK(s.factor_of_dim[1] == 1);
  CHECK(s.factor_of_dim[2] == 2);
  CHECK(s.votes[4].sum().item<int64_t>() == 0);
}

TEST_CASE("FactorVAE score is about one over the number of factors for codes that ignore them", "[fast][metrics]") {
  torch::manual_seed(9);
  const int64_t n = 3000;
  const auto factors = three_factors(n);
  const auto codes = torch::randn({n, 4});
  vaelab::FactorVaeScoreOptions o;
  o.seed = 2;
  o.eval_votes = 2000;
  const auto s = factor_vae_score(codes, factors, o);
  INFO("score " << s.score);
  CHECK(s.score == Approx(1.0 / 3.0).margin(0.07));
}

TEST_CASE("FactorVAE score is the same for the same seed", "[fast][metrics]") {
  torch::manual_seed(10);
  const auto factors = three_factors(500);
  const auto codes = torch::cat({factors.slice(1, 0, 2), torch::randn({500, 2})}, 1) + 0.3 * torch::randn({500, 4});
  vaelab::FactorVaeScoreOptions o;
  o.train_votes = 200;
  o.eval_votes = 100;
  o.seed = 4;
  CHECK(factor_vae_score(codes, factors, o).score == factor_vae_score(codes, factors, o).score);
  CHECK_THROWS_WITH(factor_vae_score(codes, torch::zeros({500, 2}), o), Catch::Contains("every factor is constant"));
}
