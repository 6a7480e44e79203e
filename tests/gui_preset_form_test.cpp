// The New run dialog's model (app/gui/preset_form.h, in vaelab_gui_logic): presets grouped by variant and
// the form of common keys kept in sync with the JSON text.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

#include "data/dataset_registry.h"
#include "data/data_path_check.h"
#include "plot/png_image.h"
#include "preset_form.h"
#include "test_support.h"
#include "train/preset.h"

using namespace vaelab;
using namespace vaelab::gui;
using nlohmann::json;

namespace {

json fashion() {
  return json::parse(R"({"name": "fashion-vae", "variant": "vae",
    "dataset": {"name": "fashion-mnist", "subsample": 500}, "latent": 20,
    "architecture": {"type": "mlp", "hidden": [512, 256]}, "likelihood": {"type": "bernoulli"},
    "options": {"beta": 1.0}, "batch_size": 128, "epochs": 10, "seed": 1})");
}

// `count` grey 8x8 PNGs in `dir` (created), each a different flat grey.
void write_grey_pngs(const std::filesystem::path& dir, int count) {
  std::filesystem::create_directories(dir);
  for (int i = 0; i < count; ++i) {
    const std::vector<uint8_t> px(64, static_cast<uint8_t>(20 * i));
    vaelab::write_png_file((dir / ("img" + std::to_string(i) + ".png")).string(), 8, 8, 1, px.data());
  }
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

TEST_CASE("Picking an image folder writes the keys the engine's image-folder loader reads", "[fast][gui-new-run]") {
  const auto dir = vaelab::test::scratch_dir("preset_form_image_folder");
  write_grey_pngs(dir / "circles", 3);
  write_grey_pngs(dir / "squares", 4);
  PresetDraft d;
  d.reset(fashion());
  PresetForm f = d.form();
  f.dataset = "image-folder";
  f.dataset_path = dir.string();
  f.image_size = 8;
  d.set_form(f);
  const json j = json::parse(d.text());
  CHECK(j["dataset"] == json({{"name", "image-folder"}, {"root", dir.string()}, {"size", 8}, {"color", "gray"},
                              {"subsample", 500}}));
  CHECK(d.form().dataset_path == dir.string());
  CHECK(d.form().image_size == 8);
  CHECK_NOTHROW(vaelab::Preset::from_json(j));

  // The engine opens exactly that: all 7 images, 8x8 grey, the sub-folders as classes.
  const vaelab::DatasetSplit data = vaelab::load_dataset(j["dataset"]);
  CHECK(data.train.size() + data.test.size() == 7);
  CHECK(data.train.shape.channels == 1);
  CHECK(data.train.shape.height == 8);
  CHECK(data.train.shape.width == 8);
  CHECK(data.train.class_names == std::vector<std::string>{"circles", "squares"});
  // The dialog's one-line check agrees.
  const DataPathCheck c = check_image_folder(dir.string());
  CHECK(c.ok);
  CHECK(c.line == "7 images in 2 classes (circles, squares)");

  // A new size and colour change only those keys.
  f = d.form();
  f.image_size = 16;
  f.image_color = "rgb";
  d.set_form(f);
  CHECK(d.json()["dataset"]["size"] == 16);
  CHECK(d.json()["dataset"]["color"] == "rgb");
  CHECK(d.json()["dataset"]["root"] == dir.string());
}

TEST_CASE("Picking a CSV file writes the keys the engine's CSV loader reads", "[fast][gui-new-run]") {
  const auto dir = vaelab::test::scratch_dir("preset_form_csv");
  const auto csv = dir / "points.csv";
  {
    std::ofstream out(csv);
    out << "x,y,z\n";
    for (int i = 0; i < 10; ++i) out << i << "," << i * i << "," << (i % 2) << "\n";
  }
  PresetDraft d;
  d.reset(fashion());
  PresetForm f = d.form();
  f.dataset = "csv";
  f.dataset_path = csv.string();
  d.set_form(f);
  const json j = json::parse(d.text());
  CHECK(j["dataset"] == json({{"name", "csv"}, {"path", csv.string()}, {"subsample", 500}}));
  CHECK(d.form().dataset_path == csv.string());
  CHECK_NOTHROW(vaelab::Preset::from_json(j));

  const vaelab::DatasetSplit data = vaelab::load_dataset(j["dataset"]);
  CHECK(data.train.size() + data.test.size() == 10);
  CHECK(data.train.shape.features == 3);
  const DataPathCheck c = check_csv_file(csv.string());
  CHECK(c.ok);
  CHECK(c.line == "10 rows \u00d7 3 columns, header: x, y, z");
}

TEST_CASE("The dataset path follows the JSON text and leaves with the data set it belongs to", "[fast][gui-new-run]") {
  PresetDraft d;
  json p = fashion();
  p["dataset"] = {{"name", "image-folder"}, {"root", "/data/faces"}, {"size", 32}, {"color", "rgb"}};
  d.reset(p);
  CHECK(d.form().dataset == "image-folder");
  CHECK(d.form().dataset_path == "/data/faces");
  CHECK(d.form().image_size == 32);
  CHECK(d.form().image_color == "rgb");

  // Edited in the text: the form follows.
  json edited = d.json();
  edited["dataset"]["root"] = "/data/cars";
  d.set_text(edited.dump());
  CHECK(d.form().dataset_path == "/data/cars");

  // An emptied path removes the key (the engine then names it as required).
  PresetForm f = d.form();
  f.dataset_path.clear();
  d.set_form(f);
  CHECK_FALSE(d.json()["dataset"].contains("root"));
  CHECK_THROWS_WITH(vaelab::load_dataset(d.json()["dataset"]), Catch::Contains("\"dataset.root\": required"));

  // Back to a built-in set: no path, size or colour left behind for a loader that does not take them.
  f = d.form();
  f.dataset = "mnist";
  f.dataset_path.clear();
  d.set_form(f);
  CHECK(d.json()["dataset"] == json({{"name", "mnist"}}));
  CHECK(d.form().dataset_path.empty());
  CHECK(dataset_path_key("mnist") == nullptr);
  CHECK(std::string(dataset_path_key("csv")) == "path");
}
