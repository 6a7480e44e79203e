#include "analysis/latent_interpolation.h"

#include <torch/torch.h>

#include <cmath>

#include "core/error.h"

namespace vaelab {

const char* to_string(InterpolationPath path) {
  return path == InterpolationPath::Linear ? "linear" : "spherical";
}

torch::Tensor interpolate_codes(const torch::Tensor& a_in, const torch::Tensor& b_in, int64_t steps,
                                InterpolationPath path) {
  if (steps < 2) throw Error("interpolation needs at least 2 steps, got " + std::to_string(steps));
  const auto a = a_in.dim() == 1 ? a_in.unsqueeze(0) : a_in;
  const auto b = b_in.dim() == 1 ? b_in.unsqueeze(0) : b_in;
  if (a.dim() != 2 || !a.sizes().equals(b.sizes()))
    throw Error("interpolation endpoints must both be {P, H} (or {H}) of one shape");
  const int64_t P = a.size(0), H = a.size(1);
  const auto opts = a.options();
  // t {1, steps, 1}, endpoints {P, 1, H}.
  const auto t = torch::linspace(0.0, 1.0, steps, opts).reshape({1, steps, 1});
  const auto A = a.unsqueeze(1), B = b.unsqueeze(1);
  torch::Tensor out = (1 - t) * A + t * B;  // linear
  if (path == InterpolationPath::Spherical) {
    const auto na = A.norm(2, -1, true), nb = B.norm(2, -1, true);  // {P, 1, 1}
    const auto da = A / na.clamp_min(1e-12), db = B / nb.clamp_min(1e-12);
    const auto cosw = (da * db).sum(-1, true).clamp(-1.0, 1.0);
    const auto omega = torch::acos(cosw);
    const auto sinw = torch::sin(omega);
    const auto dir = (torch::sin((1 - t) * omega) * da + torch::sin(t * omega) * db) / sinw.clamp_min(1e-12);
    const auto norm = (1 - t) * na + t * nb;
    const auto sph = dir * norm;
    // Degenerate pairs (a zero endpoint, parallel or opposite directions): the linear path.
    const auto ok = (sinw > 1e-6) & (na > 1e-12) & (nb > 1e-12);
    out = torch::where(ok, sph, out);
  }
  out = out.contiguous().clone();
  out.select(1, 0).copy_(a);
  out.select(1, steps - 1).copy_(b);
  return out.reshape({P * steps, H});
}

torch::Tensor prior_interpolation_codes(Model& model, const torch::Tensor& za_in, const torch::Tensor& zb_in,
                                        int64_t steps, InterpolationPath path, int64_t component) {
  const auto za = za_in.dim() == 1 ? za_in.unsqueeze(0) : za_in;
  const auto zb = zb_in.dim() == 1 ? zb_in.unsqueeze(0) : zb_in;
  if (za.dim() != 2 || !za.sizes().equals(zb.sizes()) || za.size(1) != model.latent_dim())
    throw Error("interpolation endpoints must be {P, " + std::to_string(model.latent_dim()) + "} codes");
  const auto ua = model.to_prior_units(za, component), ub = model.to_prior_units(zb, component);
  const auto u = interpolate_codes(ua, ub, steps, path);
  auto z = model.from_prior_units(u, component).reshape({za.size(0), steps, za.size(1)}).contiguous().clone();
  z.select(1, 0).copy_(za);
  z.select(1, steps - 1).copy_(zb);
  return z.reshape({za.size(0) * steps, za.size(1)});
}

}  // namespace vaelab
