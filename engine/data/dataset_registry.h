#pragma once
// The one entry point from a preset's "dataset" object to data: dispatch on "name" to the loader, plus the
// options every data set shares.
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"

namespace vaelab {

// spec: {"name": one of dataset_catalog()'s names, ...that loader's options,
//        "subsample": n (optional: keep n train samples, the first n of a seeded permutation, and the
//                     same fraction of test, at least 1 when test is not empty),
//        "subsample_seed": 0 (optional)}.
// Kept rows stay in their source order. Returns both views and the resolved descriptor (defaults filled
// in), which load_dataset() accepts again to recreate the same data. Throws vaelab::Error naming the key
// for unknown names, unknown keys and wrong types, and naming the file for unreadable data.
DatasetSplit load_dataset(const nlohmann::json& spec);

// (name, one-line description) of every data set load_dataset() knows, for `vaelab-cli datasets`.
std::vector<std::pair<std::string, std::string>> dataset_catalog();

}  // namespace vaelab
