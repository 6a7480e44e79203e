#pragma once
// PH-VAE §3.1 example 1: 20 sets of 50 draws from one distribution (uniform, normal or log-normal).
//
// The paper gives neither the distributions' parameters nor the exact tensor layout, only that the data
// are "transformed and normalized", that the input layer has 20 units and the decoder ends in a sigmoid.
// Our choices:
//   - uniform U(0, 1), normal N(0, 1), log-normal exp(N(0, 0.5^2)); every set is an independent draw.
//   - "normalize": true (default) min-max scales all 1000 values together to [0, 1], which the
//     paper's sigmoid output needs.
//   - "layout": "points" (default) gives 1000 samples with features = 1, labelled by set index 0..19;
//     "sets" gives 50 samples with features = 20 (column j = set j), unlabelled: the paper's input width.
#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace vaelab {

// spec: {"name": "toy-1d", "distribution": "uniform" | "normal" | "lognormal" (default "normal"),
// "layout": "points" | "sets", "normalize": true, "seed": 0, "test_fraction": 0.2}. A seeded choice of
// round(N * test_fraction) of the N samples is the test view.
DatasetSplit load_toy_sets_1d(const nlohmann::json& spec);

}  // namespace vaelab
