#include "models/factor_vae.h"

#include <fmt/format.h>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/discriminator_optimizer_state.h"
#include "models/frozen_parameters.h"
#include "models/divergence.h"
#include "models/kl_warmup.h"
#include "optim/fused_adam.h"
#include "nn/backbone.h"

namespace vaelab {

namespace {
const char* const kPath = "options";
}

FactorVaeOptions FactorVaeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, kPath);
  jf::only_keys(j, kPath, {"beta", "warmup_steps", "gamma", "disc_hidden", "disc_lr", "disc_beta1",
                          "disc_beta2"});
  FactorVaeOptions o;
  o.beta = jf::number(j, kPath, "beta", o.beta);
  o.warmup_steps = jf::integer(j, kPath, "warmup_steps", o.warmup_steps);
  if (o.warmup_steps < 0) throw Error("preset key \"options.warmup_steps\": must be >= 0");
  o.gamma = jf::number(j, kPath, "gamma", o.gamma);
  o.disc_hidden = jf::integers(j, kPath, "disc_hidden", o.disc_hidden);
  o.disc_lr = jf::number(j, kPath, "disc_lr", o.disc_lr);
  o.disc_beta1 = jf::number(j, kPath, "disc_beta1", o.disc_beta1);
  o.disc_beta2 = jf::number(j, kPath, "disc_beta2", o.disc_beta2);
  if (!(o.beta >= 0)) throw Error(fmt::format("preset key \"options.beta\": must be >= 0, got {}", o.beta));
  if (!(o.gamma >= 0)) throw Error(fmt::format("preset key \"options.gamma\": must be >= 0, got {}", o.gamma));
  for (auto w : o.disc_hidden)
    if (w <= 0) throw Error(fmt::format("preset key \"options.disc_hidden\": widths must be > 0, got {}", w));
  if (!(o.disc_lr > 0)) throw Error(fmt::format("preset key \"options.disc_lr\": must be > 0, got {}", o.disc_lr));
  for (auto [key, b] : {std::pair<const char*, double>{"disc_beta1", o.disc_beta1}, {"disc_beta2", o.disc_beta2}})
    if (!(b >= 0 && b < 1)) throw Error(fmt::format("preset key \"options.{}\": must be in [0, 1), got {}", key, b));
  return o;
}

nlohmann::json FactorVaeOptions::to_json() const {
  return {{"beta", beta},       {"warmup_steps", warmup_steps}, {"gamma", gamma},
          {"disc_hidden", disc_hidden}, {"disc_lr", disc_lr}, {"disc_beta1", disc_beta1},
          {"disc_beta2", disc_beta2}};
}

torch::Tensor permute_dims(const torch::Tensor& z) {
  if (z.dim() != 2) throw Error("permute_dims: expected codes of shape {B, H}");
  // argsort of iid uniforms is a uniformly random permutation, one per column.
  auto index = torch::rand(z.sizes(), z.options().dtype(torch::kFloat)).argsort(/*dim=*/int64_t{0});
  return z.gather(0, index);
}

FactorVae::FactorVae(const ModelSpec& spec, const FactorVaeOptions& options)
    : Vae(spec, VaeOptions{options.beta}, "factor-vae"), factor_(options) {
  discriminator_ = register_module("discriminator", make_mlp(spec.latent, options.disc_hidden, 1, "leaky_relu"));
  disc_optimizer_ = std::make_unique<FusedAdam>(
      discriminator_->parameters(),
      torch::optim::AdamOptions(options.disc_lr).betas(std::make_tuple(options.disc_beta1, options.disc_beta2)));
}

std::vector<torch::Tensor> FactorVae::trainable_parameters() {
  auto params = encoder_->parameters();
  for (const auto& p : decoder_->parameters()) params.push_back(p);
  return params;
}

torch::Tensor FactorVae::total_correlation(const torch::Tensor& z) { return discriminator_->forward(z).mean(); }

torch::Tensor FactorVae::discriminator_loss(const torch::Tensor& z, const torch::Tensor& z_perm) {
  auto real = discriminator_->forward(z.detach());
  auto perm = discriminator_->forward(z_perm.detach());
  return 0.5 * (torch::binary_cross_entropy_with_logits(real, torch::ones_like(real)) +
                torch::binary_cross_entropy_with_logits(perm, torch::zeros_like(perm)));
}

LossTerms FactorVae::loss(const Batch& batch, const StepInfo& info) {
  Posterior q = encode(batch);
  torch::Tensor z = sample_posterior(q);
  torch::Tensor recon = spec_.likelihood.nll(batch.x, decoder_output(z)).mean();
  torch::Tensor kl = kl_standard_normal(q.mu, q.logvar).mean();
  torch::Tensor tc;
  {
    FrozenParameters frozen(discriminator_->parameters());  // D's own step comes in after_step
    tc = total_correlation(z);
  }
  LossTerms out;
  const double warmup = is_training() ? kl_warmup_factor(info.step, factor_.warmup_steps) : 1.0;
  out.total = recon + factor_.beta * warmup * kl + factor_.gamma * tc;
  out.add("recon", recon.detach());
  out.add("kl", kl.detach());
  out.add("tc", tc.detach());
  if (is_training()) {
    last_input_ = batch.x;
    last_codes_ = z.detach();
  } else {
    // Evaluation has no after_step: report the discriminator's loss here, so test views have "disc" too.
    out.add("disc", discriminator_loss(z, permute_dims(z)).detach());
  }
  return out;
}

void FactorVae::after_step(const Batch& batch, const StepInfo& /*info*/, LossTerms& terms) {
  torch::Tensor z;
  if (last_codes_.defined() && last_input_.defined() && last_input_.is_same(batch.x)) {
    z = last_codes_;
  } else {
    torch::NoGradGuard no_grad;
    z = sample_posterior(encode(batch));
  }
  last_input_ = torch::Tensor();
  last_codes_ = torch::Tensor();
  // The generator's backward computed none on D (its graph went through D frozen); zeroed all the same.
  disc_optimizer_->zero_grad();
  auto d_loss = discriminator_loss(z, permute_dims(z));
  d_loss.backward();
  disc_optimizer_->step();
  terms.add("disc", d_loss.detach());
}

void FactorVae::save_extra(torch::serialize::OutputArchive& archive) {
  save_discriminator_optimizer(archive, *disc_optimizer_);
}

void FactorVae::load_extra(torch::serialize::InputArchive& archive) {
  load_discriminator_optimizer(archive, *disc_optimizer_, discriminator_->parameters().front().device(), "factor-vae");
}

}  // namespace vaelab
