#pragma once
// Which kind of -log p(x) a model's likelihood gives: a probability of discrete values or a density of
// continuous ones. This decides whether a run's data is dequantised (data/dequantization.h) and how its
// -log p converts to bits per dimension (analysis/likelihood_units.h).
//
// The kind follows from the ModelSpec alone (so a preset or a checkpoint tells it before any model is
// built), as the density Model::log_likelihood uses, which is what nelbo() and IWAE score:
//   noise-vae                       continuous: learned Gaussian or mixture-of-Gaussians pixel noise
//                                   (its own noise model; the preset's "likelihood" is not used);
//   ph-vae with options.recon "sse" continuous: the squared error as N(x_hat, 1/2) (the default recon);
//   mog-vae with options.density "implied-laplace"
//                                   continuous: Laplace with the scale the L1 term implies;
//   every other case                the preset's "likelihood": "bernoulli" is discrete, every other type
//                                   ("gaussian", "laplace", and any continuous type added later) continuous.
// Bernoulli on [0, 1] grey values: -sum_d [x_d log p_d + (1 - x_d) log(1 - p_d)] is a probability of
// binary data; on grey values it is not a probability of anything (it does not sum to 1 over the 256
// grey levels), but it is bounded below and not a density, so it is classed as discrete, is never
// dequantised, and its numbers carry the scale "bernoulli-grey" (analysis/likelihood_units.h) that says
// they are not a likelihood of the 8-bit data.
//
// dequantization_applies(): a run dequantises when its preset says so ("dequantize", default true), its
// data holds 8-bit images and its likelihood is continuous. Vector data (toy sets, CSV) and discrete
// likelihoods are never touched.
#include <string>

#include "data/dataset.h"
#include "models/model_spec.h"

namespace vaelab {

enum class LikelihoodKind { Discrete, Continuous };

LikelihoodKind likelihood_kind(const ModelSpec& spec);
// "discrete" | "continuous".
std::string likelihood_kind_id(LikelihoodKind kind);
// The density Model::log_likelihood uses, in words: "bernoulli", "gaussian", "laplace", "sse (gaussian,
// sigma^2 = 1/2)", "implied laplace", "learned gaussian", "mog-2 noise".
std::string likelihood_density_name(const ModelSpec& spec);

// The preset's setting applied to this model and data: setting && holds_8bit_images(data) &&
// likelihood_kind(spec) == Continuous.
bool dequantization_applies(bool setting, const ModelSpec& spec, const Dataset& data);

}  // namespace vaelab
