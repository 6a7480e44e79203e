#include "analysis/delta_sigma_variants.h"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "models/prior_units.h"

namespace vaelab {

torch::Tensor delta_sigma_codes(const torch::Tensor& mu, const torch::Tensor& logvar, int64_t a, int64_t b,
                                const std::vector<double>& deltas) {
  const int64_t h = mu.numel();
  if (mu.dim() != 1 || !logvar.defined() || logvar.sizes() != mu.sizes())
    throw Error("delta-sigma variants: expected one posterior, mu and logvar of shape {H}");
  if (a < 0 || a >= h || b < 0 || b >= h)
    throw Error(fmt::format("delta-sigma variants: latent entries {} and {} must lie in [0, {})", a, b, h));
  if (a == b) throw Error(fmt::format("delta-sigma variants: the two entries must differ (both {})", a));
  const auto n = static_cast<int64_t>(deltas.size());
  const auto d = torch::tensor(deltas, torch::kFloat64).to(mu.options());
  const auto sigma = (0.5 * logvar).exp();
  auto out = mu.unsqueeze(0).repeat({n * n, 1});
  out.select(1, a).copy_((mu[a] + d * sigma[a]).repeat_interleave(n));
  out.select(1, b).copy_((mu[b] + d * sigma[b]).repeat({n}));
  return out;
}

std::vector<double> parse_delta_list(const std::string& text) {
  std::vector<double> out;
  const char* p = text.c_str();
  while (*p) {
    if (std::isspace(static_cast<unsigned char>(*p)) || *p == ',') {
      ++p;
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(p, &end);
    if (end == p || !std::isfinite(v)) {
      const char* stop = p;
      while (*stop && *stop != ',' && !std::isspace(static_cast<unsigned char>(*stop))) ++stop;
      throw Error(fmt::format("delta list: \"{}\" is not a number (write e.g. -20, 0, 20)", std::string(p, stop)));
    }
    out.push_back(v);
    p = end;
  }
  if (out.empty() || out.size() > 15)
    throw Error(fmt::format("delta list: needs 1 to 15 values, got {} in \"{}\"", out.size(), text));
  return out;
}

DeltaSigmaVariants delta_sigma_variants(Model& model, const Batch& one, int64_t a, int64_t b,
                                        const std::vector<double>& deltas, bool sample_rest, uint64_t seed) {
  if (one.x.size(0) != 1) throw Error(fmt::format("delta-sigma variants: expected one input, got {}", one.x.size(0)));
  const PosteriorAgainstPrior qp = model.posterior_against_prior(one);
  const auto mu = qp.posterior.mu.select(0, 0);
  const int64_t h = mu.numel();
  DeltaSigmaVariants out;
  if (a < 0 || b < 0) {
    if (h < 2) throw Error("delta-sigma variants: need a latent of at least 2 entries");
    const auto order = std::get<1>(kl_against_prior_per_dim(qp).select(0, 0).sort(0, /*descending=*/true));
    a = order[0].item<int64_t>();
    b = order[1].item<int64_t>();
  }
  const auto prior_sd = qp.prior.scale.select(0, 0);
  out.deterministic = !qp.posterior.logvar.defined();
  // A deterministic encoder: steps of one prior sd at mu.
  const auto logvar = out.deterministic ? 2.0 * prior_sd.log() : qp.posterior.logvar.select(0, 0);
  const auto targets = delta_sigma_codes(mu, logvar, a, b, deltas);
  const auto n2 = targets.size(0);

  torch::Tensor base = mu;
  if (sample_rest && !out.deterministic) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto eps = at::normal(0.0, 1.0, {h}, gen, torch::TensorOptions().dtype(mu.scalar_type())).to(mu.device());
    base = mu + (0.5 * logvar).exp() * eps;
    out.sampled_rest = true;
  }
  auto z = base.unsqueeze(0).repeat({n2, 1});
  z = move_latent(model, z, a, targets.select(1, a));
  z = move_latent(model, z, b, targets.select(1, b));
  out.codes = z;
  out.a = a;
  out.b = b;
  out.mu_a = mu[a].item<double>();
  out.mu_b = mu[b].item<double>();
  out.step_a = (0.5 * logvar[a]).exp().item<double>();
  out.step_b = (0.5 * logvar[b]).exp().item<double>();
  out.prior_sd_a = prior_sd[a].item<double>();
  out.prior_sd_b = prior_sd[b].item<double>();
  return out;
}

}  // namespace vaelab
