// The model-health banner of the desktop app, end to end: a model that ignores its input (the tiny
// Fashion-MNIST preset before any training step) gets the warning banner above every view, with the
// verdict's sentence; a trained one gets none. The app prints what the banner shows after a headless
// screenshot ("health: ...", "health banner: ...", "health banner rect: X Y W H"), and the screenshot
// is checked where the banner is. Needs a display: the test script runs the suite under xvfb-run.
#include <catch2/catch.hpp>
#include <stb_image.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "test_support.h"

using Shot = vaelab::test::GuiRun;
using vaelab::test::run_gui;

namespace {

// 1000 Fashion-MNIST images, one 64-unit hidden layer, a fixed seed.
const std::string kTinyRun = vaelab::test::small_fashion_run(1000);

// The line of `output` that starts with `prefix`, without the prefix; "" when there is none.
std::string line_after(const std::string& output, const std::string& prefix) {
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  return {};
}

// Pixels of the banner's fill colour (health_banner.cpp) in a rectangle of the PNG, or in all of it.
struct BannerPixels {
  long fill = 0;   // exactly the banner's background colour
  long total = 0;  // pixels looked at
};

BannerPixels count_banner_fill(const std::string& png, int x0 = 0, int y0 = 0, int w = -1, int h = -1) {
  int width = 0, height = 0, channels = 0;
  unsigned char* px = stbi_load(png.c_str(), &width, &height, &channels, 3);
  REQUIRE(px != nullptr);
  if (w < 0) w = width;
  if (h < 0) h = height;
  BannerPixels out;
  for (int y = std::max(0, y0); y < std::min(height, y0 + h); ++y) {
    for (int x = std::max(0, x0); x < std::min(width, x0 + w); ++x) {
      const unsigned char* q = px + (static_cast<size_t>(y) * width + x) * 3;
      out.total += 1;
      out.fill += q[0] == 122 && q[1] == 78 && q[2] == 8;
    }
  }
  stbi_image_free(px);
  return out;
}

}  // namespace

TEST_CASE("A model that ignores its input shows the health banner above every view", "[gui][health]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);  // run under xvfb-run -a
  const auto dir = vaelab::test::scratch_dir("gui_health_banner");
  const std::string view = GENERATE(as<std::string>{}, "run", "curves");
  const std::string png = (dir / (view + ".png")).string();
  // No training step: the decoder has not learnt anything about its input yet.
  const Shot s = run_gui(std::string(kTinyRun) + " --view " + view + " --screenshot " + png + " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK(line_after(s.output, "health: ") == "ignores_input at step 0");
  const std::string banner = line_after(s.output, "health banner: ");
  CHECK_THAT(banner, Catch::StartsWith("Model health: ignores its input. This model ignores its input: ") &&
                         Catch::Contains("R\xC2\xB2 ") && Catch::EndsWith("(checked at step 0; details in the Run view)"));

  // The banner is where the app says it is: a wide strip under the view tabs, filled with its colour.
  int x = 0, y = 0, w = 0, h = 0;
  REQUIRE(std::sscanf(line_after(s.output, "health banner rect: ").c_str(), "%d %d %d %d", &x, &y, &w, &h) == 4);
  CHECK(w > 1000);
  CHECK(h >= 20);
  CHECK(y > 30);   // below the menu bar and the tabs
  CHECK(y < 120);  // above the view's content
  const BannerPixels in_banner = count_banner_fill(png, x, y, w, h);
  CHECK(in_banner.fill > in_banner.total / 2);  // the rest is its text and border
  const BannerPixels elsewhere = count_banner_fill(png, 0, y + h + 2, 1280, 800);
  CHECK(elsewhere.fill == 0);
}

TEST_CASE("A trained model shows no health banner", "[gui][health]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_health_healthy");
  const std::string png = (dir / "run.png").string();
  const Shot s = run_gui(std::string(kTinyRun) + " --train-steps 300 --view run --screenshot " + png +
                         " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  // The check waited for the trained model: its verdict is about step 300, not the untrained one.
  CHECK(line_after(s.output, "health: ") == "healthy at step 300");
  CHECK(line_after(s.output, "health banner: ") == "none");
  CHECK(line_after(s.output, "health banner rect: ").empty());
  CHECK(count_banner_fill(png).fill == 0);
}
