#include "models/hebae.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"

namespace vaelab {

namespace {
constexpr double kLog2Pi = 1.8378770664093453;
}

HebaeOptions HebaeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options", {"lambda", "sigma", "jitter", "running_momentum"});
  HebaeOptions o;
  o.lambda = jf::number(j, "options", "lambda", o.lambda);
  if (!(o.lambda >= 0)) throw Error("preset key \"options.lambda\": must be >= 0");
  o.sigma = jf::choice(j, "options", "sigma", o.sigma, {"vector", "scalar"});
  o.jitter = jf::number(j, "options", "jitter", o.jitter);
  if (!(o.jitter >= 0)) throw Error("preset key \"options.jitter\": must be >= 0");
  o.running_momentum = jf::number(j, "options", "running_momentum", o.running_momentum);
  if (!(o.running_momentum > 0 && o.running_momentum <= 1)) {
    throw Error("preset key \"options.running_momentum\": must be in (0, 1]");
  }
  return o;
}

EmpiricalPrior empirical_prior(const torch::Tensor& mu, double jitter) {
  const int64_t m = mu.size(0);
  const int64_t h = mu.size(1);
  const auto mu64 = mu.to(torch::kFloat64);
  EmpiricalPrior p;
  auto mean = mu64.mean(0);
  auto centred = mu64 - mean.unsqueeze(0);
  auto cov = centred.t().matmul(centred) / static_cast<double>(m) +
             jitter * torch::eye(h, mu64.options());
  auto chol_info = torch::linalg_cholesky_ex(cov);
  if (std::get<1>(chol_info).item<int64_t>() != 0) {
    throw Error(fmt::format(
        "hebae: the batch covariance of the encoder means is not positive definite (batch of {} for "
        "latent {}); raise preset key \"options.jitter\" or the batch size",
        m, h));
  }
  auto chol = std::get<0>(chol_info);
  auto logdet = 2.0 * chol.diagonal().log().sum();
  auto bracket = cov.trace() - static_cast<double>(h) - logdet + mean.dot(mean);
  p.mean = mean.to(mu.scalar_type());
  p.cov = cov.to(mu.scalar_type());
  p.cholesky = chol.to(mu.scalar_type());
  p.bracket = bracket.to(mu.scalar_type());
  return p;
}

Hebae::Hebae(const ModelSpec& spec, const HebaeOptions& options) : spec_(spec), options_(options) {
  if (spec.latent <= 0) throw Error("preset key \"latent\": must be > 0");
  const int64_t sigma_outputs = options.sigma == "vector" ? spec.latent : 1;
  encoder_ = register_module("encoder", make_encoder(spec.architecture, spec.shape, spec.latent + sigma_outputs));
  decoder_ = register_module("decoder", make_decoder(spec.architecture, spec.latent, spec.shape));
  running_mean_ = register_buffer("running_mean", torch::zeros({spec.latent}));
  running_cov_ = register_buffer("running_cov", torch::eye(spec.latent));
}

Posterior Hebae::encode_raw(const Batch& batch) {
  auto h = encoder_->forward(batch.x);
  const int64_t latent = spec_.latent;
  Posterior q;
  q.mu = h.slice(1, 0, latent);
  q.logvar = h.slice(1, latent);
  if (options_.sigma == "scalar") q.logvar = q.logvar.expand({h.size(0), latent});
  return q;
}

torch::Tensor Hebae::running_cholesky() const {
  auto chol = torch::linalg_cholesky_ex(running_cov_.to(torch::kFloat64));
  if (std::get<1>(chol).item<int64_t>() != 0) throw Error("hebae: running covariance is not positive definite");
  return std::get<0>(chol).to(running_cov_.scalar_type());
}

Posterior Hebae::encode(const Batch& batch) {
  Posterior q = encode_raw(batch);
  q.logvar = q.logvar + running_cov_.diagonal().log().unsqueeze(0);
  return q;
}

torch::Tensor Hebae::sample_posterior(const Posterior& q) {
  // Undo encode()'s marginal scaling to get sigma_i, then z = mu + sigma * (R_run eps).
  auto log_sigma2 = q.logvar - running_cov_.diagonal().log().unsqueeze(0);
  auto eps = torch::randn_like(q.mu);
  return q.mu + (0.5 * log_sigma2).exp() * eps.matmul(running_cholesky().t());
}

torch::Tensor Hebae::log_posterior(const torch::Tensor& z, const Posterior& q) {
  auto log_sigma2 = q.logvar - running_cov_.diagonal().log().unsqueeze(0);
  auto r = running_cholesky();
  auto u = (z - q.mu) * (-0.5 * log_sigma2).exp();  // D^-1 (z - mu), {B,H}
  // v = R^-1 u per row: solve R V^T = U^T.
  auto v = torch::linalg_solve_triangular(r, u.t(), /*upper=*/false).t();
  const double h = static_cast<double>(spec_.latent);
  auto logdet = log_sigma2.sum(1) + 2.0 * r.diagonal().log().sum();
  return -0.5 * (h * kLog2Pi + logdet + v.pow(2).sum(1));
}

torch::Tensor Hebae::nelbo(const Batch& batch) {
  Posterior q = encode(batch);
  auto z = sample_posterior(q);
  auto log_sigma2 = q.logvar - running_cov_.diagonal().log().unsqueeze(0);
  auto r = running_cholesky();
  // KL(N(mu, D Sigma D) || N(0, I)) = 1/2 (tr(D Sigma D) + mu^T mu - H - log|D Sigma D|).
  auto trace = (log_sigma2.exp() * running_cov_.diagonal().unsqueeze(0)).sum(1);
  auto logdet = log_sigma2.sum(1) + 2.0 * r.diagonal().log().sum();
  auto kl = 0.5 * (trace + q.mu.pow(2).sum(1) - static_cast<double>(spec_.latent) - logdet);
  return -log_likelihood(batch, z) + kl;
}

torch::Tensor Hebae::prior_variance() const { return running_cov_.detach().diagonal().clamp_min(1e-12).clone(); }

PriorScale Hebae::prior_scale(const torch::Tensor& z, int64_t /*component*/) {
  PriorScale p;
  const auto centre = running_mean_.detach().to(z.device(), z.scalar_type());
  const auto sd = prior_variance().sqrt().to(z.device(), z.scalar_type());
  p.centre = centre.unsqueeze(0).expand_as(z).contiguous();
  p.scale = sd.unsqueeze(0).expand_as(z).contiguous();
  p.units = {"empirical prior of the codes (running beta, diag Sigma)"};
  return p;
}

torch::Tensor Hebae::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) {
  return spec_.likelihood.mean(decoder_output(z));
}

torch::Tensor Hebae::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  return -spec_.likelihood.nll(batch.x, decoder_output(z));
}

LossTerms Hebae::loss(const Batch& batch, const StepInfo& /*info*/) {
  Posterior q = encode_raw(batch);
  EmpiricalPrior prior = empirical_prior(q.mu, options_.jitter);
  auto eps = torch::randn_like(q.mu);
  auto z = q.mu + (0.5 * q.logvar).exp() * eps.matmul(prior.cholesky.t());
  auto recon = spec_.likelihood.nll(batch.x, decoder_output(z)).mean();
  LossTerms out;
  out.total = recon + options_.lambda * prior.bracket;
  out.add("recon", recon.detach());
  out.add("kl_bracket", prior.bracket.detach());
  if (is_training()) {
    torch::NoGradGuard no_grad;
    const double m = options_.running_momentum;
    running_mean_.mul_(1.0 - m).add_(prior.mean.detach() * m);
    running_cov_.mul_(1.0 - m).add_(prior.cov.detach() * m);
  }
  return out;
}

}  // namespace vaelab
