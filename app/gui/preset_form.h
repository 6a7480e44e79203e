#pragma once
// The New run dialog's model (no ImGui, no engine, so tests link it): the presets grouped by variant, and
// a draft preset held both as JSON text and as a small form of its common keys, kept in sync. The form
// edits the JSON; the JSON text is what gets opened. Validation against the engine (unknown keys, bad
// options) is the dialog's job: it calls Preset::from_json on draft.json().
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vaelab {
namespace gui {

struct PresetEntry {
  std::string name;
  std::string variant;      // the preset's "variant" ("?" when unreadable)
  std::string description;  // one line (or why it could not be read)
};

struct PresetGroup {
  std::string variant;
  std::vector<PresetEntry> presets;  // sorted by name
};

// Groups by variant, the groups sorted by variant name.
std::vector<PresetGroup> group_presets_by_variant(std::vector<PresetEntry> presets);

// The common keys of a preset. Missing keys read as the engine's defaults (train/preset.h,
// models/model_spec.h, data/image_folder.h): latent 20, epochs 10, device "auto", image size 64, grey.
struct PresetForm {
  std::string variant = "vae";
  std::string dataset;       // dataset.name
  // The data on disk, for the data sets read from a path (dataset_path_key): "image-folder" reads
  // dataset.root, "csv" dataset.path; "" for the built-in sets.
  std::string dataset_path;
  int64_t image_size = 64;           // dataset.size ("image-folder": the square side images are resized to)
  std::string image_color = "gray";  // dataset.color ("image-folder"): gray | rgb
  int64_t latent = 20;
  bool has_beta = false;     // options.beta is present (the variant's KL weight)
  double beta = 1.0;
  int64_t epochs = 10;
  std::string device = "auto";  // auto | cpu | cuda

  static PresetForm from_json(const nlohmann::json& preset);
  bool operator==(const PresetForm& o) const;
};

// The key of the "dataset" object that names the data on disk: "root" for "image-folder", "path" for
// "csv" (engine/data/image_folder.h, engine/data/csv_table.h); nullptr for the built-in sets.
const char* dataset_path_key(const std::string& dataset);

// Writes `form` into `preset`, leaving every other key as it is. A new variant replaces "options" by {}:
// the engine fills in that variant's paper defaults for absent options (it offers no defaults object to
// show). A new dataset replaces "dataset" by {"name": NEW} keeping only "subsample" and "subsample_seed",
// which every loader takes (the old loader's own options would be unknown keys to the new one), then
// adds the path under dataset_path_key (when not empty) and, for "image-folder", "size" and "color", so
// the JSON shows what will be read:
//   {"name": "image-folder", "root": "/data/faces", "size": 64, "color": "gray"}
//   {"name": "csv", "path": "/data/iris.csv"}
// An empty path removes the key: the engine then says it is required.
void apply_preset_form(const PresetForm& form, nlohmann::json& preset);

// The draft: JSON text (what the editor shows and Create opens) and the form read from it.
class PresetDraft {
 public:
  // Replaces the draft by `preset` (text pretty-printed).
  void reset(const nlohmann::json& preset);
  // The editor changed the text: re-parse; when it parses to an object the form follows it, otherwise the
  // form stays and parse_error() says why.
  void set_text(const std::string& text);
  // The form changed: apply it to the JSON and rewrite the text. Ignored while the text does not parse.
  void set_form(const PresetForm& form);

  const std::string& text() const { return text_; }
  const nlohmann::json& json() const { return json_; }
  const PresetForm& form() const { return form_; }
  const std::string& parse_error() const { return parse_error_; }

 private:
  std::string text_;
  nlohmann::json json_ = nlohmann::json::object();
  PresetForm form_;
  std::string parse_error_;
};

}  // namespace gui
}  // namespace vaelab
