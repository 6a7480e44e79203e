// The decoder's output bias starts at the training data's mean sample (train/output_bias_init.h).
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "train/preset.h"
#include "models/registry.h"
#include "train/output_bias_init.h"
#include "train/trainer.h"

using namespace vaelab;

namespace {

// n grey 1x4x4 images whose pixel p has the value (p * 16 + row % 3) of 255: per-pixel means are known.
Dataset ramp_images(int64_t n) {
  Dataset ds;
  ds.name = "ramp";
  ds.shape.channels = 1;
  ds.shape.height = 4;
  ds.shape.width = 4;
  auto rows = torch::arange(n, torch::kLong).remainder(3).view({n, 1});
  auto pixels = torch::arange(16, torch::kLong).mul(16).view({1, 16});
  ds.storage = (rows + pixels).to(torch::kUInt8).view({n, 1, 4, 4});
  return ds;
}

ModelSpec image_spec(const std::string& type, const std::string& likelihood) {
  ModelSpec s;
  s.variant = "vae";
  s.shape.channels = 1;
  s.shape.height = 4;
  s.shape.width = 4;
  s.latent = 2;
  s.architecture.type = type;
  s.architecture.hidden = {8};
  s.architecture.channels = {4};
  s.likelihood = Likelihood::from_json({{"type", likelihood}});
  return s;
}

torch::Tensor last_decoder_bias(Model& m) {
  torch::Tensor bias;
  for (const auto& p : m.named_parameters(true))
    if (p.key().rfind("decoder.", 0) == 0 && p.key().size() > 5 && p.key().substr(p.key().size() - 5) == ".bias")
      bias = p.value();
  return bias;
}

}  // namespace

TEST_CASE("mean_sample is the per-pixel mean of the data, over several chunks", "[fast][train]") {
  // 9000 rows span three 4096-row chunks; row r adds r % 3 to every pixel, so the mean adds
  // (3000 * 0 + 3000 * 1 + 3000 * 2) / 9000 = 1.
  const auto mean = mean_sample(ramp_images(9000));
  REQUIRE(mean.sizes() == torch::IntArrayRef({1, 4, 4}));
  const auto flat = mean.reshape({-1});
  for (int64_t p = 0; p < 16; ++p) CHECK(flat[p].item<double>() == Approx((p * 16 + 1) / 255.0).epsilon(1e-6));
  CHECK_FALSE(mean_sample(Dataset{}).defined());
}

TEST_CASE("raw_output_for_mean inverts each likelihood's mean", "[fast][train]") {
  const auto mean = torch::tensor({0.0, 0.2, 0.5, 0.9, 1.0});
  Likelihood bernoulli;
  const auto logits = raw_output_for_mean(bernoulli, mean);
  // sigmoid(logit) gives the mean back, clamped to [1e-3, 1 - 1e-3]; logit(0.2) = log(0.25) by hand.
  CHECK(logits[1].item<double>() == Approx(std::log(0.25)).epsilon(1e-5));
  CHECK(logits[0].item<double>() == Approx(std::log(1e-3 / (1 - 1e-3))).epsilon(1e-4));
  CHECK(torch::allclose(bernoulli.mean(logits), mean.clamp(1e-3, 1 - 1e-3), 1e-5, 1e-6));
  Likelihood gaussian = Likelihood::from_json({{"type", "gaussian"}});
  CHECK(torch::equal(raw_output_for_mean(gaussian, mean), mean));
}

TEST_CASE("initialize_output_bias makes a decoder with zero last weights output the mean sample",
          "[fast][train]") {
  const auto mean = mean_sample(ramp_images(30));
  SECTION("MLP decoder, Bernoulli: per-pixel logits") {
    torch::manual_seed(1);
    auto model = make_model(image_spec("mlp", "bernoulli"));
    REQUIRE(initialize_output_bias(*model, Likelihood{}, mean));
    auto bias = last_decoder_bias(*model);
    REQUIRE(bias.numel() == 16);
    // With the last layer's weights at zero the decoder emits exactly its bias, whatever z.
    torch::NoGradGuard g;
    for (const auto& p : model->named_parameters(true))
      if (p.key().rfind("decoder.", 0) == 0 && p.value().sizes() == torch::IntArrayRef({16, 8})) p.value().zero_();
    const auto image = model->decode(torch::randn({3, 2}));
    for (int64_t i = 0; i < 3; ++i) CHECK(torch::allclose(image[i], mean, 1e-5, 1e-5));
  }
  SECTION("convolutional decoder, Gaussian: the channel mean in the per-channel bias") {
    torch::manual_seed(1);
    auto model = make_model(image_spec("conv", "gaussian"));
    const auto before = last_decoder_bias(*model).clone();
    REQUIRE(before.numel() == 1);
    REQUIRE(initialize_output_bias(*model, Likelihood::from_json({{"type", "gaussian"}}), mean));
    CHECK(last_decoder_bias(*model).item<double>() == Approx(mean.mean().item<double>()).epsilon(1e-6));
  }
  SECTION("a mean of another size changes nothing") {
    torch::manual_seed(1);
    auto model = make_model(image_spec("mlp", "bernoulli"));
    const auto before = last_decoder_bias(*model).clone();
    CHECK_FALSE(initialize_output_bias(*model, Likelihood{}, torch::full({5}, 0.3)));
    CHECK(torch::equal(last_decoder_bias(*model), before));
  }
}

TEST_CASE("A fresh trainer's model starts at the training data's mean image", "[fast][train]") {
  auto split = std::make_shared<DatasetSplit>();
  split->train = ramp_images(64);
  split->test = ramp_images(16);
  split->descriptor = {{"name", "ramp"}};
  const Preset preset = Preset::from_json({{"name", "tiny"},
                                           {"variant", "vae"},
                                           {"dataset", {{"name", "ramp"}}},
                                           {"latent", 2},
                                           {"architecture", {{"type", "mlp"}, {"hidden", {8}}}},
                                           {"likelihood", {{"type", "bernoulli"}}},
                                           {"batch_size", 16},
                                           {"epochs", 1},
                                           {"device", "cpu"}});
  Trainer trainer(preset, split);
  auto snap = trainer.snapshot();
  REQUIRE(snap);
  REQUIRE(snap->model);
  const auto bias = last_decoder_bias(*snap->model->model);
  const auto expected = raw_output_for_mean(preset.model.likelihood, mean_sample(split->train)).reshape({-1});
  CHECK(torch::allclose(bias, expected, 1e-5, 1e-5));
}
