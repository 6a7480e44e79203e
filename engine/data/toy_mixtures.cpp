#include "data/toy_mixtures.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <tuple>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/normal_sampler.h"

namespace vaelab {

const std::vector<GaussianComponent2D>& toy_gmm5_components() {
  static const std::vector<GaussianComponent2D> c = {
      {{3, 3}, {1, 0.8, 1}, 0.25},   {{-3, -3}, {1, -0.6, 1}, 0.25}, {{3, -3}, {1, 0.3, 1}, 0.2},
      {{-3, 3}, {0.5, 0, 0.5}, 0.2}, {{0, 0}, {2, 1.5, 2}, 0.1},
  };
  return c;
}

const std::vector<GaussianComponent2D>& toy_gmm3_components() {
  static const std::vector<GaussianComponent2D> c = {
      {{-4, 0}, {1, 0.8, 1}, 1.0 / 3},
      {{4, 0}, {1, -0.8, 1}, 1.0 / 3},
      {{0, 4}, {0.5, 0.3, 0.5}, 1.0 / 3},
  };
  return c;
}

namespace {

struct MixtureOptions {
  int64_t n;
  int64_t seed;
  double test_fraction;
  bool distort;
  bool normalize;
};

MixtureOptions read_common(const nlohmann::json& spec, const std::vector<std::string>& extra_keys) {
  json_fields::require_object(spec, "dataset");
  std::vector<std::string> keys = {"name", "n", "seed", "test_fraction", "distort", "normalize"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  json_fields::only_keys(spec, "dataset", keys);
  MixtureOptions o;
  o.n = json_fields::integer(spec, "dataset", "n", 10000);
  o.seed = json_fields::integer(spec, "dataset", "seed", 0);
  o.test_fraction = json_fields::number(spec, "dataset", "test_fraction", 0.2);
  o.distort = json_fields::boolean(spec, "dataset", "distort", true);
  o.normalize = json_fields::boolean(spec, "dataset", "normalize", true);
  if (o.n < 2 || o.n > 100'000'000)
    throw Error(fmt::format("preset key \"dataset.n\": expected a sample count in 2..100000000, got {}", o.n));
  if (!(o.test_fraction >= 0.0 && o.test_fraction < 1.0))
    throw Error(fmt::format("preset key \"dataset.test_fraction\": expected a number in [0, 1), got {}",
                            o.test_fraction));
  return o;
}

// Draws n points; `transform` maps u -> x in place. Rows [0, n_train) become train: the draws are
// i.i.d., so a contiguous split is as random as any.
DatasetSplit draw_mixture(const std::string& name, const std::vector<GaussianComponent2D>& components,
                          const MixtureOptions& o, const std::function<void(float*)>& transform) {
  NormalSampler rng(static_cast<uint64_t>(o.seed));
  std::vector<double> cumulative;
  double total = 0;
  for (const auto& c : components) cumulative.push_back(total += c.weight);

  auto points = torch::empty({o.n, 2}, torch::kFloat32);
  auto labels = torch::empty({o.n}, torch::kInt64);
  float* x = points.data_ptr<float>();
  int64_t* y = labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < o.n; ++i) {
    const double r = rng.uniform() * total;
    size_t k = 0;
    while (k + 1 < components.size() && r >= cumulative[k]) ++k;
    const auto& c = components[k];
    // Cholesky factor of [[a, b], [b, d]]: L = [[sqrt(a), 0], [b / sqrt(a), sqrt(d - b^2 / a)]].
    const double l11 = std::sqrt(c.cov[0]);
    const double l21 = c.cov[1] / l11;
    const double l22 = std::sqrt(c.cov[2] - l21 * l21);
    const double z1 = rng.normal(), z2 = rng.normal();
    x[2 * i] = static_cast<float>(c.mean[0] + l11 * z1);
    x[2 * i + 1] = static_cast<float>(c.mean[1] + l21 * z1 + l22 * z2);
    if (o.distort) transform(x + 2 * i);
    y[i] = static_cast<int64_t>(k);
  }
  if (o.normalize) {
    // Min-max per coordinate over all n points (train and test alike: the scaling is part of the data).
    const auto lo = std::get<0>(points.min(0, /*keepdim=*/true));
    const auto hi = std::get<0>(points.max(0, /*keepdim=*/true));
    points = (points - lo) / (hi - lo).clamp_min(1e-12);
  }

  std::vector<std::string> class_names;
  for (const auto& c : components) class_names.push_back(fmt::format("({:g}, {:g})", c.mean[0], c.mean[1]));
  const auto n_test = static_cast<int64_t>(std::llround(static_cast<double>(o.n) * o.test_fraction));
  auto make = [&](const char* view, int64_t begin, int64_t end) {
    Dataset d;
    d.name = name + "/" + view;
    d.shape = DataShape{0, 0, 0, 2};
    d.storage = points.slice(0, begin, end).clone();
    d.labels = labels.slice(0, begin, end).clone();
    d.class_names = class_names;
    return d;
  };
  DatasetSplit split;
  split.train = make("train", 0, o.n - n_test);
  split.test = make("test", o.n - n_test, o.n);
  split.descriptor = {{"name", name}, {"n", o.n}, {"seed", o.seed}, {"test_fraction", o.test_fraction},
                      {"distort", o.distort}, {"normalize", o.normalize}};
  return split;
}

}  // namespace

DatasetSplit load_toy_gmm5(const nlohmann::json& spec) {
  const auto o = read_common(spec, {});
  return draw_mixture("toy-gmm5", toy_gmm5_components(), o, [](float* u) {
    for (int d = 0; d < 2; ++d) u[d] = static_cast<float>(std::tanh(u[d]) + 0.1 * std::sin(2.0 * u[d]));
  });
}

DatasetSplit load_toy_gmm3(const nlohmann::json& spec) {
  const auto o = read_common(spec, {"noise_std"});
  const double noise = json_fields::number(spec, "dataset", "noise_std", 0.05);
  if (!(noise >= 0.0))
    throw Error(fmt::format("preset key \"dataset.noise_std\": expected a number >= 0, got {}", noise));
  // The noise has its own stream, so "distort": false gives exactly the u behind the distorted points.
  NormalSampler noise_rng(mix_seeds(static_cast<uint64_t>(o.seed), 1));
  auto split = draw_mixture("toy-gmm3", toy_gmm3_components(), o, [&](float* u) {
    for (int d = 0; d < 2; ++d)
      u[d] = static_cast<float>(u[d] + 0.1 * std::sin(u[d]) + noise * noise_rng.normal());
  });
  split.descriptor["noise_std"] = noise;
  return split;
}

}  // namespace vaelab
