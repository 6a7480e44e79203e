// The engine's folders form layers that point down only: a file may include its own folder and any
// folder of a lower layer, never a peer of its own layer or anything above. The order is written here
// once; the README's architecture section draws the same picture.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Lowest first. Folders on one line are peers: neither may include the other.
const std::vector<std::vector<std::string>> kLayers = {
    {"core"},                      // errors, devices, threads, the Task type, json_fields
    {"data", "plot"},              // one loader per dataset id, the Dataset type | figures, PNG writer
    {"nn", "optim", "metrics"},    // building blocks | fused Adam | pure scores
    {"stats"},                     // k-means, GMM EM, PCA, t-SNE, consensus partition
    {"models"},                    // one file per variant behind one Model interface
    {"analysis"},                  // evaluation, indicators, codes, grids, traversals, residual maps
    {"train"},                     // preset, trainer thread, checkpoints, snapshots, run folder
    {"session"},                   // the facade both front ends use
    {"compare"},                   // comparison table, its columns and entries
    {"reproduce"},                 // papers' claims: runs, verdicts, the report
};

struct SourceFile {
  std::string path;  // relative to engine/, e.g. "models/vae.cpp"
  std::string text;
};

struct Violation {
  std::string path;
  int line = 0;
  std::string include;
  std::string why;
};

int layer_of(const std::string& folder) {
  for (size_t i = 0; i < kLayers.size(); ++i) {
    if (std::find(kLayers[i].begin(), kLayers[i].end(), folder) != kLayers[i].end()) return static_cast<int>(i);
  }
  return -1;
}

std::string first_component(const std::string& path) {
  const auto slash = path.find('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// Every quoted include that points to a peer, a higher layer or a folder that is not a layer.
std::vector<Violation> upward_includes(const std::vector<SourceFile>& files) {
  static const std::regex include_line(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<Violation> found;
  for (const auto& file : files) {
    const std::string own = first_component(file.path);
    if (own.empty()) continue;  // engine_pch.h and other files at the root include only libraries
    const int own_layer = layer_of(own);
    std::istringstream lines(file.text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      std::smatch m;
      if (!std::regex_search(line, m, include_line)) continue;
      const std::string target = first_component(m[1].str());
      if (target == own) continue;
      const int target_layer = layer_of(target);
      std::string why;
      if (own_layer < 0) {
        why = "folder " + own + " is not in the layer list";
      } else if (target_layer < 0) {
        why = "\"" + target + "\" is not an engine layer";
      } else if (target_layer > own_layer) {
        why = target + " is above " + own;
      } else if (target_layer == own_layer) {
        why = target + " is a peer of " + own;
      }
      if (!why.empty()) found.push_back({file.path, number, m[1].str(), why});
    }
  }
  return found;
}

std::string describe(const std::vector<Violation>& violations) {
  std::string out;
  for (const auto& v : violations) {
    out += "engine/" + v.path + ":" + std::to_string(v.line) + ": #include \"" + v.include + "\" (" + v.why + ")\n";
  }
  return out;
}

std::vector<SourceFile> engine_sources() {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(VAELAB_SOURCE_DIR) / "engine";
  std::vector<SourceFile> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    files.push_back({fs::relative(entry.path(), root).generic_string(), text.str()});
  }
  return files;
}

}  // namespace

TEST_CASE("Engine includes point down the layers only", "[fast][layering]") {
  const auto files = engine_sources();
  REQUIRE(files.size() > 100);  // the walk found the tree
  for (const auto& f : files) {
    INFO(f.path);
    const auto own = first_component(f.path);
    if (!own.empty()) CHECK(layer_of(own) >= 0);  // every folder has a place in the order
  }
  const auto violations = upward_includes(files);
  INFO(describe(violations));
  CHECK(violations.empty());
}

TEST_CASE("The layering check names the file and line of an upward include", "[fast][layering]") {
  const std::vector<SourceFile> planted = {
      {"models/vae.cpp", "#include \"models/vae.h\"\n#include \"core/error.h\"\n\n#include \"analysis/evaluation.h\"\n"},
      {"data/dataset.h", "#pragma once\n  #  include \"data/shapes.h\"\n#include <torch/torch.h>\n"},
      {"nn/backbone.cpp", "#include \"optim/fused_adam.h\"\n"},
      {"core/task.cpp", "#include \"app/gui/view.h\"\n"},
  };
  const auto found = upward_includes(planted);
  INFO(describe(found));
  REQUIRE(found.size() == 3);
  CHECK(found[0].path == "models/vae.cpp");
  CHECK(found[0].line == 4);
  CHECK(found[0].include == "analysis/evaluation.h");
  CHECK(found[0].why == "analysis is above models");
  CHECK(found[1].path == "nn/backbone.cpp");
  CHECK(found[1].why == "optim is a peer of nn");
  CHECK(found[2].path == "core/task.cpp");
  CHECK(found[2].why == "\"app\" is not an engine layer");
  CHECK(describe({found[0]}) == "engine/models/vae.cpp:4: #include \"analysis/evaluation.h\" (analysis is above models)\n");
}

TEST_CASE("A real engine file with an upward include planted in it fails the check", "[fast][layering]") {
  auto files = engine_sources();
  auto vade = std::find_if(files.begin(), files.end(), [](const SourceFile& f) { return f.path == "models/vade.cpp"; });
  REQUIRE(vade != files.end());
  REQUIRE(upward_includes({*vade}).empty());
  vade->text += "#include \"session/session.h\"\n";
  const auto found = upward_includes({*vade});
  REQUIRE(found.size() == 1);
  CHECK(found[0].why == "session is above models");
}
