#pragma once
// Shared fixtures for the tests: scratch folders, GPU skipping.
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace vaelab::test {

// A fresh, empty folder under the build tree for one test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::path(VAELAB_TEST_TMP) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace vaelab::test

// CTest treats exit code 77 as "skipped" for tests labelled cuda.
#define VAELAB_REQUIRE_CUDA()                    \
  do {                                           \
    if (!torch::cuda::is_available()) std::exit(77); \
  } while (0)
