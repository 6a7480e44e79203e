#pragma once
// Where tensors live and how many CPU threads torch may use. Every GPU path has a CPU path: "auto"
// falls back to the CPU silently, an explicit "cuda" without a GPU is an error.
#include <torch/types.h>

#include <string>

namespace vaelab {

// "auto" -> CUDA when torch::cuda::is_available(), else CPU; "cpu"; "cuda" (throws vaelab::Error when
// no GPU is usable). Anything else throws vaelab::Error listing the accepted values.
torch::Device resolve_device(const std::string& choice);

// torch::set_num_threads(n); n <= 0 means std::thread::hardware_concurrency() (at least 1).
void set_threads(int n);

}  // namespace vaelab
