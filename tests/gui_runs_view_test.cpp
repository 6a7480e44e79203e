// The runs view end to end: the open run and a run added with --compare, in one table whose
// "preset keys that differ" are exactly the keys that differ, exported as CSV. Needs a display.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "png_stats.h"
#include "session/session.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

nlohmann::json toy_run_preset(const std::string& name, double beta, int hidden) {
  return {{"name", name},
          {"variant", "beta-vae"},
          {"dataset", {{"name", "toy-gmm5"}, {"n", 640}, {"seed", 2}}},
          {"latent", 2},
          {"architecture", {{"type", "mlp"}, {"hidden", {hidden, hidden}}}},
          {"likelihood", {{"type", "gaussian"}}},
          {"options", {{"beta", beta}}},
          {"batch_size", 64},
          {"epochs", 2},
          {"seed", 4},
          {"device", "cpu"}};
}

void train_into(const nlohmann::json& preset, const fs::path& dir) {
  auto session = Session::from_preset_json(preset);
  session->start();
  REQUIRE(session->wait_until_not_running(60000));
  REQUIRE(session->state() == RunState::Finished);
  session->save_run(dir.string());
}

std::vector<std::vector<std::string>> read_csv(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') cells.back() += '"', ++i;
      else if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) cells.emplace_back();
      else cells.back() += c;
    }
    rows.push_back(cells);
  }
  return rows;
}

// The index of `key` in a CSV header (the key must be there).
size_t column_of(const std::vector<std::string>& header, const std::string& key) {
  const auto it = std::find(header.begin(), header.end(), key);
  REQUIRE(it != header.end());
  return static_cast<size_t>(it - header.begin());
}

}  // namespace

TEST_CASE("The runs table shows the open run and an added run with exactly the preset keys that differ", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = test::scratch_dir("gui_runs_view");
  train_into(toy_run_preset("toy-beta1", 1.0, 32), dir / "toy-beta1");
  train_into(toy_run_preset("toy-beta4", 4.0, 48), dir / "toy-beta4");
  const auto png = dir / "runs.png";
  const auto csv = dir / "runs.csv";
  const test::GuiRun s = test::run_gui("--threads 1 --run " + (dir / "toy-beta1").string() + " --compare " +
                                       (dir / "toy-beta4").string() + " --view runs --screenshot " + png.string() +
                                       " --export " + csv.string() + " --size 1280x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("exported " + csv.string()));

  const auto rows = read_csv(csv);
  REQUIRE(rows.size() == 3);  // header, the open run, the added run
  const auto& header = rows[0];
  std::vector<std::string> preset_columns;
  for (const auto& h : header)
    if (h.rfind("preset:", 0) == 0) preset_columns.push_back(h);
  // name differs too, but it labels the run: only the two configuring keys are listed.
  CHECK(preset_columns == std::vector<std::string>{"preset:architecture.hidden", "preset:options.beta"});
  const auto column = [&](const std::string& key) { return column_of(header, key); };
  CHECK(rows[1][column("run")] == "toy-beta1");
  CHECK(rows[1][column("open")] == "1");
  CHECK(rows[2][column("run")] == "toy-beta4");
  CHECK(rows[2][column("open")] == "0");
  CHECK(rows[2][column("state")] == "finished");
  CHECK(rows[1][column("preset:options.beta")] == "1.0");
  CHECK(rows[2][column("preset:options.beta")] == "4.0");
  CHECK(rows[2][column("preset:architecture.hidden")] == "[48,48]");
  CHECK(std::stod(rows[2][column("wall_seconds")]) > 0);
  std::ifstream summary_in(dir / "toy-beta4" / "summary.json");
  const auto summary = nlohmann::json::parse(summary_in);
  CHECK(std::stod(rows[2][column("test_loss")]) ==
        Approx(summary.at("final_test").at("loss").get<double>()).epsilon(1e-5));
  CHECK_FALSE(rows[1][column("test_loss")].empty());
  CHECK_FALSE(rows[1][column("health")].empty());  // the open run's live health check
  CHECK(test::png_stats(png.string()).width == 1280);
}

TEST_CASE("Compare ticked evaluates the added runs in the background and fills their health", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = test::scratch_dir("gui_runs_view_compare");
  train_into(toy_run_preset("toy-a", 1.0, 32), dir / "runs" / "toy-a");
  train_into(toy_run_preset("toy-b", 2.0, 32), dir / "runs" / "toy-b");
  const auto csv = dir / "runs.csv";
  // A folder of run folders adds each; the open run is the first of them.
  const test::GuiRun s = test::run_gui("--threads 1 --run " + (dir / "runs" / "toy-a").string() + " --compare " +
                                       (dir / "runs").string() + " --view runs --action runs:compare-ticked" +
                                       " --screenshot " + (dir / "runs.png").string() + " --export " + csv.string() +
                                       " --size 1280x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  const auto rows = read_csv(csv);
  REQUIRE(rows.size() == 4);  // header, the open run, toy-a and toy-b added
  const auto& header = rows[0];
  const auto col = [&](const std::string& key) { return column_of(header, key); };
  REQUIRE(col("health") < header.size());
  for (size_t r = 2; r < rows.size(); ++r) {
    INFO(rows[r][col("run")]);
    CHECK_FALSE(rows[r][col("health")].empty());
    const double r2 = std::stod(rows[r][col("recon_r2")]);
    CHECK(r2 <= 1.0);
  }
  CHECK(rows[2][col("run")] == "toy-a");
  CHECK(rows[3][col("run")] == "toy-b");
  CHECK((std::vector<std::string>{header.end() - 1, header.end()}) == std::vector<std::string>{"preset:options.beta"});
}

TEST_CASE("A view action that does not exist is refused with a message", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = test::scratch_dir("gui_runs_view_bad_action");
  const test::GuiRun s = test::run_gui("--threads 1 --preset ph-vae-toy --view runs --action runs:fly" +
                                       std::string(" --screenshot ") + (dir / "x.png").string());
  INFO(s.output);
  CHECK(s.rc == 2);
  CHECK_THAT(s.output, Catch::Contains("--action runs:fly: no such view action"));
}

TEST_CASE("A run on disk that another run replaces stays in the runs table", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = test::scratch_dir("gui_runs_view_replaced");
  train_into(toy_run_preset("toy-first", 1.0, 32), dir / "toy-first");
  train_into(toy_run_preset("toy-second", 3.0, 32), dir / "toy-second");
  const auto csv = dir / "runs.csv";
  // File > Open (Ctrl+O), the second run's folder typed into the path field, Enter opens it.
  const test::GuiRun s = test::run_gui("--threads 1 --run " + (dir / "toy-first").string() +
                                       " --view runs --keys ctrl+o,type:" + (dir / "toy-second").string() +
                                       ",enter --screenshot " + (dir / "runs.png").string() + " --export " +
                                       csv.string() + " --size 1280x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("run: toy-second (beta-vae)"));
  const auto rows = read_csv(csv);
  REQUIRE(rows.size() == 3);  // header, the open run, the one it replaced
  const auto& header = rows[0];
  const auto col = [&](const std::string& key) { return column_of(header, key); };
  CHECK(rows[1][col("run")] == "toy-second");
  CHECK(rows[1][col("open")] == "1");
  CHECK(rows[2][col("run")] == "toy-first");
  CHECK(rows[2][col("open")] == "0");
  CHECK(rows[2][col("preset:options.beta")] == "1.0");
}

TEST_CASE("A folder of runs given to --compare overlays each run's epoch curves", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = test::scratch_dir("gui_runs_view_curves");
  train_into(toy_run_preset("toy-p", 1.0, 32), dir / "runs" / "toy-p");
  train_into(toy_run_preset("toy-q", 2.0, 32), dir / "runs" / "toy-q");
  const auto csv = dir / "curves.csv";
  const test::GuiRun s = test::run_gui("--threads 1 --run " + (dir / "runs" / "toy-p").string() + " --compare " +
                                       (dir / "runs").string() + " --view curves --screenshot " +
                                       (dir / "curves.png").string() + " --export " + csv.string() + " --size 1024x600");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  std::set<std::string> series;
  for (const auto& row : read_csv(csv))
    if (!row.empty()) series.insert(row[0]);
  CHECK(series.count("toy-p: loss (test)") == 1);
  CHECK(series.count("toy-q: loss (test)") == 1);
  CHECK(series.count("loss (epoch test)") == 1);  // the open run's own
}
