// The New run dialog's check of a data set path (engine/data/data_path_check.h): counts an image folder's
// images and classes or a CSV's rows and columns, and names what is wrong.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/data_path_check.h"
#include "plot/png_image.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p) { std::ofstream(p) << "x"; }

void write_png(const fs::path& p) {
  const std::vector<uint8_t> px(16, 128);
  vaelab::write_png_file(p.string(), 4, 4, 1, px.data());
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST_CASE("The image folder check counts images and classes and names what is wrong with other paths", "[fast][data-path]") {
  const auto dir = vaelab::test::scratch_dir("image_folder_check");
  // Unlabelled: the images directly inside; other files and hidden ones do not count.
  fs::create_directories(dir / "flat");
  for (const char* name : {"a.png", "b.PNG", "c.jpg", ".hidden.png"}) write_png(dir / "flat" / name);
  touch(dir / "flat" / "notes.txt");
  DataPathCheck c = check_image_folder((dir / "flat").string());
  CHECK(c.ok);
  CHECK(c.line == "3 images, no class folders (unlabelled)");
  // Classes at any depth; an image beside the class folders is skipped, as the engine does.
  fs::create_directories(dir / "classes" / "cat" / "deep");
  fs::create_directories(dir / "classes" / "dog");
  write_png(dir / "classes" / "cat" / "1.png");
  write_png(dir / "classes" / "cat" / "deep" / "2.png");
  write_png(dir / "classes" / "dog" / "3.bmp");
  write_png(dir / "classes" / "stray.png");
  c = check_image_folder((dir / "classes").string());
  CHECK(c.ok);
  CHECK(c.line == "3 images in 2 classes (cat, dog); 1 image beside the class folders skipped");
  // The count stops at the cap and says so.
  c = check_image_folder((dir / "flat").string(), nullptr, 2);
  CHECK(c.ok);
  CHECK(c.line == "at least 2 images, no class folders (unlabelled); stopped counting");

  fs::create_directories(dir / "empty");
  c = check_image_folder((dir / "empty").string());
  CHECK_FALSE(c.ok);
  CHECK(c.line == "no .png/.jpg/.jpeg/.bmp image in " + (dir / "empty").string());
  c = check_image_folder((dir / "missing").string());
  CHECK_FALSE(c.ok);
  CHECK(c.line == "no such folder: " + (dir / "missing").string());
  c = check_image_folder((dir / "flat" / "a.png").string());
  CHECK_FALSE(c.ok);
  CHECK_THAT(c.line, Catch::StartsWith("not a folder: " + (dir / "flat" / "a.png").string()));
  CHECK_FALSE(check_image_folder("").ok);
}

TEST_CASE("The CSV check counts rows and columns and names the line of a bad cell", "[fast][data-path]") {
  const auto dir = vaelab::test::scratch_dir("csv_check");
  write_text(dir / "plain.csv", "1,2\n\n3,4\n5, 6\n");  // no header; a blank line skipped
  DataPathCheck c = check_csv_file((dir / "plain.csv").string());
  CHECK(c.ok);
  CHECK(c.line == "3 rows \u00d7 2 columns, no header");
  write_text(dir / "word.csv", "a,b\n1,2\n3,abc\n");
  c = check_csv_file((dir / "word.csv").string());
  CHECK_FALSE(c.ok);
  CHECK(c.line == "word.csv:3:2: expected a number, got \"abc\"");
  write_text(dir / "ragged.csv", "1,2,3\n4,5\n");
  c = check_csv_file((dir / "ragged.csv").string());
  CHECK_FALSE(c.ok);
  CHECK(c.line == "ragged.csv:2: expected 3 cells, got 2");
  write_text(dir / "header-only.csv", "a,b\n");
  c = check_csv_file((dir / "header-only.csv").string());
  CHECK_FALSE(c.ok);
  CHECK(c.line == "header-only.csv: a header but no data rows");
  write_png(dir / "image.png");  // a PNG's bytes are no text
  c = check_csv_file((dir / "image.png").string());
  CHECK_FALSE(c.ok);
  CHECK(c.line == "not a text file: " + (dir / "image.png").string());
  c = check_csv_file(dir.string());
  CHECK_FALSE(c.ok);
  CHECK(c.line == "a folder, not a CSV file: " + dir.string());
  c = check_csv_file((dir / "missing.csv").string());
  CHECK(c.line == "no such file: " + (dir / "missing.csv").string());
  // Rows past the byte cap are not counted, and the line says so.
  c = check_csv_file((dir / "plain.csv").string(), nullptr, 4);
  CHECK(c.ok);
  CHECK_THAT(c.line, Catch::StartsWith("at least 1 row \u00d7 2 columns"));
}
