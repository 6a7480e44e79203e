// The comparison's flag for likelihoods that are not on one scale (compare/likelihood_mix.h).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compare/likelihood_mix.h"
#include "compare/standard_columns.h"

namespace {

nlohmann::json row(const std::string& name, const std::string& scale, const std::string& dataset = "mnist") {
  return {{"name", name}, {"dataset", dataset}, {"likelihood_scale", scale}};
}

}  // namespace

TEST_CASE("the compare flag fires on undequantised densities next to discrete likelihoods", "[fast][comparison]") {
  const auto mix = vaelab::check_likelihood_mix(
      {row("noise-gauss", "raw-8bit"), row("mnist-vae", "bernoulli-grey"), {{"name", "k-means on pixels"}}});
  CHECK(mix.mixed);
  CHECK(mix.rows == std::vector<size_t>{0, 1});
  CHECK(mix.warning.rfind("warning: ", 0) == 0);
  CHECK(mix.warning.find("not dequantised (noise-gauss)") != std::string::npos);
  CHECK(mix.warning.find("discrete likelihoods (mnist-vae)") != std::string::npos);

  // Binary data's Bernoulli next to an undequantised density: mixed as well.
  CHECK(vaelab::check_likelihood_mix({row("a", "raw-8bit", "shapes"), row("b", "binary", "shapes")}).mixed);
  // A Bernoulli on grey values next to a dequantised density: the cross-entropy is another quantity.
  CHECK(vaelab::check_likelihood_mix({row("a", "dequantized-8bit"), row("b", "bernoulli-grey")}).mixed);
  // Dequantised and raw densities side by side.
  CHECK(vaelab::check_likelihood_mix({row("a", "dequantized-8bit"), row("b", "raw-8bit")}).mixed);
}

TEST_CASE("the compare flag stays silent on a consistent set", "[fast][comparison]") {
  CHECK_FALSE(vaelab::check_likelihood_mix({row("a", "dequantized-8bit"), row("b", "dequantized-8bit")}).mixed);
  CHECK_FALSE(vaelab::check_likelihood_mix({row("a", "dequantized-8bit", "shapes"), row("b", "binary", "shapes")}).mixed);
  CHECK_FALSE(vaelab::check_likelihood_mix({row("a", "bernoulli-grey"), row("b", "bernoulli-grey")}).mixed);
  CHECK_FALSE(vaelab::check_likelihood_mix({row("a", "raw-8bit"), row("b", "raw-8bit")}).mixed);
  CHECK_FALSE(vaelab::check_likelihood_mix({row("a", "vector", "toy"), row("b", "vector", "toy")}).mixed);
  // Different datasets are different comparisons: no cross-dataset flag.
  CHECK_FALSE(vaelab::check_likelihood_mix({row("a", "raw-8bit", "fashion"), row("b", "bernoulli-grey", "mnist")}).mixed);
}

TEST_CASE("flagging a table marks every likelihood row and ends the printed table with the warning",
          "[fast][comparison]") {
  vaelab::ComparisonTable table = vaelab::standard_comparison_table();
  table.add_row(row("noise-gauss", "raw-8bit"));
  table.add_row(row("mnist-vae", "bernoulli-grey"));
  table.add_row({{"name", "k-means on pixels"}, {"dataset", "mnist"}});
  const auto mix = vaelab::flag_likelihood_mix(table);
  REQUIRE(mix.mixed);
  CHECK(table.rows()[0].at("likelihood_comparable") == false);
  CHECK(table.rows()[1].at("likelihood_warning") == mix.warning);
  CHECK_FALSE(table.rows()[2].contains("likelihood_comparable"));
  const std::string text = table.to_text();
  CHECK(text.find(mix.warning) != std::string::npos);
  CHECK(table.to_csv().find("likelihood_comparable") != std::string::npos);

  vaelab::ComparisonTable consistent = vaelab::standard_comparison_table();
  consistent.add_row(row("a", "dequantized-8bit"));
  consistent.add_row(row("b", "dequantized-8bit"));
  CHECK_FALSE(vaelab::flag_likelihood_mix(consistent).mixed);
  CHECK(consistent.rows()[0].at("likelihood_comparable") == true);
  CHECK(consistent.to_text().find("warning") == std::string::npos);
}
