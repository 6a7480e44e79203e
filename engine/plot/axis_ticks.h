#pragma once
// Tick positions and labels for plot axes: the one implementation, shared by the engine's plot export
// (plot/line_chart.h) and the app's ImGui plots. Pure arithmetic (tested in tests/gui_widgets_test.cpp).
//
// Linear axes use "nice" steps of 1, 2 or 5 x 10^k, chosen so that about `target` ticks fall inside
// [lo, hi]. Log axes (base 10) put ticks at the decades, adding 2x and 5x when fewer than ~3 decades
// are visible, and fall back to linear 1-2-5 ticks on log10 values when the range spans < 1 decade.
#include <string>
#include <vector>

namespace vaelab {

struct Tick {
  double value;       // in data units (for log axes: the data value, not its log)
  std::string label;
  bool major = true;
};

// The 1-2-5 step for a span covered by about `target` intervals (span > 0, target >= 1).
double nice_step(double span, int target);
// Ticks within [lo, hi] (inclusive, with a tiny tolerance). Empty when lo >= hi or not finite.
std::vector<Tick> linear_ticks(double lo, double hi, int target = 6);
// Ticks for a log10 axis over data values [lo, hi], lo > 0.
std::vector<Tick> log_ticks(double lo, double hi, int target = 6);
// Shortest readable label for `value` given the tick step (so 0.1 + 0.2 prints "0.3").
std::string format_tick(double value, double step);

}  // namespace vaelab
