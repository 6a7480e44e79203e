// Catch2 runner for the whole suite. Tags: [fast] pure computation, [data] reads the system datasets,
// [cuda] needs a GPU (exits 77 = skipped without one), [gui] opens a window under Xvfb.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <torch/torch.h>

int main(int argc, char* argv[]) {
  torch::set_num_threads(2);
  return Catch::Session().run(argc, argv);
}
