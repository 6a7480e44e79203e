#include "models/model_spec.h"

#include "core/json_fields.h"

namespace vaelab {

nlohmann::json ModelSpec::to_json() const {
  return {{"variant", variant},       {"shape", shape.to_json()},           {"num_classes", num_classes},
          {"latent", latent},         {"architecture", architecture.to_json()}, {"likelihood", likelihood.to_json()},
          {"options", options}};
}

ModelSpec ModelSpec::from_json(const nlohmann::json& j) {
  namespace jf = json_fields;
  ModelSpec s;
  s.variant = jf::text(j, "", "variant", s.variant);
  if (j.contains("shape")) s.shape = DataShape::from_json(j.at("shape"));
  s.num_classes = jf::integer(j, "", "num_classes", 0);
  s.latent = jf::integer(j, "", "latent", s.latent);
  s.architecture = Architecture::from_json(j.value("architecture", nlohmann::json()));
  s.likelihood = Likelihood::from_json(j.value("likelihood", nlohmann::json()));
  s.options = j.value("options", nlohmann::json::object());
  return s;
}

}  // namespace vaelab
