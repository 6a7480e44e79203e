// vaelab-cli end to end (the binary at VAELAB_CLI_PATH): train -> run folder, eval -> one JSON object,
// resume -> longer history, Ctrl-C -> saved run, the list commands, and bad input -> exit status 1 with
// one "error" line on stderr (never a signal or a core dump).
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

using vaelab::test::CliResult;
using vaelab::test::quoted;
using vaelab::test::read_text;
using vaelab::test::run_cli;

namespace {

namespace fs = std::filesystem;





int count_lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// A preset small enough for seconds: 2-D toy mixture subsample, MLP 32-32, latent 2, one epoch.
fs::path write_tiny_preset(const fs::path& dir, const std::string& extra = "") {
  const fs::path path = dir / "tiny.json";
  std::ofstream(path) << R"({
    "name": "tiny", "description": "test preset", "variant": "vae",
    "dataset": {"name": "toy-gmm5", "n": 600},
    "latent": 2,
    "architecture": {"type": "mlp", "hidden": [32, 32]},
    "likelihood": {"type": "gaussian", "sigma2": 0.1},
    "optimizer": {"type": "adam", "lr": 0.003},
    "batch_size": 64, "epochs": 1, "seed": 3, "device": "cpu")"
                      << extra << "}\n";
  return path;
}

CliResult train_tiny(const fs::path& dir, const std::string& more = "") {
  write_tiny_preset(dir);
  return run_cli(dir, "train --preset tiny.json --threads 1 --out run " + more);
}

// Data rows of metrics.csv (header excluded).
int metrics_rows(const fs::path& run) {
  return count_lines(read_text(run / "metrics.csv")) - 1;
}

void require_one_line_error(const CliResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.status == 1);  // 1, not 128 + signal: no crash, no abort
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("error") != std::string::npos);
}

}  // namespace

TEST_CASE("train writes a checkpoint, a metrics table and a summary for a tiny preset", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_train");
  const CliResult r = train_tiny(dir);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::file_size(dir / "run" / "checkpoint.pt") > 0);

  const std::string csv = read_text(dir / "run" / "metrics.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  CHECK(header.rfind("epoch", 0) == 0);
  CHECK(header.find("train_loss") != std::string::npos);
  CHECK(header.find("test_loss") != std::string::npos);
  CHECK(metrics_rows(dir / "run") == 1);

  const auto summary = nlohmann::json::parse(read_text(dir / "run" / "summary.json"));
  CHECK(summary.is_object());
  CHECK(summary.contains("final_test"));
  // Not a terminal: plain per-epoch lines, no carriage-return progress bar.
  CHECK(r.out.find("epoch 1/1") != std::string::npos);
  CHECK(r.out.find('\r') == std::string::npos);
}

TEST_CASE("eval prints one JSON object with a finite negative ELBO and an IWAE estimate", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_eval");
  REQUIRE(train_tiny(dir).status == 0);
  const CliResult r = run_cli(dir, "eval --run run --iwae-k 20 --threads 1");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);  // throws (fails the test) unless stdout is one JSON value
  REQUIRE(j.is_object());
  REQUIRE(j["nelbo"].is_number());
  CHECK(std::isfinite(j["nelbo"].get<double>()));
  CHECK(j["terms"].contains("loss"));
  CHECK(j["iwae_k"] == 20);
  CHECK(j["iwae_nll"].get<double>() <= j["nelbo"].get<double>() + 0.5);
  CHECK(j["split"] == "test");

  const CliResult limited = run_cli(dir, "eval --run run --split train --limit 50 --threads 1");
  REQUIRE(limited.status == 0);
  const auto jl = nlohmann::json::parse(limited.out);
  CHECK(jl["samples"] == 50);
  CHECK_FALSE(jl.contains("iwae_nll"));
}

TEST_CASE("resume trains more epochs and extends the metrics table", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_resume");
  REQUIRE(train_tiny(dir).status == 0);
  REQUIRE(metrics_rows(dir / "run") == 1);
  const CliResult r = run_cli(dir, "resume --run run --epochs 2 --threads 1");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(metrics_rows(dir / "run") == 3);
  const auto summary = nlohmann::json::parse(read_text(dir / "run" / "summary.json"));
  CHECK(summary["epoch"] == 3);

  // Without --epochs there is nothing left of the preset's (now 3) epochs: a one-line error.
  require_one_line_error(run_cli(dir, "resume --run run --threads 1"));
}

TEST_CASE("Ctrl-C during training saves the run and exits with status 130", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_sigint");
  write_tiny_preset(dir);
  const std::string out = (dir / "run").string(), preset = (dir / "tiny.json").string();
  const std::string log = (dir / "train.log").string();
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: a long run (the parent interrupts it), stdout to a log the parent watches.
    if (!freopen(log.c_str(), "w", stdout)) _exit(126);
    execl(VAELAB_CLI_PATH, VAELAB_CLI_PATH, "train", "--preset", preset.c_str(), "--epochs", "100000", "--threads",
          "1", "--out", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // The CLI prints its "training ..." line right before it installs the handler and starts: wait for
  // the first finished epoch, so the interrupt lands in the middle of training.
  for (int i = 0; i < 600 && read_text(log).find("epoch 1/") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kill(pid, SIGINT);
  int raw = 0;
  waitpid(pid, &raw, 0);
  REQUIRE(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 130);
  CHECK(fs::exists(dir / "run" / "checkpoint.pt"));
  CHECK(fs::exists(dir / "run" / "summary.json"));
  // The saved run evaluates and resumes like any other.
  CHECK(run_cli(dir, "eval --run run --threads 1").status == 0);
}

TEST_CASE("list commands print one entry per line", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_list");
  const CliResult presets = run_cli(dir, "presets");
  REQUIRE(presets.status == 0);
  CHECK(presets.out.find("fashion-vae\t") != std::string::npos);
  const CliResult variants = run_cli(dir, "variants");
  REQUIRE(variants.status == 0);
  CHECK(variants.out.rfind("vae\t", 0) == 0);
  const CliResult datasets = run_cli(dir, "datasets");
  REQUIRE(datasets.status == 0);
  CHECK(datasets.out.find("toy-gmm5\t") != std::string::npos);
  CHECK(datasets.out.find("fashion-mnist\t") != std::string::npos);
}

TEST_CASE("bad input ends with one error line and status 1, never a crash", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_errors");
  write_tiny_preset(dir);

  SECTION("a preset that does not exist") {
    const CliResult r = run_cli(dir, "train --preset no-such-preset --out run");
    require_one_line_error(r);
    CHECK(r.err.find("no-such-preset") != std::string::npos);
  }
  SECTION("a preset key of the wrong type") {
    const CliResult r = run_cli(dir, "train --preset tiny.json --set latent='\"two\"' --out run");
    require_one_line_error(r);
    CHECK(r.err.find("latent") != std::string::npos);
  }
  SECTION("an unwritable output folder, before any training") {
    const CliResult r = run_cli(dir, "train --preset tiny.json --out /proc/forbidden");
    require_one_line_error(r);
    CHECK(r.err.find("/proc/forbidden") != std::string::npos);
    CHECK(r.out.find("epoch") == std::string::npos);
  }
  SECTION("a corrupt checkpoint") {
    fs::create_directories(dir / "bad");
    std::ofstream(dir / "bad" / "checkpoint.pt") << "this is not a checkpoint";
    require_one_line_error(run_cli(dir, "eval --run bad"));
    require_one_line_error(run_cli(dir, "resume --run bad --epochs 1"));
  }
  SECTION("a run folder that does not exist") {
    require_one_line_error(run_cli(dir, "eval --run nowhere"));
  }
  SECTION("an unknown option or a bad option value") {
    require_one_line_error(run_cli(dir, "train --preset tiny.json --out run --bogus"));
    require_one_line_error(run_cli(dir, "eval --run run --iwae-k -3"));
    require_one_line_error(run_cli(dir, ""));
  }
}

TEST_CASE("compare --pixel-kmeans adds a k-means-on-inputs baseline row next to the runs", "[fast][cli]") {
  const fs::path dir = vaelab::test::scratch_dir("cli_compare_pixels");
  REQUIRE(train_tiny(dir).status == 0);
  const CliResult r = run_cli(dir, "compare --runs run --pixel-kmeans --out cmp --threads 1");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("k-means on pixels") != std::string::npos);
  const auto rows = nlohmann::json::parse(read_text(dir / "cmp" / "compare.json"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["name"] == "run");
  CHECK(rows[1]["name"] == "k-means on pixels");
  CHECK(rows[1]["dataset"] == "toy-gmm5");
  // The 2-D mixture's five components are well separated: k-means on the inputs finds most of them,
  // far above the 1/5 of chance.
  CHECK(rows[1]["cluster_acc"].get<double>() > 0.6);
  CHECK(rows[1]["cluster_acc"].get<double>() <= 1.0);
  CHECK(rows[0].contains("cluster_acc"));  // the VAE + GMM row on the same inputs
  CHECK(rows[0]["evaluated_on"].get<std::string>().find("/test") != std::string::npos);

  // --split train scores the training view (the clustering papers' protocol) for every row.
  const CliResult t = run_cli(dir, "compare --runs run --pixel-kmeans --split train --out cmp2 --threads 1");
  REQUIRE(t.status == 0);
  const auto train_rows = nlohmann::json::parse(read_text(dir / "cmp2" / "compare.json"));
  REQUIRE(train_rows.size() == 2);
  for (const auto& row : train_rows) CHECK(row["evaluated_on"].get<std::string>().find("/train") != std::string::npos);
  require_one_line_error(run_cli(dir, "compare --runs run --split validation --threads 1"));
}
