#include "models/noise_vae.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"

namespace vaelab {

namespace {
constexpr double kLog2Pi = 1.8378770664093453;

// The mixture on squared residuals r2, one tensor of r2's shape per component. The K components are kept
// as K tensors rather than a trailing dimension of size K: LibTorch's CPU softmax and logsumexp over a
// size-2 last dimension cost more than the rest of a noise-VAE step (bench_variant_throughput), while K
// element-wise passes over r2 are vectorised.
struct MixtureOnResiduals {
  std::vector<torch::Tensor> log_joint;  // log pi_k + log N(r; 0, sigma2_k)
  torch::Tensor log_density;             // log sum_k pi_k N(r; 0, sigma2_k)
  std::vector<torch::Tensor> gamma;      // responsibilities (only when asked for)
};

MixtureOnResiduals mixture_on_residuals(const torch::Tensor& r2, const torch::Tensor& pi, const torch::Tensor& sigma2,
                                        bool with_gamma) {
  MixtureOnResiduals m;
  const int64_t k = pi.size(0);
  const auto c = pi.log() - 0.5 * (kLog2Pi + sigma2.log());  // {K}
  const auto h = 0.5 / sigma2;                               // {K}
  for (int64_t i = 0; i < k; ++i) m.log_joint.push_back(torch::addcmul(c[i], r2, h[i], -1.0));
  if (k == 1) {
    m.log_density = m.log_joint[0];
    if (with_gamma) m.gamma.push_back(torch::ones_like(r2));
    return m;
  }
  auto top = m.log_joint[0];
  for (int64_t i = 1; i < k; ++i) top = torch::maximum(top, m.log_joint[i]);
  std::vector<torch::Tensor> e;
  torch::Tensor total;
  for (int64_t i = 0; i < k; ++i) {
    e.push_back((m.log_joint[i] - top).exp_());
    total = i == 0 ? e[0].clone() : total.add_(e[i]);
  }
  m.log_density = total.log().add_(top);
  if (with_gamma) {
    for (int64_t i = 0; i < k; ++i) m.gamma.push_back(e[i].div_(total));
  }
  return m;
}

struct EmOnResiduals {
  std::vector<torch::Tensor> gamma;      // responsibilities under the (pi, sigma2) given
  std::vector<torch::Tensor> log_joint;  // under the (pi, sigma2) given
  torch::Tensor log_density;             // under the (pi, sigma2) given
  torch::Tensor n;                   // {K}: sum of gamma_k
  torch::Tensor pi, sigma2;          // {K}: after the M-step
};

EmOnResiduals em_on_residuals(const torch::Tensor& r2, const torch::Tensor& pi, const torch::Tensor& sigma2,
                              double min_sigma2, double max_sigma2) {
  torch::NoGradGuard no_grad;
  auto m = mixture_on_residuals(r2, pi, sigma2, /*with_gamma=*/true);
  const int64_t k = pi.size(0);
  const auto r2_flat = r2.reshape({-1});
  std::vector<torch::Tensor> n_k, weighted;
  for (int64_t i = 0; i < k; ++i) {
    const auto g = m.gamma[i].reshape({-1});
    n_k.push_back(g.sum());
    weighted.push_back(torch::dot(g, r2_flat));
  }
  EmOnResiduals out;
  out.n = torch::stack(n_k);
  const auto w = torch::stack(weighted);
  out.pi = (out.n / out.n.sum()).clamp_min(1e-10);  // log pi_k stays finite
  out.pi = out.pi / out.pi.sum();
  // A component with no mass keeps its variance (0/0 otherwise).
  out.sigma2 = torch::where(out.n > 1e-12, w / out.n.clamp_min(1e-12), sigma2).clamp(min_sigma2, max_sigma2);
  out.gamma = std::move(m.gamma);
  out.log_joint = std::move(m.log_joint);
  out.log_density = std::move(m.log_density);
  return out;
}
}  // namespace

NoiseVaeOptions NoiseVaeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options", {"noise", "components", "beta", "sigma2_update", "sigma2_init", "min_sigma2",
                               "decoder_output", "noise_warmup_steps", "max_sigma2"});
  NoiseVaeOptions o;
  o.noise = jf::choice(j, "options", "noise", o.noise, {"gaussian", "mog"});
  o.components = jf::integer(j, "options", "components", o.components);
  if (o.components < 1 || o.components > 16) throw Error("preset key \"options.components\": must be 1..16");
  o.beta = jf::number(j, "options", "beta", o.beta);
  if (!(o.beta >= 0)) throw Error("preset key \"options.beta\": must be >= 0");
  o.sigma2_update = jf::choice(j, "options", "sigma2_update", o.sigma2_update, {"closed_form", "gradient"});
  if (o.noise == "mog" && o.sigma2_update == "gradient") {
    throw Error("preset key \"options.sigma2_update\": \"gradient\" is for noise \"gaussian\"; mog uses EM");
  }
  o.sigma2_init = jf::number(j, "options", "sigma2_init", o.sigma2_init);
  if (!(o.sigma2_init > 0)) throw Error("preset key \"options.sigma2_init\": must be > 0");
  o.min_sigma2 = jf::number(j, "options", "min_sigma2", o.min_sigma2);
  if (!(o.min_sigma2 > 0)) throw Error("preset key \"options.min_sigma2\": must be > 0");
  o.decoder_output = jf::choice(j, "options", "decoder_output", o.decoder_output, {"sigmoid", "identity"});
  if (j.contains("max_sigma2")) {
    o.max_sigma2 = jf::number(j, "options", "max_sigma2", o.max_sigma2);
    if (!(o.max_sigma2 >= o.min_sigma2)) throw Error("preset key \"options.max_sigma2\": must be >= min_sigma2");
  }
  o.noise_warmup_steps = jf::integer(j, "options", "noise_warmup_steps", o.noise_warmup_steps);
  if (o.noise_warmup_steps < 0) throw Error("preset key \"options.noise_warmup_steps\": must be >= 0");
  if (o.noise != "mog" && o.noise_warmup_steps > 0) {
    throw Error("preset key \"options.noise_warmup_steps\": is for noise \"mog\"");
  }
  return o;
}

torch::Tensor mixture_log_density(const torch::Tensor& r, const torch::Tensor& pi, const torch::Tensor& sigma2) {
  return mixture_on_residuals(r.pow(2), pi, sigma2, /*with_gamma=*/false).log_density;
}

NoiseEmStep noise_em_step(const torch::Tensor& r_in, const torch::Tensor& pi, const torch::Tensor& sigma2,
                          double min_sigma2, double max_sigma2) {
  torch::NoGradGuard no_grad;
  auto em = em_on_residuals(r_in.detach().pow(2), pi, sigma2, min_sigma2, max_sigma2);
  NoiseEmStep out;
  out.gamma = torch::stack(em.gamma, -1);
  out.pi = em.pi;
  out.sigma2 = em.sigma2;
  return out;
}

NoiseVae::NoiseVae(const ModelSpec& spec, const NoiseVaeOptions& options) : spec_(spec), options_(options) {
  if (spec.latent <= 0) throw Error("preset key \"latent\": must be > 0");
  encoder_ = register_module("encoder", make_encoder(spec.architecture, spec.shape, 2 * spec.latent));
  decoder_ = register_module("decoder", make_decoder(spec.architecture, spec.latent, spec.shape));
  const int64_t k = options.k();
  auto init = torch::empty({k});
  for (int64_t i = 0; i < k; ++i) init[i] = options.sigma2_init * std::pow(0.1, static_cast<double>(i));
  if (options.sigma2_update == "gradient") {
    log_sigma_ = register_parameter("log_sigma", torch::full({1}, 0.5 * std::log(options.sigma2_init)));
  } else {
    sigma2_ = register_buffer("sigma2", init);
  }
  pi_ = register_buffer("pi", torch::full({k}, 1.0 / static_cast<double>(k)));
}

Posterior NoiseVae::encode(const Batch& batch) {
  auto h = encoder_->forward(batch.x).chunk(2, 1);
  return {h[0], h[1]};
}

torch::Tensor NoiseVae::mean_of(const torch::Tensor& z) {
  auto out = decoder_->forward(z);
  return options_.decoder_output == "sigmoid" ? torch::sigmoid(out) : out;
}

torch::Tensor NoiseVae::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) { return mean_of(z); }

torch::Tensor NoiseVae::sigma2_for_loss() const {
  return log_sigma_.defined() ? (2.0 * log_sigma_).exp() : sigma2_;
}

torch::Tensor NoiseVae::noise_variances() const { return sigma2_for_loss().detach(); }

torch::Tensor NoiseVae::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  auto r = batch.x - mean_of(z);
  return mixture_log_density(r, pi_, sigma2_for_loss()).flatten(1).sum(1);
}

torch::Tensor NoiseVae::membership(const Batch& batch) {
  torch::NoGradGuard no_grad;
  auto r = batch.x - mean_of(encode(batch).mu);
  return torch::stack(mixture_on_residuals(r.pow(2), pi_, sigma2_for_loss(), false).log_joint, -1).argmax(-1);
}

NoiseEmStep noise_quantile_split(const torch::Tensor& r_in, int64_t k, double min_sigma2, double max_sigma2) {
  torch::NoGradGuard no_grad;
  auto r2 = r_in.detach().reshape({-1}).pow(2).to(torch::kFloat64);
  auto sorted = std::get<0>(r2.sort());
  const int64_t n = sorted.size(0);
  NoiseEmStep out;
  out.pi = torch::empty({k}, torch::kFloat64);
  out.sigma2 = torch::empty({k}, torch::kFloat64);
  for (int64_t i = 0; i < k; ++i) {
    const int64_t lo = n * i / k;
    const int64_t hi = std::max(lo + 1, n * (i + 1) / k);
    out.sigma2[i] = sorted.slice(0, lo, hi).mean().clamp(min_sigma2, max_sigma2);
    out.pi[i] = static_cast<double>(hi - lo) / static_cast<double>(n);
  }
  out.pi = (out.pi / out.pi.sum()).to(r_in.scalar_type()).to(r_in.device());
  out.sigma2 = out.sigma2.to(r_in.scalar_type()).to(r_in.device());
  return out;
}

LossTerms NoiseVae::loss(const Batch& batch, const StepInfo& info) {
  Posterior q = encode(batch);
  auto z = sample_posterior(q);
  auto r = batch.x - mean_of(z);
  auto kl = kl_standard_normal(q.mu, q.logvar).mean();
  const bool mog = options_.noise == "mog";
  const double d = static_cast<double>(batch.x[0].numel());
  const auto r2 = r.detach().pow(2);

  torch::Tensor network;  // per-sample noise part of the network-step loss
  const bool warming_up = mog && is_training() && info.step < options_.noise_warmup_steps;
  if (warming_up) {
    // One Gaussian with the closed-form variance, held by every component (a mixture of equal Gaussians
    // is that Gaussian); on the last warm-up step the components are split by residual quantile.
    const auto s2 = r2.mean().clamp_min(options_.min_sigma2);
    {
      torch::NoGradGuard no_grad;
      if (info.step + 1 == options_.noise_warmup_steps) {
        NoiseEmStep split = noise_quantile_split(r, options_.components, options_.min_sigma2, options_.max_sigma2);
        pi_.copy_(split.pi);
        sigma2_.copy_(split.sigma2);
      } else {
        pi_.fill_(1.0 / static_cast<double>(options_.components));
        sigma2_.copy_(s2.expand_as(sigma2_));
      }
    }
    network = (r.pow(2).flatten(1).sum(1) / (2.0 * s2) + 0.5 * d * (kLog2Pi + s2.log())).mean();
  } else if (!mog) {
    if (is_training() && !log_sigma_.defined()) {
      torch::NoGradGuard no_grad;
      sigma2_.fill_(r2.mean().clamp_min(options_.min_sigma2));
    }
    auto s2 = sigma2_for_loss();  // {1}
    network = (r.pow(2).flatten(1).sum(1) / (2.0 * s2) + 0.5 * d * (kLog2Pi + s2.log())).mean();
  } else {
    // Network step on the expected complete-data loss: responsibilities gamma_k from the E-step under the
    // old (pi, sigma2), then the M-step's (pi', sigma2'); per pixel
    //   sum_k gamma_k [r^2 / (2 sigma2'_k) + (log 2 pi + log sigma2'_k) / 2 - log pi'_k + log gamma_k]
    //   = r^2 W + sum_k gamma_k (log gamma_k - c'_k),  W = sum_k gamma_k / (2 sigma2'_k),
    //   c'_k = log pi'_k - (log 2 pi + log sigma2'_k) / 2,
    // and only r^2 W carries a gradient.
    EmOnResiduals em = em_on_residuals(r2, pi_, sigma2_, options_.min_sigma2, options_.max_sigma2);
    if (is_training()) {
      torch::NoGradGuard no_grad;
      pi_.copy_(em.pi);
      sigma2_.copy_(em.sigma2);
    }
    torch::Tensor weight, rest;
    {
      torch::NoGradGuard no_grad;
      const auto c = pi_.log() - 0.5 * (kLog2Pi + sigma2_.log());
      const auto h = 0.5 / sigma2_;
      rest = -(c * em.n).sum();
      for (int64_t i = 0; i < options_.components; ++i) {
        weight = i == 0 ? em.gamma[0] * h[0] : weight.add_(em.gamma[i] * h[i]);
        // gamma_k log gamma_k with log gamma_k = log_joint_k - log_density (0 where gamma_k underflows to 0).
        rest = rest + torch::dot(em.gamma[i].reshape({-1}), (em.log_joint[i] - em.log_density).reshape({-1}));
      }
      rest = rest / static_cast<double>(r.size(0));
    }
    network = (r.pow(2) * weight).flatten(1).sum(1).mean() + rest;
  }
  torch::Tensor recon;
  {
    torch::NoGradGuard no_grad;
    const auto fitted = mixture_on_residuals(r2, pi_, sigma2_for_loss().detach(), /*with_gamma=*/false);
    recon = -fitted.log_density.flatten(1).sum(1).mean();
  }

  LossTerms out;
  out.total = network + options_.beta * kl;
  out.add("recon", recon);
  out.add("kl", kl.detach());
  auto s2 = noise_variances();
  if (!mog) {
    out.add("sigma2", s2[0].clone());
  } else {
    for (int64_t k = 0; k < options_.components; ++k) out.add(fmt::format("sigma2_{}", k), s2[k].clone());
    for (int64_t k = 0; k < options_.components; ++k) out.add(fmt::format("pi_{}", k), pi_[k].clone());
  }
  out.add("evlb", -(recon + kl.detach()));
  return out;
}

}  // namespace vaelab
