#include "models/registry.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "config/json_fields.h"
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

const std::vector<VariantInfo>& variants() {
  static const std::vector<VariantInfo> list = {
      {"vae", "VAE: Gaussian posterior, standard-normal prior, recon + KL (spec §1)",
       [](const ModelSpec& s) { return std::make_shared<Vae>(s, VaeOptions::from_json(s.options, 1.0), "vae"); }},
      {"beta-vae", "beta-VAE: recon + beta KL, beta default 4 (spec §1)",
       [](const ModelSpec& s) { return std::make_shared<Vae>(s, VaeOptions::from_json(s.options, 4.0), "beta-vae"); }},
      {"ph-vae", "PH-VAE: polynomial hierarchical VAE, inputs x^1..x^S, polynomial divergence (spec §2)", [](const ModelSpec& s) { return std::make_shared<PhVae>(s, PhVaeOptions::from_json(s.options)); }},
      {"hebae", "HEBAE: batch empirical prior on encoder means, Cholesky-correlated sampling (spec §4)", [](const ModelSpec& s) { return std::make_shared<Hebae>(s, HebaeOptions::from_json(s.options)); }},
      {"wae-mmd", "WAE-MMD: deterministic codes, IMQ-kernel MMD to N(0,I), lambda 10 (spec §5)", [](const ModelSpec& s) { return std::make_shared<WaeMmd>(s, WaeMmdOptions::from_json(s.options)); }},
      {"noise-vae", "Noise-modelling VAE: learned Gaussian or MoG-K pixel noise, EVLB (spec §6)", [](const ModelSpec& s) { return std::make_shared<NoiseVae>(s, NoiseVaeOptions::from_json(s.options)); }},
      {"iwae", "IWAE: k-sample importance-weighted bound as the objective, k default 5 (spec §7)", [](const ModelSpec& s) { return std::make_shared<Iwae>(s, IwaeOptions::from_json(s.options)); }},
      {"cvae", "Conditional VAE: one-hot label concatenated to encoder and decoder inputs (spec §7)", [](const ModelSpec& s) { return std::make_shared<Cvae>(s, CvaeOptions::from_json(s.options)); }},
      {"vade", "VaDE: Gaussian-mixture prior, closed-form ELBO, AE pre-training + GMM init (spec §7)", [](const ModelSpec& s) { return std::make_shared<Vade>(s, VadeOptions::from_json(s.options)); }},
      {"ladder-vae", "Ladder VAE: L latent layers, precision-weighted top-down merge, KL per layer (spec §7)", [](const ModelSpec& s) { return std::make_shared<LadderVae>(s, LadderVaeOptions::from_json(s.options, s.latent)); }},
      {"mog-vae", "MoG-posterior VAE + PatchGAN: b1 KL_G + b2 KL_I + b3 L1 + b4 adversarial, (1, 0.5, 5000, 100) (spec §3)", [](const ModelSpec& s) { return std::make_shared<MogVae>(s, MogVaeOptions::from_json(s.options)); }},
      {"factor-vae", "FactorVAE: VAE + gamma TC, TC from a permutation discriminator, gamma default 10 (spec §7)", [](const ModelSpec& s) { return std::make_shared<FactorVae>(s, FactorVaeOptions::from_json(s.options)); }},
  };
  return list;
}

std::shared_ptr<Model> make_model(const ModelSpec& spec) {
  for (const auto& v : variants()) {
    if (v.name == spec.variant) return v.make(spec);
  }
  std::vector<std::string> names;
  for (const auto& v : variants()) names.push_back(v.name);
  throw Error(fmt::format("unknown variant \"{}\" (known: {})", spec.variant, fmt::join(names, ", ")));
}

std::shared_ptr<Model> clone_model(Model& model, const ModelSpec& spec) {
  auto copy = make_model(spec);
  // Same device as the source, then the exact state.
  auto params = model.parameters();
  if (!params.empty()) copy->to(params.front().device());
  copy_state(model, *copy);
  copy->eval();
  return copy;
}

nlohmann::json ModelSpec::to_json() const {
  return {{"variant", variant},       {"shape", shape.to_json()},           {"num_classes", num_classes},
          {"latent", latent},         {"architecture", architecture.to_json()}, {"likelihood", likelihood.to_json()},
          {"options", options}};
}

ModelSpec ModelSpec::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  ModelSpec s;
  s.variant = jf::text(j, "", "variant", s.variant);
  if (j.contains("shape")) s.shape = DataShape::from_json(j.at("shape"));
  s.num_classes = jf::integer(j, "", "num_classes", 0);
  s.latent = jf::integer(j, "", "latent", s.latent);
  s.architecture = Architecture::from_json(j.value("architecture", nlohmann::json()));
  s.likelihood = Likelihood::from_json(j.value("likelihood", nlohmann::json()));
  s.options = j.value("options", nlohmann::json::object());
  return s;
}

}  // namespace vaelab
