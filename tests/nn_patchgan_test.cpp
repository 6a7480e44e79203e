// PatchGAN discriminator: the realism map is floor(H/8) x floor(W/8), and its BCE matches a hand value.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "nn/patchgan.h"

using namespace vaelab;

TEST_CASE("PatchGAN gives a floor(H/8) x floor(W/8) map of logits for 28, 64 and non-square inputs",
          "[fast][patchgan]") {
  torch::manual_seed(1);
  PatchGANOptions opt;
  opt.channels = 4;
  PatchGAN grey(1, opt);
  auto m28 = grey->forward(torch::rand({2, 1, 28, 28}));
  CHECK(m28.sizes() == torch::IntArrayRef({2, 1, 3, 3}));
  CHECK(patchgan_map_size(28) == 3);
  auto mixed = grey->forward(torch::rand({2, 1, 64, 17}));
  CHECK(mixed.sizes() == torch::IntArrayRef({2, 1, 8, 2}));

  opt.norm = "none";
  PatchGAN rgb(3, opt);
  CHECK(rgb->forward(torch::rand({1, 3, 64, 64})).sizes() == torch::IntArrayRef({1, 1, 8, 8}));
  opt.norm = "instance";
  PatchGAN inst(3, opt);
  CHECK(inst->forward(torch::rand({2, 3, 256, 256})).sizes() == torch::IntArrayRef({2, 1, 32, 32}));
}

TEST_CASE("PatchGAN rejects inputs smaller than 8 pixels or with the wrong channels", "[fast][patchgan]") {
  PatchGAN d(1, PatchGANOptions{});
  CHECK_THROWS_WITH(d->forward(torch::rand({1, 1, 7, 28})), Catch::Contains("H>=8"));
  CHECK_THROWS_WITH(d->forward(torch::rand({1, 3, 28, 28})), Catch::Contains("expected images {B, 1"));
  PatchGANOptions bad;
  bad.norm = "layer";
  CHECK_THROWS_WITH(PatchGAN(1, bad), Catch::Contains("norm must be one of"));
}

TEST_CASE("patch_bce is the mean of log(1 + exp(-l)) for real and log(1 + exp(l)) for fake", "[fast][patchgan]") {
  // Hand values: logits 0 and ln 3. Real: ln 2, ln(4/3). Fake: ln 2, ln 4.
  auto logits = torch::tensor({0.0f, static_cast<float>(std::log(3.0))}).view({1, 1, 1, 2});
  CHECK(patch_bce(logits, 1.0).item<double>() == Approx((std::log(2.0) + std::log(4.0 / 3.0)) / 2).epsilon(1e-6));
  CHECK(patch_bce(logits, 0.0).item<double>() == Approx((std::log(2.0) + std::log(4.0)) / 2).epsilon(1e-6));
}

TEST_CASE("PatchGAN's channels-last layers give the logits and gradients of the same layers in NCHW",
          "[fast][patchgan]") {
  torch::manual_seed(6);
  for (int64_t channels : {1, 3}) {
    vaelab::PatchGANOptions options;
    options.channels = 8;
    vaelab::PatchGAN d(channels, options);
    // The same weights, converted to the default layout, run on NCHW images: LibTorch's NCHW kernels.
    vaelab::PatchGAN plain_module(channels, options);
    {
      torch::NoGradGuard no_grad;
      auto from = d->parameters();
      auto to = plain_module->parameters();
      REQUIRE(from.size() == to.size());
      for (size_t i = 0; i < from.size(); ++i) to[i].set_data(from[i].detach().contiguous().clone());
    }
    for (const auto& p : d->parameters())
      if (p.dim() == 4) CHECK(p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    for (const auto& p : plain_module->parameters()) CHECK(p.is_contiguous());

    auto x = torch::rand({4, channels, 28, 28}, torch::requires_grad());
    auto ours = d->forward(x);
    auto plain = plain_module->body->forward(x);
    CHECK(torch::allclose(ours, plain, 1e-5, 1e-6));
    std::vector<torch::Tensor> inputs{x}, plain_inputs{x};
    for (const auto& p : d->parameters()) inputs.push_back(p);
    for (const auto& p : plain_module->parameters()) plain_inputs.push_back(p);
    const auto a = torch::autograd::grad({ours.sum()}, inputs);
    const auto b = torch::autograd::grad({plain.sum()}, plain_inputs);
    for (size_t i = 0; i < a.size(); ++i) {
      INFO("channels " << channels << ", gradient " << i << " (0: the input)");
      // Relative to the gradient's largest entry: behind batch normalisation the weight gradients are
      // small differences of large sums, so entry by entry they carry the sums' rounding.
      const double scale = b[i].abs().max().item<double>();
      CHECK(scale > 0);
      CHECK((a[i] - b[i]).abs().max().item<double>() <= 1e-4 * scale);
    }
  }
}
