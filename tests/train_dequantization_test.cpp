// The trainer draws its batches through the run's dequantisation (data/dequantization.h): on 8-bit images
// a continuous likelihood trains on fresh, seeded-by-the-run noise (so a run repeats exactly from its
// seed), "dequantize": false trains on the stored values, and a discrete likelihood is never touched.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "train/preset.h"
#include "train/trainer.h"

using namespace vaelab;

namespace {

// 128 train and 32 test grey images of 1x6x6, uint8 storage as the loaders produce.
std::shared_ptr<const DatasetSplit> grey_split() {
  torch::manual_seed(3);
  auto make = [](int64_t count, const std::string& name) {
    Dataset ds;
    ds.name = name;
    ds.shape = DataShape{1, 6, 6, 0};
    ds.storage = torch::randint(0, 256, {count, 1, 6, 6}).to(torch::kUInt8);
    return ds;
  };
  auto split = std::make_shared<DatasetSplit>();
  split->train = make(128, "grey/train");
  split->test = make(32, "grey/test");
  split->descriptor = {{"name", "grey"}};
  return split;
}

Preset preset(const std::string& likelihood, bool dequantize) {
  return Preset::from_json({{"name", "tiny-grey"},
                            {"variant", "vae"},
                            {"dataset", {{"name", "grey"}}},
                            {"latent", 2},
                            {"architecture", {{"type", "mlp"}, {"hidden", {16}}}},
                            {"likelihood", {{"type", likelihood}}},
                            {"batch_size", 32},
                            {"epochs", 2},
                            {"seed", 5},
                            {"device", "cpu"},
                            {"dequantize", dequantize}});
}

// Per-step training losses and the per-epoch test losses of a whole run.
std::pair<std::vector<float>, std::vector<float>> run_losses(const Preset& p, const std::shared_ptr<const DatasetSplit>& data) {
  Trainer trainer(p, data);
  trainer.start();
  REQUIRE(trainer.wait_until_not_running(20000));
  const auto snap = trainer.snapshot();
  REQUIRE(snap->progress.state == RunState::Finished);
  const auto& m = *snap->metrics;
  return {m.per_step[0], m.epoch_test[0]};
}

}  // namespace

TEST_CASE("a continuous likelihood on 8-bit images trains on dequantised batches, reproducibly from its seed",
          "[fast][train][dequantization]") {
  const auto data = grey_split();
  const auto a = run_losses(preset("gaussian", true), data);
  const auto b = run_losses(preset("gaussian", true), data);
  const auto raw = run_losses(preset("gaussian", false), data);
  REQUIRE(a.first.size() == 8);
  CHECK(a.first == b.first);    // the noise comes from the run's own stream
  CHECK(a.second == b.second);  // the test pass draws seeded noise
  CHECK(a.first != raw.first);  // ... and there is noise
  CHECK(a.second != raw.second);
  // The setting travels with the preset (and so with the run's checkpoint and summary).
  CHECK(preset("gaussian", false).to_json().at("dequantize") == false);
  CHECK(Preset::from_json(preset("gaussian", true).to_json()).dequantize);
}

TEST_CASE("a discrete likelihood trains on the stored values whatever the dequantize setting",
          "[fast][train][dequantization]") {
  const auto data = grey_split();
  const auto on = run_losses(preset("bernoulli", true), data);
  const auto off = run_losses(preset("bernoulli", false), data);
  CHECK(on.first == off.first);
  CHECK(on.second == off.second);
}

TEST_CASE("a run saved before the dequantize key existed is read as undequantised", "[fast][train][dequantization]") {
  CHECK_FALSE(dequantize_setting_of_saved_preset(nlohmann::json{{"name", "old"}, {"seed", 1}}));
  CHECK(dequantize_setting_of_saved_preset(nlohmann::json{{"dequantize", true}}));
  CHECK_FALSE(dequantize_setting_of_saved_preset(nlohmann::json{{"dequantize", false}}));
  // A new preset without the key dequantises (the default).
  CHECK(Preset::from_json({{"dataset", "mnist"}}).dequantize);
}
