#include "analysis/latent_codes.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include "analysis/latent_grid.h"
#include "core/error.h"
#include "core/task.h"

namespace vaelab {

LatentCodes encode_dataset(Model& model, const Dataset& data, const LatentCodeOptions& options,
                           const std::function<bool(int64_t, int64_t)>& progress) {
  const int64_t n_data = data.size();
  if (n_data == 0) throw Error(fmt::format("latent codes: dataset '{}' is empty", data.name));
  if (options.batch_size < 1)
    throw Error(fmt::format("latent codes: batch_size must be at least 1, got {}", options.batch_size));
  torch::Tensor rows;
  if (options.rows.defined()) {
    rows = options.rows.to(torch::kCPU, torch::kLong).flatten();
    if (rows.numel() > 0 && (rows.min().item<int64_t>() < 0 || rows.max().item<int64_t>() >= n_data))
      throw Error(fmt::format("latent codes: row indices must be in [0, {}) for dataset '{}'", n_data, data.name));
    if (rows.numel() > kMaxLatentCodes)
      throw Error(fmt::format("latent codes: at most {} rows, got {}", kMaxLatentCodes, rows.numel()));
  } else {
    const int64_t n = std::min({n_data, std::max<int64_t>(1, options.limit), kMaxLatentCodes});
    rows = torch::arange(n, torch::kLong);
  }
  const int64_t n = rows.numel();
  torch::NoGradGuard no_grad;
  const auto device = model.device();
  std::vector<torch::Tensor> mus, logvars;
  bool deterministic = false;
  for (int64_t begin = 0; begin < n; begin += options.batch_size) {
    const int64_t end = std::min(n, begin + options.batch_size);
    auto q = model.encode(data.batch(rows.slice(0, begin, end), device));
    mus.push_back(q.mu.detach().to(torch::kCPU, torch::kFloat));
    if (q.logvar.defined())
      logvars.push_back(q.logvar.detach().to(torch::kCPU, torch::kFloat));
    else
      deterministic = true;
    if (progress && !progress(end, n)) throw TaskCancelled();
  }
  LatentCodes codes;
  codes.mu = torch::cat(mus, 0);
  if (!deterministic) codes.logvar = torch::cat(logvars, 0);
  if (data.has_labels()) codes.labels = data.labels_at(rows).to(torch::kCPU, torch::kLong);
  codes.index = rows;
  return codes;
}

}  // namespace vaelab
