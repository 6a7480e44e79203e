#include "models/divergence.h"

#include <cmath>

namespace vaelab {

namespace {
constexpr double kLog2Pi = 1.8378770664093453;  // log(2*pi)
}

torch::Tensor kl_standard_normal_per_dim(const torch::Tensor& mu, const torch::Tensor& logvar) {
  return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar);
}

torch::Tensor kl_standard_normal(const torch::Tensor& mu, const torch::Tensor& logvar) {
  return kl_standard_normal_per_dim(mu, logvar).sum(-1);
}

torch::Tensor log_normal_diag(const torch::Tensor& z, const torch::Tensor& mu, const torch::Tensor& logvar) {
  return (-0.5 * (kLog2Pi + logvar + (z - mu).pow(2) * (-logvar).exp())).sum(-1);
}

torch::Tensor log_standard_normal(const torch::Tensor& z) {
  return (-0.5 * (kLog2Pi + z.pow(2))).sum(-1);
}

}  // namespace vaelab
