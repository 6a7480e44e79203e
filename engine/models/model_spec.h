#pragma once
// What a model is built from: the variant's name, the data shape, the latent size, the trunk, the
// likelihood and the variant's own options (validated by the variant's Options parser).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "data/dataset.h"
#include "models/likelihood.h"
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

}  // namespace vaelab
