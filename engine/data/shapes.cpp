#include "data/shapes.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/seeded_permutation.h"

namespace vaelab {

namespace {

constexpr double kRadius = 12.0;  // bounding radius of every shape at scale 1, in pixels
constexpr int64_t kCombinations = 3 * 6 * 40 * 32 * 32;

// Point-in-shape tests in unit coordinates: the shape fits in the unit disc, y points up.
bool in_square(double x, double y) { return std::abs(x) <= M_SQRT1_2 && std::abs(y) <= M_SQRT1_2; }
bool in_ellipse(double x, double y) { return x * x + 4.0 * y * y <= 1.0; }
bool in_heart(double x, double y) {
  // The heart curve spans radius 1.281 around (0, 0.2) in its own coordinates; 1.29 maps it into the disc.
  const double X = 1.29 * x, Y = 1.29 * y + 0.2;
  const double r = X * X + Y * Y - 1.0;
  return r * r * r - X * X * Y * Y * Y <= 0.0;
}

}  // namespace

void render_shape(const std::array<int64_t, 5>& f, uint8_t* out) {
  const int64_t side = kShapesImageSide;
  std::memset(out, 0, static_cast<size_t>(side * side));
  const double scale = 0.5 + 0.1 * static_cast<double>(f[1]);
  const double angle = 2.0 * M_PI * static_cast<double>(f[2]) / 40.0;
  const double span = static_cast<double>(side) - 2.0 * kRadius;
  const double cx = kRadius + span * static_cast<double>(f[3]) / 31.0;
  const double cy = kRadius + span * static_cast<double>(f[4]) / 31.0;
  const double r = scale * kRadius;
  const double c = std::cos(angle), s = std::sin(angle);
  const auto x0 = std::max<int64_t>(0, static_cast<int64_t>(std::floor(cx - r)));
  const auto x1 = std::min<int64_t>(side - 1, static_cast<int64_t>(std::ceil(cx + r)));
  const auto y0 = std::max<int64_t>(0, static_cast<int64_t>(std::floor(cy - r)));
  const auto y1 = std::min<int64_t>(side - 1, static_cast<int64_t>(std::ceil(cy + r)));
  for (int64_t py = y0; py <= y1; ++py) {
    for (int64_t px = x0; px <= x1; ++px) {
      // Pixel centre relative to the shape centre, y flipped to point up, rotated by -angle, unit-scaled.
      const double dx = (static_cast<double>(px) + 0.5 - cx) / r;
      const double dy = -(static_cast<double>(py) + 0.5 - cy) / r;
      const double u = c * dx + s * dy;
      const double v = -s * dx + c * dy;
      bool inside = false;
      switch (f[0]) {
        case 0: inside = in_square(u, v); break;
        case 1: inside = in_ellipse(u, v); break;
        default: inside = in_heart(u, v); break;
      }
      if (inside) out[py * side + px] = 255;
    }
  }
}

DatasetSplit load_shapes(const nlohmann::json& spec) {
  json_fields::require_object(spec, "dataset");
  json_fields::only_keys(spec, "dataset", {"name", "size", "seed", "test_fraction"});
  const int64_t n = json_fields::integer(spec, "dataset", "size", 20000);
  const int64_t seed = json_fields::integer(spec, "dataset", "seed", 0);
  const double test_fraction = json_fields::number(spec, "dataset", "test_fraction", 0.2);
  if (n < 1 || n > kCombinations)
    throw Error(fmt::format("preset key \"dataset.size\": expected a sample count in 1..{}, got {}", kCombinations,
                            n));
  if (!(test_fraction >= 0.0 && test_fraction < 1.0))
    throw Error(fmt::format("preset key \"dataset.test_fraction\": expected a number in [0, 1), got {}",
                            test_fraction));

  // Partial Fisher-Yates: the first n entries are a uniform sample without replacement, in random order.
  std::vector<int32_t> combos(kCombinations);
  for (int64_t i = 0; i < kCombinations; ++i) combos[i] = static_cast<int32_t>(i);
  SplitMix64 rng(static_cast<uint64_t>(seed));
  for (int64_t i = 0; i < n; ++i) {
    const auto j = i + static_cast<int64_t>(rng.below(static_cast<uint64_t>(kCombinations - i)));
    std::swap(combos[i], combos[j]);
  }

  const int64_t side = kShapesImageSide;
  auto images = torch::empty({n, 1, side, side}, torch::kUInt8);
  auto factors = torch::empty({n, 5}, torch::kFloat32);
  auto labels = torch::empty({n}, torch::kInt64);
  uint8_t* img = images.data_ptr<uint8_t>();
  float* fac = factors.data_ptr<float>();
  int64_t* lab = labels.data_ptr<int64_t>();
  at::parallel_for(0, n, 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      // Mixed radix, pos_y fastest (dSprites' order).
      int64_t code = combos[i];
      std::array<int64_t, 5> f{};
      for (int k = 4; k >= 0; --k) {
        f[k] = code % kShapesFactorSizes[k];
        code /= kShapesFactorSizes[k];
      }
      render_shape(f, img + i * side * side);
      for (int k = 0; k < 5; ++k) fac[i * 5 + k] = static_cast<float>(f[k]);
      lab[i] = f[0];
    }
  });

  const auto n_test = static_cast<int64_t>(std::llround(static_cast<double>(n) * test_fraction));
  auto make = [&](const char* view, int64_t begin, int64_t end) {
    Dataset d;
    d.name = std::string("shapes/") + view;
    d.shape = DataShape{1, side, side, 0};
    d.storage = images.slice(0, begin, end).clone();
    d.labels = labels.slice(0, begin, end).clone();
    d.class_names = {"square", "ellipse", "heart"};
    d.factors = factors.slice(0, begin, end).clone();
    d.factor_names = {"shape", "scale", "orientation", "pos_x", "pos_y"};
    d.factor_sizes.assign(kShapesFactorSizes.begin(), kShapesFactorSizes.end());
    return d;
  };
  DatasetSplit split;
  // The draws come in random order, so the first rows are as random a train set as any.
  split.train = make("train", 0, n - n_test);
  split.test = make("test", n - n_test, n);
  split.descriptor = {{"name", "shapes"}, {"size", n}, {"seed", seed}, {"test_fraction", test_fraction}};
  return split;
}

}  // namespace vaelab
