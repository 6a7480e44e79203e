// `vaelab-cli eval` reports model health (analysis/model_health.h) under "health": the smallest preset
// (toy-gmm-vae, subsampled to 600 points) trained for one epoch, then evaluated.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "test_support.h"

using vaelab::test::run_cli;

TEST_CASE("eval of a trained toy preset reports health with a verdict and its numbers", "[fast][cli][health]") {
  const auto dir = vaelab::test::scratch_dir("cli_health");
  REQUIRE(run_cli(dir, "train --preset toy-gmm-vae --set dataset.n=600 --epochs 1 --threads 1 --out run").status == 0);

  const auto r = run_cli(dir, "eval --run run --threads 1");
  const std::string out = r.out;
  INFO("stdout: " << out);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(out);
  REQUIRE(j.contains("health"));
  const auto& h = j.at("health");
  const std::set<std::string> verdicts = {"healthy", "ignores_input", "posterior_collapse", "variance_collapse",
                                          "poor_fit"};
  CHECK(verdicts.count(h.at("verdict").get<std::string>()) == 1);
  CHECK_FALSE(h.at("sentence").get<std::string>().empty());
  CHECK(h.at("recon_r2").is_number());
  CHECK(h.at("input_dependence").is_number());
  CHECK(h.at("active_units").is_number_integer());
  CHECK(h.at("toy") == true);  // 2-D data: the energy distance and its floor are there
  CHECK(h.at("toy_distance").is_number());
  CHECK(h.at("toy_distance_floor").get<double>() > 0.0);
  CHECK(h.at("samples") == j.at("samples"));
}
