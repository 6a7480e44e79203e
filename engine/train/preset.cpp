#include "train/preset.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/registry.h"

namespace vaelab {

namespace fs = std::filesystem;
namespace jf = json_fields;

Preset Preset::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw Error("preset: expected a JSON object at the top level");
  jf::only_keys(j, "", {"name", "description", "variant", "dataset", "latent", "architecture", "likelihood",
                        "options", "optimizer", "batch_size", "epochs", "seed", "device", "dequantize"});
  Preset p;
  p.name = jf::text(j, "", "name", "unnamed");
  p.description = jf::text(j, "", "description", "");
  if (!j.contains("dataset")) throw Error("preset key \"dataset\": missing (expected an object with \"name\")");
  p.dataset = j.at("dataset");
  if (p.dataset.is_string()) p.dataset = nlohmann::json{{"name", p.dataset}};
  jf::require_object(p.dataset, "dataset");
  jf::text(p.dataset, "dataset", "name", "");
  if (!p.dataset.contains("name")) throw Error("preset key \"dataset.name\": missing (expected a string)");

  p.model.variant = jf::text(j, "", "variant", "vae");
  const VariantInfo* variant = nullptr;
  try {
    variant = &variant_info(p.model.variant);
  } catch (const Error& e) {
    throw Error(fmt::format("preset key \"variant\": {}", e.what()));
  }
  p.model.latent = jf::integer(j, "", "latent", p.model.latent);
  if (p.model.latent < 1) throw Error("preset key \"latent\": must be >= 1");
  p.model.architecture = Architecture::from_json(j.value("architecture", nlohmann::json()));
  p.model.likelihood = Likelihood::from_json(j.value("likelihood", nlohmann::json()));
  p.model.options = j.value("options", nlohmann::json::object());
  jf::require_object(p.model.options, "options");
  if (p.model.options.is_null()) p.model.options = nlohmann::json::object();
  variant->check_options(p.model);  // the variant's own parser, before any dataset loads
  p.optimizer = OptimizerSpec::from_json(j.value("optimizer", nlohmann::json()));
  p.batch_size = jf::integer(j, "", "batch_size", p.batch_size);
  p.epochs = jf::integer(j, "", "epochs", p.epochs);
  p.seed = static_cast<uint64_t>(jf::integer(j, "", "seed", static_cast<int64_t>(p.seed)));
  p.device = jf::choice(j, "", "device", p.device, {"auto", "cpu", "cuda"});
  p.dequantize = jf::boolean(j, "", "dequantize", p.dequantize);
  if (p.batch_size < 1) throw Error("preset key \"batch_size\": must be >= 1");
  if (p.epochs < 0) throw Error("preset key \"epochs\": must be >= 0");
  return p;
}

nlohmann::json Preset::to_json() const {
  return {{"name", name},
          {"description", description},
          {"variant", model.variant},
          {"dataset", dataset},
          {"latent", model.latent},
          {"architecture", model.architecture.to_json()},
          {"likelihood", model.likelihood.to_json()},
          {"options", model.options},
          {"optimizer", optimizer.to_json()},
          {"batch_size", batch_size},
          {"epochs", epochs},
          {"seed", seed},
          {"device", device},
          {"dequantize", dequantize}};
}

bool dequantize_setting_of_saved_preset(const nlohmann::json& saved_preset) {
  if (!saved_preset.is_object() || !saved_preset.contains("dequantize")) return false;
  const auto& v = saved_preset.at("dequantize");
  return v.is_boolean() ? v.get<bool>() : false;
}

std::string assets_dir() {
  if (const char* env = std::getenv("VAELAB_ASSETS"); env && *env) return env;
#ifdef VAELAB_SOURCE_ASSETS
  if (fs::is_directory(VAELAB_SOURCE_ASSETS)) return VAELAB_SOURCE_ASSETS;
#endif
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path share = exe.parent_path().parent_path() / "share" / "vaelab";
    if (fs::is_directory(share)) return share.string();
  }
  return "assets";
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  fs::path dir = fs::path(assets_dir()) / "presets";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

nlohmann::json read_preset_json(const std::string& name_or_file) {
  fs::path path = name_or_file;
  const bool looks_like_file = name_or_file.find('/') != std::string::npos || path.extension() == ".json";
  if (!looks_like_file || !fs::exists(path)) {
    fs::path candidate = fs::path(assets_dir()) / "presets" / (name_or_file + ".json");
    if (fs::exists(candidate)) path = candidate;
    else if (!looks_like_file)
      throw Error(fmt::format("unknown preset \"{}\" (known: {})", name_or_file, fmt::join(preset_names(), ", ")));
  }
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open preset file", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("{}: invalid JSON at byte {}: {}", path.string(), e.byte, e.what()));
  }
}

void apply_override(nlohmann::json& j, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error(fmt::format("--set \"{}\": expected dotted.key=value", assignment));
  }
  const std::string key = assignment.substr(0, eq);
  const std::string raw = assignment.substr(eq + 1);
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(raw);
  } catch (const nlohmann::json::parse_error&) {
    value = raw;  // bare words are strings: --set dataset.name=mnist
  }
  nlohmann::json* node = &j;
  std::stringstream parts(key);
  std::string part;
  std::vector<std::string> path;
  while (std::getline(parts, part, '.')) path.push_back(part);
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    if (!node->is_object()) throw Error(fmt::format("--set \"{}\": \"{}\" is not an object", key, path[i]));
    node = &(*node)[path[i]];
    if (node->is_null()) *node = nlohmann::json::object();
  }
  if (!node->is_object()) throw Error(fmt::format("--set \"{}\": parent of \"{}\" is not an object", key, path.back()));
  (*node)[path.back()] = value;
}

Preset preset_with_overrides(nlohmann::json j, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) apply_override(j, o);
  return Preset::from_json(j);
}

}  // namespace vaelab
