// The runs table (engine/compare/run_table.h): what a row reads from a run, and which preset keys differ.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "compare/run_table.h"
#include "core/error.h"
#include "session/session.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

nlohmann::json base_preset() {
  return {{"name", "toy-a"},
          {"description", "a toy"},
          {"variant", "vae"},
          {"dataset", {{"name", "toy-gmm5"}, {"n", 640}}},
          {"latent", 2},
          {"architecture", {{"type", "mlp"}, {"hidden", {32, 32}}}},
          {"likelihood", {{"type", "gaussian"}}},
          {"options", {{"beta", 1.0}}},
          {"batch_size", 64},
          {"epochs", 2},
          {"seed", 4},
          {"device", "cpu"}};
}

}  // namespace

TEST_CASE("The runs table lists exactly the preset keys that differ between runs", "[fast][compare]") {
  auto a = base_preset();
  auto b = base_preset();
  auto c = base_preset();
  b["name"] = "toy-b";                                // a label: not listed
  b["description"] = "another toy";                   // a label: not listed
  b["options"]["beta"] = 4;                           // differs
  b["architecture"]["hidden"] = {64, 32};             // an array differs as one value
  c["seed"] = 5;                                      // differs in the third run only
  c["options"]["warmup_steps"] = 100;                 // present in one run only
  b["batch_size"] = 64.0;                             // the same number written as a float: not a difference
  const auto keys = differing_preset_keys({a, b, c});
  CHECK(keys == std::vector<std::string>{"architecture.hidden", "options.beta", "options.warmup_steps", "seed"});

  CHECK(differing_preset_keys({a, a}).empty());
  CHECK(differing_preset_keys({a}).empty());
  CHECK(describe_preset_keys(b, {"options.beta", "architecture.hidden", "options.warmup_steps", "variant"}) ==
        std::vector<std::string>{"options.beta=4", "architecture.hidden=[64,32]", "options.warmup_steps=-",
                                 "variant=vae"});
}

TEST_CASE("A preset flattens into dotted keys with arrays kept whole", "[fast][compare]") {
  const auto flat = flatten_preset(base_preset());
  CHECK(flat.at("architecture.hidden") == nlohmann::json({32, 32}));
  CHECK(flat.at("dataset.name") == "toy-gmm5");
  CHECK(flat.count("architecture") == 0);
  CHECK(flat.size() == 14);
  auto empty_options = base_preset();
  empty_options["options"] = nlohmann::json::object();
  auto no_options = base_preset();
  no_options.erase("options");
  CHECK(differing_preset_keys({empty_options, no_options}).empty());
  CHECK(differing_preset_keys({base_preset(), no_options}) == std::vector<std::string>{"options.beta"});
}

TEST_CASE("A run's row comes from its summary and a loose checkpoint's from its own metadata", "[fast][compare]") {
  const auto dir = test::scratch_dir("run_table_record");
  auto session = Session::from_preset_json(base_preset());
  session->start();
  REQUIRE(session->wait_until_not_running(60000));
  REQUIRE(session->state() == RunState::Finished);
  const auto run = dir / "toy-run";
  session->save_run(run.string());

  const RunRecord r = read_run_record(run.string());
  CHECK(r.name == "toy-run");
  CHECK(r.variant == "vae");
  CHECK(r.dataset == "toy-gmm5");
  CHECK(r.state == "finished");
  CHECK(r.epoch == 2);
  CHECK(r.epochs == 2);
  CHECK(r.step == session->snapshot()->progress.step);
  CHECK(r.wall_seconds > 0);
  REQUIRE(r.final_test.count("loss") == 1);
  CHECK(r.final_test.at("loss") == Approx(final_test_terms(session->snapshot()->metrics ? *session->snapshot()->metrics
                                                                                      : MetricHistory{})
                                              .at("loss")));
  CHECK(r.preset.at("options").at("beta") == 1.0);

  // The same checkpoint outside its folder: no summary, so state "saved", no wall time, same terms.
  const auto loose = dir / "elsewhere.pt";
  fs::copy_file(run / "checkpoint.pt", loose, fs::copy_options::overwrite_existing);
  const RunRecord l = read_run_record(loose.string());
  CHECK(l.state == "saved");
  CHECK(l.wall_seconds < 0);
  CHECK(l.step == r.step);
  CHECK(l.variant == "vae");
  REQUIRE(l.final_test.count("loss") == 1);
  CHECK(l.final_test.at("loss") == Approx(r.final_test.at("loss")).epsilon(1e-5));

  // A truncated summary falls back to the checkpoint instead of failing the row.
  std::ofstream(run / "summary.json") << "{\"preset\": {\"vari";
  const RunRecord t = read_run_record(run.string());
  CHECK(t.state == "saved");
  CHECK(t.variant == "vae");

  CHECK_THROWS_AS(read_run_record((dir / "nothing-here").string()), Error);
}

TEST_CASE("The final test terms skip terms whose last epoch has no test value", "[fast][compare]") {
  MetricHistory h;
  h.record_step(0, 0, {{"loss", 2.0}, {"kl", 1.0}});
  h.close_epoch(1);
  h.set_epoch_test({{"loss", 1.5}});
  const auto terms = final_test_terms(h);
  CHECK(terms.size() == 1);
  CHECK(terms.at("loss") == 1.5);
  CHECK(final_test_terms(MetricHistory{}).empty());
}
