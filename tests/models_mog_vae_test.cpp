// mog-vae ("How to train your VAE" §3): each loss term against a hand-worked value, the loss as their
// weighted sum, and one generator and one discriminator step each lowering their own loss.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <sstream>

#include "core/error.h"
#include "models/mog_vae.h"
#include "train/preset.h"
#include "models/registry.h"

using namespace vaelab;

namespace {

ModelSpec tiny_spec(nlohmann::json options = nlohmann::json::object()) {
  ModelSpec s;
  s.variant = "mog-vae";
  s.shape.channels = 1;
  s.shape.height = 16;
  s.shape.width = 16;
  s.latent = 4;
  s.architecture.type = "resnet";
  s.architecture.channels = {4, 8};
  s.architecture.blocks = 1;
  s.architecture.hidden = {};
  options["disc_channels"] = 4;
  s.options = options;
  return s;
}

std::map<std::string, double> named(const LossTerms& t) {
  std::map<std::string, double> m;
  for (const auto& [k, v] : t.values()) m[k] = v;
  return m;
}

}  // namespace

TEST_CASE("mog-vae KL_G and KL_I equal the hand-worked values on a 2x2 batch", "[fast][mog-vae]") {
  // mu = [[1,0],[3,2]], z = [[1,1],[3,2]]: mu_bar = (2, 1), sigma_bar^2 = (1, 0.5).
  // KL_G = 1/2 [(1 + 4 - 1 - 0) + (0.5 + 1 - 1 - ln 0.5)] = 1/2 (4.5 + ln 2).
  auto mu = torch::tensor({1.0f, 0.0f, 3.0f, 2.0f}).view({2, 2});
  auto z = torch::tensor({1.0f, 1.0f, 3.0f, 2.0f}).view({2, 2});
  CHECK(mixture_kl(mu, z).item<double>() == Approx(0.5 * (4.5 + std::log(2.0))).epsilon(1e-6));
  // sigma^2 = [[1, 2], [0.5, 1]]: row 0: 0 + (2 - 1 - ln 2); row 1: (0.5 - 1 + ln 2) + 0. No 1/2 factor.
  auto logvar = torch::tensor({0.0, std::log(2.0), std::log(0.5), 0.0}, torch::kFloat).view({2, 2});
  auto kl_i = individual_kl(logvar);
  CHECK(kl_i[0].item<double>() == Approx(1.0 - std::log(2.0)).epsilon(1e-6));
  CHECK(kl_i[1].item<double>() == Approx(std::log(2.0) - 0.5).epsilon(1e-6));
}

TEST_CASE("mog-vae L1 and patch BCE equal hand values under both reductions", "[fast][mog-vae]") {
  auto x = torch::tensor({0.0f, 1.0f, 1.0f, 0.0f}).view({2, 1, 1, 2});
  auto x_hat = torch::tensor({0.5f, 0.5f, 0.25f, 1.0f}).view({2, 1, 1, 2});
  // |x - x_hat| = 0.5, 0.5 | 0.75, 1: per-element mean 0.6875; per-sample sums 1 and 1.75 -> 1.375.
  CHECK(l1_term(x, x_hat, "mean").item<double>() == Approx(0.6875));
  CHECK(l1_term(x, x_hat, "sum").item<double>() == Approx(1.375));
  const float l3 = static_cast<float>(std::log(3.0));
  auto logits = torch::tensor({0.0f, l3, l3, 0.0f}).view({2, 1, 1, 2});
  const double real_pair = std::log(2.0) + std::log(4.0 / 3.0);  // -log sigmoid(0) - log sigmoid(ln 3)
  const double fake_pair = std::log(2.0) + std::log(4.0);        // -log(1 - sigmoid(.)) for the same
  CHECK(patch_bce_term(logits, 1.0, "mean").item<double>() == Approx(real_pair / 2).epsilon(1e-6));
  CHECK(patch_bce_term(logits, 1.0, "sum").item<double>() == Approx(real_pair).epsilon(1e-6));
  CHECK(patch_bce_term(logits, 0.0, "mean").item<double>() == Approx(fake_pair / 2).epsilon(1e-6));
}

TEST_CASE("mog-vae options default to the paper's weights and reject unknown keys", "[fast][mog-vae]") {
  auto o = MogVaeOptions::from_json(nlohmann::json::object());
  CHECK(o.beta1 == 1.0);
  CHECK(o.beta2 == 0.5);
  CHECK(o.beta3 == 5000.0);
  CHECK(o.beta4 == 100.0);
  CHECK(o.disc_lr == 1e-4);
  CHECK(o.l1_reduction == "mean");
  CHECK(o.adv_reduction == "mean");
  CHECK_THROWS_WITH(MogVaeOptions::from_json({{"beta5", 1}}), Catch::Contains("beta5"));
  CHECK_THROWS_WITH(MogVaeOptions::from_json({{"l1_reduction", "median"}}), Catch::Contains("options.l1_reduction"));
  CHECK_THROWS_WITH(MogVaeOptions::from_json({{"beta3", -1}}), Catch::Contains("options.beta3"));
  DataShape vec;
  vec.features = 3;
  auto spec = tiny_spec();
  spec.shape = vec;
  spec.architecture.type = "mlp";
  CHECK_THROWS_WITH(MogVae(spec, MogVaeOptions{}), Catch::Contains("at least 8x8"));
}

TEST_CASE("mog-vae loss is the weighted sum of kl_g, kl_i, l1 and adv", "[fast][mog-vae]") {
  torch::manual_seed(1);
  auto spec = tiny_spec({{"beta1", 2.0}, {"beta2", 0.25}, {"beta3", 30.0}, {"beta4", 3.0}});
  MogVae model(spec, MogVaeOptions::from_json(spec.options));
  Batch batch{torch::rand({6, 1, 16, 16}), {}};
  auto t = model.loss(batch, {});
  auto v = named(t);
  REQUIRE(v.count("kl_g") == 1);
  REQUIRE(v.count("adv") == 1);
  CHECK(v["loss"] == Approx(2.0 * v["kl_g"] + 0.25 * v["kl_i"] + 30.0 * v["l1"] + 3.0 * v["adv"]).epsilon(1e-5));
  // KL_I is the batch mean of the closed form, evaluated on the encoder's own log-variances.
  auto q = model.encode(batch);
  CHECK(v["kl_i"] == Approx(individual_kl(q.logvar).mean().item<double>()).epsilon(1e-5));
}

TEST_CASE("mog-vae trains the discriminator apart from the generator", "[fast][mog-vae]") {
  torch::manual_seed(2);
  auto spec = tiny_spec();
  MogVae model(spec, MogVaeOptions::from_json(spec.options));
  const auto all = model.parameters().size();
  const auto disc = model.discriminator()->parameters().size();
  CHECK(model.trainable_parameters().size() == all - disc);
  for (const auto& p : model.trainable_parameters())
    for (const auto& d : model.discriminator()->parameters()) CHECK_FALSE(p.is_same(d));
}

TEST_CASE("One mog-vae generator step lowers the generator loss and leaves the discriminator alone",
          "[fast][mog-vae]") {
  torch::manual_seed(3);
  auto spec = tiny_spec();
  MogVae model(spec, MogVaeOptions::from_json(spec.options));
  model.train();
  Batch batch{torch::rand({8, 1, 16, 16}), {}};
  std::vector<torch::Tensor> disc_before;
  for (const auto& p : model.discriminator()->parameters()) disc_before.push_back(p.detach().clone());

  torch::optim::Adam opt(model.trainable_parameters(), torch::optim::AdamOptions(1e-3));
  torch::manual_seed(30);
  auto before = model.loss(batch, {});
  opt.zero_grad();
  before.total.backward();
  opt.step();
  torch::manual_seed(30);  // same eps: the change is the step's alone
  auto after = model.loss(batch, {});
  INFO("generator loss " << before.total.item<double>() << " -> " << after.total.item<double>());
  CHECK(after.total.item<double>() < before.total.item<double>());
  auto disc_after = model.discriminator()->parameters();
  for (size_t i = 0; i < disc_before.size(); ++i) CHECK(torch::equal(disc_before[i], disc_after[i].detach()));
}

TEST_CASE("One mog-vae discriminator step in after_step lowers the discriminator loss", "[fast][mog-vae]") {
  torch::manual_seed(4);
  auto spec = tiny_spec();
  MogVae model(spec, MogVaeOptions::from_json(spec.options));
  model.train();
  Batch batch{torch::rand({8, 1, 16, 16}), {}};

  // The generator pass caches x_hat; after_step must use exactly that x_hat (Algorithm 1).
  torch::manual_seed(40);
  auto terms = model.loss(batch, {});
  torch::Tensor fake;
  {
    torch::NoGradGuard no_grad;
    torch::manual_seed(40);
    fake = model.decode(model.sample_posterior(model.encode(batch)));
  }
  const double before = model.discriminator_loss(batch.x, fake).item<double>();
  model.after_step(batch, {}, terms);
  auto v = named(terms);
  REQUIRE(v.count("disc") == 1);
  CHECK(v["disc"] == Approx(before).epsilon(1e-5));
  const double after = model.discriminator_loss(batch.x, fake).item<double>();
  INFO("discriminator loss " << before << " -> " << after);
  CHECK(after < before);
}

TEST_CASE("mog-vae implied-laplace density is the Laplace with the scale the L1 weight implies",
          "[fast][mog-vae]") {
  torch::manual_seed(5);
  auto spec = tiny_spec({{"density", "implied-laplace"}, {"beta3", 512.0}});
  MogVae model(spec, MogVaeOptions::from_json(spec.options));
  model.eval();
  Batch batch{torch::rand({3, 1, 16, 16}), {}};
  auto z = torch::randn({3, 4});
  auto x_hat = model.decode(z);
  // D = 256 pixels, b = D / beta3 = 0.5: log p = -sum|x - x_hat| / 0.5 - 256 log(1).
  auto expected = -(batch.x - x_hat).abs().flatten(1).sum(1) * 2.0;
  CHECK(torch::allclose(model.log_likelihood(batch, z), expected, 1e-4, 1e-3));
}

TEST_CASE("mog-vae discriminator optimiser state survives save_extra and load_extra", "[fast][mog-vae]") {
  torch::manual_seed(6);
  auto spec = tiny_spec();
  MogVae a(spec, MogVaeOptions::from_json(spec.options));
  MogVae b(spec, MogVaeOptions::from_json(spec.options));
  a.train();
  b.train();
  Batch batch{torch::rand({4, 1, 16, 16}), {}};
  LossTerms ignored;
  torch::manual_seed(60);
  a.after_step(batch, {}, ignored);  // Adam moments now non-zero
  torch::serialize::OutputArchive out;
  a.save_extra(out);
  std::stringstream buffer;
  out.save_to(buffer);
  copy_state(a, b);
  torch::serialize::InputArchive in;
  in.load_from(buffer);
  b.load_extra(in);
  torch::manual_seed(61);
  a.after_step(batch, {}, ignored);
  torch::manual_seed(61);
  b.after_step(batch, {}, ignored);
  auto pa = a.discriminator()->parameters();
  auto pb = b.discriminator()->parameters();
  for (size_t i = 0; i < pa.size(); ++i) CHECK(torch::allclose(pa[i], pb[i], 1e-6, 1e-7));
}

TEST_CASE("mog-vae presets parse and build through the registry", "[fast][mog-vae]") {
  torch::manual_seed(7);
  for (const char* name : {"mog-vae-fashion", "mog-vae-faces64", "mog-vae-faces256"}) {
    INFO(name);
    Preset preset = Preset::from_json(read_preset_json(name));
    CHECK(preset.model.variant == "mog-vae");
    CHECK_NOTHROW(MogVaeOptions::from_json(preset.model.options));
  }
  Preset fashion = Preset::from_json(read_preset_json("mog-vae-fashion"));
  fashion.model.shape.channels = 1;
  fashion.model.shape.height = 28;
  fashion.model.shape.width = 28;
  auto model = make_model(fashion.model);
  CHECK(model->variant() == "mog-vae");
  model->train();
  Batch batch{torch::rand({4, 1, 28, 28}), {}};
  auto terms = model->loss(batch, {});
  CHECK(std::isfinite(terms.total.item<double>()));
  CHECK(model->decode(torch::randn({2, 32})).sizes() == torch::IntArrayRef({2, 1, 28, 28}));
  // Evaluation runs no after_step, so loss() reports the discriminator's loss itself.
  model->eval();
  torch::NoGradGuard no_grad;
  auto v = named(model->loss(batch, {}));
  CHECK(v.count("disc") == 1);
  CHECK(std::isfinite(v["disc"]));
}

TEST_CASE("The mog-vae generator's backward goes through the PatchGAN to the images but computes no gradient for "
          "its weights, and the generator's gradients are those of the whole loss",
          "[fast][mog-vae]") {
  torch::manual_seed(4);
  auto spec = tiny_spec({{"beta1", 2.0}, {"beta2", 0.25}, {"beta3", 30.0}, {"beta4", 3.0}});
  MogVae model(spec, MogVaeOptions::from_json(spec.options));
  model.train();
  Batch batch{torch::rand({6, 1, 16, 16}), {}};
  const auto params = model.trainable_parameters();

  torch::manual_seed(40);
  model.loss(batch, {}).total.backward();
  std::vector<torch::Tensor> ours;
  for (const auto& p : params) ours.push_back(p.grad().clone());
  for (const auto& d : model.discriminator()->parameters()) {
    CHECK_FALSE(d.grad().defined());
    CHECK(d.requires_grad());  // restored for the discriminator's own step
  }

  // The same loss from its terms, the discriminator left trainable: the same generator gradients.
  for (auto p : params) p.mutable_grad() = torch::Tensor();
  torch::manual_seed(40);
  auto q = model.encode(batch);
  auto z = model.sample_posterior(q);
  auto x_hat = model.decode(z);
  auto whole = 2.0 * mixture_kl(q.mu, z) + 0.25 * individual_kl(q.logvar).mean() + 30.0 * l1_term(batch.x, x_hat, "mean") +
               3.0 * patch_bce_term(model.discriminator()->forward(x_hat), 1.0, "mean");
  whole.backward();
  for (size_t i = 0; i < params.size(); ++i) {
    INFO("parameter " << i);
    CHECK(torch::allclose(params[i].grad(), ours[i], 1e-4, 1e-6));
  }
  bool disc_has_grad = false;
  for (const auto& d : model.discriminator()->parameters()) disc_has_grad |= d.grad().defined();
  CHECK(disc_has_grad);  // what the frozen pass skipped
}
