#include "metrics/hungarian.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace vaelab {

namespace {

// Validates shape and finiteness; returns {rows, cols}.
std::pair<size_t, size_t> checked_shape(const std::vector<std::vector<double>>& a) {
  const size_t rows = a.size();
  const size_t cols = rows == 0 ? 0 : a[0].size();
  for (size_t r = 0; r < rows; ++r) {
    if (a[r].size() != cols)
      throw Error(fmt::format("assignment: row {} has {} entries, expected {} (rectangular matrix)", r,
                              a[r].size(), cols));
    for (size_t c = 0; c < cols; ++c)
      if (!std::isfinite(a[r][c]))
        throw Error(fmt::format("assignment: entry [{}][{}] is not finite ({})", r, c, a[r][c]));
  }
  return {rows, cols};
}

// Core solver for n <= m. Potentials u (rows) and v (columns) keep every reduced cost
// a[i][j] - u[i] - v[j] >= 0 and zero on matched pairs; each row is added by a Dijkstra-like search for
// the cheapest augmenting path over reduced costs (minv), then the path is flipped. Index 0 of the
// column arrays is a virtual column that holds the row being inserted; arrays are 1-based.
std::vector<int64_t> solve_rows_le_cols(const std::vector<std::vector<double>>& a, size_t n, size_t m) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<size_t> row_of_col(m + 1, 0), way(m + 1, 0);
  for (size_t i = 1; i <= n; ++i) {
    row_of_col[0] = i;
    size_t j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      const size_t i0 = row_of_col[j0];
      double delta = inf;
      size_t j1 = 0;
      for (size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double reduced = a[i0 - 1][j - 1] - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[row_of_col[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (row_of_col[j0] != 0);
    // Flip the augmenting path back to the virtual column.
    do {
      const size_t j1 = way[j0];
      row_of_col[j0] = row_of_col[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int64_t> column_of_row(n, -1);
  for (size_t j = 1; j <= m; ++j)
    if (row_of_col[j] != 0) column_of_row[row_of_col[j] - 1] = static_cast<int64_t>(j - 1);
  return column_of_row;
}

}  // namespace

Assignment min_cost_assignment(const std::vector<std::vector<double>>& cost) {
  const auto [rows, cols] = checked_shape(cost);
  Assignment result;
  result.column_of_row.assign(rows, -1);
  if (rows == 0 || cols == 0) return result;
  if (rows <= cols) {
    result.column_of_row = solve_rows_le_cols(cost, rows, cols);
  } else {
    // More rows than columns: solve the transpose (columns choose rows), then invert.
    std::vector<std::vector<double>> t(cols, std::vector<double>(rows));
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) t[c][r] = cost[r][c];
    const auto row_of_col = solve_rows_le_cols(t, cols, rows);
    for (size_t c = 0; c < cols; ++c) result.column_of_row[row_of_col[c]] = static_cast<int64_t>(c);
  }
  for (size_t r = 0; r < rows; ++r)
    if (result.column_of_row[r] >= 0) result.total += cost[r][result.column_of_row[r]];
  return result;
}

Assignment max_weight_assignment(const std::vector<std::vector<double>>& weight) {
  const auto [rows, cols] = checked_shape(weight);
  std::vector<std::vector<double>> negated(rows, std::vector<double>(cols));
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) negated[r][c] = -weight[r][c];
  Assignment result = min_cost_assignment(negated);
  result.total = -result.total;
  return result;
}

}  // namespace vaelab
