#include "models/likelihood.h"

#include <fmt/format.h>

#include <cmath>

#include "core/json_fields.h"
#include "core/error.h"
#include "models/bernoulli_nll.h"

namespace vaelab {

namespace {
constexpr double kLog2Pi = 1.8378770664093453;

torch::Tensor sum_per_sample(const torch::Tensor& t) { return t.flatten(1).sum(1); }
}  // namespace

torch::Tensor Likelihood::nll(const torch::Tensor& x, const torch::Tensor& out) const {
  switch (kind) {
    case Kind::Bernoulli:
      return bernoulli_nll_per_sample(out, x);  // BCE with logits, stable for large |logit|
    case Kind::Gaussian: {
      const double d = static_cast<double>(x[0].numel());
      return sum_per_sample((x - out).pow(2)) / (2.0 * sigma2) + 0.5 * d * (kLog2Pi + std::log(sigma2));
    }
    case Kind::Laplace: {
      const double d = static_cast<double>(x[0].numel());
      return sum_per_sample((x - out).abs()) / scale + d * std::log(2.0 * scale);
    }
  }
  throw Error("unknown likelihood");
}

torch::Tensor Likelihood::mean(const torch::Tensor& out) const {
  return kind == Kind::Bernoulli ? torch::sigmoid(out) : out;
}

std::string Likelihood::name() const {
  switch (kind) {
    case Kind::Bernoulli: return "bernoulli";
    case Kind::Gaussian: return "gaussian";
    case Kind::Laplace: return "laplace";
  }
  return "?";
}

Likelihood Likelihood::from_json(const nlohmann::json& j, const std::string& path) {
  namespace jf = json_fields;
  Likelihood l;
  if (j.is_null()) return l;
  if (j.is_string()) {  // shorthand: "likelihood": "gaussian"
    return from_json(nlohmann::json{{"type", j}}, path);
  }
  jf::require_object(j, path);
  jf::only_keys(j, path, {"type", "sigma2", "scale"});
  const std::string type = jf::choice(j, path, "type", "bernoulli", {"bernoulli", "gaussian", "laplace"});
  l.kind = type == "bernoulli" ? Kind::Bernoulli : type == "gaussian" ? Kind::Gaussian : Kind::Laplace;
  l.sigma2 = jf::number(j, path, "sigma2", 1.0);
  l.scale = jf::number(j, path, "scale", 1.0);
  if (!(l.sigma2 > 0)) throw Error(fmt::format("preset key \"{}.sigma2\": must be > 0", path));
  if (!(l.scale > 0)) throw Error(fmt::format("preset key \"{}.scale\": must be > 0", path));
  return l;
}

nlohmann::json Likelihood::to_json() const {
  nlohmann::json j{{"type", name()}};
  if (kind == Kind::Gaussian) j["sigma2"] = sigma2;
  if (kind == Kind::Laplace) j["scale"] = scale;
  return j;
}

}  // namespace vaelab
