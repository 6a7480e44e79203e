#include "metrics/informative_dimensions.h"

#include <torch/torch.h>

#include "core/error.h"

namespace vaelab {

torch::Tensor informative_dimensions(const torch::Tensor& mu, const torch::Tensor& logvar) {
  if (mu.dim() != 2 || mu.size(0) < 2)
    throw Error("informative dimensions: expected encoder means {N >= 2, D}, got " + std::to_string(mu.dim()) +
                " dims");
  const int64_t d = mu.size(1);
  const auto all = torch::arange(d, torch::kLong);
  if (!logvar.defined()) return all;
  if (logvar.sizes() != mu.sizes())
    throw Error("informative dimensions: logvar must have the shape of mu {" + std::to_string(mu.size(0)) + ", " +
                std::to_string(d) + "}");
  const auto spread = mu.to(torch::kCPU, torch::kDouble).var(0);
  const auto noise = logvar.to(torch::kCPU, torch::kDouble).exp().mean(0);
  const auto chosen = (spread > noise).nonzero().view(-1);
  return chosen.numel() > 0 ? chosen : all;
}

}  // namespace vaelab
