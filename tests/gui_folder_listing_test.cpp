// The Open dialog's folder listing (app/gui/folder_listing.h, in vaelab_gui_logic: no window needed).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

#include "folder_listing.h"
#include "test_support.h"

using namespace vaelab::gui;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p) { std::ofstream(p) << "x"; }

}  // namespace

TEST_CASE("The folder listing puts folders first and marks run folders", "[fast][gui-open]") {
  const auto dir = vaelab::test::scratch_dir("folder_listing");
  touch(dir / "b-notes.txt");
  touch(dir / "A-model.pt");
  fs::create_directories(dir / "zeta-run");
  touch(dir / "zeta-run" / "checkpoint.pt");
  fs::create_directories(dir / "Alpha");
  fs::create_directories(dir / "beta-empty");
  fs::create_directories(dir / ".hidden");
  touch(dir / ".hidden-file");

  const FolderListing l = list_folder(dir.string() + "/");
  CHECK(l.error.empty());
  CHECK(l.folder == dir.string());
  REQUIRE(l.entries.size() == 5);
  // Folders by name ignoring case, then files.
  CHECK(l.entries[0].name == "Alpha");
  CHECK(l.entries[1].name == "beta-empty");
  CHECK(l.entries[2].name == "zeta-run");
  CHECK(l.entries[3].name == "A-model.pt");
  CHECK(l.entries[4].name == "b-notes.txt");
  CHECK(l.entries[0].is_folder);
  CHECK(l.entries[2].is_folder);
  CHECK_FALSE(l.entries[3].is_folder);
  // Only the folder holding checkpoint.pt is a run.
  CHECK(l.entries[2].is_run);
  CHECK_FALSE(l.entries[0].is_run);
  CHECK_FALSE(l.entries[1].is_run);
  CHECK_FALSE(l.entries[3].is_run);
  CHECK(l.entries[2].path == (dir / "zeta-run").string());
}

TEST_CASE("A missing folder lists nothing and says why", "[fast][gui-open]") {
  const auto dir = vaelab::test::scratch_dir("folder_listing_missing");
  const FolderListing l = list_folder((dir / "nothing-here").string());
  CHECK(l.entries.empty());
  CHECK_THAT(l.error, Catch::StartsWith("cannot read \"" + (dir / "nothing-here").string() + "\""));
}

TEST_CASE("The parent folder of a folder is one level up and the root stays the root", "[fast][gui-open]") {
  CHECK(parent_folder("/usr/share/") == "/usr");
  CHECK(parent_folder("/usr/share") == "/usr");
  CHECK(parent_folder("/usr") == "/");
  CHECK(parent_folder("/") == "/");
}
