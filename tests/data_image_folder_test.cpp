// Image folders: class sub-folders, resizing, skipped files, and the area/bilinear resize itself.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <fstream>

#include "core/error.h"
#include "data/dataset_registry.h"
#include "data/image_folder.h"
#include "data/image_resize.h"
#include "plot/png_image.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

// A w x h grey PNG filled with `value`.
void write_png(const fs::path& path, int w, int h, uint8_t value) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h, value);
  write_png_file(path.string(), w, h, 1, px.data());
}

}  // namespace

TEST_CASE("resize_to_square averages areas when shrinking and interpolates when enlarging",
          "[fast][data-loaders]") {
  // 4x4 -> 2x2: each output is the mean of a 2x2 block (hand-worked).
  std::vector<uint8_t> img = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150};
  auto out = resize_to_square(img.data(), 4, 4, 1, 2);
  CHECK(out == std::vector<uint8_t>{25, 45, 105, 125});
  // 3x3 -> 2x2: output (0,0) covers source [0, 1.5)^2: (0 + 0.5*10 + 0.5*40 + 0.25*50) / 2.25 = 16.67 -> 17.
  std::vector<uint8_t> nine = {0, 10, 20, 40, 50, 60, 80, 90, 100};
  CHECK(resize_to_square(nine.data(), 3, 3, 1, 2)[0] == 17);
  // 2x1 -> 4x4 after the centre crop to 1x1: constant.
  std::vector<uint8_t> wide = {7, 9};
  CHECK(resize_to_square(wide.data(), 2, 1, 1, 4) == std::vector<uint8_t>(16, 7));
  // 2x2 -> 4x4 bilinear: first row 0, 0.25*100 (=25), 75, 100 for a 0/100 left/right image.
  std::vector<uint8_t> lr = {0, 100, 0, 100};
  auto up = resize_to_square(lr.data(), 2, 2, 1, 4);
  CHECK(std::vector<uint8_t>(up.begin(), up.begin() + 4) == std::vector<uint8_t>{0, 25, 75, 100});
  // Interleaved RGB becomes planar CHW.
  std::vector<uint8_t> rgb = {1, 2, 3};
  CHECK(resize_to_square(rgb.data(), 1, 1, 3, 2) == std::vector<uint8_t>{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
}

TEST_CASE("Image folder labels images by sorted sub-folder and counts unreadable files", "[fast][data-loaders]") {
  auto dir = test::scratch_dir("data_image_folder");
  fs::create_directories(dir / "zebra");
  fs::create_directories(dir / "apple" / "deeper");
  write_png(dir / "zebra" / "a.png", 10, 8, 200);
  write_png(dir / "zebra" / "b.png", 8, 8, 100);
  write_png(dir / "apple" / "c.png", 16, 16, 50);
  write_png(dir / "apple" / "deeper" / "d.png", 5, 5, 0);
  std::ofstream(dir / "zebra" / "broken.png") << "this is not a PNG";
  std::ofstream(dir / "apple" / "notes.txt") << "ignored: not an image extension";

  auto result = read_image_folder({{"name", "image-folder"}, {"root", dir.string()}, {"size", 4},
                                   {"test_fraction", 0.0}});
  CHECK(result.report.loaded == 4);
  CHECK(result.report.skipped == 1);
  REQUIRE(result.report.skipped_files.size() == 1);
  CHECK_THAT(result.report.skipped_files[0], Catch::Contains("broken.png"));
  CHECK(result.split.descriptor["skipped"] == 1);

  const auto& train = result.split.train;
  REQUIRE(train.size() == 4);
  CHECK(train.class_names == std::vector<std::string>{"apple", "zebra"});
  CHECK(train.shape == DataShape{1, 4, 4, 0});
  // Sorted paths: apple/c.png, apple/deeper/d.png, zebra/a.png, zebra/b.png.
  CHECK(train.labels.equal(torch::tensor({0, 0, 1, 1}, torch::kInt64)));
  CHECK(train.storage.amax({1, 2, 3}).to(torch::kInt64).equal(torch::tensor({50, 0, 200, 100}, torch::kInt64)));

  // RGB and the registry path; the descriptor loads again (with its informational "skipped").
  auto rgb = load_dataset({{"name", "image-folder"}, {"root", dir.string()}, {"size", 6}, {"color", "rgb"}});
  CHECK(rgb.train.shape == DataShape{3, 6, 6, 0});
  CHECK(rgb.train.size() + rgb.test.size() == 4);
  auto again = load_dataset(rgb.descriptor);
  CHECK(again.test.storage.equal(rgb.test.storage));
}

TEST_CASE("Image folder without sub-folders is unlabelled, and an empty one is an error", "[fast][data-loaders]") {
  auto dir = test::scratch_dir("data_image_flat");
  write_png(dir / "one.png", 3, 3, 9);
  write_png(dir / "two.png", 3, 3, 9);
  auto split = load_image_folder({{"root", dir.string()}, {"size", 3}, {"test_fraction", 0.5}});
  CHECK_FALSE(split.train.has_labels());
  CHECK(split.train.size() == 1);
  CHECK(split.test.size() == 1);

  auto empty = test::scratch_dir("data_image_empty");
  std::ofstream(empty / "bad.jpg") << "nope";
  REQUIRE_THROWS_WITH(load_image_folder({{"root", empty.string()}}),
                      Catch::Contains("no readable") && Catch::Contains("1 skipped"));
  REQUIRE_THROWS_WITH(load_image_folder({{"root", empty.string()}, {"color", "cmyk"}}),
                      Catch::Contains("dataset.color"));
  REQUIRE_THROWS_WITH(load_image_folder({{"size", 3}}), Catch::Contains("dataset.root"));
}
