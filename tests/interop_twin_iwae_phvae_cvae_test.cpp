// PyTorch twins of iwae, ph-vae and cvae (tools/vaelab_twins/{iwae,ph_vae,cvae}.py, written from the spec's
// §7 and §2 and ph-vae.txt): on an exported run's weights, the first 40 Fashion-MNIST test images (with their
// labels, which cvae needs) and the same eps, the twin's negative ELBO and every loss term `eval` reports
// equal ours to 1e-5 relative (tests/pytorch_fixture.h). Each test also pins the names of the terms, so a
// term the twin does not know, or one eval stops reporting, shows here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "pytorch_fixture.h"

using namespace vaelab::test;
namespace fs = std::filesystem;

namespace {

const char* kConv = "--set 'architecture={\"type\":\"conv\",\"channels\":[8,16],\"hidden\":[32]}' ";

// The term names `eval` reports for the run require_twin_agrees(name, ...) left in its scratch folder.
std::set<std::string> eval_term_names(const std::string& name) {
  const fs::path dir = fs::path(VAELAB_TEST_TMP) / name;
  const CliResult eval = run_cli(dir, "eval --run run --dataset fashion-mnist --limit 8 --threads 1");
  INFO(eval.err);
  REQUIRE(eval.status == 0);
  const auto out = nlohmann::json::parse(eval.out);
  std::set<std::string> names;
  for (const auto& [term, value] : out.at("terms").items()) names.insert(term);
  return names;
}

}  // namespace

TEST_CASE("The PyTorch twin of an exported MLP IWAE computes our k-sample bound and loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_iwae_mlp", "iwae-mnist", "");  // k = 5, Bernoulli
  CHECK(eval_term_names("interop_twin_iwae_mlp") == std::set<std::string>{"loss", "iwae_bound", "recon", "kl"});
}

TEST_CASE("The PyTorch twin of an exported conv IWAE with Laplace noise and k = 7 computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_iwae_conv", "iwae-mnist",
                      std::string(kConv) + "--set 'options={\"k\":7}' --set 'likelihood={\"type\":\"laplace\",\"scale\":0.2}'");
}

TEST_CASE("The PyTorch twin of an exported MLP CVAE computes our loss terms from the test labels", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_cvae_mlp", "cvae-mnist", "");  // 2-D latent, one-hot labels, Bernoulli
  CHECK(eval_term_names("interop_twin_cvae_mlp") == std::set<std::string>{"loss", "recon", "kl"});
}

TEST_CASE("The PyTorch twin of an exported conv CVAE with Gaussian noise computes our loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_cvae_conv", "cvae-mnist",
                      std::string(kConv) + "--set latent=4 --set 'likelihood={\"type\":\"gaussian\",\"sigma2\":0.1}'");
}

// The spec's defaults: S = 3 orders, separate trunks, A = 1, recon = the summed squared error of the
// sigmoid output (spec §2; the listing's mse_loss(reduction='sum')).
TEST_CASE("The PyTorch twin of an exported MLP PH-VAE with S = 3 and its default recon computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_ph_vae_mlp", "ph-vae-mnist", "--set 'options={\"orders\":3}'");
  CHECK(eval_term_names("interop_twin_ph_vae_mlp") ==
        std::set<std::string>{"loss", "recon", "kl_1", "kl_2", "kl_3", "kl"});
}

TEST_CASE("The PyTorch twin of an exported PH-VAE with recon = likelihood, one shared encoder and A = 3 computes "
          "our loss terms", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_ph_vae_shared", "ph-vae-mnist",
                      "--set 'likelihood={\"type\":\"bernoulli\"}' --set 'options={\"orders\":2,\"encoder_sharing\":"
                      "\"shared\",\"amplitude\":3,\"recon\":\"likelihood\",\"beta\":0.5}'");
  CHECK(eval_term_names("interop_twin_ph_vae_shared") == std::set<std::string>{"loss", "recon", "kl_1", "kl_2", "kl"});
}

TEST_CASE("The PyTorch twin of an exported conv PH-VAE with S = 3 and a Bernoulli recon computes our loss terms",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  require_twin_agrees("interop_twin_ph_vae_conv", "ph-vae-mnist",
                      std::string(kConv) + "--set 'likelihood={\"type\":\"bernoulli\"}' "
                      "--set 'options={\"orders\":3,\"recon\":\"likelihood\"}'");
}
