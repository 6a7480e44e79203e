#pragma once
// A CSV file of numeric columns as vector data. Every feature column is min-max scaled to [0, 1] over the
// whole file (train and test together, so both stay inside [0, 1] for a Bernoulli decoder; a constant
// column becomes 0). An optional label column is taken out: its distinct values, sorted (numerically when
// all are numbers), become the class ids and names.
#include <nlohmann/json.hpp>

#include "data/dataset.h"

namespace vaelab {

// spec: {"name": "csv", "path": file (required), "header": true | false (default: detected: a first row
// with any non-numeric cell is a header), "delimiter": "," (one character), "label_column": column name
// (needs a header) or 0-based index (default: none), "test_fraction": 0.2, "split_seed": 0}.
// Errors name the position as file:line:column (both 1-based), e.g.
//   data.csv:5:3: expected a number, got "abc"
// The descriptor repeats the options with "header" resolved.
DatasetSplit load_csv(const nlohmann::json& spec);

}  // namespace vaelab
