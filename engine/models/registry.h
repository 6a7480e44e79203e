#pragma once
// Builds a model from its spec. Each variant lives in its own file under engine/models/ and is listed
// once in registry.cpp (explicit list: static libraries drop self-registering objects).
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct VariantInfo {
  std::string name;         // identifier used in presets ("vae", "ph-vae", ...)
  std::string description;  // one line
  std::function<std::shared_ptr<Model>(const ModelSpec&)> make;
  // Parses spec.options with the variant's own Options parser (throws vaelab::Error naming the key);
  // builds nothing, so presets are checked before any dataset loads.
  std::function<void(const ModelSpec&)> check_options;
};

const std::vector<VariantInfo>& variants();
// The registered variant called `name`; throws vaelab::Error listing the known ones when there is none.
const VariantInfo& variant_info(const std::string& name);
// Throws vaelab::Error for an unknown variant (listing the known ones) or invalid options.
std::shared_ptr<Model> make_model(const ModelSpec& spec);
// A fresh model of the same spec with the same state, in eval mode (for readers on other threads).
std::shared_ptr<Model> clone_model(Model& model, const ModelSpec& spec);

}  // namespace vaelab
