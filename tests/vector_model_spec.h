#pragma once
// A small vector-data model spec for the analysis and prior-unit tests: 6 features, one hidden layer of 8,
// the latent size and variant options given (e.g. Ladder layer sizes, VaDE clusters).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>

#include "models/model_spec.h"

namespace vaelab {
namespace test {

inline ModelSpec vector_spec(const std::string& variant, int64_t latent, nlohmann::json options) {
  ModelSpec s;
  s.variant = variant;
  s.shape.features = 6;
  s.latent = latent;
  s.architecture.hidden = {8};
  s.options = std::move(options);
  return s;
}

}  // namespace test
}  // namespace vaelab
