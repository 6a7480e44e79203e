// IDX parsing, gzip reading and the Fashion-MNIST loader on small synthetic files.
#include <catch2/catch.hpp>
#include <torch/torch.h>
#include <zlib.h>

#include <fstream>

#include "core/error.h"
#include "data/fashion_mnist.h"
#include "data/gzip_file.h"
#include "data/idx_file.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> idx_bytes(uint32_t magic, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out;
  auto put = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
  };
  put(magic);
  for (auto d : dims) put(d);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

void write_gzip(const fs::path& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.string().c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  gzclose(f);
}

void write_raw(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::vector<uint8_t> read_raw(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A Fashion-MNIST-format folder with n 4x3 images, pixel (i, r, c) = i + r * 3 + c, labels i % 10.
fs::path synthetic_fashion(const std::string& name, int train_n, int test_n) {
  auto dir = test::scratch_dir(name);
  for (auto [prefix, n] : {std::pair<std::string, int>{"train", train_n}, {"t10k", test_n}}) {
    std::vector<uint8_t> pixels, labels;
    for (int i = 0; i < n; ++i) {
      for (int p = 0; p < 12; ++p) pixels.push_back(static_cast<uint8_t>(i + p));
      labels.push_back(static_cast<uint8_t>(i % 10));
    }
    write_gzip(dir / (prefix + "-images-idx3-ubyte.gz"),
               idx_bytes(0x803, {static_cast<uint32_t>(n), 4, 3}, pixels));
    write_gzip(dir / (prefix + "-labels-idx1-ubyte.gz"), idx_bytes(0x801, {static_cast<uint32_t>(n)}, labels));
  }
  return dir;
}

}  // namespace

TEST_CASE("parse_idx_ubyte reads the sizes and bytes of a well-formed array", "[fast][data-loaders]") {
  auto bytes = idx_bytes(0x803, {2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  auto t = parse_idx_ubyte(bytes.data(), bytes.size(), "x", 3);
  REQUIRE(t.sizes() == torch::IntArrayRef({2, 2, 3}));
  CHECK(t[1][0][2].item<int>() == 9);
}

TEST_CASE("parse_idx_ubyte names the offset and both magics on a wrong magic", "[fast][data-loaders]") {
  auto bytes = idx_bytes(0x1f8b0800, {1}, {0});
  REQUIRE_THROWS_WITH(parse_idx_ubyte(bytes.data(), bytes.size(), "train-images-idx3-ubyte.gz", 3),
                      "train-images-idx3-ubyte.gz: offset 0: expected IDX magic 0x00000803, got 0x1f8b0800");
  auto labels_as_images = idx_bytes(0x801, {3}, {1, 2, 3});
  REQUIRE_THROWS_WITH(parse_idx_ubyte(labels_as_images.data(), labels_as_images.size(), "f", 3),
                      Catch::Contains("expected IDX magic 0x00000803, got 0x00000801"));
}

TEST_CASE("parse_idx_ubyte rejects short headers and wrong data sizes", "[fast][data-loaders]") {
  std::vector<uint8_t> two = {0, 0};
  REQUIRE_THROWS_WITH(parse_idx_ubyte(two.data(), two.size(), "f", 1), Catch::Contains("only 2 bytes"));
  auto header_cut = idx_bytes(0x803, {2, 2}, {});
  REQUIRE_THROWS_WITH(parse_idx_ubyte(header_cut.data(), header_cut.size(), "f", 3),
                      Catch::Contains("ends inside the IDX header"));
  auto short_data = idx_bytes(0x803, {2, 2, 3}, {1, 2, 3});
  REQUIRE_THROWS_WITH(parse_idx_ubyte(short_data.data(), short_data.size(), "f", 3),
                      Catch::Contains("sizes 2x2x3 need 12 data bytes, the (decompressed) file has 3"));
  auto huge = idx_bytes(0x803, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {1});
  REQUIRE_THROWS_WITH(parse_idx_ubyte(huge.data(), huge.size(), "f", 3), Catch::Contains("need over 2^64 data bytes"));
}

TEST_CASE("read_gzip_file reports missing, truncated and corrupt files by name", "[fast][data-loaders]") {
  auto dir = test::scratch_dir("data_gzip");
  std::vector<uint8_t> payload(200000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>((i * 7919) % 251);
  write_gzip(dir / "good.gz", payload);
  CHECK(read_gzip_file(dir / "good.gz") == payload);

  REQUIRE_THROWS_WITH(read_gzip_file(dir / "missing.gz"), Catch::Contains("missing.gz: file not found"));

  auto whole = read_raw(dir / "good.gz");
  write_raw(dir / "truncated.gz", std::vector<uint8_t>(whole.begin(), whole.begin() + whole.size() / 2));
  REQUIRE_THROWS_WITH(read_gzip_file(dir / "truncated.gz"),
                      Catch::Contains("truncated.gz: corrupt or truncated gzip data"));

  auto corrupt = whole;
  for (size_t i = 20; i < 60; ++i) corrupt[i] ^= 0x5A;
  write_raw(dir / "corrupt.gz", corrupt);
  REQUIRE_THROWS_WITH(read_gzip_file(dir / "corrupt.gz"), Catch::Contains("corrupt.gz: corrupt or truncated"));

  auto bad_crc = whole;
  bad_crc[bad_crc.size() - 6] ^= 0xFF;  // inside the CRC-32 trailer
  write_raw(dir / "bad_crc.gz", bad_crc);
  REQUIRE_THROWS_WITH(read_gzip_file(dir / "bad_crc.gz"), Catch::Contains("bad_crc.gz: corrupt or truncated"));
}

TEST_CASE("Fashion-MNIST loader reads synthetic IDX files into images, labels and class names",
          "[fast][data-loaders]") {
  auto dir = synthetic_fashion("data_fashion_good", 12, 5);
  auto split = load_fashion_mnist({{"name", "fashion-mnist"}, {"root", dir.string()}});
  REQUIRE(split.train.size() == 12);
  REQUIRE(split.test.size() == 5);
  CHECK(split.train.shape == DataShape{1, 4, 3, 0});
  CHECK(split.train.storage[7][0][1][2].item<int>() == 7 + 5);
  CHECK(split.train.labels[11].item<int64_t>() == 1);
  CHECK(split.test.class_names.at(9) == "Ankle boot");
  CHECK(split.train.name == "fashion-mnist/train");
  CHECK(split.descriptor["root"] == dir.string());
}

TEST_CASE("Fashion-MNIST loader gives clear errors for bad files", "[fast][data-loaders]") {
  SECTION("label count differs from image count") {
    auto dir = synthetic_fashion("data_fashion_count", 12, 5);
    write_gzip(dir / "t10k-labels-idx1-ubyte.gz", idx_bytes(0x801, {4}, {1, 2, 3, 4}));
    REQUIRE_THROWS_WITH(load_fashion_mnist({{"root", dir.string()}}),
                        "t10k-labels-idx1-ubyte.gz: 4 labels, but t10k-images-idx3-ubyte.gz has 5 images");
  }
  SECTION("a label outside 0..9") {
    auto dir = synthetic_fashion("data_fashion_label", 3, 2);
    write_gzip(dir / "train-labels-idx1-ubyte.gz", idx_bytes(0x801, {3}, {1, 12, 3}));
    REQUIRE_THROWS_WITH(load_fashion_mnist({{"root", dir.string()}}),
                        "train-labels-idx1-ubyte.gz: offset 9: label 12 outside 0..9");
  }
  SECTION("images and labels swapped") {
    auto dir = synthetic_fashion("data_fashion_swap", 3, 2);
    fs::rename(dir / "train-labels-idx1-ubyte.gz", dir / "tmp");
    fs::rename(dir / "train-images-idx3-ubyte.gz", dir / "train-labels-idx1-ubyte.gz");
    fs::rename(dir / "tmp", dir / "train-images-idx3-ubyte.gz");
    REQUIRE_THROWS_WITH(load_fashion_mnist({{"root", dir.string()}}),
                        Catch::Contains("offset 0: expected IDX magic"));
  }
  SECTION("a truncated image file") {
    auto dir = synthetic_fashion("data_fashion_trunc", 300, 2);
    auto whole = read_raw(dir / "train-images-idx3-ubyte.gz");
    write_raw(dir / "train-images-idx3-ubyte.gz", std::vector<uint8_t>(whole.begin(), whole.end() - 10));
    REQUIRE_THROWS_WITH(load_fashion_mnist({{"root", dir.string()}}),
                        Catch::Contains("train-images-idx3-ubyte.gz: corrupt or truncated gzip"));
  }
  SECTION("a missing file and a missing folder") {
    auto dir = synthetic_fashion("data_fashion_missing", 3, 2);
    fs::remove(dir / "t10k-images-idx3-ubyte.gz");
    REQUIRE_THROWS_WITH(load_fashion_mnist({{"root", dir.string()}}),
                        Catch::Contains("t10k-images-idx3-ubyte.gz: file not found"));
    REQUIRE_THROWS_WITH(load_fashion_mnist({{"root", (dir / "nope").string()}}), Catch::Contains("not found"));
  }
}
