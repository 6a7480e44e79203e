#include "analysis/model_health.h"

#include <fmt/format.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "data/seeded_permutation.h"

namespace vaelab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> doubles(const torch::Tensor& t) {
  const auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

std::string num(double v) { return fmt::format("{:.3g}", v); }

// Sums over inputs, in float64 on the model's device, from which every number but the toy distance follows.
struct HealthSums {
  int64_t inputs = 0;
  torch::Tensor x, x2, xhat, xhat2;  // {D}
  torch::Tensor squared_error;       // scalar
  torch::Tensor mu, mu2, var;        // {H}; var undefined once a batch had no logvar
  bool deterministic = false;
  bool images = false;

  void add(const torch::Tensor& x_in, const torch::Tensor& xhat_in, const Posterior& q) {
    const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
    const auto xb = x_in.flatten(1).to(opts);
    const auto hb = xhat_in.flatten(1).to(opts);
    const auto mb = q.mu.to(opts);
    if (inputs == 0) {
      x = torch::zeros({xb.size(1)}, xb.options());
      x2 = torch::zeros_like(x);
      xhat = torch::zeros_like(x);
      xhat2 = torch::zeros_like(x);
      squared_error = torch::zeros({}, xb.options());
      mu = torch::zeros({mb.size(1)}, mb.options());
      mu2 = torch::zeros_like(mu);
      var = torch::zeros_like(mu);
    }
    x += xb.sum(0);
    x2 += xb.pow(2).sum(0);
    xhat += hb.sum(0);
    xhat2 += hb.pow(2).sum(0);
    squared_error += (xb - hb).pow(2).sum();
    mu += mb.sum(0);
    mu2 += mb.pow(2).sum(0);
    if (q.logvar.defined()) var += q.logvar.to(opts).exp().sum(0);
    else deterministic = true;
    inputs += xb.size(0);
  }
};

// Biased (1/M) variance per component from a sum and a sum of squares.
torch::Tensor variance(const torch::Tensor& sum, const torch::Tensor& sum2, int64_t m) {
  const auto mean = sum / static_cast<double>(m);
  return (sum2 / static_cast<double>(m) - mean.pow(2)).clamp_min(0.0);
}

HealthNumbers numbers_from(const HealthSums& s, const torch::Tensor& prior_variance, const HealthThresholds& t) {
  HealthNumbers n;
  n.samples = s.inputs;
  n.latent = s.mu.size(0);
  n.images = s.images;
  const auto var_x = variance(s.x, s.x2, s.inputs);
  const double total_variation = var_x.sum().item<double>() * static_cast<double>(s.inputs);
  n.recon_r2 = 1.0 - s.squared_error.item<double>() / total_variation;  // NaN/-inf for constant inputs
  n.input_dependence = variance(s.xhat, s.xhat2, s.inputs).sum().item<double>() / var_x.sum().item<double>();

  const auto prior = prior_variance.to(s.mu.device(), torch::kFloat64);
  const auto activity = variance(s.mu, s.mu2, s.inputs) / prior;
  n.code_activity = doubles(activity);
  n.active_units = (activity > t.active_unit_activity).sum().item<int64_t>();
  n.deterministic = s.deterministic;
  if (s.deterministic) {
    n.collapsed_dims = -1;
    n.variance_collapse_share = kNaN;
  } else {
    const auto ratio = s.var / static_cast<double>(s.inputs) / prior;
    n.posterior_variance_ratio = doubles(ratio);
    n.collapsed_dims = (ratio < t.collapsed_variance_ratio).sum().item<int64_t>();
    n.variance_collapse_share = n.latent > 0 ? static_cast<double>(n.collapsed_dims) / static_cast<double>(n.latent) : 0.0;
  }
  n.toy_distance = n.toy_distance_floor = kNaN;
  return n;
}

void check_options(const HealthOptions& o) {
  if (o.batch_size <= 0) throw Error("model health: batch_size must be > 0");
  if (o.limit < 0) throw Error("model health: limit must be >= 0 (0 = all)");
  if (o.max_toy_points < 2) throw Error("model health: max_toy_points must be >= 2");
  if (o.toy_repeats < 1) throw Error("model health: toy_repeats must be >= 1");
}

}  // namespace

std::string health_kind_id(HealthKind kind) {
  switch (kind) {
    case HealthKind::healthy: return "healthy";
    case HealthKind::ignores_input: return "ignores_input";
    case HealthKind::posterior_collapse: return "posterior_collapse";
    case HealthKind::variance_collapse: return "variance_collapse";
    case HealthKind::poor_fit: return "poor_fit";
    case HealthKind::unknown: break;
  }
  return "unknown";
}

std::string health_kind_title(HealthKind kind) {
  switch (kind) {
    case HealthKind::healthy: return "healthy";
    case HealthKind::ignores_input: return "ignores its input";
    case HealthKind::posterior_collapse: return "posterior collapse";
    case HealthKind::variance_collapse: return "variance collapse";
    case HealthKind::poor_fit: return "poor fit";
    case HealthKind::unknown: break;
  }
  return "unknown";
}

HealthVerdict judge_health(const HealthNumbers& n, const HealthThresholds& t) {
  HealthVerdict v;
  const std::string au = fmt::format("{} of {} latent dimensions active", n.active_units, n.latent);
  // Written as !(value >= threshold) so that a NaN (a model that outputs NaN) fails the check.
  const bool r2_low = !(n.recon_r2 >= t.min_recon_r2);
  const bool flat = !(n.input_dependence >= t.min_input_dependence);
  if (!std::isfinite(n.recon_r2) || !std::isfinite(n.input_dependence)) {
    v.findings.push_back({HealthKind::ignores_input,
                          fmt::format("This model ignores its input: its reconstructions are not finite numbers "
                                      "(R^2 {}, input dependence {}).",
                                      num(n.recon_r2), num(n.input_dependence))});
  } else if (flat) {
    v.findings.push_back({HealthKind::ignores_input,
                          fmt::format("This model ignores its input: reconstructions are nearly the same {} for "
                                      "every input (R^2 {}, input dependence {} < {}, {}).",
                                      n.images ? "image" : "output", num(n.recon_r2), num(n.input_dependence), num(t.min_input_dependence), au)});
  } else if (r2_low) {
    v.findings.push_back({HealthKind::ignores_input,
                          fmt::format("This model ignores its input: its reconstructions are hardly closer to the "
                                      "inputs than the mean input is (R^2 {} < {}, input dependence {}, {}).",
                                      num(n.recon_r2), num(t.min_recon_r2), num(n.input_dependence), au)});
  }
  if (n.latent > 0 && n.active_units < t.min_active_units) {
    const double most = n.code_activity.empty() ? 0.0 : *std::max_element(n.code_activity.begin(), n.code_activity.end());
    v.findings.push_back({HealthKind::posterior_collapse,
                          fmt::format("The posterior has collapsed: the codes hardly change with the input ({}; the "
                                      "most active varies by {} of its prior variance, {} is needed), so the "
                                      "model encodes nothing about its input.",
                                      au, num(most), num(t.active_unit_activity))});
  }
  if (!n.deterministic && n.variance_regularised && n.variance_collapse_share > t.max_variance_collapse_share) {
    v.findings.push_back({HealthKind::variance_collapse,
                          fmt::format("The posterior variance has collapsed: {} of {} latent dimensions have a "
                                      "posterior variance below {} of the prior's (share {} > {}), so the model "
                                      "is a deterministic autoencoder and prior samples may not decode to data.",
                                      n.collapsed_dims, n.latent, num(t.collapsed_variance_ratio),
                                      num(n.variance_collapse_share), num(t.max_variance_collapse_share))});
  }
  if (n.toy && !(n.toy_distance <= t.toy_floor_multiple * n.toy_distance_floor)) {
    v.findings.push_back({HealthKind::poor_fit,
                          fmt::format("Generated points do not match the data: their energy distance to the test "
                                      "points is {}, {} times the {} between two halves of the test points "
                                      "(means of {} draws; more than {}x is a poor fit).",
                                      num(n.toy_distance), num(n.toy_distance / n.toy_distance_floor),
                                      num(n.toy_distance_floor), n.toy_repeats, num(t.toy_floor_multiple))});
  }
  if (!v.findings.empty()) {
    v.kind = v.findings.front().kind;
    v.sentence = v.findings.front().sentence;
    return v;
  }
  v.sentence = fmt::format("This model works: its reconstructions explain {:.0f}% of how the inputs differ (R^2 {}), "
                           "with {}{}.",
                           100.0 * n.recon_r2, num(n.recon_r2), au,
                           n.toy ? fmt::format(", and generated points lie within {}x of the data's own sampling "
                                               "distance",
                                               num(n.toy_distance / n.toy_distance_floor))
                                 : std::string());
  return v;
}

nlohmann::json ModelHealth::to_json() const {
  const HealthNumbers& n = numbers;
  // NaN and infinities become null, alone or inside arrays.
  const auto finite_or_null = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  const auto all_finite_or_null = [&](const std::vector<double>& values) {
    nlohmann::json out = nlohmann::json::array();
    for (double v : values) out.push_back(finite_or_null(v));
    return out;
  };
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : verdict.findings) findings.push_back({{"verdict", health_kind_id(f.kind)}, {"sentence", f.sentence}});
  nlohmann::json out = {
      {"verdict", health_kind_id(verdict.kind)},
      {"title", health_kind_title(verdict.kind)},
      {"sentence", verdict.sentence},
      {"findings", findings},
      {"samples", n.samples},
      {"latent", n.latent},
      {"images", n.images},
      {"recon_r2", finite_or_null(n.recon_r2)},
      {"input_dependence", finite_or_null(n.input_dependence)},
      {"active_units", n.active_units},
      {"code_activity", all_finite_or_null(n.code_activity)},
      {"deterministic", n.deterministic},
      {"collapsed_dims", n.collapsed_dims},
      {"variance_collapse_share", finite_or_null(n.variance_collapse_share)},
      {"posterior_variance_ratio", all_finite_or_null(n.posterior_variance_ratio)},
      {"variance_regularised", n.variance_regularised},
      {"toy", n.toy},
      {"toy_points", n.toy_points},
      {"toy_repeats", n.toy_repeats},
      {"toy_distance", finite_or_null(n.toy_distance)},
      {"toy_distance_floor", finite_or_null(n.toy_distance_floor)},
      {"thresholds",
       {{"min_recon_r2", thresholds.min_recon_r2},
        {"min_input_dependence", thresholds.min_input_dependence},
        {"min_active_units", thresholds.min_active_units},
        {"active_unit_activity", thresholds.active_unit_activity},
        {"collapsed_variance_ratio", thresholds.collapsed_variance_ratio},
        {"max_variance_collapse_share", thresholds.max_variance_collapse_share},
        {"toy_floor_multiple", thresholds.toy_floor_multiple}}}};
  if (cancelled) out["cancelled"] = true;
  return out;
}

double energy_distance(const torch::Tensor& a_in, const torch::Tensor& b_in) {
  if (!a_in.defined() || !b_in.defined() || a_in.dim() != 2 || b_in.dim() != 2 || a_in.size(0) == 0 ||
      b_in.size(0) == 0 || a_in.size(1) != b_in.size(1)) {
    throw Error("energy distance: needs two non-empty point sets [n, D] and [m, D] with the same D");
  }
  torch::NoGradGuard no_grad;
  const auto a = a_in.to(torch::kFloat64);
  const auto b = b_in.to(a.device(), torch::kFloat64);
  // compute_mode 2: exact pairwise differences (the matrix-product shortcut leaves i = j slightly off 0).
  auto mean_distance = [](const torch::Tensor& p, const torch::Tensor& q) {
    return torch::cdist(p, q, 2.0, 2).mean().item<double>();
  };
  return 2.0 * mean_distance(a, b) - mean_distance(a, a) - mean_distance(b, b);
}

ModelHealth evaluate_model_health(Model& model, const Dataset& view, const HealthOptions& options,
                                  const HealthProgress& progress) {
  check_options(options);
  int64_t total = view.size();
  if (options.limit > 0) total = std::min(total, options.limit);
  if (total < 2) throw Error(fmt::format("model health: view '{}' has {} inputs, at least 2 are needed", view.name, total));

  torch::NoGradGuard no_grad;
  const EvalModeGuard eval_mode(model);
  const torch::Device device = model.device();
  if (options.seed >= 0) torch::manual_seed(static_cast<uint64_t>(options.seed));

  const bool toy = !view.shape.is_image() && view.shape.features <= options.max_toy_features && total >= 4;
  const int64_t steps = (total + options.batch_size - 1) / options.batch_size + (toy ? 1 : 0);
  ModelHealth out;
  out.thresholds = options.thresholds;
  auto cancelled = [&] {
    out.cancelled = true;
    out.verdict.kind = HealthKind::unknown;
    out.verdict.sentence = "The health check was cancelled before it finished.";
    return out;
  };

  HealthSums sums;
  sums.images = view.shape.is_image();
  int64_t step = 0;
  for (int64_t begin = 0; begin < total; begin += options.batch_size) {
    const int64_t end = std::min(total, begin + options.batch_size);
    const Batch batch = view.batch(begin, end, device);
    const Posterior q = model.encode(batch);
    const torch::Tensor xhat = model.reconstruct(batch);
    if (xhat.numel() != batch.x.numel() || q.mu.dim() != 2 || q.mu.size(0) != batch.x.size(0)) {
      throw Error(fmt::format("model health: '{}' reconstructs {} inputs of shape {} as {} with codes {}",
                              model.variant(), end - begin, view.shape.str(), fmt::join(xhat.sizes(), "x"),
                              fmt::join(q.mu.sizes(), "x")));
    }
    sums.add(batch.x, xhat, q);
    if (progress && !progress(++step, steps)) return cancelled();
  }
  const torch::Tensor prior_variance = model.prior_variance();
  if (prior_variance.numel() != sums.mu.size(0)) {
    throw Error(fmt::format("model health: '{}' prior_variance() has {} values for {} latent dimensions",
                            model.variant(), prior_variance.numel(), sums.mu.size(0)));
  }
  out.numbers = numbers_from(sums, prior_variance.flatten(), options.thresholds);
  out.numbers.variance_regularised = model.regularises_posterior_variance();

  if (toy) {
    // Each draw r: two disjoint random halves A, B of the evaluated inputs; G has as many points, decoded at
    // prior samples (conditioned on B's labels for conditional models).
    const int64_t m = std::min(total / 2, options.max_toy_points);
    const uint64_t seed = static_cast<uint64_t>(std::max<int64_t>(options.seed, 0));
    double distance = 0.0, floor = 0.0;
    for (int64_t r = 0; r < options.toy_repeats; ++r) {
      const auto perm = seeded_permutation_tensor(total, seed + static_cast<uint64_t>(r));
      const Batch a = view.batch(perm.slice(0, 0, m), device);
      const Batch b = view.batch(perm.slice(0, m, 2 * m), device);
      const auto prior_draws = at::make_generator<at::CPUGeneratorImpl>(seed + static_cast<uint64_t>(r));
      const torch::Tensor generated = model.decode(model.sample_prior(m, b.y, prior_draws), b.y);
      distance += energy_distance(generated.reshape({m, -1}), b.x.flatten(1));
      floor += energy_distance(a.x.flatten(1), b.x.flatten(1));
    }
    out.numbers.toy = true;
    out.numbers.toy_points = m;
    out.numbers.toy_repeats = options.toy_repeats;
    out.numbers.toy_distance = distance / static_cast<double>(options.toy_repeats);
    out.numbers.toy_distance_floor = floor / static_cast<double>(options.toy_repeats);
    if (progress && !progress(++step, steps)) return cancelled();
  }
  out.verdict = judge_health(out.numbers, options.thresholds);
  return out;
}

}  // namespace vaelab
