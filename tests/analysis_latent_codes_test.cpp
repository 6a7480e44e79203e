// Encoding an evaluation set: rows, labels, batching and cancellation, through a model whose encoder
// is known (mu = the input itself).
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "analysis/latent_codes.h"
#include "core/error.h"
#include "core/task.h"

using namespace vaelab;

namespace {

class IdentityEncoder : public Model {
 public:
  std::string variant() const override { return "test-identity-encoder"; }
  int64_t latent_dim() const override { return 3; }
  Posterior encode(const Batch& b) override { return {b.x.clone(), torch::full_like(b.x, -1.0f)}; }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override { return z; }
  LossTerms loss(const Batch&, const StepInfo&) override { return {}; }
  torch::Tensor log_likelihood(const Batch& b, const torch::Tensor&) override { return torch::zeros({b.x.size(0)}); }
};

Dataset vector_set(int64_t n) {
  Dataset d;
  d.name = "test/vectors";
  d.shape.features = 3;
  d.storage = torch::arange(n * 3, torch::kFloat).view({n, 3});
  d.labels = torch::arange(n, torch::kLong) % 4;
  d.class_names = {"a", "b", "c", "d"};
  return d;
}

}  // namespace

TEST_CASE("latent codes of an evaluation set come back in row order with their labels", "[fast][analysis]") {
  IdentityEncoder model;
  auto data = vector_set(50);
  LatentCodeOptions o;
  o.limit = 23;
  o.batch_size = 5;
  int64_t calls = 0, last_done = 0;
  auto codes = encode_dataset(model, data, o, [&](int64_t done, int64_t total) {
    ++calls;
    last_done = done;
    CHECK(total == 23);
    return true;
  });
  CHECK(codes.size() == 23);
  CHECK(calls == 5);  // ceil(23 / 5) batches
  CHECK(last_done == 23);
  CHECK(torch::equal(codes.mu, data.storage.slice(0, 0, 23)));
  CHECK(torch::allclose(codes.logvar, torch::full({23, 3}, -1.0f)));
  CHECK(torch::equal(codes.labels, data.labels.slice(0, 0, 23)));
  CHECK(torch::equal(codes.index, torch::arange(23, torch::kLong)));

  LatentCodeOptions rows;
  rows.rows = torch::tensor({7, 3, 49}, torch::kLong);
  auto picked = encode_dataset(model, data, rows);
  CHECK(torch::equal(picked.mu, data.storage.index_select(0, rows.rows)));
  CHECK(torch::equal(picked.labels, torch::tensor({3, 3, 1}, torch::kLong)));
}

TEST_CASE("latent code encoding stops when cancelled and rejects bad rows", "[fast][analysis]") {
  IdentityEncoder model;
  auto data = vector_set(40);
  LatentCodeOptions o;
  o.batch_size = 4;
  int64_t calls = 0;
  CHECK_THROWS_AS(encode_dataset(model, data, o, [&](int64_t, int64_t) { return ++calls < 2; }), TaskCancelled);
  CHECK(calls == 2);
  LatentCodeOptions bad;
  bad.rows = torch::tensor({0, 40}, torch::kLong);
  CHECK_THROWS_WITH(encode_dataset(model, data, bad), Catch::Contains("row indices must be in [0, 40)"));
  CHECK_THROWS_WITH(encode_dataset(model, Dataset{}), Catch::Contains("is empty"));
}
