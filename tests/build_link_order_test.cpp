// The link order of our executables (CMakeLists.txt: libstdc++.so.6 named first). LibTorch builds made
// with a devtoolset GCC export their own std::filesystem functions from libtorch.so; bound to those, a
// remove_all of a non-empty folder jumped to a null address (torch 2.11 wheels). Here the functions our
// code calls must come from libstdc++ (or this executable), and remove_all must empty a folder tree.
#include <catch2/catch.hpp>
#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.h"

namespace fs = std::filesystem;

namespace {

// The file name of the shared object (or executable) that holds the code at `address`.
std::string object_holding(const void* address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return "";
  return info.dli_fname;
}

}  // namespace

TEST_CASE("std::filesystem calls reach libstdc++, not the copies libtorch.so may export", "[fast][build]") {
  using RemoveAll = std::uintmax_t (*)(const fs::path&);
  using CreateDirectories = bool (*)(const fs::path&);
  const std::string remove_all_from = object_holding(reinterpret_cast<const void*>(
      static_cast<RemoveAll>(&fs::remove_all)));
  const std::string create_from = object_holding(reinterpret_cast<const void*>(
      static_cast<CreateDirectories>(&fs::create_directories)));
  INFO("remove_all from " << remove_all_from << ", create_directories from " << create_from);
  REQUIRE_FALSE(remove_all_from.empty());
  CHECK(remove_all_from.find("libtorch") == std::string::npos);
  CHECK(create_from.find("libtorch") == std::string::npos);

  const fs::path dir = vaelab::test::scratch_dir("build_link_order");
  fs::create_directories(dir / "a" / "b");
  std::ofstream(dir / "a" / "b" / "file.txt") << "x";
  std::ofstream(dir / "a" / "other.txt") << "y";
  CHECK(fs::remove_all(dir / "a") == 4);  // two folders, two files
  CHECK_FALSE(fs::exists(dir / "a"));
}
