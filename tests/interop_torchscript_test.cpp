// VAEs trained in PyTorch, opened from TorchScript files (models/torchscript_model.h) through
// `vaelab-cli eval --model`. The fixtures are made at test time with Debian's python3-torch: the
// reference MLP VAE scripted by tools/export_torchscript.py, and small modules that break the format in
// one way each.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "data/dataset_registry.h"
#include "models/torchscript_model.h"
#include "session/session.h"
#include "pytorch_fixture.h"

using namespace vaelab;
using namespace vaelab::test;
namespace fs = std::filesystem;

namespace {

// Modules that each break the format in one way, and one deterministic encoder without a likelihood.
const char* kBadModules = R"PY(
import sys
from typing import List, Tuple
import torch
from torch import nn

class Base(nn.Module):
    def __init__(self, latent: int, shape: List[int]):
        super().__init__()
        self.latent_dim = latent
        self.input_shape = shape
        self.enc = nn.Linear(784, 2 * latent)
        self.dec = nn.Linear(latent, 784)

class NoDecode(Base):
    @torch.jit.export
    def encode(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        h = self.enc(x.reshape(x.shape[0], 784))
        return h[:, :4], h[:, 4:]
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.encode(x)[0]

class ThreeOut(Base):
    @torch.jit.export
    def encode(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        h = self.enc(x.reshape(x.shape[0], 784))
        return h[:, :4], h[:, 4:], h
    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.dec(z))
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.encode(x)[0]

class Deterministic(Base):
    @torch.jit.export
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.enc(x.reshape(x.shape[0], 784))[:, :4]
    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.dec(z))
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))

torch.manual_seed(0)
torch.jit.script(NoDecode(4, [784])).save("no_decode.pt")
torch.jit.script(ThreeOut(4, [784])).save("three_out.pt")
torch.jit.script(Deterministic(4, [3, 64, 64])).save("wrong_shape.pt")
torch.jit.script(Deterministic(4, [1, 28, 28])).save("deterministic.pt")
)PY";

void make_bad_modules(const fs::path& dir) {
  std::ofstream(dir / "make_bad.py") << kBadModules;
  const CliResult made = run_python(dir, "make_bad.py");
  INFO(made.err);
  REQUIRE(made.status == 0);
}

void require_error(const CliResult& r, const std::string& what) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find(what) != std::string::npos);
}

}  // namespace

TEST_CASE("A PyTorch VAE scripted to the format evaluates to PyTorch's own negative ELBO on the same inputs and eps",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  const fs::path dir = scratch_dir("interop_torchscript_nelbo");
  const CliResult exported = run_python(
      dir, quoted(source_file("tools/export_torchscript.py")) + " --out ref.pt --epochs 0 --seed 5 --check 48 --threads 1");
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  const auto expected = nlohmann::json::parse(exported.out);

  const CliResult r = run_cli(dir, "eval --model ref.pt --dataset fashion-mnist --limit 48 --batch-size 48 --seed 5 "
                                   "--dequantize off --threads 1");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto out = nlohmann::json::parse(r.out);
  const double ours = out.at("nelbo").get<double>(), theirs = expected.at("nelbo").get<double>();
  CHECK(std::abs(ours - theirs) <= 1e-4 * std::abs(theirs));
  CHECK(out.at("samples") == 48);
  CHECK(out.at("variant") == "torchscript");
  CHECK(out.at("trained_elsewhere") == true);
  CHECK(out.at("likelihood") == "bernoulli");
  CHECK(out.at("latent_dim") == 20);
  CHECK(out.at("name").get<std::string>().find("reference MLP VAE") != std::string::npos);
  // Health and indicators need only encode/decode: an untrained model ignores its input.
  CHECK(out.at("health").at("verdict") == "ignores_input");
  CHECK(out.at("health").at("latent") == 20);
  CHECK(out.contains("indicators"));
}

TEST_CASE("TorchScript files without decode, with a 3-tuple encode or the wrong input shape are refused by name",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  const fs::path dir = scratch_dir("interop_torchscript_bad");
  make_bad_modules(dir);
  const std::string tail = " --dataset fashion-mnist --limit 16 --threads 1";
  require_error(run_cli(dir, "eval --model no_decode.pt" + tail), "module has no method 'decode'");
  require_error(run_cli(dir, "eval --model three_out.pt" + tail), "encode returned a tuple of 3");
  require_error(run_cli(dir, "eval --model wrong_shape.pt" + tail),
                "input shape [3, 64, 64] does not match dataset fashion-mnist/test [1, 28, 28]");
  // The same checks through the engine, with vaelab::Error.
  auto three_out = TorchScriptModel::load((dir / "three_out.pt").string());
  DataShape images;
  images.channels = 1;
  images.height = images.width = 28;
  REQUIRE_THROWS_WITH(three_out->bind_data(images, "fashion-mnist"), Catch::Contains("encode returned a tuple of 3"));
}

TEST_CASE("A deterministic TorchScript encoder without a likelihood gets health and indicators but no nelbo",
          "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  const fs::path dir = scratch_dir("interop_torchscript_deterministic");
  make_bad_modules(dir);
  const CliResult r = run_cli(dir, "eval --model deterministic.pt --dataset fashion-mnist --limit 64 --threads 1");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto out = nlohmann::json::parse(r.out);
  CHECK(out.at("nelbo").is_null());
  CHECK(out.at("likelihood").is_null());
  CHECK(out.at("health").at("deterministic") == true);
  CHECK(out.at("latent_dim") == 4);

  // Through the engine: decode gives the dataset's shape once bound, loss names the missing likelihood.
  auto model = TorchScriptModel::load((dir / "deterministic.pt").string());
  const DatasetSplit split = load_dataset({{"name", "fashion-mnist"}, {"subsample", 64}});
  model->bind_data(split.test.shape, split.test.name);
  torch::NoGradGuard no_grad;
  CHECK(model->decode(torch::zeros({3, 4})).sizes() == torch::IntArrayRef({3, 1, 28, 28}));
  Batch batch;
  batch.x = torch::rand({2, 1, 28, 28});
  CHECK_FALSE(model->encode(batch).logvar.defined());
  REQUIRE_THROWS_WITH(model->loss(batch, StepInfo{}), Catch::Contains("has no 'likelihood' attribute"));
}

TEST_CASE("A file that is not TorchScript or is truncated gets the clean bad-file message", "[fast]") {
  const fs::path dir = scratch_dir("interop_torchscript_corrupt");
  std::ofstream(dir / "text.pt") << "this is not a model\n";
  require_error(run_cli(dir, "eval --model text.pt --dataset toy-gmm5 --threads 1"),
                "not a readable TorchScript file (corrupt or truncated)");
  // A vaelab checkpoint is a TorchScript archive too, but not a model of this format.
  const CliResult trained = run_cli(dir, "train --preset toy-gmm-vae --epochs 1 --threads 1 --out run");
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  const auto size = fs::file_size(dir / "run" / "checkpoint.pt");
  fs::copy_file(dir / "run" / "checkpoint.pt", dir / "half.pt");
  fs::resize_file(dir / "half.pt", size / 2);
  require_error(run_cli(dir, "eval --model half.pt --dataset toy-gmm5 --threads 1"),
                "not a readable TorchScript file (corrupt or truncated)");
  require_error(run_cli(dir, "eval --model run/checkpoint.pt --dataset toy-gmm5 --threads 1"),
                "module has no method 'encode'");
  require_error(run_cli(dir, "eval --model missing.pt --dataset toy-gmm5 --threads 1"), "no such file");
  // --model needs --dataset, and excludes --run.
  CHECK(run_cli(dir, "eval --model text.pt --threads 1").status != 0);
  CHECK(run_cli(dir, "eval --model text.pt --run run --dataset toy-gmm5").status != 0);
}

TEST_CASE("A session opens a TorchScript VAE for the views and publishes it but refuses to train or save it", "[pytorch]") {
  VAELAB_REQUIRE_PYTORCH();
  const fs::path dir = scratch_dir("interop_torchscript_session");
  const CliResult exported = run_python(
      dir, quoted(source_file("tools/export_torchscript.py")) + " --out ref.pt --epochs 0 --seed 1 --threads 1");
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  SessionOptions options;
  options.trainer.threads = 1;
  auto session = Session::open((dir / "ref.pt").string(), options);  // the data set follows from input_shape
  CHECK(session->trained_elsewhere());
  CHECK(session->spec().variant == "torchscript");
  CHECK(session->data()->test.name == "fashion-mnist/test");
  auto snapshot = session->snapshot();
  REQUIRE(snapshot->model);
  CHECK(snapshot->model->model->variant() == "torchscript");
  CHECK(snapshot->progress.message.find("trained elsewhere (PyTorch)") != std::string::npos);
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = snapshot->model->model->decode(torch::zeros({2, 20}));
    CHECK(x.sizes() == torch::IntArrayRef({2, 1, 28, 28}));
    CHECK(x.min().item<float>() >= 0.0f);
    CHECK(x.max().item<float>() <= 1.0f);
  }
  REQUIRE(snapshot->probe);  // inputs and reconstructions of the probe strip
  CHECK(snapshot->probe->reconstructions.pixels.size() == snapshot->probe->inputs.pixels.size());
  session->start();
  session->step(3);
  CHECK(session->wait_until_not_running(2000));
  CHECK(session->snapshot()->progress.step == 0);
  REQUIRE_THROWS_WITH(session->save_run((dir / "run").string()), Catch::Contains("trained elsewhere"));
  CHECK_FALSE(fs::exists(dir / "run"));
  // A file that is TorchScript but not a model of the format names what it lacks; any other bad file gets
  // the checkpoint's message.
  make_bad_modules(dir);
  REQUIRE_THROWS_WITH(Session::open((dir / "no_decode.pt").string(), options), Catch::Contains("no method 'decode'"));
  std::ofstream(dir / "text.pt") << "nothing";
  REQUIRE_THROWS_WITH(Session::open((dir / "text.pt").string(), options), Catch::Contains("not a readable vaelab checkpoint"));
}
