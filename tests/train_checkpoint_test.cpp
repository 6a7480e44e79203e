// Checkpoints: round trip (weights, optimiser state, history, counters, random stream), corrupt and
// mismatched files, atomic writes, a full disk and a file size limit. Synthetic vector data and a tiny MLP VAE keep each test to seconds.
#include <catch2/catch.hpp>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>

#include "train/preset.h"
#include "core/error.h"
#include "models/registry.h"
#include "models/vae.h"
#include "file_write_faults.h"
#include "test_support.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const DatasetSplit> vector_split(int64_t n, int64_t d) {
  torch::manual_seed(21);
  auto make = [&](int64_t count) {
    Dataset ds;
    ds.name = "synthetic";
    ds.shape.features = d;
    ds.storage = torch::sigmoid(torch::randn({count, d}));
    return ds;
  };
  auto split = std::make_shared<DatasetSplit>();
  split->train = make(n);
  split->test = make(n / 4);
  split->descriptor = {{"name", "synthetic"}};
  return split;
}

Preset tiny_preset(const std::string& variant = "vae", int64_t latent = 2) {
  return Preset::from_json({{"name", "tiny"},
                            {"variant", variant},
                            {"dataset", {{"name", "synthetic"}}},
                            {"latent", latent},
                            {"architecture", {{"type", "mlp"}, {"hidden", {32, 32}}}},
                            {"likelihood", {{"type", "gaussian"}}},
                            {"batch_size", 32},
                            {"epochs", 20},
                            {"seed", 9},
                            {"device", "cpu"}});
}

std::vector<torch::Tensor> weights_of(const TrainerSnapshot& s) {
  std::vector<torch::Tensor> out;
  for (const auto& p : s.model->model->parameters()) out.push_back(p.detach().clone());
  for (const auto& b : s.model->model->buffers()) out.push_back(b.detach().clone());
  return out;
}

bool all_equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!torch::equal(a[i], b[i])) return false;
  return true;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A model whose save_extra throws half way through a save.
struct FailingExtraModel : Model {
  torch::Tensor w;
  FailingExtraModel() { w = register_parameter("w", torch::ones({3})); }
  std::string variant() const override { return "failing"; }
  int64_t latent_dim() const override { return 1; }
  Posterior encode(const Batch& b) override { return {b.x.mean(1, true), {}}; }
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor&) override { return z + w; }
  torch::Tensor log_likelihood(const Batch& b, const torch::Tensor&) override { return b.x.sum(1); }
  LossTerms loss(const Batch& b, const StepInfo&) override { return {(b.x - w).pow(2).mean(), {}}; }
  void save_extra(torch::serialize::OutputArchive&) override { throw Error("disk full (simulated)"); }
};

}  // namespace

TEST_CASE("A checkpoint round trip restores weights, optimiser state, history and the random stream",
          "[fast][train]") {
  auto dir = test::scratch_dir("checkpoint_round_trip");
  const auto path = (dir / "a.pt").string();
  auto data = vector_split(256, 6);

  Trainer a(tiny_preset(), data);
  a.step(11);  // crosses the first epoch end (8 steps per epoch)
  REQUIRE(a.wait_until_not_running(10000));
  a.save_checkpoint(path);
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".tmp"));

  Trainer b(tiny_preset(), data);
  b.load_checkpoint(path);
  auto sa = a.snapshot(), sb = b.snapshot();
  CHECK(sb->progress.step == 11);
  CHECK(sb->progress.epoch == 1);
  CHECK(sb->metrics->names == sa->metrics->names);
  CHECK(sb->metrics->per_step == sa->metrics->per_step);
  CHECK(sb->metrics->epoch_train == sa->metrics->epoch_train);
  CHECK(all_equal(weights_of(*sa), weights_of(*sb)));

  // Adam's moments and the random stream came back too: both continue identically.
  // (One after the other: trainers share the process's CPU generator, see trainer.h.)
  a.step(9);
  REQUIRE(a.wait_until_not_running(10000));
  b.step(9);
  REQUIRE(b.wait_until_not_running(10000));
  sa = a.snapshot();
  sb = b.snapshot();
  CHECK(sb->progress.step == 20);
  CHECK(sa->metrics->per_step == sb->metrics->per_step);
  CHECK(sa->metrics->epoch_test == sb->metrics->epoch_test);
  CHECK(sa->metrics->epoch_train == sb->metrics->epoch_train);
  CHECK(sa->metrics->epoch_train.front().size() == 2);
  CHECK(all_equal(weights_of(*sa), weights_of(*sb)));

  auto meta = read_checkpoint_meta(path);
  CHECK(meta.step == 11);
  CHECK(meta.epoch == 1);
  CHECK(meta.epoch_step == 3);
  CHECK(meta.spec.variant == "vae");
  CHECK(meta.spec.shape.features == 6);
  CHECK(meta.preset.at("seed") == 9);
}

TEST_CASE("Truncated or random files are rejected with a clear error", "[fast][train]") {
  auto dir = test::scratch_dir("checkpoint_corrupt");
  const auto good = dir / "good.pt";
  auto data = vector_split(128, 4);
  Trainer a(tiny_preset(), data);
  a.step(2);
  REQUIRE(a.wait_until_not_running(10000));
  a.save_checkpoint(good.string());
  const std::string bytes = read_bytes(good);
  REQUIRE(bytes.size() > 100);

  const auto truncated = dir / "truncated.pt";
  write_bytes(truncated, bytes.substr(0, bytes.size() / 2));
  const auto random = dir / "random.pt";
  std::mt19937 rng(3);
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng() & 0xff);
  write_bytes(random, noise);

  for (const auto& bad : {truncated, random}) {
    INFO(bad.string());
    CHECK_THROWS_AS(read_checkpoint_meta(bad.string()), Error);
    CHECK_THROWS_WITH(read_checkpoint_meta(bad.string()), Catch::Contains("corrupt or truncated"));
    Trainer b(tiny_preset(), data);
    CHECK_THROWS_WITH(b.load_checkpoint(bad.string()), Catch::Contains(bad.string()));
    CHECK(b.snapshot()->progress.step == 0);  // untouched
  }
  CHECK_THROWS_WITH(read_checkpoint_meta((dir / "missing.pt").string()), Catch::Contains("no such file"));
}

TEST_CASE("Loading a checkpoint of another latent size or variant names both", "[fast][train]") {
  auto dir = test::scratch_dir("checkpoint_mismatch");
  const auto path = (dir / "latent2.pt").string();
  auto data = vector_split(128, 4);
  Trainer a(tiny_preset("vae", 2), data);
  a.save_checkpoint(path);

  Trainer other_latent(tiny_preset("vae", 3), data);
  CHECK_THROWS_WITH(other_latent.load_checkpoint(path),
                    Catch::Contains("checkpoint is variant 'vae' latent 2 on 4, this model is 'vae' latent 3 on 4"));

  Trainer other_variant(tiny_preset("beta-vae", 2), data);
  CHECK_THROWS_WITH(other_variant.load_checkpoint(path),
                    Catch::Contains("checkpoint is variant 'vae' latent 2 on 4, this model is 'beta-vae' latent 2 on 4"));
}

// The same VAE after a change that gives its weights another meaning (Model::revision 2).
struct RevisedVae : Vae {
  using Vae::Vae;
  int64_t revision() const override { return 2; }
};

TEST_CASE("A checkpoint of another revision of the same variant is refused by name and changes nothing",
          "[fast][train]") {
  auto dir = test::scratch_dir("checkpoint_revision");
  const auto path = (dir / "revision1.pt").string();
  auto data = vector_split(128, 4);
  Trainer a(tiny_preset("vae", 2), data);
  a.save_checkpoint(path);
  CHECK(read_checkpoint_meta(path).model_revision == 1);

  const ModelSpec spec = a.spec();
  RevisedVae revised(spec, VaeOptions{});
  const auto before = revised.parameters()[0].detach().clone();
  CHECK_THROWS_WITH(load_checkpoint(path, revised, spec, nullptr),
                    Catch::Contains("holds revision 1 of variant 'vae', this build computes revision 2") &&
                        Catch::Contains("train it again"));
  CHECK(torch::equal(revised.parameters()[0], before));

  // Saved by revision 2, it loads into revision 2 and is refused by revision 1.
  const auto path2 = (dir / "revision2.pt").string();
  CheckpointMeta meta;
  meta.spec = spec;
  save_checkpoint(path2, revised, nullptr, meta);
  RevisedVae again(spec, VaeOptions{});
  CHECK(load_checkpoint(path2, again, spec, nullptr).model_revision == 2);
  CHECK(torch::equal(again.parameters()[0], revised.parameters()[0]));
  Vae plain(spec, VaeOptions{});
  CHECK_THROWS_WITH(load_checkpoint(path2, plain, spec, nullptr),
                    Catch::Contains("holds revision 2 of variant 'vae', this build computes revision 1"));
}

TEST_CASE("A checkpoint from before revisions were recorded counts as revision 1", "[fast][train]") {
  auto dir = test::scratch_dir("checkpoint_unrecorded_revision");
  const auto recorded = (dir / "recorded.pt").string();
  const auto path = (dir / "older.pt").string();
  auto data = vector_split(128, 4);
  Trainer a(tiny_preset("vae", 2), data);
  a.save_checkpoint(recorded);

  // Rewrite the file as an older build wrote it: the same archive, its metadata without "model_revision".
  {
    torch::jit::Module archive = torch::jit::load(recorded);
    auto meta = nlohmann::json::parse(archive.attr("vaelab_meta").toStringRef());
    REQUIRE(meta.erase("model_revision") == 1);
    archive.setattr("vaelab_meta", meta.dump());
    archive.save(path);
  }
  CHECK(read_checkpoint_meta(path).model_revision == 0);
  CHECK(read_checkpoint_meta(path).revision() == 1);

  const ModelSpec spec = a.spec();
  Vae reference(spec, VaeOptions{}), plain(spec, VaeOptions{});
  load_checkpoint(recorded, reference, spec, nullptr);
  CHECK(load_checkpoint(path, plain, spec, nullptr).revision() == 1);
  for (size_t i = 0; i < plain.parameters().size(); ++i)
    CHECK(torch::equal(plain.parameters()[i], reference.parameters()[i]));

  RevisedVae revised(spec, VaeOptions{});
  const auto before = revised.parameters()[0].detach().clone();
  CHECK_THROWS_WITH(load_checkpoint(path, revised, spec, nullptr),
                    Catch::Contains("holds revision 1 (not recorded: an older file) of variant 'vae', this build "
                                    "computes revision 2"));
  CHECK(torch::equal(revised.parameters()[0], before));
}

TEST_CASE("A save that throws leaves the previous file intact and no partial file", "[fast][train]") {
  auto dir = test::scratch_dir("checkpoint_atomic");
  const auto path = dir / "model.pt";
  write_bytes(path, "previous checkpoint");
  FailingExtraModel model;
  ModelSpec spec;
  spec.variant = "failing";
  CheckpointMeta meta;
  meta.spec = spec;
  CHECK_THROWS_WITH(save_checkpoint(path.string(), model, nullptr, meta), Catch::Contains("disk full"));
  CHECK(read_bytes(path) == "previous checkpoint");
  CHECK_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST_CASE("Non-finite weights are never saved", "[fast][train]") {
  auto dir = test::scratch_dir("checkpoint_nonfinite");
  const auto path = dir / "nan.pt";
  FailingExtraModel model;
  {
    torch::NoGradGuard g;
    model.w[1].fill_(std::numeric_limits<float>::quiet_NaN());
  }
  CheckpointMeta meta;
  CHECK_THROWS_WITH(save_checkpoint(path.string(), model, nullptr, meta), Catch::Contains("'w' has non-finite"));
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(path.string() + ".tmp"));
}

namespace {

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Saves a trainer at step 3 into `path`, then checks that a second save (at step 5) under `fault`
// fails with one error naming the checkpoint and `reason`, and that the step-3 checkpoint still loads.
template <typename Fault>
void check_failed_save_keeps_previous(const fs::path& path, Fault&& fault, const std::string& reason) {
  auto data = vector_split(128, 6);
  Trainer a(tiny_preset(), data);
  a.step(3);
  REQUIRE(a.wait_until_not_running(10000));
  a.save_checkpoint(path.string());
  a.step(2);
  REQUIRE(a.wait_until_not_running(10000));
  {
    auto active = fault(fs::file_size(path));
    CHECK_THROWS_WITH(a.save_checkpoint(path.string()),
                      Catch::Equals("cannot write checkpoint \"" + path.string() + "\": " + reason));
  }
  CHECK(files_in(path.parent_path()) == std::vector<std::string>{path.filename().string()});
  Trainer b(tiny_preset(), data);
  b.load_checkpoint(path.string());
  CHECK(b.snapshot()->progress.step == 3);
  CHECK(read_checkpoint_meta(path.string()).step == 3);
}

}  // namespace

TEST_CASE("A checkpoint save past the file size limit fails by name and the previous checkpoint still loads",
          "[fast][train]") {
  torch::manual_seed(4);
  auto dir = test::scratch_dir("checkpoint_fsize");
  check_failed_save_keeps_previous(
      dir / "checkpoint.pt",
      [](uintmax_t size) { return std::make_unique<test::FileSizeLimit>(size / 2); }, "File too large");
}

TEST_CASE("A checkpoint save on a full file system fails by name and the previous checkpoint still loads",
          "[fast][train]") {
  torch::manual_seed(5);
  // Room for one checkpoint and a half: the second one's temporary file cannot be completed.
  auto probe_dir = test::scratch_dir("checkpoint_full_disk_size");
  {
    Trainer t(tiny_preset(), vector_split(128, 6));
    t.step(3);  // with Adam's moments, as saved below
    REQUIRE(t.wait_until_not_running(10000));
    t.save_checkpoint((probe_dir / "c.pt").string());
  }
  const uintmax_t pages = (fs::file_size(probe_dir / "c.pt") + 4095) / 4096;
  auto dir = test::scratch_dir("checkpoint_full_disk");
  test::TmpfsMount disk(dir.string(), "size=" + std::to_string((pages + pages / 2 + 1) * 4) + "k");
  if (!disk.ok()) {
    WARN(disk.reason());
    return;
  }
  check_failed_save_keeps_previous(
      dir / "checkpoint.pt", [](uintmax_t) { return 0; }, "No space left on device");
}
