#include "analysis/likelihood_kind.h"

#include <fmt/format.h>

#include "data/dequantization.h"
#include "models/mog_vae.h"
#include "models/noise_vae.h"
#include "models/ph_vae.h"

namespace vaelab {

namespace {

bool ph_vae_sse(const ModelSpec& spec) {
  return spec.variant == "ph-vae" && PhVaeOptions::from_json(spec.options).recon == "sse";
}

bool mog_vae_implied_laplace(const ModelSpec& spec) {
  return spec.variant == "mog-vae" && MogVaeOptions::from_json(spec.options).density == "implied-laplace";
}

}  // namespace

LikelihoodKind likelihood_kind(const ModelSpec& spec) {
  if (spec.variant == "noise-vae" || ph_vae_sse(spec) || mog_vae_implied_laplace(spec))
    return LikelihoodKind::Continuous;
  return spec.likelihood.name() == "bernoulli" ? LikelihoodKind::Discrete : LikelihoodKind::Continuous;
}

std::string likelihood_kind_id(LikelihoodKind kind) {
  return kind == LikelihoodKind::Discrete ? "discrete" : "continuous";
}

std::string likelihood_density_name(const ModelSpec& spec) {
  if (spec.variant == "noise-vae") {
    const auto o = NoiseVaeOptions::from_json(spec.options);
    return o.noise == "mog" ? fmt::format("mog-{} noise", o.components) : "learned gaussian";
  }
  if (ph_vae_sse(spec)) return "sse (gaussian, sigma^2 = 1/2)";
  if (mog_vae_implied_laplace(spec)) return "implied laplace";
  return spec.likelihood.name();
}

bool dequantization_applies(bool setting, const ModelSpec& spec, const Dataset& data) {
  return setting && holds_8bit_images(data) && likelihood_kind(spec) == LikelihoodKind::Continuous;
}

}  // namespace vaelab
