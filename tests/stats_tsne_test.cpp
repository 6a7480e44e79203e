// t-SNE: perplexity calibration, the gradient against autograd and against Barnes-Hut, and an embedding
// of well-separated blobs that keeps them apart.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "stats/tsne.h"
#include "stats/tsne_affinities.h"
#include "core/error.h"
#include "core/task.h"

using namespace vaelab;

namespace {

// Fraction of points whose k nearest embedded neighbours mostly share their label.
double knn_label_agreement(const torch::Tensor& y, const torch::Tensor& labels, int64_t k) {
  auto d = torch::cdist(y, y);
  d.fill_diagonal_(std::numeric_limits<float>::infinity());
  auto nn = std::get<1>(d.topk(k, 1, /*largest=*/false));
  auto same = labels.index_select(0, nn.flatten()).view({-1, k}).eq(labels.unsqueeze(1)).to(torch::kFloat);
  return same.mean().item<double>();
}

std::vector<double> random_embedding(int64_t n, double scale) {
  auto t = (torch::randn({n * 2}, torch::kDouble) * scale).contiguous();
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + n * 2);
}

}  // namespace

TEST_CASE("t-SNE calibrates every affinity row to the requested perplexity", "[fast][analysis]") {
  torch::manual_seed(31);
  auto x = torch::randn({300, 5});
  // Some rows far from the rest stress the bisection (very different sigma_i).
  x.slice(0, 0, 10) *= 20.0;
  for (double perplexity : {5.0, 30.0}) {
    torch::Tensor index, d2;
    nearest_neighbours(x, static_cast<int64_t>(3 * perplexity), index, d2);
    auto p = conditional_affinities(index, d2, perplexity);
    for (int64_t i = 0; i < p.rows; ++i) {
      double sum = 0, entropy = 0;
      for (int64_t e = p.row_ptr[i]; e < p.row_ptr[i + 1]; ++e) {
        sum += p.value[e];
        if (p.value[e] > 0) entropy -= p.value[e] * std::log(p.value[e]);
      }
      INFO("row " << i << " perplexity " << perplexity);
      REQUIRE(sum == Approx(1.0).epsilon(1e-9));
      REQUIRE(entropy == Approx(std::log(perplexity)).margin(1e-4));
    }
  }
}

TEST_CASE("t-SNE neighbour search matches a brute-force sort", "[fast][analysis]") {
  torch::manual_seed(32);
  auto x = torch::randn({200, 3});
  torch::Tensor index, d2;
  nearest_neighbours(x, 7, index, d2);
  auto d = torch::cdist(x.to(torch::kDouble), x.to(torch::kDouble)).pow(2);
  d.fill_diagonal_(1e30);
  auto expected = std::get<0>(d.sort(1)).slice(1, 0, 7);
  CHECK(torch::allclose(d2, expected, 1e-4, 1e-4));
}

TEST_CASE("t-SNE joint affinities are symmetric and sum to one", "[fast][analysis]") {
  torch::manual_seed(33);
  auto p = tsne_affinities(torch::randn({120, 4}), 10.0);
  auto dense = torch::zeros({120, 120}, torch::kDouble);
  for (int64_t i = 0; i < p.rows; ++i)
    for (int64_t e = p.row_ptr[i]; e < p.row_ptr[i + 1]; ++e) dense[i][p.col[e]] = p.value[e];
  CHECK(dense.sum().item<double>() == Approx(1.0).epsilon(1e-9));
  CHECK((dense - dense.t()).abs().max().item<double>() < 1e-15);
  CHECK(dense.diagonal().abs().sum().item<double>() == 0.0);
}

TEST_CASE("t-SNE exact gradient equals the autograd gradient of KL(P||Q)", "[fast][analysis]") {
  torch::manual_seed(34);
  const int64_t n = 40;
  auto p = tsne_affinities(torch::randn({n, 6}), 8.0);
  auto y = random_embedding(n, 2.0);
  std::vector<double> grad;
  tsne_exact_gradient(p, y, 1.0, grad);

  // Independent computation: dense P, Q = w / sum w, KL by autograd.
  auto dense = torch::zeros({n, n}, torch::kDouble);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t e = p.row_ptr[i]; e < p.row_ptr[i + 1]; ++e) dense[i][p.col[e]] = p.value[e];
  auto yt = torch::tensor(y, torch::kDouble).view({n, 2}).requires_grad_(true);
  auto diff = yt.unsqueeze(1) - yt.unsqueeze(0);
  auto w = 1.0 / (1.0 + diff.pow(2).sum(2));
  auto mask = 1.0 - torch::eye(n, torch::kDouble);
  w = w * mask;
  auto q = w / w.sum();
  auto nz = dense > 0;
  auto kl = (dense.masked_select(nz) * (dense.masked_select(nz) / q.masked_select(nz)).log()).sum();
  kl.backward();
  auto expected = yt.grad().flatten();
  auto got = torch::tensor(grad, torch::kDouble);
  CHECK(torch::allclose(got, expected, 1e-8, 1e-10));
}

TEST_CASE("t-SNE Barnes-Hut gradient approaches the exact gradient as theta shrinks", "[fast][analysis]") {
  torch::manual_seed(35);
  const int64_t n = 500;
  auto p = tsne_affinities(torch::randn({n, 5}), 20.0);
  auto y = random_embedding(n, 10.0);
  std::vector<double> exact, approx;
  const double z_exact = tsne_exact_gradient(p, y, 1.0, exact);
  auto e = torch::tensor(exact, torch::kDouble);
  double previous = 1e9;
  for (double theta : {0.5, 0.2, 0.05}) {
    const double z_bh = tsne_barnes_hut_gradient(p, y, 1.0, theta, approx);
    const double rel = (torch::tensor(approx, torch::kDouble) - e).norm().item<double>() / e.norm().item<double>();
    INFO("theta " << theta << " relative error " << rel);
    CHECK(z_bh == Approx(z_exact).epsilon(theta >= 0.5 ? 0.02 : 0.005));
    CHECK(rel < (theta >= 0.5 ? 0.05 : 0.01));
    CHECK(rel <= previous + 1e-12);
    previous = rel;
  }
  // theta = 0 never summarises a cell: exact up to summation order.
  tsne_barnes_hut_gradient(p, y, 1.0, 0.0, approx);
  CHECK(torch::allclose(torch::tensor(approx, torch::kDouble), e, 1e-9, 1e-12));
}

TEST_CASE("t-SNE keeps three well separated Gaussian blobs apart", "[fast][analysis]") {
  torch::manual_seed(36);
  const int64_t per = 150, d = 10;
  auto means = torch::randn({3, d}) * 8.0;
  auto labels = torch::arange(3, torch::kLong).repeat_interleave(per);
  auto x = means.index_select(0, labels) + torch::randn({3 * per, d});
  TsneOptions o;
  o.perplexity = 30;
  o.iterations = 500;
  o.seed = 7;
  auto r = tsne(x, o);
  REQUIRE(r.embedding.sizes() == torch::IntArrayRef({3 * per, 2}));
  CHECK_FALSE(r.subsampled);
  CHECK(torch::isfinite(r.embedding).all().item<bool>());
  const double agreement = knn_label_agreement(r.embedding, labels, 10);
  INFO("kNN label agreement " << agreement << ", KL " << r.kl_divergence);
  CHECK(agreement > 0.95);
  // The clusters are far apart relative to their size: between-centre distance > 3x within-spread.
  std::vector<torch::Tensor> c;
  double spread = 0;
  for (int64_t k = 0; k < 3; ++k) {
    auto pts = r.embedding.slice(0, k * per, (k + 1) * per);
    c.push_back(pts.mean(0));
    spread = std::max(spread, (pts - c.back()).norm(2, 1).mean().item<double>());
  }
  for (int a = 0; a < 3; ++a)
    for (int b = a + 1; b < 3; ++b) CHECK((c[a] - c[b]).norm().item<double>() > 3 * spread);
}

TEST_CASE("t-SNE is deterministic for a seed and subsamples large inputs", "[fast][analysis]") {
  torch::manual_seed(37);
  auto x = torch::randn({300, 4});
  TsneOptions o;
  o.perplexity = 10;
  o.iterations = 60;
  o.max_points = 120;
  o.seed = 3;
  auto a = tsne(x, o);
  auto b = tsne(x, o);
  CHECK(a.subsampled);
  CHECK(a.index.size(0) == 120);
  CHECK(a.embedding.size(0) == 120);
  CHECK(torch::equal(a.index, b.index));
  CHECK(torch::equal(a.embedding, b.embedding));
}

TEST_CASE("t-SNE stops when its progress callback asks to cancel", "[fast][analysis]") {
  torch::manual_seed(38);
  TsneOptions o;
  o.iterations = 1000;
  int64_t last = -1;
  CHECK_THROWS_AS(tsne(torch::randn({100, 3}), o,
                       [&](int64_t it, int64_t, const std::string&) {
                         last = it;
                         return it < 5;
                       }),
                  TaskCancelled);
  CHECK(last == 5);
  CHECK_THROWS_WITH(tsne(torch::randn({3, 3})), Catch::Contains("at least 4 points"));
}
