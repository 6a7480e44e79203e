#include "models/cvae.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"

namespace vaelab {

CvaeOptions CvaeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options", {"beta"});
  CvaeOptions o;
  o.beta = jf::number(j, "options", "beta", o.beta);
  if (!(o.beta >= 0)) throw Error("preset key \"options.beta\": must be >= 0");
  return o;
}

Cvae::Cvae(const ModelSpec& spec, const CvaeOptions& options) : spec_(spec), options_(options) {
  if (spec.latent <= 0) throw Error("preset key \"latent\": must be > 0");
  if (spec.num_classes < 2)
    throw Error(fmt::format("cvae: needs a labelled dataset (num_classes >= 2), got {} classes", spec.num_classes));
  const int64_t c = spec.num_classes;
  flat_encoder_ = spec.architecture.type == "mlp" || !spec.shape.is_image();
  if (flat_encoder_) {
    encoder_ = register_module(
        "encoder", make_mlp(spec.shape.dim() + c, spec.architecture.hidden, 2 * spec.latent, spec.architecture.activation));
  } else {
    DataShape with_label = spec.shape;
    with_label.channels += c;
    encoder_ = register_module("encoder", make_encoder(spec.architecture, with_label, 2 * spec.latent));
  }
  decoder_ = register_module("decoder", make_decoder(spec.architecture, spec.latent + c, spec.shape));
}

torch::Tensor Cvae::one_hot(const torch::Tensor& y, const torch::Tensor& like, const char* caller) const {
  if (!y.defined()) throw Error(fmt::format("cvae: {} needs labels y (conditional model)", caller));
  const auto labels = y.to(like.device(), torch::kLong).reshape({-1});
  if (labels.size(0) != like.size(0))
    throw Error(fmt::format("cvae: {} got {} labels for {} rows", caller, labels.size(0), like.size(0)));
  if (labels.numel() > 0 && (labels.min().item<int64_t>() < 0 || labels.max().item<int64_t>() >= spec_.num_classes))
    throw Error(fmt::format("cvae: {} got a label outside [0, {})", caller, spec_.num_classes));
  return torch::one_hot(labels, spec_.num_classes).to(like.scalar_type());
}

Posterior Cvae::encode(const Batch& batch) {
  const auto y = one_hot(batch.y, batch.x, "encode");
  torch::Tensor h;
  if (flat_encoder_) {
    h = encoder_->forward(torch::cat({batch.x.flatten(1), y}, 1));
  } else {
    const auto planes = y.view({y.size(0), y.size(1), 1, 1}).expand({-1, -1, batch.x.size(2), batch.x.size(3)});
    h = encoder_->forward(torch::cat({batch.x, planes}, 1));
  }
  auto parts = h.chunk(2, 1);
  return {parts[0], parts[1]};
}

torch::Tensor Cvae::decoder_output(const torch::Tensor& z, const torch::Tensor& y) {
  return decoder_->forward(torch::cat({z, one_hot(y, z, "decode")}, 1));
}

torch::Tensor Cvae::decode(const torch::Tensor& z, const torch::Tensor& y) {
  return spec_.likelihood.mean(decoder_output(z, y));
}

torch::Tensor Cvae::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  return -spec_.likelihood.nll(batch.x, decoder_output(z, batch.y));
}

LossTerms Cvae::loss(const Batch& batch, const StepInfo& /*info*/) {
  const Posterior q = encode(batch);
  const auto z = sample_posterior(q);
  const auto recon = spec_.likelihood.nll(batch.x, decoder_output(z, batch.y)).mean();
  const auto kl = kl_standard_normal(q.mu, q.logvar).mean();
  LossTerms out;
  out.total = recon + options_.beta * kl;
  out.add("recon", recon.detach());
  out.add("kl", kl.detach());
  return out;
}

}  // namespace vaelab
