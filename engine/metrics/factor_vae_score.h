#pragma once
// FactorVAE disentanglement score (Kim & Mnih 2018, "Disentangling by Factorising", §4), computed from
// codes of a dataset whose generative factors are known (shapes):
//   1. s_j = std of code dimension j over the whole dataset; dimensions with s_j^2 < prune_variance are
//      "collapsed" and never vote (as disentanglement_lib does).
//   2. One vote: pick a factor k and one of its values v uniformly, draw `batch_size` samples with
//      v_k = v, compute the variance of each normalised dimension z_j / s_j over that batch, and vote
//      (argmin_j variance, k).
//   3. The classifier is the majority vote: dimension j predicts the factor it voted for most often in
//      the training votes. The score is its accuracy on `eval_votes` fresh votes.
// A perfectly disentangled code scores 1; a code that ignores the factors scores about 1 / F.
//
// Contracts
// - codes {N, H}, factors {N, F} (any device; computed on the CPU). Factors with a single value are
//   skipped (fixing them fixes nothing). Needs N > 1, H >= 1 and a varying factor, else vaelab::Error.
// - Deterministic for a given seed (own std::mt19937_64; torch's generator is not touched).
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace vaelab {

struct FactorVaeScoreOptions {
  int64_t batch_size = 64;     // samples per vote (L in the paper)
  int64_t train_votes = 1000;  // votes that fit the majority-vote classifier
  int64_t eval_votes = 500;    // held-out votes scored
  double prune_variance = 0.05;
  uint64_t seed = 0;
};

struct FactorVaeScore {
  double score = 0.0;            // held-out accuracy in [0, 1]
  double train_accuracy = 0.0;
  int64_t active_dims = 0;       // dimensions that were not pruned
  torch::Tensor votes;           // int64 {H, F}: training votes per (dimension, factor)
  std::vector<int64_t> factor_of_dim;  // classifier: dimension -> factor (-1 when it got no vote)
};

FactorVaeScore factor_vae_score(const torch::Tensor& codes, const torch::Tensor& factors,
                                const FactorVaeScoreOptions& options = {});

}  // namespace vaelab
