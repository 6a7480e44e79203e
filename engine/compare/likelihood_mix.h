#pragma once
// Does a comparison put likelihoods of different kinds on one scale? Run once every row is in: among the
// rows of one dataset that carry a "likelihood_scale" (compare/standard_columns.h; baseline rows do not),
// the comparison is mixed when
//   - continuous densities on 8-bit data that was not dequantised ("raw-8bit") meet discrete likelihoods
//     ("binary", "bernoulli-grey"): an undequantised density is unbounded as its noise shrinks, so its
//     nats and bits/dim say nothing next to a probability;
//   - Bernoulli cross-entropies on grey values ("bernoulli-grey") meet continuous densities, dequantised or
//     not: the cross-entropy is not a likelihood of the 8-bit data (spec VARIANTS.md §9);
//   - dequantised and undequantised continuous densities meet (two different data scales).
// Consistent sets: all rows on "dequantized-8bit" and/or "binary" (both bound -log P of the 8-bit data),
// all "raw-8bit", all "bernoulli-grey", all "vector".
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compare/comparison_table.h"

namespace vaelab {

struct LikelihoodMix {
  bool mixed = false;
  std::string warning;  // "warning: ..." naming the rows and the reason(s); empty when not mixed
  std::vector<size_t> rows;  // indices of the rows in the mixed dataset groups
};

LikelihoodMix check_likelihood_mix(const std::vector<nlohmann::json>& rows);

// Checks `table`, sets "likelihood_comparable" (true/false) on every row with a likelihood scale and
// "likelihood_warning" (the sentence) on the rows of a mixed group, and adds the warning as a table note.
// Returns the check.
LikelihoodMix flag_likelihood_mix(ComparisonTable& table);

}  // namespace vaelab
