#pragma once
// -log p(x) in nats and in bits per dimension, with the scale that says which quantity it is, so that
// variants with different likelihoods compare on one scale (spec VARIANTS.md §9; Theis et al. 2016).
//
// nll_nats is the model's own -log p(x) per sample: the IWAE-k estimate when one was run, else the
// negative ELBO (an upper bound on -log p in expectation). For a density it is the density of the data
// on the [0, 1] scale the models see (dequantised y = (k + u)/256 when `dequantized`). The conversion
// to bits per dimension of the 8-bit data (D = data dims, C*H*W for images) depends on the scale:
//   "dequantized-8bit"  continuous density on dequantised 8-bit images. The bins of width 1/256 turn the
//                       density into a probability of the 8-bit values k (data/dequantization.h):
//                       -log P(k) <= E_u[-log p(y)] + D ln 256, so
//                         bits/dim = (nll_nats + D ln 256) / (D ln 2),
//                       an upper bound (in expectation over u) on -log2 P(k) / D, >= 0 for any model.
//   "raw-8bit"          continuous density on 8-bit images that were NOT dequantised: the same formula,
//                       but it bounds nothing -- the density is unbounded as sigma -> 0 and the number can
//                       go below 0 bits/dim. Not comparable with the others; compare flags it.
//   "binary"            Bernoulli on binary images (every value 0 or 255): a probability of the data
//                       itself, bits/dim = nll_nats / (D ln 2); the same quantity as "dequantized-8bit"
//                       (a discrete model of the 8-bit values that puts its mass on 0 and 255).
//   "bernoulli-grey"    Bernoulli on grey values: bits/dim = nll_nats / (D ln 2) of a cross-entropy that is
//                       not a likelihood of the 8-bit data (a different quantity; compare flags a mix).
//   "vector"            vector data (toy sets, CSV): no quantisation; bits/dim = nll_nats / (D ln 2), a
//                       differential quantity for densities.
// Inverse for the 8-bit scales: nll_nats = bits/dim * D ln 2 - D ln 256.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "analysis/evaluation.h"
#include "analysis/likelihood_kind.h"
#include "data/dataset.h"
#include "models/model_spec.h"

namespace vaelab {

enum class LikelihoodScale { Dequantized8bit, Raw8bit, Binary, BernoulliGrey, Vector };

// "dequantized-8bit" | "raw-8bit" | "binary" | "bernoulli-grey" | "vector".
std::string likelihood_scale_id(LikelihoodScale scale);
// The scale of a likelihood of this kind on this data, dequantised or not.
LikelihoodScale likelihood_scale(LikelihoodKind kind, bool dequantized, const Dataset& data);
// nats per sample -> bits per dimension on that scale (the formulas above); dims >= 1.
double bits_per_dim(double nll_nats, int64_t dims, LikelihoodScale scale);

struct LikelihoodUnits {
  LikelihoodKind kind = LikelihoodKind::Discrete;
  std::string density;           // likelihood_density_name()
  bool dequantized = false;
  LikelihoodScale scale = LikelihoodScale::Vector;
  int64_t dims = 0;              // D
  std::string nll_estimate;      // "iwae" | "nelbo"
  double nll_nats = 0.0;         // IWAE-k estimate when run, else the negative ELBO
  double bits_per_dim = 0.0;     // of nll_nats
  double nelbo_bits_per_dim = 0.0;

  // {"likelihood_kind", "likelihood_density", "dequantized", "likelihood_scale", "dims", "nll_estimate",
  //  "nll_nats", "bits_per_dim", "nelbo_bits_per_dim", "likelihood_note"} (non-finite numbers as null).
  nlohmann::json to_json() const;
  // One sentence on what bits_per_dim means on this scale.
  std::string note() const;
};

// The units of an evaluation of a model built from `spec` on `data` (Evaluation::dequantized says whether
// the evaluated batches were dequantised).
LikelihoodUnits likelihood_units(const Evaluation& evaluation, const ModelSpec& spec, const Dataset& data);

}  // namespace vaelab
