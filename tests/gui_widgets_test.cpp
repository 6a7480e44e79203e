// Pure logic of the plots: axis ticks and colormaps (engine/plot), 2-D histograms (the vaelab_gui_logic
// library: no ImGui, no GL).
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "plot/axis_ticks.h"
#include "plot/colormap.h"
#include "widgets/histogram2d.h"

using namespace vaelab;
using namespace vaelab::gui;

TEST_CASE("Nice steps are 1, 2 or 5 times a power of ten", "[fast][gui-widgets]") {
  CHECK(nice_step(10.0, 5) == Approx(2.0));
  CHECK(nice_step(1.0, 10) == Approx(0.1));
  CHECK(nice_step(7.3, 6) == Approx(1.0));
  CHECK(nice_step(0.0042, 4) == Approx(0.001));
  CHECK(nice_step(3000, 5) == Approx(500));
  for (double span : {0.37, 1.0, 9.9, 123.0, 4.5e6}) {
    const double s = nice_step(span, 6);
    const double mant = s / std::pow(10.0, std::floor(std::log10(s) + 1e-12));
    CHECK((std::fabs(mant - 1) < 1e-9 || std::fabs(mant - 2) < 1e-9 || std::fabs(mant - 5) < 1e-9));
  }
}

TEST_CASE("Linear ticks cover the range evenly with clean labels", "[fast][gui-widgets]") {
  const auto t = linear_ticks(0.0, 1.0, 5);
  REQUIRE(t.size() == 6);
  CHECK(t.front().value == Approx(0.0));
  CHECK(t.back().value == Approx(1.0));
  CHECK(t[3].label == "0.6");
  CHECK(t[0].label == "0.0");  // same decimals on every tick of an axis
  const auto n = linear_ticks(-3.3, 2.7, 6);
  for (const auto& k : n) CHECK((k.value >= -3.3 && k.value <= 2.7));
  for (size_t i = 1; i < n.size(); ++i) CHECK(n[i].value - n[i - 1].value == Approx(1.0));
  CHECK(linear_ticks(1.0, 1.0).empty());
  CHECK(linear_ticks(2.0, 1.0).empty());
  CHECK(linear_ticks(0.0, NAN).empty());
}

TEST_CASE("Tick labels do not show floating-point residue", "[fast][gui-widgets]") {
  CHECK(format_tick(0.1 + 0.2, 0.1) == "0.3");
  CHECK(format_tick(-1e-17, 0.5) == "0.0");
  CHECK(format_tick(250, 50) == "250");
  CHECK(format_tick(2e7, 1e7) == "2e+07");
}

TEST_CASE("Log ticks sit on decades and add 2 and 5 over a few decades", "[fast][gui-widgets]") {
  const auto t = log_ticks(1.0, 1000.0, 6);
  std::set<double> majors;
  for (const auto& k : t)
    if (k.major) majors.insert(k.value);
  CHECK(majors == std::set<double>{1, 10, 100, 1000});
  bool has_minor = false;
  for (const auto& k : t) has_minor |= !k.major;
  CHECK(has_minor);
  const auto wide = log_ticks(1e-10, 1e10, 6);
  for (const auto& k : wide) CHECK(k.major);
  CHECK(wide.size() <= 12);
  CHECK(log_ticks(0.0, 10.0).empty());  // lo must be > 0: the plot clips before asking
  const auto narrow = log_ticks(2.0, 8.0, 6);  // under a decade: linear 1-2-5 ticks
  CHECK(narrow.size() >= 3);
}

TEST_CASE("Colormaps hit their end colours and stay continuous", "[fast][gui-widgets]") {
  const auto v0 = colormap_rgb(Colormap::Viridis, 0.0), v1 = colormap_rgb(Colormap::Viridis, 1.0);
  CHECK(int(v0[0]) == 0x44);
  CHECK(int(v0[2]) == 0x54);
  CHECK(int(v1[0]) == 0xfd);
  CHECK(int(v1[1]) == 0xe7);
  CHECK(colormap_rgb(Colormap::Grey, 0.5)[0] == 128);
  CHECK(colormap_rgb(Colormap::Viridis, -3.0) == v0);  // clamped
  CHECK(colormap_rgb(Colormap::Diverging, 0.5)[1] == 0xf7);  // white-ish centre for signed data
  for (auto map : all_colormaps()) {
    const auto table = colormap_table(map, 256);
    REQUIRE(table.size() == 768);
    for (int i = 3; i < 768; ++i) CHECK(std::abs(int(table[i]) - int(table[i - 3])) <= 8);
  }
  const auto rgba = colorize({0.0f, 5.0f, 10.0f, NAN}, 0.0, 10.0, Colormap::Grey);
  CHECK(int(rgba[0]) == 0);
  CHECK(int(rgba[8]) == 255);
  CHECK(int(rgba[12]) == 128);  // NaN -> neutral grey
  CHECK(int(rgba[3]) == 255);
}

TEST_CASE("A 2-D histogram density integrates to the fraction of points inside", "[fast][gui-widgets]") {
  std::vector<double> x = {0.1, 0.1, 0.6, 0.9, 1.0, 5.0}, y = {0.1, 0.2, 0.6, 0.9, 1.0, 0.5};
  const auto h = histogram2d(x, y, 2, 2, 0.0, 1.0, 0.0, 1.0);
  CHECK(h.outside == 1);
  // cell area 0.25, n = 6: two points in cell (0,0) -> 2 / (6 * 0.25)
  CHECK(h.density[0] == Approx(2.0 / 1.5));
  CHECK(h.density[3] == Approx(3.0 / 1.5));  // 0.6, 0.9 and the upper edge 1.0
  double mass = 0;
  for (float d : h.density) mass += d * 0.25;
  CHECK(mass == Approx(5.0 / 6.0));
}
