#include "preset_form.h"

#include <algorithm>
#include <map>

namespace vaelab {
namespace gui {

std::vector<PresetGroup> group_presets_by_variant(std::vector<PresetEntry> presets) {
  std::map<std::string, std::vector<PresetEntry>> by_variant;
  for (auto& p : presets) by_variant[p.variant].push_back(std::move(p));
  std::vector<PresetGroup> groups;
  for (auto& [variant, list] : by_variant) {
    std::sort(list.begin(), list.end(), [](const PresetEntry& a, const PresetEntry& b) { return a.name < b.name; });
    groups.push_back({variant, std::move(list)});
  }
  return groups;
}

namespace {

template <typename T>
T value_or(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.is_object() || !j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;  // a wrong type is the engine's error to report, not the form's
  }
}

}  // namespace

PresetForm PresetForm::from_json(const nlohmann::json& preset) {
  PresetForm f;
  f.variant = value_or<std::string>(preset, "variant", f.variant);
  if (preset.is_object() && preset.contains("dataset")) {
    const nlohmann::json& d = preset["dataset"];
    f.dataset = value_or<std::string>(d, "name", "");
    if (const char* key = dataset_path_key(f.dataset)) f.dataset_path = value_or<std::string>(d, key, "");
    if (f.dataset == "image-folder") {
      f.image_size = value_or<int64_t>(d, "size", f.image_size);
      f.image_color = value_or<std::string>(d, "color", f.image_color);
    }
  }
  f.latent = value_or<int64_t>(preset, "latent", f.latent);
  f.epochs = value_or<int64_t>(preset, "epochs", f.epochs);
  f.device = value_or<std::string>(preset, "device", f.device);
  if (preset.is_object() && preset.contains("options") && preset["options"].is_object() &&
      preset["options"].contains("beta") && preset["options"]["beta"].is_number()) {
    f.has_beta = true;
    f.beta = preset["options"]["beta"].get<double>();
  }
  return f;
}

bool PresetForm::operator==(const PresetForm& o) const {
  return variant == o.variant && dataset == o.dataset && dataset_path == o.dataset_path &&
         image_size == o.image_size && image_color == o.image_color && latent == o.latent &&
         has_beta == o.has_beta && beta == o.beta && epochs == o.epochs && device == o.device;
}

const char* dataset_path_key(const std::string& dataset) {
  if (dataset == "image-folder") return "root";
  if (dataset == "csv") return "path";
  return nullptr;
}

void apply_preset_form(const PresetForm& form, nlohmann::json& preset) {
  if (!preset.is_object()) preset = nlohmann::json::object();
  const PresetForm before = PresetForm::from_json(preset);
  if (form.variant != before.variant) {
    preset["variant"] = form.variant;
    preset["options"] = nlohmann::json::object();
  } else if (form.has_beta && before.has_beta && form.beta != before.beta) {
    preset["options"]["beta"] = form.beta;
  }
  const char* path_key = dataset_path_key(form.dataset);
  const bool image_folder = form.dataset == "image-folder";
  if (form.dataset != before.dataset) {
    nlohmann::json d = {{"name", form.dataset}};
    if (preset.contains("dataset") && preset["dataset"].is_object())
      for (const char* shared : {"subsample", "subsample_seed"})
        if (preset["dataset"].contains(shared)) d[shared] = preset["dataset"][shared];
    if (path_key && !form.dataset_path.empty()) d[path_key] = form.dataset_path;
    if (image_folder) {
      d["size"] = form.image_size;
      d["color"] = form.image_color;
    }
    preset["dataset"] = d;
  } else if (path_key) {
    if (!preset["dataset"].is_object()) preset["dataset"] = {{"name", form.dataset}};
    nlohmann::json& d = preset["dataset"];
    if (form.dataset_path != before.dataset_path) {
      if (form.dataset_path.empty()) d.erase(path_key);
      else d[path_key] = form.dataset_path;
    }
    if (image_folder && form.image_size != before.image_size) d["size"] = form.image_size;
    if (image_folder && form.image_color != before.image_color) d["color"] = form.image_color;
  }
  if (form.latent != before.latent) preset["latent"] = form.latent;
  if (form.epochs != before.epochs) preset["epochs"] = form.epochs;
  if (form.device != before.device) preset["device"] = form.device;
}

void PresetDraft::reset(const nlohmann::json& preset) {
  json_ = preset;
  text_ = json_.dump(2);
  form_ = PresetForm::from_json(json_);
  parse_error_.clear();
}

void PresetDraft::set_text(const std::string& text) {
  text_ = text;
  try {
    nlohmann::json j = nlohmann::json::parse(text_);
    if (!j.is_object()) throw std::runtime_error("a preset is a JSON object { ... }");
    json_ = std::move(j);
    form_ = PresetForm::from_json(json_);
    parse_error_.clear();
  } catch (const std::exception& e) {
    parse_error_ = e.what();
  }
}

void PresetDraft::set_form(const PresetForm& form) {
  if (!parse_error_.empty()) return;
  apply_preset_form(form, json_);
  text_ = json_.dump(2);
  form_ = PresetForm::from_json(json_);
}

}  // namespace gui
}  // namespace vaelab
