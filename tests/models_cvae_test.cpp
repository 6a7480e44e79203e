// Conditional VAE (spec §7): the label enters encoder and decoder.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "models/cvae.h"
#include "models/registry.h"

using namespace vaelab;

namespace {
ModelSpec tiny_cvae_spec(int64_t classes = 3) {
  ModelSpec s;
  s.variant = "cvae";
  s.shape.features = 6;
  s.num_classes = classes;
  s.latent = 2;
  s.architecture.hidden = {8};
  return s;
}
}  // namespace

TEST_CASE("CVAE decoding of the same code depends on the label", "[fast][cvae]") {
  torch::manual_seed(31);
  auto model = make_model(tiny_cvae_spec());
  REQUIRE(model->is_conditional());
  torch::NoGradGuard no_grad;
  const auto z = torch::randn({4, 2});
  const auto a = model->decode(z, torch::zeros({4}, torch::kLong));
  const auto b = model->decode(z, torch::full({4}, 2, torch::kLong));
  CHECK((a - b).abs().max().item<double>() > 1e-4);
  // And the encoder's posterior depends on the label too.
  const auto x = torch::rand({4, 6});
  const auto qa = model->encode({x, torch::zeros({4}, torch::kLong)});
  const auto qb = model->encode({x, torch::ones({4}, torch::kLong)});
  CHECK((qa.mu - qb.mu).abs().max().item<double>() > 1e-4);
}

TEST_CASE("CVAE training reduces recon + KL on a tiny labelled set", "[fast][cvae]") {
  torch::manual_seed(32);
  auto model = make_model(tiny_cvae_spec(2));
  const auto y = torch::tensor({0, 1, 0, 1}, torch::kLong);
  const auto x = torch::stack({torch::ones({6}), torch::zeros({6}), torch::ones({6}), torch::zeros({6})});
  torch::optim::Adam opt(model->trainable_parameters(), 1e-2);
  double first = 0, last = 0;
  for (int step = 0; step < 150; ++step) {
    auto terms = model->loss({x, y}, {step, 0});
    opt.zero_grad();
    terms.total.backward();
    opt.step();
    (step == 0 ? first : last) = terms.total.item<double>();
  }
  CHECK(last < first);
}

TEST_CASE("CVAE asks for labels and for a labelled dataset with messages", "[fast][cvae]") {
  torch::manual_seed(33);
  auto model = make_model(tiny_cvae_spec());
  CHECK_THROWS_WITH(model->encode({torch::rand({2, 6}), {}}), Catch::Contains("needs labels"));
  CHECK_THROWS_WITH(model->decode(torch::randn({2, 2}), torch::tensor({0, 7}, torch::kLong)),
                    Catch::Contains("outside [0, 3)"));
  CHECK_THROWS_WITH(make_model(tiny_cvae_spec(0)), Catch::Contains("labelled dataset"));
}

TEST_CASE("CVAE with a conv encoder takes the label as extra image channels", "[fast][cvae]") {
  torch::manual_seed(34);
  ModelSpec s = tiny_cvae_spec();
  s.shape = DataShape{1, 8, 8, 0};
  s.architecture.type = "conv";
  s.architecture.channels = {4};
  s.architecture.hidden = {8};
  auto model = make_model(s);
  torch::NoGradGuard no_grad;
  const auto x = torch::rand({3, 1, 8, 8});
  const auto qa = model->encode({x, torch::zeros({3}, torch::kLong)});
  const auto qb = model->encode({x, torch::full({3}, 2, torch::kLong)});
  CHECK(qa.mu.sizes() == torch::IntArrayRef({3, 2}));
  CHECK((qa.mu - qb.mu).abs().max().item<double>() > 1e-5);
  CHECK(model->decode(qa.mu, torch::ones({3}, torch::kLong)).sizes() == torch::IntArrayRef({3, 1, 8, 8}));
}
