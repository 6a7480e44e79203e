// The clusters view's zoom, thumbnails and selection, end to end in the app: --zoom and --select script
// what the wheel and a box drag do, --send-selection presses the selection strip's button
// (views/clusters_scripting.h). After settling, the app prints the view's figures ("clusters: ..."),
// the plot's rectangle in screenshot pixels, the selection, what was sent and the view shown. Needs a
// display: run under xvfb-run.
#include <catch2/catch.hpp>
#include <stb_image.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <string>

#include "png_stats.h"
#include "test_support.h"

using vaelab::test::GuiRun;
using vaelab::test::png_stats;
using vaelab::test::run_gui;

namespace {

// 1000 Fashion-MNIST train images (167 test images: the points), a fixed seed, untrained.
const std::string kTinyRun = vaelab::test::small_fashion_run(1000);
// The same with 6000 train images: 1000 test images, more than the view draws as images at once (300).
const std::string kThousandPoints = vaelab::test::small_fashion_run(6000);

struct ClustersLine {
  long long encoded = -1, shown = -1, in_view = -1, images = -1, selected = -1;
};

ClustersLine clusters_line(const std::string& output) {
  std::smatch m;
  const std::regex line("clusters: ([0-9]+) encoded, ([0-9]+) shown, ([0-9]+) in view, ([0-9]+) images drawn, ([0-9]+) selected");
  ClustersLine c;
  if (std::regex_search(output, m, line))
    c = {std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3]), std::stoll(m[4]), std::stoll(m[5])};
  return c;
}

// Distinct grey levels (R = G = B) inside the plot's rectangle, as printed by the app. The plot's
// background and the category colours of its dots are not grey; Fashion-MNIST thumbnails are.
size_t plot_grey_levels(const std::string& png, const std::string& output) {
  std::smatch m;
  const std::regex rect("clusters plot rect: ([0-9]+) ([0-9]+) ([0-9]+) ([0-9]+)");
  REQUIRE(std::regex_search(output, m, rect));
  const int x0 = std::stoi(m[1]), y0 = std::stoi(m[2]), w = std::stoi(m[3]), h = std::stoi(m[4]);
  int width = 0, height = 0, channels = 0;
  unsigned char* px = stbi_load(png.c_str(), &width, &height, &channels, 3);
  REQUIRE(px != nullptr);
  REQUIRE(x0 + w <= width);
  REQUIRE(y0 + h <= height);
  std::set<int> greys;
  // One pixel in from the border (the plot's frame).
  for (int y = y0 + 1; y < y0 + h - 1; ++y)
    for (int x = x0 + 1; x < x0 + w - 1; ++x) {
      const unsigned char* q = px + 3 * (static_cast<size_t>(y) * width + x);
      if (q[0] == q[1] && q[1] == q[2]) greys.insert(q[0]);
    }
  stbi_image_free(px);
  return greys.size();
}

}  // namespace

TEST_CASE("A box selected in the clusters view goes to the interpolation view, which takes its first two inputs", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_clusters_send");
  const std::string png = (dir / "sent.png").string();
  const GuiRun s = run_gui(std::string(kTinyRun) + " --view clusters --select 0.3,0.3,0.7,0.7 --send-selection interpolation" +
                           " --screenshot " + png + " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const ClustersLine c = clusters_line(s.output);
  CHECK(c.encoded == 167);
  CHECK(c.selected >= 2);
  CHECK(c.selected < c.shown);  // the middle of the plot, not all of it
  std::smatch m;
  REQUIRE(std::regex_search(s.output, m, std::regex("clusters selection: inputs ([0-9]+) ([0-9]+)")));
  const std::string a = m[1], b = m[2];
  CHECK(std::stoll(a) < std::stoll(b));  // ascending rows of the test split
  CHECK(std::stoll(b) < 167);
  // The first two selected are what the interpolation view took, and its tab is the one shown.
  CHECK_THAT(s.output, Catch::Contains("sent inputs " + a + " " + b + " to interpolation: taken"));
  CHECK_THAT(s.output, Catch::Contains("view shown: interpolation"));
  const auto st = png_stats(png);
  CHECK(st.width == 1280);
  CHECK(st.variance > 100);  // the decoded paths, not a blank frame
}

TEST_CASE("A box around no point selects nothing and sending the empty selection is refused", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_clusters_empty");
  const std::string png = (dir / "empty.png").string();
  // A box of zero width: a click, not a drag.
  const GuiRun s = run_gui(std::string(kTinyRun) + " --view clusters --select 0.5,0.2,0.5,0.8 --send-selection delta-sigma" +
                           " --screenshot " + png + " --size 1024x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK(clusters_line(s.output).selected == 0);
  CHECK_THAT(s.output, Catch::Contains("sent inputs  to delta-sigma: refused"));
  CHECK_THAT(s.output, Catch::Contains("view shown: clusters"));
}

TEST_CASE("Zoomed in on the clusters view, every point in view is drawn as its input image", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_clusters_zoom");
  const std::string whole = (dir / "zoom1.png").string(), zoomed = (dir / "zoom6.png").string();
  const GuiRun all = run_gui(std::string(kThousandPoints) + " --view clusters --zoom 1 --screenshot " + whole + " --size 1280x800");
  const GuiRun in = run_gui(std::string(kThousandPoints) + " --view clusters --zoom 6 --screenshot " + zoomed + " --size 1280x800");
  INFO(all.output);
  INFO(in.output);
  REQUIRE(all.rc == 0);
  REQUIRE(in.rc == 0);
  // All 1000 points in view: too many for images, dots only.
  const ClustersLine c1 = clusters_line(all.output), c6 = clusters_line(in.output);
  CHECK(c1.in_view == 1000);
  CHECK(c1.images == 0);
  // Six times closer: fewer than 300 in view, each one an image.
  CHECK(c6.in_view > 10);
  CHECK(c6.in_view <= 300);
  CHECK(c6.images == c6.in_view);
  // The thumbnails' grey pixels show in the plot: many grey levels where the dots had next to none.
  const size_t dots = plot_grey_levels(whole, all.output), images = plot_grey_levels(zoomed, in.output);
  INFO("grey levels: dots " << dots << ", images " << images);
  CHECK(dots < 20);
  CHECK(images > 100);
}
