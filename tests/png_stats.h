#pragma once
// What the GUI tests ask of a screenshot or an exported PNG: its size, the variance of its grey values
// (mean of R, G, B) and how many distinct colours it holds (counted up to 100000). A blank or flat frame
// has neither variance nor colours.
#include <catch2/catch.hpp>
#include <stb_image.h>

#include <cstdint>
#include <set>
#include <string>

namespace vaelab::test {

struct PngStats {
  int width = 0, height = 0;
  double variance = 0;
  size_t colours = 0;
};

inline PngStats png_stats(const std::string& path) {
  PngStats st;
  int c = 0;
  unsigned char* px = stbi_load(path.c_str(), &st.width, &st.height, &c, 3);
  REQUIRE(px != nullptr);
  std::set<uint32_t> colours;
  double sum = 0, sum2 = 0;
  const size_t n = static_cast<size_t>(st.width) * st.height;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char* q = px + i * 3;
    const double g = (q[0] + q[1] + q[2]) / 3.0;
    sum += g, sum2 += g * g;
    if (colours.size() < 100000) colours.insert((uint32_t(q[0]) << 16) | (uint32_t(q[1]) << 8) | q[2]);
  }
  stbi_image_free(px);
  const double mean = sum / n;
  st.variance = sum2 / n - mean * mean;
  st.colours = colours.size();
  return st;
}

}  // namespace vaelab::test
