// Preset descriptions stay one short line (what `vaelab-cli presets` prints); the longer story of each
// preset, its choices and measurements, lives in docs/presets.md, one section per preset.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_support.h"
#include "train/preset.h"

using namespace vaelab;
using vaelab::test::read_text;

namespace {
constexpr size_t kMaxDescription = 110;  // fits one terminal line after the name and a tab
}  // namespace

TEST_CASE("Every preset's description is one short line", "[fast]") {
  const auto names = preset_names();
  REQUIRE(names.size() >= 20);
  for (const auto& name : names) {
    const std::string description = read_preset_json(name).value("description", std::string());
    INFO(name << ": \"" << description << "\"");
    CHECK(!description.empty());
    CHECK(description.size() <= kMaxDescription);
    CHECK(description.find('\n') == std::string::npos);
  }
}

TEST_CASE("Every preset has a section in docs/presets.md", "[fast]") {
  const std::string docs = read_text(std::filesystem::path(VAELAB_SOURCE_DIR) / "docs" / "presets.md");
  REQUIRE(!docs.empty());
  for (const auto& name : preset_names()) {
    INFO(name);
    CHECK(docs.find("\n## " + name + "\n") != std::string::npos);
  }
}
