// The one PNG writer (engine/plot/png_image.h): a round trip through libstb's decoder, and a clear error
// naming the path it cannot write.
#include <catch2/catch.hpp>
#include <stb_image.h>

#include <filesystem>
#include <random>

#include "core/error.h"
#include "plot/png_image.h"
#include "test_support.h"

using namespace vaelab;

TEST_CASE("A canvas written as PNG reads back with the same pixels", "[fast][plot]") {
  const auto dir = test::scratch_dir("plot_png_round_trip");
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(0, 255);
  RasterCanvas canvas(37, 23);
  for (int y = 0; y < canvas.height(); ++y)
    for (int x = 0; x < canvas.width(); ++x)
      canvas.set(x, y, {static_cast<uint8_t>(byte(rng)), static_cast<uint8_t>(byte(rng)), static_cast<uint8_t>(byte(rng))});
  const std::string path = (dir / "noise.png").string();
  write_png_file(path, canvas);
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 3);
  REQUIRE(data != nullptr);
  CHECK(w == 37);
  CHECK(h == 23);
  const std::vector<uint8_t> read(data, data + static_cast<size_t>(w) * h * 3);
  stbi_image_free(data);
  CHECK(read == canvas.pixels());
}

TEST_CASE("A grey image written as PNG reads back as one channel", "[fast][plot]") {
  const auto dir = test::scratch_dir("plot_png_grey");
  std::vector<uint8_t> px = {0, 64, 128, 255, 7, 9};
  const std::string path = (dir / "grey.png").string();
  write_png_file(path, 3, 2, 1, px.data());
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 0);
  REQUIRE(data != nullptr);
  CHECK(n == 1);
  CHECK(std::vector<uint8_t>(data, data + 6) == px);
  stbi_image_free(data);
}

TEST_CASE("Writing a PNG into a folder that does not exist throws an error naming the path", "[fast][plot]") {
  const auto dir = test::scratch_dir("plot_png_unwritable");
  const std::string path = (dir / "missing-folder" / "plot.png").string();
  RasterCanvas canvas(4, 4);
  try {
    write_png_file(path, canvas);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("\"" + path + "\"") && Catch::Contains("No such file or directory"));
  }
  CHECK_FALSE(std::filesystem::exists(path));
  const uint8_t* none = nullptr;
  CHECK_THROWS_WITH(write_png_file((dir / "empty.png").string(), 0, 0, 3, none),
                    Catch::Contains("empty.png") && Catch::Contains("empty image"));
}
