// The recent-runs list the Open dialog shows (app/gui/recent_runs.h, in vaelab_gui_logic).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "recent_runs.h"
#include "test_support.h"

using namespace vaelab::gui;

TEST_CASE("Recent runs keep the newest first without duplicates and survive a restart", "[fast][gui-open]") {
  const auto dir = vaelab::test::scratch_dir("recent_runs");
  const std::string file = (dir / "config" / "recent-runs.json").string();  // its folder does not exist yet
  RecentRuns recent(file, 3);
  recent.load();
  CHECK(recent.paths().empty());
  CHECK(recent.load_error().empty());  // a missing file is no error
  std::string error;
  for (const char* p : {"/runs/a", "/runs/b", "/runs/c", "/runs/a/", "/runs/d"}) REQUIRE(recent.add(p, error));
  // a moved to the front (its trailing slash dropped), then d; b fell off at capacity 3.
  const std::vector<std::string> want = {"/runs/d", "/runs/a", "/runs/c"};
  CHECK(recent.paths() == want);

  RecentRuns again(file, 3);
  again.load();
  CHECK(again.load_error().empty());
  CHECK(again.paths() == want);
  CHECK(nlohmann::json::parse(vaelab::test::read_text(file))["recent"].size() == 3);
}

TEST_CASE("A corrupt recent-runs file is ignored and rewritten", "[fast][gui-open]") {
  const auto dir = vaelab::test::scratch_dir("recent_runs_corrupt");
  const std::string file = (dir / "recent-runs.json").string();
  for (const char* bad : {"{\"recent\": [\"/a\", ", "[1, 2]", "{\"recent\": [3]}"}) {
    std::ofstream(file) << bad;
    RecentRuns recent(file);
    recent.load();
    CHECK(recent.paths().empty());
    CHECK_THAT(recent.load_error(), Catch::StartsWith("ignored " + file + ": "));
    std::string error;
    REQUIRE(recent.add("/runs/x", error));
    const auto j = nlohmann::json::parse(vaelab::test::read_text(file));
    CHECK(j["recent"] == nlohmann::json::array({"/runs/x"}));
  }
}

TEST_CASE("A relative recent path is stored absolute", "[fast][gui-open]") {
  RecentRuns recent;  // memory only
  std::string error;
  REQUIRE(recent.add("some-run", error));
  CHECK(recent.paths().front() == (std::filesystem::current_path() / "some-run").string());
}
