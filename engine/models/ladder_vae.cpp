#include "models/ladder_vae.h"

#include <fmt/format.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/divergence.h"
#include "models/kl_warmup.h"

namespace vaelab {

namespace {
constexpr double kVarianceFloor = 1e-6;

// softplus(raw) + floor: the lecture's sigma^2 = Softplus(Linear(d)), kept away from 0.
torch::Tensor positive_variance(const torch::Tensor& raw) {
  return torch::nn::functional::softplus(raw) + kVarianceFloor;
}

GaussianEstimate head(const torch::Tensor& out) {
  auto parts = out.chunk(2, 1);
  return {parts[0], positive_variance(parts[1])};
}

GaussianEstimate standard_normal_like(const torch::Tensor& t) { return {torch::zeros_like(t), torch::ones_like(t)}; }

torch::Tensor sample(const GaussianEstimate& g) { return g.mu + g.var.sqrt() * torch::randn_like(g.mu); }

torch::Tensor sample(const GaussianEstimate& g, const c10::optional<at::Generator>& generator) {
  if (!generator) return sample(g);
  const auto eps = torch::randn(g.mu.sizes(), *generator, torch::TensorOptions().dtype(g.mu.scalar_type()));
  return g.mu + g.var.sqrt() * eps.to(g.mu.device());
}

// Seeds of the generators the Ladder's own draws use (views and indicators must not consume torch's
// global stream, which a seeded training run depends on).
constexpr uint64_t kPriorVarianceSeed = 0x1add3f;
constexpr uint64_t kIndicatorSeed = 0x1add3e;
constexpr int64_t kPriorVarianceDraws = 4096;

torch::Tensor log_density(const torch::Tensor& z, const GaussianEstimate& g) {
  return log_normal_diag(z, g.mu, g.var.log());
}
}  // namespace

GaussianEstimate merge_by_precision(const GaussianEstimate& data, const GaussianEstimate& prior) {
  const auto prec_q = data.var.reciprocal(), prec_p = prior.var.reciprocal();
  const auto var = (prec_q + prec_p).reciprocal();
  return {(data.mu * prec_q + prior.mu * prec_p) * var, var};
}

torch::Tensor kl_diagonal_gaussians(const GaussianEstimate& a, const GaussianEstimate& b) {
  return 0.5 * (b.var.log() - a.var.log() + (a.var + (a.mu - b.mu).pow(2)) / b.var - 1.0).sum(-1);
}

LadderVaeOptions LadderVaeOptions::from_json(const nlohmann::json& j, int64_t latent) {
  namespace jf = json_fields;
  jf::require_object(j, "options");
  jf::only_keys(j, "options",
                {"sizes", "layers", "deterministic", "top_down_hidden", "beta", "warmup_steps", "decode_from"});
  LadderVaeOptions o;
  const int64_t layers = jf::integer(j, "options", "layers", j.contains("sizes") ? 0 : 2);
  std::vector<int64_t> sizes;
  for (int64_t l = 0, s = latent; l < std::max<int64_t>(layers, 1); ++l, s = std::max<int64_t>(1, s / 2)) sizes.push_back(s);
  o.sizes = jf::integers(j, "options", "sizes", sizes);
  if (o.sizes.empty()) throw Error("preset key \"options.sizes\": needs at least one layer");
  if (layers > 0 && static_cast<int64_t>(o.sizes.size()) != layers)
    throw Error(fmt::format("preset key \"options.layers\": {} but options.sizes lists {} layers", layers, o.sizes.size()));
  for (auto s : o.sizes)
    if (s < 1) throw Error("preset key \"options.sizes\": every size must be >= 1");
  const auto n = static_cast<int64_t>(o.sizes.size());
  std::vector<int64_t> widths;
  for (int64_t l = 0, w = 256; l < n; ++l, w = std::max<int64_t>(32, w / 2)) widths.push_back(w);
  o.deterministic = jf::integers(j, "options", "deterministic", widths);
  if (static_cast<int64_t>(o.deterministic.size()) != n)
    throw Error(fmt::format("preset key \"options.deterministic\": needs one width per layer ({})", n));
  for (auto w : o.deterministic)
    if (w < 1) throw Error("preset key \"options.deterministic\": every width must be >= 1");
  o.top_down_hidden = jf::integer(j, "options", "top_down_hidden", o.top_down_hidden);
  if (o.top_down_hidden < 1) throw Error("preset key \"options.top_down_hidden\": must be >= 1");
  o.beta = jf::number(j, "options", "beta", o.beta);
  if (!(o.beta >= 0)) throw Error("preset key \"options.beta\": must be >= 0");
  o.warmup_steps = jf::integer(j, "options", "warmup_steps", o.warmup_steps);
  if (o.warmup_steps < 0) throw Error("preset key \"options.warmup_steps\": must be >= 0");
  o.decode_from = jf::integer(j, "options", "decode_from", o.decode_from);
  if (o.decode_from < 1 || o.decode_from > n)
    throw Error(fmt::format("preset key \"options.decode_from\": must be a layer in [1, {}]", n));
  return o;
}

LadderVae::LadderVae(const ModelSpec& spec, const LadderVaeOptions& options) : spec_(spec), options_(options) {
  const auto n = static_cast<int64_t>(options.sizes.size());
  if (n < 1 || static_cast<int64_t>(options.deterministic.size()) != n)
    throw Error("ladder-vae: sizes and deterministic widths must list the same, non-zero number of layers");
  for (auto s : options.sizes) latent_dim_ += s;
  for (int64_t l = 0; l < n; ++l) {
    const int64_t w = options.deterministic[l];
    auto trunk = l == 0 ? make_encoder(spec.architecture, spec.shape, w)
                        : make_mlp(options.deterministic[l - 1], {}, w, spec.architecture.activation);
    bottom_up_.push_back(register_module(fmt::format("bottom_up_{}", l + 1), trunk));
    q_heads_.push_back(register_module(fmt::format("q_head_{}", l + 1),
                                       torch::nn::Linear(w, 2 * options.sizes[l])));
    if (l + 1 < n)
      top_down_.push_back(register_module(
          fmt::format("top_down_{}", l + 1),
          make_mlp(options.sizes[l + 1], {options.top_down_hidden}, 2 * options.sizes[l], spec.architecture.activation)));
  }
  decoder_ = register_module("decoder", make_decoder(spec.architecture, options.sizes[0], spec.shape));
}

std::vector<LatentGroup> LadderVae::latent_groups() const {
  std::vector<LatentGroup> g;
  int64_t offset = 0;
  for (size_t l = 0; l < options_.sizes.size(); ++l) {
    g.push_back({fmt::format("z{}", l + 1), offset, options_.sizes[l]});
    offset += options_.sizes[l];
  }
  return g;
}

torch::Tensor LadderVae::activate(const torch::Tensor& t) const {
  namespace F = torch::nn::functional;
  const auto& a = spec_.architecture.activation;
  if (a == "leaky_relu") return F::leaky_relu(t, F::LeakyReLUFuncOptions().negative_slope(0.2));
  if (a == "tanh") return torch::tanh(t);
  if (a == "elu") return F::elu(t);
  return torch::relu(t);
}

std::vector<torch::Tensor> LadderVae::split(const torch::Tensor& z) const {
  if (z.dim() != 2 || z.size(1) != latent_dim_)
    throw Error(fmt::format("ladder-vae: codes must be {{B, {}}} (layers z1..z{} concatenated)", latent_dim_,
                            options_.sizes.size()));
  return z.split_with_sizes(options_.sizes, 1);
}

GaussianEstimate LadderVae::top_down(int64_t l, const torch::Tensor& z_above) {
  return head(top_down_[l]->forward(z_above));
}

LadderVae::Pass LadderVae::run(const torch::Tensor& x, bool draw, const c10::optional<at::Generator>& generator) {
  const auto n = static_cast<int64_t>(options_.sizes.size());
  std::vector<GaussianEstimate> data(n);
  torch::Tensor d = x;
  for (int64_t l = 0; l < n; ++l) {
    d = activate(bottom_up_[l]->forward(d));
    data[l] = head(q_heads_[l]->forward(d));
  }
  Pass p;
  p.posterior.resize(n);
  p.prior.resize(n);
  p.z.resize(n);
  p.posterior[n - 1] = data[n - 1];
  p.z[n - 1] = draw ? sample(data[n - 1], generator) : data[n - 1].mu;
  for (int64_t l = n - 2; l >= 0; --l) {
    p.prior[l] = top_down(l, p.z[l + 1]);
    p.posterior[l] = merge_by_precision(data[l], p.prior[l]);
    p.z[l] = draw ? sample(p.posterior[l], generator) : p.posterior[l].mu;
  }
  return p;
}

Posterior LadderVae::encode(const Batch& batch) {
  const Pass p = run(batch.x, /*sample=*/false);
  std::vector<torch::Tensor> mu, logvar;
  for (const auto& g : p.posterior) {
    mu.push_back(g.mu);
    logvar.push_back(g.var.log());
  }
  return {torch::cat(mu, 1), torch::cat(logvar, 1)};
}

torch::Tensor LadderVae::decode(const torch::Tensor& z, const torch::Tensor& /*y*/) {
  auto layers = split(z);
  for (int64_t l = options_.decode_from - 2; l >= 0; --l) layers[l] = top_down(l, layers[l + 1]).mu;
  return spec_.likelihood.mean(decoder_->forward(layers[0]));
}

torch::Tensor LadderVae::log_likelihood(const Batch& batch, const torch::Tensor& z) {
  return -spec_.likelihood.nll(batch.x, decoder_->forward(split(z)[0]));
}

torch::Tensor LadderVae::sample_prior(int64_t n, const torch::Tensor& /*y*/,
                                      const c10::optional<at::Generator>& generator) {
  const auto layers = static_cast<int64_t>(options_.sizes.size());
  const torch::Tensor w = decoder_->parameters().front();
  // A caller's generator draws on the CPU; the global stream on the model's device.
  const auto opts = torch::TensorOptions().device(generator ? torch::kCPU : w.device()).dtype(w.dtype());
  std::vector<torch::Tensor> z(layers);
  z[layers - 1] = torch::randn({n, options_.sizes[layers - 1]}, generator, opts).to(w.device());
  for (int64_t l = layers - 2; l >= 0; --l) z[l] = sample(top_down(l, z[l + 1]), generator);
  return torch::cat(z, 1);
}

torch::Tensor LadderVae::log_prior(const torch::Tensor& z) {
  const auto layers = split(z);
  const auto n = static_cast<int64_t>(layers.size());
  auto lp = log_standard_normal(layers[n - 1]);
  for (int64_t l = n - 2; l >= 0; --l) lp = lp + log_density(layers[l], top_down(l, layers[l + 1]));
  return lp;
}

PriorScale LadderVae::prior_scale(const torch::Tensor& z, int64_t /*component*/) {
  const auto layers = split(z);
  const auto n = static_cast<int64_t>(layers.size());
  std::vector<torch::Tensor> centre(n), scale(n);
  PriorScale out;
  centre[n - 1] = torch::zeros_like(layers[n - 1]);
  scale[n - 1] = torch::ones_like(layers[n - 1]);
  for (int64_t l = n - 2; l >= 0; --l) {
    const GaussianEstimate g = top_down(l, layers[l + 1]);
    centre[l] = g.mu;
    scale[l] = g.var.sqrt();
  }
  for (int64_t l = 0; l < n; ++l)
    out.units.push_back(l + 1 < n ? fmt::format("p(z{}|z{}) at the current code", l + 1, l + 2) : std::string("N(0,1)"));
  out.centre = torch::cat(centre, 1);
  out.scale = torch::cat(scale, 1);
  return out;
}

torch::Tensor LadderVae::from_prior_units(const torch::Tensor& u, int64_t /*component*/) {
  const auto units = split(u);
  const auto n = static_cast<int64_t>(units.size());
  std::vector<torch::Tensor> z(n);
  z[n - 1] = units[n - 1];
  for (int64_t l = n - 2; l >= 0; --l) {
    const GaussianEstimate g = top_down(l, z[l + 1]);
    z[l] = g.mu + g.var.sqrt() * units[l];
  }
  return torch::cat(z, 1);
}

torch::Tensor LadderVae::prior_variance() const {
  torch::NoGradGuard no_grad;
  auto& self = const_cast<LadderVae&>(*this);  // forward() is not const; nothing is changed
  const auto layers = static_cast<int64_t>(options_.sizes.size());
  const torch::Tensor w = decoder_->parameters().front();
  auto generator = at::make_generator<at::CPUGeneratorImpl>(kPriorVarianceSeed);
  std::vector<torch::Tensor> z(layers);
  z[layers - 1] = torch::randn({kPriorVarianceDraws, options_.sizes[layers - 1]}, generator).to(w.device(), w.dtype());
  for (int64_t l = layers - 2; l >= 0; --l) z[l] = sample(self.top_down(l, z[l + 1]), generator);
  return torch::cat(z, 1).var(0, /*unbiased=*/false).clamp_min(1e-12);
}

PosteriorAgainstPrior LadderVae::posterior_against_prior(const Batch& batch) {
  const Pass p = run(batch.x, /*sample=*/true, at::make_generator<at::CPUGeneratorImpl>(kIndicatorSeed));
  const auto n = static_cast<int64_t>(p.z.size());
  std::vector<torch::Tensor> mu, logvar, centre, scale;
  for (int64_t l = 0; l < n; ++l) {
    mu.push_back(p.posterior[l].mu);
    logvar.push_back(p.posterior[l].var.log());
    const GaussianEstimate prior = l + 1 < n ? p.prior[l] : standard_normal_like(p.z[l]);
    centre.push_back(prior.mu);
    scale.push_back(prior.var.sqrt());
  }
  PosteriorAgainstPrior out;
  out.posterior = {torch::cat(mu, 1), torch::cat(logvar, 1)};
  out.prior.centre = torch::cat(centre, 1);
  out.prior.scale = torch::cat(scale, 1);
  for (int64_t l = 0; l < n; ++l)
    out.prior.units.push_back(l + 1 < n ? fmt::format("p(z{}|z{}) at the sampled z{}", l + 1, l + 2, l + 2)
                                        : std::string("N(0,1)"));
  return out;
}

torch::Tensor LadderVae::log_importance_weight(const Batch& batch) {
  const Pass p = run(batch.x, /*sample=*/true);
  const auto n = static_cast<int64_t>(p.z.size());
  auto log_w = -spec_.likelihood.nll(batch.x, decoder_->forward(p.z[0])) + log_standard_normal(p.z[n - 1]) -
               log_density(p.z[n - 1], p.posterior[n - 1]);
  for (int64_t l = 0; l + 1 < n; ++l)
    log_w = log_w + log_density(p.z[l], p.prior[l]) - log_density(p.z[l], p.posterior[l]);
  return log_w;
}

torch::Tensor LadderVae::nelbo(const Batch& batch) {
  const Pass p = run(batch.x, /*sample=*/true);
  const auto n = static_cast<int64_t>(p.z.size());
  auto out = spec_.likelihood.nll(batch.x, decoder_->forward(p.z[0])) +
             kl_diagonal_gaussians(p.posterior[n - 1], standard_normal_like(p.z[n - 1]));
  for (int64_t l = 0; l + 1 < n; ++l) out = out + kl_diagonal_gaussians(p.posterior[l], p.prior[l]);
  return out;
}

LossTerms LadderVae::loss(const Batch& batch, const StepInfo& info) {
  const Pass p = run(batch.x, /*sample=*/true);
  const auto n = static_cast<int64_t>(p.z.size());
  const auto recon = spec_.likelihood.nll(batch.x, decoder_->forward(p.z[0])).mean();
  std::vector<torch::Tensor> kl(n);
  kl[n - 1] = kl_diagonal_gaussians(p.posterior[n - 1], standard_normal_like(p.z[n - 1])).mean();
  for (int64_t l = 0; l + 1 < n; ++l) kl[l] = kl_diagonal_gaussians(p.posterior[l], p.prior[l]).mean();
  auto kl_sum = kl[0];
  for (int64_t l = 1; l < n; ++l) kl_sum = kl_sum + kl[l];
  // The warm-up shapes training only: evaluation and the test view score the full objective.
  const double warmup = is_training() ? kl_warmup_factor(info.step, options_.warmup_steps) : 1.0;
  const double weight = options_.beta * warmup;
  LossTerms out;
  out.total = recon + weight * kl_sum;
  out.add("recon", recon.detach());
  for (int64_t l = 0; l < n; ++l) out.add(fmt::format("kl_{}", l + 1), kl[l].detach());
  out.add("kl", kl_sum.detach());
  return out;
}

}  // namespace vaelab
