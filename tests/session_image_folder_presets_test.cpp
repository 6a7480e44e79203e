// The image-folder presets (mog-vae on RGB faces, 64x64 and the paper's 256x256) train on a folder of
// generated PNGs: their shipped "root" is a placeholder the user points at their own images.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <random>

#include "plot/png_image.h"
#include "train/preset.h"
#include "session/session.h"
#include "test_support.h"

using namespace vaelab;

namespace {
// `count` RGB PNGs of smooth random blobs, `size` x `size`, in `dir`.
void write_pngs(const std::filesystem::path& dir, int count, int size) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<unsigned char> px(static_cast<size_t>(size) * size * 3);
  for (int i = 0; i < count; ++i) {
    const float cx = u(rng) * size, cy = u(rng) * size, r = (0.2f + 0.3f * u(rng)) * size;
    const float colour[3] = {u(rng), u(rng), u(rng)};
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        const float d = std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r));
        for (int c = 0; c < 3; ++c) px[(static_cast<size_t>(y) * size + x) * 3 + c] = static_cast<unsigned char>(255 * d * colour[c]);
      }
    const auto path = (dir / ("img" + std::to_string(i) + ".png")).string();
    write_png_file(path, size, size, 3, px.data());
  }
}
}  // namespace

TEST_CASE("The mog-vae image-folder presets train on a folder of RGB images", "[fast][train][mog-vae]") {
  const auto dir = test::scratch_dir("image_folder_presets");
  write_pngs(dir, 24, 96);
  for (const std::string name : {"mog-vae-faces64", "mog-vae-faces256"}) {
    INFO("preset " << name);
    SessionOptions opt;
    opt.overrides = {"dataset.root=\"" + dir.string() + "\"", "batch_size=4", "device=cpu"};
    auto session = Session::open(name, opt);
    const auto& shape = session->spec().shape;
    CHECK(shape.channels == 3);
    CHECK(shape.height == (name == "mog-vae-faces64" ? 64 : 256));
    session->step(1);
    REQUIRE(session->wait_until_not_running(120000));
    auto snap = session->snapshot();
    CHECK(snap->progress.step == 1);
    CHECK(snap->progress.state == RunState::Paused);
    for (const auto& series : snap->metrics->per_step) {
      REQUIRE(series.size() == 1);
      CHECK(std::isfinite(series[0]));
    }
  }
}
