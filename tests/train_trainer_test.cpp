// The training thread: control from another thread, exact step counts, the divergence guard and seeded
// reproducibility. Data is synthetic and built here (no loaders), models are tiny MLPs, so each test
// takes well under a few seconds on 2 cores.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "train/preset.h"
#include "core/device.h"
#include "core/error.h"
#include "models/vade.h"
#include "train/trainer.h"

using namespace vaelab;
using Clock = std::chrono::steady_clock;

namespace {

// n samples of d features (a noisy 2-D structure lifted to d dims), seeded; test = n/4 more samples.
std::shared_ptr<const DatasetSplit> vector_split(int64_t n, int64_t d, uint64_t seed = 7) {
  torch::manual_seed(seed);
  auto make = [&](int64_t count, const std::string& name) {
    Dataset ds;
    ds.name = name;
    ds.shape.features = d;
    auto u = torch::randn({count, 2});
    auto lift = torch::randn({2, d});
    ds.storage = torch::tanh(u.matmul(lift)) * 0.5 + 0.5 + 0.01 * torch::randn({count, d});
    return ds;
  };
  auto split = std::make_shared<DatasetSplit>();
  split->train = make(n, "synthetic/train");
  split->test = make(n / 4, "synthetic/test");
  split->descriptor = {{"name", "synthetic"}, {"n", n}, {"d", d}};
  return split;
}

// Tiny grey images 1x6x6 (random blobs), uint8 storage as the loaders produce.
std::shared_ptr<const DatasetSplit> image_split(int64_t n) {
  torch::manual_seed(11);
  auto make = [&](int64_t count, const std::string& name) {
    Dataset ds;
    ds.name = name;
    ds.shape.channels = 1;
    ds.shape.height = 6;
    ds.shape.width = 6;
    ds.storage = torch::randint(0, 256, {count, 1, 6, 6}).to(torch::kUInt8);
    ds.labels = torch::randint(0, 3, {count}).to(torch::kLong);
    ds.class_names = {"a", "b", "c"};
    return ds;
  };
  auto split = std::make_shared<DatasetSplit>();
  split->train = make(n, "blobs/train");
  split->test = make(n / 4, "blobs/test");
  split->descriptor = {{"name", "blobs"}};
  return split;
}

Preset tiny_preset(int64_t epochs = 2, int64_t latent = 2, const std::string& likelihood = "gaussian") {
  return Preset::from_json({{"name", "tiny"},
                            {"variant", "vae"},
                            {"dataset", {{"name", "synthetic"}}},
                            {"latent", latent},
                            {"architecture", {{"type", "mlp"}, {"hidden", {32, 32}}}},
                            {"likelihood", {{"type", likelihood}}},
                            {"optimizer", {{"type", "adam"}, {"lr", 1e-3}}},
                            {"batch_size", 32},
                            {"epochs", epochs},
                            {"seed", 5},
                            {"device", "cpu"}});
}

// A minimal model with one weight vector: loss = mean((x - w)^2) reported as "recon", plus a "kl"
// term that turns NaN at step nan_step (and poisons a buffer during loss(), as closed-form updates
// might). Remembers the weights it saw at the start of every loss() call.
struct PoisonedModel : Model {
  torch::Tensor w, running;
  int64_t nan_step, inf_param_step;
  std::vector<torch::Tensor> seen;     // w at the start of each training step
  std::vector<torch::Tensor> batches;  // x of each training step
  PoisonedModel(int64_t d, int64_t nan_step, int64_t inf_param_step = -1)
      : nan_step(nan_step), inf_param_step(inf_param_step) {
    w = register_parameter("w", torch::zeros({d}));
    running = register_buffer("running", torch::zeros({d}));
  }
  std::string variant() const override { return "poisoned"; }
  int64_t latent_dim() const override { return 1; }
  Posterior encode(const Batch& b) override { return {b.x.mean(1, true), {}}; }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override { return z.expand({z.size(0), w.size(0)}) + w; }
  torch::Tensor log_likelihood(const Batch& b, const torch::Tensor&) override { return -(b.x - w).pow(2).sum(1); }
  LossTerms loss(const Batch& b, const StepInfo& info) override {
    if (is_training()) seen.push_back(w.detach().clone()), batches.push_back(b.x.clone());
    LossTerms t;
    auto recon = (b.x - w).pow(2).sum(1).mean();
    auto kl = torch::zeros({});
    if (is_training()) {
      torch::NoGradGuard g;
      running.mul_(0.9).add_(b.x.mean(0), 0.1);
      if (info.step == nan_step) {
        kl = torch::full({}, std::numeric_limits<float>::quiet_NaN());
        running.fill_(std::numeric_limits<float>::quiet_NaN());
      }
    }
    t.total = recon + kl;
    t.add("recon", recon.detach());
    t.add("kl", kl);
    return t;
  }
  void after_step(const Batch&, const StepInfo& info, LossTerms&) override {
    if (info.step == inf_param_step) {
      torch::NoGradGuard g;
      w[0].fill_(std::numeric_limits<float>::infinity());
    }
  }
};

int64_t progress_step(const Trainer& t) { return t.snapshot()->progress.step; }

// stop() returns within 1 s (the trainer contract) and leaves the trainer Stopped.
void check_stops_within_a_second(Trainer& trainer) {
  const auto t0 = Clock::now();
  trainer.stop();
  const double stop_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  INFO("stop() took " << stop_seconds << " s");
  CHECK(stop_seconds <= 1.0);
  CHECK(trainer.state() == RunState::Stopped);
}

}  // namespace

TEST_CASE("A paused trainer does not advance, and stop returns within a second", "[fast][train]") {
  TrainerOptions opt;
  opt.snapshot_interval_ms = 20;
  Trainer trainer(tiny_preset(/*epochs=*/100000), vector_split(512, 8), opt);
  trainer.start();
  const auto started = Clock::now();
  while (progress_step(trainer) < 5 && Clock::now() - started < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  trainer.pause();
  REQUIRE(trainer.wait_until_not_running(2000));
  CHECK(trainer.state() == RunState::Paused);
  const int64_t paused_at = progress_step(trainer);
  CHECK(paused_at > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(progress_step(trainer) == paused_at);
  CHECK(trainer.snapshot()->progress.state == RunState::Paused);

  trainer.resume();
  // Resumed training publishes at least every 20 ms; allow a loaded machine up to 5 s.
  const auto resumed_at = Clock::now();
  while (progress_step(trainer) <= paused_at && Clock::now() - resumed_at < std::chrono::seconds(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(progress_step(trainer) > paused_at);
  check_stops_within_a_second(trainer);
  const int64_t stopped_at = progress_step(trainer);
  trainer.resume();  // Stopped is final
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(progress_step(trainer) == stopped_at);
}

TEST_CASE("step(n) runs exactly n optimiser steps and then pauses", "[fast][train]") {
  Trainer trainer(tiny_preset(/*epochs=*/50), vector_split(256, 8));
  trainer.step(7);
  REQUIRE(trainer.wait_until_not_running(5000));
  auto snap = trainer.snapshot();
  INFO(snap->progress.message);
  REQUIRE(snap->progress.state == RunState::Paused);
  CHECK(snap->progress.step == 7);
  REQUIRE(snap->metrics->steps.size() == 7);
  CHECK(snap->metrics->names.front() == "loss");
  trainer.step(5);
  REQUIRE(trainer.wait_until_not_running(5000));
  CHECK(trainer.snapshot()->progress.step == 12);
  CHECK(trainer.snapshot()->metrics->per_step.front().size() == 12);
}

TEST_CASE("Epoch ends record train and test means and training finishes after the planned epochs",
          "[fast][train]") {
  // 256 train samples / batch 32 = 8 steps per epoch; 64 test samples.
  Trainer trainer(tiny_preset(/*epochs=*/3), vector_split(256, 8));
  trainer.start();
  REQUIRE(trainer.wait_until_not_running(20000));
  auto snap = trainer.snapshot();
  CHECK(snap->progress.state == RunState::Finished);
  CHECK(snap->progress.epoch == 3);
  CHECK(snap->progress.step == 24);
  const auto& m = *snap->metrics;
  const auto loss = m.index_of("loss");
  REQUIRE(loss == 0);
  REQUIRE(m.epoch_train[loss].size() == 3);
  REQUIRE(m.epoch_test[loss].size() == 3);
  // The epoch train mean is the mean of that epoch's per-step values (computed here independently).
  double sum = 0;
  for (int r = 8; r < 16; ++r) sum += m.per_step[loss][r];
  CHECK(m.epoch_train[loss][1] == Approx(sum / 8).epsilon(1e-6));
  for (float v : m.epoch_test[loss]) CHECK(std::isfinite(v));
  CHECK(snap->model);
  CHECK(snap->model->step == 24);
  CHECK_FALSE(snap->model->model->is_training());
}

TEST_CASE("The probe strip holds the first test images and their reconstructions as bytes", "[fast][train]") {
  auto data = image_split(128);
  Preset preset = tiny_preset(/*epochs=*/1, 2, "bernoulli");
  TrainerOptions opt;
  opt.probe_count = 5;
  Trainer trainer(preset, data, opt);
  trainer.step(3);
  REQUIRE(trainer.wait_until_not_running(5000));
  auto probe = trainer.snapshot()->probe;
  REQUIRE(probe);
  CHECK(probe->inputs.count == 5);
  CHECK(probe->inputs.channels == 1);
  CHECK(probe->inputs.height == 6);
  CHECK(probe->inputs.width == 6);
  REQUIRE(probe->inputs.pixels.size() == 5 * 36);
  REQUIRE(probe->reconstructions.pixels.size() == 5 * 36);
  CHECK(probe->step == 3);
  // Storage is uint8 already: the bytes must round-trip exactly.
  auto first = data->test.storage[0].reshape({-1});
  for (int i = 0; i < 36; ++i) CHECK(probe->inputs.pixels[i] == first[i].item<uint8_t>());
}

TEST_CASE("A loss that becomes NaN pauses as Diverged with the last finite weights and names the term",
          "[fast][train]") {
  auto data = vector_split(256, 4);
  Trainer trainer(tiny_preset(/*epochs=*/10), data);
  auto model = std::make_shared<PoisonedModel>(4, /*nan_step=*/5);
  trainer.replace_model_for_testing(model);
  trainer.step(20);
  REQUIRE(trainer.wait_until_not_running(5000));
  auto snap = trainer.snapshot();
  CHECK(trainer.state() == RunState::Diverged);
  CHECK(snap->progress.state == RunState::Diverged);
  CHECK(snap->progress.step == 5);
  CHECK(snap->progress.message.find("term 'kl' became nan at step 5") != std::string::npos);
  // The thread is idle now: reading the live model is safe.
  REQUIRE(model->seen.size() == 6);  // steps 0..5 started
  // The last weights whose loss was finite: those step 4 started from (step 5's loss was NaN).
  CHECK(torch::equal(model->w.detach(), model->seen[4]));
  CHECK(snap->progress.message.find("weights restored from step 4") != std::string::npos);
  CHECK_FALSE(torch::equal(model->w.detach(), model->seen[0]));
  CHECK(torch::isfinite(model->running).all().item<bool>());  // the poisoned buffer was restored
  CHECK(snap->metrics->steps.size() == 5);  // no row for the diverged step
}

TEST_CASE("A parameter that becomes infinite after a step is rolled back and named", "[fast][train]") {
  Trainer trainer(tiny_preset(/*epochs=*/10), vector_split(256, 4));
  auto model = std::make_shared<PoisonedModel>(4, /*nan_step=*/-1, /*inf_param_step=*/3);
  trainer.replace_model_for_testing(model);
  trainer.step(10);
  REQUIRE(trainer.wait_until_not_running(5000));
  auto snap = trainer.snapshot();
  CHECK(snap->progress.state == RunState::Diverged);
  CHECK(snap->progress.step == 3);
  CHECK(snap->progress.message.find("'w' became non-finite after step 3") != std::string::npos);
  CHECK(torch::equal(model->w.detach(), model->seen[3]));
  CHECK(torch::isfinite(model->w).all().item<bool>());
}

TEST_CASE("The learning rate follows the schedule per epoch (checked on plain SGD updates)", "[fast][train]") {
  // SGD without momentum on loss = mean_b sum_d (x - w)^2: w' = w - lr * (-2 (mean_b x - w)), worked by hand.
  auto j = tiny_preset(/*epochs=*/3).to_json();
  j["optimizer"] = {{"type", "sgd"}, {"lr", 0.1}, {"schedule", {{"type", "exponential"}, {"gamma", 0.5}}}};
  auto preset = Preset::from_json(j);
  Trainer trainer(preset, vector_split(64, 3));  // 2 steps per epoch
  auto model = std::make_shared<PoisonedModel>(3, /*nan_step=*/-1);
  trainer.replace_model_for_testing(model);
  trainer.step(5);
  REQUIRE(trainer.wait_until_not_running(5000));
  REQUIRE(model->seen.size() == 5);
  for (int k = 0; k + 1 < 5; ++k) {
    const double lr = 0.1 * std::pow(0.5, k / 2);
    auto expected = model->seen[k] + lr * 2 * (model->batches[k].mean(0) - model->seen[k]);
    INFO("step " << k << " lr " << lr);
    CHECK(torch::allclose(model->seen[k + 1], expected, 1e-5, 1e-6));
  }
  CHECK(trainer.snapshot()->progress.lr == Approx(0.1 * 0.25));
}

TEST_CASE("Training is reproducible: the same preset and seed give identical metric series", "[fast][train]") {
  auto data = vector_split(256, 8);
  auto run = [&](int64_t interval_ms) {
    TrainerOptions opt;
    opt.snapshot_interval_ms = interval_ms;  // publishing (model copies) must not disturb the stream
    Trainer trainer(tiny_preset(/*epochs=*/2), data, opt);
    trainer.start();
    REQUIRE(trainer.wait_until_not_running(20000));
    REQUIRE(trainer.state() == RunState::Finished);
    return trainer.snapshot()->metrics;
  };
  auto a = run(0);
  torch::randn({1000});  // someone else drawing from the global generator in between
  auto b = run(100000);
  REQUIRE(a->names == b->names);
  CHECK(a->steps == b->steps);
  CHECK(a->per_step == b->per_step);
  CHECK(a->epoch_train == b->epoch_train);
  CHECK(a->epoch_test == b->epoch_test);
  CHECK(a->per_step.front().size() == 16);
}

TEST_CASE("Asking for CUDA without a GPU is an error, auto falls back to the CPU", "[fast][train]") {
  CHECK(resolve_device("cpu").is_cpu());
  if (!torch::cuda::is_available()) {
    CHECK(resolve_device("auto").is_cpu());
    CHECK_THROWS_WITH(resolve_device("cuda"), Catch::Contains("cuda"));
  }
  CHECK_THROWS_WITH(resolve_device("gpu"), Catch::Contains("auto, cpu, cuda"));
}

TEST_CASE("stop() returns within a second even inside a long step (VaDE's t-SNE prior fit)", "[fast][train]") {
  // 30 pre-training steps, then the first VaDE step maps 3000 codes with t-SNE (seconds): stop() lands
  // inside that step and must not wait for it; the step is dropped whole.
  Preset p = Preset::from_json({{"name", "tiny-vade"},
                                {"variant", "vade"},
                                {"dataset", {{"name", "synthetic"}}},
                                {"latent", 2},
                                {"architecture", {{"type", "mlp"}, {"hidden", {16}}}},
                                {"likelihood", {{"type", "gaussian"}}},
                                {"options", {{"clusters", 3}, {"pretrain_epochs", 1}, {"init", "tsne"},
                                             {"init_samples", 3000}, {"init_em_iterations", 0}}},
                                {"optimizer", {{"type", "adam"}, {"lr", 1e-3}}},
                                {"batch_size", 100},
                                {"epochs", 3},
                                {"seed", 5},
                                {"device", "cpu"}});
  TrainerOptions opt;
  opt.snapshot_interval_ms = 20;
  Trainer trainer(p, vector_split(3000, 8), opt);
  trainer.start();
  const auto started = Clock::now();
  while (progress_step(trainer) < 30 && Clock::now() - started < std::chrono::seconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(progress_step(trainer) == 30);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // well inside the t-SNE
  REQUIRE(progress_step(trainer) == 30);
  check_stops_within_a_second(trainer);
  CHECK(progress_step(trainer) == 30);
  // The dropped step left the prior as it was: still not fitted.
  const auto snap = trainer.snapshot();
  REQUIRE(snap->model);
  const auto* vade = dynamic_cast<const Vade*>(snap->model->model.get());
  REQUIRE(vade);
  CHECK_FALSE(vade->prior_initialized());
}
