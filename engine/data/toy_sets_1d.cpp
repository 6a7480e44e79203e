#include "data/toy_sets_1d.h"

#include <fmt/format.h>

#include <cmath>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/normal_sampler.h"
#include "data/seeded_permutation.h"

namespace vaelab {

namespace {
constexpr int64_t kSets = 20;
constexpr int64_t kDraws = 50;
}  // namespace

DatasetSplit load_toy_sets_1d(const nlohmann::json& spec) {
  json_fields::require_object(spec, "dataset");
  json_fields::only_keys(spec, "dataset",
                         {"name", "distribution", "layout", "normalize", "seed", "test_fraction"});
  const std::string distribution =
      json_fields::choice(spec, "dataset", "distribution", "normal", {"uniform", "normal", "lognormal"});
  const std::string layout = json_fields::choice(spec, "dataset", "layout", "points", {"points", "sets"});
  const bool normalize = json_fields::boolean(spec, "dataset", "normalize", true);
  const int64_t seed = json_fields::integer(spec, "dataset", "seed", 0);
  const double test_fraction = json_fields::number(spec, "dataset", "test_fraction", 0.2);
  if (!(test_fraction >= 0.0 && test_fraction < 1.0))
    throw Error(fmt::format("preset key \"dataset.test_fraction\": expected a number in [0, 1), got {}",
                            test_fraction));

  // values[s][i]: draw i of set s.
  NormalSampler rng(static_cast<uint64_t>(seed));
  auto values = torch::empty({kSets, kDraws}, torch::kFloat32);
  float* v = values.data_ptr<float>();
  for (int64_t k = 0; k < kSets * kDraws; ++k) {
    double x;
    if (distribution == "uniform")
      x = rng.uniform();
    else if (distribution == "normal")
      x = rng.normal();
    else
      x = std::exp(0.5 * rng.normal());
    v[k] = static_cast<float>(x);
  }
  if (normalize) {
    const auto lo = values.min(), hi = values.max();
    values = (values - lo) / (hi - lo).clamp_min(1e-12);
  }

  Dataset all;
  all.name = "toy-1d";
  if (layout == "points") {
    all.shape = DataShape{0, 0, 0, 1};
    all.storage = values.reshape({kSets * kDraws, 1}).contiguous();
    all.labels = torch::arange(kSets, torch::kInt64).repeat_interleave(kDraws);
    for (int64_t s = 0; s < kSets; ++s) all.class_names.push_back(fmt::format("set {}", s));
  } else {
    all.shape = DataShape{0, 0, 0, kSets};
    all.storage = values.t().contiguous();
  }
  // A different stream from the draws, so changing test_fraction never changes the values.
  const auto parts = split_train_test(all.size(), test_fraction, mix_seeds(static_cast<uint64_t>(seed), 1));
  DatasetSplit split;
  split.train = all.subset(parts.train);
  split.train.name = "toy-1d/train";
  split.test = all.subset(parts.test);
  split.test.name = "toy-1d/test";
  split.descriptor = {{"name", "toy-1d"},       {"distribution", distribution}, {"layout", layout},
                      {"normalize", normalize}, {"seed", seed},                 {"test_fraction", test_fraction}};
  return split;
}

}  // namespace vaelab
