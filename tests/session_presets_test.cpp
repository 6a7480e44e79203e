// Integration through the facade with the system datasets: the shipped presets build and train, and the
// default Fashion-MNIST model gives a probe strip and a prompt stop.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <chrono>
#include <thread>

#include "train/preset.h"
#include "core/error.h"
#include "session/session.h"

using namespace vaelab;
using Clock = std::chrono::steady_clock;

TEST_CASE("The fashion preset trains with a probe strip of 28x28 images and stops within a second",
          "[data][train]") {
  SessionOptions opt;
  opt.overrides = {"dataset.subsample=2048", "epochs=1000", "device=cpu"};
  auto session = Session::open("fashion-vae", opt);
  session->step(20);
  const auto t0 = Clock::now();
  REQUIRE(session->wait_until_not_running(60000));
  const double ms_per_step = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / 20;
  WARN("fashion-vae: " << ms_per_step << " ms per step (batch " << session->preset().batch_size << ")");
  auto snap = session->snapshot();
  CHECK(snap->progress.step == 20);
  REQUIRE(snap->probe);
  CHECK(snap->probe->inputs.count == 16);
  CHECK(snap->probe->inputs.height == 28);
  CHECK(snap->probe->inputs.width == 28);
  CHECK(snap->probe->reconstructions.pixels.size() == 16u * 28 * 28);
  REQUIRE(snap->model);
  CHECK(snap->model->step == 20);

  session->resume();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t1 = Clock::now();
  session->stop();
  const double stop_s = std::chrono::duration<double>(Clock::now() - t1).count();
  WARN("stop() returned after " << stop_s << " s");
  CHECK(stop_s <= 1.0);
  CHECK(session->state() == RunState::Stopped);
}

TEST_CASE("Every shipped preset opens and trains two steps on a small subsample", "[data][train]") {
  for (const auto& name : preset_names()) {
    if (name.find("paper") != std::string::npos) continue;  // same variants, bigger nets
    SessionOptions opt;
    opt.overrides = {"dataset.subsample=64", "batch_size=16", "device=cpu"};
    std::unique_ptr<Session> session;
    try {
      session = Session::open(name, opt);
    } catch (const Error& e) {
      WARN("preset " << name << " not opened here: " << e.what());  // e.g. a data set not on this machine
      continue;
    }
    INFO("preset " << name);
    const auto t0 = Clock::now();
    session->step(2);
    REQUIRE(session->wait_until_not_running(120000));
    auto snap = session->snapshot();
    INFO(snap->progress.message);
    CHECK(snap->progress.state == RunState::Paused);
    CHECK(snap->progress.step == 2);
    CHECK(snap->metrics->names.front() == "loss");
    CHECK(std::chrono::duration<double>(Clock::now() - t0).count() < 30.0);
  }
}
