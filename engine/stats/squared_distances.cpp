#include "stats/squared_distances.h"

#include <torch/torch.h>

namespace vaelab {

torch::Tensor squared_distances(const torch::Tensor& a, const torch::Tensor& b) {
  auto aa = (a * a).sum(1, /*keepdim=*/true);   // [N, 1]
  auto bb = (b * b).sum(1).unsqueeze(0);        // [1, M]
  return (aa - 2.0 * torch::matmul(a, b.t()) + bb).clamp_min(0.0);
}

}  // namespace vaelab
