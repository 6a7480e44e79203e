#pragma once
// Seeded uniform and standard-normal draws for the generated data sets, independent of torch's global
// generator (so a data set depends on its own "seed" only) and identical on every machine up to the
// last bit of libm's log/cos.
#include <cstdint>

#include "data/seeded_permutation.h"

namespace vaelab {

class NormalSampler {
 public:
  explicit NormalSampler(uint64_t seed) : bits_(seed) {}
  double uniform() { return bits_.uniform(); }  // [0, 1)
  // N(0, 1) by the Box-Muller transform; the second value of each pair is kept for the next call.
  double normal();
  SplitMix64& bits() { return bits_; }

 private:
  SplitMix64 bits_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace vaelab
