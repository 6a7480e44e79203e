// GUI latency benchmark: runs `vaelab --bench` (next to this executable) with fashion-vae training, under
// the current DISPLAY or under xvfb-run when there is none, and prints its figures:
//   UI frame time p99 (CPU time of a frame, excluding the buffer swap; goal <= 8 ms) and
//   slider drag -> decoded image latency p95 (from the value change to the decoded image in place on the
//   UI thread; goal <= 16 ms).
//   With --bench-views all (or a,b,...): then each view in turn, SECONDS each, while training goes on, and
//   its UI frame time p50 / p99 / max.
// Usage: bench_gui_latency [SECONDS] [extra vaelab args, e.g. --bench-views all]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  const std::string gui = (self.parent_path() / "vaelab").string();
  if (!std::filesystem::exists(gui)) {
    std::fprintf(stderr, "bench_gui_latency: %s not found (build the vaelab target)\n", gui.c_str());
    return 2;
  }
  std::string seconds = argc > 1 ? argv[1] : "20";
  std::string extra;
  for (int i = 2; i < argc; ++i) extra += std::string(" ") + argv[i];
  const char* display = std::getenv("DISPLAY");
  std::string cmd = (display && *display) ? "" : "xvfb-run -a -s '-screen 0 1600x1000x24' ";
  cmd += gui + " --preset fashion-vae --bench --bench-seconds " + seconds + " --size 1600x1000" + extra;
  std::printf("running: %s\n", cmd.c_str());
  std::fflush(stdout);
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
