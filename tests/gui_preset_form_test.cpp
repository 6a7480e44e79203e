// The New run dialog's model (app/gui/preset_form.h, in vaelab_gui_logic): presets grouped by variant and
// the form of common keys kept in sync with the JSON text.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "preset_form.h"
#include "train/preset.h"

using namespace vaelab::gui;
using nlohmann::json;

namespace {

json fashion() {
  return json::parse(R"({"name": "fashion-vae", "variant": "vae",
    "dataset": {"name": "fashion-mnist", "subsample": 500}, "latent": 20,
    "architecture": {"type": "mlp", "hidden": [512, 256]}, "likelihood": {"type": "bernoulli"},
    "options": {"beta": 1.0}, "batch_size": 128, "epochs": 10, "seed": 1})");
}

}  // namespace

TEST_CASE("Presets are grouped by variant with the groups and names sorted", "[fast][gui-new-run]") {
  const auto groups = group_presets_by_variant({{"ph-vae-toy", "ph-vae", "toy"},
                                                {"mnist-vae", "vae", "m"},
                                                {"fashion-vae", "vae", "f"},
                                                {"beta-vae-shapes", "beta-vae", "s"}});
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].variant == "beta-vae");
  CHECK(groups[1].variant == "ph-vae");
  CHECK(groups[2].variant == "vae");
  REQUIRE(groups[2].presets.size() == 2);
  CHECK(groups[2].presets[0].name == "fashion-vae");
  CHECK(groups[2].presets[1].name == "mnist-vae");
  CHECK(groups[2].presets[1].description == "m");
}

TEST_CASE("Editing the form rewrites the JSON text and editing the text refreshes the form", "[fast][gui-new-run]") {
  PresetDraft d;
  d.reset(fashion());
  CHECK(d.form().variant == "vae");
  CHECK(d.form().dataset == "fashion-mnist");
  CHECK(d.form().has_beta);
  CHECK(d.form().device == "auto");  // absent: the engine's default
  PresetForm f = d.form();
  f.latent = 4;
  f.beta = 4.0;
  f.epochs = 2;
  f.device = "cpu";
  d.set_form(f);
  const json j = json::parse(d.text());
  CHECK(j["latent"] == 4);
  CHECK(j["options"]["beta"] == 4.0);
  CHECK(j["epochs"] == 2);
  CHECK(j["device"] == "cpu");
  CHECK(j["architecture"]["hidden"] == json::array({512, 256}));  // untouched keys stay

  json edited = j;
  edited["latent"] = 7;
  edited["dataset"]["name"] = "mnist";
  d.set_text(edited.dump());
  CHECK(d.parse_error().empty());
  CHECK(d.form().latent == 7);
  CHECK(d.form().dataset == "mnist");
}

TEST_CASE("Changing the variant resets the options to the variant's defaults", "[fast][gui-new-run]") {
  PresetDraft d;
  d.reset(fashion());
  PresetForm f = d.form();
  f.variant = "iwae";
  d.set_form(f);
  const json j = json::parse(d.text());
  CHECK(j["variant"] == "iwae");
  CHECK(j["options"] == json::object());
  CHECK_FALSE(d.form().has_beta);
  // The engine accepts empty options: it fills in the variant's paper defaults.
  CHECK_NOTHROW(vaelab::Preset::from_json(j));
}

TEST_CASE("A new dataset keeps only the options every loader takes", "[fast][gui-new-run]") {
  PresetDraft d;
  json p = fashion();
  p["dataset"] = {{"name", "toy-gmm5"}, {"n", 2000}, {"subsample", 100}};
  d.reset(p);
  PresetForm f = d.form();
  f.dataset = "mnist";
  d.set_form(f);
  CHECK(d.json()["dataset"] == json({{"name", "mnist"}, {"subsample", 100}}));
}

TEST_CASE("Bad JSON text keeps the form and reports the parse error", "[fast][gui-new-run]") {
  PresetDraft d;
  d.reset(fashion());
  d.set_text("{\"latent\": 3,");
  CHECK_FALSE(d.parse_error().empty());
  CHECK(d.form().latent == 20);  // the last good form
  CHECK(d.text() == "{\"latent\": 3,");
  PresetForm f = d.form();
  f.latent = 9;
  d.set_form(f);  // ignored while the text does not parse
  CHECK(d.text() == "{\"latent\": 3,");
  d.set_text("[1]");
  CHECK_THAT(d.parse_error(), Catch::Contains("JSON object"));
}
