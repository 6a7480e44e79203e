// Latent traversals: the code layout worked by hand, decoding through a model whose decoder is known,
// and the choice/order of dimensions from the indicators.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "analysis/indicators.h"
#include "analysis/traversal.h"
#include "core/error.h"

using namespace vaelab;

namespace {

// Decoder: pixel h of a 1 x 1 x H image = sigmoid(z_h). Encoder: mu = first H inputs, logvar = 0.
class PixelPerDimModel : public Model {
 public:
  explicit PixelPerDimModel(int64_t h) : h_(h) {}
  std::string variant() const override { return "test-pixel-per-dim"; }
  int64_t latent_dim() const override { return h_; }
  Posterior encode(const Batch& b) override {
    auto mu = b.x.flatten(1).slice(1, 0, h_);
    return {mu, torch::zeros_like(mu)};
  }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override {
    return torch::sigmoid(z).view({z.size(0), 1, 1, h_});
  }
  LossTerms loss(const Batch&, const StepInfo&) override { return {}; }
  torch::Tensor log_likelihood(const Batch& b, const torch::Tensor&) override { return torch::zeros({b.x.size(0)}); }

 private:
  int64_t h_;
};

}  // namespace

TEST_CASE("traversal codes sweep one dimension per block around each seed", "[fast][analysis]") {
  auto seeds = torch::tensor({0.f, 0.f, 0.f, 1.f, 2.f, 3.f}).view({2, 3});
  TraversalOptions o;
  o.radius = 3;
  o.steps = 3;
  auto codes = traversal_codes(seeds, {2, 0}, o);
  // Rows: seed 0 dim 2 (-3, 0, 3), seed 0 dim 0, seed 1 dim 2, seed 1 dim 0.
  auto expected = torch::tensor({0.f, 0.f, -3.f, 0.f, 0.f, 0.f, 0.f, 0.f, 3.f,   //
                                 -3.f, 0.f, 0.f, 0.f, 0.f, 0.f, 3.f, 0.f, 0.f,   //
                                 1.f, 2.f, 0.f, 1.f, 2.f, 3.f, 1.f, 2.f, 6.f,    //
                                 -2.f, 2.f, 3.f, 1.f, 2.f, 3.f, 4.f, 2.f, 3.f})
                      .view({12, 3});
  CHECK(torch::equal(codes, expected));
  CHECK(traversal_offsets({2.0, 5}) == std::vector<double>{-2.0, -1.0, 0.0, 1.0, 2.0});
  CHECK_THROWS_WITH(traversal_codes(seeds, {3}, o), Catch::Contains("latent dimension 3 is out of range"));
  CHECK_THROWS_WITH(traversal_offsets({3.0, 1}), Catch::Contains("steps must be at least 2"));
}

TEST_CASE("decoded traversals change only the swept dimension's pixel", "[fast][analysis]") {
  PixelPerDimModel model(4);
  auto seeds = torch::zeros({1, 4});
  TraversalOptions o;
  o.steps = 5;
  auto images = decode_traversals(model, seeds, {1, 3}, o);
  REQUIRE(images.count == 10);
  REQUIRE(images.width == 4);
  REQUIRE(images.pixels.size() == 40u);
  for (int block = 0; block < 2; ++block) {
    const int dim = block == 0 ? 1 : 3;
    for (int t = 0; t < 5; ++t) {
      const uint8_t* px = images.pixels.data() + (block * 5 + t) * 4;
      for (int d = 0; d < 4; ++d) {
        // 8-bit of sigmoid(offset) for the swept pixel, sigmoid(0) = 0.5 for the rest.
        const double value = d == dim ? 1.0 / (1.0 + std::exp(-(-3.0 + 1.5 * t))) : 0.5;
        CHECK(std::abs(static_cast<double>(px[d]) - 255.0 * value) <= 1.0);
      }
    }
  }
}

TEST_CASE("traversal dimensions follow per-factor information and skip uninformative ones", "[fast][analysis]") {
  torch::manual_seed(41);
  const int64_t m = 2000;
  // Dim 0: means spread with std 1 and posterior std 0.5 (I~ = 0.5 log(1 + 1/0.25) ~ 0.80);
  // dim 1: means std 3, posterior std 0.1 (I~ ~ 3.4); dim 2: the prior itself (I~ = 0);
  // dim 3: means std 0.5, posterior std 1 (I~ ~ 0.11).
  auto mu = torch::randn({m, 4}) * torch::tensor({1.0f, 3.0f, 0.0f, 0.5f});
  auto logvar = torch::tensor({0.25f, 0.01f, 1.0f, 1.0f}).log().expand({m, 4}).contiguous();
  auto ind = compute_indicators(mu, logvar);
  LatentGroup all{"z", 0, 4};
  CHECK(traversal_dims(ind, all, false) == std::vector<int64_t>{1, 0, 3, 2});
  CHECK(traversal_dims(ind, all, true) == std::vector<int64_t>{1, 0});
  CHECK(traversal_dims(ind, all, false, 0.5, 3) == std::vector<int64_t>{1, 0, 3});
  // A latent group (Ladder VAE layer) restricts the candidates to its range.
  CHECK(traversal_dims(ind, LatentGroup{"z2", 2, 2}, false) == std::vector<int64_t>{3, 2});
}
