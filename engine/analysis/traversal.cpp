#include "analysis/traversal.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include "core/error.h"

namespace vaelab {

std::vector<double> traversal_offsets(const TraversalOptions& o) {
  if (o.steps < 2) throw Error(fmt::format("traversal: steps must be at least 2, got {}", o.steps));
  if (!(o.radius > 0)) throw Error(fmt::format("traversal: radius must be positive, got {}", o.radius));
  std::vector<double> offsets(static_cast<size_t>(o.steps));
  for (int64_t t = 0; t < o.steps; ++t)
    offsets[static_cast<size_t>(t)] = -o.radius + 2.0 * o.radius * static_cast<double>(t) / static_cast<double>(o.steps - 1);
  return offsets;
}

torch::Tensor traversal_codes(const torch::Tensor& seeds, const std::vector<int64_t>& dims,
                              const TraversalOptions& options) {
  if (!seeds.defined() || seeds.dim() != 2) throw Error("traversal: seed codes must be a 2-D tensor [S, H]");
  const int64_t s = seeds.size(0), h = seeds.size(1);
  for (int64_t d : dims)
    if (d < 0 || d >= h) throw Error(fmt::format("traversal: latent dimension {} is out of range [0, {})", d, h));
  const auto offsets = traversal_offsets(options);
  const int64_t steps = options.steps, nd = static_cast<int64_t>(dims.size());
  auto codes = seeds.detach().to(torch::kFloat).repeat_interleave(nd * steps, 0).contiguous();  // [S*nd*steps, H]
  auto offs = torch::tensor(offsets, torch::kDouble).to(torch::kFloat).to(codes.device());
  for (int64_t si = 0; si < s; ++si)
    for (int64_t di = 0; di < nd; ++di) {
      const int64_t row = (si * nd + di) * steps;
      auto column = codes.slice(0, row, row + steps).select(1, dims[static_cast<size_t>(di)]);
      column.add_(offs);
    }
  return codes;
}

ImageBytes decode_traversals(Model& model, const torch::Tensor& seeds, const std::vector<int64_t>& dims,
                             const TraversalOptions& options, const torch::Tensor& labels) {
  auto codes = traversal_codes(seeds, dims, options);
  torch::Tensor y;
  if (labels.defined())
    y = labels.to(torch::kLong).flatten().repeat_interleave(static_cast<int64_t>(dims.size()) * options.steps);
  return decode_to_images(model, codes, y);
}

std::vector<int64_t> traversal_dims(const Indicators& indicators, const LatentGroup& group, bool only_influential,
                                    double threshold, int64_t max_dims) {
  std::vector<int64_t> out;
  for (int64_t d : indicators.dims_by_influence()) {
    if (d < group.offset || d >= group.offset + group.size) continue;
    if (only_influential && !indicators.deterministic &&
        !(indicators.mutual_information_per_dim[static_cast<size_t>(d)] > threshold))
      continue;
    out.push_back(d);
    if (max_dims > 0 && static_cast<int64_t>(out.size()) >= max_dims) break;
  }
  return out;
}

}  // namespace vaelab
