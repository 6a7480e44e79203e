// vaelab-cli end to end on dequantisation and bits per dimension: a tiny run on 64x64 binary shapes with
// a Gaussian likelihood trains and evaluates dequantised by default, eval reports -log p in nats and in
// bits per dimension consistently, and compare flags a set that mixes an undequantised density with a
// discrete likelihood.
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "test_support.h"

using vaelab::test::CliResult;
using vaelab::test::quoted;
using vaelab::test::read_text;
using vaelab::test::run_cli;

namespace {

namespace fs = std::filesystem;

constexpr double kLn256 = 5.545177444479562;
constexpr double kLn2 = 0.6931471805599453;





// A scratch folder of this process's own: several test processes may share the build tree.
fs::path own_scratch_dir(const std::string& name) {
  return vaelab::test::scratch_dir(name + "_" + std::to_string(::getpid()));
}

// 240 binary 64x64 shapes (4096 dims), MLP 32, latent 2, one epoch of 3 steps: seconds.
void write_shapes_preset(const fs::path& dir) {
  std::ofstream(dir / "shapes-tiny.json") << R"({
    "name": "shapes-tiny", "variant": "vae",
    "dataset": {"name": "shapes", "size": 240, "seed": 0, "test_fraction": 0.25},
    "latent": 2,
    "architecture": {"type": "mlp", "hidden": [32]},
    "likelihood": {"type": "gaussian", "sigma2": 0.05},
    "optimizer": {"type": "adam", "lr": 0.003},
    "batch_size": 60, "epochs": 1, "seed": 3, "device": "cpu"})";
}

CliResult train(const fs::path& dir, const std::string& out, const std::string& sets = "") {
  return run_cli(dir, "train --preset shapes-tiny.json --threads 1 --out " + out + " " + sets);
}

nlohmann::json eval_json(const fs::path& dir, const std::string& args) {
  const CliResult r = run_cli(dir, "eval --threads 1 " + args);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("eval of a saved tiny run reports -log p in nats and bits per dimension consistently",
          "[fast][cli][likelihood]") {
  const fs::path dir = own_scratch_dir("cli_likelihood_units");
  write_shapes_preset(dir);
  {
    const CliResult r = train(dir, "run");
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.status == 0);
  }
  // The setting travels with the run.
  const auto summary = nlohmann::json::parse(read_text(dir / "run" / "summary.json"));
  CHECK(summary.at("preset").at("dequantize") == true);

  const auto j = eval_json(dir, "--run run --iwae-k 4");
  CHECK(j.at("likelihood_kind") == "continuous");
  CHECK(j.at("dequantized") == true);
  CHECK(j.at("likelihood_scale") == "dequantized-8bit");
  CHECK(j.at("dims") == 4096);
  CHECK(j.at("nll_estimate") == "iwae");
  CHECK(j.at("nll_nats").get<double>() == j.at("iwae_nll").get<double>());
  const double d = 4096;
  // bits_per_dim * D ln 2 - D ln 256 = the continuous nll on the [0, 1] scale.
  CHECK(j.at("bits_per_dim").get<double>() * d * kLn2 - d * kLn256 == Approx(j.at("nll_nats").get<double>()).epsilon(1e-9));
  CHECK(j.at("nelbo_bits_per_dim").get<double>() * d * kLn2 - d * kLn256 == Approx(j.at("nelbo").get<double>()).epsilon(1e-9));
  // A density on dequantised data is at least -D ln 256 nats: bits/dim of the 8-bit data are positive.
  CHECK(j.at("bits_per_dim").get<double>() > 0);

  // Seeded: the same dequantisation noise and posterior samples on a second call.
  CHECK(eval_json(dir, "--run run").at("nelbo") == eval_json(dir, "--run run").at("nelbo"));
  // --dequantize off evaluates the stored values: the raw scale, labelled so.
  const auto off = eval_json(dir, "--run run --dequantize off");
  CHECK(off.at("dequantized") == false);
  CHECK(off.at("likelihood_scale") == "raw-8bit");
  CHECK(off.at("nelbo") != j.at("nelbo"));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_CASE("compare flags undequantised densities next to discrete likelihoods, and not a consistent set",
          "[fast][cli][likelihood][comparison]") {
  const fs::path dir = own_scratch_dir("cli_likelihood_mix");
  write_shapes_preset(dir);
  REQUIRE(train(dir, "deq").status == 0);
  REQUIRE(train(dir, "raw", "--set dequantize=false").status == 0);
  REQUIRE(train(dir, "bern", "--set likelihood.type=bernoulli").status == 0);

  const CliResult mixed = run_cli(dir, "compare --runs raw,bern --out cmp --threads 1 --limit 30");
  INFO("stdout: " << mixed.out << "\nstderr: " << mixed.err);
  REQUIRE(mixed.status == 0);
  CHECK(mixed.out.find("warning: this comparison mixes likelihoods") != std::string::npos);
  const auto rows = nlohmann::json::parse(read_text(dir / "cmp" / "compare.json"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].at("likelihood_scale") == "raw-8bit");
  CHECK(rows[1].at("likelihood_scale") == "binary");
  CHECK(rows[0].at("likelihood_comparable") == false);
  CHECK(rows[1].at("likelihood_warning").get<std::string>().find("not dequantised (raw)") != std::string::npos);
  CHECK(read_text(dir / "cmp" / "compare.csv").find("likelihood_comparable") != std::string::npos);

  // A dequantised density next to a Bernoulli on binary data: both bound -log P of the 8-bit data.
  const CliResult consistent = run_cli(dir, "compare --runs deq,bern --out cmp2 --threads 1 --limit 30");
  INFO("stdout: " << consistent.out << "\nstderr: " << consistent.err);
  REQUIRE(consistent.status == 0);
  CHECK(consistent.out.find("warning") == std::string::npos);
  const auto ok = nlohmann::json::parse(read_text(dir / "cmp2" / "compare.json"));
  REQUIRE(ok.size() == 2);
  CHECK(ok[0].at("likelihood_scale") == "dequantized-8bit");
  CHECK(ok[0].at("likelihood_comparable") == true);
  CHECK(ok[1].at("likelihood_comparable") == true);
  CHECK(ok[0].at("bits_per_dim").get<double>() > 0);
  std::error_code ec;
  fs::remove_all(dir, ec);
}
