// TransposedConv2d (nn/transposed_conv.h) against torch::nn::ConvTranspose2d: the same parameters and
// initial draws, outputs and all three gradients equal to float rounding on the oneDNN route, and the
// cases that keep LibTorch's route.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "nn/transposed_conv.h"

using namespace vaelab;
namespace nn = torch::nn;

namespace {

// max |a - b| / (max |b| + tiny): float rounding of sums over thousands of products stays near 1e-6.
double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>() / (b.abs().max().item<double>() + 1e-12);
}

struct Compared {
  double output, input_grad, weight_grad, bias_grad;
  bool onednn;
};

Compared compare(const nn::ConvTranspose2dOptions& options, std::vector<int64_t> input_shape, bool input_grad = true) {
  torch::manual_seed(11);
  nn::ConvTranspose2d reference(options);
  torch::manual_seed(11);
  TransposedConv2d ours(options);
  REQUIRE(torch::equal(reference->weight, ours->weight));  // same initial draws
  const auto x = torch::randn(input_shape);
  auto xa = x.clone().requires_grad_(input_grad), xb = x.clone().requires_grad_(input_grad);
  const auto ya = reference(xa);
  const auto yb = ours(xb);
  REQUIRE(ya.sizes() == yb.sizes());
  const auto gy = torch::randn_like(ya);
  ya.backward(gy);
  yb.backward(gy);
  Compared c{};
  c.onednn = ours->uses_onednn(x);
  c.output = relative_difference(yb, ya);
  c.input_grad = input_grad ? relative_difference(xb.grad(), xa.grad()) : 0.0;
  if (!input_grad) CHECK_FALSE(xb.grad().defined());
  c.weight_grad = relative_difference(ours->weight.grad(), reference->weight.grad());
  c.bias_grad = options.bias() ? relative_difference(ours->bias.grad(), reference->bias.grad()) : 0.0;
  return c;
}

}  // namespace

TEST_CASE("The oneDNN transposed convolution gives ConvTranspose2d's output and gradients", "[fast][nn]") {
  struct Case {
    const char* name;
    nn::ConvTranspose2dOptions options;
    std::vector<int64_t> input;
  };
  const std::vector<Case> cases{
      {"the conv decoder's 4x4 stride 2", nn::ConvTranspose2dOptions(16, 8, 4).stride(2).padding(1), {3, 16, 5, 5}},
      {"output padding (7 -> 14 -> 28)", nn::ConvTranspose2dOptions(16, 8, 4).stride(2).padding(1).output_padding(1),
       {3, 16, 7, 7}},
      {"the ResNet up block's 3x3, no bias",
       nn::ConvTranspose2dOptions(12, 8, 3).stride(2).padding(1).output_padding(1).bias(false), {2, 12, 7, 6}},
      {"the ResNet shortcut's 1x1", nn::ConvTranspose2dOptions(12, 8, 1).stride(2).output_padding(1).bias(false),
       {2, 12, 4, 4}},
      {"stride 1", nn::ConvTranspose2dOptions(8, 8, 3).padding(1), {2, 8, 6, 6}},
      {"dilation 2", nn::ConvTranspose2dOptions(8, 10, 3).stride(2).dilation(2), {2, 8, 5, 5}},
      {"two groups", nn::ConvTranspose2dOptions(8, 16, 4).stride(2).padding(1).groups(2), {2, 8, 4, 4}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto r = compare(c.options, c.input);
    CHECK(r.onednn);
    CHECK(r.output < 1e-5);
    CHECK(r.input_grad < 1e-5);
    CHECK(r.weight_grad < 1e-5);
    CHECK(r.bias_grad < 1e-5);
  }
}

TEST_CASE("A transposed convolution whose input needs no gradient computes only the weight's and bias's",
          "[fast][nn]") {
  const auto r = compare(nn::ConvTranspose2dOptions(16, 8, 4).stride(2).padding(1), {2, 16, 4, 4}, false);
  CHECK(r.onednn);
  CHECK(r.output < 1e-5);
  CHECK(r.weight_grad < 1e-5);
  CHECK(r.bias_grad < 1e-5);
}

TEST_CASE("Image-output layers, other dtypes, unbatched input and output_size keep LibTorch's route", "[fast][nn]") {
  TransposedConv2d to_pixels(nn::ConvTranspose2dOptions(16, 1, 4).stride(2).padding(1));
  CHECK_FALSE(to_pixels->uses_onednn(torch::randn({2, 16, 4, 4})));
  const auto r = compare(nn::ConvTranspose2dOptions(16, 3, 4).stride(2).padding(1), {2, 16, 4, 4});
  CHECK_FALSE(r.onednn);
  CHECK(r.output == 0.0);  // the same kernel: bit for bit

  TransposedConv2d layer(nn::ConvTranspose2dOptions(16, 8, 4).stride(2).padding(1));
  CHECK(layer->uses_onednn(torch::randn({2, 16, 4, 4})));
  CHECK_FALSE(layer->uses_onednn(torch::randn({16, 4, 4})));
  CHECK_FALSE(layer->uses_onednn(torch::randn({2, 16, 4, 4}, torch::kDouble)));
  const auto x = torch::randn({2, 16, 4, 4});
  const auto sized = layer->forward(x, std::vector<int64_t>{9, 9});  // explicit output_size: LibTorch's route
  CHECK(sized.sizes() == torch::IntArrayRef({2, 8, 9, 9}));
}

TEST_CASE("TransposedConv2d keeps ConvTranspose2d's parameter names, and its clones keep its type and values",
          "[fast][nn]") {
  nn::Sequential seq;
  seq->push_back(TransposedConv2d(nn::ConvTranspose2dOptions(16, 8, 4).stride(2).padding(1)));
  std::vector<std::string> names;
  for (const auto& p : seq->named_parameters()) names.push_back(p.key());
  CHECK(names == std::vector<std::string>{"0.weight", "0.bias"});
  CHECK(seq[0]->as<nn::ConvTranspose2dImpl>() != nullptr);

  const auto copy = std::dynamic_pointer_cast<nn::SequentialImpl>(seq->clone());
  REQUIRE(copy);
  const auto* layer = (*copy)[0]->as<TransposedConv2dImpl>();
  REQUIRE(layer != nullptr);
  CHECK(torch::equal(layer->weight, seq[0]->as<TransposedConv2dImpl>()->weight));
  CHECK(layer->weight.data_ptr() != seq[0]->as<TransposedConv2dImpl>()->weight.data_ptr());  // a deep copy
  const auto x = torch::randn({2, 16, 4, 4});
  CHECK(torch::allclose(copy->forward(x), seq->forward(x)));
}

TEST_CASE("Without a graph to record, the oneDNN route gives the same output", "[fast][nn]") {
  torch::manual_seed(5);
  TransposedConv2d layer(nn::ConvTranspose2dOptions(16, 8, 4).stride(2).padding(1).output_padding(1));
  const auto x = torch::randn({2, 16, 7, 7});
  const auto with_graph = layer(x);
  REQUIRE(with_graph.requires_grad());
  torch::Tensor no_grad, inference;
  {
    torch::NoGradGuard guard;
    no_grad = layer(x);
  }
  {
    c10::InferenceMode guard;
    inference = layer(x);
  }
  CHECK_FALSE(no_grad.requires_grad());
  CHECK(torch::equal(no_grad, with_graph.detach()));
  CHECK(torch::equal(inference.clone(), with_graph.detach()));
}
