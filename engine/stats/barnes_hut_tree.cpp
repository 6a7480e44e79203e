#include "stats/barnes_hut_tree.h"

#include <algorithm>
#include <cmath>

namespace vaelab {

namespace {
// Beyond this depth cells are narrower than float resolution of any sane embedding; points there stay
// together in one leaf and are summed exactly.
constexpr int kMaxDepth = 48;
}  // namespace

BarnesHutTree::BarnesHutTree(const double* y, int64_t n) : y_(y), next_(static_cast<size_t>(n), -1) {
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  if (n > 0) {
    min_x = max_x = y[0];
    min_y = max_y = y[1];
  }
  for (int64_t i = 1; i < n; ++i) {
    min_x = std::min(min_x, y[2 * i]);
    max_x = std::max(max_x, y[2 * i]);
    min_y = std::min(min_y, y[2 * i + 1]);
    max_y = std::max(max_y, y[2 * i + 1]);
  }
  Node root;
  root.cx = 0.5 * (min_x + max_x);
  root.cy = 0.5 * (min_y + max_y);
  root.half = 0.5 * std::max(max_x - min_x, max_y - min_y) * (1.0 + 1e-9) + 1e-12;
  nodes_.reserve(static_cast<size_t>(2 * n + 1));
  nodes_.push_back(root);
  for (int64_t i = 0; i < n; ++i) insert(0, i, 0);
}

int BarnesHutTree::quadrant(const Node& node, double x, double y) const {
  return (x >= node.cx ? 1 : 0) + (y >= node.cy ? 2 : 0);
}

void BarnesHutTree::split(int64_t node) {
  for (int q = 0; q < 4; ++q) {
    Node c;
    c.half = 0.5 * nodes_[node].half;
    c.cx = nodes_[node].cx + ((q & 1) ? c.half : -c.half);
    c.cy = nodes_[node].cy + ((q & 2) ? c.half : -c.half);
    nodes_.push_back(std::move(c));  // may reallocate: index, never hold references across this
    nodes_[node].child[q] = static_cast<int64_t>(nodes_.size()) - 1;
  }
}

void BarnesHutTree::insert(int64_t node, int64_t point, int depth) {
  const double px = y_[2 * point], py = y_[2 * point + 1];
  for (;;) {
    Node& n = nodes_[node];
    n.mass_x += px;
    n.mass_y += py;
    n.count += 1;
    if (n.leaf()) {
      // Empty leaf, coinciding points, or too deep: keep the point here.
      const bool same = n.first >= 0 && y_[2 * n.first] == px && y_[2 * n.first + 1] == py;
      if (n.first < 0 || same || depth >= kMaxDepth) {
        next_[point] = n.first;
        n.first = point;
        return;
      }
      // Split and push the existing members one level down (their mass is already counted here).
      int64_t m = n.first;
      n.first = -1;
      split(node);  // invalidates n
      while (m >= 0) {
        const int64_t following = next_[m];
        const int q = quadrant(nodes_[node], y_[2 * m], y_[2 * m + 1]);
        Node& c = nodes_[nodes_[node].child[q]];
        c.mass_x += y_[2 * m];
        c.mass_y += y_[2 * m + 1];
        c.count += 1;
        next_[m] = c.first;
        c.first = m;
        m = following;
      }
      // Fall through: descend with the new point.
    }
    const int q = quadrant(nodes_[node], px, py);
    node = nodes_[node].child[q];
    ++depth;
  }
}

double BarnesHutTree::repulsion(int64_t i, double theta, double force[2]) const {
  const double xi = y_[2 * i], yi = y_[2 * i + 1];
  double sum_q = 0.0;
  // Explicit stack: recursion depth is bounded but a stack avoids call overhead in the hot loop.
  int64_t stack[4 * kMaxDepth + 8];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const Node& n = nodes_[stack[--top]];
    if (n.count == 0) continue;
    if (n.leaf()) {
      for (int64_t j = n.first; j >= 0; j = next_[j]) {
        if (j == i) continue;
        const double dx = xi - y_[2 * j], dy = yi - y_[2 * j + 1];
        const double q = 1.0 / (1.0 + dx * dx + dy * dy);
        sum_q += q;
        force[0] += q * q * dx;
        force[1] += q * q * dy;
      }
      continue;
    }
    const double inv = 1.0 / static_cast<double>(n.count);
    const double dx = xi - n.mass_x * inv, dy = yi - n.mass_y * inv;
    const double dist2 = dx * dx + dy * dy;
    const double width = 2.0 * n.half;
    // The cell may contain i itself; summarising it would count i's self-term, so only summarise cells
    // far enough away that they cannot contain i (i inside the cell means distance < width * sqrt(2)).
    const bool contains_i = std::abs(xi - n.cx) <= n.half && std::abs(yi - n.cy) <= n.half;
    if (!contains_i && width * width < theta * theta * dist2) {
      const double q = 1.0 / (1.0 + dist2);
      const double m = static_cast<double>(n.count);
      sum_q += m * q;
      force[0] += m * q * q * dx;
      force[1] += m * q * q * dy;
      continue;
    }
    for (int64_t c : n.child) stack[top++] = c;
  }
  return sum_q;
}

}  // namespace vaelab
