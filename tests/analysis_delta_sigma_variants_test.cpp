// δσ variants of one input (issue 17; analysis/delta_sigma_variants.h; how-to-train-your-vae.txt Fig. 4)
// against hand-worked codes: the grid's layout, the centre cell at the posterior mean, the automatic
// choice of the two most informative entries, a hierarchical prior's lower layers following, a
// deterministic encoder's steps in prior sd, and the delta list's errors.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "analysis/delta_sigma_variants.h"
#include "core/error.h"
#include "models/prior_units.h"
#include "models/registry.h"
#include "vector_model_spec.h"

using namespace vaelab;
using vaelab::test::vector_spec;

TEST_CASE("The delta-sigma grid sets entry a by row and entry b by column in posterior sd", "[fast][analysis][delta-sigma]") {
  const auto mu = torch::tensor({1.0f, 2.0f, 3.0f});
  const auto logvar = torch::tensor({0.0f, static_cast<float>(std::log(4.0)), 0.0f});  // sigma = 1, 2, 1
  const auto grid = delta_sigma_codes(mu, logvar, 0, 1, {-20.0, 0.0, 20.0});
  REQUIRE(grid.sizes() == torch::IntArrayRef({9, 3}));
  CHECK(grid[0][0].item<float>() == Approx(-19.0));  // row 0: delta_a = -20
  CHECK(grid[0][1].item<float>() == Approx(-38.0));  // column 0: delta_b = -20, sigma_b = 2
  CHECK(grid[5][0].item<float>() == Approx(1.0));    // row 1: delta_a = 0
  CHECK(grid[5][1].item<float>() == Approx(42.0));   // column 2: delta_b = 20
  CHECK(grid[5][2].item<float>() == Approx(3.0));    // the other entries stay at mu
  CHECK(torch::equal(grid[4], mu));                  // the centre is mu itself
  CHECK_THROWS_AS(delta_sigma_codes(mu, logvar, 1, 1, {0.0}), Error);
  CHECK_THROWS_AS(delta_sigma_codes(mu, logvar, 0, 3, {0.0}), Error);
  CHECK_THROWS_AS(delta_sigma_codes(mu.unsqueeze(0), logvar.unsqueeze(0), 0, 1, {0.0}), Error);
}

TEST_CASE("The delta list parses commas and spaces and names what is not a number", "[fast][analysis][delta-sigma]") {
  CHECK(parse_delta_list("-20, 0, 20") == std::vector<double>{-20, 0, 20});
  CHECK(parse_delta_list(" -3 -1.5,0 1.5  3 ") == std::vector<double>{-3, -1.5, 0, 1.5, 3});
  try {
    parse_delta_list("-20, ten, 20");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("\"ten\"") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_delta_list(" , "), Error);
  CHECK_THROWS_AS(parse_delta_list("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"), Error);
}

TEST_CASE("The variants of one input decode its posterior mean at the centre and pick its two most informative entries",
          "[fast][analysis][delta-sigma]") {
  torch::manual_seed(41);
  auto model = make_model(vector_spec("vae", 4, nlohmann::json::object()));
  model->eval();
  torch::NoGradGuard no_grad;
  Batch one;
  one.x = torch::rand({1, 6});
  const auto q = model->encode(one);
  const auto v = delta_sigma_variants(*model, one, -1, -1, {-20.0, 0.0, 20.0});
  // Automatic choice: the two largest KL(q(z_h|x) || N(0,1)), largest first.
  const auto kl = kl_against_prior_per_dim(model->posterior_against_prior(one)).select(0, 0);
  const auto order = std::get<1>(kl.sort(0, true));
  CHECK(v.a == order[0].item<int64_t>());
  CHECK(v.b == order[1].item<int64_t>());
  REQUIRE(v.codes.sizes() == torch::IntArrayRef({9, 4}));
  CHECK(torch::allclose(v.codes[4], q.mu[0]));
  CHECK(torch::allclose(model->decode(v.codes.slice(0, 4, 5)), model->decode(q.mu)));
  CHECK(v.step_a == Approx(std::exp(0.5 * q.logvar[0][v.a].item<double>())));
  CHECK(v.codes[0][v.a].item<double>() == Approx(v.mu_a - 20 * v.step_a).epsilon(1e-5));
  CHECK(v.prior_sd_a == Approx(1.0));
  CHECK_FALSE(v.deterministic);
  // With one posterior sample in the fixed entries (seeded): the chosen ones still sit at mu + delta sigma,
  // and the rest differ from mu.
  const auto s = delta_sigma_variants(*model, one, 0, 2, {0.0}, /*sample_rest=*/true, 7);
  CHECK(s.sampled_rest);
  CHECK(s.codes[0][0].item<double>() == Approx(q.mu[0][0].item<double>()));
  CHECK(s.codes[0][2].item<double>() == Approx(q.mu[0][2].item<double>()));
  CHECK(std::abs(s.codes[0][1].item<double>() - q.mu[0][1].item<double>()) > 1e-4);
  CHECK(torch::equal(s.codes, delta_sigma_variants(*model, one, 0, 2, {0.0}, true, 7).codes));
}

TEST_CASE("Under a Ladder prior moving an upper entry carries the layer below along", "[fast][analysis][delta-sigma]") {
  torch::manual_seed(42);
  // z = [z1 (3), z2 (2)]: entry 3 is in the top layer z2.
  auto model = make_model(vector_spec("ladder-vae", 5, {{"sizes", {3, 2}}, {"deterministic", {8, 6}}, {"top_down_hidden", 5}}));
  model->eval();
  torch::NoGradGuard no_grad;
  Batch one;
  one.x = torch::rand({1, 6});
  const auto v = delta_sigma_variants(*model, one, 3, 4, {-3.0, 0.0, 3.0});
  // Row 0 against row 1 (delta_a = -3 against 0) in the same column: z2's entry moved and z1 followed.
  const auto lower_moved = (v.codes[0].slice(0, 0, 3) - v.codes[3].slice(0, 0, 3)).abs().max().item<double>();
  CHECK(lower_moved > 1e-4);
  CHECK(v.codes[0][3].item<double>() == Approx(v.mu_a - 3 * v.step_a).epsilon(1e-5));
}

TEST_CASE("A deterministic encoder's variants step in the prior's sd", "[fast][analysis][delta-sigma]") {
  torch::manual_seed(43);
  auto model = make_model(vector_spec("wae-mmd", 3, nlohmann::json::object()));
  model->eval();
  torch::NoGradGuard no_grad;
  Batch one;
  one.x = torch::rand({1, 6});
  const auto v = delta_sigma_variants(*model, one, 0, 1, {-1.0, 0.0, 1.0});
  CHECK(v.deterministic);
  CHECK(v.step_a == Approx(v.prior_sd_a));
  CHECK(v.codes[0][0].item<double>() == Approx(v.mu_a - v.step_a).epsilon(1e-5));
}
