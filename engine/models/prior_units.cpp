#include "models/prior_units.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"

namespace vaelab {

namespace {
void check_dim(int64_t dim, int64_t h, const char* what) {
  if (dim < 0 || dim >= h) throw Error(fmt::format("{}: latent dimension {} is out of range [0, {})", what, dim, h));
}
}  // namespace

torch::Tensor move_latent(Model& model, const torch::Tensor& z, int64_t dim, const torch::Tensor& values,
                          int64_t component) {
  if (!z.defined() || z.dim() != 2) throw Error("move_latent: codes must be a 2-D tensor [B, H]");
  check_dim(dim, z.size(1), "move_latent");
  const PriorScale p = model.prior_scale(z, component);
  auto u = ((z - p.centre) / p.scale).clone();
  const auto v = values.to(z.device(), z.scalar_type()).reshape({-1});
  u.select(1, dim).copy_((v - p.centre.select(1, dim)) / p.scale.select(1, dim));
  return model.from_prior_units(u, component);
}

torch::Tensor prior_traversal_codes(Model& model, const torch::Tensor& seeds, const std::vector<int64_t>& dims,
                                    const std::vector<double>& offsets, int64_t component) {
  if (!seeds.defined() || seeds.dim() != 2) throw Error("traversal: seed codes must be a 2-D tensor [S, H]");
  for (int64_t d : dims) check_dim(d, seeds.size(1), "traversal");
  const int64_t s = seeds.size(0), nd = static_cast<int64_t>(dims.size()), steps = static_cast<int64_t>(offsets.size());
  const auto z = seeds.detach().to(torch::kFloat);
  auto u = model.to_prior_units(z, component).repeat_interleave(nd * steps, 0).contiguous();
  const auto offs = torch::tensor(offsets, torch::kDouble).to(u.device(), torch::kFloat);
  for (int64_t si = 0; si < s; ++si)
    for (int64_t di = 0; di < nd; ++di) {
      const int64_t row = (si * nd + di) * steps;
      u.slice(0, row, row + steps).select(1, dims[static_cast<size_t>(di)]).add_(offs);
    }
  return model.from_prior_units(u, component);
}

torch::Tensor prior_grid_codes(Model& model, const torch::Tensor& base, int64_t dim_x, int64_t dim_y,
                               const std::vector<double>& quantiles, int64_t component) {
  const int64_t h = base.numel(), n = static_cast<int64_t>(quantiles.size());
  check_dim(dim_x, h, "manifold");
  if (dim_y >= 0) check_dim(dim_y, h, "manifold");
  if (dim_x == dim_y) throw Error("manifold: the two grid dimensions must differ");
  const auto z = base.detach().to(torch::kFloat).reshape({1, h});
  const auto u0 = model.to_prior_units(z, component);
  const int64_t rows = dim_y >= 0 ? n : 1;
  auto ucpu = u0.to(torch::kCPU).repeat({rows * n, 1}).contiguous();
  auto a = ucpu.accessor<float, 2>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < n; ++c) {
      a[r * n + c][dim_x] = static_cast<float>(quantiles[static_cast<size_t>(c)]);
      if (dim_y >= 0) a[r * n + c][dim_y] = static_cast<float>(quantiles[static_cast<size_t>(n - 1 - r)]);
    }
  return model.from_prior_units(ucpu.to(u0.device()), component);
}

Posterior standardise(const PosteriorAgainstPrior& qp) {
  Posterior out;
  out.mu = (qp.posterior.mu - qp.prior.centre) / qp.prior.scale;
  if (qp.posterior.logvar.defined()) out.logvar = qp.posterior.logvar - 2.0 * qp.prior.scale.log();
  return out;
}

torch::Tensor kl_against_prior_per_dim(const PosteriorAgainstPrior& qp) {
  const Posterior s = standardise(qp);
  if (!s.logvar.defined()) {
    const auto v = s.mu.size(0) > 1 ? s.mu.var(0, /*unbiased=*/false) : torch::zeros({s.mu.size(1)}, s.mu.options());
    return v.unsqueeze(0).expand_as(s.mu);
  }
  return 0.5 * (s.mu.pow(2) + s.logvar.exp() - 1.0 - s.logvar);
}

}  // namespace vaelab
