#pragma once
// Optimal one-to-one assignment on a rectangular matrix: the Hungarian algorithm (Kuhn-Munkres with
// row/column potentials and shortest augmenting paths), O(n^2 m) for n <= m, i.e. O(n^3) when square.
// Used by cluster accuracy (clusters -> labels) and by anything that needs a best matching.
//
// Contracts
// - cost[r][c] is the cost of assigning row r to column c; all rows have the same length and every
//   entry is finite (else vaelab::Error naming the first bad entry).
// - Rectangular matrices are fine: min(rows, cols) pairs are made; with more rows than columns the
//   rows left over get column -1.
// - Ties: any optimal assignment may be returned; its total is always the optimum.
#include <cstdint>
#include <vector>

namespace vaelab {

struct Assignment {
  std::vector<int64_t> column_of_row;  // size rows; -1 for a row left unassigned
  double total = 0.0;                  // sum of the chosen entries of the input matrix
};

// Minimises the sum of the chosen costs.
Assignment min_cost_assignment(const std::vector<std::vector<double>>& cost);
// Maximises the sum of the chosen weights (min_cost_assignment on the negated matrix).
Assignment max_weight_assignment(const std::vector<std::vector<double>>& weight);

}  // namespace vaelab
