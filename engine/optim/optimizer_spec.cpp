#include "optim/optimizer_spec.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "core/json_fields.h"

namespace vaelab {

namespace jf = json_fields;

OptimizerSpec OptimizerSpec::from_json(const nlohmann::json& j, const std::string& path) {
  OptimizerSpec o;
  if (j.is_null()) return o;
  jf::require_object(j, path);
  jf::only_keys(j, path, {"type", "lr", "weight_decay", "momentum", "schedule"});
  o.type = jf::choice(j, path, "type", o.type, {"adam", "adamw", "sgd"});
  o.lr = jf::number(j, path, "lr", o.lr);
  o.weight_decay = jf::number(j, path, "weight_decay", o.weight_decay);
  o.momentum = jf::number(j, path, "momentum", o.momentum);
  if (!(o.lr > 0)) throw Error(fmt::format("preset key \"{}.lr\": must be > 0", path));
  if (j.contains("schedule")) {
    const auto& s = j.at("schedule");
    const std::string sp = path + ".schedule";
    if (s.is_string()) {
      o.schedule = jf::choice(nlohmann::json{{"type", s}}, sp, "type", o.schedule, {"constant", "exponential", "step"});
    } else {
      jf::require_object(s, sp);
      jf::only_keys(s, sp, {"type", "gamma", "step_size"});
      o.schedule = jf::choice(s, sp, "type", o.schedule, {"constant", "exponential", "step"});
      o.gamma = jf::number(s, sp, "gamma", o.gamma);
      o.step_size = jf::integer(s, sp, "step_size", o.step_size);
    }
    if (!(o.gamma > 0)) throw Error(fmt::format("preset key \"{}.gamma\": must be > 0", sp));
    if (o.step_size < 1) throw Error(fmt::format("preset key \"{}.step_size\": must be >= 1", sp));
  }
  return o;
}

nlohmann::json OptimizerSpec::to_json() const {
  return {{"type", type},
          {"lr", lr},
          {"weight_decay", weight_decay},
          {"momentum", momentum},
          {"schedule", {{"type", schedule}, {"gamma", gamma}, {"step_size", step_size}}}};
}

double OptimizerSpec::lr_at_epoch(int64_t epoch) const {
  if (schedule == "exponential") return lr * std::pow(gamma, static_cast<double>(epoch));
  if (schedule == "step") return lr * std::pow(gamma, static_cast<double>(epoch / step_size));
  return lr;
}

}  // namespace vaelab
