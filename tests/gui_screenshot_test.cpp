// The desktop app end to end: every view renders a legible, non-blank screenshot after a few training
// steps. Needs a display: the test script runs the suite under xvfb-run.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "png_stats.h"
#include "test_support.h"

using Shot = vaelab::test::GuiRun;
using Stats = vaelab::test::PngStats;
using vaelab::test::png_stats;
using vaelab::test::run_gui;

namespace {

// A small, fast run: 1000 Fashion-MNIST images, one 64-unit hidden layer.
const char* kTinyRun =
    "--preset fashion-vae --set dataset.subsample=1000 --set architecture.hidden=[64] --set batch_size=32 "
    "--set latent=4";


}  // namespace

TEST_CASE("Every view renders a non-blank screenshot after 20 training steps", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);  // run under xvfb-run -a
  const auto dir = vaelab::test::scratch_dir("gui_screenshots");
  const std::string view =
      GENERATE(as<std::string>{}, "run", "curves", "sliders", "manifold", "traversals", "clusters", "residuals",
               "samples", "interpolation");
  const std::string png = (dir / (view + ".png")).string();
  const Shot s = run_gui(std::string(kTinyRun) + " --train-steps 20 --view " + view + " --screenshot " + png +
                         " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const Stats st = png_stats(png);
  CHECK(st.width == 1280);
  CHECK(st.height == 800);
  CHECK(st.variance > 100.0);
  CHECK(st.colours > 30);
}

TEST_CASE("The plot demo and the 2-D toy manifold render", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_demo");
  const std::string demo = (dir / "demo.png").string();
  Shot s = run_gui(std::string(kTinyRun) + " --view plot-demo --screenshot " + demo + " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK(png_stats(demo).colours > 100);  // four plots, colour bar, legend
  const std::string toy = (dir / "toy.png").string();
  s = run_gui("--preset toy-gmm-vae --set dataset.n=2000 --train-steps 20 --view manifold --screenshot " + toy +
              " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK(png_stats(toy).colours > 50);  // scatter + two density heatmaps
}

TEST_CASE("The 1-D toy manifold draws the true and generated densities and exports them", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_toy_1d");
  const std::string png = (dir / "toy1d.png").string(), csv = (dir / "toy1d.csv").string();
  Shot s = run_gui("--preset ph-vae-toy-1d --train-steps 20 --view manifold --screenshot " + png + " --export " + csv +
                   " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK(png_stats(png).colours > 30);
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "series,x,y");
  int true_rows = 0, generated_rows = 0;
  double true_mass = 0, last_x = 0;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    const std::string name = line.substr(0, comma);
    const double x = std::stod(line.substr(comma + 1)), y = std::stod(line.substr(line.find(',', comma + 1) + 1));
    if (name == "true") {
      // Steps: two points per bin; each bin's density times its width sums to 1.
      if (true_rows % 2 == 1) true_mass += y * (x - last_x);
      last_x = x;
      ++true_rows;
    }
    if (name == "generated") ++generated_rows;
  }
  CHECK(true_rows == 100);  // 50 bins
  CHECK(generated_rows == 100);
  CHECK(true_mass == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("Without a display the app names vaelab-cli and exits with 2", "[gui]") {
  const std::string cmd = std::string("env -u DISPLAY -u WAYLAND_DISPLAY ") + VAELAB_GUI_PATH + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  const int status = pclose(p);
  CHECK(WEXITSTATUS(status) == 2);
  CHECK_THAT(out, Catch::Contains("no display") && Catch::Contains("vaelab-cli"));
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("An unwritable screenshot path is reported, not a crash", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const Shot s = run_gui(std::string(kTinyRun) +
                         " --view run --screenshot /nonexistent-dir/x.png --size 640x400");
  CHECK(s.rc == 1);
  CHECK_THAT(s.output, Catch::Contains("cannot write \"/nonexistent-dir/x.png\": No such file or directory"));
}

TEST_CASE("The curves view exports SVG, CSV and PNG, and an image view exports native pixels", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_exports");
  const std::string svg = (dir / "c.svg").string(), csv = (dir / "c.csv").string(), png = (dir / "c.png").string();
  Shot s = run_gui(std::string(kTinyRun) + " --train-steps 20 --view curves --screenshot " + (dir / "shot.png").string() +
                   " --export " + svg + " --export " + csv + " --export " + png + " --size 1024x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  std::ifstream fsvg(svg), fcsv(csv);
  std::stringstream svg_text, csv_text;
  svg_text << fsvg.rdbuf();
  csv_text << fcsv.rdbuf();
  CHECK_THAT(svg_text.str(), Catch::StartsWith("<svg") && Catch::Contains("<polyline") && Catch::Contains("loss"));
  CHECK_THAT(csv_text.str(), Catch::StartsWith("series,x,y\n") && Catch::Contains("loss (step),0,"));
  CHECK(png_stats(png).width > 400);  // the plot's screen rectangle, scaled 2x

  // Sliders: the decoded 28x28 image at native resolution x 2 (the export scale).
  const std::string img = (dir / "s.png").string();
  s = run_gui(std::string(kTinyRun) + " --train-steps 5 --view sliders --screenshot " + (dir / "shot2.png").string() +
              " --export " + img + " --size 1024x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const Stats st = png_stats(img);
  CHECK(st.width == 56);
  CHECK(st.height == 56);

  // An unwritable export path is an error message and exit code 1, never a crash.
  s = run_gui(std::string(kTinyRun) + " --view curves --screenshot " + (dir / "shot3.png").string() +
              " --export /nonexistent-dir/c.svg --size 800x600");
  CHECK(s.rc == 1);
  CHECK_THAT(s.output, Catch::Contains("cannot write \"/nonexistent-dir/c.svg\": No such file or directory"));
}

TEST_CASE("Space starts and pauses training and Ctrl+S saves the run", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_keys");
  const std::string png = (dir / "keys.png").string();
  // The app saves under ./vaelab-runs: run it inside the scratch folder.
  const std::string cwd = std::filesystem::current_path().string();
  std::filesystem::current_path(dir);
  const Shot s = run_gui("--threads 1 " + std::string(kTinyRun) + " --view run --keys space,space,ctrl+s,ctrl+e" +
                         " --screenshot " + png + " --size 1024x700");
  std::filesystem::current_path(cwd);
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("key space -> state running"));
  CHECK_THAT(s.output, Catch::Contains("key space -> state paused"));
  CHECK_THAT(s.output, Catch::Contains("saved run to vaelab-runs/"));
  CHECK_THAT(s.output, Catch::Contains("key ctrl+e -> state paused, export dialog open"));
}

TEST_CASE("Dropping a run folder on the window opens that run", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_drop");
  const std::string run_dir = (dir / "run").string();
  const std::string train = std::string(VAELAB_CLI_PATH) +
                            " train --preset fashion-vae --set dataset.subsample=500 --set architecture.hidden=[32]"
                            " --set latent=3 --epochs 1 --threads 1 --out " + run_dir + " > /dev/null 2>&1";
  REQUIRE(std::system(train.c_str()) == 0);
  const std::string png = (dir / "drop.png").string();
  const Shot s = run_gui(std::string(kTinyRun) + " --view run --drop " + run_dir + " --screenshot " + png +
                         " --size 1024x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("opened " + run_dir));
  const Shot bad = run_gui(std::string(kTinyRun) + " --view run --drop " + (dir / "nothing-here").string() +
                           " --screenshot " + png + " --size 1024x700");
  CHECK_THAT(bad.output, Catch::Contains("cannot open"));
}
