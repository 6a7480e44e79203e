#include "compare/standard_columns.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "analysis/evaluation.h"
#include "analysis/likelihood_kind.h"
#include "analysis/likelihood_units.h"
#include "analysis/model_health.h"
#include "compare/metric_columns.h"
#include "metrics/image_sharpness.h"
#include "models/noise_vae.h"
#include "models/ph_vae.h"

namespace vaelab {

namespace {

std::string join_values(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  std::vector<std::string> parts;
  for (int64_t i = 0; i < c.numel(); ++i) parts.push_back(fmt::format("{:.3g}", c[i].item<double>()));
  return fmt::format("{}", fmt::join(parts, "/"));
}

std::vector<double> to_vector(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

// --- built-in providers ---

void identity_columns(const ComparisonContext& run, nlohmann::json& row) {
  row["name"] = run.name;
  row["variant"] = run.spec.variant;
  row["dataset"] = run.preset.dataset.is_object() ? run.preset.dataset.value("name", "") : "";
  row["latent"] = run.spec.latent;
  row["epochs"] = run.epochs_done;
  row["run_dir"] = run.run_dir;
  row["evaluated_on"] = run.view.name;  // e.g. "mnist/test"
}

void noise_columns(const ComparisonContext& run, nlohmann::json& row) {
  // beta: the model's own parsed options (defaults included); none where the objective has no beta.
  const auto beta = run.model.kl_weight();
  row["beta"] = beta ? nlohmann::json(*beta) : nlohmann::json();
  if (auto* noise = dynamic_cast<NoiseVae*>(&run.model)) {
    const auto& o = noise->options();
    row["noise"] = o.noise == "mog" ? fmt::format("mog-{}", o.components)
                                    : (o.sigma2_update == "gradient" ? "learned gaussian (grad)" : "learned gaussian");
    row["sigma2_k"] = join_values(noise->noise_variances());
    row["pi_k"] = join_values(noise->noise_weights());
    row["sigma2_values"] = to_vector(noise->noise_variances());
    row["pi_values"] = to_vector(noise->noise_weights());
    return;
  }
  const auto* ph = dynamic_cast<const PhVae*>(&run.model);
  const bool sse = ph && ph->options().recon == "sse";
  const auto& l = run.spec.likelihood;
  if (sse) row["noise"] = "sse";
  else if (l.kind == Likelihood::Kind::Gaussian) row["noise"] = fmt::format("gaussian s2={:g}", l.sigma2);
  else if (l.kind == Likelihood::Kind::Laplace) row["noise"] = fmt::format("laplace b={:g}", l.scale);
  else row["noise"] = l.name();
  row["sigma2_k"] = nullptr;
  row["pi_k"] = nullptr;
}

// An evaluation pass's options (EvaluationOptions, HealthOptions) with the comparison's batch size, limit
// and seed.
template <class PassOptions>
PassOptions pass_options(const ComparisonContext& run) {
  PassOptions options;
  options.batch_size = run.options.batch_size;
  options.limit = run.options.limit;
  options.seed = run.options.seed;
  return options;
}

void likelihood_columns(const ComparisonContext& run, nlohmann::json& row) {
  auto options = pass_options<EvaluationOptions>(run);
  options.dequantize = dequantization_applies(run.dequantize, run.spec, run.view);
  options.iwae_k = run.options.iwae_k;
  const Evaluation ev = evaluate_likelihood(run.model, run.view, options);
  const LikelihoodUnits units = likelihood_units(ev, run.spec, run.view);
  row["samples"] = ev.samples;
  row["test_nelbo"] = finite_or_null(ev.nelbo);
  row["evlb"] = finite_or_null(-ev.nelbo);
  row["bits_per_dim"] = finite_or_null(units.nelbo_bits_per_dim);
  row["likelihood_kind"] = likelihood_kind_id(units.kind);
  row["likelihood_density"] = units.density;
  row["dequantized"] = units.dequantized;
  row["likelihood_scale"] = likelihood_scale_id(units.scale);
  for (const auto& [name, value] : ev.terms) row["test_" + name] = finite_or_null(value);
  if (ev.iwae_k > 0) {
    row["iwae_k"] = ev.iwae_k;
    row["test_iwae_nll"] = finite_or_null(ev.iwae_nll);
  }
}

void reconstruction_columns(const ComparisonContext& run, nlohmann::json& row) {
  torch::NoGradGuard no_grad;
  const torch::Device device = run.model.device();
  int64_t total = run.view.size();
  if (run.options.limit > 0) total = std::min(total, run.options.limit);
  double sum = 0, energy_x = 0, energy_xhat = 0;
  const bool images = run.view.shape.height >= 2 && run.view.shape.width >= 2;
  for (int64_t begin = 0; begin < total; begin += run.options.batch_size) {
    const int64_t end = std::min(total, begin + run.options.batch_size);
    const Batch batch = run.view.batch(begin, end, device);
    auto xhat = run.model.reconstruct(batch);
    sum += (batch.x - xhat).pow(2).flatten(1).sum(1).sum().item<double>();
    if (images) {
      energy_x += gradient_energy_sum(batch.x);
      energy_xhat += gradient_energy_sum(xhat);
    }
  }
  row["recon_error"] = total > 0 ? finite_or_null(sum / static_cast<double>(total)) : nlohmann::json();
  if (images && energy_x > 0) row["sharpness_ratio"] = finite_or_null(energy_xhat / energy_x);
}

void indicator_columns(const ComparisonContext& run, nlohmann::json& row) {
  IndicatorOptions options = run.options.indicators;
  options.batch_size = run.options.batch_size;
  options.limit = run.options.limit;
  const Indicators ind = evaluate_indicators(run.model, run.view, options);
  row["kl_qz_pz"] = finite_or_null(ind.aggregate_kl_def4);
  row["kl_qstar_pz"] = finite_or_null(ind.aggregate_kl_def5);
  row["mutual_information"] = finite_or_null(ind.mutual_information);
  row["average_kl"] = finite_or_null(ind.average_kl);
  row["inactive_count"] = ind.inactive_count >= 0 ? nlohmann::json(ind.inactive_count) : nlohmann::json();
  row["influential_count"] = ind.influential_count >= 0 ? nlohmann::json(ind.influential_count) : nlohmann::json();
  row["cov_mu_identity_frobenius"] = finite_or_null(ind.cov_mu_identity_frobenius);
}

// Model health (analysis/model_health.h): recon R^2, active units and the verdict's id.
void health_columns(const ComparisonContext& run, nlohmann::json& row) {
  const ModelHealth health = evaluate_model_health(run.model, run.view, pass_options<HealthOptions>(run));
  row["recon_r2"] = finite_or_null(health.numbers.recon_r2);
  row["input_dependence"] = finite_or_null(health.numbers.input_dependence);
  row["active_units"] = health.numbers.active_units;
  row["health"] = health_kind_id(health.verdict.kind);
  row["health_sentence"] = health.verdict.sentence;
  row["variance_collapse_share"] = finite_or_null(health.numbers.variance_collapse_share);
  if (!health.numbers.posterior_variance_ratio.empty()) {
    row["min_posterior_variance_ratio"] = finite_or_null(*std::min_element(
        health.numbers.posterior_variance_ratio.begin(), health.numbers.posterior_variance_ratio.end()));
  }
  if (health.numbers.toy) {
    row["toy_distance"] = finite_or_null(health.numbers.toy_distance);
    row["toy_distance_floor"] = finite_or_null(health.numbers.toy_distance_floor);
  }
}

}  // namespace

ComparisonTable standard_comparison_table() {
  ComparisonTable t;
  t.add_provider("identity", identity_columns);
  t.add_provider("noise", noise_columns);
  t.add_provider("likelihood", likelihood_columns);
  t.add_provider("reconstruction", reconstruction_columns);
  t.add_provider("indicators", indicator_columns);
  t.add_provider("health", health_columns);
  t.add_column({"name", "run", 4});
  t.add_column({"variant", "variant", 4});
  t.add_column({"beta", "β", 3});
  t.add_column({"noise", "noise", 4});
  t.add_column({"sigma2_k", "σ_k²", 4});
  t.add_column({"pi_k", "π_k", 4});
  t.add_column({"test_nelbo", "test −ELBO", 5});
  t.add_column({"bits_per_dim", "bits/dim", 4});
  t.add_column({"likelihood_scale", "nll scale", 4});
  t.add_column({"recon_error", "recon SSE", 4});
  t.add_column({"evlb", "EVLB", 5});
  t.add_column({"kl_qz_pz", "KL(q(z)‖p(z))", 4});
  t.add_column({"inactive_count", "#σ²>0.8", 4});
  t.add_column({"influential_count", "#I>0.5", 4});
  t.add_column({"cov_mu_identity_frobenius", "‖Cov(μ)−I‖_F", 4});
  t.add_column({"recon_r2", "recon R²", 3});
  t.add_column({"active_units", "active units", 3});
  t.add_column({"health", "health", 4});
  t.add_column({"likelihood_comparable", "same scale", 3});  // set by flag_likelihood_mix (compare/likelihood_mix.h)
  // Further column sets: one add_*_columns(t) line each, here.
  add_metric_columns(t);  // cluster accuracy, NMI, MIG, FactorVAE score (compare/metric_columns.h)
  return t;
}

}  // namespace vaelab
