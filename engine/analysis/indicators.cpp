#include "analysis/indicators.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"
#include "models/prior_units.h"

namespace vaelab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> to_vector(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json numbers_or_null(const std::vector<double>& v) {
  nlohmann::json out = nlohmann::json::array();
  for (double x : v) out.push_back(number_or_null(x));
  return out;
}

}  // namespace

Indicators compute_indicators(const torch::Tensor& mu_in, const torch::Tensor& logvar_in,
                              const IndicatorOptions& options) {
  if (!mu_in.defined() || mu_in.dim() != 2 || mu_in.size(0) == 0) {
    throw Error("indicators: posterior means must be a non-empty [M, H] tensor");
  }
  if (logvar_in.defined() && !logvar_in.sizes().equals(mu_in.sizes())) {
    throw Error(fmt::format("indicators: logvar is {} but mu is {}", fmt::join(logvar_in.sizes(), "x"),
                            fmt::join(mu_in.sizes(), "x")));
  }
  torch::NoGradGuard no_grad;
  const auto mu = mu_in.detach().to(torch::kCPU, torch::kFloat64);
  const int64_t m = mu.size(0);
  const int64_t h = mu.size(1);

  Indicators out;
  out.samples = m;
  out.latent = h;
  out.deterministic = !logvar_in.defined();
  out.inactive_variance_threshold = options.inactive_variance;
  out.influential_information_threshold = options.influential_information;

  // ||Cov(mu) - I||_F with the biased (1/M) covariance.
  const auto centred = mu - mu.mean(0, true);
  const auto cov = centred.t().matmul(centred) / static_cast<double>(m);
  out.cov_mu_identity_frobenius = (cov - torch::eye(h, cov.options())).pow(2).sum().sqrt().item<double>();

  if (out.deterministic) {
    const auto s2 = mu.pow(2).mean(0);
    out.qstar_variance = to_vector(s2);
    out.mean_posterior_variance.assign(static_cast<size_t>(h), 0.0);
    out.average_kl = out.mutual_information = out.aggregate_kl_def4 = kNaN;
    out.average_kl_per_dim.assign(static_cast<size_t>(h), kNaN);
    out.mutual_information_per_dim.assign(static_cast<size_t>(h), kNaN);
    out.aggregate_kl_def5 = 0.5 * (s2 - 1.0 - s2.log()).sum().item<double>();
    out.inactive_count = -1;
    out.influential_count = -1;
    return out;
  }

  const auto logvar = logvar_in.detach().to(torch::kCPU, torch::kFloat64);
  const auto var = logvar.exp();
  const auto second_moment = mu.pow(2) + var;  // {M,H}
  const auto s2 = second_moment.mean(0);        // q* variances, {H}
  // KL(N(mu, var) || N(0, 1)) and KL(N(mu, var) || N(0, s2)) per input and dimension.
  const auto kl_prior = 0.5 * (second_moment - 1.0 - logvar);
  const auto kl_qstar = 0.5 * (s2.log().unsqueeze(0) - logvar + second_moment / s2.unsqueeze(0) - 1.0);
  const auto kl_prior_h = kl_prior.mean(0);
  const auto info_h = kl_qstar.mean(0);

  out.average_kl_per_dim = to_vector(kl_prior_h);
  out.average_kl = kl_prior_h.sum().item<double>();
  out.qstar_variance = to_vector(s2);
  out.mutual_information_per_dim = to_vector(info_h);
  out.mutual_information = info_h.sum().item<double>();
  out.aggregate_kl_def4 = out.average_kl - out.mutual_information;
  out.aggregate_kl_def5 = 0.5 * (s2 - 1.0 - s2.log()).sum().item<double>();
  out.mean_posterior_variance = to_vector(var.mean(0));
  out.inactive_count = 0;
  out.influential_count = 0;
  for (int64_t j = 0; j < h; ++j) {
    if (out.mean_posterior_variance[j] > options.inactive_variance) ++out.inactive_count;
    if (out.mutual_information_per_dim[j] > options.influential_information) ++out.influential_count;
  }
  return out;
}

Indicators compute_indicators(const PosteriorAgainstPrior& qp, const std::vector<LatentGroup>& groups,
                              const IndicatorOptions& options) {
  if (!qp.prior.centre.defined() || !qp.prior.scale.defined() || !qp.prior.centre.sizes().equals(qp.posterior.mu.sizes()) ||
      !qp.prior.scale.sizes().equals(qp.posterior.mu.sizes()))
    throw Error("indicators: the prior's centre and scale must have the posterior means' shape");
  torch::NoGradGuard no_grad;
  PosteriorAgainstPrior q64;
  q64.posterior.mu = qp.posterior.mu.detach().to(torch::kCPU, torch::kFloat64);
  if (qp.posterior.logvar.defined()) q64.posterior.logvar = qp.posterior.logvar.detach().to(torch::kCPU, torch::kFloat64);
  q64.prior.centre = qp.prior.centre.detach().to(torch::kCPU, torch::kFloat64);
  q64.prior.scale = qp.prior.scale.detach().to(torch::kCPU, torch::kFloat64);
  const Posterior u = standardise(q64);
  Indicators out = compute_indicators(u.mu, u.logvar, options);
  const auto mu = q64.posterior.mu;
  const auto centred = mu - mu.mean(0, true);
  const auto cov = centred.t().matmul(centred) / static_cast<double>(mu.size(0));
  out.cov_mu_identity_frobenius = (cov - torch::eye(mu.size(1), cov.options())).pow(2).sum().sqrt().item<double>();
  out.prior_units = qp.prior.describe(groups);
  return out;
}

std::vector<int64_t> Indicators::dims_by_influence() const {
  const auto& key = deterministic ? qstar_variance : mutual_information_per_dim;
  std::vector<int64_t> order(static_cast<size_t>(latent));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const double va = key.at(a), vb = key.at(b);
    if (std::isnan(va)) return false;
    if (std::isnan(vb)) return true;
    return va > vb;
  });
  return order;
}

std::vector<int64_t> Indicators::influential_dims(double threshold) const {
  std::vector<int64_t> out;
  if (deterministic) return out;
  for (int64_t j : dims_by_influence()) {
    if (mutual_information_per_dim.at(j) > threshold) out.push_back(j);
  }
  return out;
}

nlohmann::json Indicators::to_json() const {
  return {{"samples", samples},
          {"latent", latent},
          {"deterministic", deterministic},
          {"average_kl", number_or_null(average_kl)},
          {"mutual_information", number_or_null(mutual_information)},
          {"aggregate_kl_def4", number_or_null(aggregate_kl_def4)},
          {"aggregate_kl_def5", number_or_null(aggregate_kl_def5)},
          {"inactive_count", inactive_count},
          {"influential_count", influential_count},
          {"cov_mu_identity_frobenius", number_or_null(cov_mu_identity_frobenius)},
          {"prior_units", prior_units},
          {"inactive_variance_threshold", inactive_variance_threshold},
          {"influential_information_threshold", influential_information_threshold},
          {"average_kl_per_dim", numbers_or_null(average_kl_per_dim)},
          {"qstar_variance", numbers_or_null(qstar_variance)},
          {"mutual_information_per_dim", numbers_or_null(mutual_information_per_dim)},
          {"mean_posterior_variance", numbers_or_null(mean_posterior_variance)}};
}

namespace {

// The first `limit` rows of `data` (all when 0) that both collectors encode; throws on bad options or none.
int64_t rows_to_encode(const Dataset& data, const IndicatorOptions& options) {
  if (options.batch_size <= 0) throw Error("indicators: batch_size must be > 0");
  int64_t total = data.size();
  if (options.limit > 0) total = std::min(total, options.limit);
  if (total <= 0) throw Error(fmt::format("indicators: dataset '{}' is empty", data.name));
  return total;
}

}  // namespace

Posterior collect_posteriors(Model& model, const Dataset& data, const IndicatorOptions& options,
                             const std::function<bool(int64_t, int64_t)>& progress) {
  const int64_t total = rows_to_encode(data, options);

  torch::NoGradGuard no_grad;
  const EvalModeGuard eval_mode(model);
  const auto device = model.device();
  std::vector<torch::Tensor> mus, logvars;
  bool deterministic = false;
  for (int64_t begin = 0; begin < total; begin += options.batch_size) {
    const int64_t end = std::min(total, begin + options.batch_size);
    Posterior q = model.encode(data.batch(begin, end, device));
    mus.push_back(q.mu.to(torch::kCPU, torch::kFloat32));
    if (q.logvar.defined()) logvars.push_back(q.logvar.to(torch::kCPU, torch::kFloat32));
    else deterministic = true;
    if (progress && !progress(end, total)) break;
  }
  Posterior out;
  out.mu = torch::cat(mus, 0);
  if (!deterministic) out.logvar = torch::cat(logvars, 0);
  return out;
}

PosteriorAgainstPrior collect_posteriors_against_prior(Model& model, const Dataset& data,
                                                       const IndicatorOptions& options,
                                                       const std::function<bool(int64_t, int64_t)>& progress) {
  const int64_t total = rows_to_encode(data, options);

  torch::NoGradGuard no_grad;
  const EvalModeGuard eval_mode(model);
  const auto device = model.device();
  std::vector<torch::Tensor> mus, logvars, centres, scales;
  std::vector<std::string> units;
  bool deterministic = false;
  for (int64_t begin = 0; begin < total; begin += options.batch_size) {
    const int64_t end = std::min(total, begin + options.batch_size);
    const PosteriorAgainstPrior qp = model.posterior_against_prior(data.batch(begin, end, device));
    mus.push_back(qp.posterior.mu.to(torch::kCPU, torch::kFloat32));
    if (qp.posterior.logvar.defined()) logvars.push_back(qp.posterior.logvar.to(torch::kCPU, torch::kFloat32));
    else deterministic = true;
    centres.push_back(qp.prior.centre.to(torch::kCPU, torch::kFloat32));
    scales.push_back(qp.prior.scale.to(torch::kCPU, torch::kFloat32));
    units = qp.prior.units;
    if (progress && !progress(end, total)) break;
  }
  PosteriorAgainstPrior out;
  out.posterior.mu = torch::cat(mus, 0);
  if (!deterministic) out.posterior.logvar = torch::cat(logvars, 0);
  out.prior.centre = torch::cat(centres, 0);
  out.prior.scale = torch::cat(scales, 0);
  out.prior.units = units;
  return out;
}

Indicators evaluate_indicators(Model& model, const Dataset& data, const IndicatorOptions& options,
                               const std::function<bool(int64_t, int64_t)>& progress) {
  const PosteriorAgainstPrior qp = collect_posteriors_against_prior(model, data, options, progress);
  return compute_indicators(qp, model.latent_groups(), options);
}

nlohmann::json indicators_json(Model& model, const Dataset& data, const IndicatorOptions& options) {
  return {{"indicators", evaluate_indicators(model, data, options).to_json()}};
}

}  // namespace vaelab
