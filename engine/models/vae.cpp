#include "models/vae.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"
#include "models/kl_warmup.h"

namespace vaelab {

VaeOptions VaeOptions::from_json(const nlohmann::json& j, double default_beta,
                                 const std::vector<std::string>& extra_keys) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  std::vector<std::string> known{"beta", "warmup_steps"};
  known.insert(known.end(), extra_keys.begin(), extra_keys.end());
  jf::only_keys(j, "options", known);
  VaeOptions o;
  o.beta = jf::number(j, "options", "beta", default_beta);
  if (!(o.beta >= 0)) throw Error("preset key \"options.beta\": must be >= 0");
  o.warmup_steps = jf::integer(j, "options", "warmup_steps", 0);
  if (o.warmup_steps < 0) throw Error("preset key \"options.warmup_steps\": must be >= 0");
  return o;
}

Vae::Vae(const ModelSpec& spec, const VaeOptions& options, std::string name)
    : spec_(spec), options_(options), name_(std::move(name)) {
  if (spec.latent <= 0) throw Error("preset key \"latent\": must be > 0");
  encoder_ = register_module("encoder", make_encoder(spec.architecture, spec.shape, 2 * spec.latent));
  decoder_ = register_module("decoder", make_decoder(spec.architecture, spec.latent, spec.shape));
}

Posterior Vae::encode(const Batch& batch) {
  auto h = encoder_->forward(batch.x).chunk(2, 1);
  return {h[0], h[1]};
}

torch::Tensor Vae::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) {
  return spec_.likelihood.mean(decoder_output(z));
}

torch::Tensor Vae::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  return -spec_.likelihood.nll(batch.x, decoder_output(z));
}

LossTerms Vae::loss(const Batch& batch, const StepInfo& info) {
  Posterior q = encode(batch);
  torch::Tensor z = sample_posterior(q);
  torch::Tensor recon = spec_.likelihood.nll(batch.x, decoder_output(z)).mean();
  torch::Tensor kl = kl_standard_normal(q.mu, q.logvar).mean();
  LossTerms out;
  const double warmup = is_training() ? kl_warmup_factor(info.step, options_.warmup_steps) : 1.0;
  out.total = recon + options_.beta * warmup * kl;
  out.add("recon", recon.detach());
  out.add("kl", kl.detach());
  return out;
}

}  // namespace vaelab
