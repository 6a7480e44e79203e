#include "plot/axis_ticks.h"

#include <cmath>
#include <cstdio>

namespace vaelab {

double nice_step(double span, int target) {
  if (!(span > 0) || !std::isfinite(span)) return 1.0;
  if (target < 1) target = 1;
  const double raw = span / target;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / decade;  // in [1, 10)
  double nice;
  if (f < 1.5) nice = 1;
  else if (f < 3.5) nice = 2;
  else if (f < 7.5) nice = 5;
  else nice = 10;
  return nice * decade;
}

std::string format_tick(double value, double step) {
  char buf[64];
  if (step > 0 && std::fabs(value) < step * 1e-6) value = 0.0;  // avoid "-0" and 1e-17 residue
  const double a = std::fabs(value);
  if (value != 0 && (a >= 1e6 || a < 1e-4)) {
    // Enough significant digits to tell neighbouring ticks apart.
    int digits = 1;
    if (step > 0 && a > 0) {
      digits = static_cast<int>(std::ceil(std::log10(a) - std::log10(step))) + 1;
      if (digits < 1) digits = 1;
      if (digits > 8) digits = 8;
    }
    std::snprintf(buf, sizeof buf, "%.*g", digits, value);
    return buf;
  }
  int decimals = 0;
  if (step > 0 && step < 1) decimals = static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  if (decimals > 10) decimals = 10;
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::vector<Tick> linear_ticks(double lo, double hi, int target) {
  std::vector<Tick> out;
  if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi)) return out;
  const double step = nice_step(hi - lo, target);
  const double tol = step * 1e-9;
  const double first = std::ceil((lo - tol) / step);
  const double last = std::floor((hi + tol) / step);
  if (last - first > 1000) return out;
  for (double k = first; k <= last; k += 1) {
    double v = k * step;
    if (std::fabs(v) < tol) v = 0.0;
    out.push_back({v, format_tick(v, step), true});
  }
  return out;
}

std::vector<Tick> log_ticks(double lo, double hi, int target) {
  std::vector<Tick> out;
  if (!(lo > 0) || !(lo < hi) || !std::isfinite(hi)) return out;
  const double llo = std::log10(lo), lhi = std::log10(hi);
  const double decades = lhi - llo;
  if (decades < 1.0) {
    // Less than a decade: linear 1-2-5 ticks on the data values read well ("0.2 0.4 0.6").
    return linear_ticks(lo, hi, target);
  }
  const int dstep = decades > 2.0 * target ? static_cast<int>(std::ceil(decades / target)) : 1;
  const bool minor = decades <= 3.0;
  const int first = static_cast<int>(std::floor(llo));
  const int last = static_cast<int>(std::ceil(lhi));
  char buf[32];
  for (int d = first; d <= last; ++d) {
    const double base = std::pow(10.0, d);
    if (d % dstep == 0 && base >= lo * (1 - 1e-9) && base <= hi * (1 + 1e-9)) {
      if (d >= -3 && d <= 4) std::snprintf(buf, sizeof buf, "%g", base);
      else std::snprintf(buf, sizeof buf, "1e%d", d);
      out.push_back({base, buf, true});
    }
    if (minor) {
      for (double m : {2.0, 5.0}) {
        const double v = m * base;
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
          if (d >= -3 && d <= 4) std::snprintf(buf, sizeof buf, "%g", v);
          else std::snprintf(buf, sizeof buf, "%ge%d", m, d);
          out.push_back({v, buf, false});
        }
      }
    }
  }
  return out;
}

}  // namespace vaelab
