#include "analysis/likelihood_units.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "data/dequantization.h"

namespace vaelab {

namespace {

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

bool on_8bit_scale(LikelihoodScale s) { return s == LikelihoodScale::Dequantized8bit || s == LikelihoodScale::Raw8bit; }

}  // namespace

std::string likelihood_scale_id(LikelihoodScale scale) {
  switch (scale) {
    case LikelihoodScale::Dequantized8bit: return "dequantized-8bit";
    case LikelihoodScale::Raw8bit: return "raw-8bit";
    case LikelihoodScale::Binary: return "binary";
    case LikelihoodScale::BernoulliGrey: return "bernoulli-grey";
    case LikelihoodScale::Vector: return "vector";
  }
  return "?";
}

LikelihoodScale likelihood_scale(LikelihoodKind kind, bool dequantized, const Dataset& data) {
  if (!holds_8bit_images(data)) return LikelihoodScale::Vector;
  if (kind == LikelihoodKind::Continuous) return dequantized ? LikelihoodScale::Dequantized8bit : LikelihoodScale::Raw8bit;
  return holds_binary_images(data) ? LikelihoodScale::Binary : LikelihoodScale::BernoulliGrey;
}

double bits_per_dim(double nll_nats, int64_t dims, LikelihoodScale scale) {
  if (dims < 1) throw Error(fmt::format("bits per dimension: need at least one data dimension, got {}", dims));
  const double d = static_cast<double>(dims);
  const double offset = on_8bit_scale(scale) ? d * std::log(kDequantizationBins) : 0.0;
  return (nll_nats + offset) / (d * std::log(2.0));
}

std::string LikelihoodUnits::note() const {
  switch (scale) {
    case LikelihoodScale::Dequantized8bit:
      return "continuous density on dequantised 8-bit data: bits/dim = (nll_nats + D ln 256) / (D ln 2), an upper "
             "bound on -log2 P(8-bit data) per dimension";
    case LikelihoodScale::Raw8bit:
      return "continuous density on 8-bit data that was not dequantised: (nll_nats + D ln 256) / (D ln 2) bounds "
             "nothing (the density is unbounded as the noise shrinks); not comparable with discrete likelihoods";
    case LikelihoodScale::Binary:
      return "discrete likelihood of binary data: bits/dim = nll_nats / (D ln 2)";
    case LikelihoodScale::BernoulliGrey:
      return "bernoulli cross-entropy on grey values, not a likelihood of the 8-bit data: bits/dim = nll_nats / "
             "(D ln 2) is a different quantity from a density's";
    case LikelihoodScale::Vector:
      return "vector data (no quantisation): bits/dim = nll_nats / (D ln 2)";
  }
  return "";
}

nlohmann::json LikelihoodUnits::to_json() const {
  return {{"likelihood_kind", likelihood_kind_id(kind)},
          {"likelihood_density", density},
          {"dequantized", dequantized},
          {"likelihood_scale", likelihood_scale_id(scale)},
          {"dims", dims},
          {"nll_estimate", nll_estimate},
          {"nll_nats", finite_or_null(nll_nats)},
          {"bits_per_dim", finite_or_null(bits_per_dim)},
          {"nelbo_bits_per_dim", finite_or_null(nelbo_bits_per_dim)},
          {"likelihood_note", note()}};
}

LikelihoodUnits likelihood_units(const Evaluation& evaluation, const ModelSpec& spec, const Dataset& data) {
  LikelihoodUnits u;
  u.kind = likelihood_kind(spec);
  u.density = likelihood_density_name(spec);
  u.dequantized = evaluation.dequantized;
  u.scale = likelihood_scale(u.kind, evaluation.dequantized, data);
  u.dims = data.shape.dim();
  const bool iwae = evaluation.iwae_k > 0;
  u.nll_estimate = iwae ? "iwae" : "nelbo";
  u.nll_nats = iwae ? evaluation.iwae_nll : evaluation.nelbo;
  u.bits_per_dim = vaelab::bits_per_dim(u.nll_nats, u.dims, u.scale);
  u.nelbo_bits_per_dim = vaelab::bits_per_dim(evaluation.nelbo, u.dims, u.scale);
  return u;
}

}  // namespace vaelab
