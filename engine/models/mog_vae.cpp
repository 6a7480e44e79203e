#include "models/mog_vae.h"

#include <fmt/format.h>

#include <cmath>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/discriminator_optimizer_state.h"
#include "models/frozen_parameters.h"
#include "optim/fused_adam.h"

namespace vaelab {

namespace {
constexpr double kVarianceFloor = 1e-8;
const char* const kPath = "options";
}  // namespace

MogVaeOptions MogVaeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, kPath);
  jf::only_keys(j, kPath,
                {"beta1", "beta2", "beta3", "beta4", "l1_reduction", "adv_reduction", "density", "disc_lr",
                 "disc_channels", "disc_norm"});
  MogVaeOptions o;
  o.beta1 = jf::number(j, kPath, "beta1", o.beta1);
  o.beta2 = jf::number(j, kPath, "beta2", o.beta2);
  o.beta3 = jf::number(j, kPath, "beta3", o.beta3);
  o.beta4 = jf::number(j, kPath, "beta4", o.beta4);
  o.l1_reduction = jf::choice(j, kPath, "l1_reduction", o.l1_reduction, {"mean", "sum"});
  o.adv_reduction = jf::choice(j, kPath, "adv_reduction", o.adv_reduction, {"mean", "sum"});
  o.density = jf::choice(j, kPath, "density", o.density, {"likelihood", "implied-laplace"});
  o.disc_lr = jf::number(j, kPath, "disc_lr", o.disc_lr);
  o.disc_channels = jf::integer(j, kPath, "disc_channels", o.disc_channels);
  o.disc_norm = jf::choice(j, kPath, "disc_norm", o.disc_norm, {"batch", "instance", "none"});
  const std::pair<const char*, double> weights[] = {
      {"beta1", o.beta1}, {"beta2", o.beta2}, {"beta3", o.beta3}, {"beta4", o.beta4}};
  for (const auto& [key, value] : weights)
    if (!(value >= 0)) throw Error(fmt::format("preset key \"options.{}\": must be >= 0, got {}", key, value));
  if (o.density == "implied-laplace" && !(o.beta3 > 0))
    throw Error("preset key \"options.density\": \"implied-laplace\" needs options.beta3 > 0");
  if (!(o.disc_lr > 0)) throw Error(fmt::format("preset key \"options.disc_lr\": must be > 0, got {}", o.disc_lr));
  if (o.disc_channels <= 0)
    throw Error(fmt::format("preset key \"options.disc_channels\": must be > 0, got {}", o.disc_channels));
  return o;
}

nlohmann::json MogVaeOptions::to_json() const {
  return {{"beta1", beta1},     {"beta2", beta2},       {"beta3", beta3},
          {"beta4", beta4},     {"l1_reduction", l1_reduction}, {"adv_reduction", adv_reduction},
          {"density", density}, {"disc_lr", disc_lr},   {"disc_channels", disc_channels},
          {"disc_norm", disc_norm}};
}

torch::Tensor mixture_kl(const torch::Tensor& mu, const torch::Tensor& z) {
  auto mu_bar = mu.mean(0);
  auto var_bar = (z - mu_bar).pow(2).mean(0).clamp_min(kVarianceFloor);
  return 0.5 * (var_bar + mu_bar.pow(2) - 1.0 - var_bar.log()).sum();
}

torch::Tensor individual_kl(const torch::Tensor& logvar) { return (logvar.exp() - 1.0 - logvar).sum(1); }

torch::Tensor l1_term(const torch::Tensor& x, const torch::Tensor& x_hat, const std::string& reduction) {
  auto diff = (x - x_hat).abs();
  return reduction == "sum" ? diff.flatten(1).sum(1).mean() : diff.mean();
}

torch::Tensor patch_bce_term(const torch::Tensor& logits, double target, const std::string& reduction) {
  if (reduction == "sum") {
    auto per_patch = torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target), {},
                                                             {}, at::Reduction::None);
    return per_patch.flatten(1).sum(1).mean();
  }
  return patch_bce(logits, target);
}

namespace {
// Checked before the trunks are built, so a wrong data set fails with this message and nothing else.
const ModelSpec& require_patchgan_images(const ModelSpec& spec) {
  if (!spec.shape.is_image() || spec.shape.height < 8 || spec.shape.width < 8)
    throw Error(fmt::format("variant \"mog-vae\": needs images of at least 8x8 for its PatchGAN, got shape {}",
                            spec.shape.str()));
  return spec;
}
}  // namespace

MogVae::MogVae(const ModelSpec& spec, const MogVaeOptions& options)
    : Vae(require_patchgan_images(spec), VaeOptions{}, "mog-vae"), mog_(options) {
  PatchGANOptions disc;
  disc.channels = options.disc_channels;
  disc.norm = options.disc_norm;
  discriminator_ = register_module("discriminator", PatchGAN(spec.shape.channels, disc));
  disc_optimizer_ = std::make_unique<FusedAdam>(discriminator_->parameters(),
                                                         torch::optim::AdamOptions(options.disc_lr));
}

std::vector<torch::Tensor> MogVae::trainable_parameters() {
  auto params = encoder_->parameters();
  for (const auto& p : decoder_->parameters()) params.push_back(p);
  return params;
}

LossTerms MogVae::loss(const Batch& batch, const StepInfo& /*info*/) {
  Posterior q = encode(batch);
  torch::Tensor z = sample_posterior(q);
  torch::Tensor x_hat = decode(z);
  torch::Tensor kl_g = mixture_kl(q.mu, z);
  torch::Tensor kl_i = individual_kl(q.logvar).mean();
  torch::Tensor l1 = l1_term(batch.x, x_hat, mog_.l1_reduction);
  torch::Tensor adv;
  {
    FrozenParameters frozen(discriminator_->parameters());  // D's own step comes in after_step
    adv = patch_bce_term(discriminator_->forward(x_hat), 1.0, mog_.adv_reduction);
  }

  LossTerms out;
  out.total = mog_.beta1 * kl_g + mog_.beta2 * kl_i + mog_.beta3 * l1 + mog_.beta4 * adv;
  out.add("kl_g", kl_g.detach());
  out.add("kl_i", kl_i.detach());
  out.add("l1", l1.detach());
  out.add("adv", adv.detach());
  if (is_training()) {
    last_input_ = batch.x;
    last_fake_ = x_hat.detach();
  } else {
    // Evaluation has no after_step: report the discriminator's loss here, so test views have "disc" too.
    out.add("disc", discriminator_loss(batch.x, x_hat).detach());
  }
  return out;
}

torch::Tensor MogVae::discriminator_loss(const torch::Tensor& x, const torch::Tensor& x_hat) {
  auto real = patch_bce_term(discriminator_->forward(x), 1.0, mog_.adv_reduction);
  auto fake = patch_bce_term(discriminator_->forward(x_hat.detach()), 0.0, mog_.adv_reduction);
  return mog_.beta4 * (real + fake);
}

void MogVae::after_step(const Batch& batch, const StepInfo& /*info*/, LossTerms& terms) {
  torch::Tensor fake;
  if (last_fake_.defined() && last_input_.defined() && last_input_.is_same(batch.x)) {
    fake = last_fake_;  // Algorithm 1: x_hat of the generator pass this step began with
  } else {
    torch::NoGradGuard no_grad;
    fake = decode(sample_posterior(encode(batch)));
  }
  last_input_ = torch::Tensor();
  last_fake_ = torch::Tensor();
  // The generator's backward computed none on D (its graph went through D frozen); zeroed all the same.
  disc_optimizer_->zero_grad();
  auto d_loss = discriminator_loss(batch.x, fake);
  d_loss.backward();
  disc_optimizer_->step();
  terms.add("disc", d_loss.detach());
}

torch::Tensor MogVae::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  if (mog_.density == "likelihood") return Vae::log_likelihood(batch, z);
  const double d = static_cast<double>(spec_.shape.dim());
  const double scale = mog_.l1_reduction == "mean" ? d / mog_.beta3 : 1.0 / mog_.beta3;
  auto x_hat = decode(z);
  return -((batch.x - x_hat).abs().flatten(1).sum(1) / scale + d * std::log(2.0 * scale));
}

void MogVae::save_extra(torch::serialize::OutputArchive& archive) {
  save_discriminator_optimizer(archive, *disc_optimizer_);
}

void MogVae::load_extra(torch::serialize::InputArchive& archive) {
  load_discriminator_optimizer(archive, *disc_optimizer_, discriminator_->parameters().front().device(), "mog-vae");
}

}  // namespace vaelab
