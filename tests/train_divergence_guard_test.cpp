// The trainer's divergence guard (engine/train/divergence_guard.h): it keeps the last state whose loss
// was finite and names what became non-finite.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "models/registry.h"
#include "train/divergence_guard.h"

using namespace vaelab;

namespace {
ModelSpec tiny_spec() {
  ModelSpec s;
  s.variant = "vae";
  s.shape.features = 4;
  s.latent = 2;
  s.architecture.hidden = {5};
  return s;
}
}  // namespace

TEST_CASE("The divergence guard restores the state kept before the step that broke it", "[fast][train]") {
  torch::manual_seed(2);
  auto model = make_model(tiny_spec());
  DivergenceGuard guard;
  guard.reset(*model);
  CHECK(guard.kept_step() == -1);
  guard.restore();  // nothing kept yet: a no-op, not a crash
  const auto before = model->named_parameters().values().front().clone();
  guard.keep_if_due(7);
  CHECK(guard.kept_step() == -1);  // a candidate only, until its loss is known to be finite
  guard.loss_was_finite(7);
  CHECK(guard.kept_step() == 7);
  CHECK(guard.first_non_finite_state().empty());
  {
    torch::NoGradGuard no_grad;
    model->named_parameters().values().front().fill_(std::numeric_limits<float>::infinity());
  }
  const std::string bad = guard.first_non_finite_state();
  CHECK(bad == model->named_parameters().keys().front());
  guard.restore();
  CHECK(torch::equal(model->named_parameters().values().front(), before));
  CHECK(guard.first_non_finite_state().empty());
}

TEST_CASE("The divergence guard names a non-finite gradient", "[fast][train]") {
  torch::manual_seed(3);
  auto model = make_model(tiny_spec());
  DivergenceGuard guard;
  guard.reset(*model);
  CHECK(guard.first_non_finite_gradient().empty());  // no gradients yet
  auto x = torch::rand({3, 4});
  model->loss(Batch{x, {}}, {}).total.backward();
  CHECK(guard.first_non_finite_gradient().empty());
  auto param = model->named_parameters().values().back();
  param.mutable_grad().view(-1)[0] = std::nan("");
  CHECK(guard.first_non_finite_gradient() == model->named_parameters().keys().back());
}

TEST_CASE("A named term is blamed before the total, and values are described as nan, inf or -inf", "[fast][train]") {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  CHECK(DivergenceGuard::first_non_finite_term({{"loss", 1.0}, {"recon", 2.0}}) == -1);
  CHECK(DivergenceGuard::first_non_finite_term({{"loss", inf}, {"recon", 2.0}, {"kl", nan}}) == 2);
  CHECK(DivergenceGuard::first_non_finite_term({{"loss", -inf}, {"recon", 2.0}}) == 0);
  CHECK(DivergenceGuard::first_non_finite_term({}) == -1);
  CHECK(DivergenceGuard::describe(nan) == "nan");
  CHECK(DivergenceGuard::describe(inf) == "inf");
  CHECK(DivergenceGuard::describe(-inf) == "-inf");
}

TEST_CASE("The divergence guard restores the weights before an exploding step, not the finite weights it produced",
          "[fast][train]") {
  // lr 1e6: step 0 starts from sane weights W0 with a finite loss and produces finite but huge weights
  // W1; step 1's loss at W1 is inf. The restore point must be W0, never W1.
  torch::manual_seed(4);
  auto model = make_model(tiny_spec());
  auto first = [&] { return model->named_parameters().values().front(); };
  DivergenceGuard guard;
  guard.reset(*model);
  const auto w0 = first().detach().clone();
  guard.keep_if_due(0);
  guard.loss_was_finite(0);
  {
    torch::NoGradGuard no_grad;
    first().fill_(1e30f);  // the exploding update: finite, useless
  }
  guard.keep_if_due(1);
  CHECK(guard.first_non_finite_state().empty());
  // step 1's loss came out inf: no loss_was_finite(1)
  guard.restore();
  CHECK(guard.kept_step() == 0);
  CHECK(torch::equal(first(), w0));

  // After a restore the next step copies afresh, and a confirmation of a stale step promotes nothing.
  guard.loss_was_finite(1);
  CHECK(guard.kept_step() == 0);
  {
    torch::NoGradGuard no_grad;
    first().add_(0.5f);
  }
  const auto w1 = first().detach().clone();
  guard.keep_if_due(1);
  guard.loss_was_finite(1);
  CHECK(guard.kept_step() == 1);
  {
    torch::NoGradGuard no_grad;
    first().fill_(std::numeric_limits<float>::quiet_NaN());
  }
  guard.restore();
  CHECK(torch::equal(first(), w1));
}

TEST_CASE("A loss that is not finite from the first step leaves the weights as they were", "[fast][train]") {
  torch::manual_seed(6);
  auto model = make_model(tiny_spec());
  DivergenceGuard guard;
  guard.reset(*model);
  const auto w0 = model->named_parameters().values().front().detach().clone();
  guard.keep_if_due(0);  // step 0's loss is nan: never confirmed
  guard.restore();       // nothing promoted: the live weights (never stepped) stay
  CHECK(guard.kept_step() == -1);
  CHECK(torch::equal(model->named_parameters().values().front(), w0));
}
