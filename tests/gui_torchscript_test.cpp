// The desktop app on a VAE trained in PyTorch (a TorchScript file made at test time by
// tools/export_torchscript.py): every view that needs only encode/decode renders, the run view says the
// model was trained elsewhere, and dropping the file opens it. Skipped (77) without python3-torch.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "png_stats.h"
#include "pytorch_fixture.h"

using namespace vaelab::test;
namespace fs = std::filesystem;

namespace {

// Writes the reference MLP VAE (untrained, seeded) once per test and returns its path.
std::string reference_model(const fs::path& dir) {
  const CliResult exported = run_python(
      dir, quoted(source_file("tools/export_torchscript.py")) + " --out ref.pt --epochs 0 --seed 2 --threads 1");
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  return (dir / "ref.pt").string();
}

}  // namespace

TEST_CASE("Every encode-decode view renders a PyTorch model and the run view says it was trained elsewhere", "[gui]") {
  VAELAB_REQUIRE_PYTORCH();
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const fs::path dir = scratch_dir("gui_torchscript_views");
  const std::string model = reference_model(dir);
  for (const std::string view : {"run", "sliders", "manifold", "traversals", "clusters", "residuals", "samples",
                                 "interpolation", "covariance"}) {
    INFO("view " << view);
    const std::string png = (dir / (view + ".png")).string();
    const GuiRun s = run_gui(quoted(model) + " --threads 1 --view " + view + " --screenshot " + png + " --size 1280x800");
    INFO(s.output);
    REQUIRE(s.rc == 0);
    const PngStats st = png_stats(png);
    CHECK(st.variance > 100.0);
    CHECK(st.colours > 30);
  }
  // Space (train) leaves it idle.
  const GuiRun keys = run_gui(quoted(model) + " --threads 1 --view run --keys space --screenshot " +
                              (dir / "keys.png").string() + " --size 1024x700");
  INFO(keys.output);
  CHECK(keys.rc == 0);
  CHECK_THAT(keys.output, Catch::Contains("key space -> state idle"));
}

TEST_CASE("Dropping a TorchScript file on the window opens the PyTorch model", "[gui]") {
  VAELAB_REQUIRE_PYTORCH();
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const fs::path dir = scratch_dir("gui_torchscript_drop");
  const std::string model = reference_model(dir);
  const GuiRun s = run_gui("--preset fashion-vae --set dataset.subsample=500 --set architecture.hidden=[32] --threads 1 "
                           "--view run --drop " + quoted(model) + " --screenshot " + (dir / "drop.png").string() +
                           " --size 1024x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("opened " + model));
}
