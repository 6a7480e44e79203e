// The comparison table's clustering / disentanglement columns on a tiny labelled set with factors.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "compare/metric_columns.h"
#include "models/registry.h"
#include "models/vade.h"

using namespace vaelab;

namespace {
// Vector data whose first two features are two discrete factors; label = factor 0.
Dataset tiny_factor_set(int64_t n) {
  Dataset d;
  d.name = "tiny";
  d.shape.features = 4;
  const auto f0 = torch::randint(0, 3, {n}), f1 = torch::randint(0, 4, {n});
  d.factors = torch::stack({f0, f1}, 1).to(torch::kFloat);
  d.factor_names = {"a", "b"};
  d.factor_sizes = {3, 4};
  d.storage = torch::cat({d.factors / 4.0, 0.1 * torch::rand({n, 2})}, 1).to(torch::kFloat);
  d.labels = f0.to(torch::kLong);
  d.class_names = {"0", "1", "2"};
  return d;
}

ModelSpec tiny_spec(const std::string& variant) {
  ModelSpec s;
  s.variant = variant;
  s.shape.features = 4;
  s.latent = 2;
  s.architecture.hidden = {8};
  if (variant == "vade") s.options = {{"clusters", 3}};
  return s;
}
}  // namespace

TEST_CASE("Metric columns give clustering and disentanglement scores in [0, 1]", "[fast][metrics]") {
  torch::manual_seed(61);
  const auto data = tiny_factor_set(300);
  for (const std::string variant : {"vae", "vade"}) {
    auto model = make_model(tiny_spec(variant));
    if (auto* vade = dynamic_cast<Vade*>(model.get())) vade->initialize_prior(torch::randn({50, 2}));
    model->eval();
    MetricColumnOptions o;
    o.limit = 200;
    const auto columns = metric_columns(*model, data, o);
    std::vector<std::string> names;
    for (const auto& [name, value] : columns) {
      names.push_back(name);
      CHECK(value >= 0.0);
      CHECK(value <= 1.0);
    }
    CHECK(names == metric_column_names());
    // Same seed, same columns.
    CHECK(metric_columns(*model, data, o) == columns);
  }
}

TEST_CASE("Metric columns leave out what the set cannot score", "[fast][metrics]") {
  torch::manual_seed(62);
  auto data = tiny_factor_set(100);
  data.factors = torch::Tensor();
  data.labels = torch::Tensor();
  data.class_names.clear();
  auto model = make_model(tiny_spec("vae"));
  CHECK(metric_columns(*model, data).empty());
}
