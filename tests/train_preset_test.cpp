// Preset parsing and validation: errors name the bad key and the expected type.
#include <catch2/catch.hpp>

#include "train/preset.h"
#include "core/error.h"

using namespace vaelab;

TEST_CASE("Every shipped preset parses", "[fast][preset]") {
  auto names = preset_names();
  REQUIRE(names.size() >= 4);
  for (const auto& n : names) {
    INFO(n);
    CHECK_NOTHROW(Preset::from_json(read_preset_json(n)));
  }
}

TEST_CASE("The default preset is the 784-512-256-(2x20) Bernoulli VAE on Fashion-MNIST", "[fast][preset]") {
  auto p = Preset::from_json(read_preset_json("fashion-vae"));
  CHECK(p.model.variant == "vae");
  CHECK(p.dataset["name"] == "fashion-mnist");
  CHECK(p.model.latent == 20);
  CHECK(p.model.architecture.hidden == std::vector<int64_t>{512, 256});
  CHECK(p.model.likelihood.kind == Likelihood::Kind::Bernoulli);
  CHECK(p.optimizer.type == "adam");
  CHECK(p.optimizer.lr == Approx(1e-3));
  CHECK(p.batch_size == 128);
}

TEST_CASE("A wrong type names the key and the expected type", "[fast][preset]") {
  auto j = read_preset_json("fashion-vae");
  j["optimizer"]["lr"] = "fast";
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("optimizer.lr") && Catch::Contains("expected a number"));
  j = read_preset_json("fashion-vae");
  j["batch_size"] = 1.5;
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("batch_size") && Catch::Contains("integer"));
  j = read_preset_json("fashion-vae");
  j["architecture"]["hidden"] = {"a"};
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("architecture.hidden"));
  j = read_preset_json("fashion-vae");
  j["lattent"] = 3;
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("lattent") && Catch::Contains("unknown key"));
  j = read_preset_json("fashion-vae");
  j["variant"] = "nope";
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("variant") && Catch::Contains("nope"));
}

TEST_CASE("Overrides set dotted keys with JSON or string values", "[fast][preset]") {
  auto j = read_preset_json("fashion-vae");
  apply_override(j, "optimizer.lr=0.01");
  apply_override(j, "dataset.name=mnist");
  apply_override(j, "options.beta=4");
  apply_override(j, "architecture.hidden=[64,32]");
  auto p = Preset::from_json(j);
  CHECK(p.optimizer.lr == Approx(0.01));
  CHECK(p.dataset["name"] == "mnist");
  CHECK(p.model.options["beta"] == 4);
  CHECK(p.model.architecture.hidden == std::vector<int64_t>{64, 32});
  CHECK_THROWS_WITH(apply_override(j, "novalue"), Catch::Contains("dotted.key=value"));
}

TEST_CASE("A preset with overrides applies them in order and validates the result", "[fast][preset]") {
  const auto p = preset_with_overrides(read_preset_json("fashion-vae"), {"epochs=3", "optimizer.lr=0.5", "epochs=7"});
  CHECK(p.epochs == 7);
  CHECK(p.optimizer.lr == Approx(0.5));
  CHECK_THROWS_WITH(preset_with_overrides(read_preset_json("fashion-vae"), {"batch_size=\"many\""}),
                    Catch::Contains("batch_size"));
  CHECK_THROWS_WITH(preset_with_overrides(read_preset_json("fashion-vae"), {"lattent=3"}), Catch::Contains("lattent"));
}

TEST_CASE("Learning-rate schedules follow their formulas", "[fast][preset]") {
  OptimizerSpec o;
  o.lr = 1.0;
  o.schedule = "exponential";
  o.gamma = 0.5;
  CHECK(o.lr_at_epoch(3) == Approx(0.125));
  o.schedule = "step";
  o.step_size = 2;
  CHECK(o.lr_at_epoch(3) == Approx(0.5));
  CHECK(o.lr_at_epoch(4) == Approx(0.25));
  o.schedule = "constant";
  CHECK(o.lr_at_epoch(10) == Approx(1.0));
}

TEST_CASE("An unknown preset lists the known ones", "[fast][preset]") {
  CHECK_THROWS_WITH(read_preset_json("no-such-preset"), Catch::Contains("fashion-vae"));
}

TEST_CASE("Variant options are checked by the variant's own parser when the preset is read", "[fast][preset]") {
  // The dataset named here does not exist: an options error must come before any dataset is looked up.
  auto j = read_preset_json("fashion-vae");
  j["dataset"] = nlohmann::json{{"name", "no-such-dataset"}};
  j["options"] = nlohmann::json{{"beta", -1}};
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("options.beta"));
  j["options"] = nlohmann::json{{"betta", 2}};
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("betta"));
  j["variant"] = "ph-vae";
  j["options"] = nlohmann::json{{"orders", 0}};
  CHECK_THROWS_WITH(Preset::from_json(j), Catch::Contains("options.orders"));
  j["options"] = nlohmann::json{{"orders", 3}};
  CHECK_NOTHROW(Preset::from_json(j));
}
