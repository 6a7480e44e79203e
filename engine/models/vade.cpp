#include "models/vade.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "stats/consensus_partition.h"
#include "stats/kmeans.h"
#include "stats/tsne.h"
#include "core/json_fields.h"
#include "core/error.h"
#include "core/step_cancellation.h"
#include "stats/gmm_em.h"
#include "stats/gmm_label_refinement.h"
#include "models/divergence.h"

namespace vaelab {

namespace {
constexpr double kLog2Pi = 1.8378770664093453;
}

VadeOptions VadeOptions::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options", {"clusters", "pretrain_epochs", "init_samples", "init_seed", "pretrain",
                               "pretrain_noise", "init", "init_em_iterations", "init_perplexity", "init_maps",
                               "init_refine_steps"});
  VadeOptions o;
  o.clusters = jf::integer(j, "options", "clusters", o.clusters);
  if (o.clusters < 1) throw Error("preset key \"options.clusters\": must be >= 1");
  o.pretrain_epochs = jf::integer(j, "options", "pretrain_epochs", o.pretrain_epochs);
  if (o.pretrain_epochs < 0) throw Error("preset key \"options.pretrain_epochs\": must be >= 0");
  o.init_samples = jf::integer(j, "options", "init_samples", o.init_samples);
  if (o.init_samples < o.clusters)
    throw Error("preset key \"options.init_samples\": must be >= options.clusters");
  const int64_t seed = jf::integer(j, "options", "init_seed", 0);
  if (seed < 0) throw Error("preset key \"options.init_seed\": must be >= 0");
  o.init_seed = static_cast<uint64_t>(seed);
  o.pretrain = jf::choice(j, "options", "pretrain", o.pretrain, {"ae", "dae", "vae"});
  o.pretrain_noise = jf::number(j, "options", "pretrain_noise", o.pretrain_noise);
  if (!(o.pretrain_noise >= 0 && o.pretrain_noise < 1))
    throw Error("preset key \"options.pretrain_noise\": must be in [0, 1)");
  o.init = jf::choice(j, "options", "init", o.init, {"kmeans", "tsne"});
  o.init_em_iterations = jf::integer(j, "options", "init_em_iterations", o.init_em_iterations);
  if (o.init_em_iterations < 0) throw Error("preset key \"options.init_em_iterations\": must be >= 0");
  o.init_perplexity = jf::number(j, "options", "init_perplexity", o.init_perplexity);
  if (!(o.init_perplexity >= 1.0)) throw Error("preset key \"options.init_perplexity\": must be >= 1");
  o.init_maps = jf::integer(j, "options", "init_maps", o.init_maps);
  if (o.init_maps < 1) throw Error("preset key \"options.init_maps\": must be >= 1");
  o.init_refine_steps = jf::integer(j, "options", "init_refine_steps", o.init_refine_steps);
  if (o.init_refine_steps < 0) throw Error("preset key \"options.init_refine_steps\": must be >= 0");
  return o;
}

Vade::Vade(const ModelSpec& spec, const VadeOptions& options) : spec_(spec), options_(options) {
  if (spec.latent <= 0) throw Error("preset key \"latent\": must be > 0");
  const int64_t k = options.clusters, h = spec.latent;
  encoder_ = register_module("encoder", make_encoder(spec.architecture, spec.shape, 2 * h));
  decoder_ = register_module("decoder", make_decoder(spec.architecture, h, spec.shape));
  // Before initialisation: uniform weights, unit variances, means spread a little (never used for the
  // loss while pre-training; keeps nelbo()/log_prior() defined).
  pi_logits_ = register_parameter("pi_logits", torch::zeros({k}));
  mu_c_ = register_parameter("mu_c", 0.1 * torch::randn({k, h}));
  logvar_c_ = register_parameter("logvar_c", torch::zeros({k, h}));
  initialized_ = register_buffer("prior_initialized", torch::zeros({}));
}

Posterior Vade::encode(const Batch& batch) {
  auto h = encoder_->forward(batch.x).chunk(2, 1);
  return {h[0], h[1]};
}

torch::Tensor Vade::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) {
  return spec_.likelihood.mean(decoder_output(z));
}

torch::Tensor Vade::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  return -spec_.likelihood.nll(batch.x, decoder_output(z));
}

bool Vade::prior_initialized() const { return initialized_.item<float>() > 0.5f; }

torch::Tensor Vade::mixture_weights() { return torch::softmax(pi_logits_, 0); }

torch::Tensor Vade::log_joint_clusters(const torch::Tensor& z) {
  // {B, 1, H} against {K, H}: B x K x H is small for the latent sizes used here.
  const auto d = z.unsqueeze(1) - mu_c_.unsqueeze(0);
  const auto log_n = -0.5 * (kLog2Pi + logvar_c_.unsqueeze(0) + d.pow(2) * (-logvar_c_).exp().unsqueeze(0)).sum(2);
  return torch::log_softmax(pi_logits_, 0).unsqueeze(0) + log_n;
}

torch::Tensor Vade::responsibilities(const torch::Tensor& z) { return torch::softmax(log_joint_clusters(z), 1); }

torch::Tensor Vade::log_prior(const torch::Tensor& z) { return torch::logsumexp(log_joint_clusters(z), 1); }

torch::Tensor Vade::prior_variance() const {
  torch::NoGradGuard no_grad;
  const auto pi = torch::softmax(pi_logits_.detach(), 0).unsqueeze(1);  // {K, 1}
  const auto mu = mu_c_.detach(), var = logvar_c_.detach().exp();
  const auto mean = (pi * mu).sum(0);
  return ((pi * (var + mu.pow(2))).sum(0) - mean.pow(2)).clamp_min(1e-12);
}

PriorScale Vade::prior_scale(const torch::Tensor& z, int64_t component) {
  torch::NoGradGuard no_grad;
  if (component >= options_.clusters)
    throw Error(fmt::format("vade: cluster {} does not exist (the prior has {})", component, options_.clusters));
  PriorScale p;
  torch::Tensor centre, sd;
  if (component >= 0) {
    centre = mu_c_.detach()[component];
    sd = (0.5 * logvar_c_.detach()[component]).exp();
    p.units = {fmt::format("cluster {} of the VaDE mixture", component)};
  } else {
    const auto pi = torch::softmax(pi_logits_.detach(), 0).unsqueeze(1);
    centre = (pi * mu_c_.detach()).sum(0);
    sd = prior_variance().sqrt();
    p.units = {"VaDE mixture (its mean and sd per dimension)"};
  }
  p.centre = centre.to(z.device(), z.scalar_type()).unsqueeze(0).expand_as(z).contiguous();
  p.scale = sd.to(z.device(), z.scalar_type()).unsqueeze(0).expand_as(z).contiguous();
  return p;
}

torch::Tensor Vade::sample_prior(int64_t n, const torch::Tensor& /*y*/, const c10::optional<at::Generator>& generator) {
  // c and the noise: from a caller's generator on the CPU, else from the global stream on the model's device.
  const torch::Device where = generator ? torch::Device(torch::kCPU) : mu_c_.device();
  const auto c = torch::multinomial(mixture_weights().detach().to(where), n, /*replacement=*/true, generator);
  const auto mu = mu_c_.detach().to(where).index_select(0, c);
  const auto sd = (0.5 * logvar_c_.detach()).exp().to(where).index_select(0, c);
  return (mu + sd * torch::randn(mu.sizes(), generator, mu.options())).to(mu_c_.device());
}

torch::Tensor Vade::prior_kl(const Posterior& q, const torch::Tensor& gamma) {
  const auto var = q.logvar.exp().unsqueeze(1);  // {B, 1, H}
  const auto mu = q.mu.unsqueeze(1);
  const auto inv_c = (-logvar_c_).exp().unsqueeze(0);  // {1, K, H}
  // E_q log q(z|x) - E_q(z) sum_c gamma_c log p(z|c), without the cancelling log 2 pi.
  const auto cross = (logvar_c_.unsqueeze(0) + var * inv_c + (mu - mu_c_.unsqueeze(0)).pow(2) * inv_c).sum(2);  // {B, K}
  const auto gauss = 0.5 * (gamma * cross).sum(1) - 0.5 * (1.0 + q.logvar).sum(1);
  const auto log_pi = torch::log_softmax(pi_logits_, 0).unsqueeze(0);
  const auto cat = (gamma * (gamma.clamp_min(1e-10).log() - log_pi)).sum(1);  // KL(gamma || pi)
  return gauss + cat;
}

torch::Tensor Vade::cluster_probabilities(const torch::Tensor& x) {
  Batch b;
  b.x = x;
  return responsibilities(encode(b).mu);
}

torch::Tensor Vade::nelbo(const Batch& batch) {
  const Posterior q = encode(batch);
  const auto z = sample_posterior(q);
  return -log_likelihood(batch, z) + prior_kl(q, responsibilities(z));
}

void Vade::keep_codes(const torch::Tensor& mu) {
  kept_codes_.push_back(mu.detach().to(torch::kCPU).clone());
  kept_rows_ += mu.size(0);
  while (!kept_codes_.empty() && kept_rows_ - kept_codes_.front().size(0) >= options_.init_samples) {
    kept_rows_ -= kept_codes_.front().size(0);
    kept_codes_.pop_front();
  }
}

void Vade::initialize_prior(const torch::Tensor& codes_in, const std::function<bool()>& keep_going) {
  const int64_t k = options_.clusters;
  if (!codes_in.defined() || codes_in.dim() != 2 || codes_in.size(1) != spec_.latent)
    throw Error(fmt::format("vade: initialize_prior needs codes {{N, {}}}", spec_.latent));
  if (codes_in.size(0) < k)
    throw Error(fmt::format("vade: initialize_prior needs at least {} codes (one per cluster), got {}", k,
                            codes_in.size(0)));
  torch::NoGradGuard no_grad;
  const auto codes = codes_in.detach().to(torch::kCPU, torch::kFloat);
  torch::Tensor groups;
  if (options_.init == "tsne") {
    // Groups found in a 2-D t-SNE map of the codes (the manifold-learning step of N2D, McConville et
    // al. 2019): k-means separates the map's islands far better than the raw 10-D codes.
    TsneOptions to;
    to.max_points = codes.size(0);
    to.perplexity = options_.init_perplexity;
    TsneProgress progress;
    if (keep_going) progress = [&keep_going](int64_t, int64_t, const std::string&) { return keep_going(); };
    std::vector<torch::Tensor> candidates;
    for (int64_t m = 0; m < options_.init_maps; ++m) {
      to.seed = options_.init_seed + static_cast<uint64_t>(m);
      const TsneResult map = tsne(codes, to, progress);
      candidates.push_back(kmeans_best_of(map.embedding, k, to.seed, kKMeansRestarts).assignments);
    }
    groups = candidates[medoid_partition(candidates)];
  } else {
    groups = kmeans_best_of(codes, k, options_.init_seed, kKMeansRestarts).assignments;
  }
  GmmOptions go;
  go.max_iter = options_.init_em_iterations;
  GaussianMixture gmm = fit_gaussian_mixture(codes, groups, k, go);
  if (options_.init_refine_steps > 0) {
    LabelRefinementOptions ro;
    ro.steps = options_.init_refine_steps;
    gmm = refine_mixture_to_labels(gmm, codes, groups, ro);
  }
  const auto opts = mu_c_.options();
  pi_logits_.copy_(gmm.weights.log().to(opts.device(), opts.dtype()));
  mu_c_.copy_(gmm.means.to(opts.device(), opts.dtype()));
  logvar_c_.copy_(gmm.variances.log().to(opts.device(), opts.dtype()));
  initialized_.fill_(1.0);
  // The kept codes stay: when the trainer's divergence guard rolls back the step that initialised the
  // prior (restoring prior_initialized = 0), the next step fits the same codes again.
}

LossTerms Vade::loss(const Batch& batch, const StepInfo& info) {
  const Posterior q = encode(batch);
  LossTerms out;
  if (!prior_initialized()) {
    const bool switch_now = is_training() && info.epoch >= options_.pretrain_epochs;
    if (!switch_now) {
      if (is_training()) keep_codes(q.mu);
      torch::Tensor recon, total;
      if (options_.pretrain == "vae") {
        const auto z = sample_posterior(q);
        recon = spec_.likelihood.nll(batch.x, decoder_output(z)).mean();
        total = recon + kl_standard_normal(q.mu, q.logvar).mean();
      } else if (options_.pretrain == "dae" && is_training()) {
        // Codes are kept from the clean input (above); the denoising loss uses the corrupted one.
        Batch noisy{torch::dropout(batch.x, options_.pretrain_noise, /*train=*/true) * (1.0 - options_.pretrain_noise), {}};
        recon = spec_.likelihood.nll(batch.x, decoder_output(encode(noisy).mu)).mean();
        total = recon;
      } else {
        recon = spec_.likelihood.nll(batch.x, decoder_output(q.mu)).mean();
        total = recon;
      }
      out.total = total;
      out.add("recon", recon.detach());
      out.add("kl", torch::zeros({}, q.mu.options()));
      out.add("pretrain", torch::ones({}, q.mu.options()));
      return out;
    }
    std::vector<torch::Tensor> parts(kept_codes_.begin(), kept_codes_.end());
    parts.push_back(q.mu.detach().to(torch::kCPU));  // at least the current batch
    initialize_prior(torch::cat(parts, 0), [] { return !step_should_stop(); });
  }
  const auto z = sample_posterior(q);
  const auto recon = spec_.likelihood.nll(batch.x, decoder_output(z)).mean();
  const auto kl = prior_kl(q, responsibilities(z)).mean();
  out.total = recon + kl;
  out.add("recon", recon.detach());
  out.add("kl", kl.detach());
  out.add("pretrain", torch::zeros({}, q.mu.options()));
  return out;
}

}  // namespace vaelab
