#include "models/ph_vae.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"
#include "models/kl_warmup.h"

namespace vaelab {

namespace {

constexpr double kLogPi = 1.1447298858494002;

// The trunk's closing non-linearity g (backbone.h's activations).
torch::nn::AnyModule activation_module(const std::string& name) {
  if (name == "relu") return torch::nn::AnyModule(torch::nn::ReLU());
  if (name == "leaky_relu") return torch::nn::AnyModule(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
  if (name == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  if (name == "elu") return torch::nn::AnyModule(torch::nn::ELU());
  throw Error(fmt::format("unknown activation \"{}\" (expected relu|leaky_relu|tanh|elu)", name));
}

}  // namespace

PhVaeOptions PhVaeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options", {"orders", "encoder_sharing", "amplitude", "recon", "beta", "warmup_steps"});
  PhVaeOptions o;
  o.orders = jf::integer(j, "options", "orders", o.orders);
  if (o.orders < 1 || o.orders > 5) throw Error("preset key \"options.orders\": must be 1..5");
  o.encoder_sharing = jf::choice(j, "options", "encoder_sharing", o.encoder_sharing, {"separate", "shared"});
  o.amplitude = jf::number(j, "options", "amplitude", o.amplitude);
  if (!(o.amplitude > 0)) throw Error("preset key \"options.amplitude\": must be > 0");
  o.recon = jf::choice(j, "options", "recon", o.recon, {"sse", "likelihood"});
  o.beta = jf::number(j, "options", "beta", o.beta);
  if (!(o.beta >= 0)) throw Error("preset key \"options.beta\": must be >= 0");
  o.warmup_steps = jf::integer(j, "options", "warmup_steps", o.warmup_steps);
  if (o.warmup_steps < 0) throw Error("preset key \"options.warmup_steps\": must be >= 0");
  return o;
}

PhVae::PhVae(const ModelSpec& spec, const PhVaeOptions& options) : spec_(spec), options_(options) {
  if (spec.latent <= 0) throw Error("preset key \"latent\": must be > 0");
  const int64_t h2 = 2 * spec.latent;
  const int64_t n_trunks = options.encoder_sharing == "separate" ? options.orders : 1;
  // Trunk = the backbone encoder up to its last hidden layer (+ g); the last dense layer becomes the
  // shared head. Registered trunk_1, head, trunk_2.. so that S = 1 has the Vae's parameter order.
  const bool has_head = !spec.architecture.hidden.empty();
  Architecture trunk_arch = spec.architecture;
  int64_t width = h2;
  if (has_head) {
    width = trunk_arch.hidden.back();
    trunk_arch.hidden.pop_back();
  }
  for (int64_t s = 0; s < n_trunks; ++s) {
    torch::nn::Sequential trunk = make_encoder(trunk_arch, spec.shape, width);
    if (has_head) trunk->push_back(activation_module(spec.architecture.activation));
    trunks_.push_back(register_module(fmt::format("trunk_{}", s + 1), trunk));
    if (s == 0 && has_head) head_ = register_module("head", torch::nn::Linear(width, h2));
  }
  decoder_ = register_module("decoder", make_decoder(spec.architecture, spec.latent, spec.shape));
}

PhVae::OrderPosteriors PhVae::orders(const Batch& batch) {
  OrderPosteriors out;
  std::vector<torch::Tensor> mus, logvars;
  for (int64_t s = 1; s <= options_.orders; ++s) {
    const auto xs = s == 1 ? batch.x : batch.x.pow(static_cast<double>(s));
    auto& trunk = trunks_[trunks_.size() == 1 ? 0 : s - 1];
    torch::Tensor h = trunk->forward(xs);
    if (head_) h = head_->forward(h);
    auto parts = h.chunk(2, 1);
    out.orders.push_back({parts[0], parts[1]});
    mus.push_back(parts[0]);
    logvars.push_back(parts[1]);
  }
  const double log_s = std::log(static_cast<double>(options_.orders));
  out.combined.mu = torch::stack(mus).mean(0);
  out.combined.logvar = torch::logsumexp(torch::stack(logvars), 0) - log_s;
  return out;
}

Posterior PhVae::encode(const Batch& batch) {
  Posterior q = orders(batch).combined;
  if (options_.amplitude != 1.0) q.logvar = q.logvar + 2.0 * std::log(options_.amplitude);
  return q;
}

torch::Tensor PhVae::recon_nll(const torch::Tensor& x, const torch::Tensor& out) const {
  // x_hat = sigmoid(out), the paper's final f = Sigmoid (spec §2). A Bernoulli likelihood takes the raw
  // output as its logits, which is the same link computed stably.
  if (options_.recon == "likelihood") {
    if (spec_.likelihood.kind == Likelihood::Kind::Bernoulli) return spec_.likelihood.nll(x, out);
    return spec_.likelihood.nll(x, torch::sigmoid(out));
  }
  return (x - torch::sigmoid(out)).pow(2).flatten(1).sum(1);
}

torch::Tensor PhVae::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) {
  return torch::sigmoid(decoder_output(z));
}

torch::Tensor PhVae::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  auto nll = recon_nll(batch.x, decoder_output(z));
  if (options_.recon == "sse") nll = nll + 0.5 * static_cast<double>(batch.x[0].numel()) * kLogPi;
  return -nll;
}

LossTerms PhVae::loss(const Batch& batch, const StepInfo& info) {
  OrderPosteriors q = orders(batch);
  // z = mu + A sigma eps  (encode()'s posterior, drawn by the default reparameterisation).
  Posterior sampled = q.combined;
  if (options_.amplitude != 1.0) sampled.logvar = sampled.logvar + 2.0 * std::log(options_.amplitude);
  torch::Tensor z = sample_posterior(sampled);
  torch::Tensor recon = recon_nll(batch.x, decoder_output(z)).mean();
  std::vector<torch::Tensor> kls;
  for (const auto& p : q.orders) kls.push_back(kl_standard_normal(p.mu, p.logvar).mean());
  torch::Tensor kl = torch::stack(kls).mean();
  LossTerms out;
  const double warmup = is_training() ? kl_warmup_factor(info.step, options_.warmup_steps) : 1.0;
  out.total = recon + options_.beta * warmup * kl;
  out.add("recon", recon.detach());
  for (size_t s = 0; s < kls.size(); ++s) out.add(fmt::format("kl_{}", s + 1), kls[s].detach());
  out.add("kl", kl.detach());
  return out;
}

}  // namespace vaelab
