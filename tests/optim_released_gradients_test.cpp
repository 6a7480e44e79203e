// Released gradients (optim/released_gradients.h) against LibTorch 1.x's zero_grad(): the same parameters,
// gradients and optimiser state after steps in which one parameter is sometimes outside the graph and one
// never in it.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "optim/fused_adam.h"
#include "optim/released_gradients.h"

using namespace vaelab;

namespace {

struct Net {
  torch::Tensor w1, w2, b2, unused;
  std::vector<torch::Tensor> params() const { return {w1, w2, b2, unused}; }
};

// What LibTorch 1.x's Optimizer::zero_grad() does, on any LibTorch: every existing gradient filled with
// zeros in place. (2.x's zero_grad() sets gradients to none by default, which is not the reference here.)
void zero_in_place(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params())
      if (p.grad().defined()) {
        p.mutable_grad().detach_();
        p.mutable_grad().zero_();
      }
}

Net make_net() {
  torch::manual_seed(3);
  return {torch::randn({300, 200}).requires_grad_(), torch::randn({200, 20}).requires_grad_(),
          torch::randn({20}).requires_grad_(), torch::randn({5}).requires_grad_()};
}

// w2 and b2 take part on even steps only; `unused` never does.
torch::Tensor loss_at(const Net& n, int step) {
  torch::manual_seed(100 + step);
  const auto x = torch::randn({16, 300});
  auto h = torch::tanh(x.mm(n.w1));
  if (step % 2 == 0) h = h.mm(n.w2) + n.b2;
  return h.pow(2).mean();
}

}  // namespace

TEST_CASE("Releasing gradients before backward leaves what LibTorch 1.x's zero_grad leaves, step after step",
          "[fast][optim]") {
  Net zeroed = make_net(), released = make_net();
  FusedAdam opt_zeroed(zeroed.params(), torch::optim::AdamOptions(1e-2));
  FusedAdam opt_released(released.params(), torch::optim::AdamOptions(1e-2));
  for (int step = 0; step < 12; ++step) {
    zero_in_place(opt_zeroed);
    loss_at(zeroed, step).backward();
    opt_zeroed.step();

    ReleasedGradients clear(opt_released);
    loss_at(released, step).backward();
    clear.restore_missing();
    const auto z = zeroed.params(), r = released.params();
    for (size_t i = 0; i < z.size(); ++i) {
      INFO("step " << step << ", parameter " << i);
      REQUIRE(z[i].grad().defined() == r[i].grad().defined());
      if (!r[i].grad().defined()) continue;
      CHECK(r[i].grad().is_contiguous());
      CHECK(torch::equal(z[i].grad(), r[i].grad()));
    }
    opt_released.step();
  }
  // w2 got no gradient on odd steps: zero_grad left it a zero one, and so does restore_missing, so the
  // optimiser moved it (its moments decay) and counted the step on both sides.
  const auto z = zeroed.params(), r = released.params();
  for (size_t i = 0; i < z.size(); ++i) CHECK(torch::equal(z[i], r[i]));
  CHECK_FALSE(r[3].grad().defined());  // never in the graph: no gradient, as under zero_grad
  auto& state = static_cast<torch::optim::AdamParamState&>(*opt_released.state().at(optimizer_state_key(r[1])));
  CHECK(state.step() == 12);
  CHECK(r[1].grad().abs().max().item<float>() == 0.0f);  // the last step (11) was odd: a zero gradient
}

TEST_CASE("A released gradient is the backward pass's own tensor, not a sum into a zeroed buffer",
          "[fast][optim]") {
  Net net = make_net();
  FusedAdam opt(net.params(), torch::optim::AdamOptions(1e-2));
  loss_at(net, 0).backward();
  const void* old_buffer = net.w1.grad().data_ptr();
  const auto kept = net.w1.grad();  // holds the old buffer, so a new one cannot land at its address
  ReleasedGradients clear(opt);
  CHECK_FALSE(net.w1.grad().defined());
  loss_at(net, 0).backward();
  clear.restore_missing();
  CHECK(net.w1.grad().data_ptr() != old_buffer);
  CHECK(torch::allclose(net.w1.grad(), kept));  // same inputs: the same gradient
}
