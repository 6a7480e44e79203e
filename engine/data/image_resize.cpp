#include "data/image_resize.h"

#include <algorithm>
#include <cmath>

namespace vaelab {

namespace {

// One output sample's source taps along one axis.
struct Taps {
  int first = 0;
  std::vector<float> weights;  // weights for source positions first, first+1, ...
};

// Taps mapping `in` source pixels (starting at `offset` in the full row) to `out` pixels.
std::vector<Taps> axis_taps(int in, int out, int offset) {
  std::vector<Taps> taps(static_cast<size_t>(out));
  const double ratio = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    Taps& t = taps[static_cast<size_t>(o)];
    if (in >= out) {
      // Area: output pixel o covers source interval [o*ratio, (o+1)*ratio).
      const double a = o * ratio, b = (o + 1) * ratio;
      const int lo = static_cast<int>(std::floor(a));
      const int hi = std::min(in, static_cast<int>(std::ceil(b)));
      t.first = offset + lo;
      for (int s = lo; s < hi; ++s) {
        const double overlap = std::min<double>(b, s + 1) - std::max<double>(a, s);
        t.weights.push_back(static_cast<float>(overlap / ratio));
      }
    } else {
      // Bilinear between source pixel centres; positions beyond the outer centres clamp to the edge.
      const double x = std::clamp((o + 0.5) * ratio - 0.5, 0.0, static_cast<double>(in - 1));
      const int lo = static_cast<int>(std::floor(x));
      const int hi = std::min(lo + 1, in - 1);
      const float f = static_cast<float>(x - lo);
      t.first = offset + lo;
      t.weights.push_back(1.0f - f);
      if (hi != lo) t.weights.push_back(f);
    }
  }
  return taps;
}

}  // namespace

std::vector<uint8_t> resize_to_square(const uint8_t* pixels, int width, int height, int channels, int size) {
  const int side = std::min(width, height);
  const auto xs = axis_taps(side, size, (width - side) / 2);
  const auto ys = axis_taps(side, size, (height - side) / 2);
  std::vector<uint8_t> out(static_cast<size_t>(channels) * size * size);
  // Horizontal pass into a float buffer of the cropped rows, then the vertical pass.
  std::vector<float> rows(static_cast<size_t>(height) * size * channels);
  const int y0 = (height - side) / 2;
  for (int y = y0; y < y0 + side; ++y) {
    const uint8_t* src = pixels + static_cast<size_t>(y) * width * channels;
    float* dst = rows.data() + static_cast<size_t>(y) * size * channels;
    for (int o = 0; o < size; ++o) {
      const Taps& t = xs[static_cast<size_t>(o)];
      for (int c = 0; c < channels; ++c) {
        float acc = 0.0f;
        for (size_t k = 0; k < t.weights.size(); ++k)
          acc += t.weights[k] * src[static_cast<size_t>(t.first + static_cast<int>(k)) * channels + c];
        dst[static_cast<size_t>(o) * channels + c] = acc;
      }
    }
  }
  for (int o = 0; o < size; ++o) {
    const Taps& t = ys[static_cast<size_t>(o)];
    for (int x = 0; x < size; ++x) {
      for (int c = 0; c < channels; ++c) {
        float acc = 0.0f;
        for (size_t k = 0; k < t.weights.size(); ++k)
          acc += t.weights[k] * rows[(static_cast<size_t>(t.first + static_cast<int>(k)) * size + x) * channels + c];
        const float v = std::clamp(std::round(acc), 0.0f, 255.0f);
        out[(static_cast<size_t>(c) * size + o) * size + x] = static_cast<uint8_t>(v);
      }
    }
  }
  return out;
}

}  // namespace vaelab
