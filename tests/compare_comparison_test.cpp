// The comparison table behind `vaelab-cli compare`.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <fstream>
#include <sstream>

#include "compare/comparison_runs.h"
#include "compare/standard_columns.h"
#include "analysis/indicators.h"
#include "models/noise_vae.h"
#include "models/registry.h"
#include "test_support.h"

using namespace vaelab;

namespace {
struct TinyRun {
  Preset preset;
  DatasetSplit data;
  std::shared_ptr<Model> model;
  ComparisonOptions options;

  explicit TinyRun(const std::string& variant, nlohmann::json model_options = nlohmann::json::object()) {
    preset.name = "tiny-" + variant;
    preset.dataset = {{"name", "tiny"}};
    preset.model.variant = variant;
    preset.model.shape.features = 4;
    preset.model.latent = 2;
    preset.model.architecture.hidden = {6};
    preset.model.options = std::move(model_options);
    data.train.name = "tiny/train";
    data.train.shape.features = 4;
    data.train.storage = torch::rand({12, 4});
    data.test = data.train.subset(torch::arange(0, 7));
    data.test.name = "tiny/test";
    model = make_model(preset.model);
    options.batch_size = 3;
  }
  ComparisonContext context() {
    return ComparisonContext{preset.name, "", preset, preset.model, *model, data, data.test, options, 1};
  }
};
}  // namespace

TEST_CASE("The comparison row carries Table 1's columns computed from the run", "[fast][comparison]") {
  torch::manual_seed(30);
  TinyRun run("noise-vae", {{"noise", "mog"}, {"components", 2}, {"beta", 40.0}});
  auto table = standard_comparison_table();
  const auto& row = table.evaluate(run.context());
  CHECK(row.at("variant") == "noise-vae");
  CHECK(row.at("beta").get<double>() == 40.0);
  CHECK(row.at("noise") == "mog-2");
  CHECK(row.at("sigma2_k") == "0.1/0.01");  // initial state: sigma2_init * 0.1^k
  CHECK(row.at("pi_k") == "0.5/0.5");
  CHECK(row.at("evlb").get<double>() == Approx(-row.at("test_nelbo").get<double>()));
  // Indicators equal a direct computation on the test view's posteriors.
  torch::NoGradGuard g;
  run.model->eval();
  auto q = run.model->encode({run.data.test.storage, {}});
  auto ind = compute_indicators(q.mu, q.logvar);
  CHECK(row.at("kl_qz_pz").get<double>() == Approx(ind.aggregate_kl_def4).epsilon(1e-5));
  CHECK(row.at("influential_count") == ind.influential_count);
  CHECK(row.at("cov_mu_identity_frobenius").get<double>() == Approx(ind.cov_mu_identity_frobenius).epsilon(1e-5));
  // recon_error: mean summed squared error of the posterior-mean reconstruction.
  auto xhat = run.model->reconstruct({run.data.test.storage, {}});
  const double sse = (run.data.test.storage - xhat).pow(2).sum().item<double>() / 7;
  CHECK(row.at("recon_error").get<double>() == Approx(sse).epsilon(1e-5));
}

TEST_CASE("Extra column providers add keys and columns to the comparison", "[fast][comparison]") {
  torch::manual_seed(31);
  TinyRun run("wae-mmd");
  auto table = standard_comparison_table();
  table.add_provider("answer", [](const ComparisonContext&, nlohmann::json& row) { row["answer"] = 42; });
  table.insert_column_after("variant", {"answer", "The answer", 3});
  table.add_provider("broken", [](const ComparisonContext&, nlohmann::json&) { throw std::runtime_error("nope"); });
  const auto& row = table.evaluate(run.context());
  CHECK(row.at("answer") == 42);
  CHECK(row.at("error_broken") == "nope");
  CHECK(row.at("beta").is_null());                 // wae-mmd has no beta
  CHECK(row.at("inactive_count").is_null());       // deterministic encoder
  CHECK(table.columns()[2].key == "answer");
  const std::string text = table.to_text();
  CHECK(text.find("The answer") != std::string::npos);
  CHECK(text.find("tiny-wae-mmd") != std::string::npos);
  const std::string csv = table.to_csv();
  CHECK(csv.rfind("name,variant,answer,beta,", 0) == 0);
  CHECK(table.to_markdown().find("| tiny-wae-mmd | wae-mmd | 42 | - |") != std::string::npos);
  auto dir = vaelab::test::scratch_dir("comparison_write");
  table.write(dir.string());
  std::ifstream f(dir / "compare.csv");
  std::stringstream ss;
  ss << f.rdbuf();
  CHECK(ss.str() == csv);
  CHECK(std::filesystem::exists(dir / "compare.md"));
}

TEST_CASE("Comparison cells are formatted with significant digits and dashes for missing values", "[fast][comparison]") {
  CHECK(ComparisonTable::format_cell(nullptr, 4) == "-");
  CHECK(ComparisonTable::format_cell(123.456, 4) == "123.5");
  CHECK(ComparisonTable::format_cell(0.012345, 3) == "0.0123");
  CHECK(ComparisonTable::format_cell(2, 4) == "2");
  CHECK(ComparisonTable::format_cell("mog-2", 4) == "mog-2");
}

TEST_CASE("Compare entries parse per-entry overrides into folder names", "[fast][comparison]") {
  auto e = ComparisonEntry::parse("ph-vae-toy@options.orders=5@options.amplitude=3");
  CHECK(e.source == "ph-vae-toy");
  CHECK(e.overrides == std::vector<std::string>{"options.orders=5", "options.amplitude=3"});
  CHECK(e.row_name("ph-vae-toy") == "ph-vae-toy_orders-5_amplitude-3");
  CHECK(ComparisonEntry::parse("hebae-mnist").row_name("hebae-mnist") == "hebae-mnist");
  CHECK_THROWS_WITH(ComparisonEntry::parse("x@orders"), Catch::Contains("key=value"));
  CHECK_THROWS_WITH(ComparisonEntry::parse("@a=1"), Catch::Contains("no preset name"));
}
