#include "models/iwae.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"

namespace vaelab {

IwaeOptions IwaeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options", {"k"});
  IwaeOptions o;
  o.k = jf::integer(j, "options", "k", o.k);
  if (o.k < 1 || o.k > 5000) throw Error(fmt::format("preset key \"options.k\": must be in [1, 5000], got {}", o.k));
  return o;
}

Iwae::Iwae(const ModelSpec& spec, const IwaeOptions& options) : Vae(spec, VaeOptions{}, "iwae"), iwae_(options) {}

namespace {

// x {B, ...} repeated k times along the batch: row s * B + i is input i.
torch::Tensor repeat_batch(const torch::Tensor& x, int64_t k) {
  std::vector<int64_t> reps(static_cast<size_t>(x.dim()), 1);
  reps[0] = k;
  return x.repeat(reps);
}

}  // namespace

Iwae::Samples Iwae::weighted_samples(const Batch& batch, int64_t k) {
  if (k < 1) throw Error(fmt::format("iwae: k must be >= 1, got {}", k));
  Samples s;
  s.q = encode(batch);
  const int64_t b = s.q.mu.size(0);
  const auto mu = repeat_batch(s.q.mu, k), logvar = repeat_batch(s.q.logvar, k);
  const auto z = mu + (0.5 * logvar).exp() * torch::randn_like(mu);
  s.log_px = -spec_.likelihood.nll(repeat_batch(batch.x, k), decoder_output(z));
  s.log_w = (s.log_px + log_standard_normal(z) - log_normal_diag(z, mu, logvar)).view({k, b});
  return s;
}

torch::Tensor Iwae::bound(const Batch& batch, int64_t k) {
  const auto s = weighted_samples(batch, k);
  return torch::logsumexp(s.log_w, 0) - std::log(static_cast<double>(k));
}

LossTerms Iwae::loss(const Batch& batch, const StepInfo& /*info*/) {
  const int64_t k = iwae_.k;
  const auto s = weighted_samples(batch, k);
  const auto l_k = (torch::logsumexp(s.log_w, 0) - std::log(static_cast<double>(k))).mean();
  const int64_t b = s.q.mu.size(0);
  LossTerms out;
  out.total = -l_k;
  out.add("iwae_bound", (-l_k).detach());
  // Display terms as the VAE reports them: the first sample's reconstruction and the closed-form KL.
  out.add("recon", (-s.log_px.slice(0, 0, b)).mean().detach());
  out.add("kl", kl_standard_normal(s.q.mu, s.q.logvar).mean().detach());
  return out;
}

}  // namespace vaelab
