// Held-out likelihood evaluation (engine/analysis/evaluation.h): the negative ELBO, the named terms and
// the IWAE-k estimate of -log p(x), checked against independent facts — the importance-weighted bound
// is at least the ELBO and tightens with k (Burda et al. 2016, Thm 1), and on a linear-Gaussian model
// log p(x) is known in closed form.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <memory>

#include "analysis/evaluation.h"
#include "core/error.h"
#include "data/dataset.h"
#include "models/registry.h"

namespace {

using vaelab::Dataset;
using vaelab::ModelSpec;

// Vector data set of n rows: a noisy 2-D line embedded in 8-D, so a 2-D latent can explain it.
Dataset line_dataset(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  auto t = torch::randn({n, 2});
  auto mixing = torch::randn({2, 8});
  Dataset d;
  d.name = "test/line8";
  d.shape.features = 8;
  d.storage = (torch::tanh(t.matmul(mixing)) + 0.1 * torch::randn({n, 8})).contiguous();
  return d;
}

ModelSpec small_vae_spec(int64_t features, int64_t latent, std::vector<int64_t> hidden, double sigma2) {
  ModelSpec spec;
  spec.variant = "vae";
  spec.shape.features = features;
  spec.latent = latent;
  spec.architecture.type = "mlp";
  spec.architecture.hidden = std::move(hidden);
  spec.likelihood.kind = vaelab::Likelihood::Kind::Gaussian;
  spec.likelihood.sigma2 = sigma2;
  return spec;
}

// A few Adam steps on the whole set: a model that has learned something but whose posterior is still
// far from exact, so the IWAE gaps are clearly larger than the Monte-Carlo noise.
void train_briefly(vaelab::Model& model, const Dataset& data, int steps) {
  torch::optim::Adam optimizer(model.trainable_parameters(), torch::optim::AdamOptions(1e-2));
  model.train();
  for (int s = 0; s < steps; ++s) {
    vaelab::Batch batch{data.inputs(0, data.size()), {}};
    optimizer.zero_grad();
    auto terms = model.loss(batch, vaelab::StepInfo{s, 0});
    terms.total.backward();
    optimizer.step();
  }
}

}  // namespace

TEST_CASE("IWAE bound is at least the ELBO and tightens as k grows", "[fast][evaluation]") {
  torch::manual_seed(7);
  const Dataset data = line_dataset(1000, 3);
  auto model = vaelab::make_model(small_vae_spec(8, 2, {32, 32}, 0.05));
  train_briefly(*model, data, 60);

  vaelab::EvaluationOptions options;
  options.seed = 11;
  options.iwae_k = 1;
  const auto k1 = vaelab::evaluate_likelihood(*model, data, options);
  options.iwae_k = 5;
  const auto k5 = vaelab::evaluate_likelihood(*model, data, options);
  options.iwae_k = 50;
  const auto k50 = vaelab::evaluate_likelihood(*model, data, options);

  INFO("nelbo " << k1.nelbo << "  iwae_nll k=1 " << k1.iwae_nll << "  k=5 " << k5.iwae_nll << "  k=50 "
                << k50.iwae_nll);
  REQUIRE(k1.samples == 1000);
  REQUIRE(k50.iwae_k == 50);
  REQUIRE(std::isfinite(k1.nelbo));
  // k = 1 is a one-sample ELBO estimate: it agrees with the closed-form-KL nelbo up to MC noise.
  CHECK(k1.iwae_nll == Approx(k1.nelbo).margin(0.05 * std::abs(k1.nelbo) + 0.5));
  // Non-decreasing bound on log p(x) = non-increasing -log p(x) estimate.
  CHECK(k5.iwae_nll < k1.iwae_nll);
  CHECK(k50.iwae_nll < k5.iwae_nll);
  CHECK(k50.iwae_nll <= k1.nelbo);
  // The named terms come from the variant's own loss, "loss" first.
  REQUIRE_FALSE(k1.terms.empty());
  CHECK(k1.terms.front().first == "loss");
  CHECK(std::isfinite(k1.terms.front().second));
}

TEST_CASE("IWAE recovers the closed-form log-likelihood of a linear-Gaussian model", "[fast][evaluation]") {
  // hidden = [] makes both encoder and decoder a single Linear layer: x = w z + b + noise with
  // z ~ N(0, 1) and noise ~ N(0, sigma2), so p(x) = N(x; b, w^2 + sigma2) exactly, whatever the encoder.
  torch::manual_seed(5);
  const double sigma2 = 0.5;
  auto model = vaelab::make_model(small_vae_spec(1, 1, {}, sigma2));
  Dataset data;
  data.name = "test/linear-gaussian";
  data.shape.features = 1;
  data.storage = (0.3 + 1.2 * torch::randn({200, 1})).contiguous();
  train_briefly(*model, data, 200);  // a reasonable posterior keeps the importance weights tame

  double w = 0, b = 0;
  {
    torch::NoGradGuard no_grad;
    model->eval();
    b = model->decode(torch::zeros({1, 1})).item<double>();
    w = model->decode(torch::ones({1, 1})).item<double>() - b;
  }
  const double var = w * w + sigma2;
  auto x = data.storage.to(torch::kDouble).squeeze(1);
  const double exact_nll = (0.5 * std::log(2 * M_PI * var) + (x - b).pow(2) / (2 * var)).mean().item<double>();

  vaelab::EvaluationOptions options;
  options.seed = 2;
  options.iwae_k = 2000;
  const auto result = vaelab::evaluate_likelihood(*model, data, options);
  INFO("w " << w << " b " << b << "  exact -log p(x) " << exact_nll << "  iwae " << result.iwae_nll << "  nelbo "
            << result.nelbo);
  CHECK(result.iwae_nll == Approx(exact_nll).margin(0.01));
  CHECK(result.nelbo >= exact_nll - 0.05);  // the ELBO bounds log p(x) from below (up to MC noise)
}

TEST_CASE("evaluation honours the limit, chunks large k and can be cancelled", "[fast][evaluation]") {
  torch::manual_seed(9);
  const Dataset data = line_dataset(100, 4);
  auto model = vaelab::make_model(small_vae_spec(8, 2, {16}, 0.1));

  vaelab::EvaluationOptions options;
  options.limit = 30;
  options.batch_size = 7;
  options.iwae_k = 40;
  options.max_rows = 64;  // forces several passes per input batch
  options.seed = 1;
  const auto chunked = vaelab::evaluate_likelihood(*model, data, options);
  CHECK(chunked.samples == 30);
  options.max_rows = 1 << 20;  // one pass
  const auto whole = vaelab::evaluate_likelihood(*model, data, options);
  // Different noise draws, same estimator: close, not equal.
  CHECK(chunked.iwae_nll == Approx(whole.iwae_nll).epsilon(0.05));
  CHECK(chunked.nelbo == Approx(whole.nelbo).epsilon(1e-6));  // same seed, same batches for pass 1

  auto json = whole.to_json();
  CHECK(json.contains("nelbo"));
  CHECK(json.contains("terms"));
  CHECK(json["iwae_k"] == 40);

  int calls = 0;
  const auto cancelled = vaelab::evaluate_likelihood(*model, data, options, [&](int64_t, int64_t) {
    return ++calls < 2;
  });
  CHECK(cancelled.cancelled);
  CHECK(cancelled.samples == 14);
  CHECK(cancelled.to_json().value("cancelled", false));

  options.iwae_k = -1;
  CHECK_THROWS_AS(vaelab::evaluate_likelihood(*model, data, options), vaelab::Error);
  Dataset empty;
  empty.name = "test/empty";
  empty.shape.features = 8;
  empty.storage = torch::zeros({0, 8});
  options.iwae_k = 0;
  CHECK_THROWS_WITH(vaelab::evaluate_likelihood(*model, empty, options), Catch::Contains("empty"));
}

namespace {

// A model with a deterministic loss: total = the batch's mean value, "row_sum" = the mean over rows of
// each row's sum. It records whether loss() ran in eval mode.
struct MeanOfInputs : vaelab::Model {
  bool saw_training = false;
  MeanOfInputs() { register_parameter("w", torch::zeros({1})); }
  std::string variant() const override { return "mean-of-inputs"; }
  int64_t latent_dim() const override { return 1; }
  vaelab::Posterior encode(const vaelab::Batch& b) override { return {b.x.mean(1, true), {}}; }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override { return z; }
  vaelab::LossTerms loss(const vaelab::Batch& b, const vaelab::StepInfo&) override {
    saw_training = saw_training || is_training();
    vaelab::LossTerms t;
    t.total = b.x.mean();
    t.add("row_sum", b.x.sum(1).mean());
    return t;
  }
  torch::Tensor log_likelihood(const vaelab::Batch& b, const torch::Tensor&) override { return b.x.sum(1); }
};

}  // namespace

TEST_CASE("Test-view term means weight each batch by its size, whatever the batching", "[fast][evaluation]") {
  const Dataset data = line_dataset(103, 5);
  MeanOfInputs model;
  model.train();
  const double mean_all = data.storage.mean().item<double>();
  const double row_sum = data.storage.sum(1).mean().item<double>();
  for (int64_t batch_size : {1000, 10, 7}) {
    INFO("batch size " << batch_size);
    const auto r = vaelab::mean_loss_terms(model, data, vaelab::StepInfo{}, batch_size);
    REQUIRE(r.complete);
    CHECK(r.inputs == 103);
    REQUIRE(r.means.size() == 2);
    CHECK(r.means[0].first == "loss");
    CHECK(r.means[0].second == Approx(mean_all).epsilon(1e-6));
    CHECK(r.means[1].first == "row_sum");
    CHECK(r.means[1].second == Approx(row_sum).epsilon(1e-6));
  }
  CHECK_FALSE(model.saw_training);  // evaluated in eval mode ...
  CHECK(model.is_training());       // ... and given its mode back

  // A limit takes the first inputs; a progress callback that says stop leaves the pass incomplete.
  const auto first25 = vaelab::mean_loss_terms(model, data, vaelab::StepInfo{}, 10, 25);
  CHECK(first25.inputs == 25);
  CHECK(first25.means[0].second == Approx(data.storage.slice(0, 0, 25).mean().item<double>()).epsilon(1e-6));
  const auto stopped =
      vaelab::mean_loss_terms(model, data, vaelab::StepInfo{}, 10, 0, [](int64_t, int64_t) { return false; });
  CHECK_FALSE(stopped.complete);
  CHECK(stopped.inputs == 10);
}

TEST_CASE("TermMeans averages named values over inputs and keeps their first-seen order", "[fast][evaluation]") {
  vaelab::TermMeans sums;
  sums.add({{"loss", 2.0}, {"kl", 1.0}}, 3);
  sums.add({{"loss", 6.0}, {"kl", 5.0}, {"extra", 4.0}}, 1);
  const auto means = sums.means();
  REQUIRE(means.size() == 3);
  CHECK(means[0].first == "loss");
  CHECK(means[0].second == Approx((3 * 2.0 + 6.0) / 4));
  CHECK(means[1].second == Approx((3 * 1.0 + 5.0) / 4));
  CHECK(means[2].first == "extra");
  CHECK(sums.inputs() == 4);
}
