#include "metrics/factor_vae_score.h"

#include <fmt/format.h>

#include <random>

#include "core/error.h"

namespace vaelab {

namespace {

// Rows of each value of each varying factor: groups[k][v] = row indices with factor k at value id v.
struct FactorGroups {
  std::vector<int64_t> factor;                          // ids of the varying factors
  std::vector<std::vector<std::vector<int64_t>>> rows;  // per varying factor, per value
};

FactorGroups group_rows(const torch::Tensor& factors) {
  FactorGroups g;
  for (int64_t k = 0; k < factors.size(1); ++k) {
    const auto ids = std::get<1>(torch::_unique(factors.select(1, k), true, true)).contiguous();
    const int64_t values = ids.max().item<int64_t>() + 1;
    if (values < 2) continue;
    std::vector<std::vector<int64_t>> rows(values);
    auto a = ids.accessor<int64_t, 1>();
    for (int64_t i = 0; i < a.size(0); ++i) rows[a[i]].push_back(i);
    g.factor.push_back(k);
    g.rows.push_back(std::move(rows));
  }
  return g;
}

}  // namespace

FactorVaeScore factor_vae_score(const torch::Tensor& codes_in, const torch::Tensor& factors_in,
                                const FactorVaeScoreOptions& options) {
  if (!codes_in.defined() || codes_in.dim() != 2 || !factors_in.defined() || factors_in.dim() != 2)
    throw Error("FactorVAE score: codes and factors must be 2-D tensors {N, H} and {N, F}");
  const int64_t n = codes_in.size(0), h = codes_in.size(1), f = factors_in.size(1);
  if (factors_in.size(0) != n)
    throw Error(fmt::format("FactorVAE score: {} codes but {} factor rows", n, factors_in.size(0)));
  if (n < 2 || h < 1) throw Error("FactorVAE score: needs at least 2 samples and 1 code dimension");
  if (options.batch_size < 2 || options.train_votes < 1 || options.eval_votes < 1)
    throw Error("FactorVAE score: batch_size must be >= 2 and the vote counts >= 1");
  const auto codes = codes_in.detach().to(torch::kCPU, torch::kDouble).contiguous();
  if (!torch::isfinite(codes).all().item<bool>()) throw Error("FactorVAE score: codes contain non-finite values");
  const auto factors = factors_in.detach().to(torch::kCPU, torch::kDouble);
  const FactorGroups groups = group_rows(factors);
  if (groups.factor.empty()) throw Error("FactorVAE score: every factor is constant");

  const auto global_var = codes.var(0, /*unbiased=*/false);  // {H}
  const auto active = global_var >= options.prune_variance;
  FactorVaeScore result;
  result.active_dims = active.sum().item<int64_t>();
  result.votes = torch::zeros({h, f}, torch::kLong);
  result.factor_of_dim.assign(h, -1);
  if (result.active_dims == 0) return result;  // every dimension collapsed: nothing can vote, score 0
  const auto scale = global_var.clamp_min(1e-300);
  // Inactive dimensions get +inf so that argmin never picks them.
  const auto mask = torch::where(active, torch::zeros_like(scale), torch::full_like(scale, INFINITY));

  std::mt19937_64 rng(options.seed);
  auto one_vote = [&](int64_t& dim, int64_t& factor) {
    const size_t g = std::uniform_int_distribution<size_t>(0, groups.factor.size() - 1)(rng);
    const auto& values = groups.rows[g];
    // Choose among the values that occur (ids come from torch::unique, so every value has rows).
    const auto& rows = values[std::uniform_int_distribution<size_t>(0, values.size() - 1)(rng)];
    std::vector<int64_t> pick(options.batch_size);
    std::uniform_int_distribution<size_t> row(0, rows.size() - 1);
    for (auto& p : pick) p = rows[row(rng)];  // with replacement: small groups still vote
    const auto batch = codes.index_select(0, torch::tensor(pick, torch::kLong));
    const auto local_var = batch.var(0, false) / scale + mask;
    dim = local_var.argmin().item<int64_t>();
    factor = groups.factor[g];
  };

  auto votes = result.votes.accessor<int64_t, 2>();
  for (int64_t t = 0; t < options.train_votes; ++t) {
    int64_t d = 0, k = 0;
    one_vote(d, k);
    ++votes[d][k];
  }
  int64_t train_correct = 0;
  for (int64_t d = 0; d < h; ++d) {
    int64_t best = -1, best_count = 0;
    for (int64_t k = 0; k < f; ++k)
      if (votes[d][k] > best_count) {
        best_count = votes[d][k];
        best = k;
      }
    result.factor_of_dim[d] = best;
    train_correct += best_count;
  }
  result.train_accuracy = static_cast<double>(train_correct) / static_cast<double>(options.train_votes);
  int64_t correct = 0;
  for (int64_t t = 0; t < options.eval_votes; ++t) {
    int64_t d = 0, k = 0;
    one_vote(d, k);
    if (result.factor_of_dim[d] == k) ++correct;
  }
  result.score = static_cast<double>(correct) / static_cast<double>(options.eval_votes);
  return result;
}

}  // namespace vaelab
