// GPU paths (label cuda): skipped (exit 77) where LibTorch has no CUDA device. CI has no GPU, so every
// path here also has a CPU twin in the [fast] tests.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "train/preset.h"
#include "models/registry.h"
#include "session/session.h"
#include "test_support.h"

using namespace vaelab;

namespace {
nlohmann::json tiny_toy_preset() {
  return {{"name", "cuda-toy"},
          {"variant", "vae"},
          {"dataset", {{"name", "toy-gmm5"}, {"n", 512}}},
          {"latent", 2},
          {"architecture", {{"type", "mlp"}, {"hidden", {16}}}},
          {"likelihood", {{"type", "gaussian"}, {"sigma2", 0.1}}},
          {"batch_size", 64},
          {"epochs", 1},
          {"device", "cuda"}};
}
}  // namespace

TEST_CASE("A model on the GPU computes the same loss as its CPU copy", "[cuda]") {
  VAELAB_REQUIRE_CUDA();
  ModelSpec spec;
  spec.shape.features = 6;
  spec.latent = 3;
  spec.architecture.hidden = {8};
  torch::manual_seed(1);
  auto cpu = make_model(spec);
  auto gpu = clone_model(*cpu, spec);
  gpu->to(torch::kCUDA);
  auto x = torch::rand({16, 6}).round();
  torch::NoGradGuard no_grad;
  auto q_cpu = cpu->encode({x, {}});
  auto q_gpu = gpu->encode({x.to(torch::kCUDA), {}});
  CHECK(torch::allclose(q_cpu.mu, q_gpu.mu.cpu(), 1e-4, 1e-5));
  CHECK(torch::allclose(cpu->decode(q_cpu.mu), gpu->decode(q_gpu.mu).cpu(), 1e-4, 1e-5));
}

TEST_CASE("The trainer trains on the GPU when the preset asks for cuda", "[cuda]") {
  VAELAB_REQUIRE_CUDA();
  auto session = Session::from_preset_json(tiny_toy_preset());
  session->step(5);
  REQUIRE(session->wait_until_not_running(60000));
  auto snap = session->snapshot();
  REQUIRE(snap->model);
  CHECK(snap->model->model->parameters().front().device().is_cuda());
  CHECK(snap->progress.step == 5);
  const auto& loss = snap->metrics->per_step.at(0);
  REQUIRE(loss.size() == 5);
  for (float v : loss) CHECK(std::isfinite(v));
}
