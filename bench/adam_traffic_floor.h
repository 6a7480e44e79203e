#pragma once
// The floor under any exact float32 Adam step on the CPU: one pass over n floats that reads four arrays
// and writes three (read param, grad, exp_avg, exp_avg_sq; write param, exp_avg, exp_avg_sq) with no
// arithmetic to speak of, on torch's intra-op threads. Seconds per pass, timed for at least min_seconds
// after 20 warm-up passes. Shared by the benchmarks that set a step against what its kernels allow.
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdint>

namespace vaelab_bench {

inline double adam_traffic_seconds(int64_t n, double min_seconds = 0.5) {
  auto p = torch::rand({n}), g = torch::rand({n}), m = torch::rand({n}), v = torch::rand({n});
  float *pp = p.data_ptr<float>(), *gp = g.data_ptr<float>(), *mp = m.data_ptr<float>(), *vp = v.data_ptr<float>();
  const auto pass = [&] {
    at::parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
      float* __restrict P = pp;
      const float* __restrict G = gp;
      float* __restrict M = mp;
      float* __restrict V = vp;
      for (int64_t i = begin; i < end; ++i) {
        const float gi = G[i];
        M[i] += gi;
        V[i] += gi;
        P[i] += gi;
      }
    });
  };
  for (int i = 0; i < 20; ++i) pass();
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  int reps = 0;
  double elapsed = 0;
  while (elapsed < min_seconds || reps < 50) {
    pass();
    ++reps;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return elapsed / reps;
}

}  // namespace vaelab_bench
