// The latent pairs view (issue 17) end to end: after a brief training run it renders a non-blank
// screenshot, exports the joint histogram with its marginals as a PNG and the per-dimension bimodality
// table as CSV, one row per latent dimension.
// Needs a display: run under xvfb-run.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "png_stats.h"
#include "test_support.h"

using vaelab::test::PngStats;
using vaelab::test::png_stats;
using vaelab::test::run_gui;

namespace {

// 2000 Fashion-MNIST images, one 64-unit hidden layer, 8 latents; seeded like every preset run.
const char* kBriefRun =
    "--preset fashion-vae --set dataset.subsample=2000 --set architecture.hidden=[64] --set batch_size=32 "
    "--set latent=8 --set seed=3 --train-steps 200";

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

}  // namespace

TEST_CASE("The latent pairs view draws the joint histogram and exports one bimodality row per latent", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_latent_pairs_view");
  const std::string shot = (dir / "pairs.png").string(), csv = (dir / "pairs.csv").string(),
                    png = (dir / "pairs-export.png").string();
  const auto s = run_gui(std::string(kBriefRun) + " --view latent-pairs --screenshot " + shot + " --export " + csv +
                         " --export " + png + " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const PngStats window = png_stats(shot);
  CHECK(window.variance > 100.0);
  CHECK(window.width == 1280);
  CHECK(window.height == 800);
  // The exported PNG is the histogram with its marginals (nearly square), not the window (1.6 : 1).
  const PngStats plot = png_stats(png);
  CHECK(plot.variance > 100.0);
  CHECK(plot.width > 200);
  CHECK(plot.height > 200);
  CHECK(std::abs(static_cast<double>(plot.width) / plot.height - 1.0) < 0.35);

  std::ifstream in(csv);
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  CHECK(line == "dim,delta_bic,bic1,bic2,weight1,mean1,sd1,weight2,mean2,sd2,separation,dip_ratio,bimodal");
  std::set<int> dims;
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    const auto f = split_csv(line);
    REQUIRE(f.size() == 13);
    dims.insert(std::stoi(f[0]));
    CHECK((f[12] == "0" || f[12] == "1"));
    if (f[1].empty()) continue;  // a dimension that does not vary has no BIC
    const double delta = std::stod(f[1]), bic1 = std::stod(f[2]), bic2 = std::stod(f[3]);
    CHECK(delta == Approx(bic1 - bic2).margin(1e-6 * std::abs(bic1)));
    CHECK(std::stod(f[4]) + std::stod(f[7]) == Approx(1.0).margin(1e-6));
    CHECK(std::stod(f[5]) <= std::stod(f[8]));  // components ordered by mean
  }
  CHECK(rows == 8);
  CHECK(dims == std::set<int>{0, 1, 2, 3, 4, 5, 6, 7});
}
