#include "metrics/image_sharpness.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <limits>

#include "core/error.h"

namespace vaelab {

double gradient_energy_sum(const torch::Tensor& images) {
  if (images.dim() != 4 || images.size(2) < 2 || images.size(3) < 2)
    throw Error(fmt::format("gradient energy: expected images [B, C, H >= 2, W >= 2], got [{}]",
                            fmt::join(images.sizes(), ", ")));
  torch::NoGradGuard no_grad;
  const auto x = images.to(torch::kFloat64);
  const int64_t h = x.size(2), w = x.size(3);
  const auto dx = x.slice(2, 0, h - 1).slice(3, 1, w) - x.slice(2, 0, h - 1).slice(3, 0, w - 1);
  const auto dy = x.slice(2, 1, h).slice(3, 0, w - 1) - x.slice(2, 0, h - 1).slice(3, 0, w - 1);
  // Per image: mean over channels and grid; summed over images.
  return (dx.pow(2) + dy.pow(2)).flatten(1).mean(1).sum().item<double>();
}

double sharpness_ratio(const torch::Tensor& reconstructions, const torch::Tensor& inputs) {
  if (!reconstructions.sizes().equals(inputs.sizes()))
    throw Error(fmt::format("sharpness ratio: reconstructions [{}] and inputs [{}] differ in shape",
                            fmt::join(reconstructions.sizes(), ", "), fmt::join(inputs.sizes(), ", ")));
  const double e_in = gradient_energy_sum(inputs);
  if (!(e_in > 0)) return std::numeric_limits<double>::quiet_NaN();
  return gradient_energy_sum(reconstructions) / e_in;
}

}  // namespace vaelab
