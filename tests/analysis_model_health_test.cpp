// Model health (analysis/model_health.h) against hand cases: a constant decoder, an exact and a noisy
// identity autoencoder, codes of known variance, collapsed posterior variances, toy-set energy distances
// (hand-worked and the 1-D closed form 2 * integral (F - G)^2), and every threshold's boundary.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <utility>
#include <vector>

#include "analysis/model_health.h"
#include "core/error.h"
#include "models/registry.h"

using namespace vaelab;

namespace {

// A model made of plain functions: encoder mu(x), logvar(x) (undefined = deterministic), decoder(z), and
// an optional prior variance.
class FunctionModel : public Model {
 public:
  using Map = std::function<torch::Tensor(const torch::Tensor&)>;
  FunctionModel(int64_t latent, Map mu, Map logvar, Map decoder)
      : latent_(latent), mu_(std::move(mu)), logvar_(std::move(logvar)), decoder_(std::move(decoder)) {}

  std::string variant() const override { return "test-function-model"; }
  int64_t latent_dim() const override { return latent_; }
  Posterior encode(const Batch& b) override { return {mu_(b.x), logvar_ ? logvar_(b.x) : torch::Tensor()}; }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override { return decoder_(z); }
  LossTerms loss(const Batch&, const StepInfo&) override { throw Error("not trained in these tests"); }
  torch::Tensor log_likelihood(const Batch&, const torch::Tensor&) override { throw Error("not used"); }
  torch::Tensor prior_variance() const override {
    return prior_.defined() ? prior_ : torch::ones({latent_});
  }
  torch::Tensor prior_;

 private:
  int64_t latent_;
  Map mu_, logvar_, decoder_;
};

Dataset vectors(const torch::Tensor& points) {
  Dataset d;
  d.name = "test/vectors";
  d.shape.features = points.size(1);
  d.storage = points.to(torch::kFloat32).contiguous();
  return d;
}

// Rows alternate -1, +1 in every column: each column has mean 0 and (1/M) variance exactly 1.
Dataset plus_minus_ones(int64_t n, int64_t d) {
  auto sign = (torch::arange(n) % 2 * 2 - 1).to(torch::kFloat32).unsqueeze(1);
  return vectors(sign.expand({n, d}).clone());
}

FunctionModel identity_autoencoder(int64_t d, double posterior_variance) {
  return FunctionModel(
      d, [](const torch::Tensor& x) { return x.clone(); },
      [posterior_variance](const torch::Tensor& x) { return torch::full_like(x, std::log(posterior_variance)); },
      [](const torch::Tensor& z) { return z.clone(); });
}

HealthNumbers healthy_numbers() {
  HealthNumbers n;
  n.samples = 100;
  n.latent = 4;
  n.recon_r2 = 0.8;
  n.input_dependence = 0.7;
  n.active_units = 3;
  n.code_activity = {1.0, 0.5, 0.2, 0.001};
  n.collapsed_dims = 0;
  n.variance_collapse_share = 0.0;
  n.toy_distance = n.toy_distance_floor = std::nan("");
  return n;
}

// 2 * integral (F_a - F_b)^2 dx for the empirical CDFs of two 1-D samples: the energy distance's
// closed form in one dimension (Székely & Rizzo 2013), computed by sweeping the sorted points.
double cdf_energy_distance(std::vector<double> a, std::vector<double> b) {
  std::vector<std::pair<double, int>> events;
  for (double v : a) events.emplace_back(v, 0);
  for (double v : b) events.emplace_back(v, 1);
  std::sort(events.begin(), events.end());
  double fa = 0, fb = 0, integral = 0;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    (events[i].second == 0 ? fa : fb) += 1.0 / static_cast<double>(events[i].second == 0 ? a.size() : b.size());
    integral += (fa - fb) * (fa - fb) * (events[i + 1].first - events[i].first);
  }
  return 2.0 * integral;
}

}  // namespace

TEST_CASE("a constant decoder ignores its input: R^2 <= 0 and no input dependence", "[fast][health]") {
  torch::manual_seed(141);
  Dataset images;
  images.name = "test/images";
  images.shape = DataShape{1, 4, 4, 0};
  images.storage = torch::randint(0, 256, {60, 1, 4, 4}, torch::kUInt8);
  const auto grey = [](double level) {
    return FunctionModel(
        2, [](const torch::Tensor& x) { return torch::zeros({x.size(0), 2}); },
        [](const torch::Tensor& x) { return torch::zeros({x.size(0), 2}); },
        [level](const torch::Tensor& z) { return torch::full({z.size(0), 1, 4, 4}, level); });
  };
  auto model = grey(0.9);
  HealthOptions options;
  options.batch_size = 16;  // several batches: the sums must not depend on batching
  const ModelHealth h = evaluate_model_health(model, images, options);
  CHECK(h.numbers.samples == 60);
  CHECK(h.numbers.recon_r2 < 0.0);
  CHECK(h.numbers.input_dependence == Approx(0.0).margin(1e-12));
  CHECK(h.numbers.active_units == 0);
  CHECK_FALSE(h.numbers.toy);
  CHECK(h.verdict.kind == HealthKind::ignores_input);
  CHECK(h.verdict.sentence.find("nearly the same image for every input") != std::string::npos);
  REQUIRE(h.verdict.findings.size() == 2);  // and the codes do not vary either
  CHECK(h.verdict.findings[1].kind == HealthKind::posterior_collapse);

  // The best constant, the mean image, gives exactly R^2 = 0: the check's zero point.
  const auto mean_image = images.inputs(0, 60).mean(0, true);
  FunctionModel mean_model(
      2, [](const torch::Tensor& x) { return torch::zeros({x.size(0), 2}); }, {},
      [mean_image](const torch::Tensor& z) { return mean_image.expand({z.size(0), 1, 4, 4}); });
  const ModelHealth m = evaluate_model_health(mean_model, images, options);
  CHECK(m.numbers.recon_r2 == Approx(0.0).margin(1e-6));
  CHECK(m.verdict.kind == HealthKind::ignores_input);
}

TEST_CASE("an identity autoencoder has R^2 = 1 and a slightly noisy one R^2 close to 1", "[fast][health]") {
  torch::manual_seed(142);
  const Dataset data = vectors(torch::randn({300, 6}));
  auto exact = identity_autoencoder(6, 0.01);
  const ModelHealth h = evaluate_model_health(exact, data);
  CHECK(h.numbers.recon_r2 == 1.0);
  CHECK(h.numbers.input_dependence == Approx(1.0));
  CHECK(h.numbers.active_units == 6);
  CHECK(h.numbers.collapsed_dims == 0);
  CHECK(h.verdict.kind == HealthKind::healthy);
  CHECK(h.verdict.findings.empty());
  CHECK(h.verdict.sentence.find("This model works") != std::string::npos);

  // x_hat = x + e, e ~ N(0, 0.1^2) independent of x: R^2 = 1 - E e^2 / Var x ~ 1 - 0.01.
  FunctionModel noisy(
      6, [](const torch::Tensor& x) { return x.clone(); }, {},
      [](const torch::Tensor& z) { return z + 0.1 * torch::randn_like(z); });
  const ModelHealth n = evaluate_model_health(noisy, data);
  // 1 - R^2 = sum e^2 / sum (x - xbar)^2 exactly; sum e^2 ~ 0.01 * 1800 within 4.5 standard deviations.
  const auto x = data.storage.to(torch::kFloat64);
  const double total_variation = (x - x.mean(0)).pow(2).sum().item<double>();
  CHECK(1.0 - n.numbers.recon_r2 == Approx(0.01 * 300 * 6 / total_variation).epsilon(0.15));
  CHECK(n.numbers.recon_r2 > 0.98);
  CHECK(n.numbers.deterministic);
  CHECK(n.numbers.collapsed_dims == -1);
  CHECK(std::isnan(n.numbers.variance_collapse_share));
  CHECK(n.verdict.kind == HealthKind::healthy);  // no variance-collapse check without posterior variances
}

TEST_CASE("active units count codes whose variance exceeds 0.01 of the prior's", "[fast][health]") {
  // mu_h = s_h * x_h with Var(x_h) = 1, so Var(mu_h) = s_h^2 exactly.
  const std::vector<double> scale = {0.05, 0.2, 1.0, 0.09, 0.11};
  const auto s = torch::tensor(scale, torch::kFloat32);
  FunctionModel model(
      5, [s](const torch::Tensor& x) { return x * s; },
      [](const torch::Tensor& x) { return torch::zeros_like(x); }, [](const torch::Tensor& z) { return z; });
  const Dataset data = plus_minus_ones(40, 5);
  const ModelHealth h = evaluate_model_health(model, data);
  REQUIRE(h.numbers.code_activity.size() == 5);
  for (size_t j = 0; j < scale.size(); ++j) CHECK(h.numbers.code_activity[j] == Approx(scale[j] * scale[j]));
  CHECK(h.numbers.active_units == 3);  // 0.04, 1 and 0.0121; not 0.0025 nor 0.0081

  // In prior units: a prior variance of 4 on the last dimension makes 0.0121 / 4 inactive.
  model.prior_ = torch::tensor({1.0, 1.0, 1.0, 1.0, 4.0});
  const ModelHealth p = evaluate_model_health(model, data);
  CHECK(p.numbers.code_activity[4] == Approx(0.0121 / 4));
  CHECK(p.numbers.active_units == 2);
}

TEST_CASE("posterior variances below 1e-4 of the prior's count as collapsed", "[fast][health]") {
  const Dataset data = plus_minus_ones(20, 4);
  const auto variances = torch::tensor({1e-5, 2e-5, 5e-5, 0.5});
  FunctionModel model(
      4, [](const torch::Tensor& x) { return x.clone(); },
      [variances](const torch::Tensor& x) { return variances.log().expand({x.size(0), 4}).clone(); },
      [](const torch::Tensor& z) { return z; });
  const ModelHealth h = evaluate_model_health(model, data);
  REQUIRE(h.numbers.posterior_variance_ratio.size() == 4);
  CHECK(h.numbers.posterior_variance_ratio[0] == Approx(1e-5));
  CHECK(h.numbers.collapsed_dims == 3);
  CHECK(h.numbers.variance_collapse_share == Approx(0.75));
  CHECK(h.verdict.kind == HealthKind::variance_collapse);
  CHECK(h.verdict.sentence.find("3 of 4") != std::string::npos);

  // Measured against the prior: with prior variance 0.05 the first three ratios are 2e-4 .. 1e-3.
  model.prior_ = torch::full({4}, 0.05);
  CHECK(evaluate_model_health(model, data).numbers.collapsed_dims == 0);
}

TEST_CASE("energy distance matches a hand-worked case and the 1-D closed form", "[fast][health]") {
  // a = {0, 2}, b = {1}: 2 * mean|a - b| - mean|a - a'| - mean|b - b'| = 2 * 1 - (0 + 2 + 2 + 0) / 4 - 0 = 1.
  CHECK(energy_distance(torch::tensor({0.0, 2.0}).unsqueeze(1), torch::tensor({1.0}).unsqueeze(1)) == Approx(1.0));
  // Two points in the plane at distance 5: 2 * 5 - 0 - 0.
  CHECK(energy_distance(torch::tensor({0.0, 0.0}).view({1, 2}), torch::tensor({3.0, 4.0}).view({1, 2})) == Approx(10.0));
  torch::manual_seed(143);
  const auto a = torch::randn({37, 1}, torch::kFloat64), b = 0.5 + 2 * torch::rand({53, 1}, torch::kFloat64);
  const std::vector<double> av(a.data_ptr<double>(), a.data_ptr<double>() + 37);
  const std::vector<double> bv(b.data_ptr<double>(), b.data_ptr<double>() + 53);
  CHECK(energy_distance(a, b) == Approx(cdf_energy_distance(av, bv)).epsilon(1e-9));
  CHECK(energy_distance(a, a) == Approx(0.0).margin(1e-12));
  CHECK_THROWS_AS(energy_distance(a, torch::zeros({3, 2})), Error);
}

TEST_CASE("the toy floor averaged over draws matches its closed form and spreads less than a single draw",
          "[fast][health]") {
  // Two samples of m points from one distribution: E[V-statistic energy distance] = 2 E|X - X'| / m.
  torch::manual_seed(145);
  const Dataset data = vectors(torch::rand({400, 2}));
  auto model = identity_autoencoder(2, 0.1);
  const double mean_pair = torch::cdist(data.storage.to(torch::kFloat64), data.storage.to(torch::kFloat64))
                               .sum().item<double>() / (400.0 * 399.0);
  const double expected = 2.0 * mean_pair / 200.0;

  auto floors = [&](int64_t repeats) {
    std::vector<double> f;
    for (int64_t seed = 0; seed < 12; ++seed) {
      HealthOptions o;
      o.seed = seed * 1000;
      o.toy_repeats = repeats;
      const ModelHealth h = evaluate_model_health(model, data, o);
      REQUIRE(h.numbers.toy_repeats == repeats);
      REQUIRE(h.numbers.toy_points == 200);
      f.push_back(h.numbers.toy_distance_floor);
    }
    return f;
  };
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
  auto sd = [&](const std::vector<double>& v) {
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / (v.size() - 1));
  };
  const auto single = floors(1), averaged = floors(16);
  CHECK(mean(averaged) == Approx(expected).epsilon(0.15));
  CHECK(sd(averaged) < 0.5 * sd(single));  // 1/4 expected from 16 draws

  HealthOptions none;
  none.toy_repeats = 0;
  CHECK_THROWS_AS(evaluate_model_health(model, data, none), Error);
}

TEST_CASE("on a toy set generating the data distribution is healthy and a constant generator a poor fit",
          "[fast][health]") {
  torch::manual_seed(144);
  const Dataset data = vectors(torch::randn({1200, 2}));  // x ~ N(0, I), the prior pushed through z -> z
  auto model = identity_autoencoder(2, 0.1);
  const ModelHealth good = evaluate_model_health(model, data);
  REQUIRE(good.numbers.toy);
  CHECK(good.numbers.toy_points == 600);
  CHECK(good.numbers.toy_distance_floor > 0.0);  // the V-statistic's small-sample term
  CHECK(good.numbers.toy_distance < 3.0 * good.numbers.toy_distance_floor);
  CHECK(good.verdict.kind == HealthKind::healthy);
  CHECK(good.verdict.sentence.find("generated points") != std::string::npos);

  // Reconstructs exactly but generates everything at (2, 2): the generation pass decodes 600 rows at
  // once, reconstruction batches have at most 256.
  FunctionModel stuck(
      2, [](const torch::Tensor& x) { return x.clone(); },
      [](const torch::Tensor& x) { return torch::full_like(x, std::log(0.1)); },
      [](const torch::Tensor& z) { return z.size(0) == 600 ? torch::full_like(z, 2.0) : z.clone(); });
  const ModelHealth bad = evaluate_model_health(stuck, data);
  CHECK(bad.numbers.recon_r2 == 1.0);
  CHECK(bad.numbers.toy_distance > 10 * bad.numbers.toy_distance_floor);
  CHECK(bad.verdict.kind == HealthKind::poor_fit);
  CHECK(bad.verdict.sentence.find("energy distance") != std::string::npos);
}

TEST_CASE("the toy distance does not depend on torch's global stream and leaves it alone", "[fast][health]") {
  torch::manual_seed(145);
  const Dataset data = vectors(torch::randn({400, 2}));
  auto model = identity_autoencoder(2, 0.1);
  HealthOptions o;
  o.seed = -1;  // as while a trainer shares the process: the global generator is not reseeded
  o.toy_repeats = 4;
  torch::manual_seed(1);
  const ModelHealth first = evaluate_model_health(model, data, o);
  const auto after = torch::randn({4});
  torch::manual_seed(2);
  const ModelHealth second = evaluate_model_health(model, data, o);
  REQUIRE(first.numbers.toy);
  CHECK(first.numbers.toy_distance == second.numbers.toy_distance);
  torch::manual_seed(1);
  CHECK(torch::equal(torch::randn({4}), after));  // the check drew nothing from the global stream
  o.seed = 3;  // another seed draws other prior samples
  CHECK(evaluate_model_health(model, data, o).numbers.toy_distance != first.numbers.toy_distance);
}

TEST_CASE("each threshold separates healthy from its verdict at its boundary", "[fast][health]") {
  const HealthThresholds t;
  CHECK(judge_health(healthy_numbers(), t).kind == HealthKind::healthy);
  auto with = [&](const std::function<void(HealthNumbers&)>& change) {
    HealthNumbers n = healthy_numbers();
    change(n);
    return judge_health(n, t).kind;
  };
  CHECK(with([](HealthNumbers& n) { n.recon_r2 = 0.1; }) == HealthKind::healthy);
  CHECK(with([](HealthNumbers& n) { n.recon_r2 = 0.0999; }) == HealthKind::ignores_input);
  CHECK(with([](HealthNumbers& n) { n.recon_r2 = std::nan(""); }) == HealthKind::ignores_input);
  CHECK(with([](HealthNumbers& n) { n.input_dependence = 0.05; }) == HealthKind::healthy);
  CHECK(with([](HealthNumbers& n) { n.input_dependence = 0.0499; }) == HealthKind::ignores_input);
  CHECK(with([](HealthNumbers& n) { n.active_units = 1; }) == HealthKind::healthy);
  CHECK(with([](HealthNumbers& n) { n.active_units = 0; }) == HealthKind::posterior_collapse);
  CHECK(with([](HealthNumbers& n) { n.variance_collapse_share = 0.5; }) == HealthKind::healthy);
  CHECK(with([](HealthNumbers& n) { n.variance_collapse_share = 0.51; }) == HealthKind::variance_collapse);
  CHECK(with([](HealthNumbers& n) {
          n.deterministic = true;
          n.variance_collapse_share = std::nan("");
        }) == HealthKind::healthy);
  // A variant without a divergence on its posterior variance (HEBAE) is not judged on it.
  CHECK(with([](HealthNumbers& n) {
          n.variance_regularised = false;
          n.variance_collapse_share = 1.0;
        }) == HealthKind::healthy);
  auto toy = [](double distance) {
    return [distance](HealthNumbers& n) {
      n.toy = true;
      n.toy_distance_floor = 0.25;
      n.toy_distance = distance;
    };
  };
  CHECK(with(toy(0.75)) == HealthKind::healthy);
  CHECK(with(toy(0.7501)) == HealthKind::poor_fit);

  // Every failing check is a finding; the verdict is the first in the documented order.
  HealthNumbers broken = healthy_numbers();
  broken.recon_r2 = 0.02;
  broken.input_dependence = 0.01;
  broken.active_units = 0;
  broken.variance_collapse_share = 1.0;
  const HealthVerdict v = judge_health(broken, t);
  REQUIRE(v.findings.size() == 3);
  CHECK(v.kind == HealthKind::ignores_input);
  CHECK(v.findings[1].kind == HealthKind::posterior_collapse);
  CHECK(v.findings[2].kind == HealthKind::variance_collapse);
  CHECK(v.sentence.find("R^2 0.02") != std::string::npos);
  CHECK(v.sentence.find("0 of 4 latent dimensions active") != std::string::npos);
  CHECK(v.sentence.find("the same image for every input") != std::string::npos);
  broken.images = false;  // vector data: "output", not "image"
  CHECK(judge_health(broken, t).sentence.find("the same output for every input") != std::string::npos);
}

TEST_CASE("model health reports cancellation, JSON nulls and bad input", "[fast][health]") {
  torch::manual_seed(145);
  const Dataset data = vectors(torch::randn({50, 5}));
  auto model = identity_autoencoder(5, 0.1);
  HealthOptions options;
  options.batch_size = 10;
  const ModelHealth stopped = evaluate_model_health(model, data, options, [](int64_t done, int64_t) { return done < 2; });
  CHECK(stopped.cancelled);
  CHECK(stopped.verdict.kind == HealthKind::unknown);
  CHECK(stopped.to_json().at("cancelled") == true);

  const nlohmann::json j = evaluate_model_health(model, data, options).to_json();
  CHECK(j.at("verdict") == "healthy");
  CHECK(j.at("recon_r2") == 1.0);
  CHECK(j.at("toy_distance").is_null());  // 5 features: not a toy set
  CHECK(j.at("thresholds").at("toy_floor_multiple") == 3.0);
  CHECK(j.at("code_activity").size() == 5);

  CHECK_THROWS_AS(evaluate_model_health(model, vectors(torch::zeros({1, 5}))), Error);
  options.batch_size = 0;
  CHECK_THROWS_AS(evaluate_model_health(model, data, options), Error);
}

TEST_CASE("HEBAE's point-like posteriors are not called variance collapse, a VAE's are", "[fast][health]") {
  ModelSpec spec;
  spec.shape.features = 6;
  spec.latent = 3;
  spec.architecture.hidden = {8};
  torch::manual_seed(3);
  spec.variant = "hebae";
  auto hebae = make_model(spec);
  spec.variant = "vae";
  auto vae = make_model(spec);
  CHECK_FALSE(hebae->regularises_posterior_variance());
  CHECK(vae->regularises_posterior_variance());
  // Flag on the numbers: the same collapsed share is a finding only where the variance is regularised.
  HealthNumbers n;
  n.latent = 3;
  n.recon_r2 = 0.8;
  n.input_dependence = 0.7;
  n.active_units = 3;
  n.variance_collapse_share = 1.0;
  n.collapsed_dims = 3;
  CHECK(judge_health(n).kind == HealthKind::variance_collapse);
  n.variance_regularised = hebae->regularises_posterior_variance();
  CHECK(judge_health(n).kind == HealthKind::healthy);
}
