#include "models/wae_mmd.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"

namespace vaelab {

WaeMmdOptions WaeMmdOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options", {"lambda", "kernel_c", "proposal_std"});
  WaeMmdOptions o;
  o.lambda = jf::number(j, "options", "lambda", o.lambda);
  if (!(o.lambda >= 0)) throw Error("preset key \"options.lambda\": must be >= 0");
  o.kernel_c = jf::number(j, "options", "kernel_c", o.kernel_c);
  if (!(o.kernel_c >= 0)) throw Error("preset key \"options.kernel_c\": must be >= 0 (0 means 2 * latent)");
  o.proposal_std = jf::number(j, "options", "proposal_std", o.proposal_std);
  if (!(o.proposal_std > 0)) throw Error("preset key \"options.proposal_std\": must be > 0");
  return o;
}

torch::Tensor mmd2_imq_unbiased(const torch::Tensor& a, const torch::Tensor& b, double c) {
  const int64_t n = a.size(0);
  const int64_t m = b.size(0);
  if (n < 2 || m < 2) throw Error("wae-mmd: the unbiased MMD needs at least 2 samples on each side");
  auto kernel = [c](const torch::Tensor& u, const torch::Tensor& v) {
    auto d2 = (u.unsqueeze(1) - v.unsqueeze(0)).pow(2).sum(2);
    return c / (c + d2);
  };
  auto kaa = kernel(a, a);
  auto kbb = kernel(b, b);
  auto kab = kernel(a, b);
  // Off-diagonal means: the diagonal holds k(u, u) = 1 exactly.
  auto term_a = (kaa.sum() - kaa.diagonal().sum()) / static_cast<double>(n * (n - 1));
  auto term_b = (kbb.sum() - kbb.diagonal().sum()) / static_cast<double>(m * (m - 1));
  auto term_ab = kab.sum() * (2.0 / static_cast<double>(n * m));
  return term_a + term_b - term_ab;
}

WaeMmd::WaeMmd(const ModelSpec& spec, const WaeMmdOptions& options) : spec_(spec), options_(options) {
  if (spec.latent <= 0) throw Error("preset key \"latent\": must be > 0");
  encoder_ = register_module("encoder", make_encoder(spec.architecture, spec.shape, spec.latent));
  decoder_ = register_module("decoder", make_decoder(spec.architecture, spec.latent, spec.shape));
}

Posterior WaeMmd::encode(const Batch& batch) { return {encoder_->forward(batch.x), torch::Tensor()}; }

torch::Tensor WaeMmd::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) {
  return spec_.likelihood.mean(decoder_output(z));
}

torch::Tensor WaeMmd::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  return -spec_.likelihood.nll(batch.x, decoder_output(z));
}

LossTerms WaeMmd::loss(const Batch& batch, const StepInfo& /*info*/) {
  auto z = encoder_->forward(batch.x);
  auto recon = spec_.likelihood.nll(batch.x, decoder_output(z)).mean();
  LossTerms out;
  torch::Tensor mmd;
  if (z.size(0) >= 2) {
    auto prior = torch::randn_like(z);
    mmd = mmd2_imq_unbiased(z, prior, kernel_c());
  } else {
    mmd = torch::zeros({}, z.options());  // one input: no unbiased estimate; the term is skipped
  }
  out.total = recon + options_.lambda * mmd;
  out.add("recon", recon.detach());
  out.add("mmd", mmd.detach());
  return out;
}

torch::Tensor WaeMmd::log_importance_weight(const Batch& batch) {
  auto mu = encoder_->forward(batch.x);
  const double s = options_.proposal_std;
  auto logvar = torch::full_like(mu, 2.0 * std::log(s));
  auto z = mu + s * torch::randn_like(mu);
  return log_likelihood(batch, z) + log_prior(z) - log_normal_diag(z, mu, logvar);
}

torch::Tensor WaeMmd::nelbo(const Batch& batch) {
  auto mu = encoder_->forward(batch.x);
  const double s = options_.proposal_std;
  auto logvar = torch::full_like(mu, 2.0 * std::log(s));
  auto z = mu + s * torch::randn_like(mu);
  return -log_likelihood(batch, z) + kl_standard_normal(mu, logvar);
}

}  // namespace vaelab
