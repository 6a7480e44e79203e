// The clusters view's pipeline in the engine: encode, project on two principal components, (VaDE) q(c|x),
// checked through a model whose encoder is known (mu = the input itself) on seeded Gaussian blobs.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/cluster_projection.h"
#include "core/task.h"

using namespace vaelab;

namespace {

class IdentityEncoder : public Model {
 public:
  explicit IdentityEncoder(int64_t dim) : dim_(dim) {}
  std::string variant() const override { return "test-identity-encoder"; }
  int64_t latent_dim() const override { return dim_; }
  Posterior encode(const Batch& b) override { return {b.x.clone(), torch::zeros_like(b.x)}; }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override { return z; }
  LossTerms loss(const Batch&, const StepInfo&) override { return {}; }
  torch::Tensor log_likelihood(const Batch& b, const torch::Tensor&) override { return torch::zeros({b.x.size(0)}); }

 private:
  int64_t dim_;
};

// `per_blob` points around each of three centres 10 apart in 6-D, unit noise, labelled by blob.
Dataset three_blobs(int64_t per_blob, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t d = 6;
  auto centres = torch::zeros({3, d});
  centres[1][0] = 10.0f;
  centres[2][1] = 10.0f;
  auto labels = torch::arange(3, torch::kLong).repeat_interleave(per_blob);
  Dataset data;
  data.name = "test/blobs";
  data.shape.features = d;
  data.storage = centres.index_select(0, labels) + torch::randn({3 * per_blob, d});
  data.labels = labels;
  data.class_names = {"a", "b", "c"};
  return data;
}

}  // namespace

TEST_CASE("The PCA coordinates of three Gaussian blobs keep the blobs apart", "[fast][analysis]") {
  const auto data = three_blobs(60, 7);
  IdentityEncoder model(6);
  std::vector<float> fractions;
  std::vector<std::string> statuses;
  const auto out = project_clusters(model, data, 1000, [&](float fraction, const std::string& status) {
    fractions.push_back(fraction);
    statuses.push_back(status);
    return true;
  });
  REQUIRE(out.codes.size() == 180);
  REQUIRE(out.pca.projection.sizes() == torch::IntArrayRef({180, 2}));
  CHECK_FALSE(out.vade_cluster.defined());
  CHECK(out.vade_clusters == 0);
  CHECK(torch::equal(out.codes.labels, data.labels));

  // Blob centres in the plane are far apart compared with each blob's own spread.
  const auto& xy = out.pca.projection;
  std::vector<torch::Tensor> centres;
  double spread = 0;
  for (int64_t k = 0; k < 3; ++k) {
    const auto points = xy.index_select(0, torch::nonzero(data.labels == k).squeeze(1));
    centres.push_back(points.mean(0));
    spread = std::max(spread, (points - points.mean(0)).norm(2, 1).max().item<double>());
  }
  for (int a = 0; a < 3; ++a)
    for (int b = a + 1; b < 3; ++b) CHECK((centres[a] - centres[b]).norm().item<double>() > 2 * spread);

  // Progress rises to 1 and says what it is doing.
  REQUIRE(!fractions.empty());
  for (size_t i = 1; i < fractions.size(); ++i) CHECK(fractions[i] >= fractions[i - 1]);
  CHECK(fractions.back() == 1.0f);
  CHECK(statuses.front().rfind("encoding ", 0) == 0);
  CHECK(statuses.back() == "done");
}

TEST_CASE("Declining progress cancels the cluster projection with TaskCancelled", "[fast][analysis]") {
  const auto data = three_blobs(400, 3);
  IdentityEncoder model(6);
  int calls = 0;
  CHECK_THROWS_AS(project_clusters(model, data, 1200,
                                   [&](float, const std::string&) {
                                     ++calls;
                                     return false;
                                   }),
                  TaskCancelled);
  CHECK(calls == 1);
}
