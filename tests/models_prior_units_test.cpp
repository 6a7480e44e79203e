// Prior units (issue 14 §2; Model::prior_scale, models/prior_units.h, analysis/indicators.h): every latent
// group is shown and measured in its own prior — the Ladder's p(z_l | z_{l+1}) at the code, VaDE's mixture
// or one cluster, HEBAE's empirical prior — each checked against an independent computation; and on a
// briefly trained ladder-mnist a +-3 prior-sd traversal of each layer's most informative latent changes
// the decoded digits visibly, where the old +-3 in N(0,1) units did not.
#include <catch2/catch.hpp>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/indicators.h"
#include "analysis/latent_grid.h"
#include "analysis/traversal.h"
#include "core/error.h"
#include "models/hebae.h"
#include "models/ladder_vae.h"
#include "models/prior_units.h"
#include "models/registry.h"
#include "vector_model_spec.h"
#include "models/vade.h"
#include "session/session.h"
#include "test_support.h"

using namespace vaelab;
using vaelab::test::vector_spec;

namespace {


torch::Tensor param(Model& m, const std::string& name) {
  const auto* p = m.named_parameters().find(name);
  if (!p) throw Error("no parameter " + name);
  return *p;
}

// Rows of 28x28 grey images {R * C, 1, 28, 28} in [0, 1] as one binary PGM, R rows of C images.
void write_pgm(const std::string& path, const torch::Tensor& images, int64_t rows, int64_t cols) {
  const auto img = (images.reshape({rows, cols, 28, 28}).permute({0, 2, 1, 3}).reshape({rows * 28, cols * 28}) * 255)
                       .clamp(0, 255).to(torch::kCPU, torch::kUInt8).contiguous();
  std::ofstream out(path, std::ios::binary);
  out << "P5\n" << cols * 28 << ' ' << rows * 28 << "\n255\n";
  out.write(reinterpret_cast<const char*>(img.data_ptr<uint8_t>()), img.numel());
}

// Mean over pixels and seeds of |decode(a) - decode(b)|, codes {S, H}.
double mean_abs_change(Model& model, const torch::Tensor& a, const torch::Tensor& b) {
  torch::NoGradGuard no_grad;
  return (model.decode(a) - model.decode(b)).abs().mean().item<double>();
}

}  // namespace

TEST_CASE("Ladder prior_scale is p(z_l | z_l+1) from a hand evaluation of its top-down layer at the code",
          "[fast][prior-units][ladder-vae]") {
  torch::manual_seed(140);
  auto model = make_model(vector_spec("ladder-vae", 3, {{"sizes", {3, 2}}, {"deterministic", {8, 6}}, {"top_down_hidden", 5}}));
  torch::NoGradGuard no_grad;
  model->eval();
  const auto z = torch::randn({4, 5});
  const PriorScale p = model->prior_scale(z);
  // top_down_1 = Linear(2 -> 5), ReLU, Linear(5 -> 6): [mu_p, raw variance], var = softplus(raw) + 1e-6.
  const auto z2 = z.slice(1, 3, 5).to(torch::kDouble);
  const auto w1 = param(*model, "top_down_1.0.weight").to(torch::kDouble), b1 = param(*model, "top_down_1.0.bias").to(torch::kDouble);
  const auto w2 = param(*model, "top_down_1.2.weight").to(torch::kDouble), b2 = param(*model, "top_down_1.2.bias").to(torch::kDouble);
  const auto out = torch::relu(z2.matmul(w1.t()) + b1).matmul(w2.t()) + b2;
  const auto mu_hand = out.slice(1, 0, 3);
  const auto sd_hand = (torch::log1p(out.slice(1, 3, 6).exp()) + 1e-6).sqrt();
  CHECK(torch::allclose(p.centre.slice(1, 0, 3).to(torch::kDouble), mu_hand, 1e-5, 1e-6));
  CHECK(torch::allclose(p.scale.slice(1, 0, 3).to(torch::kDouble), sd_hand, 1e-5, 1e-6));
  // The top layer is N(0, 1).
  CHECK(torch::equal(p.centre.slice(1, 3, 5), torch::zeros({4, 2})));
  CHECK(torch::equal(p.scale.slice(1, 3, 5), torch::ones({4, 2})));
  REQUIRE(p.units.size() == 2);
  CHECK(p.units[0] == "p(z1|z2) at the current code");
  CHECK(p.units[1] == "N(0,1)");
  CHECK(p.describe(model->latent_groups()) == "z1: p(z1|z2) at the current code; z2: N(0,1)");

  // Standardised coordinates invert exactly, and moving z2 carries z1 along with its u_1 kept.
  const auto u = model->to_prior_units(z);
  CHECK(torch::allclose(u.slice(1, 0, 3).to(torch::kDouble), (z.slice(1, 0, 3).to(torch::kDouble) - mu_hand) / sd_hand, 1e-4, 1e-5));
  CHECK(torch::allclose(model->from_prior_units(u), z, 1e-5, 1e-5));
  const auto moved = move_latent(*model, z, 4, torch::full({4}, 2.5));
  CHECK(torch::allclose(moved.select(1, 4), torch::full({4}, 2.5)));
  CHECK(torch::allclose(moved.slice(1, 3, 4), z.slice(1, 3, 4)));  // the other z2 dimension stays
  CHECK(torch::allclose(model->to_prior_units(moved).slice(1, 0, 3), u.slice(1, 0, 3), 1e-4, 1e-5));
  CHECK_FALSE(torch::allclose(moved.slice(1, 0, 3), z.slice(1, 0, 3)));  // ... so z1 itself moved

  // prior_variance() is the marginal variance under ancestral sampling (checked against 20000 draws).
  torch::manual_seed(141);
  const auto draws = model->sample_prior(20000);
  const auto mc = draws.var(0, false);
  const auto pv = model->prior_variance();
  CHECK(torch::allclose(pv, mc, 0.1, 0.0));
}

TEST_CASE("VaDE prior_scale gives the mixture's moments in closed form and a chosen cluster's Gaussian",
          "[fast][prior-units][vade]") {
  torch::manual_seed(142);
  auto model = make_model(vector_spec("vade", 2, {{"clusters", 2}}));
  {
    torch::NoGradGuard no_grad;
    // pi = (0.25, 0.75), mu_1 = (-2, 0), mu_2 = (2, 1), sigma^2_1 = (1, 4), sigma^2_2 = (0.25, 1).
    param(*model, "pi_logits").copy_(torch::tensor({std::log(0.25), std::log(0.75)}));
    param(*model, "mu_c").copy_(torch::tensor({-2.0, 0.0, 2.0, 1.0}).reshape({2, 2}));
    param(*model, "logvar_c").copy_(torch::tensor({1.0, 4.0, 0.25, 1.0}).reshape({2, 2}).log());
  }
  const auto z = torch::randn({3, 2});
  // By hand: mean = (0.25 * -2 + 0.75 * 2, 0.75) = (1, 0.75); E z^2 = (0.25 * 5 + 0.75 * 4.25, 0.25 * 4 + 0.75 * 2)
  // = (4.4375, 2.5); variance = (3.4375, 1.9375).
  const PriorScale p = model->prior_scale(z);
  CHECK(torch::allclose(p.centre, torch::tensor({1.0f, 0.75f}).expand({3, 2}), 1e-5, 1e-6));
  CHECK(torch::allclose(p.scale, torch::tensor({3.4375f, 1.9375f}).sqrt().expand({3, 2}), 1e-5, 1e-6));
  CHECK(torch::allclose(model->prior_variance(), torch::tensor({3.4375f, 1.9375f}), 1e-5, 1e-6));
  CHECK(p.units == std::vector<std::string>{"VaDE mixture (its mean and sd per dimension)"});
  // The same moments from 200000 draws of the mixture itself.
  torch::manual_seed(143);
  const auto draws = model->sample_prior(200000);
  CHECK(torch::allclose(draws.mean(0), torch::tensor({1.0f, 0.75f}), 0.0, 0.02));
  CHECK(torch::allclose(draws.var(0), torch::tensor({3.4375f, 1.9375f}), 0.02, 0.0));
  // Cluster 1 (0-based): N((2, 1), diag(0.25, 1)).
  const PriorScale c = model->prior_scale(z, 1);
  CHECK(torch::allclose(c.centre, torch::tensor({2.0f, 1.0f}).expand({3, 2})));
  CHECK(torch::allclose(c.scale, torch::tensor({0.5f, 1.0f}).expand({3, 2}), 1e-6, 1e-6));
  CHECK(c.units == std::vector<std::string>{"cluster 1 of the VaDE mixture"});
  CHECK(model->prior_components() == 2);
  CHECK_THROWS_AS(model->prior_scale(z, 2), Error);
  // u = 0 of cluster 1 is its mean.
  CHECK(torch::allclose(model->from_prior_units(torch::zeros({1, 2}), 1), torch::tensor({{2.0f, 1.0f}})));
}

TEST_CASE("prior draws from a generator of their own repeat, follow the prior and leave torch's stream alone",
          "[fast][prior-units]") {
  torch::manual_seed(150);
  auto vade = make_model(vector_spec("vade", 2, {{"clusters", 2}}));
  {
    torch::NoGradGuard no_grad;  // the mixture of the VaDE case above: mean (1, 0.75), variance (3.4375, 1.9375)
    param(*vade, "pi_logits").copy_(torch::tensor({std::log(0.25), std::log(0.75)}));
    param(*vade, "mu_c").copy_(torch::tensor({-2.0, 0.0, 2.0, 1.0}).reshape({2, 2}));
    param(*vade, "logvar_c").copy_(torch::tensor({1.0, 4.0, 0.25, 1.0}).reshape({2, 2}).log());
  }
  auto ladder = make_model(vector_spec("ladder-vae", 3, {{"sizes", {3, 2}}, {"deterministic", {8, 6}}, {"top_down_hidden", 5}}));
  auto vae = make_model(vector_spec("vae", 3, {}));
  for (Model* m : std::vector<Model*>{vade.get(), ladder.get(), vae.get()}) {
    INFO(m->variant());
    torch::NoGradGuard no_grad;
    auto own = [&](uint64_t seed) { return m->sample_prior(50000, {}, at::make_generator<at::CPUGeneratorImpl>(seed)); };
    // torch's global stream gives the same numbers with and without the draws in between.
    torch::manual_seed(151);
    const auto expected = torch::randn({4});
    torch::manual_seed(151);
    const auto a = own(7);
    CHECK(torch::equal(torch::randn({4}), expected));
    const auto b = own(7);
    CHECK(torch::equal(a, b));            // the same seed repeats
    CHECK_FALSE(torch::equal(a, own(8)));  // another seed does not
    // The draws have the prior's marginal moments (prior_scale at u = 0's centre, prior_variance()).
    const auto centre = m->prior_scale(m->from_prior_units(torch::zeros({1, m->latent_dim()}))).centre[0];
    if (m == vade.get()) CHECK(torch::allclose(centre, torch::tensor({1.0f, 0.75f}), 1e-5, 1e-6));
    if (m != ladder.get()) CHECK(torch::allclose(a.mean(0), centre, 0.0, 0.03));
    CHECK(torch::allclose(a.var(0), m->prior_variance(), 0.1, 0.0));
  }
}

TEST_CASE("HEBAE prior_scale is the empirical prior of its codes", "[fast][prior-units][hebae]") {
  torch::manual_seed(144);
  // running_momentum 1: the running estimate is the last training batch's beta_hat, Sigma_hat.
  auto model = make_model(vector_spec("hebae", 3, {{"running_momentum", 1.0}, {"jitter", 1e-5}}));
  auto& hebae = dynamic_cast<Hebae&>(*model);
  const Batch batch{torch::rand({64, 6}), {}};
  model->train();
  model->loss(batch, {});
  model->eval();
  torch::NoGradGuard no_grad;
  const auto mu = hebae.encode_raw(batch).mu.to(torch::kDouble);
  const auto mean = mu.mean(0);
  const auto var = (mu - mean).pow(2).mean(0) + 1e-5;  // biased, plus the jitter on the diagonal
  const PriorScale p = model->prior_scale(torch::zeros({2, 3}));
  CHECK(torch::allclose(p.centre.to(torch::kDouble), mean.expand({2, 3}), 1e-4, 1e-6));
  CHECK(torch::allclose(p.scale.to(torch::kDouble), var.sqrt().expand({2, 3}), 1e-4, 1e-6));
  CHECK(torch::allclose(model->prior_variance().to(torch::kDouble), var, 1e-4, 1e-7));
  CHECK(p.units.size() == 1);
  CHECK(p.units[0].find("empirical prior") != std::string::npos);
}

TEST_CASE("Flat variants keep N(0,1) units, and prior-unit traversals equal the plain ones there",
          "[fast][prior-units]") {
  torch::manual_seed(145);
  auto model = make_model(vector_spec("vae", 3, {}));
  torch::NoGradGuard no_grad;
  const auto seeds = torch::randn({2, 3});
  const PriorScale p = model->prior_scale(seeds);
  CHECK(p.units == std::vector<std::string>{"N(0,1)"});
  TraversalOptions to;
  const auto plain = traversal_codes(seeds, {0, 2}, to);
  const auto prior = prior_traversal_codes(*model, seeds, {0, 2}, traversal_offsets(to));
  CHECK(torch::allclose(plain, prior, 1e-6, 1e-6));
  const auto q = normal_quantile_grid(4, 0.05, 0.95);
  CHECK(torch::allclose(manifold_codes(seeds[0], 0, 1, 4), prior_grid_codes(*model, seeds[0], 0, 1, q), 1e-6, 1e-6));
}

TEST_CASE("Indicators measure the Ladder's z1 against p(z1|z2): D~ of z1 matches its loss term kl_1, not N(0,I)",
          "[fast][prior-units][ladder-vae][indicators]") {
  torch::manual_seed(146);
  auto model = make_model(vector_spec("ladder-vae", 3, {{"sizes", {3, 2}}, {"deterministic", {8, 6}}, {"top_down_hidden", 5}}));
  {
    // Put the conditional prior's mean of z1 at +4 and its sd near 0.5: far from N(0, I).
    torch::NoGradGuard no_grad;
    auto b = param(*model, "top_down_1.2.bias");
    b.slice(0, 0, 3).fill_(4.0);
    b.slice(0, 3, 6).fill_(std::log(std::exp(0.25) - 1.0));
  }
  model->eval();
  Dataset data;
  data.name = "tiny";
  data.shape.features = 6;
  data.storage = torch::rand({400, 6});
  const auto groups = model->latent_groups();
  const Indicators ind = evaluate_indicators(*model, data);
  torch::NoGradGuard no_grad;
  const Posterior q = model->encode({data.storage, {}});
  const Indicators old = compute_indicators(q.mu, q.logvar);  // the N(0, I) measurement of before
  auto z1 = [](const std::vector<double>& v) { return v[0] + v[1] + v[2]; };
  // kl_1 of the loss, averaged over 50 passes (each samples z2 from q with torch's stream).
  double kl1 = 0;
  for (int r = 0; r < 50; ++r) {
    const auto terms = model->loss({data.storage, {}}, {}).values();
    for (const auto& [name, v] : terms)
      if (name == "kl_1") kl1 += v / 50;
  }
  std::printf("ladder z1: D~ against p(z1|z2) %.3f nats, against N(0,I) %.3f nats, loss term kl_1 %.3f nats\n",
              z1(ind.average_kl_per_dim), z1(old.average_kl_per_dim), kl1);
  CHECK(ind.prior_units == "z1: p(z1|z2) at the sampled z2; z2: N(0,1)");
  // One fixed-seed sample per input against the 50-pass mean: within 10 % (plus 0.05 nats).
  CHECK(std::abs(z1(ind.average_kl_per_dim) - kl1) <= 0.1 * kl1 + 0.05);
  // Against N(0, I) the conditional prior's offset (+4 in each of the 3 dimensions) counted as information:
  // more than 4 nats above the layer's own KL (measured: 14.1 against 7.9).
  CHECK(z1(old.average_kl_per_dim) > z1(ind.average_kl_per_dim) + 4.0);
  // The top layer is measured against N(0, I) either way (posterior at the same z: the top is not sampled).
  CHECK(ind.average_kl_per_dim[3] == Approx(old.average_kl_per_dim[3]).epsilon(1e-4));
  // Deterministic: the indicators' draws come from a generator of their own, not torch's stream.
  torch::manual_seed(7);
  const double before = torch::rand({1}).item<double>();
  torch::manual_seed(7);
  const Indicators again = evaluate_indicators(*model, data);
  CHECK(torch::rand({1}).item<double>() == before);
  CHECK(again.average_kl == ind.average_kl);
}

TEST_CASE("On a briefly trained ladder-mnist a +-3 prior-sd traversal of each layer's most informative latent "
          "changes the digits visibly",
          "[data][prior-units][ladder-vae]") {
  SessionOptions opt;
  // A tiny run: 4096 digits, 400 steps of 64 (about 6 epochs), warm-up shortened to 200 steps to match.
  opt.overrides = {"dataset.subsample=4096", "batch_size=64", "epochs=1000", "device=cpu", "seed=1",
                   "options.warmup_steps=200"};
  std::unique_ptr<Session> session;
  try {
    session = Session::open("ladder-mnist", opt);
  } catch (const Error& e) {
    WARN("ladder-mnist not opened here: " << e.what());
    return;
  }
  session->step(400);
  REQUIRE(session->wait_until_not_running(120000));
  auto snap = session->snapshot();
  REQUIRE(snap->model);
  Model& model = *snap->model->model;
  const Dataset& test = session->data()->test;
  IndicatorOptions io;
  io.limit = 1000;
  const PosteriorAgainstPrior qp = collect_posteriors_against_prior(model, test, io);
  const Indicators ind = compute_indicators(qp, model.latent_groups(), io);
  torch::NoGradGuard no_grad;
  model.eval();
  const Posterior q = model.encode(test.batch(0, 1000, model.device()));
  const Indicators old = compute_indicators(q.mu, q.logvar);
  // Code activity in prior units: the variance over inputs of the standardised posterior means.
  const auto activity = standardise(qp).mu.var(0, false);
  const auto seeds = model.encode(test.batch(0, 16, model.device())).mu;
  const auto terms = model.loss(test.batch(0, 1000, model.device()), {}).values();
  // The +-3 threshold: 0.02 of the [0, 1] grey range averaged over every pixel of 16 digits. A digit's ink
  // covers ~19 % of MNIST's pixels, so a visibly changed stroke (a tenth of the ink turning over) gives more;
  // 0.02 is ~5 grey levels per pixel on average, while one grey level (0.004) everywhere is invisible.
  constexpr double kVisible = 0.02;
  for (const auto& g : model.latent_groups()) {
    const auto a = activity.slice(0, g.offset, g.offset + g.size);
    const int64_t h = g.offset + a.argmax().item<int64_t>();
    double kl_term = 0;
    for (const auto& [name, v] : terms)
      if (name == "kl_" + g.name.substr(1)) kl_term = v;
    const auto lo = prior_traversal_codes(model, seeds, {h}, {-3.0});
    const auto hi = prior_traversal_codes(model, seeds, {h}, {3.0});
    const double change = mean_abs_change(model, lo, hi);
    // Before: +-3 in N(0,1) units on z_h alone (decode() ignores the layers above decode_from = 1).
    TraversalOptions to;
    to.steps = 2;
    const auto old_codes = traversal_codes(seeds, {h}, to);
    const double old_change = mean_abs_change(model, old_codes.slice(0, 0, old_codes.size(0), 2), old_codes.slice(0, 1, old_codes.size(0), 2));
    double d_new = 0, d_old = 0;
    for (int64_t j = g.offset; j < g.offset + g.size; ++j) d_new += ind.average_kl_per_dim[j], d_old += old.average_kl_per_dim[j];
    std::printf("ladder-mnist %s: latent %lld (activity %.3f in prior units, prior sd %.3f at the first seed): "
                "+-3 prior sd changes pixels by %.4f, +-3 in N(0,1) units by %.4f; D~ %.2f nats against its prior, "
                "%.2f against N(0,I); loss term kl %.2f\n",
                g.name.c_str(), static_cast<long long>(h), a.max().item<double>(),
                model.prior_scale(seeds).scale[0][h].item<double>(), change, old_change, d_new, d_old, kl_term);
    // For a look: 4 seeds x 7 steps from -3 to +3 prior sd, under the test's scratch folder.
    const auto strip = prior_traversal_codes(model, seeds.slice(0, 0, 4), {h}, {-3, -2, -1, 0, 1, 2, 3});
    const auto dir = test::scratch_dir("prior_units_ladder_" + g.name);
    write_pgm((dir / "traversal.pgm").string(), model.decode(strip), 4, 7);
    CHECK(change >= kVisible);
    // D~ of each layer on the scale of its own KL term (same inputs, one sample each): within 25 % + 1 nat.
    CHECK(std::abs(d_new - kl_term) <= 0.25 * kl_term + 1.0);
    if (g.name == "z1") CHECK(d_old > d_new);
    if (g.name != "z1") CHECK(old_change < kVisible);  // upper layers did not reach the decoder before
  }
}
