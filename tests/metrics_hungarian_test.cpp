#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "core/error.h"
#include "metrics/hungarian.h"

using vaelab::max_weight_assignment;
using vaelab::min_cost_assignment;

namespace {

// Independent reference: the best total over every injective map of the smaller side into the larger.
double brute_force_min(const std::vector<std::vector<double>>& a) {
  const size_t rows = a.size(), cols = a[0].size();
  const bool transpose = rows > cols;
  const size_t n = transpose ? cols : rows, m = transpose ? rows : cols;
  std::vector<size_t> perm(m);
  std::iota(perm.begin(), perm.end(), 0);
  double best = std::numeric_limits<double>::infinity();
  do {  // every ordering of the m larger-side ids; the first n are used
    double total = 0;
    for (size_t i = 0; i < n; ++i) total += transpose ? a[perm[i]][i] : a[i][perm[i]];
    best = std::min(best, total);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

void require_one_to_one(const vaelab::Assignment& s, size_t rows, size_t cols) {
  REQUIRE(s.column_of_row.size() == rows);
  std::vector<int> used(cols, 0);
  size_t assigned = 0;
  for (auto c : s.column_of_row) {
    if (c < 0) continue;
    REQUIRE(c < static_cast<int64_t>(cols));
    REQUIRE(used[c]++ == 0);
    ++assigned;
  }
  REQUIRE(assigned == std::min(rows, cols));
}

}  // namespace

TEST_CASE("Hungarian assignment finds the known optimum of a 3x3 matrix", "[fast][metrics]") {
  const std::vector<std::vector<double>> cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
  const auto s = min_cost_assignment(cost);
  // Hand-worked: row0->col1 (1), row1->col0 (2), row2->col2 (2) = 5; every other permutation costs more.
  CHECK(s.total == Approx(5.0));
  CHECK(s.column_of_row == std::vector<int64_t>{1, 0, 2});
}

TEST_CASE("Hungarian assignment matches brute force on random square and rectangular matrices", "[fast][metrics]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-5.0, 10.0);
  const std::vector<std::pair<size_t, size_t>> shapes = {{1, 1}, {2, 2}, {4, 4}, {6, 6}, {3, 5}, {5, 3}, {2, 6}, {6, 1}};
  for (const auto& [rows, cols] : shapes) {
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<std::vector<double>> a(rows, std::vector<double>(cols));
      for (auto& row : a)
        for (auto& v : row) v = std::round(u(rng));  // integers: many ties
      const auto s = min_cost_assignment(a);
      require_one_to_one(s, rows, cols);
      CHECK(s.total == Approx(brute_force_min(a)));
    }
  }
}

TEST_CASE("Hungarian assignment handles all-equal costs and leaves extra rows unassigned", "[fast][metrics]") {
  const std::vector<std::vector<double>> ties(4, std::vector<double>(4, 3.0));
  const auto s = min_cost_assignment(ties);
  require_one_to_one(s, 4, 4);
  CHECK(s.total == Approx(12.0));

  const std::vector<std::vector<double>> tall = {{1, 9}, {9, 1}, {0, 0}};
  const auto t = min_cost_assignment(tall);
  require_one_to_one(t, 3, 2);
  CHECK(t.total == Approx(1.0));  // row 2 at 0 plus one of rows 0/1 at 1 beats rows 0 and 1 (1 + 1)
  CHECK(std::count(t.column_of_row.begin(), t.column_of_row.end(), -1) == 1);
}

TEST_CASE("Maximum-weight assignment is the minimum of the negated matrix", "[fast][metrics]") {
  const std::vector<std::vector<double>> w = {{10, 0, 0}, {0, 0, 7}, {0, 5, 0}, {1, 1, 1}};
  const auto s = max_weight_assignment(w);
  require_one_to_one(s, 4, 3);
  CHECK(s.total == Approx(22.0));
  CHECK(s.column_of_row[0] == 0);
  CHECK(s.column_of_row[1] == 2);
  CHECK(s.column_of_row[2] == 1);
  CHECK(s.column_of_row[3] == -1);
}

TEST_CASE("Hungarian assignment rejects ragged and non-finite matrices with a message", "[fast][metrics]") {
  CHECK_THROWS_WITH(min_cost_assignment({{1, 2}, {3}}), Catch::Contains("row 1 has 1 entries"));
  CHECK_THROWS_WITH(min_cost_assignment({{1, std::nan("")}}), Catch::Contains("entry [0][1] is not finite"));
  CHECK(min_cost_assignment({}).column_of_row.empty());
}
