// The samples, interpolation, delta-sigma and covariance views (issue 17) end to end: after a brief training run each renders a
// non-blank screenshot and exports its grid at native pixels x 2; the prior samples differ from one
// another, and each interpolation row moves from one input's code to the other's in small steps.
// Needs a display: run under xvfb-run.
#include <catch2/catch.hpp>
#include <stb_image.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"

using Shot = vaelab::test::GuiRun;
using vaelab::test::run_gui;

namespace {

// 2000 Fashion-MNIST images, one 64-unit hidden layer, 8 latents; seeded like every preset run.
const char* kBriefRun =
    "--preset fashion-vae --set dataset.subsample=2000 --set architecture.hidden=[64] --set batch_size=32 "
    "--set latent=8 --set seed=3 --train-steps 200";

// A PNG as grey values (mean of R, G, B).
struct Grey {
  int width = 0, height = 0;
  std::vector<double> v;
  double at(int x, int y) const { return v[static_cast<size_t>(y) * width + x]; }
};

Grey load_grey(const std::string& path) {
  Grey g;
  int c = 0;
  unsigned char* px = stbi_load(path.c_str(), &g.width, &g.height, &c, 3);
  REQUIRE(px != nullptr);
  g.v.resize(static_cast<size_t>(g.width) * g.height);
  for (size_t i = 0; i < g.v.size(); ++i) g.v[i] = (px[i * 3] + px[i * 3 + 1] + px[i * 3 + 2]) / 3.0;
  stbi_image_free(px);
  return g;
}

double variance(const Grey& g) {
  double s = 0, s2 = 0;
  for (double x : g.v) s += x, s2 += x * x;
  const double m = s / g.v.size();
  return s2 / g.v.size() - m * m;
}

// Cell (r, c) of a grid export: cells of `cell` pixels with `pad` pixels between them.
std::vector<double> cell_pixels(const Grey& g, int r, int c, int cell, int pad) {
  std::vector<double> out;
  out.reserve(static_cast<size_t>(cell) * cell);
  for (int y = 0; y < cell; ++y)
    for (int x = 0; x < cell; ++x) out.push_back(g.at(c * (cell + pad) + x, r * (cell + pad) + y));
  return out;
}

double mean_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += std::abs(a[i] - b[i]);
  return s / a.size();
}

double spread(const std::vector<double>& a) {
  double s = 0, s2 = 0;
  for (double x : a) s += x, s2 += x * x;
  const double m = s / a.size();
  return std::sqrt(std::max(0.0, s2 / a.size() - m * m));
}

constexpr int kCell = 28 * 2, kPad = 1 * 2;  // 28x28 images, 1 px between cells, exported at scale 2

}  // namespace

TEST_CASE("The samples view shows an 8 x 8 grid of distinct decoded prior samples after 200 training steps", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);  // run under xvfb-run -a
  const auto dir = vaelab::test::scratch_dir("gui_samples_view");
  const std::string shot = (dir / "samples.png").string(), grid = (dir / "samples_grid.png").string();
  const Shot s = run_gui(std::string(kBriefRun) + " --view samples --screenshot " + shot + " --export " + grid +
                         " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const Grey screen = load_grey(shot);
  CHECK(screen.width == 1280);
  CHECK(screen.height == 800);
  CHECK(variance(screen) > 100.0);

  const Grey g = load_grey(grid);
  REQUIRE(g.width == 8 * kCell + 7 * kPad);
  REQUIRE(g.height == 8 * kCell + 7 * kPad);
  std::vector<std::vector<double>> cells;
  int textured = 0;
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 8; ++c) {
      cells.push_back(cell_pixels(g, r, c, kCell, kPad));
      textured += spread(cells.back()) > 20.0;  // a garment on a background, not a flat cell
    }
  CHECK(textured >= 56);
  // Pairwise differences between cells: samples are not all alike, and hardly any two are twins.
  std::vector<double> diffs;
  for (size_t i = 0; i < cells.size(); ++i)
    for (size_t j = i + 1; j < cells.size(); ++j) diffs.push_back(mean_abs_diff(cells[i], cells[j]));
  std::sort(diffs.begin(), diffs.end());
  const double median = diffs[diffs.size() / 2];
  const double near_twins = static_cast<double>(std::count_if(diffs.begin(), diffs.end(), [](double d) { return d < 2.0; }));
  std::printf("samples: median pairwise mean |difference| %.1f grey levels, %.0f of %zu pairs below 2\n", median,
              near_twins, diffs.size());
  CHECK(median > 15.0);
  CHECK(near_twins < 0.02 * diffs.size());
}

TEST_CASE("The interpolation view morphs each pair of inputs in small steps after 200 training steps", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_interpolation_view");
  const std::string shot = (dir / "interp.png").string(), grid = (dir / "interp_grid.png").string();
  const Shot s = run_gui(std::string(kBriefRun) + " --view interpolation --screenshot " + shot + " --export " + grid +
                         " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const Grey screen = load_grey(shot);
  CHECK(variance(screen) > 100.0);

  // Default: 4 pairs x (linear, spherical) rows of input a, 10 path points, input b.
  const Grey g = load_grey(grid);
  const int cols = 12, rows = 8;
  REQUIRE(g.width == cols * kCell + (cols - 1) * kPad);
  REQUIRE(g.height == rows * kCell + (rows - 1) * kPad);
  int moving = 0, smooth = 0;
  for (int r = 0; r < rows; ++r) {
    const auto first = cell_pixels(g, r, 1, kCell, kPad), last = cell_pixels(g, r, cols - 2, kCell, kPad);
    const double end_to_end = mean_abs_diff(first, last);
    double largest_step = 0;
    for (int c = 1; c + 1 < cols - 1; ++c)
      largest_step = std::max(largest_step, mean_abs_diff(cell_pixels(g, r, c, kCell, kPad), cell_pixels(g, r, c + 1, kCell, kPad)));
    std::printf("interpolation row %d: end to end %.1f, largest step %.1f grey levels\n", r, end_to_end, largest_step);
    moving += end_to_end > 10.0;
    smooth += largest_step < 0.6 * end_to_end;
  }
  CHECK(moving >= rows - 2);  // distinct inputs decode differently at the two ends
  CHECK(smooth >= moving);    // and no single step carries most of the change
}

TEST_CASE("The delta-sigma view changes the decoding along its rows and along its columns after 200 training steps", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_delta_sigma_view");
  const std::string shot = (dir / "ds.png").string(), grid = (dir / "ds_grid.png").string();
  const Shot s = run_gui(std::string(kBriefRun) + " --view delta-sigma --screenshot " + shot + " --export " + grid +
                         " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK(variance(load_grey(shot)) > 100.0);
  // Default: the paper's deltas -20, 0, 20 on the input's two most informative entries: a 3 x 3 grid.
  const Grey g = load_grey(grid);
  REQUIRE(g.width == 3 * kCell + 2 * kPad);
  REQUIRE(g.height == 3 * kCell + 2 * kPad);
  auto cell = [&](int r, int c) { return cell_pixels(g, r, c, kCell, kPad); };
  // Moving entry a (rows) with b fixed, and entry b (columns) with a fixed, each changes the image.
  double row_change = 0, col_change = 0;
  for (int k = 0; k < 3; ++k) {
    row_change += mean_abs_diff(cell(0, k), cell(2, k)) / 3;
    col_change += mean_abs_diff(cell(k, 0), cell(k, 2)) / 3;
  }
  std::printf("delta-sigma: mean |row 0 - row 2| %.1f, |column 0 - column 2| %.1f grey levels\n", row_change, col_change);
  CHECK(row_change > 8.0);
  CHECK(col_change > 8.0);
  // The centre (delta 0, 0) is a garment, not a flat cell.
  CHECK(spread(cell(1, 1)) > 20.0);
}

TEST_CASE("The covariance view draws both heatmaps and exports the covariance of the codes it shows", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_covariance_view");
  const std::string shot = (dir / "cov.png").string(), csv = (dir / "cov.csv").string();
  const Shot s = run_gui(std::string(kBriefRun) + " --view covariance --screenshot " + shot + " --export " + csv +
                         " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const Grey screen = load_grey(shot);
  CHECK(variance(screen) > 100.0);
  // 8 latents: 64 (j, k) rows; symmetric, unit diagonal correlation, variances >= 0.
  std::ifstream in(csv);
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  CHECK(line == "j,k,covariance,correlation");
  std::map<std::pair<int, int>, std::pair<double, double>> cells;
  while (std::getline(in, line)) {
    int j = 0, k = 0;
    double cov = 0, corr = 0;
    REQUIRE(std::sscanf(line.c_str(), "%d,%d,%lf,%lf", &j, &k, &cov, &corr) == 4);
    cells[{j, k}] = {cov, corr};
  }
  REQUIRE(cells.size() == 64);
  int varying = 0;
  for (int j = 0; j < 8; ++j) {
    CHECK(cells[{j, j}].first >= 0.0);
    CHECK(cells[{j, j}].second == Approx(1.0));
    varying += cells[{j, j}].first > 1e-3;
    for (int k = 0; k < 8; ++k) {
      CHECK(cells[{j, k}].first == Approx(cells[{k, j}].first).margin(1e-9));
      CHECK(std::abs(cells[{j, k}].second) <= 1.0 + 1e-9);
    }
  }
  CHECK(varying >= 2);  // a trained model's codes vary with the input
}


TEST_CASE("The covariance view shows a compared run below the open one and exports both", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_covariance_compare");
  // The compared run: the same data shape (Fashion-MNIST), 4 latents, trained briefly by the CLI.
  const auto other = dir / "other-run";
  const auto trained = vaelab::test::run_cli(
      dir, "train --preset fashion-vae --set dataset.subsample=500 --set architecture.hidden=[32] --set latent=4 "
           "--epochs 1 --threads 1 --out " + vaelab::test::quoted(other));
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  const std::string shot = (dir / "cov2.png").string(), csv = (dir / "cov2.csv").string();
  const Shot s = run_gui(std::string(kBriefRun) + " --view covariance --compare " + other.string() + " --screenshot " +
                         shot + " --export " + csv + " --size 1280x900");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK(variance(load_grey(shot)) > 100.0);
  std::ifstream in(csv);
  REQUIRE(in.good());
  std::string line;
  std::getline(in, line);
  CHECK(line == "run,j,k,covariance,correlation");
  std::map<std::string, std::map<std::pair<int, int>, std::pair<double, double>>> runs;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    REQUIRE(comma != std::string::npos);
    int j = 0, k = 0;
    double cov = 0, corr = 0;
    REQUIRE(std::sscanf(line.c_str() + comma + 1, "%d,%d,%lf,%lf", &j, &k, &cov, &corr) == 4);
    runs[line.substr(0, comma)][{j, k}] = {cov, corr};
  }
  REQUIRE(runs.size() == 2);
  CHECK(runs["open"].size() == 64);          // the open run's 8 latents
  CHECK(runs["other-run"].size() == 16);     // the compared run's own 4, of the same test inputs
  for (int j = 0; j < 4; ++j) {
    CHECK(runs["other-run"][{j, j}].first >= 0.0);
    CHECK(runs["other-run"][{j, j}].second == Approx(1.0));
    for (int k = 0; k < 4; ++k)
      CHECK(runs["other-run"][{j, k}].first == Approx(runs["other-run"][{k, j}].first).margin(1e-9));
  }
}

TEST_CASE("A compared run of another data shape is refused in the covariance view and the open run still exports", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_covariance_compare_shape");
  const auto toy = dir / "toy-run";
  const auto trained = vaelab::test::run_cli(
      dir, "train --preset toy-gmm-vae --set dataset.n=500 --epochs 1 --threads 1 --out " + vaelab::test::quoted(toy));
  REQUIRE(trained.status == 0);
  const std::string shot = (dir / "cov3.png").string(), csv = (dir / "cov3.csv").string();
  const Shot s = run_gui(std::string(kBriefRun) + " --view covariance --compare " + toy.string() + " --screenshot " +
                         shot + " --export " + csv + " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "j,k,covariance,correlation");  // only the open run: the toy's codes were not computed
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  CHECK(rows == 64);
}
