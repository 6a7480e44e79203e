#pragma once
// Fixtures made at test time with Debian's python3-torch (/usr/bin/python3): TorchScript models and the
// values PyTorch computes on them. Tests tagged [pytorch] skip (exit 77, as the cuda ones) with a message
// where it is missing; setup installs it as an optional package.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string>

#include <catch2/catch.hpp>

#include "test_support.h"

namespace vaelab::test {

inline const char* kPython = "/usr/bin/python3";

inline bool python_has_torch() {
  static const bool has = [] {
    const std::string cmd = std::string(kPython) + " -c 'import torch' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }();
  return has;
}

// Runs `/usr/bin/python3 ARGS` (shell-quoted by the caller) from `dir`; stdout and stderr captured.
inline CliResult run_python(const std::filesystem::path& dir, const std::string& args) {
  const auto out = dir / "python.out", err = dir / "python.err";
  const std::string cmd = "cd " + quoted(dir.string()) + " && " + kPython + " " + args + " >" + quoted(out.string()) +
                          " 2>" + quoted(err.string());
  const int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

// A repository file's absolute path (tools/, bench/).
inline std::string source_file(const std::string& relative) {
  return (std::filesystem::path(VAELAB_SOURCE_DIR) / relative).string();
}

// The PyTorch twin check (tools/load_vaelab.py): trains `preset` with `sets` (extra --set flags) on a
// 256-image subsample for one epoch, exports it, and requires the twin's negative ELBO and every loss term
// `eval` reports on the first 40 Fashion-MNIST test images (same seed, so the same eps) to equal ours to
// 1e-5 relative (absolute below 1e-3). Call from a Catch2 test after VAELAB_REQUIRE_PYTORCH().
inline void require_twin_agrees(const std::string& name, const std::string& preset, const std::string& sets) {
  namespace fs = std::filesystem;
  const fs::path dir = scratch_dir(name);
  const CliResult trained = run_cli(
      dir, "train --preset " + preset + " --set dataset.subsample=256 " + sets + " --epochs 1 --threads 1 --out run");
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  const CliResult exported = run_cli(dir, "export --run run --out run.pt");
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  CHECK(exported.out.find("wrote run.pt") != std::string::npos);

  const CliResult twin = run_python(dir, quoted(source_file("tools/load_vaelab.py")) + " run.pt --check 40 --seed 9");
  INFO(twin.err);
  REQUIRE(twin.status == 0);
  const auto theirs = nlohmann::json::parse(twin.out);
  const CliResult eval = run_cli(
      dir, "eval --run run --dataset fashion-mnist --limit 40 --batch-size 40 --seed 9 --dequantize off --threads 1");
  INFO(eval.err);
  REQUIRE(eval.status == 0);
  const auto ours = nlohmann::json::parse(eval.out);

  // The difference relative to max(|theirs|, 1e-3): bounded by 1e-5, and printed per term, one line.
  auto relative = [](double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-3); };
  auto agree = [&](double a, double b) { return relative(a, b) <= 1e-5; };
  INFO("ours " << ours.at("nelbo") << " " << ours.at("terms").dump() << "\ntheirs " << twin.out);
  const double nelbo_ours = ours.at("nelbo").get<double>(), nelbo_theirs = theirs.at("nelbo").get<double>();
  CHECK(agree(nelbo_ours, nelbo_theirs));
  std::ostringstream line;
  line << "twin " << name << ": relative difference nelbo " << relative(nelbo_ours, nelbo_theirs);
  REQUIRE(ours.at("terms").size() >= 2);
  for (const auto& [term, value] : ours.at("terms").items()) {
    INFO("term " << term);
    REQUIRE(theirs.at("terms").contains(term));
    const double mine = value.get<double>(), twins = theirs.at("terms").at(term).get<double>();
    CHECK(agree(mine, twins));
    line << ", " << term << " " << relative(mine, twins);
  }
  std::cout << line.str() << std::endl;
}

}  // namespace vaelab::test

#define VAELAB_REQUIRE_PYTORCH()                                                                       \
  do {                                                                                                 \
    if (!vaelab::test::python_has_torch()) {                                                           \
      std::cerr << "skipped: /usr/bin/python3 cannot import torch (install python3-torch)" << std::endl; \
      std::exit(77);                                                                                   \
    }                                                                                                  \
  } while (0)
