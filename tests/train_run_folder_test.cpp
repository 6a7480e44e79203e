// The run folder (engine/train/run_folder.h): one resolver for every way a user names a run.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "test_support.h"
#include "train/run_folder.h"

using namespace vaelab;
namespace fs = std::filesystem;

TEST_CASE("A run is found from its folder, a file inside it or a loose checkpoint", "[fast][train]") {
  const auto dir = test::scratch_dir("run_folder_locate") / "my-run";
  fs::create_directories(dir);
  const RunFolder folder{dir.string()};
  std::ofstream(folder.checkpoint()) << "x";
  std::ofstream(folder.metrics_csv()) << "epoch\n";

  for (const auto& named : {dir.string(), dir.string() + "/", folder.checkpoint(), folder.metrics_csv()}) {
    INFO(named);
    const RunLocation run = locate_run(named);
    CHECK(fs::equivalent(run.checkpoint, folder.checkpoint()));
    CHECK(fs::equivalent(run.folder, dir));
    CHECK(run.name == "my-run");
  }
  CHECK(is_run_folder(dir.string()));

  const auto loose = dir.parent_path() / "model.pt";
  std::ofstream(loose) << "x";
  const RunLocation run = locate_run(loose.string());
  CHECK(run.checkpoint == loose.string());
  CHECK(run.name == "run_folder_locate");
}

TEST_CASE("A folder without a checkpoint, or a path that is not there, is refused by name", "[fast][train]") {
  const auto dir = test::scratch_dir("run_folder_refused");
  CHECK_FALSE(is_run_folder(dir.string()));
  CHECK_THROWS_WITH(locate_run(dir.string()), Catch::Contains("has no checkpoint.pt"));
  CHECK_THROWS_WITH(locate_run((dir / "missing").string()), Catch::Contains("does not exist"));
  std::ofstream(dir / "summary.json") << "{}";
  CHECK_THROWS_WITH(locate_run((dir / "summary.json").string()), Catch::Contains("has no checkpoint.pt"));
}

TEST_CASE("metrics.csv has a row per epoch with empty cells for missing test values", "[fast][train]") {
  MetricHistory h;
  h.record_step(0, 0, {{"loss", 2.0}});
  h.close_epoch(1);
  h.record_step(1, 1, {{"loss", 1.0}});
  h.close_epoch(1);
  h.set_epoch_test({{"loss", 1.5}});
  const auto path = (test::scratch_dir("run_folder_csv") / "metrics.csv").string();
  write_metrics_csv(h, path);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "epoch,train_loss,test_loss\n1,2,\n2,1,1.5\n");
}

TEST_CASE("Epoch curves read back from metrics.csv and from a run folder with its summary", "[fast][train]") {
  MetricHistory h;
  h.record_step(0, 0, {{"loss", 2.0}, {"kl", 0.5}});
  h.close_epoch(1);
  h.record_step(1, 1, {{"loss", 1.0}, {"kl", 0.25}});
  h.close_epoch(1);
  h.set_epoch_test({{"loss", 1.5}});
  const auto dir = test::scratch_dir("run_folder_curves") / "curves-run";
  fs::create_directories(dir);
  const RunFolder folder{dir.string()};
  write_metrics_csv(h, folder.metrics_csv());

  const EpochCurves csv = read_metrics_csv(folder.metrics_csv(), 10);
  REQUIRE(csv.names == std::vector<std::string>{"loss", "kl"});
  CHECK(csv.steps == std::vector<double>{10, 20});
  CHECK(csv.train[0] == std::vector<double>{2.0, 1.0});
  CHECK(csv.train[1] == std::vector<double>{0.5, 0.25});
  CHECK(std::isnan(csv.test[0][0]));
  CHECK(csv.test[0][1] == 1.5);

  // The folder's summary.json says 3 steps per epoch (step 6 at epoch 2): it wins over the caller's guess.
  std::ofstream(folder.summary_json()) << R"({"step": 6, "epoch": 2})";
  const EpochCurves from_folder = read_epoch_curves(dir.string(), 10);
  CHECK(from_folder.label == "curves-run");
  CHECK(from_folder.steps == std::vector<double>{3, 6});
  CHECK(read_epoch_curves(folder.metrics_csv(), 10).label == "curves-run");

  std::ofstream(dir / "bad.csv") << "step,loss\n1,2\n";
  CHECK_THROWS_WITH(read_metrics_csv((dir / "bad.csv").string(), 1), Catch::Contains("bad.csv"));
  CHECK_THROWS_WITH(read_epoch_curves(test::scratch_dir("run_folder_empty").string(), 1),
                    Catch::Contains("no metrics.csv or checkpoint.pt"));
}

TEST_CASE("A folder of run folders names each run inside it and anything else names itself", "[fast][train]") {
  const auto dir = test::scratch_dir("run_folder_set");
  for (const char* name : {"b-run", "a-run"}) {
    fs::create_directories(dir / "set" / name);
    std::ofstream(dir / "set" / name / "checkpoint.pt") << "x";
  }
  fs::create_directories(dir / "set" / "not-a-run");
  CHECK(runs_named_by((dir / "set").string()) ==
        std::vector<std::string>{(dir / "set" / "a-run").string(), (dir / "set" / "b-run").string()});
  CHECK(runs_named_by((dir / "set" / "a-run").string()) == std::vector<std::string>{(dir / "set" / "a-run").string()});
  CHECK(runs_named_by((dir / "set" / "not-a-run").string()) ==
        std::vector<std::string>{(dir / "set" / "not-a-run").string()});
}
