#pragma once
// A 2-D quadtree over the t-SNE embedding for the Barnes-Hut approximation of the repulsive forces
// (van der Maaten 2014, §4.1).
//
// Contracts
// - Built from points y[0..n) (x, y interleaved); the tree keeps a pointer to them, so they must outlive
//   it and must not change while it is used.
// - A cell is summarised (its points replaced by their centre of mass) when
//   cell_width / distance(y_i, centre) < theta; theta = 0 gives the exact sum. Leaves hold the indices
//   of their points (one, or several coinciding points / points at the depth limit), computed exactly.
// - repulsion(i, ...) adds, for every j != i, q_ij * Z * q_ij * Z * (y_i - y_j) to force (2 values) and
//   returns sum_j q_ij Z with q_ij Z = 1 / (1 + |y_i - y_j|^2). Thread-safe (read-only) after build.
#include <array>
#include <cstdint>
#include <vector>

namespace vaelab {

class BarnesHutTree {
 public:
  BarnesHutTree(const double* y, int64_t n);
  double repulsion(int64_t i, double theta, double force[2]) const;
  int64_t node_count() const { return static_cast<int64_t>(nodes_.size()); }

 private:
  struct Node {
    double cx = 0, cy = 0, half = 0;      // square cell: centre and half width
    double mass_x = 0, mass_y = 0;        // sum of member positions (centre of mass = sum / count)
    int64_t count = 0;
    std::array<int64_t, 4> child{{-1, -1, -1, -1}};
    int64_t first = -1;                   // leaves: head of the member list (next_ links), -1 = empty
    bool leaf() const { return child[0] < 0; }
  };
  void insert(int64_t node, int64_t point, int depth);
  int quadrant(const Node& node, double x, double y) const;
  void split(int64_t node);

  const double* y_;
  std::vector<Node> nodes_;
  std::vector<int64_t> next_;  // next member of the same leaf, per point (no allocation per leaf)
};

}  // namespace vaelab
