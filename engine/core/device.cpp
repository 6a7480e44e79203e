#include "core/device.h"

#include <thread>

#include "core/error.h"

namespace vaelab {

torch::Device resolve_device(const std::string& choice) {
  if (choice == "auto" || choice.empty())
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  if (choice == "cpu") return torch::Device(torch::kCPU);
  if (choice == "cuda") {
    if (!torch::cuda::is_available())
      throw Error("device \"cuda\" requested but no CUDA GPU is usable in this build/machine; use \"cpu\" or \"auto\"");
    return torch::Device(torch::kCUDA);
  }
  throw Error("device \"" + choice + "\": expected one of auto, cpu, cuda");
}

void set_threads(int n) {
  if (n <= 0) n = static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(n < 1 ? 1 : n);
}

}  // namespace vaelab
