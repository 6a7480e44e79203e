// ResNetV2 trunks: exact shapes for the sizes the presets use (28, 64, 256, and a non-square odd one).
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "nn/resnet_v2.h"

using namespace vaelab;

namespace {

Architecture resnet(std::vector<int64_t> channels, int64_t blocks) {
  Architecture a;
  a.type = "resnet";
  a.channels = std::move(channels);
  a.blocks = blocks;
  a.hidden = {};
  return a;
}

DataShape image(int64_t c, int64_t h, int64_t w) {
  DataShape s;
  s.channels = c;
  s.height = h;
  s.width = w;
  return s;
}

std::vector<int64_t> sizes(const torch::Tensor& t) { return {t.sizes().begin(), t.sizes().end()}; }

}  // namespace

TEST_CASE("ResNet blocks keep, halve and double the spatial size", "[fast][resnet]") {
  torch::manual_seed(1);
  auto x = torch::randn({2, 4, 7, 7});
  CHECK(sizes(ResNetIdentityBlock(4)->forward(x)) == std::vector<int64_t>{2, 4, 7, 7});
  CHECK(sizes(ResNetDownBlock(4, 8)->forward(x)) == std::vector<int64_t>{2, 8, 4, 4});
  CHECK(sizes(ResNetUpBlock(4, 2, 0)->forward(x)) == std::vector<int64_t>{2, 2, 13, 13});
  CHECK(sizes(ResNetUpBlock(4, 2, 1)->forward(x)) == std::vector<int64_t>{2, 2, 14, 14});
}

TEST_CASE("ResNet stage sizes halve with rounding up", "[fast][resnet]") {
  CHECK(resnet_stage_sizes(28, 3) == std::vector<int64_t>{28, 14, 7, 4});
  CHECK(resnet_stage_sizes(256, 6) == std::vector<int64_t>{256, 128, 64, 32, 16, 8, 4});
}

TEST_CASE("ResNet encoder and decoder round-trip 28x28 grey images exactly", "[fast][resnet]") {
  torch::manual_seed(2);
  auto arch = resnet({4, 8, 8}, 1);
  auto shape = image(1, 28, 28);
  auto enc = make_resnet_encoder(arch, shape, 6);
  auto dec = make_resnet_decoder(arch, 3, shape);
  CHECK(sizes(enc->forward(torch::rand({3, 1, 28, 28}))) == std::vector<int64_t>{3, 6});
  CHECK(sizes(dec->forward(torch::randn({3, 3}))) == std::vector<int64_t>{3, 1, 28, 28});
}

TEST_CASE("ResNet encoder and decoder round-trip 64x64 RGB images exactly, with dense layers", "[fast][resnet]") {
  torch::manual_seed(3);
  auto arch = resnet({4, 8, 8, 8}, 2);
  arch.hidden = {16};
  auto shape = image(3, 64, 64);
  auto enc = make_resnet_encoder(arch, shape, 10);
  auto dec = make_resnet_decoder(arch, 5, shape);
  CHECK(sizes(enc->forward(torch::rand({2, 3, 64, 64}))) == std::vector<int64_t>{2, 10});
  CHECK(sizes(dec->forward(torch::randn({2, 5}))) == std::vector<int64_t>{2, 3, 64, 64});
}

TEST_CASE("ResNet decoder matches 256x256 with the paper's six stages and odd non-square sizes", "[fast][resnet]") {
  torch::manual_seed(4);
  auto paper = resnet({2, 2, 2, 2, 2, 2}, 1);
  auto big = image(3, 256, 256);
  CHECK(sizes(make_resnet_encoder(paper, big, 4)->forward(torch::rand({2, 3, 256, 256}))) ==
        std::vector<int64_t>{2, 4});
  CHECK(sizes(make_resnet_decoder(paper, 4, big)->forward(torch::randn({2, 4}))) ==
        std::vector<int64_t>{2, 3, 256, 256});
  // 28 -> 14 -> 7 -> 4 but 21 -> 11 -> 6 -> 3: the two sides need different output paddings.
  auto odd = image(1, 28, 21);
  auto arch = resnet({2, 4, 4}, 0);
  CHECK(sizes(make_resnet_encoder(arch, odd, 3)->forward(torch::rand({2, 1, 28, 21}))) ==
        std::vector<int64_t>{2, 3});
  CHECK(sizes(make_resnet_decoder(arch, 3, odd)->forward(torch::randn({2, 3}))) ==
        std::vector<int64_t>{2, 1, 28, 21});
}

TEST_CASE("ResNet trunks reject vector data and empty stage lists with a message", "[fast][resnet]") {
  DataShape vec;
  vec.features = 2;
  CHECK_THROWS_WITH(make_resnet_encoder(resnet({4}, 1), vec, 2), Catch::Contains("needs image data"));
  CHECK_THROWS_WITH(make_resnet_decoder(resnet({}, 1), 2, image(1, 28, 28)), Catch::Contains("architecture.channels"));
}
