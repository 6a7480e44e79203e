#pragma once
// Seeded index orders that are identical on every machine and every LibTorch version: a SplitMix64
// stream drives a Fisher-Yates shuffle. Used for epoch orders (BatchOrder), train/test splits and
// subsampling, so that none of them depends on torch's global generator or on the training seed.
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace vaelab {

// SplitMix64 (Steele, Lea, Flood 2014): a 64-bit counter passed through a fixed bijective mix.
// Every seed gives a full-quality stream; the same seed gives the same stream everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform integer in [0, bound) (bound > 0), by the multiply-high reduction; the bias is below
  // bound / 2^64 and irrelevant for data set sizes.
  uint64_t below(uint64_t bound);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform();

 private:
  uint64_t state_;
};

// Combines two seeds (e.g. a run seed and an epoch) into one, so that nearby pairs give unrelated streams.
uint64_t mix_seeds(uint64_t a, uint64_t b);

// A permutation of 0..n-1 determined by `seed` alone.
std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed);
// The same permutation as an int64 tensor [n].
torch::Tensor seeded_permutation_tensor(int64_t n, uint64_t seed);

// A fixed train/test partition of 0..n-1: round(n * test_fraction) indices go to test. Both index
// lists are sorted ascending, so the two views keep the source order.
struct TrainTestIndices {
  torch::Tensor train;  // int64
  torch::Tensor test;   // int64
};
// Throws vaelab::Error unless 0 <= test_fraction < 1.
TrainTestIndices split_train_test(int64_t n, double test_fraction, uint64_t seed);

}  // namespace vaelab
