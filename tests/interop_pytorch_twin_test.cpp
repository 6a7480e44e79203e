// Our runs in PyTorch: `vaelab-cli export` writes the weights under their module names with the spec,
// tools/load_vaelab.py rebuilds the model there from the spec (its PyTorch twin) and computes the loss
// terms independently; on the same weights, inputs and eps they equal ours to 1e-5 (relative).
#include <catch2/catch.hpp>

#include <filesystem>
#include "pytorch_fixture.h"

using namespace vaelab::test;
namespace fs = std::filesystem;


TEST_CASE("The PyTorch twin of an exported MLP VAE computes our negative ELBO and loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_vae_mlp", "fashion-vae", "");
}

TEST_CASE("The PyTorch twin of an exported conv beta-VAE with Gaussian noise computes our loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_beta_vae_conv", "fashion-vae",
                      "--set variant=beta-vae --set options.beta=4 --set latent=6 "
                      "--set 'architecture={\"type\":\"conv\",\"channels\":[8,16],\"hidden\":[32]}' "
                      "--set 'likelihood={\"type\":\"gaussian\",\"sigma2\":0.1}'");
}

TEST_CASE("Export and eval on another dataset refuse a missing run, an unwritable file and a wrong shape", "[fast]") {
  const fs::path dir = scratch_dir("interop_export_errors");
  const CliResult missing = run_cli(dir, "export --run nothing-here --out x.pt");
  CHECK(missing.status == 1);
  CHECK_FALSE(fs::exists(dir / "x.pt"));
  const CliResult trained = run_cli(dir, "train --preset toy-gmm-vae --epochs 1 --threads 1 --out run");
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  fs::create_directories(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const CliResult unwritable = run_cli(dir, "export --run run --out ro/x.pt");
  fs::permissions(dir / "ro", fs::perms::owner_all);
  if (::geteuid() != 0) {  // root writes anywhere
    CHECK(unwritable.status == 1);
    CHECK(unwritable.err.find("ro/x.pt") != std::string::npos);
  }
  const CliResult shape = run_cli(dir, "eval --run run --dataset fashion-mnist --limit 8 --threads 1");
  CHECK(shape.status == 1);
  CHECK(shape.err.find("dataset fashion-mnist/test holds 1x28x28 inputs, the run's model takes 2") != std::string::npos);
  const CliResult same = run_cli(dir, "eval --run run --dataset toy-gmm5 --limit 8 --threads 1");
  CHECK(same.status == 0);
}
