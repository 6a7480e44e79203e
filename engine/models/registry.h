#pragma once
// Builds a model from its spec. Each variant lives in its own file under engine/models/ and is listed
// once in registry.cpp (explicit list: static libraries drop self-registering objects).
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/likelihood.h"
#include "models/model.h"
#include "nn/backbone.h"

namespace vaelab {

struct ModelSpec {
  std::string variant = "vae";
  DataShape shape;           // from the dataset
  int64_t num_classes = 0;   // from the dataset (conditional variants)
  int64_t latent = 20;       // H
  Architecture architecture;
  Likelihood likelihood;
  nlohmann::json options = nlohmann::json::object();  // variant Options, validated by the variant

  nlohmann::json to_json() const;
  static ModelSpec from_json(const nlohmann::json& j);
};

struct VariantInfo {
  std::string name;         // identifier used in presets ("vae", "ph-vae", ...)
  std::string description;  // one line
  std::function<std::shared_ptr<Model>(const ModelSpec&)> make;
};

const std::vector<VariantInfo>& variants();
// Throws vaelab::Error for an unknown variant (listing the known ones) or invalid options.
std::shared_ptr<Model> make_model(const ModelSpec& spec);
// A fresh model of the same spec with the same state, in eval mode (for readers on other threads).
std::shared_ptr<Model> clone_model(Model& model, const ModelSpec& spec);

}  // namespace vaelab
