#include "models/registry.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/vae.h"
#include "models/hebae.h"
#include "models/noise_vae.h"
#include "models/ph_vae.h"
#include "models/wae_mmd.h"
#include "models/iwae.h"
#include "models/cvae.h"
#include "models/vade.h"
#include "models/ladder_vae.h"
#include "models/mog_vae.h"
#include "models/factor_vae.h"
// Variants: one include and one entry in variants() each.

namespace vaelab {

namespace {

// Options parsed from a spec with a variant's own parser (defaults filled in, bad keys refused).
template <class Options>
Options options_of(const ModelSpec& s) {
  return Options::from_json(s.options);
}

// One registry entry: the model is built from the spec, its parsed options and `extra` constructor
// arguments; check_options runs the same parser alone.
template <class M, class Parse, class... Extra>
VariantInfo entry(std::string name, std::string description, Parse parse, Extra... extra) {
  return {std::move(name), std::move(description),
          [=](const ModelSpec& s) -> std::shared_ptr<Model> { return std::make_shared<M>(s, parse(s), extra...); },
          [=](const ModelSpec& s) { parse(s); }};
}

}  // namespace

const std::vector<VariantInfo>& variants() {
  static const std::vector<VariantInfo> list = {
      // One line per variant (long lines on purpose: a table reads better than wrapped entries).
      entry<Vae>("vae", "VAE: Gaussian posterior, standard-normal prior, recon + KL (spec §1)", [](const ModelSpec& s) { return VaeOptions::from_json(s.options, 1.0); }, std::string("vae")),
      entry<Vae>("beta-vae", "beta-VAE: recon + beta KL, beta default 4 (spec §1)", [](const ModelSpec& s) { return VaeOptions::from_json(s.options, 4.0); }, std::string("beta-vae")),
      entry<PhVae>("ph-vae", "PH-VAE: polynomial hierarchical VAE, inputs x^1..x^S, polynomial divergence (spec §2)", options_of<PhVaeOptions>),
      entry<Hebae>("hebae", "HEBAE: batch empirical prior on encoder means, Cholesky-correlated sampling (spec §4)", options_of<HebaeOptions>),
      entry<WaeMmd>("wae-mmd", "WAE-MMD: deterministic codes, IMQ-kernel MMD to N(0,I), lambda 10 (spec §5)", options_of<WaeMmdOptions>),
      entry<NoiseVae>("noise-vae", "Noise-modelling VAE: learned Gaussian or MoG-K pixel noise, EVLB (spec §6)", options_of<NoiseVaeOptions>),
      entry<Iwae>("iwae", "IWAE: k-sample importance-weighted bound as the objective, k default 5 (spec §7)", options_of<IwaeOptions>),
      entry<Cvae>("cvae", "Conditional VAE: one-hot label concatenated to encoder and decoder inputs (spec §7)", options_of<CvaeOptions>),
      entry<Vade>("vade", "VaDE: Gaussian-mixture prior, closed-form ELBO, AE pre-training + GMM init (spec §7)", options_of<VadeOptions>),
      entry<LadderVae>("ladder-vae", "Ladder VAE: L latent layers, precision-weighted top-down merge, KL per layer (spec §7)", [](const ModelSpec& s) { return LadderVaeOptions::from_json(s.options, s.latent); }),
      entry<MogVae>("mog-vae", "MoG-posterior VAE + PatchGAN: b1 KL_G + b2 KL_I + b3 L1 + b4 adversarial, (1, 0.5, 5000, 100) (spec §3)", options_of<MogVaeOptions>),
      entry<FactorVae>("factor-vae", "FactorVAE: VAE + gamma TC, TC from a permutation discriminator, gamma default 10 (spec §7)", options_of<FactorVaeOptions>),
  };
  return list;
}

const VariantInfo& variant_info(const std::string& name) {
  for (const auto& v : variants()) {
    if (v.name == name) return v;
  }
  std::vector<std::string> names;
  for (const auto& v : variants()) names.push_back(v.name);
  throw Error(fmt::format("unknown variant \"{}\" (known: {})", name, fmt::join(names, ", ")));
}

std::shared_ptr<Model> make_model(const ModelSpec& spec) { return variant_info(spec.variant).make(spec); }

std::shared_ptr<Model> clone_model(Model& model, const ModelSpec& spec) {
  auto copy = make_model(spec);
  // Same device as the source, then the exact state.
  copy->to(model.device());
  copy_state(model, *copy);
  copy->eval();
  return copy;
}

}  // namespace vaelab
