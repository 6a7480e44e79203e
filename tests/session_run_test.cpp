// The session facade: open a preset, train, save a run folder, reopen it and train on.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "session/session.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

nlohmann::json toy_preset_json() {
  return {{"name", "toy-tiny"},
          {"variant", "vae"},
          {"dataset", {{"name", "toy-gmm5"}, {"n", 640}, {"seed", 2}}},
          {"latent", 2},
          {"architecture", {{"type", "mlp"}, {"hidden", {32, 32}}}},
          {"likelihood", {{"type", "gaussian"}}},
          {"batch_size", 64},
          {"epochs", 2},
          {"seed", 4},
          {"device", "cpu"}};
}

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("A session trains a preset, saves a run folder and reopens it to train on", "[fast][train]") {
  auto dir = test::scratch_dir("session_run");
  auto session = Session::from_preset_json(toy_preset_json());
  CHECK_FALSE(session->resumed());
  CHECK(session->spec().shape.features == 2);
  session->start();
  REQUIRE(session->wait_until_not_running(30000));
  REQUIRE(session->state() == RunState::Finished);
  const auto steps = session->snapshot()->progress.step;
  CHECK(steps == 2 * session->snapshot()->progress.steps_per_epoch);
  session->save_run(dir.string());

  CHECK(fs::exists(dir / "checkpoint.pt"));
  auto csv = lines_of(dir / "metrics.csv");
  REQUIRE(csv.size() == 3);  // header + 2 epochs
  CHECK(csv[0].rfind("epoch,train_loss,", 0) == 0);
  CHECK(csv[0].find(",test_loss") != std::string::npos);
  CHECK(csv[1].rfind("1,", 0) == 0);
  std::ifstream summary_in(dir / "summary.json");
  auto summary = nlohmann::json::parse(summary_in);
  CHECK(summary.at("state") == "finished");
  CHECK(summary.at("step") == steps);
  CHECK(summary.at("final_train").contains("loss"));
  CHECK(summary.at("final_test").contains("loss"));
  CHECK(summary.at("wall_seconds").get<double>() > 0);

  SessionOptions more;
  more.overrides = {"epochs=3"};
  auto reopened = Session::open(dir.string(), more);
  CHECK(reopened->resumed());
  CHECK(reopened->preset().epochs == 3);
  CHECK(reopened->snapshot()->progress.step == steps);
  CHECK(reopened->snapshot()->metrics->epoch_train == session->snapshot()->metrics->epoch_train);
  reopened->start();
  REQUIRE(reopened->wait_until_not_running(30000));
  CHECK(reopened->state() == RunState::Finished);
  CHECK(reopened->snapshot()->progress.epoch == 3);
  CHECK(reopened->snapshot()->metrics->epoch_train.front().size() == 3);

  auto from_file = Session::open((dir / "checkpoint.pt").string());
  CHECK(from_file->resumed());
  CHECK(from_file->preset().epochs == 2);
  CHECK(from_file->snapshot()->progress.step == steps);
}

TEST_CASE("Opening something that is not a preset or a run gives a one-line error", "[fast][train]") {
  auto dir = test::scratch_dir("session_bad");
  CHECK_THROWS_AS(Session::open("no-such-preset-anywhere"), Error);
  CHECK_THROWS_WITH(Session::open(dir.string()), Catch::Contains("has no checkpoint.pt"));
  SessionOptions bad;
  bad.overrides = {"latent=0"};
  CHECK_THROWS_WITH(Session::from_preset_json(toy_preset_json(), bad), Catch::Contains("latent"));
}
