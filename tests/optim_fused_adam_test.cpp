// The one-pass Adam / AdamW (optim/fused_adam.h) against LibTorch's own Adam / AdamW, against the closed
// form of the first step, and through a save/load round trip into the parent class.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <sstream>

#include "optim/fused_adam.h"

using namespace vaelab;

namespace {

// Parameters of the shapes an MLP has (a matrix above the parallel grain, a small one, a bias).
std::vector<torch::Tensor> make_params(torch::Dtype dtype) {
  torch::manual_seed(7);
  return {torch::randn({300, 200}, dtype).requires_grad_(), torch::randn({40, 30}, dtype).requires_grad_(),
          torch::randn({30}, dtype).requires_grad_()};
}

std::vector<torch::Tensor> clone_params(const std::vector<torch::Tensor>& ps) {
  std::vector<torch::Tensor> out;
  for (const auto& p : ps) out.push_back(p.detach().clone().requires_grad_());
  return out;
}

// Sets the same pseudo-random gradients (seeded by the step) on both sets of parameters.
void set_grads(std::vector<torch::Tensor>& a, std::vector<torch::Tensor>& b, int step) {
  torch::manual_seed(1000 + step);
  for (size_t i = 0; i < a.size(); ++i) {
    auto g = torch::randn_like(a[i]) * (1 + step % 3);
    a[i].mutable_grad() = g.clone();
    b[i].mutable_grad() = g.clone();
  }
}

double max_diff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, (a[i] - b[i]).abs().max().item<double>());
  return d;
}

template <typename Fused, typename Reference, typename Options>
double run_both(const Options& options, torch::Dtype dtype, int steps) {
  auto pa = make_params(dtype);
  auto pb = clone_params(pa);
  Fused fused(pa, options);
  Reference reference(pb, options);
  for (int s = 0; s < steps; ++s) {
    set_grads(pa, pb, s);
    fused.step();
    reference.step();
  }
  return max_diff(pa, pb);
}

}  // namespace

TEST_CASE("Fused Adam and AdamW match LibTorch's over 50 steps", "[fast][optim]") {
  // Parameters move by about lr per step (~0.5 in all); float rounding stays far below 1e-5.
  CHECK(run_both<FusedAdam, torch::optim::Adam>(torch::optim::AdamOptions(1e-2), torch::kFloat32, 50) < 1e-5);
  CHECK(run_both<FusedAdam, torch::optim::Adam>(torch::optim::AdamOptions(1e-2).weight_decay(0.1),
                                                torch::kFloat32, 50) < 1e-5);
  CHECK(run_both<FusedAdamW, torch::optim::AdamW>(torch::optim::AdamWOptions(1e-2).weight_decay(0.1),
                                                  torch::kFloat32, 50) < 1e-5);
  // float64 and amsgrad take the tensor-operation path: the same values to double rounding.
  CHECK(run_both<FusedAdam, torch::optim::Adam>(torch::optim::AdamOptions(1e-2), torch::kFloat64, 20) < 1e-12);
  CHECK(run_both<FusedAdam, torch::optim::Adam>(torch::optim::AdamOptions(1e-2).amsgrad(true), torch::kFloat32,
                                                20) < 1e-5);
  // The comparison can fail: a different learning rate on one side is visible at once.
  auto pa = make_params(torch::kFloat32);
  auto pb = clone_params(pa);
  FusedAdam fused(pa, torch::optim::AdamOptions(1e-2));
  torch::optim::Adam other(pb, torch::optim::AdamOptions(1.1e-2));
  set_grads(pa, pb, 0);
  fused.step();
  other.step();
  CHECK(max_diff(pa, pb) > 5e-4);
}

TEST_CASE("Fused Adam updates channels-last weights as LibTorch's Adam does", "[fast][optim]") {
  // Convolution weights kept NHWC (nn/patchgan.h): a dense layout that is not the default one.
  torch::manual_seed(8);
  std::vector<torch::Tensor> pa{torch::randn({16, 8, 4, 4}).contiguous(torch::MemoryFormat::ChannelsLast).requires_grad_(),
                                torch::randn({4, 1, 4, 4}).contiguous(torch::MemoryFormat::ChannelsLast).requires_grad_()};
  auto pb = clone_params(pa);
  REQUIRE(pb[0].is_contiguous(torch::MemoryFormat::ChannelsLast));
  REQUIRE(!pa[0].is_contiguous());
  FusedAdam fused(pa, torch::optim::AdamOptions(1e-2));
  torch::optim::Adam reference(pb, torch::optim::AdamOptions(1e-2));
  for (int s = 0; s < 30; ++s) {
    set_grads(pa, pb, s);
    if (s == 10) pa[1].mutable_grad() = pa[1].grad().contiguous();  // a gradient in another layout, once
    fused.step();
    reference.step();
  }
  CHECK(max_diff(pa, pb) < 1e-5);
  CHECK(pa[0].is_contiguous(torch::MemoryFormat::ChannelsLast));
}

TEST_CASE("The first fused Adam step is lr * g / (|g| + eps), AdamW's also decays by lr * wd", "[fast][optim]") {
  // Closed form of step 1: m = (1-b1) g, v = (1-b2) g^2, bias corrections give m^ = g, v^ = g^2.
  const double lr = 0.01, eps = 1e-8, wd = 0.5;
  auto p = torch::tensor({1.0f, -2.0f, 3.0f, 0.5f}).requires_grad_();
  const auto g = torch::tensor({0.2f, -4.0f, 1e-9f, 0.0f});
  const auto p0 = p.detach().clone();
  p.mutable_grad() = g.clone();
  FusedAdam adam({p}, torch::optim::AdamOptions(lr).eps(eps));
  adam.step();
  const auto expected = p0 - lr * g / (g.abs() + eps);
  CHECK(torch::allclose(p.detach(), expected, 1e-6, 1e-7));

  auto q = p0.clone().requires_grad_();
  q.mutable_grad() = g.clone();
  FusedAdamW adamw({q}, torch::optim::AdamWOptions(lr).eps(eps).weight_decay(wd));
  adamw.step();
  const auto expected_w = p0 * (1 - lr * wd) - lr * g / (g.abs() + eps);
  CHECK(torch::allclose(q.detach(), expected_w, 1e-6, 1e-7));
}

TEST_CASE("Fused Adam state saves and loads into LibTorch's Adam and back", "[fast][optim]") {
  auto pa = make_params(torch::kFloat32);
  auto pb = clone_params(pa);
  FusedAdam fused(pa, torch::optim::AdamOptions(1e-2));
  for (int s = 0; s < 5; ++s) {
    set_grads(pa, pb, s);
    fused.step();
  }
  // pb takes pa's values; its optimiser (LibTorch's) takes the fused one's state.
  for (size_t i = 0; i < pa.size(); ++i) pb[i].detach().copy_(pa[i].detach());
  std::stringstream buffer;
  {
    torch::serialize::OutputArchive out;
    fused.save(out);
    out.save_to(buffer);
  }
  torch::optim::Adam reference(pb, torch::optim::AdamOptions(1e-2));
  {
    torch::serialize::InputArchive in;
    in.load_from(buffer);
    reference.load(in);
  }
  for (int s = 5; s < 15; ++s) {
    set_grads(pa, pb, s);
    fused.step();
    reference.step();
  }
  // With the state lost, step 6 would be a first step again (bias correction 1): a visible difference.
  CHECK(max_diff(pa, pb) < 1e-5);
  const auto& state = static_cast<torch::optim::AdamParamState&>(
      *reference.state().at(optimizer_state_key(pb[0])));
  CHECK(state.step() == 15);
}
