#include "models/model.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <map>

#include "core/error.h"
#include "models/divergence.h"

namespace vaelab {

std::vector<std::pair<std::string, double>> LossTerms::values() const {
  std::vector<std::pair<std::string, double>> out;
  out.reserve(terms.size() + 1);
  out.emplace_back("loss", total.defined() ? total.item<double>() : 0.0);
  for (const auto& [name, value] : terms) out.emplace_back(name, value.defined() ? value.item<double>() : 0.0);
  return out;
}

std::string PriorScale::describe(const std::vector<LatentGroup>& groups) const {
  if (units.size() == 1) return units.front();
  std::string out;
  for (size_t g = 0; g < units.size(); ++g) {
    if (!out.empty()) out += "; ";
    out += (g < groups.size() ? groups[g].name + ": " : std::string()) + units[g];
  }
  return out;
}

PriorScale Model::prior_scale(const torch::Tensor& z, int64_t /*component*/) {
  PriorScale p;
  p.centre = torch::zeros_like(z);
  p.scale = torch::ones_like(z);
  p.units.assign(latent_groups().size(), "N(0,1)");
  return p;
}

torch::Tensor Model::to_prior_units(const torch::Tensor& z, int64_t component) {
  const PriorScale p = prior_scale(z, component);
  return (z - p.centre) / p.scale;
}

torch::Tensor Model::from_prior_units(const torch::Tensor& u, int64_t component) {
  const PriorScale p = prior_scale(u, component);  // centre and scale do not depend on the code here
  return p.centre + p.scale * u;
}

PosteriorAgainstPrior Model::posterior_against_prior(const Batch& batch) {
  PosteriorAgainstPrior out;
  out.posterior = encode(batch);
  out.prior = prior_scale(out.posterior.mu);
  return out;
}

torch::Device Model::device() const {
  for (const auto& p : parameters()) return p.device();
  for (const auto& b : buffers()) return b.device();
  return torch::kCPU;
}

torch::Tensor Model::sample_prior(int64_t n, const torch::Tensor& /*y*/, const c10::optional<at::Generator>& generator) {
  // A caller's generator draws on the CPU; the global stream on the model's device.
  return torch::randn({n, latent_dim()}, generator, torch::TensorOptions().device(generator ? torch::kCPU : device()))
      .to(device());
}

torch::Tensor Model::sample_posterior(const Posterior& q) {
  if (!q.logvar.defined()) return q.mu;
  return q.mu + (0.5 * q.logvar).exp() * torch::randn_like(q.mu);
}

torch::Tensor Model::log_prior(const torch::Tensor& z) { return log_standard_normal(z); }

torch::Tensor Model::log_posterior(const torch::Tensor& z, const Posterior& q) {
  if (!q.logvar.defined()) throw Error(variant() + ": deterministic encoder has no posterior density");
  return log_normal_diag(z, q.mu, q.logvar);
}

torch::Tensor Model::log_importance_weight(const Batch& batch) {
  Posterior q = encode(batch);
  torch::Tensor z = sample_posterior(q);
  return log_likelihood(batch, z) + log_prior(z) - log_posterior(z, q);
}

torch::Tensor Model::nelbo(const Batch& batch) {
  Posterior q = encode(batch);
  torch::Tensor z = sample_posterior(q);
  torch::Tensor kl = q.logvar.defined() ? kl_standard_normal(q.mu, q.logvar) : torch::zeros({q.mu.size(0)}, q.mu.options());
  return -log_likelihood(batch, z) + kl;
}

torch::Tensor Model::reconstruct(const Batch& batch) { return decode(encode(batch).mu, batch.y); }

void copy_state(Model& from, Model& to) {
  torch::NoGradGuard no_grad;
  auto describe = [](Model& m) { return fmt::format("'{}' latent {}", m.variant(), m.latent_dim()); };
  if (from.variant() != to.variant()) {
    throw Error(fmt::format("cannot copy state: source is {}, target is {}", describe(from), describe(to)));
  }
  auto copy_named = [&](const torch::OrderedDict<std::string, torch::Tensor>& src,
                        const torch::OrderedDict<std::string, torch::Tensor>& dst, const char* kind) {
    if (src.size() != dst.size()) {
      throw Error(fmt::format("cannot copy state: {} has {} {}, {} has {}", describe(from), src.size(), kind,
                              describe(to), dst.size()));
    }
    for (const auto& item : src) {
      const torch::Tensor* target = dst.find(item.key());
      if (!target) throw Error(fmt::format("cannot copy state: {} has no {} '{}'", describe(to), kind, item.key()));
      if (!target->sizes().equals(item.value().sizes())) {
        throw Error(fmt::format("cannot copy state: {} '{}' is {} in {} but {} in {}", kind, item.key(),
                                fmt::format("{}", fmt::join(item.value().sizes(), "x")), describe(from),
                                fmt::format("{}", fmt::join(target->sizes(), "x")), describe(to)));
      }
      const_cast<torch::Tensor&>(*target).copy_(item.value());
    }
  };
  copy_named(from.named_parameters(), to.named_parameters(), "parameters");
  copy_named(from.named_buffers(), to.named_buffers(), "buffers");
}

}  // namespace vaelab
