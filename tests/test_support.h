#pragma once
// Shared fixtures for the tests: scratch folders, running the CLI and the app, GPU skipping.
#include <sys/wait.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vaelab::test {

// A fresh, empty folder under the build tree for one test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::path(VAELAB_TEST_TMP) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The whole of a file ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `s` in single quotes for the shell.
inline std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct CliResult {
  int status = -1;  // exit status (128 + signal when killed)
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs vaelab-cli with `args` (already shell-quoted where needed) from `dir`, capturing both streams
// (through dir/cli.out and dir/cli.err).
inline CliResult run_cli(const std::filesystem::path& dir, const std::string& args) {
  const auto out = dir / "cli.out", err = dir / "cli.err";
  const std::string cmd = "cd " + quoted(dir.string()) + " && " + quoted(VAELAB_CLI_PATH) + " " + args + " >" +
                          quoted(out.string()) + " 2>" + quoted(err.string());
  const int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

struct GuiRun {
  int rc = -1;         // exit status; -1 when the app did not exit normally
  std::string output;  // stdout and stderr together
};

// The app's arguments for a small fashion-vae run that the GUI tests open before their scripted input:
// `subsample` Fashion-MNIST train images (a sixth of them become the test split), an MLP 784-64-latent,
// batch 32, one torch thread, seed `seed`.
inline std::string small_fashion_run(int subsample = 1000, int latent = 4, int seed = 1) {
  return "--threads 1 --preset fashion-vae --set dataset.subsample=" + std::to_string(subsample) +
         " --set architecture.hidden=[64] --set batch_size=32 --set latent=" + std::to_string(latent) +
         " --set seed=" + std::to_string(seed);
}

// Runs the app with `args` (the automation flags: --screenshot, --train-steps, ...).
inline GuiRun run_gui(const std::string& args) {
  const std::string cmd = std::string(VAELAB_GUI_PATH) + " " + args + " 2>&1";
  GuiRun s;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return s;
  char buf[1024];
  while (fgets(buf, sizeof buf, p)) s.output += buf;
  const int status = pclose(p);
  s.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return s;
}

}  // namespace vaelab::test

// CTest treats exit code 77 as "skipped" for tests labelled cuda.
#define VAELAB_REQUIRE_CUDA()                    \
  do {                                           \
    if (!torch::cuda::is_available()) std::exit(77); \
  } while (0)
