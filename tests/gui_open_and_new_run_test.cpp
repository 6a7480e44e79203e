// File > New run and File > Open end to end, driven by scripted keys and typed text (--keys) that take
// the same GLFW and ImGui path as a person's keyboard. Needs a display: run under xvfb-run.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include <vector>

#include "plot/png_image.h"
#include "png_stats.h"
#include "test_support.h"

using vaelab::test::GuiRun;
using vaelab::test::png_stats;
using vaelab::test::run_gui;

namespace {

// The default preset, small: the run open before the scripted input.
const std::string kTinyRun = vaelab::test::small_fashion_run(1000);

// The step printed in "run: NAME (VARIANT) at step N", or -1.
long long printed_step(const std::string& output, const std::string& name) {
  std::smatch m;
  const std::regex line("run: " + name + " \\([a-z-]+\\) at step ([0-9]+)");
  return std::regex_search(output, m, line) ? std::stoll(m[1]) : -1;
}

// An image folder of two classes of 8x8 grey PNGs (`per_class` each), plus one image beside the class
// folders: the loader skips that one and names it on stderr, which shows the run read this folder.
void write_image_folder(const std::filesystem::path& root, int per_class) {
  for (const char* cls : {"dark", "light"}) {
    std::filesystem::create_directories(root / cls);
    for (int i = 0; i < per_class; ++i) {
      const std::vector<uint8_t> px(64, static_cast<uint8_t>((cls[0] == 'd' ? 0 : 128) + 8 * i));
      vaelab::write_png_file((root / cls / ("i" + std::to_string(i) + ".png")).string(), 8, 8, 1, px.data());
    }
  }
  const std::vector<uint8_t> px(64, 255);
  vaelab::write_png_file((root / "stray.png").string(), 8, 8, 1, px.data());
}

}  // namespace

TEST_CASE("New run opens a preset of another variant picked by keyboard and trains it two steps", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_new_run");
  const std::string png = (dir / "new-run.png").string();
  // Ctrl+N, filter the list down to the PH-VAE toy preset, Enter picks it, Ctrl+Enter creates it.
  const GuiRun s = run_gui(std::string(kTinyRun) + " --view run --keys ctrl+n,type:ph-vae-toy,enter,ctrl+enter" +
                           " --train-steps 2 --screenshot " + png + " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("key ctrl+n -> state idle, new run dialog open"));
  CHECK_THAT(s.output, Catch::Contains("typed ph-vae-toy"));
  CHECK_THAT(s.output, Catch::Contains("key enter -> state idle, new run dialog open"));
  CHECK_THAT(s.output, Catch::Contains("key ctrl+enter -> state idle\n"));  // the dialog closed
  CHECK_THAT(s.output, Catch::Contains("opened the edited preset"));
  CHECK(printed_step(s.output, "ph-vae-toy") == 2);
  CHECK_THAT(s.output, Catch::Contains("run: ph-vae-toy (ph-vae) at step 2"));
  CHECK(png_stats(png).width == 1280);
}

TEST_CASE("A New run filter that matches nothing picks nothing and Escape closes the dialog unopened", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_new_run_error");
  const std::string png = (dir / "error.png").string();
  // The filter lists no preset, so Enter picks none; Escape closes the dialog and the open run stays.
  const GuiRun s = run_gui(std::string(kTinyRun) + " --view run --keys ctrl+n,type:no-such-preset,enter,escape" +
                           " --screenshot " + png + " --size 1024x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("key enter -> state idle, new run dialog open"));
  CHECK_THAT(s.output, Catch::Contains("key escape -> state idle\n"));
  CHECK_THAT(s.output, !Catch::Contains("opened"));
  CHECK_THAT(s.output, Catch::Contains("run: fashion-vae (vae) at step 0"));
}

TEST_CASE("Open goes into a typed folder and opens the run folder typed there", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_open");
  const std::string run_dir = (dir / "toy-run").string();
  const auto trained = vaelab::test::run_cli(dir, "train --preset toy-gmm-vae --set dataset.n=500 --epochs 1 "
                                                  "--threads 1 --out " + vaelab::test::quoted(run_dir));
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  const std::string png = (dir / "open.png").string();
  // Ctrl+O, type the parent folder and Enter (goes into it), type the run's name and Enter (opens it).
  const GuiRun s = run_gui(std::string(kTinyRun) + " --view run --keys ctrl+o,type:" + dir.string() +
                           ",enter,type:toy-run,enter --screenshot " + png + " --size 1024x700");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("key ctrl+o -> state idle, open dialog open"));
  // The first Enter went into the folder: the dialog is still open.
  CHECK_THAT(s.output, Catch::Contains("typed " + dir.string() + "\nkey enter -> state idle, open dialog open"));
  CHECK_THAT(s.output, Catch::Contains("typed toy-run\nkey enter -> state idle\n"));
  CHECK_THAT(s.output, Catch::Contains("opened " + run_dir));
  CHECK(printed_step(s.output, "toy-gmm-vae") > 0);  // the trained run, not the default preset
  CHECK_THAT(s.output, !Catch::Contains("run: fashion-vae"));
}

TEST_CASE("New run trains on an image folder chosen in the dataset browser's path field", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_new_run_image_folder");
  write_image_folder(dir / "pictures", 12);
  const std::string png = (dir / "trained.png").string();
  // Ctrl+N (the open run's preset, fashion-vae, is picked), Ctrl+D (the dataset's path field, an image
  // folder), the scratch folder and Enter (goes into it), the folder's name typed there, Tab to the image
  // size, 8, Ctrl+Enter creates the run.
  const GuiRun s = run_gui(std::string(kTinyRun) + " --view run --keys ctrl+n,ctrl+d,type:" + dir.string() +
                           ",enter,type:pictures,tab,type:8,ctrl+enter --train-steps 2 --screenshot " + png +
                           " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  CHECK_THAT(s.output, Catch::Contains("key ctrl+d -> state idle, new run dialog open"));
  CHECK_THAT(s.output, Catch::Contains("typed " + dir.string() + "\nkey enter -> state idle, new run dialog open"));
  CHECK_THAT(s.output, Catch::Contains("key ctrl+enter -> state idle\n"));  // the dialog closed
  CHECK_THAT(s.output, Catch::Contains("opened the edited preset"));
  // The engine read the folder typed: its one stray image is named.
  CHECK_THAT(s.output, Catch::Contains("image-folder: skipped 1 unreadable file(s), first: " +
                                       (dir / "pictures" / "stray.png").string() + ": lies next to class sub-folders"));
  CHECK(printed_step(s.output, "fashion-vae") == 2);
  CHECK_THAT(s.output, Catch::Contains("run: fashion-vae (vae) at step 2"));
}

TEST_CASE("New run refuses Create while the dataset path holds no image and keeps the open run", "[gui]") {
  REQUIRE(std::getenv("DISPLAY") != nullptr);
  const auto dir = vaelab::test::scratch_dir("gui_new_run_no_images");
  std::filesystem::create_directories(dir / "empty");
  const std::string png = (dir / "refused.png").string();
  const GuiRun s = run_gui(std::string(kTinyRun) + " --view run --keys ctrl+n,ctrl+d,type:" + (dir / "empty").string() +
                           ",ctrl+enter --screenshot " + png + " --size 1280x800");
  INFO(s.output);
  REQUIRE(s.rc == 0);
  // Ctrl+Enter did nothing: the dialog is still open and no run was opened.
  CHECK_THAT(s.output, Catch::Contains("key ctrl+enter -> state idle, new run dialog open"));
  CHECK_THAT(s.output, !Catch::Contains("opened"));
  CHECK_THAT(s.output, Catch::Contains("run: fashion-vae (vae) at step 0"));
  CHECK(png_stats(png).width == 1280);
}
