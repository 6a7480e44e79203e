#include "data/seeded_permutation.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.h"

namespace vaelab {

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t bound) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
}

double SplitMix64::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

uint64_t mix_seeds(uint64_t a, uint64_t b) {
  SplitMix64 first(a);
  SplitMix64 second(first.next() ^ b);
  return second.next();
}

std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed) {
  std::vector<int64_t> order(static_cast<size_t>(std::max<int64_t>(n, 0)));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  SplitMix64 rng(seed);
  for (size_t i = order.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(rng.below(i));
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

torch::Tensor seeded_permutation_tensor(int64_t n, uint64_t seed) {
  auto order = seeded_permutation(n, seed);
  return torch::from_blob(order.data(), {static_cast<int64_t>(order.size())}, torch::kInt64).clone();
}

TrainTestIndices split_train_test(int64_t n, double test_fraction, uint64_t seed) {
  if (!(test_fraction >= 0.0 && test_fraction < 1.0))
    throw Error(fmt::format("test_fraction: expected a number in [0, 1), got {}", test_fraction));
  auto order = seeded_permutation(n, seed);
  const auto n_test = static_cast<int64_t>(std::llround(static_cast<double>(n) * test_fraction));
  std::vector<int64_t> test(order.begin(), order.begin() + n_test);
  std::vector<int64_t> train(order.begin() + n_test, order.end());
  std::sort(test.begin(), test.end());
  std::sort(train.begin(), train.end());
  auto to_tensor = [](std::vector<int64_t>& v) {
    return torch::from_blob(v.data(), {static_cast<int64_t>(v.size())}, torch::kInt64).clone();
  };
  return {to_tensor(train), to_tensor(test)};
}

}  // namespace vaelab
