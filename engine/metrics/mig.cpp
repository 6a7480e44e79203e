#include "metrics/mig.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "metrics/nmi.h"

namespace vaelab {

namespace {

double entropy_of(const torch::Tensor& ids) {
  const auto counts = torch::bincount(ids).to(torch::kDouble);
  const double n = static_cast<double>(ids.numel());
  const auto p = counts.masked_select(counts > 0) / n;
  return -(p * p.log()).sum().item<double>();
}

}  // namespace

torch::Tensor discretize_columns(const torch::Tensor& x_in, int64_t bins) {
  if (bins < 1) throw Error(fmt::format("MIG: bins must be >= 1, got {}", bins));
  const auto x = x_in.detach().to(torch::kCPU, torch::kDouble);
  const auto lo = std::get<0>(x.min(0, true));
  const auto hi = std::get<0>(x.max(0, true));
  const auto width = (hi - lo).clamp_min(1e-300);
  // Bin b covers [lo + b w / bins, lo + (b+1) w / bins); the maximum goes into the last bin (as numpy's
  // histogram, whose last bin is closed).
  auto ids = ((x - lo) / width * static_cast<double>(bins)).floor().to(torch::kLong);
  return ids.clamp(0, bins - 1);
}

MigResult mutual_information_gap(const torch::Tensor& codes_in, const torch::Tensor& factors_in, int64_t bins) {
  if (!codes_in.defined() || codes_in.dim() != 2 || !factors_in.defined() || factors_in.dim() != 2)
    throw Error("MIG: codes and factors must be 2-D tensors {N, H} and {N, F}");
  const int64_t n = codes_in.size(0), h = codes_in.size(1), f = factors_in.size(1);
  if (factors_in.size(0) != n)
    throw Error(fmt::format("MIG: {} codes but {} factor rows", n, factors_in.size(0)));
  if (n < 2 || h < 2 || f < 1)
    throw Error(fmt::format("MIG: needs N > 1 samples, H >= 2 code dims and F >= 1 factors (got {}, {}, {})", n, h, f));
  if (!torch::isfinite(codes_in).all().item<bool>()) throw Error("MIG: codes contain non-finite values");

  const auto code_ids = discretize_columns(codes_in, bins);
  const auto factors = factors_in.detach().to(torch::kCPU, torch::kDouble);
  MigResult r;
  r.mutual_information = torch::zeros({h, f}, torch::kDouble);
  auto mi = r.mutual_information.accessor<double, 2>();
  std::vector<double> total;
  for (int64_t k = 0; k < f; ++k) {
    const auto factor_ids = std::get<1>(torch::_unique(factors.select(1, k), /*sorted=*/true, /*return_inverse=*/true));
    const double hk = entropy_of(factor_ids);
    r.factor_entropy.push_back(hk);
    std::vector<double> column(h);
    for (int64_t j = 0; j < h; ++j) {
      column[j] = mutual_information(code_ids.select(1, j), factor_ids);
      mi[j][k] = column[j];
    }
    std::vector<int64_t> order(h);
    for (int64_t j = 0; j < h; ++j) order[j] = j;
    std::partial_sort(order.begin(), order.begin() + 2, order.end(),
                      [&](int64_t a, int64_t b) { return column[a] > column[b]; });
    r.best_dim.push_back(order[0]);
    if (hk <= 1e-12) {
      r.per_factor.push_back(0.0);
      continue;
    }
    const double gap = (column[order[0]] - column[order[1]]) / hk;
    r.per_factor.push_back(gap);
    total.push_back(gap);
  }
  if (total.empty()) throw Error("MIG: every factor is constant; nothing to measure");
  double sum = 0;
  for (double g : total) sum += g;
  r.mig = sum / static_cast<double>(total.size());
  return r;
}

}  // namespace vaelab
